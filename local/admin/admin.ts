/**
 * The local system's admin API, HTTP on 127.0.0.1 (default port 8081), and a client for it. It is
 * started on a running system by whoever composes it (local/main.ts, targets/local.ts) and sees the
 * system only through its types (local/types.ts):
 *
 *   GET  /                          the whole system's state (SystemSnapshot, JSON); a browser (Accept
 *                                   preferring text/html) gets the live dashboard instead (local/admin/dashboard.ts)
 *   GET  /events                    the dashboard's live feed (server-sent events)
 *   GET  /traffic                   the traffic share of the last minute, the demo traffic, the event streams (JSON)
 *   PUT  /traffic                   body 0-50: demo traffic, requests per model second (0 stops)
 *   PUT  /regions/{region}/status   body "400" (or {"status":"400"}): set the region's STATUS env
 *                                   var, like editing it in the Lambda console; answers once applied
 *   POST /regions/{region}/kill     region outage: function and ALB gone, connections refused
 *   POST /regions/{region}/restore  end of the outage
 *   POST /regions/{region}/replication/pause   stop replication to and from the region's store, like
 *                                   AWS FIS aws:dynamodb:global-table-pause-replication
 *   POST /regions/{region}/replication/resume  resume it; what waited is applied at once
 *   PUT  /regions/{region}/dial     body 0-100: the endpoint group's traffic dial
 *   PUT  /regions/{region}/weight   body 0-255: the ALB endpoint's weight
 *
 * Every change answers 200 with the region's state once it has applied. Changes to one region
 * (status, kill, restore) apply one at a time in the order their requests arrived, so the answer
 * always describes the region as it is, and concurrent changes leave the one asked last. Errors are
 * JSON `{"error": …}`: 400 bad value, 403 a change sent from another web page (a foreign Origin),
 * 404 unknown region or route, 405 wrong method, 413 body over 16 KB, 421 a Host other than this
 * server's (DNS rebinding), 503 STATUS set but its execution environment failed to load (the reason
 * is given). Who may call it: local/admin/admin-guard.ts.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { refuseForeign } from "./admin-guard";
import { Dashboard, type DashboardOptions, type DashboardSystemMessage, prefersHtml } from "./dashboard";
import type { SystemEventListener } from "../events";
import { InvocationError } from "../region/function-host";
import { readSse } from "./sse";
import { parseTrafficRate } from "./traffic-generator";
import type { LocalSystem, RegionSnapshot, SystemSnapshot } from "../types";

/** Settings of {@link startAdminServer}. */
export interface AdminOptions {
  /** Port on 127.0.0.1; 0 for any free one. @default the config's local.adminPort */
  readonly port?: number;
  /** The dashboard's demo traffic, event-stream limits and chart window. @default no demo traffic, DEFAULT_SSE_LIMITS */
  readonly dashboard?: DashboardOptions;
}

/** A running admin server. */
export interface AdminServer {
  readonly url: string;
  /** Stops the server and the dashboard (not the system). */
  close(): Promise<void>;
}

const ROUTE = /^\/regions\/([a-z0-9-]+)\/(status|kill|restore|dial|weight|replication\/pause|replication\/resume)$/;

/** The routes changed with POST (the others with PUT). */
const POSTED = new Set(["kill", "restore", "replication/pause", "replication/resume"]);

/** Largest admin request body: the values are a few bytes. */
const MAX_BODY_BYTES = 16 * 1024;

/** An admin request answered with `status`. */
class AdminError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new AdminError(413, `request body over ${MAX_BODY_BYTES / 1024} KB`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8").trim();
}

/** The status code for an error of an admin request: one place, as in the function's errors.ts. */
function statusOf(err: unknown): number {
  if (err instanceof AdminError) return err.status;
  if (err instanceof RangeError || err instanceof SyntaxError) return 400;
  // STATUS is set, but the environment with it did not load: a failing dependency.
  if (err instanceof InvocationError) return 503;
  return 500;
}

/** The value of a body that is either a bare value or a JSON object with `key`. */
function valueOf(body: string, key: string): string {
  if (body.startsWith("{")) {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    return String(parsed[key] ?? "");
  }
  return body.replace(/^"|"$/g, "");
}

