import fc from "fast-check";
import {
  boundaryPolicy,
  BOUNDARY_GUARDED,
  ciNames,
  deployPolicy,
  grantsFor,
  hasEntry,
  iamActionsFor,
  iamContext,
  inventoryOf,
  literal,
  MANAGED_POLICY_MAX_CHARS,
  missingTypes,
  NOT_GRANTED,
  planPolicy,
  type PolicyDocument,
  policySize,
  PRINCIPAL_ACCOUNT,
  PROVIDER_CALLS,
  scopeFor,
  splitPolicy,
  type StackInventory,
} from "../../model/iam";
import { authorizationReference } from "../../model/iam/reference";
import { synthGlobalApp, type SynthResult } from "../support/synth";

/**
 * The IAM model against synthesized stacks: complete (every type has a table entry, every provider
 * call is granted or deliberately not), scoped (ARNs from the stack's own names, "*" only where AWS
 * offers no resource-level permissions), and safe (the deploy role can only create roles that carry
 * the boundary and can never touch the CI roles; the plan role writes nothing).
 */
const ACCOUNT = "123456789012";
const CERTS = {
  "us-west-2": `arn:aws:acm:us-west-2:${ACCOUNT}:certificate/0a1b2c3d-1111-2222-3333-444455556666`,
  "eu-central-1": `arn:aws:acm:eu-central-1:${ACCOUNT}:certificate/0a1b2c3d-7777-8888-9999-000011112222`,
};
/** Every option that adds resource types, alone and together (dev and prod defaults differ). */
const VARIANTS: Record<string, unknown> = {
  dev: {},
  prod: { environment: "prod" },
  "prod + HTTPS + alarm email + reserved concurrency": {
    environment: "prod",
    https: { certificateArns: CERTS },
    alarms: { email: "oncall@example.com" },
    function: { reservedConcurrency: 5 },
  },
  "dual-stack": { accelerator: { ipAddressType: "DUAL_STACK" } },
  "flow logs in dev": { accelerator: { flowLogs: true } },
  "access logs in dev": { alb: { accessLogs: true } },
  "alarms in dev": { alarms: { enabled: true } },
  "customer-managed key in dev": { table: { customerManagedKey: true } },
  "internal ALBs": { alb: { internal: true } },
  "one region outside us-west-2": { regions: ["eu-west-1"], homeRegion: "eu-west-1" },
  "three regions": { regions: ["us-west-2", "eu-central-1", "ap-northeast-1"], homeRegion: "eu-central-1" },
  "GitHub delivery": { ci: { github: { repository: "acme/globalapp" } } },
  "Terraform Cloud state": { state: { backend: "cloud", organization: "acme", workspace: "globalapp" } },
  "a region being retired": { retiredRegions: ["ap-northeast-1"] },
  "your own function with statements, GitHub delivery": {
    ci: { github: { repository: "acme/globalapp" } },
    function: {
      entry: "examples/notes/handler.ts",
      policyStatements: [
        { actions: ["ssm:GetParameter"], resources: ["arn:aws:ssm:*:*:parameter/notes/*"], conditions: { Bool: { "aws:SecureTransport": "true" } } },
        { sid: "NoDeletes", effect: "Deny", actions: ["ssm:DeleteParameter"], resources: ["arn:aws:ssm:*:*:parameter/*"] },
      ],
    },
  },
};
const synths: Record<string, SynthResult> = Object.fromEntries(Object.entries(VARIANTS).map(([n, o]) => [n, synthGlobalApp(o)]));
const inv = (name: string): StackInventory => inventoryOf(synths[name].tf);
const ctx = (name: string) => iamContext(synths[name].config, ACCOUNT);
const policies = (name: string) => ({ deploy: deployPolicy(inv(name), ctx(name)), plan: planPolicy(inv(name), ctx(name)), boundary: boundaryPolicy(inv(name), ctx(name)) });

