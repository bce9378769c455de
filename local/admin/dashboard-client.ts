/// <reference lib="dom" />
/**
 * The dashboard page's script, bundled with uPlot into the page by local/admin/dashboard-page.ts (runs in
 * the browser, never in Node). It follows `GET /events` (local/admin/dashboard.ts) and calls the admin API
 * for its buttons; everything it needs is in the page, so it works with no network.
 *
 * For tests and the curious, `window.globalapp` holds the chart (its `data` is what is plotted) and
 * the latest state.
 */
import uPlot from "uplot";
import type { DashboardHello, DashboardSystemMessage, DashboardTick, GeneratorState } from "./dashboard";
import type { SystemEvent } from "../events";
import { formatEvent } from "./live-view";
import { ERROR_COLOR, regionColor } from "../../lib/region-colors";
import type { RegionSnapshot, SystemSnapshot } from "../types";
import type { TrafficWindow } from "./traffic-meter";

/** What the page exposes on `window.globalapp`. */
interface PageHandle {
  chart?: uPlot;
  snapshot?: SystemSnapshot;
  traffic?: TrafficWindow;
  generator?: GeneratorState;
  events: SystemEvent[];
  /** Messages received over the event stream, by type. */
  received: Record<string, number>;
}

declare global {
  interface Window {
    globalapp: PageHandle;
  }
}

const MAX_EVENTS = 100;
const state: PageHandle = { events: [], received: {} };
window.globalapp = state;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

const pct = (share: number) => `${Math.round(share * 100)} %`;

// --- the region table -----------------------------------------------------------------------------

/** One region's row: built once, its cells updated in place (inputs keep what is typed). */
interface RegionRow {
  readonly cells: Record<"health" | "accelerator" | "status" | "dial" | "weight" | "share" | "connections" | "replication", HTMLElement>;
  /** The pause/resume button of the region's replication: its action follows the state. */
  readonly replicate: HTMLButtonElement;
  readonly dial: HTMLInputElement;
  readonly weight: HTMLInputElement;
}
const rows = new Map<string, RegionRow>();

function button(action: string, region: string, text: string, label: string, title: string): HTMLButtonElement {
  return el("button", { type: "button", "data-action": action, "data-region": region, "aria-label": label, title }, text);
}

function buildRows(snapshot: SystemSnapshot): void {
  const body = $("region-rows");
  body.replaceChildren();
  rows.clear();
  snapshot.regions.forEach((r, i) => {
    const cell = (name: string) => (name === "dial" || name === "weight" ? el("span", { "data-cell": name, hidden: "" }) : el("td", { "data-cell": name }));
    const cells = {
      health: cell("health"),
      accelerator: cell("accelerator"),
      status: cell("status"),
      dial: cell("dial"),
      weight: cell("weight"),
      connections: cell("connections"),
      share: cell("share"),
      replication: cell("replication"),
    };
    const dial = el("input", { type: "number", min: "0", max: "100", step: "1", "aria-label": `dial ${r.region}`, value: String(r.dial) });
    const weight = el("input", { type: "number", min: "0", max: "255", step: "1", "aria-label": `weight ${r.region}`, value: String(r.weight) });
    const name = el("th", { scope: "row" }, el("span", { class: "swatch", style: `background:${regionColor(i)}` }), r.region);
    // The input shows the live value (unless it is being edited); Set applies what it holds.
    const setting = (value: HTMLElement, input: HTMLInputElement, action: "dial" | "weight") =>
      el("td", {}, value, input, action === "dial" ? " % " : " ", button(action, r.region, "Set", `set ${action} ${r.region}`, `PUT /regions/${r.region}/${action}`));
    const actions = el(
      "td",
      { class: "actions" },
      button("fail", r.region, "Fail", `fail ${r.region}`, `PUT /regions/${r.region}/status 400: its health check fails, /get keeps serving`),
      button("heal", r.region, "Heal", `heal ${r.region}`, `PUT /regions/${r.region}/status 200: STATUS=200, its health check passes again`),
      button("kill", r.region, "Kill", `kill ${r.region}`, `POST /regions/${r.region}/kill: region outage`),
      button("restore", r.region, "Restore", `restore ${r.region}`, `POST /regions/${r.region}/restore: end the outage`),
    );
    const replicate = button("pause-replication", r.region, "Pause", `pause replication ${r.region}`, `POST /regions/${r.region}/replication/pause: nothing replicates to or from its store`);
    body.append(
      el(
        "tr",
        { "data-region": r.region },
        name,
        cells.health,
        cells.accelerator,
        cells.status,
        setting(cells.dial, dial, "dial"),
        setting(cells.weight, weight, "weight"),
        cells.connections,
        cells.share,
        el("td", {}, cells.replication, " ", replicate),
        actions,
      ),
    );
    rows.set(r.region, { cells, dial, weight, replicate });
  });
}

