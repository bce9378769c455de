import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { GlobalAppStack, STACK_NAME } from "../../constructs/global-app-stack";
import { STATE_STACK_NAME, StateBucketStack, stateBucketStackFor } from "../../constructs/state-bucket-stack";
import { deployPolicy, iamContext, inventoryOf, planPolicy, type PolicyDocument, type SynthesizedStack } from "../../model/iam";
import { configWith } from "../support/synth";
import { checkStacks, describeWithTerraform, type StackCase, type StackCheck } from "../support/terraform";

/**
 * Real Terraform on the bootstrap stack `globalapp-state`: `validate`, and a `terraform test` that
 * applies it against a mock provider and checks the decoded bucket policy and the security settings
 * as Terraform sees them (both variants through one validate and one test: checkStacks).
 */
const REGION = "eu-central-1";
const BUCKET = "acme-globalapp-tfstate";

const TEST_FILE = `mock_provider "aws" {
  alias = "${REGION}"
  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::${BUCKET}"
      id  = "${BUCKET}"
    }
  }
}

run "apply_with_mocks" {
  command = apply

  assert {
    condition     = output.state_bucket_name == "${BUCKET}" && output.state_bucket_region == "${REGION}"
    error_message = "outputs name the bucket and its region"
  }
  assert {
    condition     = aws_s3_bucket_versioning.versioning.versioning_configuration[0].status == "Enabled"
    error_message = "versioning enabled"
  }
  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.encryption.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "AES256"
    error_message = "SSE-S3 default encryption"
  }
  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.public-access-block.block_public_acls,
      aws_s3_bucket_public_access_block.public-access-block.block_public_policy,
      aws_s3_bucket_public_access_block.public-access-block.ignore_public_acls,
      aws_s3_bucket_public_access_block.public-access-block.restrict_public_buckets,
    ])
    error_message = "all four public-access-block flags"
  }
  assert {
    condition     = aws_s3_bucket_ownership_controls.ownership.rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs disabled"
  }
  assert {
    condition = anytrue([
      for s in jsondecode(aws_s3_bucket_policy.policy.policy).Statement :
      s.Effect == "Deny" && s.Condition.Bool["aws:SecureTransport"] == "false" && contains(s.Action, "s3:*")
      && contains(s.Resource, "arn:aws:s3:::${BUCKET}") && contains(s.Resource, "arn:aws:s3:::${BUCKET}/*")
      if can(s.Condition.Bool)
    ])
    error_message = "the policy denies non-TLS access to the bucket and its objects"
  }
  assert {
    condition     = length([for s in jsondecode(aws_s3_bucket_policy.policy.policy).Statement : s if s.Effect != "Deny"]) == 0
    error_message = "the policy allows nothing"
  }
  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.lifecycle.rule).noncurrent_version_expiration[0].noncurrent_days == 90
    error_message = "old noncurrent versions expire"
  }
  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.lifecycle.rule).abort_incomplete_multipart_upload[0].days_after_initiation == 7
    error_message = "incomplete multipart uploads are aborted"
  }
}
`;

/**
 * The bootstrap stack with `ci.github.repository`: GitHub's OIDC provider and the two roles. The test
 * applies it with mocks and checks, as Terraform decodes them, each role's trust (issuer, audience,
 * subject) and that the managed policies attached to it hold exactly the model's statements.
 */
