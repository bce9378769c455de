/**
 * Benchmark of the Lambda function (issue 3): run with `node -r ./scripts/ts-register.cjs bench/function.ts [--quick]`.
 *
 * Compares, in one run and printed side by side:
 * 1. bundle size, raw and zipped, with the AWS SDK bundled (what ships) vs external (the runtime's);
 * 2. cold start: a fresh Node process loads the bundle and serves its first request (median of N);
 * 3. warm latency per request: the handler vs a raw `GetItemCommand` (the low-level call the handler
 *    makes) and a DocumentClient `GetCommand` on the same dynalite (p50/p99 and the overhead ratio),
 *    and the handler with its EMF request metrics on (what ships) vs off, all interleaved so every
 *    side sees the same machine load.
 *
 * dynalite runs in its own process so that its CPU time does not count against either side.
 * For the "external" variant the SDK is resolved from node_modules through NODE_PATH, the way
 * Lambda resolves it from /var/runtime/node_modules.
 */
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { ALBEvent, ALBResult } from "aws-lambda";
import { execFileSync, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { BUNDLE_TARGET, bundleHandler } from "../constructs/lib/bundle";
import { PROJECT_ROOT } from "../lib/project";
import { createZip } from "../constructs/lib/zip";
import { METRICS_NAMESPACE, metricsEnvironment } from "../functions/lib/metrics";
import { startDynalite } from "../local/store/dynalite";
import { runCli } from "../lib/cli";
import { percentile, renderMarkdownTable } from "../lib/stats";

const QUICK = process.argv.includes("--quick");
const COLD_RUNS = QUICK ? 5 : 21;
const WARM_REQUESTS = QUICK ? 300 : 2000;
const WARMUP = QUICK ? 50 : 200;
const TABLE = "GlobalApp";
const OUT_DIR = join(PROJECT_ROOT, ".build", "bench-function");

type Handler = (event: ALBEvent) => Promise<ALBResult>;

/** The same build as constructs/lib/bundle.ts, but with the SDK left to the runtime. */
function externalSdkBundle(): Buffer {
  const result = buildSync({
    entryPoints: [join(PROJECT_ROOT, "functions", "get.ts")],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: "node",
    target: BUNDLE_TARGET,
    format: "cjs",
    minify: true,
    legalComments: "none",
    write: false,
    logLevel: "silent",
    // What the nodejs22.x runtime provides: AWS SDK v3 clients and their smithy dependencies.
    external: ["@aws-sdk/*", "@smithy/*"],
  });
  return Buffer.from(result.outputFiles[0].contents);
}

const median = (xs: readonly number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (x: number) => `${x.toFixed(2)} ms`;

function table(title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  console.log(`\n${title}\n${renderMarkdownTable(header, rows)}`);
}

/** Child mode: serve dynalite and print the endpoint; exit when stdin closes. */
async function serveDynalite(): Promise<void> {
  const db = await startDynalite({ tableName: TABLE, items: [{ item_id: "bench", name: "bench item", tags: ["a", "b"], n: 1 }] });
  process.stdout.write(`${db.endpoint}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => void db.close().then(() => process.exit(0)));
}

function startDynaliteProcess(): Promise<{ endpoint: string; stop: () => void }> {
  const child = spawn(process.execPath, ["--import", "tsx", __filename, "--serve-dynalite"], {
    cwd: PROJECT_ROOT,
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.stdout.once("data", (chunk: Buffer) => resolve({ endpoint: chunk.toString().trim(), stop: () => child.stdin.end() }));
  });
}

/**
 * A fresh plain-node process (no tsx hooks on require): load the bundle, serve one request, report.
 * Run with `node -e`, so process.argv[1] is the bundle file.
 */
const COLD_START_JS = `
const t0 = performance.now();
const { handler } = require(process.argv[1]);
const loaded = performance.now();
handler({ httpMethod: "GET", path: "/get/bench", headers: {}, body: "", isBase64Encoded: false }).then((r) => {
  const served = performance.now();
  if (r.statusCode !== 200) { console.error(r.statusCode, r.body); process.exit(1); }
  // On a line of its own after the request's EMF line, as Lambda's stdout would carry both.
  process.stdout.write("\\n" + JSON.stringify({ loadMs: loaded - t0, firstRequestMs: served - loaded }));
});
`;

function functionEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    AWS_REGION: "us-west-2",
    TABLE_NAME: TABLE,
    STATUS: "200",
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    POWERTOOLS_LOG_LEVEL: "WARN",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    // Request metrics on, as the stack configures the function.
    ...metricsEnvironment({ namespace: METRICS_NAMESPACE, service: "globalapp-bench" }),
  };
}

/** One fresh process: load the bundle, serve the first request. */
function coldStartOnce(bundleFile: string, endpoint: string, nodePath?: string): { loadMs: number; firstRequestMs: number } {
  const out = execFileSync(process.execPath, ["-e", COLD_START_JS, bundleFile], {
    env: { PATH: process.env.PATH, ...functionEnv(endpoint), ...(nodePath ? { NODE_PATH: nodePath } : {}) },
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop() ?? "") as { loadMs: number; firstRequestMs: number };
}

async function main(): Promise<void> {
  mkdirSync(join(OUT_DIR, "bundled"), { recursive: true });
  mkdirSync(join(OUT_DIR, "external"), { recursive: true });
  const variants = [
    { name: "SDK bundled (ships)", dir: "bundled", code: bundleHandler().code, nodePath: undefined },
    { name: "SDK external (runtime's)", dir: "external", code: externalSdkBundle(), nodePath: join(PROJECT_ROOT, "node_modules") },
  ].map((v) => {
    const file = join(OUT_DIR, v.dir, "index.js");
    writeFileSync(file, v.code);
    return { ...v, file, zip: createZip([{ name: "index.js", data: v.code }]).length };
  });

  const dynalite = await startDynaliteProcess();
  try {
    // Interleaved (A, B, A, B, …), so a load spike on the machine does not land on one variant only.
    const runs = variants.map(() => ({ load: [] as number[], first: [] as number[] }));
    for (let i = 0; i < COLD_RUNS; i++) {
      variants.forEach((v, j) => {
        const { loadMs, firstRequestMs } = coldStartOnce(v.file, dynalite.endpoint, v.nodePath);
        runs[j].load.push(loadMs);
        runs[j].first.push(firstRequestMs);
      });
    }
    const cold = runs.map((r) => ({ loadMs: median(r.load), firstRequestMs: median(r.first) }));
    table(
      `Bundle and cold start (median of ${COLD_RUNS} fresh processes; first request = GET /get/{id} on dynalite)`,
      ["variant", "raw", "zipped", "load", "first request", "load + first"],
      variants.map((v, i) => [v.name, kb(v.code.length), kb(v.zip), ms(cold[i].loadMs), ms(cold[i].firstRequestMs), ms(cold[i].loadMs + cold[i].firstRequestMs)]),
    );

    // Two copies of the shipped bundle, loaded with and without the metrics variables (read at load).
    Object.assign(process.env, functionEnv(dynalite.endpoint));
    const { handler } = require(variants[0].file) as { handler: Handler };
    delete require.cache[require.resolve(variants[0].file)];
    for (const name of Object.keys(metricsEnvironment({ namespace: "", service: "" }))) delete process.env[name];
    const { handler: withoutMetrics } = require(variants[0].file) as { handler: Handler };
    // Each request prints one EMF line: send those to /dev/null with a synchronous write, as a Lambda
    // function's stdout write is one, and keep this report's own lines on the terminal.
    const devNull = openSync("/dev/null", "w");
    let emfLines = 0;
    const stdoutWrite = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (String(chunk).startsWith('{"_aws"')) {
        emfLines++;
        writeSync(devNull, String(chunk));
        return true;
      }
      return (stdoutWrite as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    const lowLevel = new DynamoDBClient({ region: "us-west-2", endpoint: dynalite.endpoint, credentials: { accessKeyId: "b", secretAccessKey: "b" } });
    const raw = DynamoDBDocumentClient.from(lowLevel);
    const event = { httpMethod: "GET", path: "/get/bench", headers: {}, body: "", isBase64Encoded: false } as unknown as ALBEvent;
    const notFound = { ...event, path: "/unknown" } as ALBEvent;
    const getRaw = () => lowLevel.send(new GetItemCommand({ TableName: TABLE, Key: { item_id: { S: "bench" } } }));
    const getDocument = () => raw.send(new GetCommand({ TableName: TABLE, Key: { item_id: "bench" } }));
    for (let i = 0; i < WARMUP; i++) {
      await handler(event);
      await withoutMetrics(event);
      await getRaw();
      await getDocument();
    }
    const samples = {
      handler: [] as number[],
      handlerOff: [] as number[],
      raw: [] as number[],
      document: [] as number[],
      routing: [] as number[],
      routingOff: [] as number[],
    };
    const time = async (into: number[], call: () => Promise<unknown>) => {
      const t = performance.now();
      const r = await call();
      into.push(performance.now() - t);
      return r as ALBResult;
    };
    emfLines = 0;
    const calls: Array<[number[], () => Promise<unknown>]> = [
      [samples.handler, () => handler(event)],
      [samples.handlerOff, () => withoutMetrics(event)],
      [samples.raw, getRaw],
      [samples.document, getDocument],
      [samples.routing, () => handler(notFound)],
      [samples.routingOff, () => withoutMetrics(notFound)],
    ];
    // A fixed-seed shuffle per round (xorshift32): reproducible, and no side always runs right after a
    // DynamoDB call, whose socket callbacks would otherwise land in that side's measurement.
    let seed = 0x9e3779b9;
    const random = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    for (let i = 0; i < WARM_REQUESTS; i++) {
      // Interleaved, so load spikes on the machine hit every side alike.
      const order = [...calls];
      for (let k = order.length - 1; k > 0; k--) {
        const j = Math.floor(random() * (k + 1));
        [order[k], order[j]] = [order[j], order[k]];
      }
      for (const [into, call] of order) {
        const r = await time(into, call);
        if (into === samples.handler && r.statusCode !== 200) throw new Error(`handler answered ${r.statusCode}`);
      }
    }
    process.stdout.write = stdoutWrite;
    closeSync(devNull);
    // Proof that the "on" side published and the "off" side did not: one EMF line per "on" request.
    if (emfLines !== WARM_REQUESTS * 2) throw new Error(`expected ${WARM_REQUESTS * 2} EMF lines, got ${emfLines}`);
    const stats = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return { p50: percentile(s, 50), p99: percentile(s, 99) };
    };
    const h = stats(samples.handler);
    const hOff = stats(samples.handlerOff);
    const r = stats(samples.raw);
    const d = stats(samples.document);
    const n = stats(samples.routing);
    const nOff = stats(samples.routingOff);
    const vs = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    const us = (a: number, b: number) => `${((a - b) * 1000).toFixed(0)} µs`;
    table(
      `Warm latency per request (${WARM_REQUESTS} interleaved rounds after ${WARMUP} warm-up, bundled handler in-process; metrics on = one EMF line per request, as shipped)`,
      ["what", "p50", "p99", "p50 vs raw", "p99 vs raw"],
      [
        ["raw GetItemCommand (low-level, as the handler)", ms(r.p50), ms(r.p99), "1.00×", "1.00×"],
        ["raw GetCommand (DocumentClient)", ms(d.p50), ms(d.p99), vs(d.p50, r.p50), vs(d.p99, r.p99)],
        ["handler GET /get/{id}, metrics on (ships)", ms(h.p50), ms(h.p99), vs(h.p50, r.p50), vs(h.p99, r.p99)],
        ["handler GET /get/{id}, metrics off", ms(hOff.p50), ms(hOff.p99), vs(hOff.p50, r.p50), vs(hOff.p99, r.p99)],
        ["handler 404 (no DynamoDB call), metrics on", ms(n.p50), ms(n.p99), "", ""],
        ["handler 404 (no DynamoDB call), metrics off", ms(nOff.p50), ms(nOff.p99), "", ""],
      ],
    );
    console.log(`\nhandler overhead at p50: ${us(h.p50, r.p50)} per request; node ${process.version}, ${process.arch}`);
    console.log(
      `EMF metrics, on − off: p50 ${us(h.p50, hOff.p50)} on GET /get/{id}, ${us(n.p50, nOff.p50)} on the 404; ` +
        `p99 ${us(h.p99, hOff.p99)} and ${us(n.p99, nOff.p99)}`,
    );
    raw.destroy();
  } finally {
    dynalite.stop();
  }
}

if (process.argv.includes("--serve-dynalite")) {
  void serveDynalite();
} else if (require.main === module) {
  runCli("bench/function", async (run) => {
    // Nothing to undo: stopped, it ends at once, and its dynalite child ends with its stdin.
    run.onStop("stopping", 0);
    await main();
    return 0;
  });
}
