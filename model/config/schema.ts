/**
 * The config's value space: every key, its type, its allowed values and what it means (zod). Rules
 * that relate keys to each other live in ./rules.ts; built-in defaults in ./defaults.ts.
 *
 * Each key's documentation lives here, once, as zod metadata: `description` (what the key does),
 * `allowed` (the allowed values in words, where the type alone does not say them) and `defaultText`
 * (the default in words, where it is not a fixed value in ./defaults.ts). `npm run docs` turns it into
 * docs/configuration.md and globalapp.schema.json (scripts/docs/config-reference.ts).
 */
import { z } from "zod";
import { HEALTH_PATH } from "../../functions/lib/env";
import { AWS_REGIONS } from "../regions";
import { ACM_ARN, DOMAIN_NAME, HOSTED_ZONE_ID, MATCHER, VPC_CIDR } from "./patterns";
import { closestKey } from "./suggest";

declare module "zod" {
  interface GlobalMeta {
    /** The allowed values in words, for the configuration reference, where the type alone does not say them. */
    allowed?: string;
    /** The default in words, where it is not one fixed value of BUILTIN_DEFAULTS (e.g. "on in prod, off in dev"). */
    defaultText?: string;
  }
}

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The most regions one stack may serve (Global Accelerator allows one endpoint group per region). */
export const MAX_REGIONS = AWS_REGIONS.length;

const intRange = (min: number, max: number, unit = "") =>
  z
    .number({ error: `must be a number between ${min} and ${max}${unit}` })
    .int({ error: `must be a whole number between ${min} and ${max}${unit}` })
    .min(min, { error: `must be between ${min} and ${max}${unit}` })
    .max(max, { error: `must be between ${min} and ${max}${unit}` });

const oneOf = <T extends string>(values: readonly [T, ...T[]]) =>
  z.enum(values as [T, ...T[]], { error: `allowed: ${values.join(" | ")}` });

// The enum is for editors (globalapp.schema.json completes region codes); the refine is what validates.
const region = z
  .string({ error: "must be an AWS region code" })
  .refine((r) => AWS_REGIONS.includes(r), {
    error: (issue) => {
      const guess = typeof issue.input === "string" ? closestKey(issue.input, AWS_REGIONS) : undefined;
      return `unknown AWS region${guess ? ` — did you mean ${guess}?` : ""}; allowed: ${AWS_REGIONS.join(", ")}`;
    },
  })
  .meta({ allowed: "AWS region code", enum: [...AWS_REGIONS] });

const healthCheckSchema = z.strictObject({
  path: z
    .string()
    .regex(HEALTH_PATH, { error: 'must be an absolute URL path such as "/health"' })
    .meta({
      allowed: "an absolute URL path outside `/get/` and `/items/`",
      description: "The path the target group checks; the ALB routes it to the function, which answers it (env `HEALTH_CHECK_PATH`).",
    }),
  intervalSeconds: intRange(5, 300, " s").describe(
    "Seconds between two checks (each ALB node checks on its own). Failover and recovery times follow from it: see docs/failover.md.",
  ),
  timeoutSeconds: intRange(2, 120, " s").describe("Seconds a check waits for an answer; must be below `healthCheck.intervalSeconds`."),
  healthyThreshold: intRange(2, 10).describe("Consecutive successes that make a target healthy (and a region take traffic again)."),
  unhealthyThreshold: intRange(2, 10).describe("Consecutive failures that make a target unhealthy (and Global Accelerator drain the region)."),
  // ALB health-check matcher for HTTP(S) and Lambda targets: codes 200-499, a list or one range (ELB API
  // Matcher.HttpCode). The provider does not validate it, so a bad value would fail only in AWS.
  matcher: z
    .string()
    .regex(MATCHER, {
      error: 'must be HTTP codes 200-499: one ("200"), a list ("200,204") or a range ("200-299")',
    })
    .meta({
      allowed: 'HTTP codes 200–499: one (`"200"`), a list (`"200,204"`) or one range (`"200-299"`)',
      description: "The status codes a healthy `/health` answers with, as an ALB accepts them.",
    }),
}).describe("The ALB target group's health check. Global Accelerator follows this health for ALB endpoints, so it decides how fast a failing region is drained.");

