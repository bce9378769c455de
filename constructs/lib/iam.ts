import { jsonDocument } from "./json-document";

/** One IAM policy statement, typed. */
export interface PolicyStatement {
  /** Statement id (letters and digits). */
  readonly sid: string;
  /** @default "Allow" */
  readonly effect?: "Allow" | "Deny";
  /** Explicit actions; wildcards only where the service has no resource-level permissions. */
  readonly actions: readonly string[];
  /** Resource ARNs (tokens allowed). Omit for trust policies. */
  readonly resources?: readonly string[];
  /** Principals, e.g. `{ Service: ["lambda.amazonaws.com"] }` for a trust policy. */
  readonly principals?: Readonly<Record<string, readonly string[]>>;
  /** Conditions, e.g. `{ Bool: { "aws:SecureTransport": "false" } }`. */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/**
 * Renders an IAM policy document as a Terraform `jsonencode(...)` expression (./json-document.ts).
 * Built from typed statements, never a hand-written JSON string; references (ARNs) stay Terraform
 * references, so `terraform test` can assert on the decoded policy.
 */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return jsonDocument({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: s.effect ?? "Allow",
      ...(s.principals ? { Principal: s.principals } : {}),
      Action: s.actions,
      ...(s.resources ? { Resource: s.resources } : {}),
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}

/** Trust policy that lets one AWS service assume a role. */
export function assumeRolePolicy(service: string): string {
  return policyDocument([{ sid: "AssumeRole", actions: ["sts:AssumeRole"], principals: { Service: [service] } }]);
}
