/** How the drill shows itself: a live progress timeline and the closing summary (text or JSON). */
import type { DrillEvent, DrillResult, Sample } from "./drill";

const label = (s: Sample) => (s.status === 0 ? `ERR ${s.error ?? ""}`.trim() : `${s.status} ${s.region ?? "?"}`);

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

/** The human summary. */
export function formatSummary(r: DrillResult): string {
  const lines = [
    "",
    `Drill summary (${r.target}; times in model seconds${r.timeScale !== 1 ? `, run at time scale ${r.timeScale}` : ""})`,
    `  origin region      ${r.origin}${r.failoverRegion ? ` → failed over to ${r.failoverRegion}` : ""}`,
    `  failover           ${measured(r.failoverSeconds)}   predicted ${range(r.predictedFailoverRange)} ${r.failoverInRange ? "✓ in range" : "✗ OUT OF RANGE"}`,
    `  recovery           ${measured(r.recoverySeconds)}   predicted ${range(r.predictedRecoveryRange)} ${r.recoveryInRange ? "✓ in range" : "✗ OUT OF RANGE"}`,
    `  (ranges: health-check phase; + up to ${r.propagationSeconds} s accelerator propagation; ± ${r.toleranceSeconds} s measurement slack)`,
    `  requests           ${r.requests} (one every ${r.pollSeconds} s)`,
    `  errors             ${r.errors}`,
  ];
  if (r.replication) {
    const rep = r.replication;
    lines.push(`  replication        ${rep.writeRegion} → ${rep.readRegion}: ${rep.lagSeconds === null ? `FAILED (${rep.error})` : `${rep.lagSeconds} s (${rep.reads} read${rep.reads === 1 ? "" : "s"})`}`);
  }
  lines.push(`  result             ${r.ok ? "OK" : "NOT OK"}`, "");
  return lines.join("\n");
}
