/**
 * Global Accelerator, emulated: a TCP listener on 127.0.0.1 that picks an endpoint for each new
 * connection (see routing.ts) and relays the connection's bytes to that region's ALB, as the
 * accelerator's edge does. A connection stays on its endpoint until it closes, so clients that
 * want to see failover open a new connection per request (as `curl` does).
 *
 * Endpoint health reaches the accelerator `propagationSeconds` (model time) after the ALB's target
 * group changes state: the delay AWS's edge adds on top of health-check detection.
 *
 * The client's location is `clientRegion`, or per connection the request header
 * `x-client-region: <region code>` (read from the first request on the connection, then relayed
 * unchanged).
 *
 * Connections are bounded as Global Accelerator bounds them (local/limits.ts): a relayed connection
 * idle for the TCP idle timeout (340 s) is closed on both sides; a half-closed one (the client sent
 * FIN after its request) still gets its response, and the FIN reaches the ALB; a client that connects
 * and sends nothing is routed after a short wait anyway (GA itself does not read HTTP); and at most
 * `maxPendingConnections` connections may wait for their first headers: one more is reset at once.
 */
import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { AWS_REGIONS } from "../../model/regions";
import type { TargetState } from "../region/health-checker";
import { DEFAULT_LIMITS } from "../limits";
import { type EndpointGroupView, flowDraw, type RouteDecision, routeConnection } from "../../model/routing";
import type { TimeScale } from "../../lib/time-scale";

/** Header naming the client's simulated location. */
export const CLIENT_REGION_HEADER = "x-client-region";

/** Bytes read from a new connection, at most, while looking for the end of the first request's headers. */
const PEEK_LIMIT = 16 * 1024;

/** Real ms a client's side is read and dropped after the ALB's side closed, before it is cut. */
const LINGER_MS = 1000;

/** One endpoint group's live settings. */
interface Group {
  region: string;
  dial: number;
  weight: number;
  /** Health as the accelerator sees it (after propagation). */
  health: TargetState;
  /** Where the region's ALB listens. */
  host: string;
  port: number;
  /** Connections routed here. */
  connections: number;
  /** Connections routed here that the region's ALB refused (its listener was down). */
  refused: number;
}

/** Settings of a {@link LocalAccelerator}. */
export interface LocalAcceleratorOptions {
  /** One per region; `host` is the ALB's address (default 127.0.0.1). */
  readonly groups: readonly { region: string; dial: number; weight: number; host?: string; port: number }[];
  readonly clientAffinity: "NONE" | "SOURCE_IP";
  /** The default client location (a region code). */
  readonly clientRegion: string;
  /** Delay between an ALB health change and the accelerator acting on it, model seconds. */
  readonly propagationSeconds: number;
  readonly timeScale: TimeScale;
  /** Port on 127.0.0.1. @default 0 */
  readonly port?: number;
  /** TCP idle timeout, real ms. @default 340000 (Global Accelerator's) */
  readonly idleTimeoutMs?: number;
  /** Connections that may wait for their first request headers at once. @default 1024 */
  readonly maxPendingConnections?: number;
  /** Real ms a new connection's first headers are waited for before it is routed anyway. @default 2000 */
  readonly headWaitMs?: number;
  /** Told when a health change reaches the accelerator. */
  readonly onHealth?: (region: string, health: TargetState) => void;
}

/** What the accelerator did with connections. */
export interface AcceleratorMetrics {
  /** Connections accepted. */
  accepted: number;
  /** Connections reset because `maxPendingConnections` were already waiting for their headers. */
  refusedPending: number;
  /** Connections routed before their first headers had arrived (after `headWaitMs`). */
  routedWithoutHeaders: number;
  /** Relayed connections closed by the idle timeout. */
  idleTimeouts: number;
}