/**
 * One IAM statement for the function's role (`function.policyStatements`). The shape is checked here;
 * what the statement means (explicit actions that exist, no iam:, ARNs that fit them, condition keys)
 * is checked by ./function.ts against AWS's Service Authorization Reference.
 */
const policyStatementSchema = z.strictObject({
  sid: z
    .string()
    .regex(/^[A-Za-z0-9]{1,128}$/, { error: "must be 1-128 letters and digits (IAM's Sid)" })
    .optional()
    .meta({ allowed: "letters and digits", defaultText: "`FunctionStatement<n>` (n counts from 1)", description: "The statement's id in the role's policy." }),
  effect: oneOf(["Allow", "Deny"]).optional().meta({ defaultText: "`Allow`", description: "Whether the statement allows or denies its actions." }),
  actions: z
    .array(z.string({ error: "must be an IAM action such as \"ssm:GetParameter\"" }), { error: "must be a list of IAM actions" })
    .min(1, { error: "must name at least one action" })
    .meta({
      allowed: '`"service:Action"` names that exist in AWS\'s Service Authorization Reference; no wildcards, no `iam:` actions',
      description: "The actions, each spelled out.",
    }),
  resources: z
    .array(z.string({ error: 'must be an ARN such as "arn:aws:ssm:*:*:parameter/notes/*"' }), { error: "must be a list of ARNs" })
    .min(1, { error: "must name at least one resource" })
    .meta({
      allowed: '`arn:partition:service:region:account:resource` with `*` and `?` wildcards; `"*"` only for actions without resource-level permissions',
      description: "The resources the actions apply to; each must fit a resource type of one of the actions.",
    }),
  conditions: z
    .record(
      z.string(),
      z.record(z.string(), z.union([z.string(), z.array(z.string())], { error: "must be a string or a list of strings" }), {
        error: 'must map condition keys to values, e.g. {"aws:RequestedRegion": "eu-central-1"}',
      }),
      { error: 'must map condition operators to keys and values, e.g. {"StringEquals": {"aws:RequestedRegion": "eu-central-1"}}' },
    )
    .optional()
    .meta({
      allowed: "IAM condition operators → condition keys that exist for the actions → a value or a list of values",
      defaultText: "none",
      description: "When the statement applies.",
    }),
});

