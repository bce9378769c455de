/**
 * The ARN patterns an IAM statement is scoped to, built from the physical names in the synthesized
 * stack (function, role, log group, load balancer, bucket, topic, alarm names) and from the config
 * (table, regions, state bucket). ARN formats: AWS Service Authorization Reference, "Resource types
 * defined by <service>" (https://docs.aws.amazon.com/service-authorization/latest/reference/).
 */
import { isReference, literal, StackElement, StackInventory } from "./inventory";

/** Where the ARNs point: the account, partition and (for the S3 backend) the state object. */
export interface IamContext {
  /**
   * The account id, a Terraform reference (bootstrap stack), or the policy variable
   * `${aws:PrincipalAccount}` (a global condition key, usable as a variable in Resource elements:
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html), which
   * resolves to the account of whoever uses the policy.
   */
  readonly account: string;
  /** @default "aws" (GlobalApp's regions are all in the commercial partition) */
  readonly partition?: string;
  /** ARN of the permissions boundary every role the deploy role creates must carry. */
  readonly permissionsBoundaryArn: string;
  /** The S3 state object (state.backend s3); absent for Terraform Cloud or local state. */
  readonly state?: { readonly bucket: string; readonly key: string };
  /**
   * Regions just removed from the config whose resources are still deployed (config
   * `retiredRegions`): the next deploy destroys them there, so every regional grant covers them too,
   * under the same names. @default none
   */
  readonly retiredRegions?: readonly string[];
  /**
   * What your own function's role may do beyond GlobalApp's statements (config
   * `function.policyStatements` that allow): the permissions boundary lets it through. @default none
   */
  readonly functionGrants?: readonly {
    readonly sid: string;
    readonly actions: readonly string[];
    readonly resources: readonly string[];
    readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
  }[];
}

/** The scopes a grant can name; each resolves to a list of ARN patterns. */
export type ScopeId =
  | "any"
  | "table"
  | "tableKeys"
  | "functions"
  | "roles"
  | "logGroups"
  | "logStreams"
  | "loadBalancers"
  | "network"
  | "securityGroups"
  | "accelerators"
  | "kmsKeys"
  | "kmsAliases"
  | "buckets"
  | "bucketObjects"
  | "topics"
  | "alarms"
  | "dashboards"
  | "hostedZones"
  | "route53Changes"
  | "healthChecks"
  | "certificates"
  | "boundaryPolicy"
  | "stateBucket"
  | "stateObject"
  | "lockObject"
  | `serviceLinkedRole:${string}`;

const uniq = (xs: readonly string[]) => [...new Set(xs)].sort();
const regionsOf = (els: readonly StackElement[]) => uniq(els.map((e) => e.region));
const ofType = (inv: StackInventory, ...types: string[]) => inv.resources.filter((r) => types.includes(r.type));

/** The table's regions: where the aws_dynamodb_table lives plus each replica block's region. */
export function tableRegions(inv: StackInventory): string[] {
  return uniq(
    ofType(inv, "aws_dynamodb_table").flatMap((t) => [
      t.region,
      ...((t.body.replica as Array<{ region_name?: unknown }> | undefined) ?? []).map((r) => String(r.region_name)),
    ]),
  );
}

/** ELB ARN patterns for one load balancer name: the balancer, its listeners and their rules. */
function loadBalancerArns(p: string, region: string, account: string, name: string): string[] {
  const base = `arn:${p}:elasticloadbalancing:${region}:${account}`;
  return [`${base}:loadbalancer/app/${name}/*`, `${base}:listener/app/${name}/*`, `${base}:listener-rule/app/${name}/*`];
}

/** EC2 resource types the network constructs create, change or delete (ids are unknown before apply). */
const NETWORK_RESOURCE_TYPES = [
  "vpc",
  "subnet",
  "internet-gateway",
  "route-table",
  "security-group",
  "security-group-rule",
  "network-interface",
  "ipv6pool-ec2",
] as const;