const ACCOUNT = "123456789012";
function ciStack(): { json: string; testFile: string } {
  const config = configWith({ ci: { github: { repository: "acme/globalapp" } }, state: { bucket: BUCKET, region: REGION } });
  const app = Testing.app();
  const system = new GlobalAppStack(app, STACK_NAME, { config });
  const stack = stateBucketStackFor(app, config, system)!;
  const json = Testing.synth(stack);
  const tfJson = JSON.parse(json) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  const address = (type: string, match: (b: Record<string, unknown>) => boolean) => {
    const found = Object.entries(tfJson.resource[type]).filter(([, b]) => match(b));
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
    return `${type}.${found[0][0]}`;
  };
  const inv = inventoryOf(system.toTerraform() as SynthesizedStack);
  const ctx = iamContext(config, ACCOUNT);
  const line = (d: PolicyDocument) => d.Statement.map((st) => `${st.Sid}|${st.Effect}|${st.Action.join(",")}|${st.Resource.join(",")}`);
  const asserts: string[] = [];
  const assert = (condition: string, message: string) => asserts.push(`  assert {\n    condition     = ${condition}\n    error_message = ${JSON.stringify(message)}\n  }`);
  const oidc = address("aws_iam_openid_connect_provider", () => true);
  assert(`${oidc}.url == "https://token.actions.githubusercontent.com" && tolist(${oidc}.client_id_list) == tolist(["sts.amazonaws.com"])`, "GitHub's issuer, the STS audience");
  for (const [key, subject, doc] of [
    ["plan", "repo:acme/globalapp:pull_request", planPolicy(inv, ctx)],
    ["deploy", "repo:acme/globalapp:environment:production", deployPolicy(inv, ctx)],
  ] as const) {
    const role = address("aws_iam_role", (b) => b.name === `globalapp-dev-github-${key}`);
    const trust = `one(jsondecode(${role}.assume_role_policy).Statement)`;
    assert(`${trust}.Principal.Federated == [${oidc}.arn] && ${trust}.Action == ["sts:AssumeRoleWithWebIdentity"]`, `${key}: only web identities from GitHub's provider`);
    assert(`${trust}.Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "${subject}"`, `${key}: subject ${subject}`);
    assert(`${trust}.Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"`, `${key}: audience`);
    const policies = Object.entries(tfJson.resource.aws_iam_policy)
      .filter(([, b]) => String(b.name).startsWith(`globalapp-dev-github-${key}-`))
      .map(([id]) => `aws_iam_policy.${id}`);
    const attached = Object.entries(tfJson.resource.aws_iam_role_policy_attachment)
      .filter(([, b]) => String(b.role).includes(role))
      .map(([id]) => `aws_iam_role_policy_attachment.${id}`);
    assert(`length([${attached.join(", ")}]) == ${policies.length} && alltrue([for a in [${attached.join(", ")}] : a.role == ${role}.name])`, `${key}: every part attached to the role`);
    assert(
      `toset(flatten([for p in [${policies.join(", ")}] : [for st in jsondecode(p.policy).Statement : join("|", [st.Sid, st.Effect, join(",", st.Action), join(",", st.Resource)])]])) == toset(${JSON.stringify(line(doc))})`,
      `${key}: the attached policies are the model's ${key} policy (npm run iam -- --role ${key})`,
    );
  }
  const testFile = `mock_provider "aws" {
  alias = "${REGION}"
  mock_data "aws_caller_identity" {
    defaults = { account_id = "${ACCOUNT}" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::${BUCKET}", id = "${BUCKET}" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::${ACCOUNT}:policy/globalapp-ci/mock" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::${ACCOUNT}:role/globalapp-ci/mock" }
  }
}

run "apply_with_mocks" {
  command = apply

${asserts.join("\n\n")}
}
`;
  return { json, testFile };
}

describeWithTerraform("terraform validate + terraform test on the globalapp-state bootstrap stack", (tf) => {
  let checks: Map<string, StackCheck>;
  let summary = "";

  beforeAll(async () => {
    const stack = new StateBucketStack(Testing.app(), STATE_STACK_NAME, { bucketName: BUCKET, region: REGION });
    const ci = ciStack();
    const cases = {
      "the state bucket": { json: Testing.synth(stack), testFile: TEST_FILE },
      "the state bucket with GitHub delivery roles": ci,
    };
    const stacks: StackCase[] = Object.entries(cases).map(([name, c]) => {
      const dir = mkdtempSync(join(tmpdir(), "globalapp-tf-state-"));
      writeFileSync(join(dir, "cdk.tf.json"), c.json);
      return { name, dir, testFile: c.testFile };
    });
    ({ checks, testSummary: summary } = await checkStacks(tf, stacks));
  }, 300_000);

  for (const name of ["the state bucket", "the state bucket with GitHub delivery roles"]) {
    it(`${name}: terraform validate accepts it, without warnings`, () => {
      expect(checks.get(name)!.validate.map((d) => `${d.severity}: ${d.summary}: ${d.detail ?? ""}`)).toEqual([]);
    });
    it(`${name}: terraform test applies it with a mock provider and the asserts pass`, () => {
      const check = checks.get(name)!;
      expect({ runs: check.runs, status: check.testStatus, output: check.testOutput, summary }).toEqual({ runs: { apply_with_mocks: "pass" }, status: "pass", output: "", summary });
    });
  }
});
