import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { HEALTH_PATH, ITEM_ROUTE } from "../functions/lib/env";
import { AWS_REGIONS, defaultAzIds, zoneInRegion } from "./regions";

/**
 * GlobalApp configuration: types, built-in defaults, loading and validation. No resources here.
 *
 * Precedence (later wins, objects deep-merged, arrays replaced):
 *   built-in defaults (below) ← cdktf.json `context.globalapp` ← the JSON file named by GLOBALAPP_CONFIG.
 */

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
  matcher: z.string().regex(/^[1-5][0-9]{2}([,-][1-5][0-9]{2})*$/, {
    error: 'must be HTTP codes such as "200", "200,204" or "200-299"',
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
  vpcCidr: z.string().regex(/^10\.(\d{1,3})\.0\.0\/16$/, { error: 'must be a /16 such as "10.0.0.0/16"' }),
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
  name: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { error: "must be 1-64 letters, digits or hyphens" }).optional(),
  clientAffinity: oneOf(["NONE", "SOURCE_IP"]),
  ipAddressType: oneOf(["IPV4", "DUAL_STACK"]),
  trafficDials: z.record(region, intRange(0, 100, " %")),
  endpointWeights: z.record(region, intRange(0, 255)),
  flowLogs: z.boolean({ error: "must be true or false" }).optional(),
});

/** An ACM certificate ARN; its region is checked against the key it is configured under. */
const ACM_ARN = /^arn:aws(-[a-z]+)*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;