/**
 * The ARN patterns of one scope in this stack; empty when the stack has nothing of that kind. A
 * retired region holds what every served region holds, under the same names with its own region, so
 * each regional pattern is repeated for it (the deploy destroys those resources; a plan refreshes them).
 */
export function resolveScope(scope: ScopeId, inv: StackInventory, ctx: IamContext): string[] {
  const arns = scopeArns(scope, inv, ctx);
  const retired = ctx.retiredRegions ?? [];
  if (retired.length === 0 || scope === "any") return arns;
  const served = regionsOf(inv.resources);
  const copies = arns.flatMap((arn) => {
    const region = served.find((r) => arn.includes(`:${r}:`) || arn.includes(`-${r}`));
    return region ? retired.map((x) => arn.split(region).join(x)) : [];
  });
  return uniq([...arns, ...copies]);
}

function scopeArns(scope: ScopeId, inv: StackInventory, ctx: IamContext): string[] {
  const p = ctx.partition ?? "aws";
  const a = ctx.account;
  if (scope.startsWith("serviceLinkedRole:")) {
    const service = scope.slice("serviceLinkedRole:".length);
    return [`arn:${p}:iam::${a}:role/aws-service-role/${service}/*`];
  }
  switch (scope) {
    case "any":
      return ["*"];
    case "table": {
      const tables = ofType(inv, "aws_dynamodb_table");
      const regions = tableRegions(inv);
      return uniq(tables.flatMap((t) => regions.map((r) => `arn:${p}:dynamodb:${r}:${a}:table/${literal(t, "name")}`)));
    }
    case "tableKeys":
      return tableRegions(inv).map((r) => `arn:${p}:kms:${r}:${a}:key/*`);
    case "functions":
      return uniq(
        ofType(inv, "aws_lambda_function").flatMap((f) => {
          const arn = `arn:${p}:lambda:${f.region}:${a}:function:${literal(f, "function_name")}`;
          return [arn, `${arn}:*`];
        }),
      );
    case "roles":
      return uniq(ofType(inv, "aws_iam_role").map((r) => `arn:${p}:iam::${a}:role${literal(r, "path") ?? "/"}${literal(r, "name")}`));
    case "logGroups":
      return uniq(
        ofType(inv, "aws_cloudwatch_log_group").flatMap((g) => {
          const arn = `arn:${p}:logs:${g.region}:${a}:log-group:${literal(g, "name")}`;
          return [arn, `${arn}:*`];
        }),
      );
    case "logStreams":
      return uniq(
        ofType(inv, "aws_cloudwatch_log_group").map((g) => `arn:${p}:logs:${g.region}:${a}:log-group:${literal(g, "name")}:*`),
      );
    case "loadBalancers":
      return uniq([
        ...ofType(inv, "aws_lb").flatMap((lb) => loadBalancerArns(p, lb.region, a, literal(lb, "name")!)),
        ...ofType(inv, "aws_lb_target_group").map(
          (tg) => `arn:${p}:elasticloadbalancing:${tg.region}:${a}:targetgroup/${literal(tg, "name")}/*`,
        ),
      ]);
    case "network":
      return regionsOf(
        inv.resources.filter((r) => ["aws_vpc", "aws_subnet", "aws_internet_gateway", "aws_route_table", "aws_route_table_association", "aws_security_group", "aws_default_security_group"].includes(r.type)),
      ).flatMap((r) => NETWORK_RESOURCE_TYPES.map((t) => `arn:${p}:ec2:${r}:${a}:${t}/*`));
    case "securityGroups":
      // The tear-down function deletes the security group Global Accelerator leaves in each VPC.
      return regionsOf(ofType(inv, "aws_security_group", "aws_default_security_group")).map((r) => `arn:${p}:ec2:${r}:${a}:security-group/*`);
    case "accelerators":
      // Listener and endpoint-group ARNs extend the accelerator's: accelerator/<id>/listener/<id>/…
      return [`arn:${p}:globalaccelerator::${a}:accelerator/*`];
    case "kmsKeys":
      return regionsOf(ofType(inv, "aws_kms_key")).map((r) => `arn:${p}:kms:${r}:${a}:key/*`);
    case "kmsAliases":
      return uniq(ofType(inv, "aws_kms_alias").map((al) => `arn:${p}:kms:${al.region}:${a}:${literal(al, "name")}`));
    case "buckets":
      return uniq(ofType(inv, "aws_s3_bucket").map((b) => `arn:${p}:s3:::${bucketPattern(b)}`));
    case "bucketObjects":
      return uniq(ofType(inv, "aws_s3_bucket").map((b) => `arn:${p}:s3:::${bucketPattern(b)}/*`));
    case "topics":
      return uniq(ofType(inv, "aws_sns_topic").map((t) => `arn:${p}:sns:${t.region}:${a}:${literal(t, "name")}`));
    case "alarms":
      // A region's alarms share their name prefix (`<appName>-<environment>-<region>-`): one pattern each.
      return regionsOf(ofType(inv, "aws_cloudwatch_metric_alarm")).map((r) => {
        const names = ofType(inv, "aws_cloudwatch_metric_alarm").filter((al) => al.region === r).map((al) => literal(al, "alarm_name")!);
        const prefix = commonPrefix(names);
        return prefix ? [`arn:${p}:cloudwatch:${r}:${a}:alarm:${prefix}${names.length > 1 ? "*" : ""}`] : names.map((n) => `arn:${p}:cloudwatch:${r}:${a}:alarm:${n}`);
      }).flat();
    case "dashboards":
      return uniq(ofType(inv, "aws_cloudwatch_dashboard").map((d) => `arn:${p}:cloudwatch::${a}:dashboard/${literal(d, "dashboard_name")}`));
    case "hostedZones": {
      const zones = ofType(inv, "aws_route53_record").map((r) => r.body.zone_id);
      // A zone id taken from another resource is a reference: any hosted zone of the account then.
      return uniq(zones.map((z) => `arn:${p}:route53:::hostedzone/${typeof z === "string" && !isReference(z) ? z : "*"}`));
    }
    case "route53Changes":
      return [`arn:${p}:route53:::change/*`];
    case "healthChecks":
      return [`arn:${p}:route53:::healthcheck/*`];
    case "certificates":
      return regionsOf(ofType(inv, "aws_acm_certificate")).map((r) => `arn:${p}:acm:${r}:${a}:certificate/*`);
    case "boundaryPolicy":
      return [ctx.permissionsBoundaryArn];
    case "stateBucket":
      return ctx.state ? [`arn:${p}:s3:::${ctx.state.bucket}`] : [];
    case "stateObject":
      return ctx.state ? [`arn:${p}:s3:::${ctx.state.bucket}/${ctx.state.key}`] : [];
    case "lockObject":
      // The S3 backend's native lock (use_lockfile) is an object beside the state: <key>.tflock.
      return ctx.state ? [`arn:${p}:s3:::${ctx.state.bucket}/${ctx.state.key}.tflock`] : [];
  }
  throw new Error(`unknown IAM scope ${scope}`);
}

/**
 * The longest prefix all names share, cut back to its last hyphen so a pattern ends at a word boundary
 * ("" when they share none: the names are then listed one by one).
 */
function commonPrefix(names: readonly string[]): string {
  if (names.length === 1) return names[0];
  let prefix = names[0];
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.slice(0, prefix.lastIndexOf("-") + 1);
}

/** A bucket's name, or its `bucket_prefix` followed by `*` (S3 appends a unique suffix). */
function bucketPattern(b: StackElement): string {
  const name = literal(b, "bucket");
  if (name) return name;
  const prefix = literal(b, "bucket_prefix");
  if (!prefix) throw new Error(`${b.address}: neither bucket nor bucket_prefix is set; the policy scopes buckets by name`);
  return `${prefix}*`;
}