const functionSchema = z.strictObject({
  entry: z
    .string({ error: "must be the path of a .ts, .mts, .js or .mjs file" })
    .regex(/\.(ts|mts|js|mjs)$/, { error: "must be the path of a .ts, .mts, .js or .mjs file" })
    .meta({
      allowed: "a `.ts`, `.mts`, `.js` or `.mjs` ES module, relative to the config file that sets it (or the project), or absolute",
      description:
        "The function's code: a module that exports `handler(event: ALBEvent, context)` returning an `ALBResult`. Bundled with esbuild into the same package for every region; the default is the article's item API. Any other entry is wrapped: GlobalApp answers `healthCheck.path` (STATUS, shallow or deep) and hands every other request to your handler, and the ALBs forward every path to it (docs/your-own-function.md).",
    }),
  environment: z
    .record(z.string(), z.string({ error: "must be a string" }), { error: "must be a JSON object of names to string values" })
    .meta({
      allowed: "names of letters, digits and `_` starting with a letter → string values; not `AWS_…`, `HEALTH_CHECK_…` or a name GlobalApp sets; 4 KB in all, GlobalApp's own included",
      description: "Extra environment variables of the function in every region.",
    }),
  policyStatements: z
    .array(policyStatementSchema, { error: "must be a list of IAM statements" })
    .meta({
      allowed:
        "statements `{sid?, effect?, actions, resources, conditions?}`: `actions` named one by one (`\"ssm:GetParameter\"`: no wildcards, no `iam:`), `resources` ARNs or ARN patterns that fit them (`\"*\"` only for actions without resource-level permissions), `effect` `Allow` (default) or `Deny`, `sid` letters and digits",
      description:
        "Extra IAM statements for the function's role in every region, beside its own (its replica, its log group, X-Ray). Checked against AWS's Service Authorization Reference: every action exists and is spelled out, no `iam:` actions, every resource an ARN (pattern) that fits one of the actions.",
    }),
  memoryMb: intRange(128, 10240, " MB").describe("Memory of the function in every region, MB (Lambda sizes CPU with it)."),
  timeoutSeconds: intRange(1, 900, " s").describe(
    "Function timeout, seconds; must be below `healthCheck.timeoutSeconds`, so a hung `/health` fails as a timeout.",
  ),
  logRetentionDays: z
    .number()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      error: `allowed: ${LOG_RETENTION_DAYS.join(", ")}`,
    })
    .meta({
      allowed: `a CloudWatch Logs retention: ${LOG_RETENTION_DAYS.join(", ")}`,
      enum: [...LOG_RETENTION_DAYS],
      description: "Days the function's CloudWatch log group keeps its logs.",
    }),
  multiValueHeaders: z
    .boolean({ error: "must be true or false" })
    .describe("`lambda_multi_value_headers_enabled` on the target groups; the function answers in the form it receives."),
  /** Unset: shallow in dev, deep in prod (see `healthCheckMode()`). */
  healthCheckMode: oneOf(["shallow", "deep"]).optional().meta({
    defaultText: "`shallow` in dev, `deep` in prod",
    description:
      "`shallow`: `/health` answers `STATUS` (the article's behaviour). `deep`: it also reads the region's replica (cached a few seconds), so a region whose function cannot use its replica (outage, throttling, a revoked key or permission) fails its health check and is drained.",
  }),
  // 0 would throttle every request (and fail every health check): not a sane setting for a region.
  reservedConcurrency: intRange(1, 1000).optional().meta({
    defaultText: "none (the account's unreserved concurrency)",
    description:
      "Reserved concurrent executions per region, a hard cap. AWS also requires 100 unreserved executions left in the account, so a new account with a low concurrency quota may refuse it.",
  }),
}).describe("The Lambda function in every region (nodejs22.x, arm64).");

/** A number in (0, `max`], with one error naming the range. */
const positiveUpTo = (max: number, unit: string) =>
  z
    .number({ error: `must be a number above 0 and at most ${max.toLocaleString("en-US")}${unit}` })
    .gt(0, { error: `must be above 0 and at most ${max.toLocaleString("en-US")}${unit}` })
    .max(max, { error: `must be above 0 and at most ${max.toLocaleString("en-US")}${unit}` });

/** What the capacity model (model/capacity.ts) predicts from: the peak load and the function's duration. */
const capacitySchema = z.strictObject({
  peakRequestsPerSecond: positiveUpTo(10_000_000, " requests per second").optional().meta({
    allowed: "above 0, at most 10,000,000",
    defaultText: "none: no capacity warnings (`npm run cost` prices the table at the month's average rate)",
    description:
      "Client requests per second at peak, all regions together. Clients are taken to be spread evenly over the regions, each routed as the accelerator routes it (closest healthy region, traffic dials, endpoint weights). Synth then warns when a region, normally or left after losing any one other, would have at least 1 % of its requests throttled at `function.reservedConcurrency` or at the 900 executions the account's default quota leaves to reserve, or would take more than Lambda's 10,000 requests per second (docs/failover.md, \"Capacity\").",
  }),
  functionMilliseconds: positiveUpTo(900_000, " ms").meta({
    allowed: "above 0, at most `function.timeoutSeconds` × 1000",
    description:
      "How long one invocation takes, ms: the capacity model's duration (concurrency = requests per second × duration). The default is the warm p99 of the shipped handler's `GET /get/{id}` in the function benchmark (docs/benchmarks.md, 2026-12-01, 2 cores, against a local DynamoDB); on AWS a GetItem adds its network round trip, and your own function (`function.entry`) takes what it takes: put its CloudWatch `Duration` p99 here.",
  }),
}).describe("The load the regions must carry, also after losing one: what the capacity model predicts from (docs/failover.md, \"Capacity\").");

