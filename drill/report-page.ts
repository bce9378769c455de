/**
 * `npm run drill -- … --report FILE.html`: one self-contained HTML file (inline CSS and SVG, no
 * script to run, nothing fetched) to open offline, attach to a pull request or an incident review.
 * Built from the drill's result objects only:
 *
 * - one drill: its timeline (drill/report-timeline.ts) and its numbers against the prediction;
 * - `--runs N`: the spread over the runs, then every run's timeline, one above the other;
 * - `--compare`: the accelerator's and Route 53's drills (each one drill or N runs), one above the other.
 *
 * All timelines share one time axis, so they line up. The result itself (what `--json` prints) is
 * embedded as JSON, so the file is also the data.
 */
import { regionColor } from "../lib/region-colors";
import type { DrillResult } from "./drill";
import { renderDataPanel } from "./report-data";
import { loadTable } from "./load-report";
import { escapeHtml, extentOf, lanesOf, renderTimeline } from "./report-timeline";
import type { DrillDistribution, MultiDrillResult, Spread } from "./runs";

/** One drill to draw, with what to call it. */
export interface ReportPanel {
  readonly label: string;
  readonly result: DrillResult;
}

/** A group of panels with its own heading and spread: one routing of a comparison, or the whole report. */
export interface ReportSection {
  readonly heading?: string;
  /** The spread over the runs (`--runs N`). */
  readonly distribution?: DrillDistribution;
  readonly ok: boolean;
  readonly panels: readonly ReportPanel[];
}

/** Everything the page shows. */
export interface DrillReport {
  readonly title: string;
  /** When the report was made, ISO 8601. */
  readonly generatedAt: string;
  readonly ok: boolean;
  readonly sections: readonly ReportSection[];
  /** Embedded as JSON for machines: the result as `--json` prints it. */
  readonly data: unknown;
}

/** The two routings of `--compare`, each one drill or N runs. */
export interface CompareSource {
  readonly accelerator: DrillResult | MultiDrillResult;
  readonly route53: DrillResult | MultiDrillResult;
  /** Both met their predictions. @default both results' ok */
  readonly ok?: boolean;
}

/** What the drill hands the report: one drill, `--runs N`, or `--compare`. */
export type ReportSource = DrillResult | MultiDrillResult | CompareSource;

const isMulti = (r: DrillResult | MultiDrillResult): r is MultiDrillResult => Array.isArray((r as MultiDrillResult).runs);
const isCompare = (s: ReportSource): s is CompareSource => "accelerator" in s && "route53" in s;

/** One routing's (or the whole report's) section: its single drill, or its runs one by one. */
function sectionOf(r: DrillResult | MultiDrillResult, heading?: string): ReportSection {
  // One run is one drill, however it is wrapped (--compare wraps each routing's runs, even one).
  if (isMulti(r) && r.runs.length === 1) return { heading, ok: r.ok, panels: [{ label: heading ?? "Drill", result: r.runs[0] }] };
  if (!isMulti(r)) return { heading, ok: r.ok, panels: [{ label: heading ?? "Drill", result: r }] };
  const n = r.runs.length;
  const panels = r.runs.map((run, i) => ({ label: `${heading ? `${heading} · ` : ""}run ${i + 1} of ${n}${run.seed !== undefined ? ` (seed ${run.seed})` : ""}`, result: run }));
  return { heading, distribution: r.distribution, ok: r.ok, panels };
}

/** The report of a drill's result; `generatedAt` is when it was made. */
export function reportOf(source: ReportSource, generatedAt: Date): DrillReport {
  if (isCompare(source)) {
    const sections = [sectionOf(source.accelerator, "Global Accelerator"), sectionOf(source.route53, "Route 53")];
    const target = (isMulti(source.accelerator) ? source.accelerator.runs[0] : source.accelerator).target;
    return {
      title: `Failover drill (${target}): Global Accelerator and Route 53 compared`,
      generatedAt: generatedAt.toISOString(),
      ok: source.ok ?? sections.every((s) => s.ok),
      sections,
      data: source,
    };
  }
  const section = sectionOf(source);
  const runs = isMulti(source) ? `, ${source.runs.length} runs` : "";
  return { title: `Failover drill (${source.target}${runs})`, generatedAt: generatedAt.toISOString(), ok: section.ok, sections: [section], data: source };
}

const verdict = (ok: boolean) => `<span class="verdict ${ok ? "ok" : "not-ok"}">${ok ? "OK" : "NOT OK"}</span>`;
const seconds = (v: number | null) => (v === null ? "did not happen" : `${v} s`);
const range = (r: { min: number; max: number }) => `${r.min}–${r.max} s`;
const check = (inRange: boolean) => (inRange ? `<span class="in">✓ in range</span>` : `<span class="out">✗ out of range</span>`);

