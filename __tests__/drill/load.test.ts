/**
 * `--load`: the figures per phase and their prediction (pure), then the load against one real local
 * system whose functions hold each invocation 250 ms, at most 2 at once per region: none is
 * throttled well below that cap, and far past it the ALB answers 502 for the function's throttles.
 * Counts and relations only: a busy machine stretches when requests reach the function, so how many
 * are throttled past the cap depends on it; that some are, 8 times past it, does not.
 */
import { DrillLoad, isThrottle, LOAD_PHASES, LOAD_WARMUP_SECONDS, type LoadRequest, summarizeLoad } from "../../drill/load";
import { formatLoad, loadTable } from "../../drill/load-report";
import { erlangB } from "../../model/capacity";
import { timeScale } from "../../lib/time-scale";
import type { RunningLocal } from "../../local/start";
import type { TargetCapacity } from "../../targets/target";
import { startTestSystem } from "../local/support";

const REGIONS = ["us-west-2", "eu-central-1"];
const CAPACITY: TargetCapacity = {
  groups: REGIONS.map((region) => ({ region, dial: 100, weight: 128 })),
  concurrencyLimit: 8,
  functionMilliseconds: 1000,
  durationEmulated: true,
  clientRegions: REGIONS,
};
const MARKS = { failedAt: 30, failedOverAt: 50, restoredAt: 80, recoveredAt: 100, endedAt: 120 };

/** A request due at `t`: answered by `region` with `status` (502 without a region: the ALB's own). */
const req = (t: number, status: number, region: string | null = status === 502 ? null : "us-west-2"): LoadRequest => ({ t, status, region, lateSeconds: 0 });

