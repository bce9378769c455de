/**
 * The live dashboard of `npm run local`, served by the admin API (local/admin/admin.ts) on its own port:
 *
 *   GET /        with `Accept: text/html` preferred (a browser): the page (local/admin/dashboard-page.ts);
 *                anything else (curl, the drill) keeps getting the JSON state
 *   GET /events  the page's live feed, server-sent events (local/admin/sse.ts):
 *                  hello   on connect: {snapshot, traffic, generator, events} (recent events, oldest first)
 *                  system  on every SystemEvent, at once: {event, snapshot}
 *                  tick    periodically: {snapshot, traffic, generator}
 *   GET /traffic the traffic window, the demo traffic generator and the event streams (JSON)
 *   PUT /traffic body 0–50: demo traffic, requests per model second through the accelerator (0 stops)
 *
 * Events come from the system's typed stream (`system.subscribe`); the traffic share comes from
 * sampling the ALBs' and the accelerator's counters (local/admin/traffic-meter.ts). One serialization per
 * message, whatever the number of clients; slow, vanished and surplus clients are handled by the hub.
 */
import { probePath } from "../../model/config";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SystemEvent } from "../events";
import { dashboardPage } from "./dashboard-page";
import { type SseLimits, type SseMetrics, SseHub, sseMessage } from "./sse";
import type { LocalSystem, SystemSnapshot } from "../types";
import { TrafficGenerator, type TrafficGeneratorMetrics } from "./traffic-generator";
import { TrafficMeter, type TrafficWindow } from "./traffic-meter";

/** Settings of a {@link Dashboard}. */
export interface DashboardOptions {
  /** Demo traffic to start with, requests per model second. @default 0 (off) */
  readonly traffic?: number;
  /** Limits of the event stream (clients, buffering, heartbeat). @default DEFAULT_SSE_LIMITS */
  readonly sse?: Partial<SseLimits>;
  /** Model seconds the traffic chart spans. @default 60 */
  readonly windowSeconds?: number;
}

/** The demo traffic generator's state, as the page and `GET /traffic` show it. */
export interface GeneratorState {
  /** Requests per model second; 0 is off. */
  readonly rate: number;
  readonly inFlight: number;
  readonly metrics: TrafficGeneratorMetrics;
}

/** What `GET /traffic` answers: the dashboard's own state. */
export interface DashboardState {
  readonly generator: GeneratorState;
  readonly traffic: TrafficWindow;
  /** The event streams: open now, and what the hub did since start. */
  readonly streams: SseMetrics & { readonly open: number };
}

/** What the page starts from (the `hello` message). */
export interface DashboardHello {
  readonly snapshot: SystemSnapshot;
  readonly traffic: TrafficWindow;
  readonly generator: GeneratorState;
  readonly events: readonly SystemEvent[];
}

/** A periodic update (the `tick` message). */
export type DashboardTick = Omit<DashboardHello, "events">;

/** One SystemEvent as it happened (the `system` message). */
export interface DashboardSystemMessage {
  readonly event: SystemEvent;
  readonly snapshot: SystemSnapshot;
}

/** Events kept for a page that connects later. */
const RECENT_EVENTS = 100;

/** Fewest real ms between two traffic samples, and between two ticks to the pages. */
const MIN_SAMPLE_MS = 100;
const MIN_TICK_MS = 250;

/**
 * Prefers HTML over JSON? Honours q-values; `*\/*` alone (curl's default) and no Accept header
 * mean JSON, so only a client that asks for HTML more than for JSON gets the page.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(",")) {
    const [type, ...params] = part.trim().toLowerCase().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q)) continue;
    const t = type.trim();
    if (t === "text/html") html = Math.max(html, q);
    else if (t === "application/json") json = Math.max(json, q);
    else if (t === "*/*" || t === "application/*") json = Math.max(json, q);
  }
  return html > 0 && html > json;
}

/** The dashboard's server side: event feed, traffic meter, demo traffic. */
export class Dashboard {
  readonly hub: SseHub;
  readonly meter: TrafficMeter;
  readonly generator: TrafficGenerator;
  private readonly recent: SystemEvent[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    private readonly system: LocalSystem,
    options: DashboardOptions = {},
  ) {
    this.hub = new SseHub(options.sse);
    this.meter = new TrafficMeter([...system.regions.keys()], options.windowSeconds);
    this.generator = new TrafficGenerator({ url: system.acceleratorUrl, path: probePath(system.config), timeScale: system.timeScale, rate: options.traffic });
    this.unsubscribe = system.subscribe((event) => {
      this.recent.push(event);
      if (this.recent.length > RECENT_EVENTS) this.recent.shift();
      if (this.hub.size > 0) this.hub.broadcast("system", { event, snapshot: system.snapshot() } satisfies DashboardSystemMessage);
    });
    // At least one point per model second, at most one per MIN_SAMPLE_MS: the chart's resolution.
    this.sample();
    const every = (minMs: number, fn: () => void) => {
      const timer = setInterval(fn, Math.max(minMs, system.timeScale.toRealMs(1)));
      timer.unref();
      this.timers.push(timer);
    };
    every(MIN_SAMPLE_MS, () => this.sample());
    every(MIN_TICK_MS, () => {
      if (this.hub.size > 0) this.hub.broadcast("tick", this.tick());
    });
  }

  /** Sends the page. */
  async sendPage(res: ServerResponse): Promise<void> {
    const html = await dashboardPage();
    if (res.destroyed) return;
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      vary: "accept",
      "cache-control": "no-store",
      // Nothing but this page and its own origin: no CDN, no other host, even by mistake.
      "content-security-policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
    });
    res.end(html);
  }

  /** Opens an event stream for `res` (or answers 503 when too many are open). */
  stream(req: IncomingMessage, res: ServerResponse): void {
    this.hub.accept(req, res, sseMessage("hello", { ...this.tick(), events: [...this.recent] } satisfies DashboardHello));
  }

  /** Sets the demo traffic rate (RangeError outside 0–50). */
  setTraffic(rate: number): GeneratorState {
    this.generator.setRate(rate);
    return this.generatorState();
  }

  /** What `GET /traffic` answers. */
  traffic(): DashboardState {
    return { generator: this.generatorState(), traffic: this.meter.window(), streams: { open: this.hub.size, ...this.hub.metrics } };
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.unsubscribe();
    this.hub.close();
    await this.generator.close();
  }

  private tick(): DashboardTick {
    return { snapshot: this.system.snapshot(), traffic: this.meter.window(), generator: this.generatorState() };
  }

  private generatorState(): GeneratorState {
    return { rate: this.generator.rate, inFlight: this.generator.inFlight, metrics: { ...this.generator.metrics } };
  }

  private sample(): void {
    const served: Record<string, number> = {};
    for (const [name, region] of this.system.regions) served[name] = region.alb.requests;
    const refused = Object.fromEntries(this.system.accelerator.view().map((g) => [g.region, g.refused]));
    this.meter.sample({ t: this.system.now(), served, refused });
  }
}
