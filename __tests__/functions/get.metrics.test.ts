/**
 * Request metrics end to end: the shipped bundle runs in a child process of its own, as in a Lambda
 * execution environment, against dynalite; the test reads the child's real stdout, which is what
 * Lambda sends to CloudWatch Logs, and checks every EMF line against the specification and the bound.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { ALBEvent } from "aws-lambda";
import { startDynalite, type LocalDynamo } from "../../local/store/dynalite";
import { BASE_ENV, bundleSource } from "./support/bundled";
import { emfLines, emfProblems } from "./support/emf";
import { albEvent } from "./support/events";

const REGION = "eu-central-1";
const METRICS_ON = { POWERTOOLS_METRICS_NAMESPACE: "GlobalApp", POWERTOOLS_SERVICE_NAME: "globalapp-dev" };

/**
 * Runs in the child: stands in for Lambda's JSON log format, which replaces the global console with
 * one that wraps each message in a JSON envelope (an EMF object inside it would be lost), then loads
 * the bundle and serves the events one after another. Statuses go to fd 3, apart from stdout.
 */
const CHILD_JS = `
for (const level of ["log", "info", "warn", "error", "debug"]) {
  console[level] = (...args) => process.stdout.write(JSON.stringify({ wrappedByConsole: true, message: args.join(" ") }) + "\\n");
}
const { handler } = require(process.argv[1]);
const events = JSON.parse(process.argv[2]);
(async () => {
  const statuses = [];
  for (const event of events) statuses.push((await handler(event)).statusCode);
  require("node:fs").writeSync(3, JSON.stringify(statuses));
})();
`;

let db: LocalDynamo;
let bundleFile: string;

beforeAll(async () => {
  db = await startDynalite({ tableName: "GlobalApp", items: [{ item_id: "1", name: "first" }] });
  bundleFile = join(mkdtempSync(join(tmpdir(), "globalapp-metrics-")), "index.js");
  writeFileSync(bundleFile, bundleSource());
});

afterAll(async () => {
  await db.close();
});

/** Serves `events` in a fresh process; returns its stdout lines and the statuses it answered. */
function serve(events: readonly ALBEvent[], env: Record<string, string>): Promise<{ lines: string[]; statuses: number[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", CHILD_JS, bundleFile, JSON.stringify(events)], {
      env: { PATH: process.env.PATH, ...BASE_ENV, AWS_REGION: REGION, ...env },
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    });
    const [stdout, stderr, statuses] = [child.stdio[1], child.stdio[2], child.stdio[3]] as Readable[];
    let out = "";
    let err = "";
    let fd3 = "";
    stdout.on("data", (c: Buffer) => (out += c.toString()));
    stderr.on("data", (c: Buffer) => (err += c.toString()));
    statuses.on("data", (c: Buffer) => (fd3 += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0 || !fd3) return reject(new Error(`child exited ${code}: ${err}`));
      resolve({ lines: out.split("\n").filter((l) => l !== ""), statuses: JSON.parse(fd3) as number[] });
    });
  });
}

/** Events whose route and status class are known, with item ids that must never reach a metric. */
const CASES: Array<{ event: ALBEvent; route: string; status: number }> = [
  { event: albEvent({ path: "/get/1" }), route: "get", status: 200 },
  { event: albEvent({ path: "/get/secret-id-9f2c" }), route: "get", status: 404 },
  { event: albEvent({ path: "/get/%ZZ" }), route: "get", status: 400 },
  { event: albEvent({ method: "PUT", path: "/items/secret-id-77ab", body: '{"color":"red"}' }), route: "item", status: 201 },
  { event: albEvent({ method: "HEAD", path: "/items/secret-id-77ab" }), route: "item", status: 200 },
  { event: albEvent({ method: "DELETE", path: "/items/secret-id-77ab" }), route: "item", status: 200 },
  { event: albEvent({ path: "/health" }), route: "health", status: 200 },
  { event: albEvent({ method: "POST", path: "/get/1" }), route: "unmatched", status: 405 },
  { event: albEvent({ path: "/nowhere" }), route: "unmatched", status: 404 },
];

describe("EMF request metrics on the real stdout", () => {
  let run: { lines: string[]; statuses: number[] };
  beforeAll(async () => {
    // DEBUG: the router logs every request too, so log lines and EMF lines interleave as in Lambda.
    run = await serve(
      CASES.map((c) => c.event),
      { ...METRICS_ON, AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, POWERTOOLS_LOG_LEVEL: "DEBUG" },
    );
  }, 30_000);

  it("answers every request as expected", () => {
    expect(run.statuses).toEqual(CASES.map((c) => c.status));
  });

  it("prints exactly one well-formed, bounded EMF line per request, in order, with its route and status class", () => {
    const emf = emfLines(run.lines);
    expect(emf).toHaveLength(CASES.length);
    const raw = run.lines.filter((l) => l.includes('"_aws"'));
    raw.forEach((line, i) => expect(emfProblems(line, { service: "globalapp-dev", region: REGION, statusCode: CASES[i].status })).toEqual([]));
    expect(emf.map((e) => `${e.route} ${e.status_class}`)).toEqual(CASES.map((c) => `${c.route} ${Math.floor(c.status / 100)}xx`));
  });

  it("writes EMF and logs straight to stdout as separate JSON lines, never through the console Lambda wraps", () => {
    expect(run.lines.filter((l) => l.includes("wrappedByConsole"))).toEqual([]);
    const logs = run.lines.filter((l) => !l.includes('"_aws"'));
    expect(logs.length).toBeGreaterThanOrEqual(CASES.length);
    for (const line of run.lines) expect(() => JSON.parse(line)).not.toThrow();
    for (const line of logs) expect(JSON.parse(line)).toMatchObject({ level: expect.any(String), region: REGION });
  });

  it("puts no item id, path or request detail into a metric", () => {
    for (const line of run.lines.filter((l) => l.includes('"_aws"'))) {
      expect(line).not.toMatch(/secret-id|nowhere|%ZZ|Root=|color/);
    }
  });
});

describe("EMF request metrics when things go wrong, and when off", () => {
  it("counts a DynamoDB outage as get 5xx, and the shallow health check stays 2xx", async () => {
    // Port 9 (discard) on loopback: nothing listens, so every DynamoDB call is refused at once.
    const run = await serve([albEvent({ path: "/get/1" }), albEvent({ path: "/health" })], { ...METRICS_ON, AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:9" });
    expect(run.statuses).toEqual([503, 200]);
    expect(emfLines(run.lines).map((e) => `${e.route} ${e.status_class}`)).toEqual(["get 5xx", "health 2xx"]);
  }, 30_000);

  it("prints no EMF without POWERTOOLS_METRICS_NAMESPACE (npm run local) or with POWERTOOLS_METRICS_DISABLED=true", async () => {
    const events = [albEvent({ path: "/health" }), albEvent({ path: "/get/1" })];
    for (const env of [{ POWERTOOLS_SERVICE_NAME: "globalapp-dev" }, { ...METRICS_ON, POWERTOOLS_METRICS_DISABLED: "true" }]) {
      const run = await serve(events, { ...env, AWS_ENDPOINT_URL_DYNAMODB: db.endpoint });
      expect(run.statuses).toEqual([200, 200]);
      expect(run.lines.filter((l) => l.includes('"_aws"'))).toEqual([]);
    }
  }, 30_000);
});
