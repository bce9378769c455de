/**
 * bench/dashboard: what open dashboard pages cost the local system. Requests through the accelerator
 * (`GET /get/foobar`, keep-alive, 1 and 10 connections) with 0, 10 and 50 pages following the event
 * stream, measured side by side in one run: every round runs every page count in turn (the order
 * rotating), so a load spike on the machine hits all of them alike. The pages are event-stream
 * readers in a child process of their own (as browsers are), so their parsing is not counted against
 * the system; they also report how many bytes a page receives. The system runs at 10× speed, where a
 * page gets its most ticks (4 a second; 1 at real time).
 *
 * Run: node -r ./scripts/ts-register.cjs bench/dashboard.ts [--quick]   (npm run bench runs it)
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { type ChildProcess, spawn } from "node:child_process";
import { Agent } from "node:http";
import { loadProjectConfig } from "../lib/project";
import { startLocal } from "../local/start";
import { timeScale } from "../lib/time-scale";
import { runCli } from "../lib/cli";
import { drive, httpGet } from "./lib/load";
import { type BenchPorts, benchSystemArgs, endAtOnce } from "./lib/system-options";
import { median, percentile, renderMarkdownTable } from "../lib/stats";

export const PAGES = [0, 10, 50] as const;
export const CONNECTIONS = [1, 10] as const;

/** One cell: a number of open pages and of client connections, pooled over the rounds. */
export interface Measurement {
  readonly pages: number;
  readonly connections: number;
  readonly latenciesMs: readonly number[];
  readonly roundsPerSecond: readonly number[];
  /** Bytes a page received per real second, per round (pages > 0). */
  readonly pageBytesPerSecond: readonly number[];
}

/** The page stand-ins: `count` event-stream readers in one child process; they report their bytes on stdin's end. */
const READERS = `
const [url, count] = process.argv.slice(1);
let bytes = 0, open = 0;
const controllers = [];
for (let i = 0; i < Number(count); i++) {
  const c = new AbortController();
  controllers.push(c);
  fetch(url, { signal: c.signal }).then(async (res) => {
    open++;
    if (open === Number(count)) process.stdout.write("open\\n");
    for await (const chunk of res.body) bytes += chunk.length;
  }).catch(() => {});
}
const started = Date.now();
process.stdin.on("data", () => {});
process.stdin.on("end", () => {
  process.stdout.write(JSON.stringify({ bytesPerPagePerSecond: bytes / Number(count) / ((Date.now() - started) / 1000) }) + "\\n");
  controllers.forEach((c) => c.abort());
  process.exit(0);
});
`;

interface Pages {
  stop(): Promise<number>;
}

/** Opens `count` event streams from a child process; resolves once all are open. */
async function openPages(adminUrl: string, count: number): Promise<Pages> {
  if (count === 0) return { stop: async () => 0 };
  const child: ChildProcess = spawn(process.execPath, ["-e", READERS, `${adminUrl}/events`, String(count)], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const check = () => (out.includes("open\n") ? resolve() : setTimeout(check, 10));
    child.once("exit", (code) => reject(new Error(`the page readers exited with ${code}`)));
    check();
  });
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve((JSON.parse(out.split("\n")[1]) as { bytesPerPagePerSecond: number }).bytesPerPagePerSecond));
        child.stdin!.end();
      }),
  };
}

/** `count` GETs of `url` over `connections` keep-alive connections of their own. */
async function load(url: string, count: number, connections: number): Promise<{ latencies: number[]; perSecond: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  try {
    return await drive(() => httpGet(agent, url), count, connections);
  } finally {
    agent.destroy();
  }
}

