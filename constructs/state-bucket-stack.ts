import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AppConfig } from "../model/config";
import { boundaryPolicy, ciNames, deployPolicy, iamContext, inventoryOf, planPolicy, type CiNames, type SynthesizedStack } from "../model/iam";
import type { GlobalAppStack } from "./global-app-stack";
import { type DeliveryPolicies, GitHubDelivery } from "./github-delivery";
import { configureBackend } from "./lib/backend";
import { privateBucketSettings } from "./lib/s3";
import { AWS_REGIONS } from "../model/regions";

/** The bootstrap stack's name: `cdktf.out/stacks/globalapp-state/cdk.tf.json`. */
export const STATE_STACK_NAME = "globalapp-state";

/** Props of {@link StateBucketStack}. */
export interface StateBucketStackProps {
  /** Name of the state bucket, globally unique (config `state.bucket`), e.g. "acme-globalapp-tfstate". */
  readonly bucketName: string;
  /** AWS region of the bucket (config `state.region`); the stack's one provider is aliased to it. */
  readonly region: string;
  /** Tags on every resource, through the provider's default tags. @default { "managed-by": "cdktf" } */
  readonly tags?: Readonly<Record<string, string>>;
  /** Days a superseded state version is kept before it expires (1-3650). @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Superseded state versions kept whatever their age (1-100). @default 10 */
  readonly noncurrentVersionsToKeep?: number;
  /** Days after which an unfinished multipart upload is aborted (1-365). @default 7 */
  readonly abortIncompleteMultipartUploadDays?: number;
  /**
   * The bootstrap stack's own local state file, relative to `cdktf.out/stacks/globalapp-state`.
   * One file per bucket, so two configs with their own buckets never share (and replace) each other's.
   * @default "../../../terraform.globalapp-state.<bucketName>.tfstate" (the project root, outside cdktf.out)
   */
  readonly statePath?: string;
  /**
   * GitHub Actions delivery (config `ci.github.repository`): GitHub's OIDC provider, the plan and
   * deploy roles and the permissions boundary, with the policies derived from the system stack.
   * @default none
   */
  readonly githubDelivery?: {
    readonly repository: string;
    readonly names: CiNames;
    /** The policies for an account id (here a reference to the deploying account). */
    readonly policies: (accountId: string) => DeliveryPolicies;
  };
}

const BUCKET_NAME = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function requireInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`StateBucketStack: ${name} = ${JSON.stringify(value)}: must be a whole number between ${min} and ${max}`);
  }
  return value;
}

/**
 * The state bootstrap stack `globalapp-state`: the S3 bucket that holds the `globalapp` stack's
 * Terraform state (and its `use_lockfile` lock object). It keeps its own state locally — the bucket
 * cannot hold the state of the stack that creates it — and is deployed once, before `globalapp`.
 *
 * Hardening: versioning (every state write recoverable), default encryption (SSE-S3, what the S3
 * backend's `encrypt = true` writes anyway), all four public-access-block flags, ACLs disabled
 * (BucketOwnerEnforced), a policy denying any request without TLS ≥ 1.2, and a lifecycle rule that
 * expires old superseded versions and aborts unfinished multipart uploads. `force_destroy` stays
 * off, so `cdktf destroy` refuses while the bucket still holds state.
 */
export class StateBucketStack extends TerraformStack {
  /** The provider, aliased to the bucket's region. */
  public readonly provider: AwsProvider;
  /** The state bucket. */
  public readonly bucket: S3Bucket;
  /** Versioning (Enabled). */
  public readonly versioning: S3BucketVersioningA;
  /** Default encryption (SSE-S3). */
  public readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  /** All four public-access-block flags on. */
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;
  /** Object ownership BucketOwnerEnforced (ACLs disabled). */
  public readonly ownership: S3BucketOwnershipControls;
  /** The bucket policy: TLS only. */
  public readonly policy: S3BucketPolicy;
  /** Lifecycle: expire old noncurrent versions, abort incomplete multipart uploads. */
  public readonly lifecycle: S3BucketLifecycleConfiguration;
  /** The GitHub Actions identities, when `githubDelivery` is set. */
  public readonly githubDelivery?: GitHubDelivery;

