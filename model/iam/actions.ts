/**
 * The IAM action table: for each Terraform resource type, which IAM actions the provider's API calls
 * need (./provider-calls.ts turned into IAM actions), on which ARNs, plus the actions AWS checks
 * besides the call itself ("dependent actions"). Sources, per entry:
 *   - API operation → IAM action: the AWS Service Authorization Reference, "Actions defined by <service>"
 *     (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html);
 *   - resource-level support per action (an action without a resource type only accepts "*"): same tables;
 *   - dependent actions: the service's own IAM pages, cited where they are used.
 */
import { decodeJsonencode } from "./hcl";
import type { StackElement, StackInventory } from "./inventory";
import { DATA_SOURCE_CALLS, PROVIDER_CALLS, type ProviderCalls } from "./provider-calls";
import { authorizationReference } from "./reference";
import { type IamContext, type ScopeId, tableRegions } from "./scopes";

/** IAM condition block, e.g. `{ StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } }`. */
export type Conditions = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/** Some actions on some ARNs, maybe under conditions. */
export interface Grant {
  readonly actions: readonly string[];
  readonly scope: ScopeId;
  readonly conditions?: Conditions;
  /** Statement id when the scope's own label would not say what the statement is for. */
  readonly sid?: string;
}

/** What one resource of a type needs: reads (refresh, the plan role) and writes (create, update, delete). */
export interface TypeGrants {
  readonly read: readonly Grant[];
  readonly write: readonly Grant[];
}

/** SDK service ids whose IAM prefix differs. */
const IAM_PREFIX: Readonly<Record<string, string>> = { elasticloadbalancingv2: "elasticloadbalancing", cloudwatchlogs: "logs" };

/**
 * API operations whose IAM action has another name (Service Authorization Reference, the "API
 * operations" table of each service). Everything else is `<prefix>:<Operation>`.
 */
const RENAMED: Readonly<Record<string, readonly string[]>> = {
  "lambda:Invoke": ["lambda:InvokeFunction"],
  "s3:HeadBucket": ["s3:ListBucket"],
  "s3:ListObjectVersions": ["s3:ListBucketVersions"],
  // force_destroy empties a versioned bucket: every version and delete marker goes.
  "s3:DeleteObjects": ["s3:DeleteObject", "s3:DeleteObjectVersion"],
  "s3:DeleteObject": ["s3:DeleteObject", "s3:DeleteObjectVersion"],
  "s3:GetBucketAccelerateConfiguration": ["s3:GetAccelerateConfiguration"],
  "s3:PutBucketAccelerateConfiguration": ["s3:PutAccelerateConfiguration"],
  "s3:GetBucketCors": ["s3:GetBucketCORS"],
  "s3:PutBucketCors": ["s3:PutBucketCORS"],
  "s3:DeleteBucketCors": ["s3:PutBucketCORS"],
  "s3:GetBucketEncryption": ["s3:GetEncryptionConfiguration"],
  "s3:PutBucketEncryption": ["s3:PutEncryptionConfiguration"],
  "s3:DeleteBucketEncryption": ["s3:PutEncryptionConfiguration"],
  "s3:GetBucketLifecycleConfiguration": ["s3:GetLifecycleConfiguration"],
  "s3:PutBucketLifecycleConfiguration": ["s3:PutLifecycleConfiguration"],
  "s3:DeleteBucketLifecycle": ["s3:PutLifecycleConfiguration"],
  "s3:GetBucketReplication": ["s3:GetReplicationConfiguration"],
  "s3:PutBucketReplication": ["s3:PutReplicationConfiguration"],
  "s3:DeleteBucketReplication": ["s3:PutReplicationConfiguration"],
  "s3:GetObjectLockConfiguration": ["s3:GetBucketObjectLockConfiguration"],
  "s3:PutObjectLockConfiguration": ["s3:PutBucketObjectLockConfiguration"],
  "s3:GetPublicAccessBlock": ["s3:GetBucketPublicAccessBlock"],
  "s3:PutPublicAccessBlock": ["s3:PutBucketPublicAccessBlock"],
  "s3:DeletePublicAccessBlock": ["s3:PutBucketPublicAccessBlock"],
  "s3:DeleteBucketOwnershipControls": ["s3:PutBucketOwnershipControls"],
  "s3:DeleteBucketTagging": ["s3:PutBucketTagging"],
};

/** The IAM actions that authorize one API operation (`service:Operation` as in ./provider-calls.ts). */
export function iamActionsFor(operation: string): readonly string[] {
  const renamed = RENAMED[operation];
  if (renamed) return renamed;
  const [service, op] = operation.split(":");
  return [`${IAM_PREFIX[service] ?? service}:${op}`];
}

