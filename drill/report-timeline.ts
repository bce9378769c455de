/**
 * One drill as an SVG timeline (for the HTML report, drill/report-page.ts), from its result alone:
 *
 * - every probe a mark in the lane of the region that served it, in that region's colour; probes
 *   without an answer a red cross in the "no answer" lane, answers that are not 2xx a red-edged square;
 * - the moments STATUS=400 and the restore were applied (vertical lines);
 * - the predicted failover and recovery windows shaded (the ranges in the result, which the drill
 *   took from model/failover.ts);
 * - the measured failover and recovery as brackets from the change to the first answer that counted;
 * - where the target showed health (local systems), the detection phase (change → the target group,
 *   or with Route 53 checks the check, turning unhealthy or healthy) and the propagation phase (→ the
 *   accelerator, or Route 53's answers, acting on it) as bars; through Route 53 also the client's
 *   cache (→ the first answer that counted).
 *
 * Pure: text in, text out. Every piece of text from the result is escaped.
 */
import { ERROR_COLOR, regionColor } from "../lib/region-colors";
import type { DrillResult, HealthObservation, Sample } from "./drill";

/** Escapes text for HTML and SVG content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

const WIDTH = 1100;
const LEFT = 132;
const RIGHT = 16;
const LANE = 24;
const TOP = 40;
const NO_ANSWER = "no answer";

/** The lanes of a drill: the origin first, then every other region that answered, then "no answer". */
export function lanesOf(r: DrillResult): string[] {
  const regions = [r.origin, ...(r.failoverRegion ? [r.failoverRegion] : [])];
  for (const s of r.timeline) if (s.region && !regions.includes(s.region)) regions.push(s.region);
  return [...regions, NO_ANSWER];
}

/** The span a drill's picture needs: its first probe to its last, or to the end of its predicted recovery window. */
export function extentOf(r: DrillResult): { readonly from: number; readonly to: number } {
  const firstProbe = r.timeline.length ? r.timeline[0].t : 0;
  const lastProbe = r.timeline.length ? r.timeline[r.timeline.length - 1].t : 0;
  const recoveryEnd = r.statusChangedAt ? r.statusChangedAt.restore + r.predictedRecoveryRange.max + r.toleranceSeconds : 0;
  return { from: Math.min(firstProbe, r.statusChangedAt?.failure ?? firstProbe), to: Math.max(lastProbe, recoveryEnd, firstProbe + 1) };
}

/** A round step for about `target` axis ticks over `span` seconds. */
function tickStep(span: number, target = 12): number {
  return [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600].find((s) => span / s <= target) ?? 1200;
}

const isOk = (s: Sample) => s.status >= 200 && s.status < 300;
const fmt = (n: number) => `${Math.round(n * 10) / 10}`;

/** The first observation after `from` of `region` turning `health` where `at`. */
function firstAfter(obs: readonly HealthObservation[], from: number, region: string, at: HealthObservation["at"], health: string): HealthObservation | undefined {
  return obs.find((o) => o.t >= from && o.region === region && o.at === at && o.health === health);
}

/** A time axis, model seconds on the drill's clock. */
export interface TimeAxis {
  readonly from: number;
  readonly to: number;
}

/** Which observations make a drill's phases: what detects a failure, and what acts on it, by routing. */
function phaseKinds(r: DrillResult): { detection: HealthObservation["at"]; propagation: HealthObservation["at"]; detectionText: string; propagationText: string } {
  if (r.routing === "route53") {
    const checks = r.dns?.healthChecks === "route53";
    return {
      detection: checks ? "route53-check" : "target",
      detectionText: checks ? "Route 53 check" : "target group (alias health)",
      propagation: "dns",
      propagationText: "Route 53's answers followed",
    };
  }
  return { detection: "target", detectionText: "target", propagation: "accelerator", propagationText: "the accelerator acted on it" };
}

/**
 * The SVG of one drill. `colors` fixes each region's colour across the report (its index there);
 * `axis` is the report's common time axis, so drills one above the other line up.
 */
