import { decodeJsonencode } from "../../model/iam/hcl";

/**
 * Scanner rules as small pure functions over the synthesized Terraform JSON. Each mirrors the named
 * checkov or trivy check's semantics (read from the scanners' sources), not its implementation.
 */

/** Synthesized Terraform JSON, loosely typed: rules read whatever they need. */
export interface Tf {
  resource?: Record<string, Record<string, Body>>;
  data?: Record<string, Record<string, Body>>;
}
type Body = Record<string, unknown>;

/** A rule's verdict: the addresses it examined and one line per failure. */
export interface Result {
  readonly checked: readonly string[];
  readonly failures: readonly string[];
}

/** One scanner rule. */
export interface Rule {
  /** Scanner id, e.g. "CKV_AWS_131" (checkov) or "AWS-0052" (trivy). */
  readonly id: string;
  readonly title: string;
  readonly check: (tf: Tf) => Result;
}

// --- helpers -------------------------------------------------------------------------------------

/** [address, body] for every resource of the given types. */
export function resources(tf: Tf, ...types: string[]): Array<[string, Body]> {
  return types.flatMap((t) => Object.entries(tf.resource?.[t] ?? {}).map(([n, b]): [string, Body] => [`${t}.${n}`, b]));
}

/** A nested block: cdktf writes single blocks as objects and repeated ones as lists. */
function block(v: unknown): Body | undefined {
  if (Array.isArray(v)) return v[0] as Body | undefined;
  return v && typeof v === "object" ? (v as Body) : undefined;
}
function blocks(v: unknown): Body[] {
  if (Array.isArray(v)) return v as Body[];
  return v && typeof v === "object" ? [v as Body] : [];
}
const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Runs `test` on each [address, body]; the message it returns (if any) is a failure. */
function each(items: Array<[string, Body]>, test: (b: Body, addr: string) => string | undefined): Result {
  const failures: string[] = [];
  for (const [addr, body] of items) {
    const why = test(body, addr);
    if (why) failures.push(`${addr}: ${why}`);
  }
  return { checked: items.map(([a]) => a), failures };
}

/** Does `ref` (e.g. "${aws_s3_bucket.x.id}") point at the resource at `addr` ("aws_s3_bucket.x")? */
const refersTo = (ref: unknown, addr: string) => typeof ref === "string" && new RegExp(`\\$\\{${addr.replace(/\./g, "\\.")}\\.`).test(ref);

/** Resources of `type` whose `bucket` (or other `key`) refers to `addr`. */
const connected = (tf: Tf, type: string, addr: string, key = "bucket") =>
  resources(tf, type).filter(([, b]) => refersTo(b[key], addr));

const isApplicationLb = (b: Body) => (b.load_balancer_type ?? "application") === "application";

const redirectsToHttps = (listener: Body) =>
  blocks(listener.default_action).some((a) => a.type === "redirect" && block(a.redirect)?.protocol === "HTTPS");

// --- security groups -----------------------------------------------------------------------------

interface SgRule {
  readonly addr: string;
  readonly direction: "ingress" | "egress";
  readonly protocol: string;
  readonly from: number;
  readonly to: number;
  readonly cidrs: readonly string[];
}

/** Every SG rule, inline or standalone, normalized. */
export function sgRules(tf: Tf): SgRule[] {
  const out: SgRule[] = [];
  const cidrsOf = (r: Body) => [...asList(r.cidr_blocks), ...asList(r.ipv6_cidr_blocks), ...asList(r.cidr_ipv4), ...asList(r.cidr_ipv6)].map(String);
  for (const [addr, sg] of resources(tf, "aws_security_group")) {
    for (const direction of ["ingress", "egress"] as const) {
      for (const r of blocks(sg[direction])) {
        out.push({ addr, direction, protocol: String(r.protocol), from: Number(r.from_port), to: Number(r.to_port), cidrs: cidrsOf(r) });
      }
    }
  }
  for (const [addr, r] of resources(tf, "aws_security_group_rule")) {
    out.push({ addr, direction: r.type as "ingress" | "egress", protocol: String(r.protocol), from: Number(r.from_port), to: Number(r.to_port), cidrs: cidrsOf(r) });
  }
  for (const [type, direction] of [["aws_vpc_security_group_ingress_rule", "ingress"], ["aws_vpc_security_group_egress_rule", "egress"]] as const) {
    for (const [addr, r] of resources(tf, type)) {
      out.push({ addr, direction, protocol: String(r.ip_protocol), from: Number(r.from_port ?? 0), to: Number(r.to_port ?? 65535), cidrs: cidrsOf(r) });
    }
  }
  return out;
}

