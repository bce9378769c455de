/**
 * Every IAM policy document a synthesized stack holds (role trust policies, inline and managed
 * policies, key, bucket and topic policies), read back from cdktf's `jsonencode(...)` expressions with
 * their Terraform references resolved to ARN patterns, so ./check.ts can check them before anything
 * is applied. A reference to `<type>.<name>.arn` becomes the ARN format of that type in the Service
 * Authorization Reference, filled in from the element's own arguments (its region, its literal name)
 * and `*` for what only the apply knows (account, ids).
 */
import { type CheckOptions, checkPolicy, type Finding, type PolicyKind } from "./check";
import { decodeJsonencode } from "./hcl";
import { inventoryOf, isReference, type StackElement, type StackInventory, type SynthesizedStack } from "./inventory";
import { authorizationReference, type AuthorizationReference } from "./reference";

/** Where policies live in a stack: resource type → its policy-valued arguments and what kind each is. */
export const POLICY_ARGUMENTS: Readonly<Record<string, Readonly<Record<string, PolicyKind>>>> = {
  aws_iam_role: { assume_role_policy: "trust" },
  aws_iam_role_policy: { policy: "identity" },
  aws_iam_policy: { policy: "identity" },
  aws_iam_user_policy: { policy: "identity" },
  aws_iam_group_policy: { policy: "identity" },
  aws_kms_key: { policy: "resource" },
  aws_s3_bucket_policy: { policy: "resource" },
  aws_sns_topic: { policy: "resource" },
  aws_sns_topic_policy: { policy: "resource" },
};

/** One policy document of a stack. */
export interface StackPolicy {
  /** `<type>.<name>.<argument>`, e.g. "aws_iam_role_policy.backend-us-west-2_policy_CB43B023.policy". */
  readonly name: string;
  readonly kind: PolicyKind;
  /** The document, references resolved. */
  readonly document: unknown;
  /** References this module could not turn into a value (each became "*"). */
  readonly unresolved: readonly string[];
}

/**
 * How a referenced element's `arn` is written: its resource type in the reference (`<prefix>/<type>`)
 * and which argument fills which ARN variable. Variables not named here become `*`.
 */