const networkSchema = z.strictObject({
  // The public subnets are 10.N.0.0/24 and 10.N.1.0/24: N is the only free part, written canonically
  // (aws_vpc wants the network address; Go's parser rejects leading zeros).
  vpcCidr: z
    .string()
    .regex(VPC_CIDR, { error: 'must be a /16 of the form "10.N.0.0/16" with N 0-255 (subnets 10.N.0.0/24 and 10.N.1.0/24)' })
    .meta({
      allowed: "`10.N.0.0/16` with N 0–255 written plainly (no leading zeros)",
      description: "Each region's VPC; the public subnets are `10.N.0.0/24` and `10.N.1.0/24`.",
    }),
  availabilityZones: z
    .record(
      region,
      z
        .array(
          z.string().regex(/^([a-z]{2}(-[a-z]+)+-\d[a-z]|[a-z]{3,6}\d-az\d+)$/, {
            error: 'must be a zone name ("us-west-1c") or an AZ ID ("usw1-az3")',
          }),
        )
        .length(2, { error: "must name exactly two zones" }),
    )
    .meta({
      allowed: 'AWS region code → two different zones, as AZ IDs (`"usw2-az3"`) or zone names (`"us-west-2c"`)',
      defaultText: "`{}`: AZ IDs `<prefix>-az1` and `<prefix>-az2` (us-west-1: `usw1-az1`, `usw1-az3`)",
      description:
        "The two zones of a region's subnets. AZ IDs are checked against the region's real AZ IDs in `model/regions.ts`, minus those Global Accelerator does not support (`usw1-az2`, `apne1-az3`, `cac1-az3`); zone names only against the region, because names map to zones per account. The default uses AZ IDs: they name the same physical zone in every account, while zone letters are mapped per account in the oldest regions and some (`ap-northeast-1b`, one of `us-west-1`'s) do not exist in every account.",
    }),
}).describe("Each region's VPC: two public subnets in two availability zones, an internet gateway, no NAT (the function runs outside the VPC).");

const acceleratorSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?$/, { error: "must be 1-64 letters, digits or hyphens, not starting or ending with a hyphen" })
    .optional()
    .meta({
      allowed: "1–64 letters, digits and hyphens, not starting or ending with a hyphen",
      defaultText: "`${appName}-${environment}`",
      description: "The accelerator's name.",
    }),
  clientAffinity: oneOf(["NONE", "SOURCE_IP"]).describe(
    "`NONE`: each new connection is routed by its 5-tuple hash. `SOURCE_IP`: a client sticks to one endpoint.",
  ),
  ipAddressType: oneOf(["IPV4", "DUAL_STACK"]).describe(
    "A dual-stack accelerator accepts only dual-stack ALB endpoints, so `DUAL_STACK` also gives every region's VPC an Amazon-provided IPv6 /56, each subnet a /64, an IPv6 default route, `::/0` ingress on the listener ports, and a `dualstack` ALB.",
  ),
  trafficDials: z.record(region, intRange(0, 100, " %")).meta({
    defaultText: "`{}`: 100 for every region",
    description:
      "Region → the percentage of that region's traffic its endpoint group accepts; keys must be in `regions`. `npm run shift` changes the live dial in steps; the next deploy resets it to this value.",
  }),
  endpointWeights: z.record(region, intRange(0, 255)).meta({
    defaultText: "`{}`: 128 for every region",
    description: "Region → the weight of the region's ALB inside its endpoint group.",
  }),
  flowLogs: z.boolean({ error: "must be true or false" }).optional().meta({
    defaultText: "off in dev, on in prod",
    description: "Flow logs to a private S3 bucket in us-west-2.",
  }),
}).describe("Global Accelerator in front of the regions (routing `accelerator` or `both`): two static anycast IPs, one endpoint group per region.");

const httpsSchema = z.strictObject({
  certificateArns: z
    .record(
      region,
      z.string().regex(ACM_ARN, { error: "must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)" }),
    )
    .meta({
      allowed: "AWS region code → an ACM certificate ARN in that region",
      defaultText: "`{}`: HTTP only (synth warns)",
      description:
        "When set, every region needs one: HTTPS on 443 (TLS 1.3 policy), port 80 redirects to it, and the accelerator also listens on 443.",
    }),
  /** DNS-validated ACM certificates per region for the served names (needs `domain`). @default false */
  issueCertificates: z.boolean({ error: "must be true or false" }).optional().meta({
    defaultText: "`false`",
    description:
      "`true` (needs `domain`): a DNS-validated ACM certificate per region for the names served (`domain.name`, and `latency.<domain.name>` with routing `both`), its validation records in the hosted zone, and HTTPS listeners that use them. Not together with `https.certificateArns`.",
  }),
}).describe("HTTPS on the ALBs and the accelerator: bring certificates or have them issued.");