/** The accelerator's listener and its view of the endpoint groups. */
export class LocalAccelerator {
  readonly metrics: AcceleratorMetrics = { accepted: 0, refusedPending: 0, routedWithoutHeaders: 0, idleTimeouts: 0 };
  private readonly groups: Group[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  private pending = 0;

  constructor(private readonly options: LocalAcceleratorOptions) {
    this.groups = options.groups.map((g) => ({ ...g, host: g.host ?? "127.0.0.1", health: "initial", connections: 0, refused: 0 }));
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  /** Each group's live state, in config order. */
  view(): readonly Readonly<Group>[] {
    return this.groups.map((g) => ({ ...g }));
  }

  /** Where a connection from `sourceIp:sourcePort` would go now (no connection made). */
  route(flow: { sourceIp: string; sourcePort: number; clientRegion?: string }): RouteDecision | undefined {
    const port = this.server ? (this.server.address() as AddressInfo).port : 0;
    const full = { sourceIp: flow.sourceIp, sourcePort: flow.sourcePort, destinationIp: "127.0.0.1", destinationPort: port };
    const groups: EndpointGroupView[] = this.groups.map((g) => ({
      region: g.region,
      dial: g.dial,
      endpoints: [{ id: `alb-${g.region}`, weight: g.weight, health: g.health }],
    }));
    return routeConnection(groups, flow.clientRegion ?? this.options.clientRegion, (salt) =>
      flowDraw(full, this.options.clientAffinity, salt),
    );
  }

  /** A region's target health changed: the accelerator acts on it after the propagation delay. */
  healthChanged(region: string, health: TargetState): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.group(region).health = health;
      this.options.onHealth?.(region, health);
    }, this.options.timeScale.toRealMs(this.options.propagationSeconds));
    this.timers.add(timer);
  }

  /** Sets a group's traffic dial (percent), at once. */
  setDial(region: string, dial: number): void {
    if (!Number.isInteger(dial) || dial < 0 || dial > 100) throw new RangeError(`traffic dial must be 0-100, got ${dial}`);
    this.group(region).dial = dial;
  }

  /** Sets the weight of a group's endpoint (0-255), at once. */
  setWeight(region: string, weight: number): void {
    if (!Number.isInteger(weight) || weight < 0 || weight > 255) throw new RangeError(`endpoint weight must be 0-255, got ${weight}`);
    this.group(region).weight = weight;
  }

  /** Connections waiting for their first request headers now. */
  get pendingConnections(): number {
    return this.pending;
  }

  /** Sockets open now: clients (pending or relayed) and the upstream connections to the ALBs. */
  get openSockets(): number {
    return this.sockets.size;
  }

  async listen(): Promise<void> {
    // Half-open connections are relayed as such: the client's FIN goes on to the ALB, the answer comes back.
    const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    server.on("error", () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private group(region: string): Group {
    const g = this.groups.find((x) => x.region === region);
    if (!g) throw new RangeError(`no endpoint group for region "${region}"`);
    return g;
  }

  private accept(client: Socket): void {
    this.metrics.accepted += 1;
    client.on("error", () => client.destroy());
    if (this.pending >= (this.options.maxPendingConnections ?? DEFAULT_LIMITS.acceleratorMaxPendingConnections)) {
      // Too many connections that have not sent their headers yet: reset this one, like a full SYN backlog.
      this.metrics.refusedPending += 1;
      client.resetAndDestroy();
      return;
    }
    this.sockets.add(client);
    client.once("close", () => this.sockets.delete(client));
    this.pending += 1;
    let head = Buffer.alloc(0);
    let waiting = true;
    const route = (withHeaders: boolean) => {
      if (!waiting) return;
      waiting = false;
      this.pending -= 1;
      clearTimeout(timer);
      // Pause before removing the listener: a flowing stream without one would drop data.
      client.pause();
      client.off("data", onData);
      client.off("end", onEnd);
      client.off("close", onClose);
      if (!withHeaders) this.metrics.routedWithoutHeaders += 1;
      this.forward(client, head);
    };
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (head.includes("\r\n\r\n") || head.length >= PEEK_LIMIT) route(true);
    };
    // A client that half-closes before its headers are complete is relayed with what it sent.
    const onEnd = () => route(false);
    const onClose = () => {
      if (!waiting) return;
      waiting = false;
      this.pending -= 1;
      clearTimeout(timer);
    };
    const timer = setTimeout(() => route(false), this.options.headWaitMs ?? DEFAULT_LIMITS.acceleratorHeadWaitMs);
    client.on("data", onData);
    client.once("end", onEnd);
    client.once("close", onClose);
  }

  private forward(client: Socket, head: Buffer): void {
    if (client.destroyed) return;
    const flow = { sourceIp: client.remoteAddress ?? "127.0.0.1", sourcePort: client.remotePort ?? 0, clientRegion: clientRegionOf(head) };
    const decision = this.route(flow);
    if (!decision) {
      client.destroy();
      return;
    }
    const group = this.group(decision.region);
    group.connections += 1;
    const upstream = connect({ host: group.host, port: group.port, allowHalfOpen: true });
    this.sockets.add(upstream);
    let connected = false;
    upstream.once("connect", () => (connected = true));
    upstream.once("error", () => {
      if (!connected) group.refused += 1;
    });
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    // The ALB's side ended (it answered and closed, or failed): relay what it sent, then close the
    // client's side. Destroying a socket whose client is still uploading (a 413 to a 3 MB PUT) would
    // reset it, and the reset throws away the answer the client has not read yet: instead the
    // upload is read and dropped for a moment after the FIN, as the ALB itself does (lingering close).
    const endClient = () => {
      if (client.destroyed) return;
      client.unpipe(upstream);
      client.on("data", () => undefined);
      client.resume();
      client.end();
      const timer = setTimeout(() => client.destroy(), LINGER_MS);
      timer.unref();
      client.once("close", () => clearTimeout(timer));
    };
    // The client failed: both connections end, as the edge would end them.
    upstream.on("error", endClient);
    client.on("error", closeBoth);
    upstream.once("close", () => {
      this.sockets.delete(upstream);
      endClient();
    });
    client.once("close", () => upstream.destroy());
    // Idle in both directions for the idle timeout: Global Accelerator closes the connection.
    client.setTimeout(this.options.idleTimeoutMs ?? DEFAULT_LIMITS.acceleratorIdleTimeoutMs, () => {
      this.metrics.idleTimeouts += 1;
      closeBoth();
    });
    if (head.length > 0) upstream.write(head);
    // pipe() ends the other side on 'end': a FIN is relayed, the other direction keeps flowing.
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
    if (client.readableEnded) upstream.end();
  }
}

/** The `x-client-region` header of the first request on a connection, if it names a known region. */
export function clientRegionOf(head: Buffer): string | undefined {
  const text = head.toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  const match = new RegExp(`\\r\\n${CLIENT_REGION_HEADER}:[ \\t]*([a-z0-9-]+)[ \\t]*\\r\\n`, "i").exec(
    (end === -1 ? text : text.slice(0, end)) + "\r\n",
  );
  const region = match?.[1].toLowerCase();
  return region && AWS_REGIONS.includes(region) ? region : undefined;
}
