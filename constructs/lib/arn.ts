import { Fn } from "cdktf";

/**
 * The one place that derives ARNs. Given a (token) ARN of a resource in `from`, returns the ARN of
 * the same-named resource in `to`, e.g. a global table's replica. Only the region field changes,
 * so partition and account stay whatever AWS returned.
 */
export function replaceRegionInArn(arn: string, from: string, to: string): string {
  return Fn.replace(arn, `:${from}:`, `:${to}:`);
}

/** ARN pattern covering a log group's streams (CloudWatch Logs actions act on `<group-arn>:*`). */
export function logStreamsArn(logGroupArn: string): string {
  return `${logGroupArn}:*`;
}

/** ARN pattern covering every object in a bucket (S3 object actions act on `<bucket-arn>/*`). */
export function bucketObjectsArn(bucketArn: string): string {
  return `${bucketArn}/*`;
}

/**
 * ARN pattern of every security group in the account and region of a VPC (`arn:…:ec2:<region>:<account>:
 * security-group/*`), derived from the VPC's own ARN so partition, region and account are AWS's.
 * Pair it with an `ec2:Vpc` condition to narrow it to the groups of that one VPC.
 */
export function securityGroupsArn(vpcArn: string): string {
  // Terraform's replace() treats a /…/-wrapped pattern as a regular expression.
  return Fn.replace(vpcArn, "/:vpc/.*$/", ":security-group/*");
}
