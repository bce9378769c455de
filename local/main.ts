/**
 * `npm run local [-- options]`: the whole system on this machine, with its admin API and dashboard
 * (./start.ts; see docs/local.md).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { type CliRun, parseOptions, portOption, regionOption, runCli, usage, UsageError } from "../lib/cli";
import { loadProjectConfig } from "../lib/project";
import { probePath } from "../model/config";
import { parseTimeScale } from "../lib/time-scale";
import { formatEvent, LiveView } from "./admin/live-view";
import { MAX_TRAFFIC_RATE, parseTrafficRate } from "./admin/traffic-generator";
import { DEFAULT_LOCAL_CONCURRENCY } from "./limits";
import { installLastResortHandlers } from "./runtime/last-resort";
import { parseSeed } from "./runtime/random";
import { startLocal } from "./start";

export const USAGE = `Usage: npm run local -- [options]

Runs GlobalApp on 127.0.0.1 with the config the stack is synthesized from
(cdktf.json context.globalapp, GLOBALAPP_CONFIG override): in-memory DynamoDB, one
emulated ALB + Lambda per region, the accelerator in front, an admin API.

Options:
  --time-scale S        run health-check timing faster: 0.1 or 10 both mean 10x faster
                        (S <= 1: real seconds per model second; S > 1: speed-up). Reported
                        times are model seconds. Default 1 (real time)
  --port N              accelerator port (default local.port, 8080)
  --admin-port N        admin API port (default local.adminPort, 8081)
  --propagation S       accelerator propagation delay, model seconds (default local.propagationSeconds)
  --client-region R     the simulated client's location, an AWS region code (default local.clientRegion,
                        else regions[0]); per request: header "x-client-region: R"; per DNS query: EDNS
                        option 65001
  --dns-port N          routing route53/both: the DNS server's UDP and TCP port (default local.dnsPort, 8053)
  --dns-propagation S   routing route53/both: Route 53's propagation delay, model seconds
                        (default: the accelerator's, --propagation / local.propagationSeconds)
  --concurrency N       execution environments per region at most; past it requests are throttled
                        (502, as the ALB answers a throttled Lambda). Default function.reservedConcurrency,
                        else ${DEFAULT_LOCAL_CONCURRENCY}
  --seed S              seed of the random health-check phases (0-4294967295; default random)
  --traffic R           demo traffic for the dashboard: R requests per model second (0-${MAX_TRAFFIC_RATE}) through
                        the accelerator, each on a new connection. Default 0 (off; the dashboard can start it)
  --log-level L         the functions' POWERTOOLS_LOG_LEVEL: TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL
                        or SILENT (default WARN)
  -h, --help            this text

Limits (as AWS documents them; docs/local.md "Limits"): request body 1 MB (413), request line 16 K (414),
a header 16 K and all headers 64 K (400), ALB idle timeout 60 s (408 / 504), accelerator TCP idle
timeout 340 s, Lambda init 10 s.

Dashboard: open http://127.0.0.1:8081/ in a browser (live, no network needed): each region's
target health, what the accelerator sees, STATUS, dial and weight, the share of traffic each region
served over the last minute, and buttons for the admin actions below.

Admin API (curl examples):
  curl -s 127.0.0.1:8081/                                         state (JSON)
  curl -s 127.0.0.1:8081/traffic                                  traffic share, last minute (JSON)
  curl -s -X PUT  127.0.0.1:8081/traffic -d 5                      demo traffic, 5 requests per model second
  curl -s -X PUT  127.0.0.1:8081/regions/us-west-2/status -d 400    fail its health check
  curl -s -X PUT  127.0.0.1:8081/regions/us-west-2/status -d 200    heal it
  curl -s -X POST 127.0.0.1:8081/regions/us-west-2/kill             region outage
  curl -s -X POST 127.0.0.1:8081/regions/us-west-2/restore
  curl -s -X PUT  127.0.0.1:8081/regions/us-west-2/dial -d 0        traffic dial (0-100)
  curl -s -X PUT  127.0.0.1:8081/regions/us-west-2/weight -d 0      endpoint weight (0-255)

DNS (routing route53 or both; docs/local.md "Local DNS"):
  dig @127.0.0.1 -p 8053 api.example.com                            the latency answer (route53)
  dig @127.0.0.1 -p 8053 latency.api.example.com +ednsopt=65001:$(printf eu-west-1 | xxd -p)
                                                                    as a client in eu-west-1 (both)
`;

/** The options `npm run local` accepts (node:util parseArgs). */
export const OPTIONS = {
  "time-scale": { type: "string" },
  port: { type: "string" },
  "admin-port": { type: "string" },
  propagation: { type: "string" },
  "client-region": { type: "string" },
  "dns-port": { type: "string" },
  "dns-propagation": { type: "string" },
  "log-level": { type: "string" },
  concurrency: { type: "string" },
  seed: { type: "string" },
  traffic: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** The log levels the functions' logger (Powertools for AWS Lambda) takes. */
const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"] as const;

/** A seconds option >= 0. @throws UsageError naming it */
function secondsOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !(n >= 0)) throw new UsageError(`--${name} must be seconds >= 0, got "${value}"`);
  return n;
}