function spreadRow(name: string, s: Spread, runs: number): string {
  const values = s.samples === 0 ? "not measured in any run" : `${s.min} s / ${s.median} s / ${s.max} s${s.samples < runs ? ` (${s.samples} of ${runs} runs)` : ""}`;
  return `<tr><th>${name}</th><td>${values}</td><td>${range(s.predicted)} ± ${s.toleranceSeconds} s</td><td>${check(s.inRange)}</td></tr>`;
}

function distributionTable(d: DrillDistribution): string {
  return (
    `<table class="facts"><thead><tr><th></th><th>min / median / max</th><th>predicted</th><th></th></tr></thead><tbody>` +
    spreadRow("failover", d.failover, d.runs) +
    spreadRow("recovery", d.recovery, d.runs) +
    `<tr><th>requests</th><td colspan="3">${d.requests}, ${d.errors} without a 2xx answer</td></tr></tbody></table>`
  );
}

function facts(r: DrillResult): string {
  const rows: [string, string][] = [
    ["origin", `${escapeHtml(r.origin)}${r.failoverRegion ? ` → failed over to ${escapeHtml(r.failoverRegion)}` : ""}`],
    ["failover", `${seconds(r.failoverSeconds)} · predicted ${range(r.predictedFailoverRange)} ± ${r.toleranceSeconds} s · ${check(r.failoverInRange)}`],
    ["recovery", `${seconds(r.recoverySeconds)} · predicted ${range(r.predictedRecoveryRange)} ± ${r.toleranceSeconds} s · ${check(r.recoveryInRange)}`],
    ["requests", `${r.requests}, one every ${r.pollSeconds} s · ${r.errors} without a 2xx answer`],
    ["routing", r.routing === "route53" ? `Route 53 latency records ${escapeHtml(r.dns?.name ?? "")} · client ${escapeHtml(r.client ?? "honour-ttl")}${r.dns ? ` · TTL ${r.dns.ttlSeconds} s, cached ${r.dns.cacheSeconds} s · health ${r.dns.healthChecks}` : ""}` : "Global Accelerator"],
    ["settings", `target ${escapeHtml(r.target)} · polled ${escapeHtml(r.url ?? "")}${escapeHtml(r.path)} · propagation up to ${r.propagationSeconds} s${r.timeScale !== 1 ? ` · time scale ${r.timeScale}` : ""}${r.seed !== undefined ? ` · seed ${r.seed}` : ""}`],
  ];
  if (r.replication) {
    const rep = r.replication;
    rows.push(["replication", `${escapeHtml(rep.writeRegion)} → ${escapeHtml(rep.readRegion)}: ${rep.lagSeconds === null ? `FAILED (${escapeHtml(rep.error ?? "")})` : `${rep.lagSeconds} s`}`]);
  }
  return `<table class="facts"><tbody>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join("")}</tbody></table>`;
}