function badge(cell: HTMLElement, text: string, kind: string): void {
  cell.replaceChildren(el("span", { class: `badge ${kind}` }, text));
}

function renderRegions(snapshot: SystemSnapshot, traffic?: TrafficWindow): void {
  if (rows.size !== snapshot.regions.length || snapshot.regions.some((r) => !rows.has(r.region))) buildRows(snapshot);
  for (const r of snapshot.regions) {
    const row = rows.get(r.region)!;
    if (r.killed) badge(row.cells.health, "KILLED", "killed");
    else badge(row.cells.health, r.health, r.health);
    row.cells.health.title = r.lastCheck ?? "";
    badge(row.cells.accelerator, r.acceleratorHealth, r.acceleratorHealth);
    badge(row.cells.status, r.status, /^2\d\d$/.test(r.status) ? "healthy" : "unhealthy");
    row.cells.dial.textContent = `${r.dial} %`;
    row.cells.weight.textContent = String(r.weight);
    row.cells.connections.textContent = `${r.connections}${r.refusedConnections ? ` (${r.refusedConnections} refused)` : ""}`;
    const share = traffic?.share[r.region] ?? 0;
    row.cells.share.textContent = traffic ? `${pct(share)} (${traffic.served[r.region] ?? 0})` : "—";
    row.cells.share.dataset.share = String(share);
    renderReplication(row, r);
    // Keep what the user is typing; follow the system otherwise.
    if (document.activeElement !== row.dial) row.dial.value = String(r.dial);
    if (document.activeElement !== row.weight) row.weight.value = String(r.weight);
  }
}

