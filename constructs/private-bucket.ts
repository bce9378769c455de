import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import type { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import type { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { Construct } from "constructs";
import type { PolicyStatement } from "./lib/iam";
import { privateBucketSettings } from "./lib/s3";

/** Props of {@link PrivateBucket}. */
export interface PrivateBucketProps {
  /** Provider aliased to the bucket's region. */
  readonly provider: AwsProvider;
  /**
   * Bucket name prefix (S3 appends a unique suffix, so names never collide across accounts),
   * at most 37 characters of a-z 0-9 and hyphens.
   */
  readonly bucketPrefix: string;
  /** Objects expire this many days after creation; noncurrent versions one day after they are replaced. */
  readonly expirationDays: number;
  /**
   * Allow statements for whoever writes into the bucket (a log delivery service), given the bucket's ARN.
   * The TLS-only deny statements are always added. @default none
   */
  readonly writers?: (bucketArn: string) => readonly PolicyStatement[];
  /** Let `terraform destroy` delete a bucket that still holds objects (dev). @default false */
  readonly forceDestroy?: boolean;
}

/**
 * A private S3 bucket for logs: SSE-S3 encryption (ALB and Global Accelerator log delivery do not
 * support SSE-KMS), every public-access block on, ACLs disabled (bucket owner enforced), versioning,
 * a policy that refuses plain HTTP and TLS < 1.2, and a lifecycle rule that expires what it holds.
 * Used for the ALB access logs (one per region) and the accelerator's flow logs.
 */
export class PrivateBucket extends Construct {
  /** The bucket. */
  public readonly bucket: S3Bucket;
  /** The bucket policy; log producers must be created after it (delivery is tested at creation). */
  public readonly policy: S3BucketPolicy;
  /** The public-access block. */
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    if (!/^[a-z0-9][a-z0-9-]{0,36}$/.test(props.bucketPrefix)) {
      throw new Error(`PrivateBucket: bucketPrefix "${props.bucketPrefix}" must be 1-37 of a-z 0-9 and hyphens`);
    }
    if (!Number.isInteger(props.expirationDays) || props.expirationDays < 1) {
      throw new Error(`PrivateBucket: expirationDays ${props.expirationDays} must be a whole number of days >= 1`);
    }
    const { provider } = props;

    this.bucket = new S3Bucket(this, "bucket", { provider, bucketPrefix: props.bucketPrefix, forceDestroy: props.forceDestroy ?? false });
    const { versioning, policy, publicAccessBlock } = privateBucketSettings(this, provider, this.bucket, props.writers);
    this.policy = policy;
    this.publicAccessBlock = publicAccessBlock;

    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      provider,
      bucket: this.bucket.id,
      rule: [
        {
          id: "expire-logs",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: props.expirationDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
      // Rules on noncurrent versions need versioning in place first.
      dependsOn: [versioning],
    });
  }
}