/** A custom domain in an existing public hosted zone. */
const domainSchema = z.strictObject({
  name: z
    .string({ error: "must be a domain name" })
    .max(253, { error: "must be at most 253 characters" })
    .regex(DOMAIN_NAME, { error: 'must be a lower-case DNS name of two or more labels, such as "api.example.com"' })
    .meta({
      allowed: 'a lower-case DNS name of two or more labels (`"api.example.com"`)',
      description:
        "The name clients use. With routing `accelerator`: an alias A record (AAAA too for `DUAL_STACK`) to the accelerator; with `route53` the latency records; with `both` the accelerator here and the latency records on `latency.<domain.name>`.",
    }),
  hostedZoneId: z
    .string({ error: "must be a Route 53 hosted zone id" })
    .regex(HOSTED_ZONE_ID, { error: 'must be a Route 53 hosted zone id such as "Z0123456789ABCDEFGHIJ"' })
    .meta({ allowed: '`Z` and upper-case letters and digits (`"Z0123456789ABCDEFGHIJ"`)', description: "The existing public hosted zone that holds `domain.name`." }),
}).describe("A custom domain in an existing public Route 53 hosted zone; unset by default. Needed by routing `route53` and `both` and by `https.issueCertificates`.");

/** Route 53 latency routing: how its records learn a region's health. */
const route53Schema = z.strictObject({
  /**
   * `alias`: alias records evaluate the ALB's target health (its Lambda target group); `route53`:
   * explicit Route 53 health checks of each ALB's health path.
   */
  healthChecks: oneOf(["alias", "route53"]).describe(
    "How the latency records learn a region's health. `alias`: `evaluate_target_health`, the ALB's target health (its Lambda target group's). `route53`: a Route 53 health check per region of the ALB's health path (HTTPS on 443 when HTTPS is on, because Route 53 counts the port-80 redirect as healthy).",
  ),
  /** Route 53 health-check interval: 10 (fast, extra cost) or 30 seconds. */
  requestIntervalSeconds: z
    .union([z.literal(10), z.literal(30)], { error: "allowed: 10 | 30 (Route 53's two intervals)" })
    .describe("The Route 53 health checks' interval, seconds (10 costs extra)."),
  /** Consecutive failures (or successes) before Route 53 changes a check's status, 1-10. */
  failureThreshold: intRange(1, 10).describe("Consecutive failures (or successes) before a Route 53 check changes status."),
}).describe("Route 53 latency routing (routing `route53` or `both`): how its records learn each region's health.");

const albSchema = z.strictObject({
  accessLogs: z.boolean({ error: "must be true or false" }).optional().meta({
    defaultText: "off in dev, on in prod",
    description: "ALB access logs to a private S3 bucket per region.",
  }),
  accessLogRetentionDays: intRange(1, 3650, " days").describe("Days before access logs expire."),
  internal: z
    .boolean({ error: "must be true or false" })
    .describe("`true`: internal ALBs, reachable only through Global Accelerator (not with routing `route53` or `both`)."),
}).describe("The Application Load Balancer in every region.");

const tableSchema = z.strictObject({
  customerManagedKey: z.boolean({ error: "must be true or false" }).optional().meta({
    defaultText: "off in dev, on in prod",
    description: "A rotating KMS key per region for the table and each replica (else the AWS-owned key).",
  }),
}).describe("The DynamoDB global table.");

const alarmsSchema = z.strictObject({
  enabled: z.boolean({ error: "must be true or false" }).optional().meta({
    defaultText: "`true` (every environment)",
    description:
      "Per-region CloudWatch alarms and the failover dashboard (about $4.60 a month for two regions: `npm run cost`). `false` removes both, and any topic.",
  }),
  email: z.email({ error: "must be an email address" }).optional().meta({
    allowed: "an email address",
    defaultText: "none",
    description:
      "An SNS topic per region (with its own KMS key) subscribed to the alarms. Without it the alarms only change state (console, dashboard): no topic, no key.",
  }),
}).describe("CloudWatch alarms, the failover dashboard and where alarms are sent.");