const STYLE = `
:root { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; }
body { margin: 0 auto; padding: 16px 24px 32px; max-width: 1180px; }
h1 { font-size: 20px; margin: 0 0 2px; }
h2 { font-size: 17px; margin: 24px 0 4px; }
h3 { font-size: 15px; margin: 16px 0 4px; display: flex; gap: 8px; align-items: center; }
.meta { color: #57606a; margin: 0 0 8px; }
.verdict { font-size: 12px; font-weight: 700; padding: 1px 8px; border-radius: 10px; }
.verdict.ok { background: #dafbe1; color: #116329; }
.verdict.not-ok { background: #ffebe9; color: #cf222e; }
.in { color: #116329; } .out { color: #cf222e; font-weight: 600; }
table.facts { border-collapse: collapse; margin: 4px 0 6px; font-size: 13px; }
table.facts th { text-align: left; color: #57606a; font-weight: 600; padding: 1px 12px 1px 0; }
table.facts td { padding: 1px 12px 1px 0; }
table.facts.load td { text-align: right; } table.facts.load td:nth-child(8), table.facts.load td:last-child { text-align: left; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; color: #57606a; margin: 8px 0; }
.legend span { display: inline-flex; align-items: center; gap: 5px; }
.key { display: inline-block; width: 14px; height: 10px; border-radius: 2px; }
svg.timeline { display: block; border: 1px solid #d0d7de; border-radius: 6px; background: #fff; font-size: 11px; }
svg .lane-label { font-size: 12px; fill: #1f2328; }
svg .predicted { fill: #0969da; fill-opacity: 0.09; stroke: #0969da; stroke-opacity: 0.35; stroke-dasharray: 3 3; }
svg .predicted-label { fill: #0550ae; }
svg .status-change { stroke-width: 1.5; stroke-dasharray: 5 3; }
svg .status-fail { stroke: #cf222e; fill: #cf222e; } svg .status-restore { stroke: #1a7f37; fill: #1a7f37; }
svg .status-label { stroke: none; font-weight: 600; }
svg .measured path { fill: none; stroke: #1f2328; stroke-width: 1.5; }
svg .measured text { fill: #1f2328; font-weight: 600; }
svg .measured.out-of-range path, svg .measured.out-of-range text, svg .missed { stroke: #cf222e; fill: #cf222e; }
svg .measured.out-of-range text, svg text.missed { stroke: none; }
svg .phase.detection rect { fill: #6e7781; } svg .phase.propagation rect { fill: #8250df; } svg .phase.cache rect { fill: #1b9aaa; }
svg .phase text { fill: #fff; font-weight: 600; font-size: 10px; }
svg .phase-note, svg .phase-key { fill: #57606a; }
svg .probe.error { stroke: #cf222e; stroke-width: 2; }
svg .axis, svg .tick { stroke: #8c959f; }
svg .tick-label, svg .axis-label { fill: #57606a; }
h4 { font-size: 14px; margin: 10px 0 2px; }
.data-panel { border-left: 3px solid #8250df; padding-left: 10px; margin: 8px 0; }
footer { margin-top: 24px; color: #8c959f; font-size: 12px; }
`;

/** The report as one self-contained HTML page. */
export function renderReport(report: DrillReport): string {
  const panels = report.sections.flatMap((s) => s.panels);
  // One colour per region across the page, one time axis for every timeline.
  const colors: string[] = [];
  for (const p of panels) for (const lane of lanesOf(p.result).slice(0, -1)) if (!colors.includes(lane)) colors.push(lane);
  const extents = panels.map((p) => extentOf(p.result));
  const axis = { from: Math.max(0, Math.floor(Math.min(...extents.map((e) => e.from)) - 2)), to: Math.ceil(Math.max(...extents.map((e) => e.to)) + 2) };
  const legend = [
    ...colors.map((region, i) => `<span><i class="key" style="background:${regionColor(i)}"></i>answered by ${escapeHtml(region)}</span>`),
    `<span><i class="key" style="background:#cf222e"></i>no answer (×) or not 2xx (■)</span>`,
    `<span><i class="key" style="background:#0969da;opacity:.25"></i>predicted window (model/failover.ts)</span>`,
    `<span><i class="key" style="background:#6e7781"></i>detection: change → the health the routing follows</span>`,
    `<span><i class="key" style="background:#8250df"></i>propagation: → the accelerator (or Route 53's answers) acts on it</span>`,
    ...(panels.some((p) => p.result.routing === "route53") ? [`<span><i class="key" style="background:#1b9aaa"></i>cache: → the client asks again (Route 53)</span>`] : []),
  ].join("");
  const sections = report.sections
    .map((s) => {
      const head = s.heading ? `<h2>${escapeHtml(s.heading)} ${verdict(s.ok)}</h2>` : "";
      const spread = s.distribution ? distributionTable(s.distribution) : "";
      const body = s.panels
        // A section of one drill is headed already: its drill needs no heading of its own.
        .map(
          (p) =>
            `<section class="drill">${p.label === s.heading ? "" : `<h3>${escapeHtml(p.label)} ${verdict(p.result.ok)}</h3>`}${facts(p.result)}${renderTimeline(p.result, colors, axis)}${p.result.data ? renderDataPanel(p.result.data) : ""}${p.result.load ? loadTable(p.result.load) : ""}</section>`,
        )
        .join("");
      return `${head}${spread}${body}`;
    })
    .join("");
  // JSON in a data block: "<" escaped, so no text in it can end the element.
  const data = JSON.stringify(report.data).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(report.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(report.title)} ${verdict(report.ok)}</h1>
<p class="meta">GlobalApp · generated ${escapeHtml(report.generatedAt)} · times in model seconds (the seconds AWS would take)</p>
<div class="legend">${legend}</div>
${sections}
<footer>Self-contained: no scripts, nothing loaded from the network. The result is embedded below as JSON (<code>#drill-result</code>).</footer>
<script type="application/json" id="drill-result">${data}</script>
</body>
</html>
`;
}
