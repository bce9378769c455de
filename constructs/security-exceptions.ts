import {
  acceleratorFlowLogs,
  albAccessLogs,
  AppConfig,
  deletionProtection,
  httpsEnabled,
  tableCustomerManagedKey,
} from "../model/config";

/**
 * The scanner rules (checkov, trivy) GlobalApp deliberately does not follow, each with its reason and
 * the configurations it applies to. The one place these live: the policy tests (`__tests__/policy/`)
 * skip exactly these, prove each is still needed (the rule really fails where it is excepted), and
 * check docs/security.md's table lists every one of them.
 */
export interface SecurityException {
  /** Scanner rule id, e.g. "CKV_AWS_116" or "AWS-0054". */
  readonly id: string;
  /** What the rule asks for. */
  readonly rule: string;
  /** When the exception applies, in words (the docs' column). */
  readonly when: string;
  /** When the exception applies, as code. */
  readonly applies: (config: AppConfig) => boolean;
  /** Why we do not follow the rule there. */
  readonly reason: string;
}

const always = () => true;
/** The stack has S3 buckets only for logs, and only when a log option is on. */
const hasLogBuckets = (c: AppConfig) => albAccessLogs(c) || acceleratorFlowLogs(c);

export const SECURITY_EXCEPTIONS: readonly SecurityException[] = [
  {
    id: "CKV_AWS_116",
    rule: "Lambda function has a dead-letter queue",
    when: "always",
    applies: always,
    reason: "The ALB invokes the function synchronously; a DLQ only receives failed asynchronous invocations, so it would never receive anything.",
  },
  {
    id: "CKV_AWS_117",
    rule: "Lambda function runs inside a VPC",
    when: "always",
    applies: always,
    reason: "The function only calls DynamoDB (IAM-authenticated HTTPS). A VPC would add NAT gateways or endpoints in every region and protect no private resource.",
  },
  {
    id: "CKV_AWS_272",
    rule: "Lambda function validates code signing",
    when: "always",
    applies: always,
    reason: "The package is built from this repository by the same pipeline that deploys it (TerraformAsset + source_code_hash); there is no third-party upload path for a signature to guard.",
  },
  {
    id: "CKV_AWS_173",
    rule: "Lambda environment variables are encrypted with a customer-managed KMS key",
    when: "always",
    applies: always,
    reason: "The variables hold no secrets (TABLE_NAME, STATUS, HEALTH_CHECK_MODE, HEALTH_CHECK_PATH) and Lambda already encrypts them at rest with an AWS-owned key.",
  },
  {
    id: "CKV_AWS_158",
    rule: "CloudWatch log group is encrypted with a customer-managed KMS key",
    when: "always",
    applies: always,
    reason: "Function logs carry request ids, regions and item ids, no secrets; CloudWatch Logs encrypts them at rest. A CMK would need a per-region key policy for the logs service for no gain.",
  },
  {
    id: "CKV_AWS_260",
    rule: "No security group allows ingress from 0.0.0.0/0 to port 80",
    when: "always",
    applies: always,
    reason: "Port 80 is the public entry (through Global Accelerator, which preserves client IPs, so the source is any address). With certificates it only answers 301 to HTTPS; without, the stack is HTTP-only by choice and synth warns.",
  },
  {
    id: "CKV_AWS_115",
    rule: "Lambda function has a function-level concurrency limit",
    when: "always for the tear-down function (`<app>-<env>-ga-cleanup`); for the item API while function.reservedConcurrency is unset (the default)",
    applies: () => true,
    reason: "Reserved concurrency is a hard cap: it can throttle a region that is taking over another's traffic, and AWS requires 100 unreserved executions per account. Opt in with function.reservedConcurrency; the Throttles alarm watches. The tear-down function runs only when Terraform invokes it (once per apply or destroy); a reservation would only take from the account's pool, and fail on new accounts whose quota leaves nothing to reserve.",
  },
  {
    id: "CKV_AWS_91",
    rule: "ALB access logging is enabled",
    when: "alb.accessLogs off (default in dev)",
    applies: (c) => !albAccessLogs(c),
    reason: "dev keeps the stack cheap and easy to destroy; prod turns access logs on by default.",
  },
  {
    id: "CKV_AWS_150",
    rule: "Load balancer has deletion protection",
    when: "deletion protection off (default in dev)",
    applies: (c) => !deletionProtection(c),
    reason: "dev must be destroyable with one terraform destroy; prod turns it on for the ALBs and the table.",
  },
  {
    id: "CKV_AWS_119",
    rule: "DynamoDB table is encrypted with a customer-managed KMS key",
    when: "table.customerManagedKey off (default in dev)",
    applies: (c) => !tableCustomerManagedKey(c),
    reason: "The table is still encrypted at rest (AWS-owned key, no cost); prod creates a rotating KMS key per region by default.",
  },
  {
    id: "CKV_AWS_75",
    rule: "Global Accelerator has flow logs enabled",
    when: "accelerator.flowLogs off (default in dev)",
    applies: (c) => !acceleratorFlowLogs(c),
    reason: "dev keeps the stack cheap and easy to destroy; prod turns flow logs on by default.",
  },
  ...(["CKV_AWS_2", "CKV_AWS_103", "CKV2_AWS_20", "AWS-0054"] as const).map(
    (id): SecurityException => ({
      id,
      rule: {
        CKV_AWS_2: "ALB listener protocol is HTTPS (or redirects to it)",
        CKV_AWS_103: "Load balancer listener uses TLS 1.2+",
        CKV2_AWS_20: "ALB redirects HTTP to HTTPS",
        "AWS-0054": "ALB listener does not use plain HTTP",
      }[id],
      when: "https.certificateArns empty (the default)",
      applies: (c) => !httpsEnabled(c),
      reason: "HTTPS needs a certificate for a domain the deployer owns; without one the stack serves HTTP only and synth prints a warning. With certificates every listener is HTTPS or a 301 to it.",
    }),
  ),
  {
    id: "CKV_AWS_18",
    rule: "S3 bucket has server access logging",
    when: "log buckets exist (alb.accessLogs or accelerator.flowLogs on)",
    applies: hasLogBuckets,
    reason: "Our only buckets are log destinations (ALB access logs, accelerator flow logs); logging their access would need yet another bucket, and that one another.",
  },
  {
    id: "CKV_AWS_145",
    rule: "S3 bucket is encrypted with KMS by default",
    when: "log buckets exist (alb.accessLogs or accelerator.flowLogs on)",
    applies: hasLogBuckets,
    reason: "ALB access-log delivery supports only SSE-S3; the log buckets use SSE-S3 (AES-256).",
  },
  {
    id: "CKV_AWS_144",
    rule: "S3 bucket has cross-region replication",
    when: "log buckets exist (alb.accessLogs or accelerator.flowLogs on)",
    applies: hasLogBuckets,
    reason: "Logs are per region by nature and expire; the serving data (the global table) is replicated to every region already.",
  },
  {
    id: "CKV2_AWS_62",
    rule: "S3 bucket has event notifications",
    when: "log buckets exist (alb.accessLogs or accelerator.flowLogs on)",
    applies: hasLogBuckets,
    reason: "Nothing consumes log-arrival events.",
  },
  {
    id: "CKV2_AWS_28",
    rule: "Public ALB is protected by WAF",
    when: "always",
    applies: always,
    reason: "Not built yet: the API is read-mostly behind Global Accelerator (AWS Shield Standard). A regional web ACL per ALB is a planned option, not a default.",
  },
  {
    id: "CKV2_AWS_11",
    rule: "VPC flow logging is enabled",
    when: "always",
    applies: always,
    reason: "The VPC holds only the ALB; its traffic is covered by ALB access logs and accelerator flow logs (prod defaults).",
  },
  {
    id: "AWS-0053",
    rule: "Load balancer is not exposed to the internet",
    when: "alb.internal false (the default)",
    applies: (c) => !c.alb.internal,
    reason: "An internet-facing ALB lets the drill and operators reach one region directly; alb.internal true keeps it reachable only through Global Accelerator.",
  },
];

/** The exception for a rule under a config, if any. */
export function exceptionFor(id: string, config: AppConfig): SecurityException | undefined {
  return SECURITY_EXCEPTIONS.find((e) => e.id === id && e.applies(config));
}

/** The rule-exception table of docs/security.md (Markdown; npm run docs writes it), generated from {@link SECURITY_EXCEPTIONS}. */
export function exceptionsTable(): string {
  const rows = SECURITY_EXCEPTIONS.map((e) => `| ${e.id} | ${e.rule} | ${e.when} | ${e.reason} |`);
  return ["| rule | asks for | not followed when | why |", "|---|---|---|---|", ...rows].join("\n");
}
