/**
 * IAM policy documents for the stack: the deploying role (everything the provider calls to create,
 * read, update and delete what the stack holds, plus the state and its lock), the read-only plan role
 * (what a refresh reads, plus the state) and the permissions boundary every role the deployer creates
 * must carry (the most a GlobalApp function may ever do). Built from ./actions.ts and the stack
 * inventory; pure, so synth (the bootstrap stack), `npm run iam` and the tests share it.
 */
import { type Conditions, type Grant, grantsFor, missingTypes, tableUsesCmk } from "./actions";
import { resourceTypesMatching } from "./check";
import type { StackInventory } from "./inventory";
import type { ProviderCalls } from "./provider-calls";
import { type IamContext, resolveScope, type ScopeId, tableRegions } from "./scopes";

/** One statement of an IAM policy document, as IAM writes it. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Conditions;
}

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** The roles `npm run iam -- --role` prints a policy for. */
export const POLICY_ROLES = ["deploy", "plan", "boundary"] as const;
export type PolicyRole = (typeof POLICY_ROLES)[number];

/**
 * IAM's size limits, counted without whitespace: a managed policy holds at most 6,144 characters, and
 * a role's inline policies together 10,240. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export const MANAGED_POLICY_MAX_CHARS = 6144;
export const INLINE_POLICIES_MAX_CHARS = 10240;

const SCOPE_LABEL: Readonly<Record<string, string>> = {
  any: "NoResourceLevelPermissions",
  table: "GlobalTable",
  tableKeys: "TableKeys",
  functions: "Functions",
  roles: "FunctionRoles",
  logGroups: "FunctionLogGroups",
  logStreams: "FunctionLogStreams",
  loadBalancers: "LoadBalancers",
  network: "Network",
  securityGroups: "SecurityGroups",
  accelerators: "Accelerator",
  kmsKeys: "KmsKeys",
  kmsAliases: "KmsAliases",
  buckets: "LogBuckets",
  bucketObjects: "LogObjects",
  topics: "AlarmTopics",
  alarms: "Alarms",
  dashboards: "Dashboards",
  hostedZones: "HostedZones",
  route53Changes: "Route53Changes",
  healthChecks: "HealthChecks",
  certificates: "Certificates",
  boundaryPolicy: "BoundaryPolicy",
  stateBucket: "StateBucket",
  stateObject: "StateObject",
  lockObject: "StateLockfile",
};

const CONDITION_LABEL: Readonly<Record<string, string>> = {
  "iam:PermissionsBoundary": "KeepBoundary",
  "iam:PassedToService": "PassToLambda",
  "dynamodb:LeadingKeys": "SeedItemsOnly",
  "kms:ViaService": "ViaDynamoDB",
  "ec2:ResourceTag/AWSServiceName": "GlobalAcceleratorOwned",
};

function label(scope: ScopeId, conditions?: Conditions): string {
  if (scope.startsWith("serviceLinkedRole:")) {
    const service = scope.split(":")[1].split(".")[0];
    return `ServiceLinkedRole${service.charAt(0).toUpperCase()}${service.slice(1)}`;
  }
  const keys = Object.values(conditions ?? {}).flatMap((c) => Object.keys(c));
  return SCOPE_LABEL[scope] + keys.map((k) => CONDITION_LABEL[k] ?? "").join("");
}

/** Merges grants into statements: one per (scope, conditions), actions deduplicated and sorted. */
function statements(grants: readonly Grant[], inv: StackInventory, ctx: IamContext, effect: "Allow" | "Deny" = "Allow"): PolicyStatement[] {
  const byKey = new Map<string, { scope: ScopeId; conditions?: Conditions; sid?: string; actions: Set<string> }>();
  for (const g of grants) {
    const key = `${g.scope}|${JSON.stringify(g.conditions ?? {})}|${g.sid ?? ""}`;
    const entry = byKey.get(key) ?? { scope: g.scope, conditions: g.conditions, sid: g.sid, actions: new Set<string>() };
    g.actions.forEach((a) => entry.actions.add(a));
    byKey.set(key, entry);
  }
  const out: PolicyStatement[] = [];
  const sids = new Set<string>();
  for (const { scope, conditions, sid: named, actions } of byKey.values()) {
    // A scope names every ARN kind its resources take (a network: vpc/*, subnet/*, …); keep those some
    // action of the statement can act on (per the Service Authorization Reference): the rest grant nothing.
    const resources = resolveScope(scope, inv, ctx).filter((r) => r === "*" || [...actions].some((a) => resourceTypesMatching(a, r).length > 0));
    if (resources.length === 0) continue;
    const base = named ?? label(scope, conditions);
    let sid = base;
    for (let n = 2; sids.has(sid); n++) sid = `${base}${n}`;
    sids.add(sid);
    out.push({
      Sid: sid,
      Effect: effect,
      Action: [...actions].sort(),
      Resource: resources,
      ...(conditions ? { Condition: conditions } : {}),
    });
  }
  return out.sort((a, b) => a.Sid.localeCompare(b.Sid));
}

/** Fails when the stack holds a type the action table does not know: its policy would be incomplete. */
function requireComplete(inv: StackInventory): void {
  const missing = missingTypes(inv);
  if (missing.length > 0) {
    throw new Error(`no IAM action table entry (model/iam/provider-calls.ts) for: ${missing.join(", ")}`);
  }
}

const document = (statement: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statement });

/**
 * The read-only plan role: what `terraform plan -refresh` reads, plus the state object (plans run with
 * -lock=false). `table` is the provider-call table (default ./provider-calls.ts; the tests pass others).
 */
