/**
 * The config's value space: every key, its type and its allowed values (zod). Rules that relate
 * keys to each other live in ./rules.ts; built-in defaults in ./defaults.ts.
 */
import { z } from "zod";
import { HEALTH_PATH } from "../../functions/lib/env";
import { AWS_REGIONS } from "../regions";
import { ACM_ARN, DOMAIN_NAME, HOSTED_ZONE_ID, MATCHER, VPC_CIDR } from "./patterns";

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

const region = z.string({ error: "must be an AWS region code" }).refine((r) => AWS_REGIONS.includes(r), {
  error: `unknown AWS region; allowed: ${AWS_REGIONS.join(", ")}`,
});

const healthCheckSchema = z.strictObject({
  path: z
    .string()
    .regex(HEALTH_PATH, { error: 'must be an absolute URL path such as "/health"' }),
  intervalSeconds: intRange(5, 300, " s"),
  timeoutSeconds: intRange(2, 120, " s"),
  healthyThreshold: intRange(2, 10),
  unhealthyThreshold: intRange(2, 10),
  // ALB health-check matcher for HTTP(S) and Lambda targets: codes 200-499, a list or one range (ELB API
  // Matcher.HttpCode). The provider does not validate it, so a bad value would fail only in AWS.
  matcher: z.string().regex(MATCHER, {
    error: 'must be HTTP codes 200-499: one ("200"), a list ("200,204") or a range ("200-299")',
  }),
});

const functionSchema = z.strictObject({
  memoryMb: intRange(128, 10240, " MB"),
  timeoutSeconds: intRange(1, 900, " s"),
  logRetentionDays: z
    .number()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      error: `allowed: ${LOG_RETENTION_DAYS.join(", ")}`,
    }),
  multiValueHeaders: z.boolean({ error: "must be true or false" }),
  /** Unset: shallow in dev, deep in prod (see `healthCheckMode()`). */
  healthCheckMode: oneOf(["shallow", "deep"]).optional(),
  // 0 would throttle every request (and fail every health check): not a sane setting for a region.
  reservedConcurrency: intRange(1, 1000).optional(),
});

const networkSchema = z.strictObject({
  // The public subnets are 10.N.0.0/24 and 10.N.1.0/24: N is the only free part, written canonically
  // (aws_vpc wants the network address; Go's parser rejects leading zeros).
  vpcCidr: z.string().regex(VPC_CIDR, { error: 'must be a /16 of the form "10.N.0.0/16" with N 0-255 (subnets 10.N.0.0/24 and 10.N.1.0/24)' }),
  availabilityZones: z.record(
    region,
    z
      .array(
        z.string().regex(/^([a-z]{2}(-[a-z]+)+-\d[a-z]|[a-z]{3,6}\d-az\d+)$/, {
          error: 'must be a zone name ("us-west-1c") or an AZ ID ("usw1-az3")',
        }),
      )
      .length(2, { error: "must name exactly two zones" }),
  ),
});

const acceleratorSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?$/, { error: "must be 1-64 letters, digits or hyphens, not starting or ending with a hyphen" })
    .optional(),
  clientAffinity: oneOf(["NONE", "SOURCE_IP"]),
  ipAddressType: oneOf(["IPV4", "DUAL_STACK"]),
  trafficDials: z.record(region, intRange(0, 100, " %")),
  endpointWeights: z.record(region, intRange(0, 255)),
  flowLogs: z.boolean({ error: "must be true or false" }).optional(),
});

const httpsSchema = z.strictObject({
  certificateArns: z.record(
    region,
    z.string().regex(ACM_ARN, { error: "must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)" }),
  ),
  /** DNS-validated ACM certificates per region for the served names (needs `domain`). @default false */
  issueCertificates: z.boolean({ error: "must be true or false" }).optional(),
});

/** A custom domain in an existing public hosted zone. */
const domainSchema = z.strictObject({
  name: z
    .string({ error: "must be a domain name" })
    .max(253, { error: "must be at most 253 characters" })
    .regex(DOMAIN_NAME, { error: 'must be a lower-case DNS name of two or more labels, such as "api.example.com"' }),
  hostedZoneId: z.string({ error: "must be a Route 53 hosted zone id" }).regex(HOSTED_ZONE_ID, { error: 'must be a Route 53 hosted zone id such as "Z0123456789ABCDEFGHIJ"' }),
});

