import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJsonencode } from "../../model/iam/hcl";
import { synthGlobalApp } from "./synth";
import { initWorkdir, runTerraform, type TerraformCli } from "./terraform";

/**
 * Which attribute changes make the aws provider replace a resource, asked of the provider binary
 * itself: `terraform plan -refresh=false` over a state that holds one value of an attribute and a
 * configuration that holds another, one resource per probe, all in one plan. The plan's
 * `replace_paths` is the provider's own answer (ForceNew in its schema, or a CustomizeDiff that forces
 * a new resource). Offline: the provider is configured with placeholder credentials, skips every
 * credential and metadata check, and any AWS call it would make goes to a closed loopback port.
 */

/** One question: does changing `attr` of this `type` from `before[attr]` to `after[attr]` replace it? */
export interface Probe {
  readonly type: string;
  readonly attr: string;
  /** The resource's synthesized body before the change (Terraform JSON, references allowed). */
  readonly before: Readonly<Record<string, unknown>>;
  /** The same body with `attr` changed. */
  readonly after: Readonly<Record<string, unknown>>;
}

/** The provider's answer to one probe. */
export type Verdict = { readonly replaces: boolean } | { readonly error: string };

interface SchemaBlock {
  readonly attributes?: Record<string, { readonly type: unknown; readonly computed?: boolean; readonly optional?: boolean }>;
  readonly block_types?: Record<string, { readonly nesting_mode: string; readonly block: SchemaBlock }>;
}
interface ResourceSchema {
  readonly version: number;
  readonly block: SchemaBlock;
}

const ACCOUNT = "123456789012";
/** Meta-arguments and cdktf bookkeeping: not attributes of the resource. */
const META = new Set(["provider", "depends_on", "lifecycle", "count", "for_each", "//", "connection", "provisioner", "timeouts"]);
/** Every service endpoint the stack's resource types use, pointed at a closed port (nothing may reach AWS). */
const SERVICES = ["acm", "cloudwatch", "dynamodb", "ec2", "elbv2", "globalaccelerator", "iam", "kms", "lambda", "logs", "route53", "s3", "sns", "sts"];

const hash = (s: string) => createHash("sha256").update(s).digest("hex");

/** ID prefixes AWS uses, for the resources whose `id` the provider validates or parses. */
const ID_PREFIX: Readonly<Record<string, string>> = {
  aws_vpc: "vpc-",
  aws_subnet: "subnet-",
  aws_security_group: "sg-",
  aws_default_security_group: "sg-",
  aws_internet_gateway: "igw-",
  aws_route_table: "rtb-",
};

/** Resource types whose `id` is their ARN. */
const ID_IS_ARN = new Set(["aws_globalaccelerator_accelerator", "aws_globalaccelerator_listener", "aws_globalaccelerator_endpoint_group", "aws_lb", "aws_lb_target_group", "aws_lb_listener", "aws_acm_certificate"]);

/** A literal stand-in for one Terraform expression, shaped like the value it yields; `salt` gives another one. */
function standIn(expr: string, salt: string): string {
  const h = hash(`${salt}${expr}`);
  // The dual-stack subnets' /64 out of the VPC's /56.
  if (/^cidrsubnet\(.*ipv6/.test(expr)) return `2600:1f14:abc:de${h.slice(0, 2)}::/64`;
  const m = /^(?:data\.)?(aws_[a-z0-9_]+)\.[^.[\s]+\.([a-z_]+)/.exec(expr);
  if (!m) return `x${h.slice(0, 12)}`;
  const [, type, attr] = m;
  const service = type.split("_")[1];
  if (attr.endsWith("arn") || (attr === "id" && ID_IS_ARN.has(type))) return `arn:aws:${service}:us-west-2:${ACCOUNT}:${type.slice(4)}/${h.slice(0, 16)}`;
  if (attr === "id" && ID_PREFIX[type]) return `${ID_PREFIX[type]}${h.slice(0, 17)}`;
  if (attr === "dns_name") return `${h.slice(0, 12)}.elb.amazonaws.com`;
  if (attr === "account_id") return ACCOUNT;
  return `x${h.slice(0, 12)}`;
}

/** The value with every `${…}` replaced by a literal stand-in; jsonencode documents are serialized. */
export function literal(value: unknown, salt = ""): unknown {
  if (typeof value === "string") {
    if (/^\$\{jsonencode\(/.test(value)) return JSON.stringify(literal(decodeJsonencode(value), salt));
    if (/^\$\{\[ for /.test(value)) return [standIn(value, salt)];
    return value.replace(/\$\{([^}]*(?:\{[^}]*\}[^}]*)*)\}/g, (_, expr: string) => standIn(expr, salt));
  }
  if (Array.isArray(value)) return value.map((v) => literal(v, salt));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v, salt)]));
  return value;
}

