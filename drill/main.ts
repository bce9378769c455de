/**
 * `npm run drill -- --target local|aws [options]`: the article's failover experiment (see docs/failover.md, "The drill").
 * Exit status: 0 drill OK, 1 drill not OK or failed, 2 bad usage or config, 130 interrupted.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { type CliRun, confirmOnTerminal, parseOptions, positive, requireTerminal, runCli, usage, UsageError } from "../lib/cli";
import { EXIT } from "../lib/stop";
import { type ClientModel, parseClientModel, parseDnsServer } from "../lib/dns-probe";
import { loadProjectConfig } from "../lib/project";
import { installLastResortHandlers } from "../local/runtime/last-resort";
import { parseSeed, randomSeed, seededRandom } from "../local/runtime/random";
import { awsTarget, readStackOutputs } from "../targets/aws";
import { localTarget } from "../targets/local";
import { mustAnswer } from "../targets/answer";
import { httpUrl, probePathOption, TARGET_OPTIONS, targetChoice } from "../targets/options";
import { ownFunctionEntry, probePath } from "../model/config";
import type { DrillRouting, DrillTarget } from "../targets/target";
import { combineCompare, formatCompareSummary } from "./compare";
import { DrillDeclinedError, type DrillResult, runDrill } from "./drill";
import { MAX_LOAD_REAL_REQUESTS_PER_SECOND } from "./load";
import { formatRunsSummary, formatSummary, ProgressPrinter } from "./report";
import { resolveReportPath, writeReport } from "./report-file";
import type { ReportSource } from "./report-page";
import { combineRuns, drillSeed, loadSeed, runSeed } from "./runs";

export const USAGE = `Usage: npm run drill -- --target local|aws [options]

Sets STATUS=400 in the region serving you, measures how long until traffic moves away
(through Global Accelerator, or through Route 53's latency records as a DNS client sees
them), restores STATUS and measures the way back; compares both with what the config
predicts. Meanwhile it keeps writing, and reports what the failover cost the data.
STATUS is restored on exit, Ctrl-C included.

Options:
  --target local|aws   local: a running \`npm run local\` (admin on local.adminPort), else one started
                       for the drill. aws: the deployed stack (terraform output -json)
  --json               print one JSON object (progress goes to stderr)
  --time-scale S       local only: 0.1 or 10 both run 10x faster (S <= 1: real seconds per model
                       second; S > 1: speed-up). Reported times are model seconds. Default 1
  --routing R          accelerator | route53: poll through Global Accelerator or the latency records
                       (default: the config's routing; with both, accelerator)
  --compare            drill both routings, one after the other on one system, side by side; needs
                       routing both (local: a system the drill starts gets routing both, and the
                       placeholder domain api.example.com without a domain)
  --client C           route53: the DNS client model: honour-ttl (default; a resolver that keeps an
                       answer for its TTL) or pin:SECONDS (an application that keeps its answer
                       SECONDS whatever the TTL, like a browser's cache)
  --poll S             model seconds between requests (default 1)
  --settle N           answers from another region in a row that count as failed over (default 5)
  --runs N             run the experiment N times (default 1) and report min / median / max of
                       failover and recovery against the predicted ranges. Local: each run on a
                       fresh system (unless one is running), its health checks at a random phase;
                       with --compare, each run drills both routings on its system
  --seed S             local: seed of the random health-check phases, of the random waits before
                       each STATUS change and of --load's arrivals (0-4294967295; run i uses S + i).
                       The summary and --json name the seed, so a run can be repeated
  --yes                aws: do not ask before changing anything
  --outputs FILE       aws: outputs file from \`npx cdktf deploy globalapp --outputs-file FILE\`
                       instead of terraform output
  --url URL            aws: poll this base URL (e.g. http://<accelerator static IP>) instead of its DNS name;
                       it must answer, else exit 2
  --latency-url URL    aws, route53: poll this URL instead of http(s)://<latency_record_name>; its host
                       is resolved through the drill's DNS client
  --dns-server H[:P]   aws, route53: ask this resolver (e.g. 1.1.1.1) instead of the zone's
                       authoritative name servers
  --admin URL          local: admin API of a running system (default http://127.0.0.1:<local.adminPort>,
                       else a system started for the drill); a URL given must answer, else exit 2
  --fresh              local: always start a new system for the drill
  --port N             local: accelerator port of a system the drill starts (default: a free port; the
                       ports are printed on stderr); implies --fresh
  --admin-port N       local: admin API port of a system the drill starts (default: a free port); implies --fresh
  --dns-port N         local: DNS port of a system the drill starts (default: a free port); implies --fresh
  --path P             what to request, 2xx counting as served (default: /get/foobar, the article's
                       seeded item; / when function.entry is your own function)
  --no-replication     skip the data side: the replication check (write via one region's ALB, read
                       via another's) and the writer that measures replication lag, writes not yet
                       replicated at the failover, stale reads and conflicts (JSON "data"); skipped
                       anyway with your own function.entry, which has no /items/{id}
  --load RPS           hold RPS requests per second (real seconds, whatever the time scale) through
                       the accelerator for the whole drill (open-loop Poisson arrivals, each on a new
                       connection; locally clients spread over the regions, and a system the drill
                       starts holds each invocation capacity.functionMilliseconds) and report 5xx
                       and throttles per phase against the capacity model
  --concurrency N      local: execution environments per region of a system the drill starts
                       (default function.reservedConcurrency, else 32); past it requests get 502
  --report FILE        also write the drill as one self-contained HTML page (no network needed):
                       a timeline of every probe by the region that served it, the STATUS changes,
                       detection and propagation (local), the predicted windows and what was measured;
                       with --runs, every run one above the other. Relative to where you ran npm
  -h, --help           this text
`;

/** The options `npm run drill` accepts (node:util parseArgs). */
export const OPTIONS = {
  ...TARGET_OPTIONS,
  poll: { type: "string" },
  settle: { type: "string" },
  runs: { type: "string" },
  seed: { type: "string" },
  "no-replication": { type: "boolean" },
  routing: { type: "string" },
  compare: { type: "boolean" },
  client: { type: "string" },
  "latency-url": { type: "string" },
  "dns-server": { type: "string" },
  report: { type: "string" },
  load: { type: "string" },
  concurrency: { type: "string" },
} as const;