const httpsSchema = z.strictObject({
  certificateArns: z.record(
    region,
    z.string().regex(ACM_ARN, { error: "must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)" }),
  ),
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

const localSchema = z.strictObject({
  port: intRange(1, 65535),
  adminPort: intRange(1, 65535),
  clientRegion: region.optional(),
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
      key: z.string({ error: "is required for the s3 backend" }).min(1).max(1024),
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
const STATE_FIELDS: Record<string, string[]> = Object.fromEntries(
  stateSchema.options.map((o) => [o.shape.backend.value, Object.keys(o.shape).filter((k) => k !== "backend")]),
);

/** The schema of the whole config (exported so the README test can check every key is documented). */
export const CONFIG_SCHEMA = z
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
    homeRegion: region,
    tableName: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: "must be 3-255 of A-Z a-z 0-9 _ - ." }),
    deletionProtection: z.boolean().optional(),
    healthCheck: healthCheckSchema,
    function: functionSchema,
    network: networkSchema,
    accelerator: acceleratorSchema,
    https: httpsSchema,
    alb: albSchema,
    table: tableSchema,
    alarms: alarmsSchema,
    state: stateSchema,
    local: localSchema,
  })
  .superRefine((c, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    c.regions.forEach((r, i) => {
      if (c.regions.indexOf(r) !== i) issue(["regions", i], `duplicate region (already at regions[${c.regions.indexOf(r)}])`);
    });
    if (!c.regions.includes(c.homeRegion)) {
      issue(["homeRegion"], `must be one of regions (${c.regions.join(", ")})`);
    }
    if (ITEM_ROUTE.test(c.healthCheck.path)) {
      issue(["healthCheck", "path"], "must be outside /get/ and /items/ (those are the item routes)");
    }
    if (c.healthCheck.timeoutSeconds >= c.healthCheck.intervalSeconds) {
      issue(
        ["healthCheck", "timeoutSeconds"],
        `must be below healthCheck.intervalSeconds (${c.healthCheck.intervalSeconds})`,
      );
    }
    if (c.function.timeoutSeconds >= c.healthCheck.timeoutSeconds) {
      issue(
        ["function", "timeoutSeconds"],
        `must be below healthCheck.timeoutSeconds (${c.healthCheck.timeoutSeconds}) so a slow /health fails as a timeout, not a hung check`,
      );
    }
    for (const key of ["trafficDials", "endpointWeights"] as const) {
      for (const r of Object.keys(c.accelerator[key])) {
        if (!c.regions.includes(r)) issue(["accelerator", key, r], `is not one of regions (${c.regions.join(", ")})`);
      }
    }
    if (c.local.port === c.local.adminPort) issue(["local", "adminPort"], `must differ from local.port (${c.local.port})`);
    const certRegions = Object.keys(c.https.certificateArns);
    for (const [r, arn] of Object.entries(c.https.certificateArns)) {
      if (!c.regions.includes(r)) issue(["https", "certificateArns", r], `is not one of regions (${c.regions.join(", ")})`);
      else if (ACM_ARN.exec(arn)?.[2] !== r) {
        issue(["https", "certificateArns", r], `must be an ACM certificate in ${r} (an ALB only uses certificates from its own region)`);
      }
    }
    if (certRegions.length > 0) {
      // Half-HTTPS would let the accelerator's 443 fail over into a region that refuses TLS.
      for (const r of c.regions.filter((r) => !certRegions.includes(r))) {
        issue(["https", "certificateArns", r], "with HTTPS on, every region needs its own certificate");
      }
    }
    if (c.alarms.email !== undefined && c.alarms.enabled === false) {
      issue(["alarms", "email"], "needs alarms.enabled true (or unset): there is no topic without alarms");
    }
    for (const r of Object.keys(c.network.availabilityZones)) {
      if (!c.regions.includes(r)) {
        issue(["network", "availabilityZones", r], `is not one of regions (${c.regions.join(", ")})`);
      }
      c.network.availabilityZones[r].forEach((az, i) => {
        if (!zoneInRegion(az, r)) issue(["network", "availabilityZones", r, i], `must be an availability zone of ${r}`);
      });
    }
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
/** HTTPS: one ACM certificate per region, or none (HTTP only). */
export type HttpsSettings = z.infer<typeof httpsSchema>;
/** ALB settings beyond the listeners: access logs and scheme. */
export type AlbSettings = z.infer<typeof albSchema>;
/** CloudWatch alarm settings. */
export type AlarmSettings = z.infer<typeof alarmsSchema>;
/** Where Terraform keeps state. */
export type StateSettings = z.infer<typeof stateSchema>;
/** The whole, validated GlobalApp configuration. */
export type AppConfig = z.infer<typeof CONFIG_SCHEMA>;

/**
 * Built-in defaults: every key, so that a context or file only needs what differs.
 * cdktf.json's `context.globalapp` restates the article's choices on top of these.
 */
export const BUILTIN_DEFAULTS: AppConfig = {
  appName: "globalapp",
  environment: "dev",
  regions: ["us-west-2", "eu-central-1"],
  homeRegion: "us-west-2",
  tableName: "GlobalApp",
  healthCheck: {
    path: "/health",
    intervalSeconds: 10,
    timeoutSeconds: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    matcher: "200",
  },
  function: {
    memoryMb: 256,
    timeoutSeconds: 3,
    logRetentionDays: 365,
    multiValueHeaders: false,
  },
  network: { vpcCidr: "10.0.0.0/16", availabilityZones: {} },
  accelerator: {
    clientAffinity: "NONE",
    ipAddressType: "IPV4",
    trafficDials: {},
    endpointWeights: {},
  },
  https: { certificateArns: {} },
  alb: { accessLogRetentionDays: 90, internal: false },
  table: {},
  alarms: {},
  state: {
    backend: "s3",
    bucket: "globalapp-terraform-state",
    key: "globalapp/terraform.tfstate",
    region: "us-west-2",
  },
  local: {
    port: 8080,
    adminPort: 8081,
    propagationSeconds: 10,
  },
};

/** A configuration that fails validation; the message names every bad key and value. */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** One line per problem: `key = value: what is allowed`. */
    public readonly problems: readonly string[] = [],
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Deep-merges `over` onto `base`: objects merge key by key, everything else (arrays too) is replaced.
 * An object that names a different `backend` (the `state` key) replaces the base object whole, so that
 * switching from s3 to cloud does not inherit the s3 bucket.
 */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  if ("backend" in over && over.backend !== base.backend) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/** Follows a zod issue path into the raw input, to quote the value the user gave. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "");
}

/**
 * Validates a raw (already merged) configuration object.
 * @throws ConfigError naming every bad key, the value given and what is allowed.
 */
export function parseConfig(raw: unknown): AppConfig {
  const result = CONFIG_SCHEMA.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      const fields = formatPath(issue.path) === "state" ? STATE_FIELDS[String(valueAt(raw, [...issue.path, "backend"]))] : undefined;
      const hint = fields ? ` for state.backend "${String(valueAt(raw, [...issue.path, "backend"]))}" (allowed: ${fields.join(", ")})` : "";
      return issue.keys.map((k) => `${formatPath([...issue.path, k])}: unknown key${hint}`).join("; ");
    }
    const key = formatPath(issue.path) || "(config)";
    const value = valueAt(raw, issue.path);
    const shown = value === undefined ? "missing" : JSON.stringify(value);
    return `${key} = ${shown}: ${issue.message}`;
  });
  return failWith(problems);
}

function failWith(problems: string[]): never {
  throw new ConfigError(`invalid GlobalApp config:\n  - ${problems.join("\n  - ")}`, problems);
}