/**
 * Operations the provider can call that this stack never makes it call, so they are not granted:
 * each names the argument that would trigger it, which no GlobalApp construct sets. A construct that
 * starts setting one must move the operation out of this list (the table test finds a new argument
 * only through the operations it adds, so keep the reasons precise).
 */
export const NOT_GRANTED: Readonly<Record<string, string>> = {
  "dynamodb:ImportTable": "aws_dynamodb_table.import_table is never set",
  "dynamodb:DescribeImport": "aws_dynamodb_table.import_table is never set",
  "dynamodb:RestoreTableToPointInTime": "aws_dynamodb_table.restore_source_name is never set",
  "dynamodb:UpdateTimeToLive": "aws_dynamodb_table.ttl is never set",
  "ec2:GetIpamPoolAllocations": "aws_vpc.ipv4_ipam_pool_id is never set",
  "ec2:ModifyVpcTenancy": "aws_vpc.instance_tenancy is never set",
  "ec2:EnableVgwRoutePropagation": "aws_route_table.propagating_vgws is never set",
  "ec2:DisableVgwRoutePropagation": "aws_route_table.propagating_vgws is never set",
  "elasticloadbalancingv2:ModifyCapacityReservation": "aws_lb.minimum_load_balancer_capacity is never set",
  "elasticloadbalancingv2:ModifyIpPools": "aws_lb.ipam_pools is never set",
  "lambda:PutFunctionCodeSigningConfig": "aws_lambda_function.code_signing_config_arn is never set",
  "lambda:DeleteFunctionCodeSigningConfig": "aws_lambda_function.code_signing_config_arn is never set",
  "lambda:PublishVersion": "aws_lambda_function.publish is never set",
  "iam:AttachRolePolicy": "aws_iam_role.managed_policy_arns is never set (and attaching managed policies is how a deployer escalates)",
  "iam:RemoveRoleFromInstanceProfile": "the function roles never get instance profiles",
  "iam:DeleteRolePermissionsBoundary": "removing the boundary is what the boundary exists to prevent; the deploy policy denies it",
  "kms:DisableKey": "aws_kms_key.is_enabled is never false (a disabled table key takes the table down)",
  "kms:DisableKeyRotation": "aws_kms_key.enable_key_rotation is always true",
  "cloudwatchlogs:AssociateKmsKey": "aws_cloudwatch_log_group.kms_key_id is never set",
  "cloudwatchlogs:DisassociateKmsKey": "aws_cloudwatch_log_group.kms_key_id is never set",
  "acm:ImportCertificate": "aws_acm_certificate.private_key is never set (certificates are requested, not imported)",
  "acm:RenewCertificate": "aws_acm_certificate.early_renewal_duration is never set",
  "s3:PutObjectLegalHold": "object lock is never enabled on the log buckets",
  // aws_s3_bucket's deprecated inline arguments; the aws_s3_bucket_* resources manage these instead.
  "s3:PutBucketAccelerateConfiguration": "aws_s3_bucket.acceleration_status is never set",
  "s3:PutBucketAcl": "aws_s3_bucket.acl/grant are never set (ACLs are disabled)",
  "s3:PutBucketCors": "aws_s3_bucket.cors_rule is never set",
  "s3:DeleteBucketCors": "aws_s3_bucket.cors_rule is never set",
  "s3:PutBucketLogging": "aws_s3_bucket.logging is never set",
  "s3:PutBucketReplication": "aws_s3_bucket.replication_configuration is never set",
  "s3:DeleteBucketReplication": "aws_s3_bucket.replication_configuration is never set",
  "s3:PutBucketRequestPayment": "aws_s3_bucket.request_payer is never set",
  "s3:PutBucketWebsite": "aws_s3_bucket.website is never set",
  "s3:DeleteBucketWebsite": "aws_s3_bucket.website is never set",
  "s3:PutObjectLockConfiguration": "aws_s3_bucket.object_lock_configuration is never set",
};

/** SNS subscription actions have no resource type; topic actions act on the topic. */
const SNS_SUBSCRIPTION = new Set(["sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes", "sns:Unsubscribe"]);

/** Role writes that must leave the permissions boundary in place (condition key iam:PermissionsBoundary). */
export const BOUNDARY_GUARDED = new Set(["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary"]);

/**
 * Where an IAM action is granted: the narrowest ARN patterns the action supports (actions without a
 * resource type in the Service Authorization Reference get "*", read from the reference itself;
 * actions authorized on two resources, such as an alias and its key, get both), and any condition it
 * always carries.
 */