/** Asks before the drill changes a deployment; without a terminal, --yes is required. */
function ask(lines: readonly string[], signal: AbortSignal): Promise<boolean> {
  return confirmOnTerminal("The drill will:", lines, signal);
}

async function main(run: CliRun): Promise<number> {
  const values = parseOptions(OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  // Every option is checked before anything starts or changes.
  const choice = targetChoice(values);
  const json = values.json ?? false;
  const out = json ? process.stderr : process.stdout;
  const log = (m: string) => out.write(`${m}\n`);
  // What the target does (a system found or started, its ports) is progress: always on stderr.
  const targetLog = (m: string) => process.stderr.write(`${m}\n`);
  const config = loadProjectConfig();
  const scale = choice.scale;

  const reportFile = values.report === undefined ? undefined : usage(() => resolveReportPath(values.report!));
  /** Writes the HTML report of `source` and says where. */
  // Written after the result is printed: a report that cannot be written never costs the result.
  // Returns false (and says why) when it could not be written.
  const report = (file: string, source: ReportSource): boolean => {
    try {
      const bytes = writeReport(file, source);
      process.stderr.write(`report: ${file} (${Math.ceil(bytes / 1024)} KB; opens offline)\n`);
      return true;
    } catch (err) {
      process.stderr.write(`drill: --report ${file}: cannot write it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})\n`);
      return false;
    }
  };
  const runs = positive("runs", values.runs, 1, true);
  const pollSeconds = positive("poll", values.poll, 1);
  const settle = positive("settle", values.settle, 5, true);
  const seed = values.seed === undefined ? undefined : usage(() => parseSeed(values.seed!));
  if (choice.kind === "aws" && seed !== undefined) throw new UsageError("--seed applies to --target local only: AWS's health-check phase is not ours to set");
  const path = probePathOption(values.path, probePath(config));
  // The replication check and the data measurement write and read through the item API (/items/{id}); your own function has its own routes.
  const replication = !values["no-replication"] && ownFunctionEntry(config) === undefined;
  if (!values["no-replication"] && !replication) log("note: no replication check and no data measurement: they write through the article's /items/{id}, and function.entry is your own function");
  const { drills, client } = routingOptions(values, config.routing);
  const load = loadOptions(values, drills);
  const compare = drills.length > 1;
  if (choice.kind === "local" && (values["latency-url"] !== undefined || values["dns-server"] !== undefined)) {
    throw new UsageError("--latency-url and --dns-server apply to --target aws only: locally the drill asks the system's own DNS server");
  }
  const dnsServer = values["dns-server"] === undefined ? undefined : usage(() => parseDnsServer(values["dns-server"]!));
  const latencyUrl = values["latency-url"] === undefined ? undefined : httpUrl("latency-url", values["latency-url"]);
  if (choice.kind === "aws" && !values.yes) requireTerminal("the drill changes your AWS deployment");

  // One target per run: on AWS the same deployment every time, locally a fresh system per run
  // (unless one is running already: then every run uses it, and its own phase).
  let aws: DrillTarget | undefined;
  if (choice.kind === "aws") {
    // A URL named explicitly must answer before anything changes.
    if (choice.url) await mustAnswer("url", choice.url, run.signal);
    const outputs = await readStackOutputs(values.outputs);
    aws = awsTarget({ config, outputs, acceleratorUrl: choice.url, latencyUrl, dnsServer });
    // Restoring STATUS on AWS takes as long as Lambda takes to apply it (a second signal quits at once).
    run.onStop("restoring STATUS", AWS_UNDO_GRACE_SECONDS);
  } else {
    // The local system may run in this process: a failure nothing caught there is logged, not fatal.
    installLastResortHandlers((line) => process.stderr.write(`${line}\n`));
    run.onStop("restoring STATUS, stopping the local system");
  }
  const firstSeed = choice.kind === "local" ? (seed ?? randomSeed()) : undefined;
  const targetFor = async (index: number): Promise<DrillTarget> =>
    aws ??
    localTarget({
      config,
      timeScale: scale,
      adminUrl: choice.adminUrl,
      fresh: choice.fresh,
      port: choice.ports.port,
      adminPort: choice.ports.adminPort,
      dnsPort: choice.ports.dnsPort,
      seed: runSeed(firstSeed as number, index),
      concurrency: load.concurrency,
      // Under load the drill's own system runs the function as long as the capacity model says it takes.
      ...(load.requestsPerSecond !== undefined ? { functionMilliseconds: config.capacity.functionMilliseconds } : {}),
      needsDns: drills.includes("route53"),
      log: targetLog,
    });

  const results: Record<DrillRouting, DrillResult[]> = { accelerator: [], route53: [] };
  let target: DrillTarget | undefined;
  try {
    for (let i = 0; i < runs; i++) {
      target = await targetFor(i);
      if (run.signal.aborted) throw run.signal.reason;
      if (i === 0 && seed !== undefined && target.seed !== seed) log(`note: --seed ${seed} does not apply to the running system (its seed is ${target.seed}); --fresh starts one that uses it`);
      if (i === 0 && target.kind === "local" && load.concurrency !== undefined && target.capacity.concurrencyLimit !== load.concurrency) {
        log(`note: --concurrency ${load.concurrency} does not apply to the running system (it runs ${target.capacity.concurrencyLimit} per region); --fresh starts one that uses it`);
      }
      for (const [k, routing] of drills.entries()) {
        const progress = new ProgressPrinter((t) => out.write(t));
        const through = routing === "route53" ? `Route 53 latency records ${target.dns?.name ?? "(none)"}` : `accelerator ${target.acceleratorUrl ?? "(none)"}`;
        const which = `${runs > 1 ? `Run ${i + 1} of ${runs}: ` : ""}${compare ? `${k + 1} of 2: ` : ""}`;
        log(`${which}${which ? "drill" : "Drill"} against ${target.kind} through ${through}, regions ${target.regions.join(", ")}`);
        try {
          results[routing].push(
            await runDrill({
              target,
              routing,
              client,
              pollSeconds,
              settle,
              // Asked once, before the first change to the deployment.
              confirm: target.kind === "aws" && !values.yes && i === 0 && k === 0 ? (lines) => ask(lines, run.signal) : undefined,
              path,
              replication,
              loadRequestsPerSecond: load.requestsPerSecond,
              ...(target.kind === "local" ? { loadRandom: seededRandom(loadSeed(runSeed(firstSeed as number, i))) } : {}),
              // Locally the drill starts in step with the system's checks: start at a random point of the cycle.
              random: target.kind === "local" ? seededRandom(drillSeed(runSeed(firstSeed as number, i), routing)) : undefined,
              signal: run.signal,
              onSample: (s) => progress.sample(s),
              onEvent: (e) => progress.event(e),
            }),
          );
        } finally {
          progress.end();
        }
        const last = results[routing][results[routing].length - 1];
        if (runs > 1 || compare) log(`  ${runs > 1 ? `run ${i + 1} ` : ""}${routing}: failover ${last.failoverSeconds ?? "—"} s, recovery ${last.recoverySeconds ?? "—"} s${last.ok ? "" : " (NOT OK)"}\n`);
      }
      if (target !== aws) await target.close();
      target = undefined;
    }
    if (compare) {
      const c = combineCompare(results.accelerator, results.route53, firstSeed);
      if (json) process.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
      else process.stdout.write(formatCompareSummary(c));
      const written = reportFile ? report(reportFile, c) : true;
      return c.ok && written ? 0 : 1;
    }
    const result = combineRuns(results[drills[0]], firstSeed);
    if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(runs > 1 ? formatRunsSummary(result) : formatSummary(result));
    const written = reportFile ? report(reportFile, runs > 1 ? result : results[drills[0]][0]) : true;
    return result.ok && written ? 0 : 1;
  } catch (err) {
    if (run.signal.aborted) {
      // Said after a signal; a closed output ends the drill quietly.
      if (run.open("stdout") && run.open("stderr")) process.stderr.write("drill interrupted; STATUS restored.\n");
      return EXIT.interrupted;
    }
    if (err instanceof DrillDeclinedError) {
      process.stderr.write(`drill: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    if (target && target !== aws) await target.close();
    await aws?.close();
  }
}

/** Real seconds a stopped drill against AWS gets to restore STATUS (Lambda applies a change in seconds, at most minutes). */
const AWS_UNDO_GRACE_SECONDS = 150;

/**
 * `--load RPS` and `--concurrency N`. @throws UsageError for a bad value, a rate the machine cannot
 * offer (past MAX_LOAD_REAL_REQUESTS_PER_SECOND), a load through Route 53, or
 * --concurrency against AWS
 */
function loadOptions(values: { load?: string; concurrency?: string; target?: string }, drills: readonly DrillRouting[]): { requestsPerSecond?: number; concurrency?: number } {
  const requestsPerSecond = values.load === undefined ? undefined : positive("load", values.load, 0);
  const concurrency = values.concurrency === undefined ? undefined : positive("concurrency", values.concurrency, 0, true);
  if (concurrency !== undefined && values.target === "aws") throw new UsageError("--concurrency applies to --target local only: on AWS it is function.reservedConcurrency");
  if (requestsPerSecond !== undefined) {
    if (drills.includes("route53")) throw new UsageError("--load runs through the accelerator: not with --routing route53 or --compare");
    if (requestsPerSecond > MAX_LOAD_REAL_REQUESTS_PER_SECOND) {
      throw new UsageError(`--load ${values.load}: at most ${MAX_LOAD_REAL_REQUESTS_PER_SECOND} requests per second (past it this machine is the bottleneck the drill would measure)`);
    }
  }
  return { requestsPerSecond, concurrency };
}

/**
 * Which drills to run, and the DNS client model: `--routing` (default: the config's routing, with
 * both the accelerator) or `--compare` (both). @throws UsageError for combinations that cannot run
 */
function routingOptions(
  values: { routing?: string; compare?: boolean; client?: string; target?: string },
  configRouting: "accelerator" | "route53" | "both",
): { drills: DrillRouting[]; client: ClientModel } {
  if (values.routing !== undefined && values.routing !== "accelerator" && values.routing !== "route53") {
    throw new UsageError(`--routing must be accelerator or route53, got "${values.routing}"`);
  }
  if (values.compare && values.routing !== undefined) throw new UsageError("--compare drills both routings: leave out --routing");
  const drills: DrillRouting[] = values.compare ? ["accelerator", "route53"] : [(values.routing as DrillRouting | undefined) ?? (configRouting === "route53" ? "route53" : "accelerator")];
  let client: ClientModel = { kind: "honour-ttl" };
  if (values.client !== undefined) {
    if (!drills.includes("route53")) throw new UsageError("--client applies to --routing route53 and --compare: the accelerator drill resolves no name");
    try {
      client = parseClientModel(values.client);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  if (drills.includes("accelerator") && configRouting === "route53") {
    throw new UsageError(`the config's routing is route53: there is no accelerator to drill${values.compare ? " (--compare needs routing both)" : "; use --routing route53"}`);
  }
  // Locally a system the drill starts can serve DNS whatever the config (routing both); on AWS the deployment decides.
  if (values.target === "aws" && drills.includes("route53") && configRouting === "accelerator") {
    throw new UsageError(`the config's routing is accelerator: the deployment has no latency records${values.compare ? " (--compare needs routing both)" : ""}; deploy with routing route53 or both`);
  }
  return { drills, client };
}

if (require.main === module) runCli("drill", main);
