import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import type { Construct } from "constructs";
import { bucketObjectsArn } from "./arn";
import { type PolicyStatement, policyDocument } from "./iam";

/**
 * The bucket-policy statements every private bucket carries: refuse plain HTTP and TLS older than 1.2,
 * for the bucket and every object in it.
 */
export function tlsOnlyStatements(bucketArn: string): PolicyStatement[] {
  const everything = [bucketArn, bucketObjectsArn(bucketArn)];
  return [
    {
      sid: "DenyInsecureTransport",
      effect: "Deny",
      principals: { AWS: ["*"] },
      actions: ["s3:*"],
      resources: everything,
      conditions: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      sid: "DenyOutdatedTls",
      effect: "Deny",
      principals: { AWS: ["*"] },
      actions: ["s3:*"],
      resources: everything,
      conditions: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    },
  ];
}

/** The resources {@link privateBucketSettings} adds next to a bucket. */
export interface PrivateBucketSettings {
  readonly ownership: S3BucketOwnershipControls;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
  readonly versioning: S3BucketVersioningA;
  readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  readonly policy: S3BucketPolicy;
}

/**
 * What every private bucket here carries, created in `scope` (construct ids "ownership",
 * "public-access-block", "versioning", "encryption", "policy"): ACLs disabled (BucketOwnerEnforced),
 * all four public-access-block flags, versioning, SSE-S3 default encryption, and a bucket policy of
 * `allow` (given the bucket ARN) plus the TLS-only denies. Lifecycle rules differ per use and stay
 * with the caller.
 */
export function privateBucketSettings(
  scope: Construct,
  provider: AwsProvider,
  bucket: S3Bucket,
  allow: (bucketArn: string) => readonly PolicyStatement[] = () => [],
): PrivateBucketSettings {
  const id = bucket.id;
  const ownership = new S3BucketOwnershipControls(scope, "ownership", { provider, bucket: id, rule: { objectOwnership: "BucketOwnerEnforced" } });
  const publicAccessBlock = new S3BucketPublicAccessBlock(scope, "public-access-block", {
    provider,
    bucket: id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  const versioning = new S3BucketVersioningA(scope, "versioning", { provider, bucket: id, versioningConfiguration: { status: "Enabled" } });
  const encryption = new S3BucketServerSideEncryptionConfigurationA(scope, "encryption", {
    provider,
    bucket: id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
  });
  const policy = new S3BucketPolicy(scope, "policy", {
    provider,
    bucket: id,
    policy: policyDocument([...allow(bucket.arn), ...tlsOnlyStatements(bucket.arn)]),
    // S3 rejects a bucket policy put while the public-access block is still being applied.
    dependsOn: [publicAccessBlock],
  });
  return { ownership, publicAccessBlock, versioning, encryption, policy };
}
