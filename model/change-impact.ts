/**
 * What a change to the synthesized stack does to real resources, predicted offline by comparing two
 * synthesized configurations (the last synth in cdktf.out and the new one). Terraform replaces a
 * resource when an attribute the provider marks ForceNew changes; it destroys one that disappears.
 * `npm run synth` warns about both, because a replaced table, ALB or accelerator is data lost, an
 * outage, or new static IPs. This is a prediction from the configuration alone: `cdktf diff` (a real
 * plan against state) remains the authority.
 *
 * The attribute table holds, for each resource type this stack synthesizes, the attributes the stack
 * sets whose change the hashicorp/aws provider 5.100.0 answers with a replacement (`ForceNew` in its
 * schema, or a CustomizeDiff that forces a new resource). It was not read off the provider's source: the
 * provider binary was asked, with offline `terraform plan`s over every attribute the stack sets
 * (__tests__/support/provider-replacements.ts); the answers are stored in
 * __tests__/model/fixtures/aws-provider-replacements.json, and the tests hold this table equal to them.
 * Attributes the stack never sets are left out: they cannot differ between two synths. See the table
 * "What a change does" in docs/deploying.md.
 */

import type { SynthesizedStack } from "./synthesized";

/**
 * Attributes whose change makes the provider replace the resource (destroy, then create), per type.
 * `provider` stands for the aliased provider: a resource that moves to another region's provider is a
 * new resource in that region, the old one is destroyed. (A Route 53 record's `set_identifier` is not
 * here: aws 5.100.0 changes it in place.)
 */
export const REPLACING_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_vpc: ["provider", "cidr_block"],
  aws_subnet: ["provider", "availability_zone_id", "cidr_block", "vpc_id"],
  aws_internet_gateway: ["provider"],
  aws_route_table: ["provider", "vpc_id"],
  aws_route_table_association: ["provider", "subnet_id"],
  aws_default_security_group: ["provider", "vpc_id"],
  aws_security_group: ["provider", "description", "name", "vpc_id"],
  aws_lb: ["provider", "internal", "load_balancer_type", "name"],
  aws_lb_target_group: ["provider", "name", "target_type"],
  aws_lb_listener: ["provider", "load_balancer_arn"],
  aws_lb_listener_rule: ["provider", "listener_arn"],
  aws_lb_target_group_attachment: ["provider", "target_group_arn", "target_id"],
  aws_lambda_function: ["provider", "function_name"],
  aws_lambda_permission: ["provider", "action", "function_name", "principal", "source_arn", "statement_id"],
  aws_lambda_invocation: ["provider", "function_name"],
  aws_iam_role: ["provider", "name"],
  aws_iam_role_policy: ["provider", "name", "role"],
  aws_cloudwatch_log_group: ["provider", "name"],
  aws_dynamodb_table: ["provider", "hash_key", "name"],
  aws_dynamodb_table_item: ["provider", "hash_key", "table_name"],
  aws_kms_key: ["provider"],
  aws_kms_alias: ["provider", "name"],
  aws_globalaccelerator_accelerator: ["provider"],
  aws_globalaccelerator_listener: ["provider", "accelerator_arn"],
  aws_globalaccelerator_endpoint_group: ["provider", "endpoint_group_region", "listener_arn"],
  aws_s3_bucket: ["provider", "bucket_prefix"],
  aws_s3_bucket_ownership_controls: ["provider", "bucket"],
  aws_s3_bucket_public_access_block: ["provider", "bucket"],
  aws_s3_bucket_versioning: ["provider", "bucket"],
  aws_s3_bucket_server_side_encryption_configuration: ["provider", "bucket"],
  aws_s3_bucket_policy: ["provider", "bucket"],
  aws_s3_bucket_lifecycle_configuration: ["provider", "bucket"],
  aws_sns_topic: ["provider", "name"],
  aws_sns_topic_subscription: ["provider", "endpoint", "protocol", "topic_arn"],
  aws_cloudwatch_metric_alarm: ["provider", "alarm_name"],
  aws_route53_record: ["provider", "name", "zone_id"],
  aws_route53_health_check: ["provider", "request_interval", "type"],
  aws_acm_certificate: ["provider", "domain_name", "subject_alternative_names", "validation_method"],
  aws_acm_certificate_validation: ["provider", "certificate_arn", "validation_record_fqdns"],
  aws_cloudwatch_dashboard: ["provider", "dashboard_name"],
};