const seconds = (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(0)} s`;

/** The region's replication: on, paused or stopped (killed); its backlog both ways and its recent lag. */
function renderReplication(row: RegionRow, r: RegionSnapshot): void {
  const rep = r.replication;
  const cell = row.cells.replication;
  const state = rep.paused ? "paused" : rep.stopped ? "stopped" : "on";
  const lag = rep.lagSeconds ? `lag p50 ${seconds(rep.lagSeconds.p50)}, max ${seconds(rep.lagSeconds.max)}` : "lag —";
  cell.replaceChildren(el("span", { class: `badge ${state === "on" ? "healthy" : "unhealthy"}` }, state), ` in ${rep.pendingIn} · out ${rep.pendingOut} · ${lag}`);
  cell.dataset.pendingIn = String(rep.pendingIn);
  cell.dataset.pendingOut = String(rep.pendingOut);
  cell.dataset.paused = String(rep.paused);
  cell.title = `${rep.pendingIn} change(s) waiting to be applied here, ${rep.pendingOut} written here and not yet everywhere; ${rep.applied} applied here, ${rep.superseded} superseded by a later version (lag: the last minute)`;
  const action = rep.paused ? "resume-replication" : "pause-replication";
  if (row.replicate.dataset.action !== action) {
    row.replicate.dataset.action = action;
    row.replicate.textContent = rep.paused ? "Resume" : "Pause";
    row.replicate.setAttribute("aria-label", `${rep.paused ? "resume" : "pause"} replication ${r.region}`);
    row.replicate.title = `POST /regions/${r.region}/replication/${rep.paused ? "resume: what waited is applied at once" : "pause: nothing replicates to or from its store"}`;
  }
}

function renderSummary(s: SystemSnapshot): void {
  const speed = s.timeScale === 1 ? "real time" : `time scale ${s.timeScale} (${Math.round(1 / s.timeScale)}× faster)`;
  $("summary").textContent =
    `t = ${s.uptimeSeconds.toFixed(0)} s (model) · ${speed} · health check every ${s.healthCheck.intervalSeconds} s, ` +
    `${s.healthCheck.unhealthyThreshold}/${s.healthCheck.healthyThreshold} checks · propagation ${s.propagationSeconds} s · ` +
    `affinity ${s.clientAffinity} · client in ${s.clientRegion} · accelerator ${s.acceleratorUrl} · ` +
    `replication lag median ${s.replication.lagSeconds.median} s, p99 ${s.replication.lagSeconds.p99} s, ${s.replication.backlog} change(s) on their way, ${s.replication.conflicts} conflict(s)`;
}

// --- the traffic chart ----------------------------------------------------------------------------

/** The plotted data: x = model seconds, then each region's share (%) of each interval, then refused (%). */
function chartData(t: TrafficWindow): uPlot.AlignedData {
  const xs = t.points.map((p) => p.t);
  const total = t.points.map((p) => p.refused + t.regions.reduce((sum, r) => sum + (p.served[r] ?? 0), 0));
  const share = (n: number, i: number) => (total[i] === 0 ? null : (100 * n) / total[i]);
  return [xs, ...t.regions.map((r) => t.points.map((p, i) => share(p.served[r] ?? 0, i))), t.points.map((p, i) => share(p.refused, i))];
}

/** The chart's label of an event: what was changed (red, green when healing) and what health did (blue). */
function changeLabel(e: SystemEvent): { readonly text: string; readonly color: string } {
  switch (e.type) {
    case "status":
      return { text: `${e.region} STATUS=${e.status}`, color: /^2/.test(e.status) ? "#1a7f37" : ERROR_COLOR };
    case "health":
      return { text: `${e.region} target ${e.to}`, color: "#0550ae" };
    case "propagated":
      return { text: `accelerator: ${e.region} ${e.health}`, color: "#8250df" };
    case "dial":
    case "weight":
      return { text: `${e.region} ${e.type} ${e.value}`, color: "#9a6700" };
    case "kill":
      return { text: `${e.region} killed`, color: ERROR_COLOR };
    case "restore":
      return { text: `${e.region} restored`, color: "#1a7f37" };
    case "route53-check":
      return { text: `${e.region} Route 53 check ${e.to}`, color: "#0550ae" };
    case "dns":
      return { text: `Route 53: ${e.region} ${e.health}`, color: "#1b9aaa" };
    case "replication":
      return { text: `${e.region} replication ${e.paused ? "paused" : "resumed"}`, color: e.paused ? ERROR_COLOR : "#1a7f37" };
    case "conflict":
      return { text: `conflict ${e.item}: ${e.kept.region} wins`, color: "#8250df" };
    default:
      // An event type this page does not know yet (a newer system): its type and region, in grey.
      return { text: `${(e as { region?: string }).region ?? ""} ${(e as { type: string }).type}`.trim(), color: "#57606a" };
  }
}

/** Every event in the chart's window as a dashed line where it happened, labelled. */
function drawChanges(u: uPlot): void {
  const { ctx } = u;
  const [min, max] = [u.scales.x.min ?? 0, u.scales.x.max ?? 0];
  ctx.save();
  ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
  // uPlot leaves the alignment of its last axis label set.
  ctx.textAlign = "left";
  ctx.textBaseline = "alphabetic";
  ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
  ctx.lineWidth = devicePixelRatio;
  // Where each row of labels ends: a label goes in the first row it does not overlap, or is left out
  // (its line stays; the event log has it).
  const rowEnds = [-Infinity, -Infinity, -Infinity, -Infinity];
  for (const e of state.events) {
    if (e.t < min || e.t > max) continue;
    const x = u.valToPos(e.t, "x", true);
    const { text, color } = changeLabel(e);
    ctx.strokeStyle = ctx.fillStyle = color;
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    const start = x + 4 * devicePixelRatio;
    const row = rowEnds.findIndex((end) => end < start);
    if (row === -1) continue;
    rowEnds[row] = start + ctx.measureText(text).width + 6 * devicePixelRatio;
    ctx.fillText(text, start, u.bbox.top + (12 + 14 * row) * devicePixelRatio);
  }
  ctx.restore();
}

function renderChart(t: TrafficWindow): void {
  const box = $("chart");
  const width = Math.max(320, box.clientWidth);
  if (!state.chart) {
    state.chart = new uPlot(
      {
        width,
        height: 240,
        scales: { x: { time: false }, y: { range: [0, 100] } },
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
        series: [
          { label: "model s" },
          ...t.regions.map((r, i) => ({ label: r, stroke: regionColor(i), width: 2, points: { show: false } })),
          { label: "refused", stroke: ERROR_COLOR, width: 2, dash: [6, 4], points: { show: false } },
        ],
        axes: [
          { label: "model seconds since start" },
          { label: "share of requests", values: (_u: uPlot, ticks: number[]) => ticks.map((v) => `${v} %`) },
        ],
        hooks: { draw: [drawChanges] },
      },
      chartData(t),
      box,
    );
    window.addEventListener("resize", () => state.chart?.setSize({ width: Math.max(320, box.clientWidth), height: 240 }));
  } else {
    state.chart.setData(chartData(t));
  }
  const total = t.refused + Object.values(t.served).reduce((a, b) => a + b, 0);
  $("traffic-note").textContent =
    total === 0
      ? `No requests in the last ${t.windowSeconds} s: start demo traffic, or send some (curl ${state.snapshot?.acceleratorUrl ?? ""}/get/foobar).`
      : `${total} requests in the last ${t.windowSeconds} s: ${t.regions.map((r) => `${r} ${pct(t.share[r])}`).join(", ")}${t.refused ? `, refused ${t.refused}` : ""}.`;
}

function renderGenerator(g: GeneratorState): void {
  $("generator").textContent = g.rate === 0 ? "off" : `${g.rate} req/s (model): ${g.metrics.sent} sent, ${g.metrics.failed} without answer${g.metrics.skipped ? `, ${g.metrics.skipped} skipped` : ""}`;
  const input = $<HTMLInputElement>("rate");
  if (document.activeElement !== input) input.value = String(g.rate);
}

// --- events and DNS -------------------------------------------------------------------------------

function addEvent(e: SystemEvent): void {
  state.events.push(e);
  if (state.events.length > MAX_EVENTS) state.events.shift();
  const list = $("events");
  list.prepend(el("li", { class: `event ${e.type}` }, formatEvent(e)));
  while (list.childElementCount > MAX_EVENTS) list.lastElementChild?.remove();
}

/** With routing route53 or both the admin state has `dns`: what the local authoritative DNS answers, and Route 53's view of each region. */
function renderDns(s: SystemSnapshot): void {
  const dns = s.dns;
  const section = $("dns-section");
  section.hidden = dns === undefined;
  if (!dns) return;
  const a = dns.answer;
  const answer = el(
    "p",
    { class: "dns-answer", "data-region": a.region },
    el("code", {}, dns.latencyName),
    ` answers ${a.address}${dns.addresses === "shared" ? ` (port ${a.port})` : ""} — `,
    el("strong", {}, a.region),
    ` — to clients in ${a.clientRegion}${a.failOpen ? " (fail-open: Route 53 sees no region healthy)" : ""}; TTL ${dns.ttlSeconds} s (${dns.wireTtlSeconds} s on the wire)`,
  );
  const cell = (text: string, kind?: string) => el("td", {}, kind ? el("span", { class: `badge ${kind}` }, text) : text);
  const rows = dns.regions.map((r) =>
    el(
      "tr",
      { "data-region": r.region },
      el("th", { scope: "row" }, r.region),
      cell(`${r.address}:${r.port}`),
      cell(r.health, r.health),
      cell(r.source === r.health ? "—" : `${r.source} (propagating)`, r.source === r.health ? undefined : r.source),
      cell(r.lastCheck ?? "—"),
    ),
  );
  const table = el(
    "table",
    { class: "data" },
    el("thead", {}, el("tr", {}, ...["region", "record", "Route 53 answers it", "follows now", "last Route 53 check"].map((h) => el("th", {}, h)))),
    el("tbody", {}, ...rows),
  );
  const about = el(
    "p",
    { class: "dns-about" },
    `dig @127.0.0.1 -p ${dns.port} ${dns.latencyName} · zone ${dns.zone} · routing ${dns.routing}${dns.acceleratorName ? ` (${dns.acceleratorName}: the accelerator)` : ""} · health ${dns.healthChecks} · Route 53 propagation ${dns.propagationSeconds} s · ${dns.metrics.udpQueries + dns.metrics.tcpQueries} queries answered`,
  );
  $("dns").replaceChildren(answer, table, about);
}

// --- updates ---------------------------------------------------------------------------------------

function applySnapshot(s: SystemSnapshot): void {
  state.snapshot = s;
  renderSummary(s);
  renderRegions(s, state.traffic);
  renderDns(s);
}

function applyTick(m: DashboardTick): void {
  state.traffic = m.traffic;
  state.generator = m.generator;
  applySnapshot(m.snapshot);
  renderChart(m.traffic);
  renderGenerator(m.generator);
}

function count(type: string): void {
  state.received[type] = (state.received[type] ?? 0) + 1;
}

function connect(): void {
  const source = new EventSource("/events");
  const conn = $("connection");
  source.addEventListener("open", () => {
    conn.textContent = "live";
    conn.className = "badge healthy";
  });
  source.addEventListener("error", () => {
    conn.textContent = "reconnecting…";
    conn.className = "badge unhealthy";
  });
  source.addEventListener("hello", (e) => {
    count("hello");
    const m = JSON.parse((e as MessageEvent<string>).data) as DashboardHello;
    state.events = [];
    $("events").replaceChildren();
    for (const ev of m.events) addEvent(ev);
    applyTick(m);
  });
  source.addEventListener("tick", (e) => {
    count("tick");
    applyTick(JSON.parse((e as MessageEvent<string>).data) as DashboardTick);
  });
  source.addEventListener("system", (e) => {
    count("system");
    const m = JSON.parse((e as MessageEvent<string>).data) as DashboardSystemMessage;
    addEvent(m.event);
    applySnapshot(m.snapshot);
  });
}

// --- actions ---------------------------------------------------------------------------------------

function say(text: string, ok: boolean): void {
  const box = $("message");
  box.textContent = text;
  box.className = ok ? "ok" : "error";
}

function describe(r: RegionSnapshot): string {
  return `${r.region}: STATUS=${r.status}${r.killed ? ", KILLED" : ""}, target ${r.health}, accelerator sees ${r.acceleratorHealth}, dial ${r.dial} %, weight ${r.weight}, replication ${r.replication.paused ? "paused" : "on"}`;
}

async function call(method: string, path: string, body?: string): Promise<unknown> {
  const res = await fetch(path, { method, body, headers: { accept: "application/json" } });
  const json = (await res.json()) as { error?: string };
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json.error ?? ""}`);
  return json;
}

