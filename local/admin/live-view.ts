/**
 * The terminal view of `npm run local`: one line per event (health changes, their arrival at the
 * accelerator, STATUS changes, outages) and, on a terminal, a status line kept at the bottom.
 */
import type { SystemEvent } from "../events";
import type { SystemSnapshot } from "../types";

/** One event as a log line; `t` in model seconds. */
export function formatEvent(e: SystemEvent): string {
  const at = `[${e.t.toFixed(1).padStart(7)} s]`;
  switch (e.type) {
    case "health":
      return `${at} ${e.region}: target ${e.from} → ${e.to} (${e.reason})`;
    case "propagated":
      return `${at} ${e.region}: accelerator now sees it ${e.health}`;
    case "status":
      return e.error ? `${at} ${e.region}: STATUS=${e.status} set, but its execution environment failed to load: ${e.error}` : `${at} ${e.region}: STATUS=${e.status} applied`;
    case "kill":
      return `${at} ${e.region}: KILLED (function and ALB down)`;
    case "restore":
      return `${at} ${e.region}: restored`;
    case "dial":
      return `${at} ${e.region}: traffic dial ${e.value}%`;
    case "weight":
      return `${at} ${e.region}: endpoint weight ${e.value}`;
    case "replication":
      return `${at} ${e.region}: replication ${e.paused ? "PAUSED (nothing replicates to or from its store)" : "resumed"}`;
    case "conflict":
      return `${at} item ${JSON.stringify(e.item)}: conflicting writes in ${e.lost.region} (${e.lost.stamp.toFixed(2)} s) and ${e.kept.region} (${e.kept.stamp.toFixed(2)} s); the later, ${e.kept.region}'s, wins everywhere`;
    case "route53-check":
      return `${at} ${e.region}: Route 53 health check ${e.from} → ${e.to} (${e.reason})`;
    case "dns":
      return `${at} ${e.region}: Route 53 now answers it ${e.health}; ${e.answer.name} → ${e.answer.address} (${e.answer.region}${e.answer.failOpen ? ", fail-open" : ""}) for ${e.answer.clientRegion}`;
  }
}

/** The status line: each region's health, STATUS and connections. */
export function formatStatus(s: SystemSnapshot): string {
  const regions = s.regions.map((r) => {
    const state = r.killed ? "KILLED" : r.health.toUpperCase();
    return `${r.region} ${state} STATUS=${r.status} dial=${r.dial}% conns=${r.connections} envs=${r.environments.live}`;
  });
  return `t=${s.uptimeSeconds.toFixed(0)}s | ${regions.join(" | ")}`;
}

/** Writes event lines; on a TTY also keeps the status line fresh. */
export class LiveView {
  private timer?: NodeJS.Timeout;
  private status = "";

  constructor(private readonly out: NodeJS.WriteStream) {}

  /** Prints a line above the status line. */
  line(text: string): void {
    if (this.out.isTTY && this.status) this.out.write("\r\x1b[K");
    this.out.write(`${text}\n`);
    if (this.out.isTTY && this.status) this.out.write(this.status);
  }

  /** Refreshes the status line every second (TTY only). */
  start(snapshot: () => SystemSnapshot): void {
    if (!this.out.isTTY) return;
    const draw = () => {
      this.status = formatStatus(snapshot()).slice(0, (this.out.columns || 120) - 1);
      this.out.write(`\r\x1b[K${this.status}`);
    };
    draw();
    this.timer = setInterval(draw, 1000);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