export function renderTimeline(r: DrillResult, colors: readonly string[], axis: TimeAxis): string {
  const lanes = lanesOf(r);
  const plotW = WIDTH - LEFT - RIGHT;
  const span = Math.max(1, axis.to - axis.from);
  const x = (t: number) => LEFT + ((Math.max(axis.from, Math.min(t, axis.to)) - axis.from) / span) * plotW;
  const laneY = (name: string) => TOP + lanes.indexOf(name) * LANE + LANE / 2;
  const lanesBottom = TOP + lanes.length * LANE;
  const bracketY = lanesBottom + 12;
  const phaseY = lanesBottom + 42;
  const axisY = lanesBottom + 64;
  const height = axisY + 40;
  const color = (region: string) => regionColor(Math.max(0, colors.indexOf(region)));
  const parts: string[] = [];

  // Lanes and their labels.
  lanes.forEach((name, i) => {
    const y = TOP + i * LANE;
    parts.push(`<rect class="lane" x="${LEFT}" y="${y}" width="${plotW}" height="${LANE}" fill="${i % 2 ? "#f6f8fa" : "#ffffff"}"/>`);
    const swatch = name === NO_ANSWER ? ERROR_COLOR : color(name);
    parts.push(`<rect x="8" y="${y + 8}" width="8" height="8" rx="2" fill="${swatch}"/>`);
    parts.push(`<text class="lane-label" x="22" y="${y + 16}">${escapeHtml(name)}</text>`);
  });

  // Predicted windows, shaded over the lanes, labelled above them.
  const change = r.statusChangedAt;
  if (change) {
    const windows = [
      { from: change.failure, range: r.predictedFailoverRange, name: "failover" },
      { from: change.restore, range: r.predictedRecoveryRange, name: "recovery" },
    ];
    for (const w of windows) {
      const x0 = x(w.from + w.range.min);
      const x1 = x(w.from + w.range.max);
      parts.push(
        `<rect class="predicted" data-phase="${w.name}" x="${x0}" y="${TOP - 14}" width="${Math.max(1, x1 - x0)}" height="${lanesBottom - TOP + 14}"><title>predicted ${w.name}: ${w.range.min}–${w.range.max} s after the change (± ${r.toleranceSeconds} s)</title></rect>`,
        `<text class="predicted-label" x="${(x0 + x1) / 2}" y="${TOP - 4}" text-anchor="middle">predicted ${w.name} ${w.range.min}–${w.range.max} s</text>`,
      );
    }
    // The moments STATUS changed.
    const lines = [
      { t: change.failure, text: "STATUS=400", cls: "status-fail" },
      { t: change.restore, text: "restored", cls: "status-restore" },
    ];
    for (const l of lines) {
      parts.push(
        `<line class="status-change ${l.cls}" x1="${x(l.t)}" y1="10" x2="${x(l.t)}" y2="${phaseY + 8}"><title>${l.text} applied at ${fmt(l.t)} s</title></line>`,
        `<text class="status-label ${l.cls}" x="${x(l.t) + 4}" y="12">${l.text} at ${fmt(l.t)} s</text>`,
      );
    }
    // What was measured: change → first answer that counted.
    const measured = [
      { from: change.failure, value: r.failoverSeconds, name: "failover", inRange: r.failoverInRange, range: r.predictedFailoverRange },
      { from: change.restore, value: r.recoverySeconds, name: "recovery", inRange: r.recoveryInRange, range: r.predictedRecoveryRange },
    ];
    for (const m of measured) {
      if (m.value === null) {
        parts.push(`<text class="measured missed" x="${x(m.from) + 4}" y="${bracketY + 13}">${m.name}: did not happen in time ✗</text>`);
        continue;
      }
      const x0 = x(m.from);
      const x1 = x(m.from + m.value);
      const verdict = m.inRange ? "✓" : "✗ out of range";
      parts.push(
        `<g class="measured ${m.inRange ? "in-range" : "out-of-range"}" data-phase="${m.name}" data-seconds="${m.value}">` +
          `<path d="M${x0} ${bracketY - 5}V${bracketY}H${x1}V${bracketY - 5}"/>` +
          `<text x="${(x0 + x1) / 2}" y="${bracketY + 13}" text-anchor="middle">${m.name} ${fmt(m.value)} s ${verdict}</text>` +
          `<title>${m.name} measured ${m.value} s; predicted ${m.range.min}–${m.range.max} s ± ${r.toleranceSeconds} s</title></g>`,
      );
    }
    // Detection and propagation, where the target showed its health; with Route 53, then the client's cache.
    if (r.health) {
      const kinds = phaseKinds(r);
      const phases = [
        { from: change.failure, turned: "unhealthy", measured: r.failoverSeconds },
        { from: change.restore, turned: "healthy", measured: r.recoverySeconds },
      ];
      for (const p of phases) {
        const detected = firstAfter(r.health, p.from, r.origin, kinds.detection, p.turned);
        if (!detected) continue;
        const acted = firstAfter(r.health, detected.t, r.origin, kinds.propagation, p.turned);
        parts.push(phaseBar("detection", p.from, detected.t, `${kinds.detectionText} ${p.turned} after ${fmt(detected.t - p.from)} s`));
        if (!acted) continue;
        parts.push(phaseBar("propagation", detected.t, acted.t, `${kinds.propagationText} ${fmt(acted.t - detected.t)} s later`));
        // Route 53 answered the change; the client kept its answer until it asked again.
        const moved = p.measured === null ? undefined : p.from + p.measured;
        if (r.routing === "route53" && moved !== undefined && moved > acted.t) {
          parts.push(phaseBar("cache", acted.t, moved, `the client kept its cached answer ${fmt(moved - acted.t)} s longer (${escapeHtml(r.client ?? "honour-ttl")})`));
        }
      }
    } else {
      parts.push(`<text class="phase-note" x="${LEFT + 4}" y="${phaseY + 4}">detection and propagation: not visible on this target (the shaded windows are the prediction)</text>`);
    }
  }

  function phaseBar(kind: "detection" | "propagation" | "cache", from: number, to: number, text: string): string {
    const x0 = x(from);
    const x1 = x(to);
    const label = `${kind} ${fmt(to - from)} s`;
    // Named inside the bar when it fits (10 px text: under 6 px a character), so a picture of the page says it too.
    const inside = x1 - x0 > label.length * 5.8 + 6 ? `<text x="${(x0 + x1) / 2}" y="${phaseY + 4}" text-anchor="middle">${label}</text>` : "";
    return (
      `<g class="phase ${kind}" data-seconds="${Math.round((to - from) * 100) / 100}"><rect x="${x0}" y="${phaseY - 7}" width="${Math.max(1, x1 - x0)}" height="14" rx="2"/>${inside}` +
      `<title>${kind}: ${text} (${fmt(from)} → ${fmt(to)} s)</title></g>`
    );
  }
  parts.push(`<text class="phase-key" x="8" y="${phaseY + 4}">phases</text>`, `<text class="phase-key" x="8" y="${bracketY + 4}">measured</text>`);

  // Every probe, one mark each.
  for (const s of r.timeline) {
    const via = s.address ? ` · via ${escapeHtml(s.address)}${s.answerAgeSeconds !== undefined ? ` (answer ${fmt(s.answerAgeSeconds)} s old)` : ""}` : "";
    const title = `<title>${fmt(s.t)} s · ${s.phase} · ${s.status === 0 ? `no answer${s.error ? ` (${escapeHtml(s.error)})` : ""}` : `${s.status} from ${escapeHtml(s.region ?? "?")}`}${via}</title>`;
    const data = `data-t="${s.t}" data-status="${s.status}" data-region="${escapeHtml(s.region ?? "")}"`;
    const cx = x(s.t);
    if (s.status === 0 || !s.region) {
      const cy = laneY(NO_ANSWER);
      parts.push(`<path class="probe error" ${data} d="M${cx - 4} ${cy - 4}L${cx + 4} ${cy + 4}M${cx - 4} ${cy + 4}L${cx + 4} ${cy - 4}">${title}</path>`);
    } else if (!isOk(s)) {
      const cy = laneY(s.region);
      parts.push(`<rect class="probe error" ${data} x="${cx - 3.5}" y="${cy - 3.5}" width="7" height="7" fill="${color(s.region)}">${title}</rect>`);
    } else {
      parts.push(`<circle class="probe" ${data} cx="${cx}" cy="${laneY(s.region)}" r="3.2" fill="${color(s.region)}">${title}</circle>`);
    }
  }

  // The time axis.
  const step = tickStep(span);
  parts.push(`<line class="axis" x1="${LEFT}" y1="${axisY}" x2="${LEFT + plotW}" y2="${axisY}"/>`);
  for (let t = Math.ceil(axis.from / step) * step; t <= axis.to + 1e-9; t += step) {
    parts.push(`<line class="tick" x1="${x(t)}" y1="${axisY}" x2="${x(t)}" y2="${axisY + 5}"/>`, `<text class="tick-label" x="${x(t)}" y="${axisY + 17}" text-anchor="middle">${t}</text>`);
  }
  parts.push(`<text class="axis-label" x="${LEFT + plotW / 2}" y="${axisY + 31}" text-anchor="middle">seconds since the drill started (model time)</text>`);

  const label = `Drill timeline: ${r.timeline.length} probes; failover ${r.failoverSeconds ?? "none"} s, recovery ${r.recoverySeconds ?? "none"} s`;
  return `<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="${escapeHtml(label)}">${parts.join("")}</svg>`;
}