/** A configuration body without meta-arguments. */
function attributesOf(body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !META.has(k)));
}

/** The state form of a body: blocks as lists, every attribute of a nested block present (null when unset). */
function toState(body: Record<string, unknown>, block: SchemaBlock, top: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = top ? { ...body } : {};
  if (!top) for (const name of Object.keys(block.attributes ?? {})) out[name] = body[name] ?? null;
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const v = body[name];
    if (name === "timeouts") {
      delete out[name];
      continue;
    }
    const items = v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
    const converted = items.map((item) => toState(item as Record<string, unknown>, nested.block, false));
    out[name] = nested.nesting_mode === "single" ? (converted[0] ?? null) : converted;
  }
  return out;
}

/** Provider configuration: placeholder credentials, no checks, every endpoint on a closed port. */
function providerBlock(): Record<string, unknown> {
  return {
    region: "us-west-2",
    access_key: "AKIAPROBEPROBEPROBE0",
    secret_key: "probe",
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: "true",
    skip_region_validation: true,
    max_retries: 1,
    endpoints: [Object.fromEntries(SERVICES.map((s) => [s, "http://127.0.0.1:9"]))],
  };
}

/** The aws provider's resource schemas (for versions, block nesting), from the initialized directory. */
async function schemas(tf: TerraformCli, dir: string): Promise<Record<string, ResourceSchema>> {
  const res = await runTerraform(tf, dir, ["providers", "schema", "-json"]);
  if (res.code !== 0) throw new Error(`terraform providers schema failed:\n${res.stderr}`);
  const all = JSON.parse(res.stdout) as { provider_schemas: Record<string, { resource_schemas: Record<string, ResourceSchema> }> };
  const aws = Object.entries(all.provider_schemas).find(([k]) => k.endsWith("/hashicorp/aws"));
  if (!aws) throw new Error("no hashicorp/aws provider schema");
  return aws[1].resource_schemas;
}

/**
 * Asks the provider about every probe in one plan. A probe whose resource the provider refuses to plan
 * (validation, a CustomizeDiff that needs AWS) gets its error, and the plan runs again without it.
 */
export async function askProvider(
  tf: TerraformCli,
  requiredProviders: unknown,
  probes: readonly Probe[],
): Promise<{ verdicts: Verdict[]; provider: string }> {
  const dir = mkdtempSync(join(tmpdir(), "globalapp-replacements-"));
  writeFileSync(join(dir, "providers.tf.json"), JSON.stringify({ terraform: { required_providers: requiredProviders }, provider: { aws: providerBlock() } }));
  await initWorkdir(tf, dir);
  const schema = await schemas(tf, dir);
  const verdicts: Array<Verdict | undefined> = probes.map((p) => (schema[p.type] ? undefined : { error: `the provider has no resource type ${p.type}` }));

  for (let round = 0; round < 10; round++) {
    const open = probes.map((p, i) => [p, i] as const).filter(([, i]) => verdicts[i] === undefined);
    if (open.length === 0) break;
    const resource: Record<string, Record<string, unknown>> = {};
    const resources: unknown[] = [];
    for (const [p, i] of open) {
      const name = `p${i}`;
      const config = literal(attributesOf(p.after)) as Record<string, unknown>;
      config[p.attr] = literal(p.after[p.attr], "after");
      const prior = literal(attributesOf(p.before)) as Record<string, unknown>;
      if (p.before[p.attr] !== undefined) prior[p.attr] = literal(p.before[p.attr], "before");
      (resource[p.type] ??= {})[name] = config;
      resources.push({
        mode: "managed",
        type: p.type,
        name,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [{ schema_version: schema[p.type].version, attributes: { ...toState(prior, schema[p.type].block, true), id: `probe-${i}` } }],
      });
    }
    writeFileSync(join(dir, "probes.tf.json"), JSON.stringify({ resource }));
    writeFileSync(join(dir, "terraform.tfstate"), JSON.stringify({ version: 4, terraform_version: tf.version, serial: round + 1, lineage: "globalapp-replacement-probes", outputs: {}, resources }));
    const plan = await runTerraform(tf, dir, ["plan", "-refresh=false", "-input=false", "-lock=false", "-json", "-out=probes.plan"]);
    const errors = plan.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { type: string; diagnostic?: { severity: string; summary: string; detail?: string; address?: string; range?: { start: { line: number } } } })
      .filter((m) => m.type === "diagnostic" && m.diagnostic?.severity === "error")
      .map((m) => m.diagnostic!);
    if (errors.length > 0) {
      const failed = new Set<number>();
      for (const e of errors) {
        const m = /\.p(\d+)$/.exec(e.address ?? "");
        if (m) {
          failed.add(Number(m[1]));
          verdicts[Number(m[1])] = { error: `${e.summary}: ${e.detail ?? ""}`.slice(0, 300) };
        }
      }
      if (failed.size === 0) throw new Error(`terraform plan failed, on no probe in particular:\n${errors.map((e) => `${e.summary}: ${e.detail}`).join("\n")}`);
      continue;
    }
    const show = await runTerraform(tf, dir, ["show", "-json", "probes.plan"]);
    const changes = (JSON.parse(show.stdout) as { resource_changes?: Array<{ name: string; change: { actions: string[]; replace_paths?: unknown[][] } }> }).resource_changes ?? [];
    for (const [p, i] of open) {
      const c = changes.find((r) => r.name === `p${i}`);
      const replaced = !!c && c.change.actions.includes("delete") && c.change.actions.includes("create");
      verdicts[i] = { replaces: replaced && (c.change.replace_paths ?? []).some((path) => path[0] === p.attr) };
    }
  }
  // The package that answered, as the lock file names it (version and h1 hash).
  const lock = readFileSync(join(dir, ".terraform.lock.hcl"), "utf8");
  const provider = `${/provider "([^"]+)"/.exec(lock)?.[1]} ${/version\s*=\s*"([^"]+)"/.exec(lock)?.[1]} ${/"(h1:[^"]+)"/.exec(lock)?.[1]}`;
  return { verdicts: verdicts.map((v) => v ?? { error: "not planned after 10 rounds" }), provider };
}