async function act(action: string, region: string): Promise<void> {
  const row = rows.get(region);
  const path = `/regions/${region}`;
  const request: Record<string, () => Promise<unknown>> = {
    fail: () => call("PUT", `${path}/status`, "400"),
    heal: () => call("PUT", `${path}/status`, "200"),
    kill: () => call("POST", `${path}/kill`),
    restore: () => call("POST", `${path}/restore`),
    dial: () => call("PUT", `${path}/dial`, row?.dial.value ?? ""),
    weight: () => call("PUT", `${path}/weight`, row?.weight.value ?? ""),
    "pause-replication": () => call("POST", `${path}/replication/pause`),
    "resume-replication": () => call("POST", `${path}/replication/resume`),
  };
  say(`${action} ${region}…`, true);
  say(`${action} ${region} answered: ${describe((await request[action]()) as RegionSnapshot)}`, true);
}

document.addEventListener("click", (e) => {
  const target = (e.target as HTMLElement).closest("button");
  if (!target) return;
  const { action, region } = target.dataset;
  let pending: Promise<unknown>;
  if (action === "traffic") {
    pending = call("PUT", "/traffic", $<HTMLInputElement>("rate").value).then((g) => {
      renderGenerator(g as GeneratorState);
      say(`demo traffic: ${(g as GeneratorState).rate} requests per model second`, true);
    });
  } else if (action && region) {
    pending = act(action, region);
  } else {
    return;
  }
  target.disabled = true;
  pending.catch((err: Error) => say(err.message, false)).finally(() => (target.disabled = false));
});

connect();