const ciSchema = z.strictObject({
  /** GitHub Actions delivery: the bootstrap stack creates GitHub's OIDC provider and the plan and deploy roles. */
  github: z
    .strictObject({
      repository: z
        .string()
        .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/, {
          error: 'must be a GitHub repository "owner/name", e.g. "acme/globalapp"',
        })
        .meta({
          allowed: '`"owner/name"` of a GitHub repository',
          defaultText: "none",
          description:
            "The repository that delivers the stack: the bootstrap stack `globalapp-state` then also creates GitHub's OIDC provider, a read-only plan role only that repository's pull-request runs can assume, a deploy role only its `production` environment can assume, and the permissions boundary (docs/delivery.md). Needs `state.backend` `s3`.",
        }),
    })
    .optional(),
  /** Unset: on when ci.github is set (the deploy role may only create roles that carry the boundary). */
  permissionsBoundary: z.boolean({ error: "must be true or false" }).optional().meta({
    defaultText: "on with `ci.github.repository`, else off",
    description:
      "Every IAM role of the stack carries the boundary `arn:aws:iam::<account>:policy/<appName>-ci/<appName>-<environment>-function-boundary` (`npm run iam -- --role boundary`). The deploy policy may only create roles that carry it, so turn it on wherever that policy deploys (e.g. a Terraform Cloud run role).",
  }),
}).describe("Continuous delivery: GitHub Actions identities and the permissions boundary of the roles the stack creates.");

const lagSeconds = z
  .number({ error: "must be a number of seconds between 0.001 and 3600" })
  .min(0.001, { error: "must be between 0.001 and 3600 s" })
  .max(3600, { error: "must be between 0.001 and 3600 s" });

const replicationSchema = z.strictObject({
  lagSeconds: z.strictObject({
    median: lagSeconds.describe("Half the writes reach another region's store within this many seconds."),
    p99: lagSeconds.describe("99 % of the writes reach another region's store within this many seconds; at least `local.replication.lagSeconds.median` (equal: a fixed lag)."),
  }).describe(
    "The replication lag between the regions' stores, model seconds: a log-normal through its median and 99th percentile, as a `ReplicationLatency` graph shows them. The default reads AWS's \"typically within a second\" (model/replication.ts cites it).",
  ),
}).describe("`npm run local`: one store per region, joined by a replicator that behaves like a global table (docs/local.md).");

const localSchema = z.strictObject({
  port: intRange(1, 65535).describe("`npm run local`: the accelerator's port on 127.0.0.1."),
  adminPort: intRange(1, 65535).describe("`npm run local`: the admin API's and the dashboard's port on 127.0.0.1."),
  clientRegion: region.optional().meta({
    defaultText: "`regions[0]`",
    description: "Where the local client is: the accelerator routes it to the closest endpoint group, DNS answers it the closest healthy region.",
  }),
  /** UDP and TCP port of the local authoritative DNS server (routing route53 or both). */
  dnsPort: intRange(1, 65535).describe(
    "`npm run local` with routing `route53` or `both`: the local authoritative DNS server's port (UDP and TCP) on 127.0.0.1.",
  ),
  propagationSeconds: z
    .number({ error: "must be a number of seconds between 0 and 300" })
    .min(0, { error: "must be between 0 and 300 s" })
    .max(300, { error: "must be between 0 and 300 s" })
    .describe("The local accelerator's model of Global Accelerator's propagation delay, seconds."),
  replication: replicationSchema,
}).describe("`npm run local`, the whole system on one machine (docs/local.md).");

