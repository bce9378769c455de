/** How the drill shows itself: a live progress timeline and the closing summary (text or JSON). */
import type { DrillEvent, DrillResult, Sample } from "./drill";
import { formatDataLines } from "./report-data";
import { formatLoad } from "./load-report";
import type { MultiDrillResult, Spread } from "./runs";

const label = (s: Sample) => (s.status === 0 ? `ERR ${s.error ?? ""}`.trim() : `${s.status} ${s.region ?? "?"}`) + (s.address ? ` via ${s.address}` : "");

/**
 * Prints the timeline as it happens: a line whenever the answer (status and region) changes, then a
 * dot per further identical answer; drill steps on lines of their own.
 */
export class ProgressPrinter {
  private last?: string;
  private open = false;

  constructor(private readonly write: (text: string) => void) {}

  sample(s: Sample): void {
    const key = label(s);
    if (key === this.last) {
      this.write(".");
      return;
    }
    this.last = key;
    this.write(`${this.open ? "\n" : ""}  ${fmt(s.t)}  ${s.phase.padEnd(8)}  ${key} `);
    this.open = true;
  }

  event(e: DrillEvent): void {
    this.write(`${this.open ? "\n" : ""}  ${fmt(e.t)}  ── ${e.event}\n`);
    this.open = false;
    this.last = undefined;
  }

  end(): void {
    if (this.open) this.write("\n");
    this.open = false;
  }
}

const fmt = (t: number) => `${t.toFixed(1).padStart(7)} s`;
const range = (r: { min: number; max: number }) => `${r.min}–${r.max} s`;
const measured = (v: number | null) => (v === null ? "did not happen" : `${v} s`);

/** What the predicted ranges are made of, for the line under them. */
export function rangesNote(r: DrillResult, toleranceSeconds = r.toleranceSeconds): string {
  if (r.routing === "route53" && r.dns) {
    const detection = r.dns.healthChecks === "alias" ? "detection by the target group's checks" : `detection by Route 53 checks every ${r.dns.requestIntervalSeconds} s × ${r.dns.failureThreshold}`;
    return `(ranges: ${detection}; + up to ${r.propagationSeconds} s Route 53 propagation; + up to ${r.dns.cacheSeconds} s the client keeps an answer (${r.client}); ± ${toleranceSeconds} s measurement slack)`;
  }
  return `(ranges: health-check phase; + up to ${r.propagationSeconds} s accelerator propagation; ± ${toleranceSeconds} s measurement slack)`;
}

/** Which way the drill polled, for the summary's title. */
export function routingLabel(r: DrillResult): string {
  return r.routing === "route53" && r.dns ? `Route 53 latency records ${r.dns.name}, client ${r.client}` : "Global Accelerator";
}

const phases = (r: DrillResult) =>
  r.healthCheckPhaseSeconds ? Object.entries(r.healthCheckPhaseSeconds).map(([region, s]) => `${region} ${s.toFixed(1)} s`).join(", ") : "";

/** The human summary of one drill. */
export function formatSummary(r: DrillResult): string {
  const lines = [
    "",
    `Drill summary (${r.target}, through ${routingLabel(r)}; times in model seconds${r.timeScale !== 1 ? `, run at time scale ${r.timeScale}` : ""})`,
    ...(r.seed !== undefined ? [`  health-check phase ${phases(r)}${r.phaseWaitSeconds ? `; random waits before the changes ${r.phaseWaitSeconds.failover} s, ${r.phaseWaitSeconds.recovery} s` : ""} (seed ${r.seed})`] : []),
    `  origin region      ${r.origin}${r.failoverRegion ? ` → failed over to ${r.failoverRegion}` : ""}`,
    `  failover           ${measured(r.failoverSeconds)}   predicted ${range(r.predictedFailoverRange)} ${r.failoverInRange ? "✓ in range" : "✗ OUT OF RANGE"}`,
    `  recovery           ${measured(r.recoverySeconds)}   predicted ${range(r.predictedRecoveryRange)} ${r.recoveryInRange ? "✓ in range" : "✗ OUT OF RANGE"}`,
    `  ${rangesNote(r)}`,
    `  requests           ${r.requests} (one every ${r.pollSeconds} s)`,
    `  errors             ${r.errors}`,
  ];
  if (r.replication) {
    const rep = r.replication;
    lines.push(`  replication        ${rep.writeRegion} → ${rep.readRegion}: ${rep.lagSeconds === null ? `FAILED (${rep.error})` : `${rep.lagSeconds} s (${rep.reads} read${rep.reads === 1 ? "" : "s"})`}`);
  }
  if (r.data) lines.push(...formatDataLines(r.data));
  if (r.load) lines.push(...formatLoad(r.load));
  lines.push(`  result             ${r.ok ? "OK" : "NOT OK"}`, "");
  return lines.join("\n");
}

/** One spread line: min / median / max against the predicted range. */
function spread(name: string, s: Spread, runs: number): string {
  const values = s.samples === 0 ? "not measured in any run" : `min ${s.min} s   median ${s.median} s   max ${s.max} s${s.samples < runs ? ` (${s.samples} of ${runs} runs)` : ""}`;
  return `  ${name.padEnd(18)} ${values}   predicted ${range(s.predicted)} ${s.inRange ? "✓ spread in range" : "✗ OUT OF RANGE"}`;
}

/** The human summary of `--runs N`: one line per run, then the spread against the predictions. */
export function formatRunsSummary(m: MultiDrillResult): string {
  const rows = m.runs.map((r, i) => {
    const verdict = r.ok ? "OK" : "NOT OK";
    const seed = r.seed !== undefined ? `seed ${String(r.seed).padEnd(10)} waits ${(r.phaseWaitSeconds ? `${r.phaseWaitSeconds.failover} s, ${r.phaseWaitSeconds.recovery} s` : "—").padEnd(16)} ` : "";
    return `  ${String(i + 1).padStart(3)}  ${seed}failover ${measured(r.failoverSeconds).padStart(8)}  recovery ${measured(r.recoverySeconds).padStart(8)}  errors ${r.errors}  ${verdict}`;
  });
  const d = m.distribution;
  const lines = [
    "",
    `Drill summary (${m.target}, through ${routingLabel(m)}; ${d.runs} runs; times in model seconds${m.timeScale !== 1 ? `, run at time scale ${m.timeScale}` : ""}${m.seed !== undefined ? `; --seed ${m.seed}` : ""})`,
    ...rows,
    spread("failover", d.failover, d.runs),
    spread("recovery", d.recovery, d.runs),
    `  ${rangesNote(m, d.failover.toleranceSeconds)}`,
    `  requests           ${d.requests} (one every ${m.pollSeconds} s)`,
    `  errors             ${d.errors}`,
    `  result             ${m.ok ? "OK" : "NOT OK"}`,
    "",
  ];
  return lines.join("\n");
}
