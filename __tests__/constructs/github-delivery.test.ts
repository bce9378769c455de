import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { Testing, TerraformStack } from "cdktf";
import { GitHubDelivery, type GitHubDeliveryProps } from "../../constructs/github-delivery";
import { GlobalAppStack, STACK_NAME } from "../../constructs/global-app-stack";
import { stateBucketStackFor } from "../../constructs/state-bucket-stack";
import { boundaryPolicy, ciNames, deployPolicy, iamContext, inventoryOf, planPolicy, type PolicyDocument } from "../../model/iam";
import { configWith, synthGlobalApp } from "../support/synth";

type Tf = { resource: Record<string, Record<string, Record<string, unknown>>>; output?: Record<string, unknown>; data?: Record<string, unknown> };
const system = synthGlobalApp({ ci: { github: { repository: "acme/globalapp" } } });
const policiesFor = (account: string) => {
  const inv = inventoryOf(system.tf);
  const ctx = iamContext(system.config, account);
  return { deploy: deployPolicy(inv, ctx), plan: planPolicy(inv, ctx), boundary: boundaryPolicy(inv, ctx) };
};

function synthDelivery(props: Partial<GitHubDeliveryProps> = {}): { json: string; tf: Tf } {
  const stack = new TerraformStack(Testing.app(), "test");
  const provider = new AwsProvider(stack, "aws", { region: "us-west-2", alias: "us-west-2" });
  new GitHubDelivery(stack, "github", {
    provider,
    repository: "acme/globalapp",
    names: ciNames(system.config),
    policies: policiesFor("123456789012"),
    ...props,
  });
  const json = Testing.synth(stack);
  return { json, tf: JSON.parse(json) as Tf };
}
/** Decodes a synthesized `${jsonencode({...})}` policy written by cdktf (HCL object syntax) into JSON. */
function decode(expr: unknown): PolicyDocument {
  const hcl = String(expr).replace(/^\$\{jsonencode\(/, "").replace(/\)\}$/, "");
  return JSON.parse(hcl.replace(/" = /g, '": ').replace(/(\[|, )(aws_[a-z_]+\.[A-Za-z0-9_-]+\.arn)/g, '$1"$2"')) as PolicyDocument;
}
const byName = (tf: Tf, type: string) => Object.fromEntries(Object.values(tf.resource[type] ?? {}).map((r) => [String(r.name), r]));

describe("GitHubDelivery", () => {
  const { json, tf } = synthDelivery();
  const roles = byName(tf, "aws_iam_role");
  const policies = byName(tf, "aws_iam_policy");

  it("creates GitHub's OIDC provider for the sts.amazonaws.com audience, without thumbprints", () => {
    expect(json).toHaveResourceWithProperties(IamOpenidConnectProvider, { url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] });
    expect(Object.values(tf.resource.aws_iam_openid_connect_provider)[0].thumbprint_list).toBeUndefined();
  });
  it.each([
    ["globalapp-dev-github-plan", "repo:acme/globalapp:pull_request"],
    ["globalapp-dev-github-deploy", "repo:acme/globalapp:environment:production"],
  ])("%s trusts only GitHub's OIDC tokens for %s", (name, subject) => {
    const trust = String(roles[name].assume_role_policy);
    expect(trust).toContain('"Action" = ["sts:AssumeRoleWithWebIdentity"]');
    expect(trust).toContain('"Federated" = [aws_iam_openid_connect_provider.github_oidc_');
    expect(trust).toContain(`"token.actions.githubusercontent.com:aud" = "sts.amazonaws.com", "token.actions.githubusercontent.com:sub" = "${subject}"`);
    expect(trust).not.toMatch(/StringLike|\*/);
    expect(roles[name]).toEqual(expect.objectContaining({ path: "/globalapp-ci/", max_session_duration: 7200 }));
  });
  it("creates the boundary on the CI path with the model's boundary document", () => {
    expect(json).toHaveResourceWithProperties(IamPolicy, { name: "globalapp-dev-function-boundary", path: "/globalapp-ci/" });
    expect(decode(policies["globalapp-dev-function-boundary"].policy)).toEqual(policiesFor("123456789012").boundary);
  });
  it.each(["plan", "deploy"] as const)("attaches the model's %s policy as managed policies of at most 6,144 characters, losing nothing", (key) => {
    const parts = Object.entries(policies).filter(([n]) => n.startsWith(`globalapp-dev-github-${key}-`)).sort(([a], [b]) => a.localeCompare(b));
    expect(parts.length).toBeGreaterThanOrEqual(1);
    const statements = parts.flatMap(([, p]) => decode(p.policy).Statement);
    const flat = (ss: readonly PolicyDocument["Statement"][number][]) => ss.flatMap((s) => s.Action.map((a) => `${s.Effect} ${a} ${s.Resource.join(",")}`)).sort();
    expect(flat(statements)).toEqual(flat(policiesFor("123456789012")[key].Statement));
    for (const [, p] of parts) expect(JSON.stringify(decode(p.policy)).length).toBeLessThanOrEqual(6144);
    const attachments = Object.values(tf.resource.aws_iam_role_policy_attachment).filter((a) => String(a.role).includes(`${key}-role`));
    expect(attachments).toHaveLength(parts.length);
  });
  it("gives the deploy role no IAM permission on the CI path, the OIDC provider or its own role", () => {
    // The boundary's ARN appears only as a condition value: what roles must carry, not a resource.
    const resources = policiesFor("123456789012").deploy.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => s.Resource);
    expect(resources.filter((r) => /globalapp-ci\/|oidc-provider|github-(deploy|plan)/.test(r))).toEqual([]);
  });
  it.each([
    ["repository without owner", { repository: "globalapp" }, /repository "globalapp" must be a GitHub repository "owner\/name"/],
    ["session under an hour", { maxSessionSeconds: 600 }, /maxSessionSeconds 600 must be a whole number between 3600 and 43200/],
    [
      "a policy needing more than ten managed policies",
      {
        policies: {
          ...policiesFor("123456789012"),
          deploy: { Version: "2012-10-17", Statement: [{ Sid: "Big", Effect: "Allow", Action: Array.from({ length: 3000 }, (_, i) => `ec2:DescribeThing${i}`), Resource: ["*"] }] },
        } as GitHubDeliveryProps["policies"],
      },
      /the deploy policy needs \d+ managed policies; a role takes at most 10/,
    ],
  ])("rejects %s", (_name, props, message) => {
    expect(() => synthDelivery(props as Partial<GitHubDeliveryProps>)).toThrow(message);
  });
});