describe("summarizeLoad", () => {
  const requests = [
    req(1, 200), // warm-up (load began at 0)
    req(12, 200, "eu-central-1"),
    req(29.9, 502), // before: a throttle
    req(30, 200), // failing over starts when STATUS=400 is asked for
    req(49, 503, "us-west-2"), // a 5xx from the function itself: not a throttle
    req(50, 200, "eu-central-1"), // after failover
    req(60, 502),
    req(80, 0), // recovering: no answer
    req(100, 200), // after recovery
    req(119.9, 200, "eu-central-1"),
  ];
  const result = summarizeLoad({ requests, started: 10, requestsPerSecond: 8, began: 0, marks: MARKS, origin: "us-west-2", capacity: CAPACITY });
  const phase = (name: string) => result.phases.find((p) => p.phase === name)!;

  it("splits the load into the drill's phases by when each request was due", () => {
    expect(result.phases.map((p) => [p.phase, p.from, p.to, p.requests])).toEqual([
      ["warm-up", 0, LOAD_WARMUP_SECONDS, 1],
      ["before", LOAD_WARMUP_SECONDS, 30, 2],
      ["failing over", 30, 50, 2],
      ["after failover", 50, 80, 2],
      ["recovering", 80, 100, 1],
      ["after recovery", 100, 120, 2],
    ]);
    expect(result.phases.map((p) => p.phase)).toEqual([...LOAD_PHASES]);
  });

  it("counts 2xx, 5xx, throttles (the ALB's own 502s) and no answers, and who served", () => {
    expect(phase("before")).toMatchObject({ ok: 1, serverErrors: 1, throttles: 1, noAnswer: 0, servedBy: { "eu-central-1": 1 } });
    expect(phase("failing over")).toMatchObject({ ok: 1, serverErrors: 1, throttles: 0, servedBy: { "us-west-2": 2 } });
    expect(phase("recovering")).toMatchObject({ ok: 0, serverErrors: 0, throttles: 0, noAnswer: 1 });
    expect([isThrottle({ status: 502, region: null }), isThrottle({ status: 502, region: "us-west-2" }), isThrottle({ status: 503, region: null })]).toEqual([true, false, false]);
    expect(result).toMatchObject({ started: 10, answered: 9, saturated: true });
  });

  it("predicts each phase with the model: every region serving until traffic has moved, the origin lost until it is back", () => {
    expect(phase("warm-up").predicted).toBeUndefined();
    // 8 req/s spread over two regions × 1 s: 4 of 8 executions each; after losing us-west-2, 8 of 8 in eu-central-1.
    for (const name of ["before", "failing over", "after recovery"]) {
      expect(phase(name).predicted).toMatchObject({ lost: null, throttledShare: Number(erlangB(8, 4).toFixed(4)) });
    }
    for (const name of ["after failover", "recovering"]) {
      expect(phase(name).predicted).toMatchObject({ lost: "us-west-2", throttledShare: Number(erlangB(8, 8).toFixed(4)) });
      expect(phase(name).predicted?.regions).toEqual([expect.objectContaining({ region: "eu-central-1", requestsPerSecond: 8, concurrency: 8 })]);
    }
    expect(phase("after failover").predicted?.throttles).toBeCloseTo(2 * erlangB(8, 8), 2);
  });

  it("puts every client at the origin where clients cannot say where they are (AWS)", () => {
    const aws = summarizeLoad({ requests, started: 10, requestsPerSecond: 8, began: 0, marks: MARKS, origin: "us-west-2", capacity: { ...CAPACITY, clientRegions: undefined } });
    expect(aws.clients).toEqual(["us-west-2"]);
    expect(aws.phases[1].predicted?.regions.map((r) => [r.region, r.requestsPerSecond])).toEqual([["us-west-2", 8], ["eu-central-1", 0]]);
  });

  it("ends a failing-over phase at the restore when traffic never moved", () => {
    const stuck = summarizeLoad({ requests, started: 10, requestsPerSecond: 8, began: 0, marks: { ...MARKS, failedOverAt: null }, origin: "us-west-2", capacity: CAPACITY });
    expect(stuck.phases.find((p) => p.phase === "failing over")).toMatchObject({ from: 30, to: 80, requests: 4 });
    expect(stuck.phases.find((p) => p.phase === "after failover")).toMatchObject({ from: 80, to: 80, requests: 0 });
  });

  it("shows in the text summary and the report, with the machine's limit when it could not carry the load", () => {
    const text = formatLoad(result).join("\n");
    expect(text).toMatch(/8 req\/s, open-loop on new connections, clients at us-west-2, eu-central-1: 10 started, 9 answered/);
    expect(text).toMatch(/after failover +50\.0–80\.0 s +2 +1 +1 +1 +\d+ \([\d.]+ %\) +eu-central-1 8 of 8/);
    expect(text).toMatch(/✗ the drill's machine could not carry this load: 1 of 10 requests got no answer/);
    expect(loadTable(result)).toMatch(/<th>after failover<\/th><td>50\.0–80\.0 s<\/td><td>2<\/td>/);
  });
});

describe("DrillLoad on a real local system (concurrency 2 per region, 250 ms per invocation)", () => {
  let local: RunningLocal;
  const scale = timeScale(0.25);
  beforeAll(async () => {
    local = await startTestSystem({ timeScale: scale, concurrency: 2, functionMilliseconds: 250 });
  });
  afterAll(async () => {
    await local?.close();
  });

  /** Runs the load into us-west-2 alone, evenly spaced, until `count` requests have been started. */
  async function run(requestsPerSecond: number, count: number): Promise<LoadRequest[]> {
    const started = scale.clock.now();
    const load = new DrillLoad({
      url: local.system.acceleratorUrl,
      path: "/get/foobar",
      requestsPerSecond,
      timeScale: scale,
      now: () => scale.toModelSeconds(scale.clock.now() - started),
      clientRegions: ["us-west-2"],
      arrivals: "even",
    });
    load.start();
    while (load.started < count) await new Promise((r) => setTimeout(r, 5));
    await load.stop();
    // The first `count` by when they were due (a tick may start a few more at once).
    return [...load.requests].sort((a, b) => a.t - b.t).slice(0, count);
  }
  const throttlesOf = (rs: readonly LoadRequest[]) => rs.filter(isThrottle).length;
  const hostThrottles = () => local.system.regions.get("us-west-2")!.fn.metrics.throttles;

  it("well below the cap (0.5 wanted of 2, evenly spaced) throttles nothing: every request is served by the client's region", async () => {
    const requests = await run(2, 8);
    expect(requests).toHaveLength(8);
    // The rate is real: 2 a second, 0.5 real s apart, is 2 model seconds apart at time scale 0.25.
    expect(requests[7].t - requests[0].t).toBeCloseTo(7 * 2, 1);
    expect(requests.map((r) => [r.status, r.region])).toEqual(Array(8).fill([200, "us-west-2"]));
    expect(throttlesOf(requests)).toBe(0);
  });

  it("far past the cap (16 wanted of 2) the function throttles and the ALB answers 502, the rest is served", async () => {
    const before = hostThrottles();
    const requests = await run(64, 64);
    const throttles = throttlesOf(requests);
    const served = requests.filter((r) => r.status === 200 && r.region === "us-west-2").length;
    expect(throttles).toBeGreaterThan(0);
    expect(served).toBeGreaterThanOrEqual(2);
    // The rest were throttled; on a busy machine a few may get the function's own 5xx (its DynamoDB
    // call timed out), which are not throttles.
    expect(requests.filter((r) => !(r.status === 200 && r.region === "us-west-2") && !isThrottle(r)).every((r) => r.status >= 500 && r.region === "us-west-2")).toBe(true);
    // Every 502 the client saw is a throttle the function host counted (health checks may add their own).
    expect(hostThrottles() - before).toBeGreaterThanOrEqual(throttles);
  });
});
