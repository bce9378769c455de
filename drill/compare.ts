/**
 * `--compare`: the article's comparison measured on one system. Each run drills the same region
 * twice, one after the other: through Global Accelerator, then through Route 53's latency records
 * resolved by the client model. `--json` prints one object with an `accelerator` and a `route53`
 * object, each exactly what `--routing accelerator` / `--routing route53` would print alone (the
 * single-run fields of the first run, every run, the distribution); the text is a side-by-side table.
 */
import { renderTable } from "../lib/stats";
import type { DrillResult } from "./drill";
import { rangesNote, routingLabel } from "./report";
import { combineRuns, type MultiDrillResult, type Spread } from "./runs";

/** What `--compare --json` prints. */
export interface CompareResult {
  readonly target: "local" | "aws";
  /** Both routings were drilled, one after the other, on one system per run. */
  readonly compare: true;
  /** The DNS client model of the route53 drills. */
  readonly client: string;
  /** Local: seed of the first run (run i used seed + i). */
  readonly seed?: number;
  readonly accelerator: MultiDrillResult;
  readonly route53: MultiDrillResult;
  /** Both routings OK. */
  readonly ok: boolean;
}

/** The comparison over the runs of each routing (at least one each). */
export function combineCompare(accelerator: readonly DrillResult[], route53: readonly DrillResult[], seed?: number): CompareResult {
  const acc = combineRuns(accelerator, seed);
  const r53 = combineRuns(route53, seed);
  return {
    target: acc.target,
    compare: true,
    client: r53.client ?? "honour-ttl",
    ...(seed !== undefined ? { seed } : {}),
    accelerator: acc,
    route53: r53,
    ok: acc.ok && r53.ok,
  };
}

const range = (r: { min: number; max: number }) => `${r.min}–${r.max} s`;

/** One measurement's cell: the value (one run) or min–max and median (several), with the verdict. */
function measuredCell(s: Spread, runs: number): string {
  if (s.samples === 0) return "did not happen ✗";
  const value = runs === 1 ? `${s.min} s` : `${s.min}–${s.max} s (median ${s.median} s${s.samples < runs ? `, ${s.samples} of ${runs} runs` : ""})`;
  return `${value} ${s.inRange ? "✓" : "✗ OUT OF RANGE"}`;
}

/** The side-by-side summary. */
export function formatCompareSummary(c: CompareResult): string {
  const a = c.accelerator;
  const r = c.route53;
  const runs = a.distribution.runs;
  const column = (m: MultiDrillResult) => {
    const d = m.distribution;
    return [
      m.url,
      `${m.origin} → ${m.failoverRegion ?? "—"}`,
      measuredCell(d.failover, runs),
      range(d.failover.predicted),
      measuredCell(d.recovery, runs),
      range(d.recovery.predicted),
      `± ${d.failover.toleranceSeconds} s`,
      String(d.requests),
      String(d.errors),
      m.ok ? "OK" : "NOT OK",
    ];
  };
  const labels = ["polled", "origin → failover", "failover", "  predicted", "recovery", "  predicted", "tolerance", "requests", "errors", "result"];
  const left = column(a);
  const right = column(r);
  const table = renderTable(
    ["", "Global Accelerator", `Route 53 latency records (${c.client})`],
    labels.map((l, i) => [l, left[i], right[i]]),
    ["l", "l", "l"],
  );
  const lines = [
    "",
    `Comparison (${c.target}; ${runs === 1 ? "one run" : `${runs} runs`} of each routing on one system${runs === 1 ? "" : " per run"}; times in model seconds${a.timeScale !== 1 ? `, run at time scale ${a.timeScale}` : ""}${c.seed !== undefined ? `; --seed ${c.seed}` : ""})`,
    ...table.split("\n").map((l) => `  ${l}`),
    `  Global Accelerator ${rangesNote(a, a.distribution.failover.toleranceSeconds).replace(/^\(ranges: /, "(")}`,
    `  ${routingLabel(r)} ${rangesNote(r, r.distribution.failover.toleranceSeconds).replace(/^\(ranges: /, "(")}`,
    `  result             ${c.ok ? "OK" : "NOT OK"}`,
    "",
  ];
  return lines.join("\n");
}