describe("the bootstrap stack with ci.github.repository", () => {
  const config = configWith({ ci: { github: { repository: "acme/globalapp" } } });
  const app = Testing.app();
  const stack = stateBucketStackFor(app, config, new GlobalAppStack(app, STACK_NAME, { config }))!;
  const tf = JSON.parse(Testing.synth(stack)) as Tf;

  it("adds the delivery identities and their outputs to globalapp-state, next to the bucket", () => {
    expect(Testing.synth(stack)).toHaveResource(S3Bucket);
    expect(Object.keys(tf.output ?? {})).toEqual(expect.arrayContaining(["github_plan_role_arn", "github_deploy_role_arn", "permissions_boundary_arn"]));
    expect(Testing.synth(stack)).toHaveResourceWithProperties(IamRole, { name: "globalapp-dev-github-deploy" });
  });
  it("writes the deploying account into the policies through aws_caller_identity", () => {
    expect(tf.data?.aws_caller_identity).toBeDefined();
    expect(JSON.stringify(tf.resource.aws_iam_policy)).toContain("${data.aws_caller_identity.account.account_id}");
  });
  it("has no delivery identities without it", () => {
    const plain = stateBucketStackFor(Testing.app(), configWith())!;
    expect(Testing.synth(plain)).not.toHaveResource(IamRole);
    expect(Testing.synth(plain)).not.toHaveResource(IamOpenidConnectProvider);
  });
  it("needs the system stack to derive the policies from", () => {
    expect(() => stateBucketStackFor(Testing.app(), config)).toThrow(/ci.github.repository needs the globalapp stack/);
  });
});