const allows = (doc: PolicyDocument) => doc.Statement.filter((s) => s.Effect === "Allow");
const actionsOf = (doc: PolicyDocument) => new Set(allows(doc).flatMap((s) => s.Action));
/** Statements granting `action`. */
const granting = (doc: PolicyDocument, action: string) => allows(doc).filter((s) => s.Action.includes(action));
/** IAM's ARN glob: `*` matches any run of characters, `?` one. */
const globMatches = (pattern: string, arn: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`).test(arn);

describe("the action table covers everything the stack synthesizes", () => {
  it.each(Object.keys(VARIANTS))("%s: every resource type and data source has an entry", (name) => {
    expect(missingTypes(inv(name))).toEqual([]);
    expect(inv(name).resources.length).toBeGreaterThan(20);
  });
  it("has entries for the types the tear-down cleanup and Route 53 / ACM routing add", () => {
    for (const t of ["aws_lambda_invocation", "aws_route53_record", "aws_route53_health_check", "aws_acm_certificate", "aws_acm_certificate_validation"]) {
      expect([t, hasEntry(t)]).toEqual([t, true]);
    }
    expect(PROVIDER_CALLS.aws_lambda_invocation.create).toEqual(["lambda:Invoke"]);
    expect(PROVIDER_CALLS.aws_lambda_invocation.delete).toEqual(["lambda:Invoke"]);
    expect(iamActionsFor("lambda:Invoke")).toEqual(["lambda:InvokeFunction"]);
  });
  it("reports a type without an entry, and the policies refuse to be built without it", () => {
    const base = inv("dev");
    const extra = { type: "aws_wafv2_web_acl", address: "aws_wafv2_web_acl.acl", region: "us-west-2", body: { provider: "aws.us-west-2" } };
    const withWaf: StackInventory = { resources: [...base.resources, extra], dataSources: [{ ...extra, type: "aws_region", address: "data.aws_region.r" }] };
    expect(missingTypes(withWaf)).toEqual(["aws_wafv2_web_acl", "data.aws_region"]);
    expect(() => deployPolicy(withWaf, ctx("dev"))).toThrow(/no IAM action table entry .* aws_wafv2_web_acl/);
    expect(() => planPolicy(withWaf, ctx("dev"))).toThrow(/aws_wafv2_web_acl/);
  });
  it("turns every provider operation into IAM actions with a scope rule", () => {
    for (const [type, calls] of Object.entries(PROVIDER_CALLS)) {
      for (const op of [...calls.create, ...calls.read, ...calls.update, ...calls.delete]) {
        for (const action of iamActionsFor(op)) {
          expect([type, op, action]).toEqual([type, op, expect.stringMatching(/^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/)]);
          expect(() => scopeFor(action, ctx("dev"))).not.toThrow();
        }
      }
    }
  });
  it("maps the API operations whose IAM action is named differently", () => {
    expect(iamActionsFor("s3:HeadBucket")).toEqual(["s3:ListBucket"]);
    expect(iamActionsFor("s3:GetBucketEncryption")).toEqual(["s3:GetEncryptionConfiguration"]);
    expect(iamActionsFor("s3:DeletePublicAccessBlock")).toEqual(["s3:PutBucketPublicAccessBlock"]);
    expect(iamActionsFor("elasticloadbalancingv2:CreateLoadBalancer")).toEqual(["elasticloadbalancing:CreateLoadBalancer"]);
    expect(iamActionsFor("cloudwatchlogs:DescribeLogGroups")).toEqual(["logs:DescribeLogGroups"]);
    expect(iamActionsFor("dynamodb:DescribeTable")).toEqual(["dynamodb:DescribeTable"]);
  });
  it("names only real provider calls as never granted, each with the argument that would trigger it", () => {
    const called = new Set(Object.values(PROVIDER_CALLS).flatMap((c) => [...c.create, ...c.read, ...c.update, ...c.delete]));
    for (const [op, reason] of Object.entries(NOT_GRANTED)) {
      expect([op, called.has(op)]).toEqual([op, true]);
      expect(reason.length).toBeGreaterThan(10);
    }
    // Nothing a refresh needs is left out: the plan role would fail on it.
    const reads = new Set(Object.values(PROVIDER_CALLS).flatMap((c) => c.read));
    expect(Object.keys(NOT_GRANTED).filter((op) => reads.has(op))).toEqual([]);
  });
});

describe("the deploy policy", () => {
  const prod = policies("prod + HTTPS + alarm email + reserved concurrency");

  it("grants what reviewers found missing from the hand-written policy", () => {
    const actions = actionsOf(prod.deploy);
    for (const a of ["kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags", "s3:DeleteBucketPolicy", "s3:ListBucket", "dynamodb:CreateTableReplica"]) {
      expect([a, actions.has(a)]).toEqual([a, true]);
    }
    // s3:ListBucket on the log buckets themselves, not only on the state bucket.
    expect(granting(prod.deploy, "s3:ListBucket").flatMap((s) => s.Resource)).toEqual(
      expect.arrayContaining(["arn:aws:s3:::globalapp-prod-alb-*", "arn:aws:s3:::globalapp-prod-ga-flow-*", "arn:aws:s3:::globalapp-terraform-state"]),
    );
  });
  it("grants the log-delivery actions Global Accelerator flow logs need, only when flow logs are on", () => {
    const delivery = ["logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:UpdateLogDelivery"];
    for (const a of delivery) expect([a, actionsOf(policies("flow logs in dev").deploy).has(a)]).toEqual([a, true]);
    for (const a of delivery) expect([a, actionsOf(policies("dev").deploy).has(a)]).toEqual([a, false]);
  });
  it("grants the IPv6 CIDR association actions dual-stack needs", () => {
    const actions = actionsOf(policies("dual-stack").deploy);
    for (const a of ["ec2:AssociateVpcCidrBlock", "ec2:AssociateSubnetCidrBlock", "elasticloadbalancing:SetIpAddressType"]) {
      expect([a, actions.has(a)]).toEqual([a, true]);
    }
  });
  it("reads and writes the state object and its lockfile, nothing else in the state bucket", () => {
    const state = allows(prod.deploy).filter((s) => s.Resource.some((r) => r.startsWith("arn:aws:s3:::globalapp-terraform-state")));
    expect(state.map((s) => [s.Action, s.Resource])).toEqual(
      expect.arrayContaining([
        [["s3:ListBucket"], ["arn:aws:s3:::globalapp-terraform-state"]],
        [["s3:GetObject", "s3:PutObject"], ["arn:aws:s3:::globalapp-terraform-state/globalapp/prod/terraform.tfstate"]],
        [["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], ["arn:aws:s3:::globalapp-terraform-state/globalapp/prod/terraform.tfstate.tflock"]],
      ]),
    );
    expect(state).toHaveLength(3);
  });
  it("has no state statements when Terraform Cloud keeps the state", () => {
    const cloud = policies("Terraform Cloud state");
    for (const doc of [cloud.deploy, cloud.plan]) expect(JSON.stringify(doc)).not.toContain("terraform-state");
  });
  it.each(Object.keys(VARIANTS))("%s: no wildcard action anywhere, in any of the three policies", (name) => {
    for (const doc of Object.values(policies(name))) {
      for (const s of doc.Statement) for (const a of s.Action) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
    }
  });
  it("puts on Resource \"*\" only actions AWS offers no resource-level permissions for", () => {
    const star = allows(prod.deploy).filter((s) => s.Resource.includes("*"));
    expect(star).toHaveLength(1);
    expect(star[0].Resource).toEqual(["*"]);
    // The Service Authorization Reference names no resource type for any of them (sns's subscription
    // actions name one, "topic", but not required: the subscription ARN is no topic ARN).
    const row = (a: string) => authorizationReference().service(a.split(":")[0])!.actions[a.split(":")[1].toLowerCase()];
    for (const a of star[0].Action) expect([a, row(a).resourceTypes.filter((t) => t.required).map((t) => t.name)]).toEqual([a, []]);
  });
  it("scopes every other statement to this stack's names, regions and account", () => {
    const doc = prod.deploy;
    for (const s of allows(doc).filter((st) => !st.Resource.includes("*"))) {
      for (const r of s.Resource) {
        expect(r).toMatch(/^arn:aws:[a-z0-9-]+:(us-west-2|eu-central-1)?:(123456789012)?:|^arn:aws:s3:::globalapp-/);
        if (!r.startsWith("arn:aws:s3:::") && !r.includes(":route53:")) expect(r).toContain(ACCOUNT);
      }
    }
    expect(granting(doc, "lambda:UpdateFunctionCode")[0].Resource).toEqual(
      ["eu-central-1", "us-west-2"].flatMap((r) =>
        ["ga-cleanup", "get"].flatMap((f) => [`arn:aws:lambda:${r}:123456789012:function:globalapp-prod-${f}`, `arn:aws:lambda:${r}:123456789012:function:globalapp-prod-${f}:*`]),
      ),
    );
    // The tear-down cleanup's invocation: the deployer invokes the cleanup function on create, update and delete.
    expect(granting(doc, "lambda:InvokeFunction")[0].Resource).toContain("arn:aws:lambda:us-west-2:123456789012:function:globalapp-prod-ga-cleanup");
    expect(granting(doc, "dynamodb:DeleteTable")[0].Resource).toEqual([
      "arn:aws:dynamodb:eu-central-1:123456789012:table/GlobalApp",
      "arn:aws:dynamodb:us-west-2:123456789012:table/GlobalApp",
    ]);
    expect(granting(doc, "elasticloadbalancing:DeleteLoadBalancer")[0].Resource).toContain(
      "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/globalapp-prod/*",
    );
  });
  it("covers a retired region's resources under the same names, so the deploy that removes them may", () => {
    const { deploy, plan } = policies("a region being retired");
    const resources = (doc: PolicyDocument) => allows(doc).flatMap((s) => s.Resource);
    for (const arn of [
      "arn:aws:lambda:ap-northeast-1:123456789012:function:globalapp-dev-get",
      "arn:aws:iam::123456789012:role/globalapp-dev-get-ap-northeast-1",
      "arn:aws:iam::123456789012:role/globalapp-dev-ga-cleanup-ap-northeast-1",
      "arn:aws:ec2:ap-northeast-1:123456789012:vpc/*",
      "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/globalapp-dev/*",
      "arn:aws:dynamodb:ap-northeast-1:123456789012:table/GlobalApp",
      "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/globalapp-dev-get",
    ]) {
      expect([arn, resources(deploy).includes(arn)]).toEqual([arn, true]);
      // EC2 and ELB reads are Describe* on "*": the plan role has nothing regional to extend there.
      if (!/:ec2:|:elasticloadbalancing:/.test(arn)) expect([arn, resources(plan).includes(arn)]).toEqual([arn, true]);
    }
    expect(JSON.stringify(policies("dev").deploy)).not.toContain("ap-northeast-1");
  });
  it("lets DynamoDB use the table keys with the deployer's permissions only through DynamoDB", () => {
    const [keys] = granting(prod.deploy, "kms:CreateGrant");
    expect(keys.Resource).toEqual(["arn:aws:kms:eu-central-1:123456789012:key/*", "arn:aws:kms:us-west-2:123456789012:key/*"]);
    expect(keys.Condition).toEqual({ StringEquals: { "kms:ViaService": ["dynamodb.eu-central-1.amazonaws.com", "dynamodb.us-west-2.amazonaws.com"] } });
    expect(actionsOf(policies("dev").deploy).has("kms:CreateGrant")).toBe(false);
  });
  it("creates only the service-linked roles the stack needs, each under its own service condition", () => {
    const slr = granting(prod.deploy, "iam:CreateServiceLinkedRole");
    expect(slr.map((s) => s.Condition)).toEqual(
      ["elasticloadbalancing.amazonaws.com", "globalaccelerator.amazonaws.com", "replication.dynamodb.amazonaws.com"].map((svc) => ({ StringEquals: { "iam:AWSServiceName": svc } })),
    );
    for (const s of slr) expect(s.Resource[0]).toMatch(/^arn:aws:iam::123456789012:role\/aws-service-role\/[a-z.]+\.amazonaws\.com\/\*$/);
  });
  it("is a deploy policy of the whole stack: every write and read of every resource", () => {
    const inventory = inv("prod + HTTPS + alarm email + reserved concurrency");
    const actions = actionsOf(prod.deploy);
    for (const el of inventory.resources) {
      const g = grantsFor(el, inventory, ctx("prod + HTTPS + alarm email + reserved concurrency"));
      for (const a of [...g.read, ...g.write].flatMap((x) => x.actions)) expect([el.type, a, actions.has(a)]).toEqual([el.type, a, true]);
    }
  });
});

describe("IAM on roles: only the function roles, only with the boundary", () => {
  const doc = policies("GitHub delivery").deploy;
  const config = synths["GitHub delivery"].config;
  const boundary = `arn:aws:iam::123456789012:policy/globalapp-ci/globalapp-dev-function-boundary`;
  const functionRoles = ["ga-cleanup-eu-central-1", "ga-cleanup-us-west-2", "get-eu-central-1", "get-us-west-2"].map((r) => `arn:aws:iam::123456789012:role/globalapp-dev-${r}`);

  it("allows iam:CreateRole, PutRolePolicy, DeleteRolePolicy and the boundary put only with the boundary on the function roles' exact ARNs", () => {
    for (const action of BOUNDARY_GUARDED) {
      if (action === "iam:DetachRolePolicy") continue;
      const st = granting(doc, action);
      expect([action, st.length]).toEqual([action, 1]);
      expect(st[0].Resource).toEqual(functionRoles);
      expect(st[0].Condition).toEqual({ StringEquals: { "iam:PermissionsBoundary": boundary } });
    }
  });
  it("passes the function roles to Lambda and nothing else", () => {
    const [pass] = granting(doc, "iam:PassRole");
    expect(pass.Resource).toEqual(functionRoles);
    expect(pass.Condition).toEqual({ StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } });
  });
  it("never grants an IAM action on \"*\", and denies removing the boundary or changing it", () => {
    for (const s of allows(doc)) {
      if (s.Resource.includes("*")) expect(s.Action.filter((a) => a.startsWith("iam:"))).toEqual([]);
    }
    const denies = doc.Statement.filter((s) => s.Effect === "Deny");
    expect(denies.map((s) => [s.Sid, s.Action, s.Resource])).toEqual([
      ["DenyBoundaryChanges", ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"], [boundary]],
      ["DenyBoundaryRemoval", ["iam:DeleteRolePermissionsBoundary"], ["*"]],
    ]);
    expect(actionsOf(doc).has("iam:AttachRolePolicy")).toBe(false);
  });
  it("no Allow statement on roles can ever match the CI roles (own IAM path), whatever the app's names", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9]{1,6}(-[a-z0-9]{1,4})?$/),
        fc.constantFrom("dev", "prod"),
        (appName, environment) => {
          const names = ciNames({ appName, environment });
          const ci = [names.planRole, names.deployRole].map((n) => `arn:aws:iam::123456789012:role${names.path}${n}`);
          const own = [`arn:aws:iam::123456789012:role/${appName}-${environment}-get-us-west-2`];
          return own.every((p) => ci.every((arn) => !globMatches(p, arn)));
        },
      ),
    );
    const roleStatements = allows(doc).filter((s) => s.Action.some((a) => a.startsWith("iam:")) && !s.Action.includes("iam:CreateServiceLinkedRole"));
    const n = ciNames(config);
    for (const arn of [n.planRole, n.deployRole].map((r) => `arn:aws:iam::123456789012:role${n.path}${r}`)) {
      for (const s of roleStatements) for (const r of s.Resource) expect([r, arn, globMatches(r, arn)]).toEqual([r, arn, false]);
    }
  });
});

describe("the plan policy writes nothing", () => {
  it.each(Object.keys(VARIANTS))("%s: only Describe/Get/List actions (and Decrypt through DynamoDB), the seed item only, no lockfile", (name) => {
    const { plan, deploy } = policies(name);
    for (const s of plan.Statement) {
      expect(s.Effect).toBe("Allow");
      // kms:Decrypt reads the seed item of a CMK table, and only through DynamoDB.
      const viaDynamoDb = JSON.stringify(s.Condition ?? {}).includes("kms:ViaService");
      for (const a of s.Action) expect(a).toMatch(viaDynamoDb ? /^kms:(Decrypt|DescribeKey)$/ : /^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*$/);
      for (const r of s.Resource) expect(r).not.toMatch(/\.tflock$/);
    }
    // Item reads are limited to the seed item's key: the plan role cannot read user data.
    for (const s of granting(plan, "dynamodb:GetItem")) expect(s.Condition).toEqual({ "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["foobar"] } });
    expect(actionsOf(plan).has("dynamodb:Scan")).toBe(false);
    // What the plan reads, the deployer can read too.
    const deployActions = actionsOf(deploy);
    for (const a of actionsOf(plan)) expect([a, deployActions.has(a)]).toEqual([a, true]);
  });
  it("reads the state object but not the lockfile (plans run with -lock=false)", () => {
    const { plan } = policies("dev");
    expect(granting(plan, "s3:GetObject").flatMap((s) => s.Resource)).toEqual(["arn:aws:s3:::globalapp-terraform-state/globalapp/dev/terraform.tfstate"]);
  });
  it("reads every resource type's refresh calls", () => {
    const { plan } = policies("prod + HTTPS + alarm email + reserved concurrency");
    for (const a of ["kms:GetKeyPolicy", "lambda:GetFunction", "sns:GetTopicAttributes", "sns:GetSubscriptionAttributes", "cloudwatch:GetDashboard", "s3:GetBucketPolicy", "elasticloadbalancing:DescribeTargetHealth"]) {
      expect([a, actionsOf(plan).has(a)]).toEqual([a, true]);
    }
  });
});

describe("the permissions boundary", () => {
  /** The actions the stack's own role policies allow (read from the synthesized jsonencode; a denial needs no room in the boundary). */
  const roleActions = (r: SynthResult) =>
    Object.values(r.tf.resource.aws_iam_role_policy ?? {}).flatMap((p) =>
      [...String(p.policy).matchAll(/"Effect" = "Allow", "Action" = \[([^\]]*)\]/g)].flatMap((m) => [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1])),
    );
  it.each(Object.keys(VARIANTS))("%s: allows every action the stack's roles grant themselves", (name) => {
    const bounded = actionsOf(policies(name).boundary);
    const granted = roleActions(synths[name]);
    expect(granted.length).toBeGreaterThan(4);
    for (const a of granted) expect([a, bounded.has(a)]).toEqual([a, true]);
  });
  it("is carried by every role of the stack when GitHub delivery is on, and by none otherwise", () => {
    for (const role of Object.values(synths["GitHub delivery"].tf.resource.aws_iam_role)) {
      expect(role.permissions_boundary).toBe("arn:aws:iam::${data.aws_caller_identity.account.account_id}:policy/globalapp-ci/globalapp-dev-function-boundary");
    }
    for (const role of Object.values(synths.dev.tf.resource.aws_iam_role)) expect(role.permissions_boundary).toBeUndefined();
    expect(synths["GitHub delivery"].tf.data?.aws_caller_identity).toBeDefined();
  });
  it("lets your own function's allowing statements through as they are, and needs no room for its denials", () => {
    const doc = policies("your own function with statements, GitHub delivery").boundary;
    expect(doc.Statement.filter((s) => s.Sid.startsWith("Own"))).toEqual([
      { Sid: "OwnFunctionStatement1", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: ["arn:aws:ssm:*:*:parameter/notes/*"], Condition: { Bool: { "aws:SecureTransport": "true" } } },
    ]);
    expect(actionsOf(doc).has("ssm:DeleteParameter")).toBe(false);
    expect(policies("GitHub delivery").boundary.Statement.some((s) => s.Sid.startsWith("Own"))).toBe(false);
  });
  it("lets the tear-down cleanup delete only the security groups Global Accelerator owns", () => {
    const [del] = granting(policies("dev").boundary, "ec2:DeleteSecurityGroup");
    expect(del.Condition).toEqual({ StringEquals: { "ec2:ResourceTag/AWSServiceName": "GlobalAccelerator" } });
    expect(del.Resource).toContain("arn:aws:ec2:us-west-2:123456789012:security-group/*");
  });
});

describe("sizes and placeholders", () => {
  it("splits a policy into documents IAM accepts as managed policies, losing nothing", () => {
    const doc = policies("prod + HTTPS + alarm email + reserved concurrency").deploy;
    expect(policySize(doc)).toBeGreaterThan(MANAGED_POLICY_MAX_CHARS);
    const parts = splitPolicy(doc);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(policySize(p)).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
    const flat = (d: PolicyDocument[]) => d.flatMap((x) => x.Statement.flatMap((s) => s.Action.map((a) => `${s.Effect} ${a} ${s.Resource.join(",")} ${JSON.stringify(s.Condition ?? {})}`))).sort();
    expect(flat(parts)).toEqual(flat([doc]));
  });
  it("splits a statement whose action list alone is too long", () => {
    const big: PolicyDocument = { Version: "2012-10-17", Statement: [{ Sid: "Big", Effect: "Allow", Action: Array.from({ length: 400 }, (_, i) => `ec2:DescribeThing${i}`), Resource: ["*"] }] };
    const parts = splitPolicy(big, 2000);
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts) expect(policySize(p)).toBeLessThanOrEqual(2000);
    expect(parts.flatMap((p) => p.Statement.flatMap((s) => s.Action))).toEqual(big.Statement[0].Action);
  });
  it("writes the policy variable ${aws:PrincipalAccount} when no account is given", () => {
    const doc = deployPolicy(inv("dev"), iamContext(synths.dev.config));
    expect(JSON.stringify(doc)).toContain(`arn:aws:lambda:us-west-2:${PRINCIPAL_ACCOUNT}:function:globalapp-dev-get`);
    expect(JSON.stringify(doc)).not.toContain(ACCOUNT);
  });
  it("refuses a name that is a Terraform reference: it could not scope a policy written before the apply", () => {
    const el = { type: "aws_lambda_function", address: "aws_lambda_function.f", region: "us-west-2", body: { function_name: "${aws_s3_bucket.b.id}" } };
    expect(() => literal(el, "function_name")).toThrow(/aws_lambda_function\.f\.function_name .* must be a literal/);
  });
});
