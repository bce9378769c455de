/** How the drill shows its `--load` (drill/load.ts): lines of the text summary, and a table of the HTML report. */
import { formatConcurrency, formatShare } from "../model/capacity";
import { renderTable } from "../lib/stats";
import type { LoadPhase, LoadResult } from "./load";
import { escapeHtml } from "./report-timeline";

/** The predicted throttles of a phase: a count and its share, or "—" where nothing is predicted (the warm-up). */
function predictedCell(p: LoadPhase): string {
  if (!p.predicted) return "— (cold starts)";
  return `${Math.round(p.predicted.throttles)} (${formatShare(p.predicted.throttledShare)})`;
}

/** What the busiest region needs in the phase's prediction: "eu-central-1 5.0 of 4". */
function needCell(p: LoadPhase): string {
  if (!p.predicted || p.predicted.regions.length === 0) return "";
  const top = p.predicted.regions.reduce((a, b) => (b.concurrency > a.concurrency ? b : a));
  return `${top.region} ${formatConcurrency(top.concurrency)} of ${top.concurrencyLimit}`;
}

const served = (p: LoadPhase) =>
  Object.entries(p.servedBy)
    .map(([region, n]) => `${region} ${n}`)
    .join(", ") || "—";

/** One row per phase: its span, requests, answers and throttles against the prediction. */
function rows(l: LoadResult): string[][] {
  return l.phases.map((p) => [
    p.phase,
    `${p.from.toFixed(1)}–${p.to.toFixed(1)} s`,
    String(p.requests),
    String(p.ok),
    String(p.serverErrors),
    String(p.throttles),
    predictedCell(p),
    needCell(p),
    String(p.noAnswer),
    served(p),
  ]);
}

const HEADER = ["phase", "model time", "requests", "2xx", "5xx", "throttles", "predicted throttles", "busiest region needs", "no answer", "served by"];

/** What the prediction assumed, in words. */
function assumptions(l: LoadResult): string {
  const duration = l.durationEmulated
    ? `${l.functionMilliseconds} ms per invocation (capacity.functionMilliseconds, which the local functions hold)`
    : `${l.functionMilliseconds} ms per invocation (capacity.functionMilliseconds; the functions take what they take)`;
  return `predicted by model/capacity.ts with ${duration}, ${l.concurrencyLimit} concurrent executions per region`;
}

/** Why the figures do not measure the model, when the drill's machine could not carry the load. */
export function saturationNote(l: LoadResult): string | undefined {
  if (!l.saturated) return undefined;
  const none = l.started - l.answered;
  return `the drill's machine could not carry this load: ${none} of ${l.started} requests got no answer, starts fell up to ${l.maxStartLagSeconds} s behind; the figures measure the machine, not the model: lower --load or use a slower --time-scale`;
}

/** The text summary's lines for the load. */
export function formatLoad(l: LoadResult): string[] {
  const table = renderTable(HEADER, rows(l), ["l", "r", "r", "r", "r", "r", "r", "l", "r", "l"]);
  const warning = saturationNote(l);
  return [
    `  load               ${l.requestsPerSecond} req/s, open-loop on new connections, clients at ${l.clients.join(", ")}: ${l.started} started, ${l.answered} answered`,
    `                     ${assumptions(l)}; a throttle is a 502 the ALB answered itself`,
    ...table.split("\n").map((line) => `    ${line}`),
    ...(warning ? [`  ✗ ${warning}`] : []),
  ];
}

/** The HTML report's table for the load (inside the drill's section). */
export function loadTable(l: LoadResult): string {
  const head = HEADER.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = rows(l)
    .map((cells) => `<tr>${cells.map((c, i) => (i === 0 ? `<th>${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join("")}</tr>`)
    .join("");
  const title =
    `Load: ${l.requestsPerSecond} req/s, open-loop on new connections, clients at ${l.clients.map(escapeHtml).join(", ")} · ` +
    `${l.started} started, ${l.answered} answered · ${escapeHtml(assumptions(l))}`;
  const warning = saturationNote(l);
  return `<p class="meta">${title}</p><table class="facts load"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${warning ? `<p class="out">${escapeHtml(warning)}</p>` : ""}`;
}
