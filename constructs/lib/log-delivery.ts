import type { PolicyStatement } from "./iam";

/**
 * Regions whose Elastic Load Balancing log delivery still writes as a regional AWS account (the
 * regions available before August 2022). Regions opened since then only accept the
 * `logdelivery.elasticloadbalancing.amazonaws.com` service principal.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */
export const ELB_ACCOUNT_REGIONS: readonly string[] = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-southeast-3",
  "ap-south-1", "ap-northeast-3", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1",
  "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-south-1", "eu-west-3", "eu-north-1",
  "me-south-1", "sa-east-1",
];

/** The service principal ELB log delivery uses in regions opened since August 2022. */
export const ELB_LOG_DELIVERY_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com";

/** The service principal for vended logs, Global Accelerator flow logs among them. */
export const VENDED_LOG_DELIVERY_PRINCIPAL = "delivery.logs.amazonaws.com";

/** Where a log service writes: `<bucket>/<prefix>/AWSLogs/<account>/...`. */
export function logObjectsArn(bucketArn: string, prefix: string, accountId: string): string {
  return `${bucketArn}/${prefix}/AWSLogs/${accountId}/*`;
}

/** Options of {@link elbLogDelivery}. */
export interface ElbLogDeliveryOptions {
  /** The ALB's account; delivery may write only under its `AWSLogs/<account>/` folder. */
  readonly accountId: string;
  /** The key prefix the ALB's `access_logs` names. */
  readonly prefix: string;
  /** The regional ELB account's ARN (aws_elb_service_account); absent for regions that use the service principal. */
  readonly elbAccountArn?: string;
}

/** The bucket-policy statement that lets ALB access-log delivery write into a bucket. */
export function elbLogDelivery(bucketArn: string, o: ElbLogDeliveryOptions): PolicyStatement[] {
  return [
    {
      sid: "ElbAccessLogDelivery",
      principals: o.elbAccountArn ? { AWS: [o.elbAccountArn] } : { Service: [ELB_LOG_DELIVERY_PRINCIPAL] },
      actions: ["s3:PutObject"],
      resources: [logObjectsArn(bucketArn, o.prefix, o.accountId)],
    },
  ];
}

/** The bucket-policy statements vended log delivery (Global Accelerator flow logs) needs. */
export function vendedLogDelivery(bucketArn: string, o: { readonly accountId: string; readonly prefix: string }): PolicyStatement[] {
  const sameAccount = { StringEquals: { "aws:SourceAccount": o.accountId } };
  return [
    {
      sid: "VendedLogDeliveryWrite",
      principals: { Service: [VENDED_LOG_DELIVERY_PRINCIPAL] },
      actions: ["s3:PutObject"],
      resources: [logObjectsArn(bucketArn, o.prefix, o.accountId)],
      conditions: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": o.accountId } },
    },
    {
      sid: "VendedLogDeliveryAclCheck",
      principals: { Service: [VENDED_LOG_DELIVERY_PRINCIPAL] },
      actions: ["s3:GetBucketAcl"],
      resources: [bucketArn],
      conditions: sameAccount,
    },
  ];
}