const stateSchema = z.discriminatedUnion(
  "backend",
  [
    z.strictObject({
      backend: z.literal("s3").describe("state in S3 (with `encrypt = true` and `use_lockfile = true`), in a bucket the `globalapp-state` stack creates."),
      bucket: z
        .string({ error: "is required for the s3 backend" })
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "must be a valid S3 bucket name" })
        .meta({ allowed: "an S3 bucket name", description: "The state bucket. Bucket names are global: set your own." }),
      /** Unset: `${appName}/${environment}/terraform.tfstate` (resolve.ts stateKey), so environments never share state. */
      key: z
        .string({ error: "must be an S3 object key" })
        .min(1, { error: "must be 1-1024 characters" })
        .max(1024, { error: "must be 1-1024 characters" })
        .optional()
        .meta({
          allowed: "an S3 object key",
          defaultText: "`${appName}/${environment}/terraform.tfstate`",
          description:
            "The state object. The default is per app and environment, so dev, prod and other apps never share state; set it only to keep an existing state where it is.",
        }),
      region: region.describe("The state bucket's region."),
    }),
    z.strictObject({
      backend: z.literal("cloud").describe("Terraform Cloud or Terraform Enterprise (a `cloud` block)."),
      organization: z.string({ error: "is required for the cloud backend" }).min(1).meta({ allowed: "a name", description: "The organization (required)." }),
      workspace: z
        .string({ error: "is required for the cloud backend" })
        .regex(/^[A-Za-z0-9_-]{1,90}$/, {
          error: "must be 1-90 letters, digits, - or _",
        })
        .meta({ allowed: "1–90 letters, digits, `-` or `_`", description: "The workspace (required)." }),
      hostname: z.string().min(1).optional().meta({
        allowed: "a host name",
        defaultText: "`app.terraform.io`",
        description: "Terraform Enterprise: your host, e.g. `tfe.example.com`.",
      }),
    }),
    z.strictObject({
      backend: z.literal("local").describe("a local state file."),
      path: z.string().min(1).optional().meta({
        allowed: "a file path",
        defaultText: "`../../../terraform.${appName}-${environment}.tfstate`: in the project root",
        description: "The state file, relative to `cdktf.out/stacks/globalapp`.",
      }),
    }),
  ],
  { error: "state.backend allowed: s3 | cloud | local" },
).describe(
  "Where Terraform keeps the state of the `globalapp` stack. A `state` object with another `backend` replaces the whole `state` when merged, so switching from s3 to cloud inherits no bucket.",
);

/** The fields each state backend takes, to explain an "unknown key" such as a cloud field on s3 state. */
export const STATE_FIELDS: Record<string, string[]> = Object.fromEntries(
  stateSchema.options.map((o) => [o.shape.backend.value, Object.keys(o.shape).filter((k) => k !== "backend")]),
);

