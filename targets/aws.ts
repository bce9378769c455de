/**
 * `--target aws`: a deployed stack. Targets come from the stack outputs (`terraform output -json` in
 * cdktf.out/stacks/globalapp, or a file from `cdktf deploy --outputs-file`); STATUS is changed through
 * the Lambda API, keeping every other environment variable, and a change counts as applied when
 * `LastUpdateStatus` is `Successful`. Requests go to the accelerator's DNS name (or `--url`); with
 * routing route53 or both, the latency drill polls the deployed latency name (`latency_record_name`),
 * resolved by the drill's own DNS client (lib/dns-probe.ts: the zone's authoritative name servers,
 * or `--dns-server`; never the OS's cache).
 */
import {
  type FunctionConfiguration,
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { concurrencyLimitOf } from "../model/capacity";
import { type AppConfig, endpointWeight, httpsEnabled, trafficDial, usesAccelerator } from "../model/config";
import { PROJECT_ROOT } from "../lib/project";
import { ALB_ALIAS_TTL_SECONDS, GA_PROPAGATION_SECONDS, predictFailover, predictRecovery, ROUTE53_PROPAGATION_SECONDS } from "../model/failover";
import { type Clock, systemClock, timeScale } from "../lib/time-scale";
import { authoritativeServer, type DnsServerAddress } from "../lib/dns-probe";
import type { DnsTargetInfo, DrillTarget, ReplicationLatencyMetric } from "./target";

/**
 * The stack's name (constructs/global-app-stack.ts STACK_NAME; a test keeps them equal). Not imported:
 * that module loads the whole provider binding, seconds of start-up the drill does not need.
 */
export const STACK_NAME = "globalapp";

/** The stack outputs the drill and the shift use (constructs/global-app-stack.ts). */
export interface StackOutputs {
  readonly acceleratorIps: readonly string[];
  readonly acceleratorDnsName?: string;
  /** region → ALB DNS name */
  readonly albDnsNames: Readonly<Record<string, string>>;
  /** region → Lambda function name */
  readonly functionNames: Readonly<Record<string, string>>;
  /** region → Global Accelerator endpoint group ARN (`npm run shift`); absent in stacks deployed before this output. */
  readonly endpointGroupArns?: Readonly<Record<string, string>>;
  /** The latency-routed name (routing route53 or both). */
  readonly latencyRecordName?: string;
  /** The domain name that points at the accelerator (a domain with routing accelerator or both). */
  readonly acceleratorRecordName?: string;
}

/**
 * Reads the outputs from either `terraform output -json` (`{name: {value}}`) or a cdktf outputs file
 * (`{stack: {name: value}}`). @throws naming what is missing.
 */
export function parseStackOutputs(json: unknown, stack = STACK_NAME): StackOutputs {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObj(json)) throw new Error("stack outputs must be a JSON object");
  const root = isObj(json[stack]) ? json[stack] : json;
  const value = (name: string): unknown => {
    const v = root[name];
    return isObj(v) && "value" in v ? v.value : v;
  };
  const record = (name: string): Record<string, string> => {
    const v = value(name);
    if (!isObj(v) || Object.keys(v).length === 0) throw new Error(`stack output "${name}" is missing: deploy the stack first (npx cdktf deploy ${stack})`);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
  };
  const ips = value("accelerator_ips");
  const groups = value("endpoint_group_arns");
  const text = (name: string) => {
    const v = value(name);
    return typeof v === "string" && v ? v : undefined;
  };
  const latency = text("latency_record_name");
  const acceleratorRecord = text("accelerator_record_name");
  return {
    acceleratorIps: Array.isArray(ips) ? ips.map(String) : [],
    acceleratorDnsName: text("accelerator_dns_name"),
    albDnsNames: record("alb_dns_names"),
    functionNames: record("function_names"),
    ...(isObj(groups) ? { endpointGroupArns: record("endpoint_group_arns") } : {}),
    ...(latency ? { latencyRecordName: latency } : {}),
    ...(acceleratorRecord ? { acceleratorRecordName: acceleratorRecord } : {}),
  };
}

const run = promisify(execFile);