export function scopeFor(action: string, ctx: IamContext): { scopes: readonly ScopeId[]; conditions?: Conditions } {
  const [prefix, name] = action.split(":");
  const on = (...scopes: ScopeId[]) => ({ scopes });
  const row = authorizationReference().service(prefix)?.actions[name.toLowerCase()];
  if (!row) throw new Error(`${action} is not an action in the Service Authorization Reference`);
  if (row.resourceTypes.length === 0) return on("any");
  switch (prefix) {
    case "ec2":
      return on("network");
    case "elasticloadbalancing":
      return on("loadBalancers");
    case "dynamodb":
      return on("table");
    case "lambda":
      return on("functions");
    case "logs":
      return on("logGroups");
    case "globalaccelerator":
      return on("accelerators");
    case "kms":
      // CreateAlias, UpdateAlias and DeleteAlias are authorized on the alias and on its key.
      return /Alias$/.test(name) ? on("kmsAliases", "kmsKeys") : on("kmsKeys");
    case "s3":
      return on(name === "DeleteObject" || name === "DeleteObjectVersion" ? "bucketObjects" : "buckets");
    case "sns":
      return on(SNS_SUBSCRIPTION.has(action) ? "any" : "topics");
    case "cloudwatch":
      return on(/Dashboard/.test(name) ? "dashboards" : "alarms");
    case "route53":
      if (name === "GetChange") return on("route53Changes");
      return on(/HealthCheck|Tags/.test(name) ? "healthChecks" : "hostedZones");
    case "acm":
      return on("certificates");
    case "iam":
      return BOUNDARY_GUARDED.has(action)
        ? { scopes: ["roles"], conditions: { StringEquals: { "iam:PermissionsBoundary": ctx.permissionsBoundaryArn } } }
        : on("roles");
    default:
      throw new Error(`no IAM scope rule for ${action}`);
  }
}

const slr = (service: string): Grant => ({
  actions: ["iam:CreateServiceLinkedRole"],
  scope: `serviceLinkedRole:${service}`,
  conditions: { StringEquals: { "iam:AWSServiceName": service } },
});

/** DynamoDB does the KMS work with the caller's permissions, only via DynamoDB in the table's regions. */
function viaDynamoDb(inv: StackInventory): Conditions {
  return { StringEquals: { "kms:ViaService": tableRegions(inv).map((r) => `dynamodb.${r}.amazonaws.com`) } };
}

/** True when the stack's table (or a replica) uses a customer-managed KMS key. */
export function tableUsesCmk(inv: StackInventory): boolean {
  return inv.resources
    .filter((r) => r.type === "aws_dynamodb_table")
    .some((t) => {
      const sse = (t.body.server_side_encryption as { kms_key_arn?: unknown } | undefined)?.kms_key_arn;
      const replicas = (t.body.replica as Array<{ kms_key_arn?: unknown }> | undefined) ?? [];
      return sse !== undefined || replicas.some((r) => r.kms_key_arn !== undefined);
    });
}

/** The literal partition-key values of the stack's table items (the seed item), for dynamodb:LeadingKeys. */
export function itemKeys(inv: StackInventory): string[] {
  const hashKey = inv.resources.find((r) => r.type === "aws_dynamodb_table")?.body.hash_key;
  return inv.resources
    .filter((r) => r.type === "aws_dynamodb_table_item")
    .map((r) => {
      const item = decodeJsonencode(r.body.item) as Record<string, { S?: string }>;
      const key = typeof hashKey === "string" ? item[hashKey]?.S : undefined;
      if (key === undefined) throw new Error(`${r.address}: its partition key is not a literal string; the policy limits item access to it`);
      return key;
    });
}

/**
 * Actions AWS checks besides the provider's own calls, per resource type, for one resource of that
 * type. Each names its source.
 */
