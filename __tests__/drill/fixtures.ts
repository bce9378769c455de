/** A drill result as runDrill returns it, for the tests of what is made from results (the report, --runs). */
import type { DataResult } from "../../drill/data";
import type { DrillResult, HealthObservation, Sample } from "../../drill/drill";
import { predictFailover, predictRecovery } from "../../model/failover";

const HC = { path: "/health", intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2, matcher: "200" };
const PROPAGATION = 10;

/** A drill's result as runDrill returns it: STATUS=400 at 20 s, traffic moves at 45 s, restored at 60 s, back at 80 s. */
export function drillResult(over: Partial<DrillResult> = {}): DrillResult {
  const timeline: Sample[] = [];
  for (let t = 10; t < 45; t++) timeline.push({ t, phase: t < 20 ? "origin" : "failover", status: 200, region: "us-west-2" });
  timeline.push({ t: 45, phase: "failover", status: 0, region: null, error: "ECONNRESET" });
  timeline.push({ t: 46, phase: "failover", status: 502, region: "eu-central-1" });
  for (let t = 47; t < 80; t++) timeline.push({ t, phase: t < 60 ? "failover" : "recovery", status: 200, region: "eu-central-1" });
  timeline.push({ t: 80, phase: "recovery", status: 200, region: "us-west-2" });
  const health: HealthObservation[] = [
    { t: 2, region: "us-west-2", at: "target", health: "healthy" },
    { t: 34, region: "us-west-2", at: "target", health: "unhealthy" },
    { t: 44, region: "us-west-2", at: "accelerator", health: "unhealthy" },
    { t: 71, region: "us-west-2", at: "target", health: "healthy" },
    { t: 79.5, region: "us-west-2", at: "accelerator", health: "healthy" },
  ];
  return {
    target: "local",
    routing: "accelerator",
    url: "http://127.0.0.1:8080",
    path: "/get/foobar",
    origin: "us-west-2",
    failoverRegion: "eu-central-1",
    failoverSeconds: 27,
    recoverySeconds: 20,
    predictedFailoverSeconds: 35,
    predictedRecoverySeconds: 35,
    predictedFailoverRange: predictFailover(HC, PROPAGATION),
    predictedRecoveryRange: predictRecovery(HC, PROPAGATION),
    toleranceSeconds: 2,
    failoverInRange: true,
    recoveryInRange: true,
    requests: timeline.length,
    errors: 2,
    timeScale: 0.05,
    pollSeconds: 1,
    propagationSeconds: PROPAGATION,
    seed: 3,
    statusChangedAt: { failure: 20, restore: 60 },
    health,
    ok: false,
    events: [],
    timeline,
    ...over,
  };
}


/** The data side of a drill as drill/data.ts summarizes it: two takeovers, stale reads and a conflict. */
export function dataResult(over: Partial<DataResult> = {}): DataResult {
  return {
    writes: 40,
    writeErrors: 0,
    skippedWrites: 2,
    writesByRegion: { "us-west-2": 22, "eu-central-1": 18 },
    ratePerSecond: 4,
    items: 2,
    replicationLagSeconds: { p50: 0.52, p99: 1.1, max: 1.2 },
    lagSamples: 38,
    lagPollSeconds: 0.1,
    notYetReplicatedAtFailover: 2,
    takeovers: [
      { at: 44.2, from: "us-west-2", to: "eu-central-1", notYetReplicated: 2 },
      { at: 79.6, from: "eu-central-1", to: "us-west-2", notYetReplicated: 1 },
    ],
    reads: 39,
    staleReads: 1,
    staleReadDetails: [{ t: 44.3, item: "drill-data-x-1", region: "eu-central-1", expected: 17, got: 15 }],
    conflicts: 1,
    conflictDetails: [{ item: "drill-data-x-1", lost: { seq: 17, region: "us-west-2" }, kept: { seq: 19, region: "eu-central-1" } }],
    converged: true,
    cleanedUp: true,
    writeLog: [],
    ...over,
  };
}