/** Reads the deployed stack's outputs from `file`, else from `terraform output -json` in the synth dir. */
export async function readStackOutputs(file?: string): Promise<StackOutputs> {
  if (file) return parseStackOutputs(JSON.parse(await readFile(file, "utf8")));
  const dir = join(PROJECT_ROOT, "cdktf.out", "stacks", STACK_NAME);
  try {
    // CHECKPOINT_DISABLE: no update check against HashiCorp's servers (offline it only adds noise).
    const { stdout } = await run("terraform", ["output", "-json"], { cwd: dir, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
    return parseStackOutputs(JSON.parse(stdout));
  } catch (err) {
    throw new Error(
      `cannot read the stack outputs with \`terraform output -json\` in ${dir} (${(err as Error).message.split("\n")[0]}); ` +
        `deploy first (npx cdktf deploy ${STACK_NAME}), or pass --outputs FILE written by \`npx cdktf deploy ${STACK_NAME} --outputs-file FILE\``,
    );
  }
}

/** Settings of {@link awsTarget}. */
export interface AwsTargetOptions {
  readonly config: AppConfig;
  readonly outputs: StackOutputs;
  /** A Lambda client for a region. @default new LambdaClient({ region }) */
  readonly lambda?: (region: string) => LambdaClient;
  /** A CloudWatch client for a region (the table's ReplicationLatency). @default new CloudWatchClient({ region }) */
  readonly cloudwatch?: (region: string) => CloudWatchClient;
  /** Base URL to poll instead of the accelerator's DNS name (e.g. http://<static IP>). */
  readonly acceleratorUrl?: string;
  /** Routing route53/both: base URL of the latency drill. @default http(s)://<latency_record_name> */
  readonly latencyUrl?: string;
  /** Routing route53/both: the DNS server the latency drill asks (a public resolver). @default the zone's authoritative name servers */
  readonly dnsServer?: DnsServerAddress;
  /** ms between `GetFunctionConfiguration` polls while an update is in progress. @default 1000 */
  readonly updatePollMs?: number;
  /** ms an update may take to apply. @default 120000 */
  readonly updateTimeoutMs?: number;
  /** The clock the drill reads and waits on (real time on AWS). @default systemClock */
  readonly clock?: Clock;
}

/** One SDK client per region, made on first use; `made` lists them, to destroy them at the end. */
function perRegion<T>(make: (region: string) => T): { readonly get: (region: string) => T; readonly made: () => T[] } {
  const clients = new Map<string, T>();
  return {
    get: (region) => {
      let c = clients.get(region);
      if (!c) {
        c = make(region);
        clients.set(region, c);
      }
      return c;
    },
    made: () => [...clients.values()],
  };
}

/** Errors that mean "someone else changed the function meanwhile": read again and retry. */
const RETRYABLE = new Set(["ResourceConflictException", "PreconditionFailedException"]);

/** The deployed stack as a drill target. */
export function awsTarget(options: AwsTargetOptions): DrillTarget {
  const { config, outputs } = options;
  const lambdas = perRegion((region) => (options.lambda ? options.lambda(region) : new LambdaClient({ region })));
  const lambda = lambdas.get;
  const watches = perRegion((region) => (options.cloudwatch ? options.cloudwatch(region) : new CloudWatchClient({ region })));
  const pollMs = options.updatePollMs ?? 1000;
  const clock = options.clock ?? systemClock;
  const functionName = (region: string) => {
    const name = outputs.functionNames[region];
    if (!name) throw new Error(`no function for ${region} in the stack outputs (function_names)`);
    return name;
  };
  const regions = config.regions.filter((r) => outputs.functionNames[r]);
  const missing = config.regions.filter((r) => !outputs.functionNames[r]);
  if (missing.length > 0) throw new Error(`the stack outputs have no function for ${missing.join(", ")}: is the deployed stack built from this config?`);
  const withAccelerator = usesAccelerator(config);
  const host = outputs.acceleratorDnsName ?? outputs.acceleratorIps[0];
  if (withAccelerator && !options.acceleratorUrl && !host) throw new Error("the stack outputs name no accelerator (accelerator_dns_name, accelerator_ips)");
  // With HTTPS on, plain HTTP is redirected and the certificates name your domain, not AWS's DNS names.
  const https = httpsEnabled(config);
  const domainUrl = outputs.acceleratorRecordName && config.https.issueCertificates ? `https://${outputs.acceleratorRecordName}` : undefined;
  if (withAccelerator && https && !options.acceleratorUrl && !domainUrl) {
    throw new Error("HTTPS is on (https.certificateArns): pass --url https://<your domain> (the name your certificates cover) to poll through the accelerator");
  }
  const acceleratorUrl = withAccelerator ? (options.acceleratorUrl ?? domainUrl ?? `http://${host}`).replace(/\/$/, "") : undefined;

  let dns: DnsTargetInfo | undefined;
  if (config.routing !== "accelerator") {
    const name = outputs.latencyRecordName;
    if (!name) throw new Error(`stack output "latency_record_name" is missing: is the deployed stack built with routing ${config.routing}?`);
    const url = (options.latencyUrl ?? `${https ? "https" : "http"}://${name}`).replace(/\/$/, "");
    const server = options.dnsServer;
    dns = {
      name: new URL(url).hostname,
      url,
      server: server ?? (() => authoritativeServer(new URL(url).hostname)),
      serverDescription: server ? `resolver ${server.host}:${server.port}` : "the zone's authoritative name servers",
      // A public resolver resolves for us; an authoritative server only answers for its zone.
      recursionDesired: server !== undefined,
      settings: {
        healthChecks: config.route53.healthChecks,
        requestIntervalSeconds: config.route53.requestIntervalSeconds,
        failureThreshold: config.route53.failureThreshold,
        propagationSeconds: ROUTE53_PROPAGATION_SECONDS,
        ttlSeconds: ALB_ALIAS_TTL_SECONDS,
      },
    };
  }

  /** The function's configuration once no update is in progress. */
  async function settled(region: string): Promise<FunctionConfiguration> {
    const limit = clock.now() + (options.updateTimeoutMs ?? 120_000);
    for (;;) {
      const cfg = await lambda(region).send(new GetFunctionConfigurationCommand({ FunctionName: functionName(region) }));
      if (cfg.LastUpdateStatus !== "InProgress" && cfg.State !== "Pending") return cfg;
      if (clock.now() > limit) throw new Error(`${functionName(region)}: update still in progress after ${(options.updateTimeoutMs ?? 120_000) / 1000} s`);
      await clock.sleep(pollMs);
    }
  }

  const prediction = predictFailover(config.healthCheck).max + predictRecovery(config.healthCheck).max;
  return {
    kind: "aws",
    regions,
    healthCheck: config.healthCheck,
    propagationSeconds: GA_PROPAGATION_SECONDS,
    timeScale: timeScale(1, clock),
    ...(acceleratorUrl ? { acceleratorUrl } : {}),
    ...(dns ? { dns } : {}),
    // The ALBs' own DNS names are not on the certificates: no replication check through them with HTTPS on.
    albUrls: https ? {} : Object.fromEntries(Object.entries(outputs.albDnsNames).map(([r, dns]) => [r, `http://${dns}`])),
    capacity: {
      groups: regions.map((region) => ({ region, dial: trafficDial(config, region), weight: endpointWeight(config, region) })),
      concurrencyLimit: concurrencyLimitOf(config),
      functionMilliseconds: config.capacity.functionMilliseconds,
      durationEmulated: false,
    },
    describeChange: (region, status) => [
      `set STATUS=${status} on Lambda function ${functionName(region)} in ${region} (its other environment variables are kept),`,
      `fail its health check so traffic moves away, then put STATUS back: about ${Math.round(prediction)} s or more per drill.`,
      "STATUS is restored on exit, Ctrl-C included. The data measurement writes two drill-data-* items through the accelerator",
      "(4 writes/s) and reads them through each ALB; a replication check writes one drill-* item; all are deleted at the end.",
    ],
    async waitReady() {
      for (const r of regions) {
        const status = (await settled(r)).Environment?.Variables?.STATUS ?? "";
        if (!/^2\d\d$/.test(status)) throw new Error(`${functionName(r)} (${r}) has STATUS=${status || "unset"}; every region must be healthy before a drill`);
      }
    },
    async getStatus(region) {
      return (await settled(region)).Environment?.Variables?.STATUS ?? "";
    },
    async setStatus(region, status) {
      for (let attempt = 1; ; attempt++) {
        const cfg = await settled(region);
        try {
          await lambda(region).send(
            new UpdateFunctionConfigurationCommand({
              FunctionName: functionName(region),
              // The API replaces the whole variable map: send every variable, STATUS changed.
              Environment: { Variables: { ...cfg.Environment?.Variables, STATUS: status } },
              // Fails (and is retried) if the function changed since it was read.
              RevisionId: cfg.RevisionId,
            }),
          );
          break;
        } catch (err) {
          if (!RETRYABLE.has((err as Error).name) || attempt >= 5) throw err;
          await clock.sleep(pollMs);
        }
      }
      const after = await settled(region);
      if (after.LastUpdateStatus === "Failed") {
        throw new Error(`${functionName(region)}: update failed: ${after.LastUpdateStatusReason ?? "no reason given"}`);
      }
      if (after.Environment?.Variables?.STATUS !== status) {
        throw new Error(`${functionName(region)}: STATUS is ${after.Environment?.Variables?.STATUS} after the update, expected ${status}`);
      }
    },
    replicationLatency: (window) => replicationLatency(config.tableName, regions, watches.get, window),
    async close() {
      for (const c of [...lambdas.made(), ...watches.made()]) c.destroy();
    },
  };
}

/** CloudWatch's namespace and metric of a global table's replication lag (milliseconds, per source and receiving region). */
const REPLICATION_LATENCY = { Namespace: "AWS/DynamoDB", MetricName: "ReplicationLatency" } as const;

/**
 * The table's ReplicationLatency for every pair of regions over `window`: one GetMetricData per source
 * region (the replica there publishes it, dimensions TableName and ReceivingRegion), average and
 * maximum of the one-minute datapoints. Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html
 * (ReplicationLatency). CloudWatch publishes a minute or more late: a window that just ended may have
 * no datapoint yet (reported as such, never as a zero). Needs `cloudwatch:GetMetricData` (no
 * resource-level permissions: Resource "*").
 */
export async function replicationLatency(
  tableName: string,
  regions: readonly string[],
  cloudwatch: (region: string) => CloudWatchClient,
  window: { readonly start: Date; readonly end: Date },
): Promise<ReplicationLatencyMetric[]> {
  const minute = 60_000;
  const start = new Date(Math.floor(window.start.getTime() / minute) * minute);
  const end = new Date(Math.ceil(window.end.getTime() / minute) * minute + minute);
  const out: ReplicationLatencyMetric[] = [];
  for (const region of regions) {
    const receivers = regions.filter((r) => r !== region);
    const queries: MetricDataQuery[] = receivers.flatMap((receiving, i) =>
      (["Average", "Maximum"] as const).map((stat) => ({
        Id: `${stat.toLowerCase()}${i}`,
        MetricStat: {
          Metric: { ...REPLICATION_LATENCY, Dimensions: [{ Name: "TableName", Value: tableName }, { Name: "ReceivingRegion", Value: receiving }] },
          Period: 60,
          Stat: stat,
          Unit: "Milliseconds",
        },
        ReturnData: true,
      })),
    );
    const values = new Map<string, number[]>();
    let token: string | undefined;
    do {
      const page = await cloudwatch(region).send(new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: start, EndTime: end, NextToken: token }));
      for (const r of page.MetricDataResults ?? []) values.set(r.Id ?? "", [...(values.get(r.Id ?? "") ?? []), ...(r.Values ?? [])]);
      token = page.NextToken;
    } while (token);
    receivers.forEach((receivingRegion, i) => {
      const averages = values.get(`average${i}`) ?? [];
      const maxima = values.get(`maximum${i}`) ?? [];
      const seconds = (ms: number) => Math.round(ms) / 1000;
      out.push({
        region,
        receivingRegion,
        averageSeconds: averages.length ? seconds(averages.reduce((a, b) => a + b, 0) / averages.length) : null,
        maximumSeconds: maxima.length ? seconds(Math.max(...maxima)) : null,
        datapoints: averages.length,
      });
    });
  }
  return out;
}
