import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { STATE_STACK_NAME, StateBucketStack } from "../../constructs/state-bucket-stack";
import { describeWithTerraform, initWorkdir, runTerraform, TfRun } from "../support/terraform";

/**
 * Real Terraform on the bootstrap stack `globalapp-state`: one `terraform init`, then `validate`
 * and a `terraform test` that applies it against a mock provider and checks the decoded bucket
 * policy and the security settings as Terraform sees them.
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

describeWithTerraform("terraform validate + terraform test on the globalapp-state bootstrap stack", (tf) => {
  let validate: TfRun;
  let test: TfRun;

  beforeAll(async () => {
    const stack = new StateBucketStack(Testing.app(), STATE_STACK_NAME, { bucketName: BUCKET, region: REGION });
    const dir = mkdtempSync(join(tmpdir(), "globalapp-tf-state-"));
    writeFileSync(join(dir, "cdk.tf.json"), Testing.synth(stack));
    writeFileSync(join(dir, "security.tftest.hcl"), TEST_FILE);
    await initWorkdir(tf, dir);
    validate = await runTerraform(tf, dir, ["validate"]);
    test = await runTerraform(tf, dir, ["test"]);
  }, 120_000);

  it("terraform validate accepts it, without warnings", () => {
    expect(validate.stderr).toBe("");
    expect(validate.stdout).toContain("The configuration is valid");
    expect(validate.stdout).not.toContain("Warning");
    expect(validate.code).toBe(0);
  });
  it("terraform test applies it with a mock provider and the security asserts pass", () => {
    expect(test.stdout + test.stderr).toMatch(/Success! 1 passed, 0 failed/);
    expect(test.code).toBe(0);
  });
});