/** Route 53 latency routing: how its records learn a region's health. */
const route53Schema = z.strictObject({
  /**
   * `alias`: alias records evaluate the ALB's target health (its Lambda target group); `route53`:
   * explicit Route 53 health checks of each ALB's health path.
   */
  healthChecks: oneOf(["alias", "route53"]),
  /** Route 53 health-check interval: 10 (fast, extra cost) or 30 seconds. */
  requestIntervalSeconds: z.union([z.literal(10), z.literal(30)], { error: "allowed: 10 | 30 (Route 53's two intervals)" }),
  /** Consecutive failures (or successes) before Route 53 changes a check's status, 1-10. */
  failureThreshold: intRange(1, 10),
});

const albSchema = z.strictObject({
  accessLogs: z.boolean({ error: "must be true or false" }).optional(),
  accessLogRetentionDays: intRange(1, 3650, " days"),
  internal: z.boolean({ error: "must be true or false" }),
});

const tableSchema = z.strictObject({
  customerManagedKey: z.boolean({ error: "must be true or false" }).optional(),
});

const alarmsSchema = z.strictObject({
  enabled: z.boolean({ error: "must be true or false" }).optional(),
  email: z.email({ error: "must be an email address" }).optional(),
});

const ciSchema = z.strictObject({
  /** GitHub Actions delivery: the bootstrap stack creates GitHub's OIDC provider and the plan and deploy roles. */
  github: z
    .strictObject({
      repository: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/, {
        error: 'must be a GitHub repository "owner/name", e.g. "acme/globalapp"',
      }),
    })
    .optional(),
  /** Unset: on when ci.github is set (the deploy role may only create roles that carry the boundary). */
  permissionsBoundary: z.boolean({ error: "must be true or false" }).optional(),
});

const localSchema = z.strictObject({
  port: intRange(1, 65535),
  adminPort: intRange(1, 65535),
  clientRegion: region.optional(),
  /** UDP and TCP port of the local authoritative DNS server (routing route53 or both). */
  dnsPort: intRange(1, 65535),
  propagationSeconds: z
    .number({ error: "must be a number of seconds between 0 and 300" })
    .min(0, { error: "must be between 0 and 300 s" })
    .max(300, { error: "must be between 0 and 300 s" }),
});

const stateSchema = z.discriminatedUnion(
  "backend",
  [
    z.strictObject({
      backend: z.literal("s3"),
      bucket: z
        .string({ error: "is required for the s3 backend" })
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "must be a valid S3 bucket name" }),
      /** Unset: `${appName}/${environment}/terraform.tfstate` (resolve.ts stateKey), so environments never share state. */
      key: z
        .string({ error: "must be an S3 object key" })
        .min(1, { error: "must be 1-1024 characters" })
        .max(1024, { error: "must be 1-1024 characters" })
        .optional(),
      region,
    }),
    z.strictObject({
      backend: z.literal("cloud"),
      organization: z.string({ error: "is required for the cloud backend" }).min(1),
      workspace: z.string({ error: "is required for the cloud backend" }).regex(/^[A-Za-z0-9_-]{1,90}$/, {
        error: "must be 1-90 letters, digits, - or _",
      }),
      hostname: z.string().min(1).optional(),
    }),
    z.strictObject({
      backend: z.literal("local"),
      path: z.string().min(1).optional(),
    }),
  ],
  { error: "state.backend allowed: s3 | cloud | local" },
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
      .max(16, { error: "must be 2-16 characters (ALB names allow 32: appName-environment-fn)" }),
    environment: oneOf(["dev", "prod"]),
    regions: z
      .array(region, { error: "must be a list of AWS region codes" })
      .min(1, { error: "must name at least one region" })
      .max(MAX_REGIONS, { error: `must name at most ${MAX_REGIONS} regions` }),
    /**
     * Regions just removed from `regions` whose resources are still deployed: their provider stays in
     * the configuration so terraform can destroy them. Empty them once that deploy has run.
     */
    retiredRegions: z.array(region, { error: "must be a list of AWS region codes" }),
    homeRegion: region,
    tableName: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: "must be 3-255 of A-Z a-z 0-9 _ - ." }),
    deletionProtection: z.boolean().optional(),
    healthCheck: healthCheckSchema,
    function: functionSchema,
    network: networkSchema,
    accelerator: acceleratorSchema,
    https: httpsSchema,
    domain: domainSchema.optional(),
    routing: oneOf(["accelerator", "route53", "both"]),
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