const DOMAIN = { name: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" };
const CERTS = {
  "us-west-2": "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666",
  "eu-central-1": "arn:aws:acm:eu-central-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556667",
};

/** Configs that between them synthesize every resource type, and change what a config can change. */
export const PROBE_CONFIGS: readonly object[] = [
  {},
  { appName: "shop", tableName: "Orders", environment: "prod", alarms: { email: "oncall@example.com" }, accelerator: { flowLogs: true } },
  {
    alb: { internal: true, accessLogs: true, accessLogRetentionDays: 30 },
    network: { vpcCidr: "10.7.0.0/16", availabilityZones: { "us-west-2": ["usw2-az3", "usw2-az4"] } },
    accelerator: { ipAddressType: "DUAL_STACK", clientAffinity: "SOURCE_IP", name: "my-ga", trafficDials: { "us-west-2": 50 }, endpointWeights: { "eu-central-1": 200 } },
    function: { memoryMb: 512, timeoutSeconds: 4, reservedConcurrency: 10, multiValueHeaders: true, healthCheckMode: "deep", logRetentionDays: 30 },
    healthCheck: { path: "/healthz", intervalSeconds: 30, timeoutSeconds: 10, healthyThreshold: 3, unhealthyThreshold: 3, matcher: "200-299" },
  },
  { regions: ["us-west-2", "eu-central-1", "ap-northeast-1"], homeRegion: "eu-central-1" },
  { routing: "both", domain: DOMAIN, https: { issueCertificates: true }, route53: { healthChecks: "route53" } },
  { routing: "both", domain: { name: "shop.example.org", hostedZoneId: "Z9999999999ABCDEFGHIJ" }, https: { issueCertificates: true }, route53: { healthChecks: "route53", requestIntervalSeconds: 10 } },
  { environment: "prod", alarms: { email: "x@example.org" }, https: { certificateArns: CERTS }, alb: { accessLogs: true }, table: { customerManagedKey: true } },
];

type Body = Readonly<Record<string, unknown>>;

/**
 * For attributes no config changes, another valid value (a later version of the stack may set it): a
 * value the provider's validation accepts, with whatever must change beside it to stay valid.
 */
const ALTERNATIVES: Readonly<Record<string, (b: Body) => Body>> = {
  "aws_cloudwatch_log_group.retention_in_days": (b) => ({ ...b, retention_in_days: b.retention_in_days === 30 ? 60 : 30 }),
  "aws_cloudwatch_metric_alarm.comparison_operator": (b) => ({ ...b, comparison_operator: b.comparison_operator === "LessThanThreshold" ? "GreaterThanThreshold" : "LessThanThreshold" }),
  "aws_cloudwatch_metric_alarm.period": (b) => ({ ...b, period: Number(b.period) + 60 }),
  "aws_dynamodb_table.billing_mode": (b) => ({ ...b, billing_mode: "PROVISIONED", read_capacity: 5, write_capacity: 5 }),
  "aws_dynamodb_table.hash_key": (b) => ({ ...b, hash_key: "pk", attribute: [{ name: "pk", type: "S" }] }),
  "aws_dynamodb_table.stream_view_type": (b) => ({ ...b, stream_view_type: "NEW_IMAGE" }),
  "aws_globalaccelerator_endpoint_group.traffic_dial_percentage": (b) => ({ ...b, traffic_dial_percentage: 50 }),
  "aws_globalaccelerator_listener.client_affinity": (b) => ({ ...b, client_affinity: b.client_affinity === "NONE" ? "SOURCE_IP" : "NONE" }),
  "aws_globalaccelerator_listener.protocol": (b) => ({ ...b, protocol: "UDP" }),
  "aws_lambda_function.runtime": (b) => ({ ...b, runtime: "nodejs20.x" }),
  "aws_lambda_invocation.lifecycle_scope": (b) => ({ ...b, lifecycle_scope: "CREATE_ONLY" }),
  "aws_lb.load_balancer_type": (b) => ({ ...b, load_balancer_type: "network", drop_invalid_header_fields: undefined }),
  "aws_lb_target_group.target_type": (b) => ({ ...b, target_type: "alb", port: 80, protocol: "TCP", vpc_id: "vpc-0123456789abcdef0", lambda_multi_value_headers_enabled: undefined }),
  "aws_kms_key.deletion_window_in_days": (b) => ({ ...b, deletion_window_in_days: 7 }),
  "aws_sns_topic_subscription.protocol": (b) => ({ ...b, protocol: "email-json" }),
  "aws_acm_certificate.validation_method": (b) => ({ ...b, validation_method: "EMAIL" }),
  "aws_route53_health_check.type": (b) => ({ ...b, type: b.type === "HTTPS" ? "HTTP" : "HTTPS" }),
  "aws_route53_record.type": (b) => ({ ...b, type: "AAAA" }),
};

/** Attributes that are no attribute of the resource, or not probed: meta-arguments, tags (set by default_tags). */
const NOT_PROBED = new Set([...META, "tags"]);

/**
 * One probe per (type, attribute) the stack sets in any of {@link PROBE_CONFIGS}: another value a config
 * gives it, else an {@link ALTERNATIVES} entry, else (for a reference) another stand-in, a flipped
 * boolean, a number one higher or a string one character longer. A nested block no config changes is
 * not probed.
 */
export function probes(): Probe[] {
  const seen = new Map<string, Array<{ body: Body; value: unknown }>>();
  for (const c of PROBE_CONFIGS) {
    for (const [type, resources] of Object.entries(synthGlobalApp(c).tf.resource)) {
      for (const body of Object.values(resources)) {
        if (body.for_each !== undefined || body.count !== undefined) continue; // one instance per probe
        for (const [attr, value] of Object.entries(body)) {
          if (NOT_PROBED.has(attr)) continue;
          const key = `${type}.${attr}`;
          seen.set(key, [...(seen.get(key) ?? []), { body, value }]);
        }
      }
    }
  }
  const out: Probe[] = [];
  for (const [key, list] of seen) {
    const [type, attr] = key.split(".");
    const { body, value } = list[0];
    const other = list.find((x) => JSON.stringify(x.value) !== JSON.stringify(value));
    const change = (v: unknown): Body => ({ ...body, [attr]: v });
    let after: Body | undefined;
    if (other) after = change(other.value);
    else if (ALTERNATIVES[key]) after = ALTERNATIVES[key](body);
    else if (JSON.stringify(value).includes("${")) after = body; // askProvider gives the references other stand-ins
    else if (typeof value === "boolean") after = change(!value);
    else if (typeof value === "number") after = change(value + 1);
    else if (typeof value === "string") after = change(`${value}x`);
    if (after) out.push({ type, attr, before: body, after });
  }
  return out;
}

/** The provider's answers per resource type, as the fixture stores them. */
export type Answers = Record<string, { replaces: string[]; inPlace: string[]; unanswered: Record<string, string> }>;

/** Groups the verdicts by type, attributes sorted. */
export function answersOf(all: readonly Probe[], verdicts: readonly Verdict[]): Answers {
  const out: Answers = {};
  all.forEach((p, i) => {
    const v = verdicts[i];
    const t = (out[p.type] ??= { replaces: [], inPlace: [], unanswered: {} });
    if ("error" in v) t.unanswered[p.attr] = v.error;
    else (v.replaces ? t.replaces : t.inPlace).push(p.attr);
  });
  for (const t of Object.values(out)) {
    t.replaces.sort();
    t.inPlace.sort();
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