export function planPolicy(inv: StackInventory, ctx: IamContext, table?: Readonly<Record<string, ProviderCalls>>): PolicyDocument {
  requireComplete(inv);
  const grants: Grant[] = inv.resources.flatMap((el) => grantsFor(el, inv, ctx, table).read);
  grants.push({ actions: ["s3:ListBucket"], scope: "stateBucket" }, { actions: ["s3:GetObject"], scope: "stateObject" });
  return document(statements(grants, inv, ctx));
}

/**
 * The deploying role: create, read, update and delete everything in the stack, the state and its
 * lockfile. `table` is the provider-call table (default ./provider-calls.ts; the tests pass others).
 */
export function deployPolicy(inv: StackInventory, ctx: IamContext, table?: Readonly<Record<string, ProviderCalls>>): PolicyDocument {
  requireComplete(inv);
  const grants: Grant[] = inv.resources.flatMap((el) => {
    const g = grantsFor(el, inv, ctx, table);
    return [...g.read, ...g.write];
  });
  grants.push(
    // Listing keys only reveals object names; terraform init lists the bucket to find workspaces.
    { actions: ["s3:ListBucket"], scope: "stateBucket" },
    { actions: ["s3:GetObject", "s3:PutObject"], scope: "stateObject" },
    { actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], scope: "lockObject" },
  );
  const denies: Grant[] = [
    // Explicit denies hold even if someone attaches a broader policy to the deploy role.
    { actions: ["iam:DeleteRolePermissionsBoundary"], scope: "any", sid: "DenyBoundaryRemoval" },
    {
      actions: ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"],
      scope: "boundaryPolicy",
      sid: "DenyBoundaryChanges",
    },
  ];
  return document([...statements(grants, inv, ctx), ...statements(denies, inv, ctx, "Deny")]);
}

/** The DynamoDB item actions a GlobalApp function may use (functions/lib/store.ts). */
export const FUNCTION_ITEM_ACTIONS = ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"] as const;

/**
 * The permissions boundary of every role the deploy role creates: the most any GlobalApp function may
 * do, whatever its own policy says. The item API on the table, its own log streams, X-Ray, the table
 * keys only through DynamoDB, for the tear-down cleanup function the lookups and the deletion of
 * the security group Global Accelerator leaves in each VPC (GA tags it AWSServiceName=GlobalAccelerator;
 * AWS's AWSGlobalAcceleratorSLRPolicy deletes it under that same condition), and what your own
 * function's statements allow (`function.policyStatements`, checked like every policy).
 */
export function boundaryPolicy(inv: StackInventory, ctx: IamContext): PolicyDocument {
  const grants: Grant[] = [
    { actions: [...FUNCTION_ITEM_ACTIONS], scope: "table" },
    { actions: ["logs:CreateLogStream", "logs:PutLogEvents"], scope: "logStreams" },
    // X-Ray has no resource-level permissions for these two actions.
    { actions: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], scope: "any" },
    { actions: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups"], scope: "any" },
    { actions: ["ec2:DeleteSecurityGroup"], scope: "securityGroups", conditions: { StringEquals: { "ec2:ResourceTag/AWSServiceName": "GlobalAccelerator" } } },
  ];
  if (tableUsesCmk(inv)) {
    grants.push({
      actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
      scope: "tableKeys",
      conditions: { StringEquals: { "kms:ViaService": tableRegions(inv).map((r) => `dynamodb.${r}.amazonaws.com`) } },
    });
  }
  const own = statements(grants, inv, ctx);
  // Your own function's statements (function.policyStatements) as they are: else the boundary would deny them.
  const taken = new Set(own.map((s) => s.Sid));
  for (const g of ctx.functionGrants ?? []) {
    let sid = `Own${g.sid}`;
    for (let n = 2; taken.has(sid); n++) sid = `Own${g.sid}${n}`;
    taken.add(sid);
    own.push({ Sid: sid, Effect: "Allow", Action: [...g.actions], Resource: [...g.resources], ...(g.conditions ? { Condition: g.conditions } : {}) });
  }
  return document(own);
}

/** The policy of one role. */
export function policyFor(role: PolicyRole, inv: StackInventory, ctx: IamContext): PolicyDocument {
  switch (role) {
    case "deploy":
      return deployPolicy(inv, ctx);
    case "plan":
      return planPolicy(inv, ctx);
    case "boundary":
      return boundaryPolicy(inv, ctx);
  }
}

/** A document's size as IAM counts it (whitespace excluded). */
export function policySize(doc: PolicyDocument): number {
  return JSON.stringify(doc).length;
}

/**
 * Splits a document's statements into documents of at most `max` characters each (statements whose
 * action list alone is too long are split by action), so a large policy fits IAM's per-policy limit.
 */
export function splitPolicy(doc: PolicyDocument, max: number = MANAGED_POLICY_MAX_CHARS): PolicyDocument[] {
  const parts: PolicyStatement[][] = [[]];
  const fits = (s: PolicyStatement[]) => policySize(document(s)) <= max;
  const pieces = doc.Statement.flatMap((s) => {
    if (fits([s])) return [s];
    // Halve the action list until each half fits on its own.
    const halves: PolicyStatement[] = [];
    const queue = [s];
    while (queue.length) {
      const next = queue.shift()!;
      if (fits([next]) || next.Action.length === 1) halves.push(next);
      else {
        const mid = Math.ceil(next.Action.length / 2);
        queue.unshift({ ...next, Sid: `${next.Sid}B`, Action: next.Action.slice(mid) });
        queue.unshift({ ...next, Sid: `${next.Sid}A`, Action: next.Action.slice(0, mid) });
      }
    }
    return halves;
  });
  for (const s of pieces) {
    const current = parts[parts.length - 1];
    if (fits([...current, s])) current.push(s);
    else parts.push([s]);
  }
  return parts.filter((p) => p.length > 0).map(document);
}
