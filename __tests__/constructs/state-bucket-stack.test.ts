import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketAcl } from "@cdktf/provider-aws/lib/s3-bucket-acl";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { S3BucketWebsiteConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-website-configuration";
import { Testing } from "cdktf";
import {
  STATE_STACK_NAME,
  StateBucketStack,
  StateBucketStackProps,
  stateBucketStackFor,
} from "../../constructs/state-bucket-stack";
import { configWith } from "../support/synth";

type Tf = {
  terraform: { backend?: Record<string, Record<string, unknown>>; cloud?: unknown };
  provider: { aws: Array<Record<string, unknown>> };
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: unknown }>;
};

function synthState(props: Partial<StateBucketStackProps> = {}): { json: string; tf: Tf } {
  const app = Testing.app();
  const stack = new StateBucketStack(app, STATE_STACK_NAME, { bucketName: "acme-globalapp-tfstate", region: "eu-central-1", ...props });
  const json = Testing.synth(stack);
  return { json, tf: JSON.parse(json) as Tf };
}

/** The one resource of a type (the stack has exactly one of each). */
function one(tf: Tf, type: string): Record<string, unknown> {
  const all = Object.values(tf.resource[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0];
}

describe("StateBucketStack: the state bucket", () => {
  const { json, tf } = synthState();

  it("names the bucket from props and never force-destroys it (destroy refuses while state is inside)", () => {
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: "acme-globalapp-tfstate", force_destroy: false });
  });
  it("keeps its own state locally (the bucket cannot hold the state of the stack that creates it), in the project root, one file per bucket", () => {
    expect(tf.terraform.backend).toEqual({ local: { path: "../../../terraform.globalapp-state.acme-globalapp-tfstate.tfstate" } });
    expect(tf.terraform.cloud).toBeUndefined();
  });
  it("takes another local state path", () => {
    expect(synthState({ statePath: "bootstrap.tfstate" }).tf.terraform.backend).toEqual({ local: { path: "bootstrap.tfstate" } });
  });
  it("has one provider, aliased to the bucket's region, and every resource uses it", () => {
    expect(tf.provider.aws).toHaveLength(1);
    expect(tf.provider.aws[0]).toEqual(expect.objectContaining({ region: "eu-central-1", alias: "eu-central-1" }));
    for (const byId of Object.values(tf.resource)) {
      for (const body of Object.values(byId)) expect(body.provider).toBe("aws.eu-central-1");
    }
  });
  it("tags through the provider's default tags", () => {
    expect(synthState({ tags: { app: "globalapp" } }).json).toHaveProviderWithProperties(AwsProvider, {
      default_tags: [{ tags: { app: "globalapp", "managed-by": "cdktf" } }],
    });
  });
  it("enables versioning", () => {
    expect(json).toHaveResourceWithProperties(S3BucketVersioningA, {
      bucket: "${aws_s3_bucket.bucket.id}",
      versioning_configuration: { status: "Enabled" },
    });
  });
  it("does not suspend versioning or require MFA delete (which Terraform cannot manage)", () => {
    expect(json).not.toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Suspended" } });
    expect(JSON.stringify(one(tf, "aws_s3_bucket_versioning"))).not.toContain("mfa_delete");
  });
  it("encrypts by default with SSE-S3", () => {
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      bucket: "${aws_s3_bucket.bucket.id}",
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    });
  });
  it("sets all four public-access-block flags", () => {
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      bucket: "${aws_s3_bucket.bucket.id}",
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });
  it.each(["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"])("never leaves %s off", (flag) => {
    expect(json).not.toHaveResourceWithProperties(S3BucketPublicAccessBlock, { [flag]: false });
  });
  it("disables ACLs (BucketOwnerEnforced) and grants none", () => {
    expect(json).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: "BucketOwnerEnforced" } });
    expect(json).not.toHaveResource(S3BucketAcl);
  });
  it("is not a website", () => {
    expect(json).not.toHaveResource(S3BucketWebsiteConfiguration);
  });
  it("puts the policy only after the public-access block, and the lifecycle only after versioning", () => {
    expect(one(tf, "aws_s3_bucket_policy").depends_on).toEqual(["aws_s3_bucket_public_access_block.public-access-block"]);
    expect(one(tf, "aws_s3_bucket_lifecycle_configuration").depends_on).toEqual(["aws_s3_bucket_versioning.versioning"]);
  });
  it("outputs the bucket name and region", () => {
    expect(tf.output.state_bucket_name.value).toBe("${aws_s3_bucket.bucket.bucket}");
    expect(tf.output.state_bucket_region.value).toBe("eu-central-1");
  });
});