async function main(run: CliRun): Promise<number> {
  const values = parseOptions(OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  // Every option is checked before anything starts.
  const config = loadProjectConfig();
  const propagation = secondsOption("propagation", values.propagation);
  const dnsPropagation = secondsOption("dns-propagation", values["dns-propagation"]);
  const scale = usage(() => parseTimeScale(values["time-scale"] ?? "1"));
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new UsageError(`--concurrency must be a whole number >= 1, got "${values.concurrency}"`);
  }
  const seed = values.seed === undefined ? undefined : usage(() => parseSeed(values.seed!));
  const traffic = values.traffic === undefined ? undefined : usage(() => parseTrafficRate(values.traffic!, "--traffic"));
  const clientRegion = values["client-region"] === undefined ? undefined : regionOption("client-region", values["client-region"]);
  const logLevel = values["log-level"]?.toUpperCase();
  if (logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}, got "${values["log-level"]}"`);
  }
  const ports = { port: portOption("port", values.port), adminPort: portOption("admin-port", values["admin-port"]), dnsPort: portOption("dns-port", values["dns-port"]) };
  const view = new LiveView(process.stdout);
  // From here on no single failure ends the process: it is logged and every region keeps serving.
  installLastResortHandlers((line) => view.line(line));
  const local = await startLocal({
    config,
    timeScale: scale,
    port: ports.port,
    dnsPort: ports.dnsPort,
    dnsPropagationSeconds: dnsPropagation,
    propagationSeconds: propagation,
    clientRegion,
    logLevel,
    concurrency,
    seed,
    onEvent: (e) => view.line(formatEvent(e)),
    admin: { port: ports.adminPort, dashboard: { traffic } },
  }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
    throw new Error(`${(err as Error).message} — is another \`npm run local\` running? Use --port/--admin-port (and --dns-port with routing route53/both).`);
  });
  const { system, admin } = local;
  const s = system.snapshot();
  view.line(`GlobalApp local — ${config.regions.length} region(s), time scale ${scale.factor} (${(1 / scale.factor).toFixed(scale.factor < 1 ? 1 : 0)}x), propagation ${s.propagationSeconds} s, affinity ${s.clientAffinity}, client in ${s.clientRegion}`);
  view.line(`  up to ${s.concurrency} execution environments per region; health-check phases ${s.regions.map((r) => `${r.region} ${r.healthCheckPhaseSeconds.toFixed(1)} s`).join(", ")} (--seed ${s.seed})`);
  view.line(`  accelerator  ${system.acceleratorUrl}      try: curl -i ${system.acceleratorUrl}${probePath(config)}`);
  view.line(`  admin        ${admin.url}      try: curl -s ${admin.url}/`);
  view.line(`  dashboard    ${admin.url}/     open it in a browser${traffic ? ` (demo traffic ${traffic} req/s)` : ""}`);
  for (const r of s.regions) view.line(`  ALB ${r.region.padEnd(15)} ${r.albUrl}`);
  if (s.dns) {
    const d = s.dns;
    const names = d.acceleratorName ? `${d.latencyName} (latency records), ${d.acceleratorName} (the accelerator)` : `${d.latencyName} (latency records)`;
    view.line(`  DNS          ${d.server} UDP+TCP, zone ${d.zone}: ${names}; TTL ${d.ttlSeconds} s (${d.wireTtlSeconds} s on the wire), Route 53 health ${d.healthChecks}, propagation ${d.propagationSeconds} s`);
    view.line(`               try: dig @127.0.0.1 -p ${d.port} ${d.latencyName}`);
    if (d.addresses === "shared") {
      view.line(`  note: ${system.addressNote ?? "regions share 127.0.0.1"}; every region answers 127.0.0.1 and its port is in the answer's TXT record (port=…).`);
      view.line(`        For an address per region: sudo ifconfig lo0 alias 127.0.0.2 up (… one per region), then restart.`);
    }
  }
  for (const [region, store] of system.stores) view.line(`  DynamoDB ${region.padEnd(15)} ${store.endpoint} (dynalite, in memory)`);
  const lag = s.replication.lagSeconds;
  view.line(`  replication  between the regions' stores, lag median ${lag.median} s, p99 ${lag.p99} s, last writer wins; pause: curl -X POST ${admin.url}/regions/${s.regions[0].region}/replication/pause`);
  view.line("Ctrl-C stops.");
  view.start(() => system.snapshot());

  // Runs until a signal (Ctrl-C, SIGTERM, SIGHUP) or a closed output stops it: then stops every part.
  run.onStop("stopping the local system");
  if (!run.signal.aborted) await new Promise((resolve) => run.signal.addEventListener("abort", resolve, { once: true }));
  view.stop();
  await local.close();
  view.line("stopped.");
  return 0;
}

if (require.main === module) runCli("local", main);
