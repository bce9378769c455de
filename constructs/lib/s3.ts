import { bucketObjectsArn } from "./arn";
import type { PolicyStatement } from "./iam";

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
