import { DataAwsElbServiceAccount } from "@cdktf/provider-aws/lib/data-aws-elb-service-account";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { ELB_ACCOUNT_REGIONS, elbLogDelivery } from "./lib/log-delivery";
import { PrivateBucket } from "./private-bucket";

/** Props of {@link AlbAccessLogs}. */
export interface AlbAccessLogsProps {
  /** The ALB's region; the bucket must be in the same region. */
  readonly region: string;
  /** Provider aliased to `region`. */
  readonly provider: AwsProvider;
  /** Physical-name prefix, `${appName}-${environment}`; the bucket name starts with `${namePrefix}-alb-`. */
  readonly namePrefix: string;
  /** The account the ALB lives in (delivery may only write under `AWSLogs/<account>/`). */
  readonly accountId: string;
  /** Days access logs are kept. @default 90 */
  readonly retentionDays?: number;
  /** Let `terraform destroy` delete a bucket that still holds logs. @default false */
  readonly forceDestroy?: boolean;
}

/**
 * A region's ALB access-log bucket: a {@link PrivateBucket} (SSE-S3, because ALB log delivery does
 * not support SSE-KMS) whose policy lets Elastic Load Balancing write. Regions available before
 * August 2022 deliver as a regional ELB account, looked up with `aws_elb_service_account` — the
 * provider answers that from a built-in table, no API call, so plans stay cheap and offline-mockable;
 * newer regions deliver as the `logdelivery.elasticloadbalancing.amazonaws.com` service principal.
 */
export class AlbAccessLogs extends Construct {
  /** The key prefix the ALB writes under. */
  public readonly prefix = "alb";
  /** The bucket. */
  public readonly bucket: PrivateBucket;

  constructor(scope: Construct, id: string, props: AlbAccessLogsProps) {
    super(scope, id);
    if (props.provider.region !== props.region) {
      throw new Error(`AlbAccessLogs: provider region "${props.provider.region}" does not match region "${props.region}"`);
    }
    const elbAccountArn = ELB_ACCOUNT_REGIONS.includes(props.region)
      ? new DataAwsElbServiceAccount(this, "elb-account", { provider: props.provider }).arn
      : undefined;
    this.bucket = new PrivateBucket(this, "bucket", {
      provider: props.provider,
      bucketPrefix: `${props.namePrefix}-alb-`,
      expirationDays: props.retentionDays ?? 90,
      forceDestroy: props.forceDestroy,
      writers: (arn) => elbLogDelivery(arn, { accountId: props.accountId, prefix: this.prefix, elbAccountArn }),
    });
  }
}