describe("StateBucketStack: bucket policy", () => {
  const { json, tf } = synthState();
  const policy = one(tf, "aws_s3_bucket_policy").policy as string;

  it("is built with jsonencode from typed statements, not a hand-written JSON string", () => {
    expect(policy.startsWith("${jsonencode(")).toBe(true);
    expect(json).toHaveResourceWithProperties(S3BucketPolicy, { bucket: "${aws_s3_bucket.bucket.id}" });
  });
  it("denies every request without TLS (aws:SecureTransport false), on the bucket and its objects", () => {
    expect(policy).toContain(
      '{"Sid" = "DenyInsecureTransport", "Effect" = "Deny", "Principal" = {"AWS" = ["*"]}, "Action" = ["s3:*"], ' +
        '"Resource" = [aws_s3_bucket.bucket.arn, "${aws_s3_bucket.bucket.arn}/*"], "Condition" = {"Bool" = {"aws:SecureTransport" = "false"}}}',
    );
  });
  it("denies TLS older than 1.2", () => {
    expect(policy).toContain('"Condition" = {"NumericLessThan" = {"s3:TlsVersion" = "1.2"}}');
  });
  it("allows nothing (access comes from IAM identity policies) and never names Resource \"*\"", () => {
    expect(policy).not.toContain('"Effect" = "Allow"');
    expect(policy).not.toContain('"Resource" = ["*"]');
    expect(policy).not.toContain('"Resource" = "*"');
  });
});

describe("StateBucketStack: lifecycle", () => {
  it("expires superseded state versions after 90 days, keeping the 10 newest, and aborts multipart uploads after 7", () => {
    expect(synthState().json).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [
        expect.objectContaining({
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrent_version_expiration: [{ noncurrent_days: 90, newer_noncurrent_versions: 10 }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        }),
      ],
    });
  });
  it("never expires current versions (the live state)", () => {
    const rule = (one(synthState().tf, "aws_s3_bucket_lifecycle_configuration").rule as Array<Record<string, unknown>>)[0];
    expect(rule.expiration).toBeUndefined();
    expect(rule.transition).toBeUndefined();
  });
  it("takes other retention settings", () => {
    const { json } = synthState({ noncurrentVersionExpirationDays: 30, noncurrentVersionsToKeep: 3, abortIncompleteMultipartUploadDays: 1 });
    expect(json).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [
        expect.objectContaining({
          noncurrent_version_expiration: [{ noncurrent_days: 30, newer_noncurrent_versions: 3 }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
        }),
      ],
    });
  });
});

describe("StateBucketStack: props validation", () => {
  it.each<[string, Partial<StateBucketStackProps>, RegExp]>([
    ["upper-case bucket", { bucketName: "Acme_State" }, /bucketName = "Acme_State": must be a valid S3 bucket name/],
    ["too short bucket", { bucketName: "ab" }, /bucketName = "ab": must be a valid S3 bucket name/],
    ["bucket with ..", { bucketName: "acme..state" }, /bucketName = "acme..state"/],
    ["unknown region", { region: "moon-1" }, /region = "moon-1": unknown AWS region/],
    ["0 expiry days", { noncurrentVersionExpirationDays: 0 }, /noncurrentVersionExpirationDays = 0: must be a whole number between 1 and 3650/],
    ["fractional expiry days", { noncurrentVersionExpirationDays: 1.5 }, /noncurrentVersionExpirationDays = 1.5/],
    ["101 versions kept", { noncurrentVersionsToKeep: 101 }, /noncurrentVersionsToKeep = 101: must be a whole number between 1 and 100/],
    ["0 abort days", { abortIncompleteMultipartUploadDays: 0 }, /abortIncompleteMultipartUploadDays = 0/],
  ])("rejects %s naming the prop and value", (_name, props, message) => {
    expect(() => synthState(props)).toThrow(message);
  });
});

describe("stateBucketStackFor: which backends get a bootstrap stack", () => {
  it("s3 (the default): a globalapp-state stack for config state.bucket in state.region", () => {
    const app = Testing.app();
    const config = configWith({ state: { bucket: "acme-tfstate", region: "eu-west-1" } });
    const stack = stateBucketStackFor(app, config);
    expect(stack?.node.id).toBe("globalapp-state");
    const json = Testing.synth(stack!);
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: "acme-tfstate" });
    expect(json).toHaveProviderWithProperties(AwsProvider, {
      region: "eu-west-1",
      default_tags: [{ tags: { purpose: "terraform-state", "managed-by": "cdktf" } }],
    });
  });
  it("gives two buckets two bootstrap states, and dev and prod sharing a bucket one (same bucket, same tags)", () => {
    const bootstrap = (override: object) => JSON.parse(Testing.synth(stateBucketStackFor(Testing.app(), configWith(override))!));
    const dev = bootstrap({});
    const prod = bootstrap({ environment: "prod", appName: "shop" });
    const other = bootstrap({ state: { bucket: "acme-other-tfstate" } });
    expect(prod).toEqual(dev);
    expect(other.terraform.backend.local.path).not.toBe(dev.terraform.backend.local.path);
  });
  it.each([
    ["cloud", { state: { backend: "cloud", organization: "acme", workspace: "globalapp-prod" } }],
    ["local", { state: { backend: "local" } }],
  ])("%s: no bootstrap stack (nothing to bootstrap)", (_name, override) => {
    const app = Testing.app();
    expect(stateBucketStackFor(app, configWith(override))).toBeUndefined();
    expect(app.node.children).toHaveLength(0);
  });
});