const PUBLIC = ["0.0.0.0/0", "::/0"];
const isPublic = (r: SgRule) => r.cidrs.some((c) => PUBLIC.includes(c));
const allTraffic = (r: SgRule) => r.protocol === "-1" || r.protocol === "all" || (r.from <= 0 && r.to >= 65535);
const coversPort = (r: SgRule, port: number) => allTraffic(r) || (r.from <= port && port <= r.to);

function sgCheck(tf: Tf, direction: "ingress" | "egress", bad: (r: SgRule) => boolean, why: string): Result {
  const rules = sgRules(tf).filter((r) => r.direction === direction);
  return {
    checked: [...new Set(resources(tf, "aws_security_group").map(([a]) => a).concat(rules.map((r) => r.addr)))],
    failures: rules.filter(bad).map((r) => `${r.addr}: ${why} (${r.protocol} ${r.from}-${r.to} from ${r.cidrs.join(",")})`),
  };
}

// --- IAM -----------------------------------------------------------------------------------------

interface Statement {
  Effect?: string;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
}

/** Identity policies (the ones IAM checks read): inline role/user/group policies and managed policies. */
const IAM_POLICY_TYPES = ["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"];

function statementsOf(policy: unknown): Statement[] {
  const doc = decodeJsonencode(policy) as { Statement?: unknown } | undefined;
  return asList(doc?.Statement) as Statement[];
}

/**
 * Actions that have no resource-level permissions, so "*" is the only valid resource (the AWS Service
 * Authorization Reference; cloudsplaining and trivy keep the same kind of list).
 */
export const UNRESTRICTABLE_ACTIONS = new Set([
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "xray:GetSamplingStatisticSummaries",
  "cloudwatch:PutMetricData",
  "logs:DescribeLogGroups",
  "sts:GetCallerIdentity",
  // EC2's Describe* calls support no resource-level permissions (the tear-down function uses these two).
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeNetworkInterfaces",
]);

const allowed = (s: Statement) => (s.Effect ?? "Allow") === "Allow";
const actionsOf = (s: Statement) => asList(s.Action).map(String);
const starResource = (s: Statement) => asList(s.Resource).includes("*");
const restrictableOnStar = (s: Statement) =>
  allowed(s) && starResource(s) && (s.NotAction !== undefined || actionsOf(s).some((a) => !UNRESTRICTABLE_ACTIONS.has(a)));

function iamCheck(tf: Tf, bad: (s: Statement) => boolean, why: string): Result {
  return each(resources(tf, ...IAM_POLICY_TYPES), (b) => {
    const hits = statementsOf(b.policy).filter(bad);
    return hits.length ? `${why}: ${JSON.stringify(hits)}` : undefined;
  });
}

// --- S3 ------------------------------------------------------------------------------------------

const buckets = (tf: Tf) => resources(tf, "aws_s3_bucket");

function publicAccessBlockField(field: string): (tf: Tf) => Result {
  return (tf) => each(resources(tf, "aws_s3_bucket_public_access_block"), (b) => (b[field] === true ? undefined : `${field} is not true`));
}

// --- the rules -----------------------------------------------------------------------------------

/** Runtimes past AWS Lambda's deprecation date (checkov keeps the same list). */
export const DEPRECATED_RUNTIMES = new Set([
  "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x",
  "nodejs16.x", "nodejs18.x", "python2.7", "python3.6", "python3.7", "python3.8", "ruby2.5", "ruby2.7", "ruby3.2",
  "java8", "go1.x", "provided", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet5.0",
  "dotnet6", "dotnet7",
]);