/**
 * Resource types that hold data or identity users cannot get back: a replaced or destroyed table
 * loses its items, a deleted key makes what it encrypted unreadable, a new accelerator has new static
 * IPs. In prod (deletion protection on) `prevent_destroy` makes terraform refuse such a plan.
 */
export const STATEFUL_TYPES: readonly string[] = ["aws_dynamodb_table", "aws_kms_key", "aws_globalaccelerator_accelerator"];

/** What is lost when a resource of a {@link STATEFUL_TYPES} type is destroyed or replaced. */
export const WHAT_IS_LOST: Readonly<Record<string, string>> = {
  aws_dynamodb_table: "its items are lost",
  aws_kms_key: "what it encrypted becomes unreadable once the key is deleted (after its waiting period)",
  aws_globalaccelerator_accelerator: "its two static IPs are gone (clients and DNS records point at them)",
};

/**
 * Whether two synthesized configurations describe the same state (same backend block): comparing a
 * dev synth with a prod one, or two apps, says nothing about what either plan will do.
 */
export function sameState(before: SynthesizedStack, after: SynthesizedStack): boolean {
  const where = (tf: SynthesizedStack) => JSON.stringify(tf.terraform?.backend ?? tf.terraform?.cloud ?? null);
  return where(before) === where(after);
}

/** One predicted consequence of the change. */
export interface Impact {
  readonly kind: "replace" | "destroy" | "recreate-replica" | "delete-replica";
  /** `type.logicalId` */
  readonly address: string;
  /** What changed, e.g. `internal: false → true`. */
  readonly reason: string;
  /** True for {@link STATEFUL_TYPES}: data or static IPs are lost. */
  readonly stateful: boolean;
}

const show = (v: unknown) => (v === undefined ? "unset" : JSON.stringify(v));

/** What terraform will replace or destroy when `after` is applied over what `before` deployed. */
export function changeImpact(before: SynthesizedStack, after: SynthesizedStack): Impact[] {
  const impacts: Impact[] = [];
  for (const [type, resources] of Object.entries(before.resource ?? {})) {
    for (const [id, old] of Object.entries(resources)) {
      const address = `${type}.${id}`;
      const stateful = STATEFUL_TYPES.includes(type);
      const now = after.resource?.[type]?.[id];
      if (now === undefined) {
        impacts.push({ kind: "destroy", address, reason: "no longer in the configuration", stateful });
        continue;
      }
      const changed = (REPLACING_ATTRIBUTES[type] ?? []).filter((attr) => JSON.stringify(old[attr]) !== JSON.stringify(now[attr]));
      if (changed.length > 0) {
        impacts.push({ kind: "replace", address, reason: changed.map((a) => `${a}: ${show(old[a])} → ${show(now[a])}`).join(", "), stateful });
      }
      if (type === "aws_dynamodb_table") impacts.push(...replicaImpacts(address, old, now));
    }
  }
  return impacts;
}

/**
 * A replica whose `kms_key_arn` changes (customer-managed keys switched on or off) is deleted and
 * created again by the provider (a replica's key cannot be changed in place): DynamoDB copies the data
 * back from the other regions, and until then the region has no copy to serve.
 */
function replicaImpacts(address: string, old: Readonly<Record<string, unknown>>, now: Readonly<Record<string, unknown>>): Impact[] {
  type Replica = { region_name?: string; kms_key_arn?: string };
  const byRegion = (v: unknown) => new Map(((v as Replica[] | undefined) ?? []).map((r) => [r.region_name, r]));
  const before = byRegion(old.replica);
  const after = byRegion(now.replica);
  const impacts: Impact[] = [];
  for (const [region, replica] of before) {
    const next = after.get(region);
    // A replica block that goes away is an in-place update of the table that deletes that copy
    // (prevent_destroy does not apply: the table itself stays). The other copies keep the data.
    if (!next && old.name === now.name && old.provider === now.provider) {
      impacts.push({ kind: "delete-replica", address: `${address} (replica ${region})`, reason: `${region} is no longer a replica region`, stateful: true });
    } else if (next && JSON.stringify(next.kms_key_arn) !== JSON.stringify(replica.kms_key_arn)) {
      impacts.push({
        kind: "recreate-replica",
        address: `${address} (replica ${region})`,
        reason: `kms_key_arn: ${show(replica.kms_key_arn)} → ${show(next.kms_key_arn)}`,
        stateful: true,
      });
    }
  }
  return impacts;
}