/** Runs the benchmark. */
export async function measureDashboard(options: { rounds: number; requests: number; ports?: Partial<BenchPorts>; log?: (line: string) => void }): Promise<Measurement[]> {
  const log = options.log ?? (() => undefined);
  const ports = options.ports ?? {};
  const local = await startLocal({ config: loadProjectConfig(), timeScale: timeScale(0.1), port: ports.port ?? 0, dnsPort: ports.dnsPort ?? 0, logLevel: "SILENT", admin: { port: ports.adminPort ?? 0 } });
  const { system, admin } = local;
  log(`local system: accelerator ${system.acceleratorUrl}, admin ${admin.url}${system.snapshot().dns ? `, DNS 127.0.0.1:${system.snapshot().dns!.port}` : ""}`);
  const cells = new Map<string, { latencies: number[]; rounds: number[]; bytes: number[] }>();
  try {
    const url = `${system.acceleratorUrl}/get/foobar`;
    for (let round = 0; round < options.rounds; round++) {
      log(`round ${round + 1} of ${options.rounds}`);
      const order = PAGES.map((_, i) => PAGES[(i + round) % PAGES.length]);
      for (const pages of order) {
        const open = await openPages(admin.url, pages);
        let bytes = 0;
        try {
          for (const connections of CONNECTIONS) {
            // Unmeasured first: the connections, and the environments 10 at once need.
            await load(url, 20 * connections, connections);
            const { latencies, perSecond } = await load(url, options.requests, connections);
            const cell = cells.get(`${pages} ${connections}`) ?? { latencies: [], rounds: [], bytes: [] };
            cell.latencies.push(...latencies);
            cell.rounds.push(perSecond);
            cells.set(`${pages} ${connections}`, cell);
          }
        } finally {
          bytes = await open.stop();
        }
        if (pages > 0) for (const c of CONNECTIONS) cells.get(`${pages} ${c}`)!.bytes.push(bytes);
      }
    }
  } finally {
    await local.close();
  }
  return PAGES.flatMap((pages) =>
    CONNECTIONS.map((connections) => {
      const cell = cells.get(`${pages} ${connections}`)!;
      return { pages, connections, latenciesMs: cell.latencies, roundsPerSecond: cell.rounds, pageBytesPerSecond: cell.bytes };
    }),
  );
}

const ms = (x: number): string => (Math.abs(x) < 1 ? `${(x * 1000).toFixed(0)} µs` : `${x.toFixed(2)} ms`);
const p = (m: Measurement, q: number) => percentile([...m.latenciesMs].sort((a, b) => a - b), q);

/** One row per page count, 1 and 10 connections side by side, req/s relative to no pages. */
export function formatDashboardReport(measurements: readonly Measurement[], rounds: number, requests: number): string {
  const find = (pages: number, c: number) => measurements.find((m) => m.pages === pages && m.connections === c)!;
  const rows = PAGES.map((pages) => {
    const one = find(pages, 1);
    const ten = find(pages, 10);
    const rel = (m: Measurement, base: Measurement) => `${(median(m.roundsPerSecond) / median(base.roundsPerSecond)).toFixed(2)}×`;
    return [
      String(pages),
      ms(p(one, 50)),
      ms(p(one, 99)),
      median(one.roundsPerSecond).toFixed(0),
      rel(one, find(0, 1)),
      ms(p(ten, 50)),
      ms(p(ten, 99)),
      median(ten.roundsPerSecond).toFixed(0),
      rel(ten, find(0, 10)),
      pages === 0 ? "" : `${(median(one.pageBytesPerSecond) / 1024).toFixed(1)} KiB/s`,
    ];
  });
  const table = renderMarkdownTable(
    ["open pages", "1 conn p50", "1 conn p99", "1 conn req/s", "vs 0 pages", "10 conn p50", "10 conn p99", "10 conn req/s", "vs 0 pages", "each page receives"],
    rows,
  );
  const notes = [
    `${rounds} rounds × ${requests} requests per cell through the accelerator (GET /get/foobar, keep-alive), page counts interleaved (rotating order per round); p50/p99 pooled, req/s the median round.`,
    "the pages are event-stream readers in a child process (browsers are processes of their own); the system runs at 10× speed: a tick with the whole state 4 times a second per page, plus every event.",
  ];
  return `Local system with dashboard pages open\n${table}\n\n${notes.map((n) => `- ${n}`).join("\n")}`;
}

if (require.main === module) {
  runCli("bench/dashboard", async (run) => {
    const { quick, ports } = benchSystemArgs();
    endAtOnce(run);
    const rounds = quick ? 2 : 5;
    const requests = quick ? 200 : 600;
    const measurements = await measureDashboard({ rounds, requests, ports, log: (l) => process.stderr.write(`[bench/dashboard] ${l}\n`) });
    console.log(formatDashboardReport(measurements, rounds, requests));
    return 0;
  });
}
