/**
 * The data side of a drill (drill/data.ts) in the summary's text and in the HTML report: the
 * replication lag, the exposure window at each takeover, stale reads, conflicts and how they were
 * resolved, and on AWS the table's own ReplicationLatency metric. Pure: result in, text out.
 */
import type { DataResult } from "./data";
import { escapeHtml } from "./report-timeline";

const lagText = (d: DataResult) =>
  d.replicationLagSeconds ? `p50 ${d.replicationLagSeconds.p50} s, p99 ${d.replicationLagSeconds.p99} s, max ${d.replicationLagSeconds.max} s (${d.lagSamples} writes, read every ${d.lagPollSeconds} s)` : "not measured";

const count = (n: number | null) => (n === null ? "not measured" : String(n));

function conflictText(d: DataResult): string {
  if (d.conflicts === null) return "not measured";
  if (d.conflicts === 0) return "0";
  const resolved = d.converged ? "last writer wins: every region ended on the later write" : "regions did NOT converge";
  return `${d.conflicts} (${resolved})`;
}

function convergedText(d: DataResult): string {
  if (d.converged === null) return "not checked";
  return d.converged ? "yes: every region holds each item's last write" : "NO: the regions disagree";
}

/** The data section of the text summary, one line per figure. */
export function formatDataLines(d: DataResult): string[] {
  const regions = Object.entries(d.writesByRegion).map(([r, n]) => `${n} in ${r}`).join(", ");
  const lines = [
    `  data               ${d.writes} writes acknowledged (${regions || "none"}), ${d.writeErrors} failed${d.skippedWrites ? `, ${d.skippedWrites} skipped (an item's previous write still unanswered)` : ""}; ${d.items} items, ${d.ratePerSecond} writes/s`,
    `  replication lag    ${lagText(d)}`,
    `  not yet replicated ${count(d.notYetReplicatedAtFailover)} write(s) at the failover${d.takeovers.length > 1 ? `; takeovers ${d.takeovers.map((t) => `${t.from} → ${t.to} at ${t.at} s: ${count(t.notYetReplicated)}`).join(", ")}` : ""}`,
    `  stale reads        ${d.staleReads} of ${d.reads} reads through the routing`,
    `  conflicts          ${conflictText(d)}`,
    `  converged          ${convergedText(d)}${d.cleanedUp ? "" : " (its items could not all be deleted)"}`,
  ];
  for (const m of d.replicationLatencyMetric ?? []) {
    const value = m.datapoints === 0 ? "no datapoints yet (CloudWatch lags by minutes)" : `average ${m.averageSeconds} s, max ${m.maximumSeconds} s (${m.datapoints} datapoints)`;
    lines.push(`  ReplicationLatency ${m.region} → ${m.receivingRegion}: ${value}`);
  }
  for (const note of d.notes ?? []) lines.push(`  note               ${note}`);
  return lines;
}

/** The data panel of the HTML report: the figures, then the takeovers and the conflicts. */
export function renderDataPanel(d: DataResult): string {
  const rows: [string, string][] = [
    ["writes", `${d.writes} acknowledged (${Object.entries(d.writesByRegion).map(([r, n]) => `${n} in ${escapeHtml(r)}`).join(", ") || "none"}) · ${d.writeErrors} failed · ${d.skippedWrites} skipped · ${d.items} items at ${d.ratePerSecond} writes/s`],
    ["replication lag", lagText(d)],
    ["not yet replicated at the failover", count(d.notYetReplicatedAtFailover)],
    ["stale reads", `${d.staleReads} of ${d.reads}`],
    ["conflicts", conflictText(d)],
    ["converged", convergedText(d)],
  ];
  for (const m of d.replicationLatencyMetric ?? []) {
    rows.push([`ReplicationLatency ${escapeHtml(m.region)} → ${escapeHtml(m.receivingRegion)}`, m.datapoints === 0 ? "no datapoints yet" : `average ${m.averageSeconds} s, max ${m.maximumSeconds} s (${m.datapoints} datapoints)`]);
  }
  const takeovers = d.takeovers.length
    ? `<table class="facts data-takeovers"><thead><tr><th>takeover</th><th>at</th><th>writes the new region did not have yet</th></tr></thead><tbody>${d.takeovers
        .map((t) => `<tr><td>${escapeHtml(t.from)} → ${escapeHtml(t.to)}</td><td>${t.at} s</td><td>${count(t.notYetReplicated)}</td></tr>`)
        .join("")}</tbody></table>`
    : "";
  const conflicts = d.conflictDetails.length
    ? `<table class="facts data-conflicts"><thead><tr><th>item</th><th>overwritten write</th><th>kept (the later)</th></tr></thead><tbody>${d.conflictDetails
        .map((c) => `<tr><td>${escapeHtml(c.item)}</td><td>#${c.lost.seq} in ${escapeHtml(c.lost.region)}</td><td>#${c.kept.seq} in ${escapeHtml(c.kept.region)}</td></tr>`)
        .join("")}</tbody></table>`
    : "";
  const notes = (d.notes ?? []).map((n) => `<p class="meta">${escapeHtml(n)}</p>`).join("");
  return `<div class="data-panel"><h4>Data: what the failover cost the writes</h4><table class="facts"><tbody>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join("")}</tbody></table>${takeovers}${conflicts}${notes}</div>`;
}
