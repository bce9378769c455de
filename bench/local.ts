/**
 * bench/local: what each layer of the local system (`npm run local`) costs per request, at 1 and 10
 * connections, measured side by side in one run: every round runs every layer in turn (the order
 * rotating), so a load spike on the machine hits all of them alike. The layers, each on top of the
 * one before:
 *
 *   handler      the shipped bundle's handler called in this thread: the function's own cost
 *   function     FunctionHost.invoke: + the execution environment (a worker thread, one invocation each)
 *   ALB          HTTP to the region's emulated ALB: + HTTP, the ALB's Lambda event and its limits
 *   accelerator  HTTP to the emulated accelerator: + its TCP relay to the ALB
 *
 * for `GET /health` (no DynamoDB) and `GET /get/foobar` (a read from dynalite, in this process as in
 * `npm run local`). HTTP clients keep their connections alive, `connections` of them at once.
 *
 * Run: node -r ./scripts/ts-register.cjs bench/local.ts [--quick] [--port N] [--dns-port N]   (npm run bench runs it)
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import type { ALBEvent, ALBResult } from "aws-lambda";
import { Agent } from "node:http";
import { toALBEvent } from "../local/region/alb-event";
import { loadProjectConfig } from "../lib/project";
import { writeBundle } from "../local/region/function-host";
import { type LocalSystem, startLocalSystem } from "../local/system";
import { runCli } from "../lib/cli";
import { drive, httpGet, type Send } from "./lib/load";
import { type BenchPorts, benchSystemArgs, endAtOnce } from "./lib/system-options";
import { median, percentile, renderMarkdownTable } from "../lib/stats";

/** The layers, bottom up. */
export const LAYERS = ["handler", "function", "ALB", "accelerator"] as const;
export type Layer = (typeof LAYERS)[number];
export const PATHS = ["/health", "/get/foobar"] as const;
export const CONNECTIONS = [1, 10] as const;

/** One cell: a layer, a path and a number of connections, pooled over the rounds. */
export interface Measurement {
  readonly layer: Layer;
  readonly path: string;
  readonly connections: number;
  /** Latency of every request, ms. */
  readonly latenciesMs: readonly number[];
  /** Requests per second of each round. */
  readonly roundsPerSecond: readonly number[];
}

const eventFor = (path: string, targetGroupArn: string): ALBEvent =>
  toALBEvent({ method: "GET", url: path, rawHeaders: ["Host", "local"], body: Buffer.alloc(0), remoteAddress: "127.0.0.1", port: 80 }, targetGroupArn, false);

/** Every layer's sender for `path`, over the system in this process. */
function senders(system: LocalSystem, handler: (e: ALBEvent) => Promise<ALBResult>, path: string, agents: Record<"ALB" | "accelerator", Agent>): Record<Layer, Send> {
  const region = system.regions.get(system.config.regions[0])!;
  const event = eventFor(path, region.alb.targetGroupArn);
  return {
    handler: async () => (await handler(event)).statusCode,
    function: async () => (await region.fn.invoke(event)).statusCode,
    ALB: () => httpGet(agents.ALB, `${region.alb.url}${path}`),
    accelerator: () => httpGet(agents.accelerator, `${system.acceleratorUrl}${path}`),
  };
}