/** checkov CKV_AWS_103: accepted TLS policy prefixes. */
export const TLS12_POLICY_PREFIXES = [
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-2",
  "ELBSecurityPolicy-FS-1-2",
  "ELBSecurityPolicy-TLS-1-2",
];

/** trivy AWS-0047: policies that still negotiate TLS < 1.2 or weak ciphers. */
export const OUTDATED_TLS_POLICIES = new Set([
  "ELBSecurityPolicy-2015-05",
  "ELBSecurityPolicy-2016-08",
  "ELBSecurityPolicy-TLS-1-0-2015-04",
  "ELBSecurityPolicy-TLS-1-1-2017-01",
  "ELBSecurityPolicy-FS-2018-06",
  "ELBSecurityPolicy-FS-1-1-2019-08",
  "ELBSecurityPolicy-TLS13-1-0-2021-06",
  "ELBSecurityPolicy-TLS13-1-1-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
]);

const lbs = (tf: Tf) => resources(tf, "aws_lb", "aws_alb");
const albs = (tf: Tf) => lbs(tf).filter(([, b]) => isApplicationLb(b));
const listeners = (tf: Tf) => resources(tf, "aws_lb_listener", "aws_alb_listener");
const functions = (tf: Tf) => resources(tf, "aws_lambda_function");
const logGroups = (tf: Tf) => resources(tf, "aws_cloudwatch_log_group");

const dropsInvalidHeaders = (tf: Tf) =>
  each(albs(tf), (b) => (b.drop_invalid_header_fields === true ? undefined : "drop_invalid_header_fields is not true"));