/** Serves the admin API and the dashboard for the running `system` on 127.0.0.1. */
export async function startAdminServer(system: LocalSystem, options: AdminOptions = {}): Promise<AdminServer> {
  const dashboard = new Dashboard(system, options.dashboard);
  const address = { host: "127.0.0.1", port: options.port ?? system.config.local.adminPort };
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json" }).end(`${JSON.stringify(body, null, 2)}\n`);
    };
    res.on("error", () => undefined);
    // Before anything else of the request is read: a foreign page's request changes nothing, reads nothing.
    const refusal = refuseForeign({ method: req.method, host: req.headers.host, origin: req.headers.origin }, address);
    if (refusal) {
      // The body is not wanted: close the connection after the answer instead of reading it.
      res.setHeader("connection", "close");
      return send(refusal.status, { error: refusal.error });
    }
    void (async () => {
      const path = (req.url ?? "/").split("?")[0];
      if (path === "/" && req.method === "GET") {
        res.setHeader("vary", "accept");
        return prefersHtml(req.headers.accept) ? dashboard.sendPage(res) : send(200, system.snapshot());
      }
      if (path === "/events" && req.method === "GET") return dashboard.stream(req, res);
      if (path === "/" || path === "/events") {
        res.setHeader("allow", "GET");
        return send(405, { error: `use GET for ${path}` });
      }
      if (path === "/traffic") {
        if (req.method === "GET") return send(200, dashboard.traffic());
        if (req.method !== "PUT") {
          res.setHeader("allow", "GET, PUT");
          return send(405, { error: "use GET or PUT for /traffic" });
        }
        return send(200, dashboard.setTraffic(parseTrafficRate(valueOf(await readBody(req), "rate"))));
      }
      const match = ROUTE.exec(path);
      if (!match) return send(404, { error: `no such admin route: ${req.method} ${path}` });
      const [, region, action] = match;
      if (!system.regions.has(region)) return send(404, { error: `unknown region "${region}"`, regions: [...system.regions.keys()] });
      const method = POSTED.has(action) ? "POST" : "PUT";
      if (req.method !== method) {
        res.setHeader("allow", method);
        return send(405, { error: `use ${method} for /regions/{region}/${action}` });
      }
      const body = await readBody(req);
      switch (action) {
        case "status":
          await system.setStatus(region, valueOf(body, "status"));
          break;
        case "kill":
          await system.kill(region);
          break;
        case "restore":
          await system.restore(region);
          break;
        case "dial":
          system.setDial(region, Number(valueOf(body, "dial")));
          break;
        case "weight":
          system.setWeight(region, Number(valueOf(body, "weight")));
          break;
        case "replication/pause":
          system.pauseReplication(region);
          break;
        case "replication/resume":
          system.resumeReplication(region);
          break;
      }
      return send(200, system.snapshot().regions.find((r) => r.region === region));
    })().catch((err: Error) => {
      const status = statusOf(err);
      if (status === 500) console.error("local admin API: unexpected error:", err);
      send(status, { error: status === 500 ? "internal error" : err.message });
    });
  });
  // A client that breaks the protocol loses its connection, nothing else.
  server.on("clientError", (_err, socket) => socket.destroy());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(address.port, address.host, () => {
        server.off("error", reject);
        address.port = (server.address() as AddressInfo).port; // the real port when asked for any (0)
        resolve();
      });
    });
  } catch (err) {
    // The port is taken: the dashboard's timers and subscription go too.
    await dashboard.close();
    throw err;
  }
  return {
    url: `http://${address.host}:${address.port}`,
    close: async () => {
      await dashboard.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A client of a running local system's admin API (used by the drill). */
export class AdminClient {
  constructor(readonly url: string) {}

  /** The system's state; rejects when nothing answers at `url`. */
  async snapshot(signal?: AbortSignal): Promise<SystemSnapshot> {
    return (await this.call("GET", "/", undefined, signal)) as SystemSnapshot;
  }

  /** Sets the region's STATUS; resolves with the region's state once a function environment with it serves. */
  async setStatus(region: string, status: string): Promise<RegionSnapshot> {
    return (await this.call("PUT", `/regions/${region}/status`, status)) as RegionSnapshot;
  }

  async kill(region: string): Promise<RegionSnapshot> {
    return (await this.call("POST", `/regions/${region}/kill`)) as RegionSnapshot;
  }

  async restore(region: string): Promise<RegionSnapshot> {
    return (await this.call("POST", `/regions/${region}/restore`)) as RegionSnapshot;
  }

  /** Stops replication to and from the region's store; resolves with the region's state. */
  async pauseReplication(region: string): Promise<RegionSnapshot> {
    return (await this.call("POST", `/regions/${region}/replication/pause`)) as RegionSnapshot;
  }

  /** Resumes replication to and from the region's store. */
  async resumeReplication(region: string): Promise<RegionSnapshot> {
    return (await this.call("POST", `/regions/${region}/replication/resume`)) as RegionSnapshot;
  }

  /** Sets the region's traffic dial, 0-100 %. */
  async setDial(region: string, dial: number): Promise<RegionSnapshot> {
    return (await this.call("PUT", `/regions/${region}/dial`, String(dial))) as RegionSnapshot;
  }

  /** Sets the weight of the region's endpoint, 0-255. */
  async setWeight(region: string, weight: number): Promise<RegionSnapshot> {
    return (await this.call("PUT", `/regions/${region}/weight`, String(weight))) as RegionSnapshot;
  }

  /**
   * Tells `listener` of every SystemEvent from now on, read from the dashboard's event stream;
   * resolves with the function that stops it (at once when the system has no stream to offer).
   */
  async watch(listener: SystemEventListener): Promise<() => void> {
    const controller = new AbortController();
    const res = await fetch(`${this.url}/events`, { signal: controller.signal }).catch(() => undefined);
    if (!res?.ok || !res.body) {
      controller.abort();
      return () => undefined;
    }
    void (async () => {
      for await (const message of readSse(res.body!)) {
        if (message.event === "system") listener((JSON.parse(message.data) as DashboardSystemMessage).event);
      }
    })().catch(() => undefined);
    return () => controller.abort();
  }

  private async call(method: string, path: string, body?: string, signal?: AbortSignal): Promise<unknown> {
    const res = await fetch(`${this.url}${path}`, { method, body, signal });
    const json = (await res.json()) as { error?: string };
    if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${json.error ?? ""}`);
    return json;
  }
}
