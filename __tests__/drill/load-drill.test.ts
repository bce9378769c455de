/**
 * The whole drill under `--load` against a local system it starts itself, at a fast time scale
 * (factor 0.1): 5 requests a (real) second from clients spread over both regions, each invocation
 * held 100 ms, 32 executions per region: where the load goes in each phase, and no throttle. (Light
 * on purpose: on a busy machine the local functions' cold starts take seconds.)
 */
import { type DrillResult, runDrill } from "../../drill/drill";
import { LOAD_PHASES, type LoadPhase } from "../../drill/load";
import { formatSummary } from "../../drill/report";
import { reportOf, renderReport } from "../../drill/report-page";
import { timeScale } from "../../lib/time-scale";
import { seededRandom } from "../../local/runtime/random";
import { localTarget } from "../../targets/local";
import { localConfig } from "../local/support";

describe("runDrill --target local --load 5", () => {
  let result: DrillResult;
  beforeAll(async () => {
    const target = await localTarget({ config: localConfig(), timeScale: timeScale(0.1), fresh: true, propagationSeconds: 3, functionMilliseconds: 100, seed: 11 });
    try {
      result = await runDrill({ target, pollSeconds: 0.5, settle: 3, replication: false, loadRequestsPerSecond: 5, loadRandom: seededRandom(11) });
    } finally {
      await target.close();
    }
  });
  const phase = (name: string): LoadPhase => result.load!.phases.find((p) => p.phase === name)!;

  it("reports every phase of the drill, every request in one of them", () => {
    const load = result.load!;
    expect(load.phases.map((p) => p.phase)).toEqual([...LOAD_PHASES]);
    expect(load.phases.reduce((n, p) => n + p.requests, 0)).toBe(load.started);
    expect(load.saturated).toBe(false);
    expect(load).toMatchObject({ requestsPerSecond: 5, clients: ["us-west-2", "eu-central-1"], functionMilliseconds: 100, durationEmulated: true, concurrencyLimit: 32 });
    // Held steady 20 model seconds before the failure: the phase has load in it.
    expect(phase("before").requests).toBeGreaterThan(3);
  });

  it("spreads clients over both regions, and sends all of them to the survivor after the failover", () => {
    expect(Object.keys(phase("before").servedBy).sort()).toEqual(["eu-central-1", "us-west-2"]);
    expect(Object.keys(phase("after failover").servedBy)).toEqual(["eu-central-1"]);
  });

  it("throttles nothing with at most 0.5 of 32 executions wanted, as the model predicts", () => {
    for (const p of result.load!.phases) {
      expect([p.phase, p.serverErrors, p.throttles]).toEqual([p.phase, 0, 0]);
      if (p.predicted) expect(p.predicted.throttles).toBeLessThan(0.001);
    }
    expect(phase("after failover").predicted).toMatchObject({ lost: "us-west-2", regions: [expect.objectContaining({ region: "eu-central-1", requestsPerSecond: 5, concurrency: 0.5 })] });
    expect(phase("before").predicted).toMatchObject({ lost: null });
  });

  it("shows the load in the summary and the report", () => {
    expect(formatSummary(result)).toMatch(/load +5 req\/s, open-loop on new connections, clients at us-west-2, eu-central-1/);
    expect(formatSummary(result)).toMatch(/after failover +[\d.]+–[\d.]+ s +\d+ +\d+ +0 +0 +0 \(0 %\) +eu-central-1 0\.5 of 32/);
    expect(renderReport(reportOf(result, new Date(0)))).toMatch(/<table class="facts load">/);
  });
});