/** Runs the whole benchmark; the measurements, and the environments the function had at the end. */
export async function measureLocal(options: {
  rounds: number;
  requests: number;
  /** Unmeasured requests per connection before each cell. @default 20 */
  warmup?: number;
  /** Ports of the system it starts (it has no admin API). @default free ones */
  ports?: Partial<BenchPorts>;
  log?: (line: string) => void;
}): Promise<{ measurements: Measurement[]; environments: number }> {
  const log = options.log ?? (() => undefined);
  const config = loadProjectConfig();
  const system = await startLocalSystem({ config, port: options.ports?.port ?? 0, dnsPort: options.ports?.dnsPort ?? 0, logLevel: "SILENT" });
  log(`local system: accelerator ${system.acceleratorUrl}${system.snapshot().dns ? `, DNS 127.0.0.1:${system.snapshot().dns!.port}` : ""}`);
  try {
    // The handler in this thread reads the same env at load as the function's environments do.
    const region = config.regions[0];
    Object.assign(process.env, { ...system.regions.get(region)!.fn.variables, AWS_REGION: region, AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" });
    const { handler } = require(writeBundle()) as { handler: (e: ALBEvent) => Promise<ALBResult> };
    const cells = new Map<string, { latencies: number[]; rounds: number[] }>();
    const key = (layer: Layer, path: string, c: number) => `${layer} ${path} ${c}`;
    for (let round = 0; round < options.rounds; round++) {
      log(`round ${round + 1} of ${options.rounds}`);
      for (const connections of CONNECTIONS) {
        const agents = { ALB: new Agent({ keepAlive: true, maxSockets: connections }), accelerator: new Agent({ keepAlive: true, maxSockets: connections }) };
        try {
          for (const path of PATHS) {
            const send = senders(system, handler, path, agents);
            // Warm-up outside the measurement: cold starts, first connections.
            for (const layer of LAYERS) await drive(send[layer], (options.warmup ?? 20) * connections, connections);
            const order = LAYERS.map((_, i) => LAYERS[(i + round) % LAYERS.length]);
            for (const layer of order) {
              const { latencies, perSecond } = await drive(send[layer], options.requests, connections);
              const cell = cells.get(key(layer, path, connections)) ?? { latencies: [], rounds: [] };
              cell.latencies.push(...latencies);
              cell.rounds.push(perSecond);
              cells.set(key(layer, path, connections), cell);
            }
          }
        } finally {
          agents.ALB.destroy();
          agents.accelerator.destroy();
        }
      }
    }
    const measurements = PATHS.flatMap((path) =>
      LAYERS.flatMap((layer) =>
        CONNECTIONS.map((connections) => {
          const cell = cells.get(key(layer, path, connections))!;
          return { layer, path, connections, latenciesMs: cell.latencies, roundsPerSecond: cell.rounds };
        }),
      ),
    );
    return { measurements, environments: system.regions.get(region)!.fn.environments.live };
  } finally {
    await system.close();
  }
}

const ms = (x: number): string => (Math.abs(x) < 1 ? `${(x * 1000).toFixed(0)} µs` : `${x.toFixed(2)} ms`);
const signed = (x: number) => (x < 0 ? `−${ms(-x)}` : `+${ms(x)}`);
const p = (m: Measurement, q: number) => percentile([...m.latenciesMs].sort((a, b) => a - b), q);
/** Mean latency: what a layer adds on average (the p50 of a thin layer drowns in the machine's noise). */
const mean = (m: Measurement) => m.latenciesMs.reduce((a, b) => a + b, 0) / m.latenciesMs.length;

/** The report: one table row per layer and path, 1 and 10 connections side by side, and what each layer adds. */
export function formatLocalReport(measurements: readonly Measurement[], environments: number, rounds: number, requests: number): string {
  const find = (layer: Layer, path: string, c: number) => measurements.find((m) => m.layer === layer && m.path === path && m.connections === c)!;
  const rows = PATHS.flatMap((path) =>
    LAYERS.map((layer, i) => {
      const one = find(layer, path, 1);
      const ten = find(layer, path, 10);
      const below = i > 0 ? find(LAYERS[i - 1], path, 1) : undefined;
      return [
        `${layer} \`GET ${path}\``,
        ms(p(one, 50)),
        ms(p(one, 99)),
        median(one.roundsPerSecond).toFixed(0),
        ms(p(ten, 50)),
        ms(p(ten, 99)),
        median(ten.roundsPerSecond).toFixed(0),
        ms(mean(one)),
        below ? signed(mean(one) - mean(below)) : "",
      ];
    }),
  );
  const table = renderMarkdownTable(
    ["layer (each on top of the one above)", "1 conn p50", "1 conn p99", "1 conn req/s", "10 conn p50", "10 conn p99", "10 conn req/s", "1 conn mean", "adds (mean)"],
    rows,
  );
  const health = (layer: Layer) => mean(find(layer, "/health", 1));
  const notes = [
    `${rounds} rounds × ${requests} requests per cell after a warm-up, layers interleaved (rotating order per round); p50/p99 pooled over the rounds, req/s the median round.`,
    `GET /health at 1 connection, mean per request: the handler itself ${ms(health("handler"))}; the execution environment (worker thread) adds ${ms(health("function") - health("handler"))}, the ALB ${ms(health("ALB") - health("function"))}, the accelerator ${ms(health("accelerator") - health("ALB"))}.`,
    `at 10 connections the region ran ${environments} execution environment(s) at the end (Lambda concurrency: one invocation per environment, more as load requires).`,
    "everything shares this machine's cores: dynalite, the ALB and the accelerator run in the main thread, each environment in a worker thread.",
  ];
  return `Local system, cost per layer\n${table}\n\n${notes.map((n) => `- ${n}`).join("\n")}`;
}

if (require.main === module) {
  runCli("bench/local", async (run) => {
    const { quick, ports } = benchSystemArgs();
    endAtOnce(run);
    const rounds = quick ? 2 : 5;
    const requests = quick ? 100 : 400;
    const { measurements, environments } = await measureLocal({ rounds, requests, ports, log: (l) => process.stderr.write(`[bench/local] ${l}\n`) });
    console.log(formatLocalReport(measurements, environments, rounds, requests));
    return 0;
  });
}