export const RULES: readonly Rule[] = [
  // --- load balancers ---
  {
    id: "CKV_AWS_131",
    title: "ALB drops invalid HTTP headers",
    check: (tf) => dropsInvalidHeaders(tf),
  },
  {
    id: "AWS-0052",
    title: "ALB drops invalid HTTP headers (trivy)",
    check: (tf) => dropsInvalidHeaders(tf),
  },
  {
    id: "CKV_AWS_91",
    title: "ELBv2 access logging is enabled",
    check: (tf) =>
      each(lbs(tf).filter(([, b]) => b.load_balancer_type !== "gateway"), (b) =>
        block(b.access_logs)?.enabled === true ? undefined : "access_logs.enabled is not true",
      ),
  },
  {
    id: "CKV_AWS_150",
    title: "Load balancer has deletion protection",
    check: (tf) => each(lbs(tf), (b) => (b.enable_deletion_protection === true ? undefined : "enable_deletion_protection is not true")),
  },
  {
    id: "AWS-0053",
    title: "Load balancer is not internet-facing",
    check: (tf) => each(lbs(tf), (b) => (b.internal === true ? undefined : "internet-facing")),
  },
  {
    id: "CKV_AWS_2",
    title: "ALB listener protocol is HTTPS (or HTTP redirecting to HTTPS)",
    check: (tf) =>
      each(listeners(tf), (b) => {
        if (["HTTPS", "TLS", "TCP", "UDP", "TCP_UDP"].includes(String(b.protocol))) return undefined;
        return b.protocol === "HTTP" && block(b.default_action)?.type === "redirect" && redirectsToHttps(b)
          ? undefined
          : `protocol ${b.protocol} without a redirect to HTTPS`;
      }),
  },
  {
    id: "CKV_AWS_103",
    title: "Load balancer listener uses TLS 1.2 or newer",
    check: (tf) =>
      each(listeners(tf), (b) => {
        if (b.protocol === "HTTPS" || b.protocol === "TLS") {
          const policy = String(b.ssl_policy ?? "");
          return TLS12_POLICY_PREFIXES.some((p) => policy.startsWith(p)) ? undefined : `ssl_policy "${policy}" is not TLS 1.2+`;
        }
        if (["TCP", "UDP", "TCP_UDP"].includes(String(b.protocol))) return undefined;
        return redirectsToHttps(b) ? undefined : `protocol ${b.protocol} neither TLS nor a redirect to HTTPS`;
      }),
  },
  {
    id: "CKV2_AWS_20",
    title: "ALB redirects HTTP requests to HTTPS",
    check: (tf) =>
      each(albs(tf), (_, addr) => {
        const plain = listeners(tf).filter(([, l]) => refersTo(l.load_balancer_arn, addr) && l.protocol === "HTTP" && !redirectsToHttps(l));
        return plain.length ? `HTTP listener(s) without redirect: ${plain.map(([a]) => a).join(", ")}` : undefined;
      }),
  },
  {
    id: "AWS-0054",
    title: "ALB listeners do not serve plain HTTP",
    check: (tf) => {
      const appLbs = albs(tf).map(([a]) => a);
      const appListeners = listeners(tf).filter(([, l]) => appLbs.some((a) => refersTo(l.load_balancer_arn, a)));
      return each(appListeners, (b) => (b.protocol === "HTTP" && !redirectsToHttps(b) ? "plain HTTP listener" : undefined));
    },
  },
  {
    id: "AWS-0047",
    title: "HTTPS listeners use a secure TLS policy",
    check: (tf) =>
      each(listeners(tf).filter(([, b]) => b.protocol === "HTTPS"), (b) => {
        const policy = b.ssl_policy;
        return typeof policy === "string" && !OUTDATED_TLS_POLICIES.has(policy) ? undefined : `ssl_policy ${JSON.stringify(policy)} is outdated or unset`;
      }),
  },
  // --- security groups ---
  {
    id: "CKV_AWS_260",
    title: "No security group allows ingress from 0.0.0.0/0 to port 80",
    check: (tf) => sgCheck(tf, "ingress", (r) => isPublic(r) && coversPort(r, 80), "port 80 open to the world"),
  },
  {
    id: "CKV_AWS_277",
    title: "No security group allows ingress from 0.0.0.0/0 to all ports",
    check: (tf) => sgCheck(tf, "ingress", (r) => isPublic(r) && allTraffic(r), "all traffic open to the world"),
  },
  {
    id: "CKV_AWS_382",
    title: "No security group allows egress to 0.0.0.0/0 on all ports",
    check: (tf) => sgCheck(tf, "egress", (r) => isPublic(r) && allTraffic(r), "all traffic out to the world"),
  },
  {
    id: "AWS-0104",
    title: "No security group egress to the public internet",
    check: (tf) => sgCheck(tf, "egress", isPublic, "egress to a public CIDR"),
  },
  // --- Lambda ---
  {
    id: "CKV_AWS_50",
    title: "Lambda X-Ray tracing is enabled",
    check: (tf) =>
      each(functions(tf), (b) => {
        const mode = block(b.tracing_config)?.mode;
        return mode === "Active" || mode === "PassThrough" ? undefined : `tracing_config.mode is ${JSON.stringify(mode)}`;
      }),
  },
  {
    id: "CKV_AWS_115",
    title: "Lambda function has a function-level concurrency limit",
    check: (tf) =>
      each(functions(tf), (b) =>
        b.reserved_concurrent_executions === undefined || b.reserved_concurrent_executions === -1 ? "reserved_concurrent_executions unset" : undefined,
      ),
  },
  {
    id: "CKV_AWS_363",
    title: "Lambda runtime is not deprecated",
    check: (tf) => each(functions(tf), (b) => (DEPRECATED_RUNTIMES.has(String(b.runtime)) ? `runtime ${b.runtime} is deprecated` : undefined)),
  },
  {
    id: "CKV_AWS_364",
    title: "Lambda permissions for AWS services are scoped by SourceArn or SourceAccount",
    check: (tf) =>
      each(resources(tf, "aws_lambda_permission"), (b) =>
        String(b.principal).endsWith(".amazonaws.com") && b.source_arn === undefined && b.source_account === undefined
          ? `principal ${b.principal} without source_arn or source_account`
          : undefined,
      ),
  },
  {
    id: "CKV_AWS_116",
    title: "Lambda function has a dead-letter queue",
    check: (tf) => each(functions(tf), (b) => (block(b.dead_letter_config)?.target_arn ? undefined : "no dead_letter_config")),
  },
  {
    id: "CKV_AWS_117",
    title: "Lambda function runs inside a VPC",
    check: (tf) => each(functions(tf), (b) => (asList(block(b.vpc_config)?.subnet_ids).length ? undefined : "no vpc_config")),
  },
  {
    id: "CKV_AWS_272",
    title: "Lambda function validates code signing",
    check: (tf) => each(functions(tf), (b) => (b.code_signing_config_arn ? undefined : "no code_signing_config_arn")),
  },
  {
    id: "CKV_AWS_173",
    title: "Lambda environment variables are encrypted with a customer-managed KMS key",
    check: (tf) => each(functions(tf), (b) => (block(b.environment)?.variables && !b.kms_key_arn ? "environment variables without kms_key_arn" : undefined)),
  },
  // --- DynamoDB ---
  {
    id: "CKV_AWS_28",
    title: "DynamoDB point-in-time recovery is enabled",
    check: (tf) =>
      each(resources(tf, "aws_dynamodb_table"), (b) => (block(b.point_in_time_recovery)?.enabled === true ? undefined : "point_in_time_recovery.enabled is not true")),
  },
  {
    id: "CKV_AWS_119",
    title: "DynamoDB table is encrypted with a customer-managed KMS key",
    check: (tf) =>
      each(resources(tf, "aws_dynamodb_table"), (b) => {
        const sse = block(b.server_side_encryption);
        return sse?.enabled === true && sse.kms_key_arn ? undefined : "server_side_encryption without a kms_key_arn";
      }),
  },
  // --- Global Accelerator ---
  {
    id: "CKV_AWS_75",
    title: "Global Accelerator has flow logs enabled",
    check: (tf) =>
      each(resources(tf, "aws_globalaccelerator_accelerator"), (b) =>
        block(b.attributes)?.flow_logs_enabled === true ? undefined : "attributes.flow_logs_enabled is not true",
      ),
  },
  // --- S3 ---
  {
    id: "CKV_AWS_18",
    title: "S3 bucket has access logging",
    check: (tf) =>
      each(buckets(tf), (b, addr) => (b.logging || connected(tf, "aws_s3_bucket_logging", addr).length ? undefined : "no access logging")),
  },
  {
    id: "CKV_AWS_19",
    title: "S3 bucket is encrypted at rest",
    check: (tf) =>
      each(buckets(tf), (b, addr) => {
        const rules = [
          ...connected(tf, "aws_s3_bucket_server_side_encryption_configuration", addr).flatMap(([, c]) => blocks(c.rule)),
          ...blocks(block(b.server_side_encryption_configuration)?.rule),
        ];
        const ok = rules.some((r) => ["AES256", "aws:kms", "aws:kms:dsse"].includes(String(block(r.apply_server_side_encryption_by_default)?.sse_algorithm)));
        return ok ? undefined : "no server-side encryption configuration";
      }),
  },
  {
    id: "CKV_AWS_145",
    title: "S3 bucket is encrypted with KMS by default",
    check: (tf) =>
      each(buckets(tf), (_, addr) =>
        connected(tf, "aws_s3_bucket_server_side_encryption_configuration", addr)
          .flatMap(([, c]) => blocks(c.rule))
          .some((r) => String(block(r.apply_server_side_encryption_by_default)?.sse_algorithm).startsWith("aws:kms"))
          ? undefined
          : "not encrypted with aws:kms",
      ),
  },
  {
    id: "CKV_AWS_21",
    title: "S3 bucket has versioning enabled",
    check: (tf) =>
      each(buckets(tf), (b, addr) => {
        const ok =
          block(b.versioning)?.enabled === true ||
          connected(tf, "aws_s3_bucket_versioning", addr).some(([, v]) => block(v.versioning_configuration)?.status === "Enabled");
        return ok ? undefined : "versioning not enabled";
      }),
  },
  {
    id: "CKV2_AWS_6",
    title: "S3 bucket has a public access block",
    check: (tf) =>
      each(buckets(tf), (_, addr) =>
        connected(tf, "aws_s3_bucket_public_access_block", addr).some(([, p]) => p.block_public_acls === true && p.block_public_policy === true)
          ? undefined
          : "no public access block blocking public ACLs and policies",
      ),
  },
  { id: "CKV_AWS_53", title: "S3 public access block blocks public ACLs", check: publicAccessBlockField("block_public_acls") },
  { id: "CKV_AWS_54", title: "S3 public access block blocks public policies", check: publicAccessBlockField("block_public_policy") },
  { id: "CKV_AWS_55", title: "S3 public access block ignores public ACLs", check: publicAccessBlockField("ignore_public_acls") },
  { id: "CKV_AWS_56", title: "S3 public access block restricts public buckets", check: publicAccessBlockField("restrict_public_buckets") },
  // --- IAM ---
  {
    id: "CKV_AWS_355",
    title: 'No IAM policy allows "*" as resource for restrictable actions',
    check: (tf) => iamCheck(tf, restrictableOnStar, 'restrictable actions on Resource "*"'),
  },
  {
    id: "CKV_AWS_356",
    title: 'No aws_iam_policy_document allows "*" as resource for restrictable actions',
    check: (tf) =>
      each(
        Object.entries(tf.data?.aws_iam_policy_document ?? {}).map(([n, b]): [string, Body] => [`data.aws_iam_policy_document.${n}`, b]),
        (b) => {
          const bad = blocks(b.statement).filter(
            (s) =>
              (s.effect ?? "Allow") === "Allow" &&
              asList(s.resources).includes("*") &&
              (s.not_actions !== undefined || asList(s.actions).some((a) => !UNRESTRICTABLE_ACTIONS.has(String(a)))),
          );
          return bad.length ? `restrictable actions on "*": ${JSON.stringify(bad)}` : undefined;
        },
      ),
  },
  {
    id: "CKV_AWS_63",
    title: 'No IAM policy allows "*" as an action',
    check: (tf) => iamCheck(tf, (s) => allowed(s) && actionsOf(s).includes("*"), 'Action "*"'),
  },
  {
    id: "CKV_AWS_62",
    title: 'No IAM policy grants full "*:*" administrative privileges',
    check: (tf) => iamCheck(tf, (s) => allowed(s) && actionsOf(s).includes("*") && starResource(s), 'Action "*" on Resource "*"'),
  },
  {
    id: "AWS-0057",
    title: "IAM policies use no wildcards in actions or resources",
    check: (tf) =>
      iamCheck(tf, (s) => allowed(s) && (actionsOf(s).some((a) => a.includes("*")) || restrictableOnStar(s)), "wildcard action or resource"),
  },
  // --- CloudWatch Logs ---
  {
    id: "CKV_AWS_66",
    title: "CloudWatch log group specifies retention",
    check: (tf) => each(logGroups(tf), (b) => (typeof b.retention_in_days === "number" && b.retention_in_days > 0 ? undefined : "retention_in_days unset")),
  },
  {
    id: "CKV_AWS_338",
    title: "CloudWatch log group retains logs for at least a year",
    check: (tf) =>
      each(logGroups(tf), (b) => (typeof b.retention_in_days === "number" && b.retention_in_days >= 365 ? undefined : `retention_in_days ${b.retention_in_days} < 365`)),
  },
  {
    id: "CKV_AWS_158",
    title: "CloudWatch log group is encrypted with KMS",
    check: (tf) => each(logGroups(tf), (b) => (b.kms_key_id ? undefined : "kms_key_id unset")),
  },
  // --- the resources this stack adds for observability ---
  {
    id: "CKV_AWS_26",
    title: "SNS topic is encrypted",
    check: (tf) => each(resources(tf, "aws_sns_topic"), (b) => (b.kms_master_key_id ? undefined : "kms_master_key_id unset")),
  },
  {
    id: "CKV_AWS_7",
    title: "KMS key rotation is enabled",
    check: (tf) =>
      each(resources(tf, "aws_kms_key").filter(([, b]) => (b.customer_master_key_spec ?? "SYMMETRIC_DEFAULT") === "SYMMETRIC_DEFAULT"), (b) =>
        b.enable_key_rotation === true ? undefined : "enable_key_rotation is not true",
      ),
  },
  {
    id: "CKV2_AWS_64",
    title: "KMS key has a policy defined",
    check: (tf) => each(resources(tf, "aws_kms_key"), (b) => (b.policy ? undefined : "no key policy")),
  },
];