const DEPENDENT: Readonly<Record<string, (el: StackElement, inv: StackInventory) => TypeGrants>> = {
  aws_dynamodb_table: (el, inv) => {
    const replicas = ((el.body.replica as unknown[] | undefined) ?? []).length > 0;
    return {
      read: [],
      write: [
        // Adding a replica: UpdateTable in the source region, and in every replica region CreateTable,
        // CreateTableReplica and the item actions replication uses with the caller's permissions;
        // removing one: DeleteTable + DeleteTableReplica. DynamoDB creates its replication
        // service-linked role on first use. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2gt_IAM.html
        ...(replicas
          ? [
              {
                actions: ["dynamodb:CreateTableReplica", "dynamodb:DeleteTableReplica", "dynamodb:Scan", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"],
                scope: "table" as const,
              },
              slr("replication.dynamodb.amazonaws.com"),
            ]
          : []),
        // A customer-managed key: DynamoDB creates grants on it and checks it with the caller's
        // permissions. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
        ...(tableUsesCmk(inv)
          ? [{ actions: ["kms:CreateGrant", "kms:DescribeKey", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], scope: "tableKeys" as const, conditions: viaDynamoDb(inv) }]
          : []),
      ],
    };
  },
  aws_dynamodb_table_item: (_el, inv) =>
    // Reading or writing an item of a CMK-encrypted table uses the key through DynamoDB.
    tableUsesCmk(inv)
      ? {
          read: [{ actions: ["kms:Decrypt", "kms:DescribeKey"], scope: "tableKeys", conditions: viaDynamoDb(inv) }],
          write: [{ actions: ["kms:Encrypt", "kms:GenerateDataKey"], scope: "tableKeys", conditions: viaDynamoDb(inv) }],
        }
      : { read: [], write: [] },
  // CreateFunction and UpdateFunctionConfiguration pass the execution role to Lambda.
  // https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
  aws_lambda_function: () => ({
    read: [],
    write: [{ actions: ["iam:PassRole"], scope: "roles", conditions: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } }],
  }),
  // ELB creates AWSServiceRoleForElasticLoadBalancing on first use.
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-service-linked-roles.html
  aws_lb: () => ({ read: [], write: [slr("elasticloadbalancing.amazonaws.com")] }),
  aws_globalaccelerator_accelerator: (el) => {
    const attributes = el.body.attributes as { flow_logs_enabled?: unknown } | undefined;
    const flowLogs = attributes?.flow_logs_enabled === true;
    return {
      read: [],
      write: [
        // https://docs.aws.amazon.com/global-accelerator/latest/dg/using-service-linked-roles.html
        slr("globalaccelerator.amazonaws.com"),
        // Flow logs are vended logs: delivery is set up with the caller's permissions, which may also
        // read and extend the destination bucket's policy.
        // https://docs.aws.amazon.com/global-accelerator/latest/dg/monitoring-global-accelerator.flow-logs.html
        // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html
        ...(flowLogs
          ? [
              { actions: ["logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:UpdateLogDelivery"], scope: "any" as const },
              { actions: ["s3:GetBucketPolicy", "s3:PutBucketPolicy"], scope: "buckets" as const },
            ]
          : []),
      ],
    };
  },
  // Global Accelerator checks ALB endpoints with the caller's permissions (the actions AWS's
  // GlobalAcceleratorFullAccess managed policy grants next to globalaccelerator:*).
  aws_globalaccelerator_endpoint_group: () => ({
    read: [],
    write: [
      {
        actions: ["elasticloadbalancing:DescribeLoadBalancers", "ec2:DescribeAddresses", "ec2:DescribeInstances", "ec2:DescribeInternetGateways", "ec2:DescribeRegions", "ec2:DescribeSubnets"],
        scope: "any",
      },
    ],
  }),
};

/** Conditions a type's own grants carry: the seed item's access is limited to its own key. */
function typeConditions(type: string, inv: StackInventory): Conditions | undefined {
  if (type !== "aws_dynamodb_table_item") return undefined;
  return { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": itemKeys(inv) } };
}

/** True when the action table has an entry for a resource (or `data.`-prefixed data source) type. */
export function hasEntry(type: string): boolean {
  return type.startsWith("data.") ? type.slice(5) in DATA_SOURCE_CALLS : type in PROVIDER_CALLS;
}

/** Types of the stack without an entry in the action table: a policy for them would be incomplete. */
export function missingTypes(inv: StackInventory): string[] {
  const types = [...inv.resources.map((r) => r.type), ...inv.dataSources.map((d) => `data.${d.type}`)];
  return [...new Set(types)].filter((t) => !hasEntry(t)).sort();
}

/** Turns operations into grants: IAM actions, their scopes, minus what is never granted. */
function grantsOf(operations: readonly string[], ctx: IamContext, conditions: Conditions | undefined): Grant[] {
  return operations
    .filter((op) => !(op in NOT_GRANTED))
    .flatMap(iamActionsFor)
    .flatMap((action) => {
      const s = scopeFor(action, ctx);
      const merged = s.conditions || conditions ? { ...conditions, ...s.conditions } : undefined;
      return s.scopes.map((scope) => ({ actions: [action], scope, ...(merged ? { conditions: merged } : {}) }));
    });
}

/** Everything one resource of the stack needs, read and write, per the table. */
export function grantsFor(el: StackElement, inv: StackInventory, ctx: IamContext, table: Readonly<Record<string, ProviderCalls>> = PROVIDER_CALLS): TypeGrants {
  const calls = table[el.type];
  if (!calls) throw new Error(`no IAM action table entry for ${el.type} (${el.address})`);
  const conditions = typeConditions(el.type, inv);
  const dependent = DEPENDENT[el.type]?.(el, inv) ?? { read: [], write: [] };
  return {
    read: [...grantsOf(calls.read, ctx, conditions), ...dependent.read],
    write: [...grantsOf([...calls.create, ...calls.update, ...calls.delete], ctx, conditions), ...dependent.write],
  };
}