  constructor(scope: Construct, id: string, props: StateBucketStackProps) {
    super(scope, id);
    if (!BUCKET_NAME.test(props.bucketName)) {
      throw new Error(`StateBucketStack: bucketName = ${JSON.stringify(props.bucketName)}: must be a valid S3 bucket name (3-63 of a-z 0-9 . -)`);
    }
    if (!AWS_REGIONS.includes(props.region)) {
      throw new Error(`StateBucketStack: region = ${JSON.stringify(props.region)}: unknown AWS region`);
    }
    const expirationDays = requireInt("noncurrentVersionExpirationDays", props.noncurrentVersionExpirationDays ?? 90, 1, 3650);
    const versionsToKeep = requireInt("noncurrentVersionsToKeep", props.noncurrentVersionsToKeep ?? 10, 1, 100);
    const abortDays = requireInt("abortIncompleteMultipartUploadDays", props.abortIncompleteMultipartUploadDays ?? 7, 1, 365);

    configureBackend(this, { backend: "local", path: props.statePath ?? `../../../terraform.${STATE_STACK_NAME}.${props.bucketName}.tfstate` });

    const provider = new AwsProvider(this, `aws-${props.region}`, {
      region: props.region,
      alias: props.region,
      defaultTags: [{ tags: { "managed-by": "cdktf", ...props.tags } }],
    });
    this.provider = provider;

    this.bucket = new S3Bucket(this, "bucket", { provider, bucket: props.bucketName, forceDestroy: false });

    // Deny-only policy: access comes from the deploying principals' IAM policies.
    const settings = privateBucketSettings(this, provider, this.bucket);
    this.ownership = settings.ownership;
    this.publicAccessBlock = settings.publicAccessBlock;
    this.versioning = settings.versioning;
    this.encryption = settings.encryption;
    this.policy = settings.policy;

    this.lifecycle = new S3BucketLifecycleConfiguration(this, "lifecycle", {
      provider,
      bucket: this.bucket.id,
      rule: [
        {
          id: "expire-old-state-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: expirationDays, newerNoncurrentVersions: versionsToKeep }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: abortDays }],
        },
      ],
      // Lifecycle rules on noncurrent versions need versioning in place first.
      dependsOn: [this.versioning],
    });

    if (props.githubDelivery) {
      const accountId = new DataAwsCallerIdentity(this, "account", { provider }).accountId;
      const delivery = new GitHubDelivery(this, "github", {
        provider,
        repository: props.githubDelivery.repository,
        names: props.githubDelivery.names,
        policies: props.githubDelivery.policies(accountId),
      });
      this.githubDelivery = delivery;
      new TerraformOutput(this, "github_plan_role_arn", {
        value: delivery.planRole.arn,
        description: "Repository variable AWS_PLAN_ROLE_ARN: the role pull-request plans assume",
      });
      new TerraformOutput(this, "github_deploy_role_arn", {
        value: delivery.deployRole.arn,
        description: "Repository variable AWS_DEPLOY_ROLE_ARN: the role deploys in the production environment assume",
      });
      new TerraformOutput(this, "permissions_boundary_arn", {
        value: delivery.boundary.arn,
        description: "The permissions boundary every role of the globalapp stack carries",
      });
    }

    new TerraformOutput(this, "state_bucket_name", {
      value: this.bucket.bucket,
      description: "The Terraform state bucket's name (config state.bucket)",
    });
    new TerraformOutput(this, "state_bucket_region", {
      value: props.region,
      description: "The Terraform state bucket's region (config state.region)",
    });
  }
}

/**
 * Adds the bootstrap stack when the state lives in S3 (the default). Terraform Cloud keeps state
 * itself and local state needs no bucket, so for `cloud` and `local` no `globalapp-state` stack is
 * synthesized and `globalapp` is the app's only stack. With `ci.github.repository` it also holds the
 * GitHub Actions roles, whose policies are derived from `system`, the synthesized `globalapp` stack.
 */
export function stateBucketStackFor(scope: Construct, config: AppConfig, system?: GlobalAppStack): StateBucketStack | undefined {
  if (config.state.backend !== "s3") return undefined;
  const github = config.ci.github;
  if (github && !system) throw new Error("stateBucketStackFor: ci.github.repository needs the globalapp stack to derive the roles' policies");
  const inventory = github && system ? inventoryOf(system.toTerraform() as SynthesizedStack) : undefined;
  return new StateBucketStack(scope, STATE_STACK_NAME, {
    bucketName: config.state.bucket,
    region: config.state.region,
    // The bucket may hold the state of several apps and environments: tag it as what it is, not
    // with one config's app/environment (which would flip whenever another config bootstraps it).
    tags: { purpose: "terraform-state" },
    ...(github && inventory
      ? {
          githubDelivery: {
            repository: github.repository,
            names: ciNames(config),
            policies: (accountId: string) => {
              const ctx = iamContext(config, accountId);
              return { deploy: deployPolicy(inventory, ctx), plan: planPolicy(inventory, ctx), boundary: boundaryPolicy(inventory, ctx) };
            },
          },
        }
      : {}),
  });
}