const ARN_OF: Readonly<Record<string, { readonly type: string; readonly vars?: Readonly<Record<string, (body: Readonly<Record<string, unknown>>) => unknown>> }>> = {
  aws_dynamodb_table: { type: "dynamodb/table", vars: { TableName: (b) => b.name } },
  aws_cloudwatch_log_group: { type: "logs/log-group", vars: { LogGroupName: (b) => b.name } },
  aws_lambda_function: { type: "lambda/function", vars: { FunctionName: (b) => b.function_name } },
  aws_iam_role: { type: "iam/role", vars: { RoleNameWithPath: (b) => (typeof b.name === "string" ? `${String(b.path ?? "/").slice(1)}${b.name}` : undefined) } },
  aws_iam_policy: { type: "iam/policy", vars: { PolicyNameWithPath: (b) => (typeof b.name === "string" ? `${String(b.path ?? "/").slice(1)}${b.name}` : undefined) } },
  aws_iam_openid_connect_provider: { type: "iam/oidc-provider", vars: { OidcProviderName: (b) => (typeof b.url === "string" ? b.url.replace(/^https:\/\//, "") : undefined) } },
  aws_kms_key: { type: "kms/key" },
  aws_s3_bucket: { type: "s3/bucket", vars: { BucketName: (b) => b.bucket ?? (typeof b.bucket_prefix === "string" ? `${b.bucket_prefix}*` : undefined) } },
  aws_sns_topic: { type: "sns/topic", vars: { TopicName: (b) => b.name } },
  aws_vpc: { type: "ec2/vpc" },
  aws_security_group: { type: "ec2/security-group" },
  aws_lb: { type: "elasticloadbalancing/loadbalancer/app/", vars: { LoadBalancerName: (b) => b.name } },
  aws_lb_target_group: { type: "elasticloadbalancing/targetgroup", vars: { TargetGroupName: (b) => b.name } },
  aws_globalaccelerator_accelerator: { type: "globalaccelerator/accelerator" },
};

/** Data sources' attributes that policies use: the account id, and ELB's log-delivery account. */
const DATA_VALUES: Readonly<Record<string, string>> = {
  "aws_caller_identity.account_id": "*",
  "aws_elb_service_account.arn": "arn:aws:iam::*:root",
};

/** Resolves one Terraform expression (a reference, a string, or replace(…)) to a string. */
class Resolver {
  readonly unresolved: string[] = [];
  private readonly byAddress: Map<string, StackElement>;

  constructor(
    inventory: StackInventory,
    private readonly reference: AuthorizationReference,
  ) {
    this.byAddress = new Map([...inventory.resources, ...inventory.dataSources].map((e) => [e.address, e]));
  }

  /** A string with `${…}` interpolations, each resolved. */
  string(s: string): string {
    let out = "";
    let i = 0;
    while (i < s.length) {
      const start = s.indexOf("${", i);
      if (start < 0) return out + s.slice(i);
      // `$${` is Terraform's escape for a literal `${`: an IAM policy variable such as ${aws:username}.
      if (s[start - 1] === "$") {
        out += s.slice(i, start - 1) + "${";
        i = start + 2;
        continue;
      }
      out += s.slice(i, start);
      const end = closing(s, start + 2);
      out += this.expression(s.slice(start + 2, end).trim());
      i = end + 1;
    }
    return out;
  }

  private expression(expr: string): string {
    const quoted = /^"([\s\S]*)"$/.exec(expr);
    if (quoted) return this.string(quoted[1]);
    const call = /^replace\(([\s\S]*)\)$/.exec(expr);
    if (call) {
      const args = splitArgs(call[1]).map((a) => this.expression(a.trim()));
      if (args.length === 3) {
        const [value, search, replacement] = args;
        const regex = /^\/(.*)\/$/.exec(search);
        return regex ? value.replace(new RegExp(regex[1], "g"), replacement) : value.split(search).join(replacement);
      }
    }
    const ref = /^(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)$/.exec(expr);
    if (ref) {
      const [, data, type, name, attribute] = ref;
      if (data) {
        const value = DATA_VALUES[`${type}.${attribute}`];
        if (value !== undefined) return value;
      } else {
        const el = this.byAddress.get(`${type}.${name}`);
        if (el && attribute === "arn") {
          const arn = this.arnOf(el);
          if (arn) return arn;
        }
      }
    }
    this.unresolved.push(expr);
    return "*";
  }

  /** The ARN pattern of a stack element, from its type's format in the reference. */
  private arnOf(el: StackElement): string | undefined {
    const how = ARN_OF[el.type];
    if (!how) return undefined;
    const slash = how.type.indexOf("/");
    const format = this.reference.service(how.type.slice(0, slash))?.resourceTypes[how.type.slice(slash + 1)]?.arn;
    if (!format) return undefined;
    return format.replace(/\$\{([A-Za-z0-9]+)\}/g, (_, v: string) => {
      if (v === "Partition") return "aws";
      if (v === "Region") return el.region;
      const value = how.vars?.[v]?.(el.body);
      return typeof value === "string" && !isReference(value) ? value : "*";
    });
  }
}

/** The index of the `}` that closes an interpolation opened just before `from` (quotes respected). */
function closing(s: string, from: number): number {
  let depth = 1;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === "\\") i++;
    } else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  return s.length;
}

/** Splits function arguments at top-level commas (quotes and brackets respected). */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === "\\") i++;
    } else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (c === "," && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

/** Every string of a decoded value with its references resolved. */
function resolveAll(value: unknown, r: Resolver): unknown {
  if (typeof value === "string") return r.string(value);
  if (Array.isArray(value)) return value.map((v) => resolveAll(v, r));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [r.string(k), resolveAll(v, r)]));
  return value;
}

/** The policy documents of a synthesized stack, in address order. */
export function stackPolicies(tf: SynthesizedStack, reference: AuthorizationReference = authorizationReference()): StackPolicy[] {
  const inventory = inventoryOf(tf);
  const out: StackPolicy[] = [];
  for (const el of inventory.resources) {
    for (const [argument, kind] of Object.entries(POLICY_ARGUMENTS[el.type] ?? {})) {
      const raw = el.body[argument];
      if (raw === undefined) continue;
      const resolver = new Resolver(inventory, reference);
      const document = resolveAll(decodeJsonencode(raw), resolver);
      out.push({ name: `${el.address}.${argument}`, kind, document, unresolved: resolver.unresolved });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The findings of every policy document of a synthesized stack. */
export function checkStackPolicies(tf: SynthesizedStack, options: Pick<CheckOptions, "reference"> = {}): Finding[] {
  return stackPolicies(tf, options.reference).flatMap((p) => checkPolicy(p.document, { kind: p.kind, name: p.name, reference: options.reference }));
}