/** Where the raw configuration comes from; main.ts fills this from cdktf.json and the environment. */
export interface ConfigSources {
  /** `context.globalapp` from cdktf.json. @default {} */
  readonly context?: unknown;
  /** Path of a JSON file deep-merged over the context (the GLOBALAPP_CONFIG env var). @default none */
  readonly overridePath?: string;
}

/** Reads a JSON override file, failing with a message that names the file. */
export function readOverrideFile(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    return failWith([`GLOBALAPP_CONFIG = ${JSON.stringify(path)}: cannot read file (${(err as NodeJS.ErrnoException).code ?? err})`]);
  }
  try {
    const parsed = JSON.parse(text) as Json;
    if (!isPlainObject(parsed)) return failWith([`GLOBALAPP_CONFIG = ${JSON.stringify(path)}: must contain a JSON object`]);
    return parsed;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    return failWith([`GLOBALAPP_CONFIG = ${JSON.stringify(path)}: not valid JSON (${(err as Error).message})`]);
  }
}

/** Merges built-in defaults, the cdktf.json context and the override file, then validates once. */
export function loadConfig(sources: ConfigSources = {}): AppConfig {
  if (sources.context !== undefined && !isPlainObject(sources.context)) {
    failWith([`context.globalapp = ${JSON.stringify(sources.context)}: must be a JSON object`]);
  }
  const override = sources.overridePath ? readOverrideFile(sources.overridePath) : {};
  return parseConfig(deepMerge(deepMerge(BUILTIN_DEFAULTS, sources.context ?? {}), override));
}

/**
 * Loads the project's config the one way every entry point does (npm run synth, npm run local,
 * npm run drill): `context.globalapp` from `<projectRoot>/cdktf.json`, then the file named by
 * `env.GLOBALAPP_CONFIG` deep-merged over it, validated once.
 * @throws ConfigError naming every bad key.
 */
export function loadConfigFromProject(projectRoot: string, env: Readonly<Record<string, string | undefined>>): AppConfig {
  const cdktfJson = JSON.parse(readFileSync(join(projectRoot, "cdktf.json"), "utf8")) as { context?: { globalapp?: unknown } };
  return loadConfig({ context: cdktfJson.context?.globalapp, overridePath: env.GLOBALAPP_CONFIG || undefined });
}

/** Traffic dial for a region (percent), 100 unless configured. */
export function trafficDial(config: AppConfig, region: string): number {
  return config.accelerator.trafficDials[region] ?? 100;
}

/** Endpoint weight for a region's ALB (0-255), 128 unless configured (GA's default). */
export function endpointWeight(config: AppConfig, region: string): number {
  return config.accelerator.endpointWeights[region] ?? 128;
}

/** The two availability zones of a region's public subnets: configured, or the region's default AZ IDs. */
export function availabilityZones(config: AppConfig, region: string): [string, string] {
  const azs = config.network.availabilityZones[region];
  return azs ? [azs[0], azs[1]] : defaultAzIds(region);
}

/**
 * The function's health-check mode: configured, else `deep` in prod (a region whose function cannot
 * use its replica — outage, throttling, a revoked key or permission — fails its health check and is
 * drained) and `shallow` in dev (answer `STATUS` only, the article's behaviour).
 */
export function healthCheckMode(config: AppConfig): "shallow" | "deep" {
  return config.function.healthCheckMode ?? (config.environment === "prod" ? "deep" : "shallow");
}

/** Deletion protection for the table and ALBs: configured, else on in prod only. */
export function deletionProtection(config: AppConfig): boolean {
  return config.deletionProtection ?? config.environment === "prod";
}

/** HTTPS is on when certificates are configured (validation makes it every region or none). */
export function httpsEnabled(config: AppConfig): boolean {
  return Object.keys(config.https.certificateArns).length > 0;
}

/** ALB access logs to a per-region S3 bucket: configured, else on in prod only. */
export function albAccessLogs(config: AppConfig): boolean {
  return config.alb.accessLogs ?? config.environment === "prod";
}

/** Global Accelerator flow logs to an S3 bucket in us-west-2: configured, else on in prod only. */
export function acceleratorFlowLogs(config: AppConfig): boolean {
  return config.accelerator.flowLogs ?? config.environment === "prod";
}

/** A customer-managed KMS key per region for the table: configured, else on in prod only. */
export function tableCustomerManagedKey(config: AppConfig): boolean {
  return config.table.customerManagedKey ?? config.environment === "prod";
}

/** CloudWatch alarms and the dashboard: configured, else on in prod or when an email is given. */
export function alarmsEnabled(config: AppConfig): boolean {
  return config.alarms.enabled ?? (config.alarms.email !== undefined || config.environment === "prod");
}