/** Every key and its value space; how keys relate to each other is checked by ./rules.ts. */
export const CONFIG_SHAPE = z
  .strictObject({
    appName: z
      .string()
      .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, {
        error: "must be lower-case letters, digits and single hyphens, starting with a letter",
      })
      .min(2, { error: "must be 2-16 characters (ALB names allow 32: appName-environment-fn)" })
      .max(16, { error: "must be 2-16 characters (ALB names allow 32: appName-environment-fn)" })
      .meta({
        allowed: "2–16 lower-case letters, digits and single hyphens, starting with a letter; not `internal` or `internal-…`",
        description:
          "Physical names are `${appName}-${environment}[-…]` (ALB names allow 32 characters and may not begin with `internal-`).",
      }),
    environment: oneOf(["dev", "prod"]).describe(
      "`prod` turns on by default: deletion protection, deep health checks, ALB access logs, accelerator flow logs and customer-managed table keys (docs/security.md).",
    ),
    regions: z
      .array(region, { error: "must be a list of AWS region codes" })
      .min(1, { error: "must name at least one region" })
      .max(MAX_REGIONS, { error: `must name at most ${MAX_REGIONS} regions` })
      .meta({
        allowed: "1 or more distinct AWS region codes (`model/regions.ts`)",
        description:
          "One regional backend and one endpoint group each. Each must be a region Global Accelerator can place an endpoint group in (every region of the table but `ap-southeast-6`), or, with routing `route53`, one Route 53 latency records can name. Opt-in regions (launched after March 2019) synth with a warning: enable them for the account first.",
      }),
    /**
     * Regions just removed from `regions` whose resources are still deployed: their provider stays in
     * the configuration so terraform can destroy them. Empty them once that deploy has run.
     */
    retiredRegions: z.array(region, { error: "must be a list of AWS region codes" }).meta({
      allowed: "AWS region codes not in `regions`",
      description:
        "Regions just removed from `regions` whose resources are still deployed: their provider stays in the configuration so the next deploy can destroy what is left there (without it terraform stops with \"Provider configuration not present\"). Empty it after that deploy (docs/deploying.md, \"What a change does\").",
    }),
    homeRegion: region.meta({
      allowed: "one of `regions`",
      description: "Where the global table resource lives; every other region gets a replica. Changing it replaces the table.",
    }),
    tableName: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: "must be 3-255 of A-Z a-z 0-9 _ - ." })
      .meta({
        allowed: "3–255 of `A-Z a-z 0-9 _ - .`",
        description:
          "The table's name; its partition key is always `item_id` (string). The article's name, not prefixed: to run dev and prod in one account, give each its own (everything else is named `${appName}-${environment}`). Changing it replaces the table.",
      }),
    deletionProtection: z.boolean().optional().meta({
      defaultText: "on in prod, off in dev",
      description:
        "Deletion protection on the table and ALBs, and `prevent_destroy` on the table, its KMS keys and the accelerator (a plan that would delete them fails).",
    }),
    healthCheck: healthCheckSchema,
    function: functionSchema,
    capacity: capacitySchema,
    network: networkSchema,
    accelerator: acceleratorSchema,
    https: httpsSchema,
    domain: domainSchema.optional(),
    routing: oneOf(["accelerator", "route53", "both"]).describe(
      "How clients reach the regions. `accelerator`: Global Accelerator. `route53`: no accelerator; one latency-routed alias record per region on `domain.name`, to that region's ALB. `both`: the accelerator on `domain.name` and the latency records on `latency.<domain.name>`, to compare the two on one deployment. `route53` and `both` need `domain` and public ALBs (docs/failover.md).",
    ),
    route53: route53Schema,
    alb: albSchema,
    table: tableSchema,
    alarms: alarmsSchema,
    state: stateSchema,
    ci: ciSchema,
    local: localSchema,
  });

/** Target-group health check settings; GA follows this health for ALB endpoints. */
export type HealthCheckSettings = z.infer<typeof healthCheckSchema>;
/** Lambda function settings. */
export type FunctionSettings = z.infer<typeof functionSchema>;
/** The peak load and the function's duration the capacity model predicts from. */
export type CapacitySettings = z.infer<typeof capacitySchema>;
/** One extra IAM statement for the function's role (`function.policyStatements`). */
export type FunctionPolicyStatement = z.infer<typeof policyStatementSchema>;
/** Per-region network settings. */
export type NetworkSettings = z.infer<typeof networkSchema>;
/** Global Accelerator settings. */
export type AcceleratorSettings = z.infer<typeof acceleratorSchema>;
/** `npm run local` (the whole system on one machine) and its accelerator emulation. */
export type LocalSettings = z.infer<typeof localSchema>;
/** The custom domain and its hosted zone. */
export type DomainSettings = z.infer<typeof domainSchema>;
/** Route 53 latency routing's health settings. */
export type Route53Settings = z.infer<typeof route53Schema>;
/** How clients reach the regions: the accelerator, Route 53 latency records, or both side by side. */
export type Routing = z.infer<typeof CONFIG_SHAPE>["routing"];
/** HTTPS: one ACM certificate per region, or none (HTTP only). */
export type HttpsSettings = z.infer<typeof httpsSchema>;
/** ALB settings beyond the listeners: access logs and scheme. */
export type AlbSettings = z.infer<typeof albSchema>;
/** CloudWatch alarm settings. */
export type AlarmSettings = z.infer<typeof alarmsSchema>;
/** Continuous delivery: GitHub OIDC roles and the permissions boundary of the roles the stack creates. */
export type CiSettings = z.infer<typeof ciSchema>;
/** Where Terraform keeps state. */
export type StateSettings = z.infer<typeof stateSchema>;
/** The whole, validated GlobalApp configuration. */
export type AppConfig = z.infer<typeof CONFIG_SHAPE>;
