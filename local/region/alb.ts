/**
 * One region's Application Load Balancer, emulated: an HTTP listener on 127.0.0.1 that turns each
 * request into the ALB's Lambda event (local/region/alb-event.ts), invokes the region's function and turns
 * its result back into the HTTP response; and the target group's health check on the same function.
 *
 * It holds the limits AWS documents for an ALB with a Lambda target (local/limits.ts) and answers
 * what breaks them the way the ALB does, before the function is involved: a body over 1 MB 413,
 * oversized headers 400, a URL over 16 K 414, a silent client 408 after the idle timeout, a
 * malformed or unfinished request 400. No client can take the listener or the process down: every
 * socket and parser error ends that one connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { HealthCheckSettings } from "../../model/config";
import { fromALBResult, healthCheckEvent, toALBEvent } from "./alb-event";
import { type FunctionHost, InvocationError } from "./function-host";
import { type CheckResult, HealthChecker, type TargetState, type Transition } from "./health-checker";
import { ALB_LIMITS, DEFAULT_LIMITS } from "../limits";
import type { TimeScale } from "../../lib/time-scale";

/**
 * The status the ALB answers a request with before it reaches the function, or undefined when the
 * request is within the limits: 405 TRACE, 414 request line over 16 K, 400 a header line over 16 K or
 * all header lines over 64 K, 501 a Transfer-Encoding other than chunked/identity, 463 more than 30
 * addresses in X-Forwarded-For. (Sizes are bytes; Node passes header bytes through as latin1.)
 */
export function refusalFor(req: { readonly method: string; readonly url: string; readonly rawHeaders: readonly string[] }): number | undefined {
  if (req.method === "TRACE") return 405;
  if (`${req.method} ${req.url} HTTP/1.1`.length > ALB_LIMITS.requestLineBytes) return 414;
  let total = 0;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const line = req.rawHeaders[i].length + 2 + req.rawHeaders[i + 1].length;
    if (line > ALB_LIMITS.singleHeaderBytes) return 400;
    total += line + 2;
  }
  if (total > ALB_LIMITS.requestHeaderBytes) return 400;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1];
    if (name === "transfer-encoding" && value.split(",").some((v) => !/^\s*(chunked|identity)\s*$/i.test(v))) return 501;
    if (name === "x-forwarded-for" && value.split(",").length > ALB_LIMITS.forwardedForAddresses) return 463;
  }
  return undefined;
}

/** The ALB's own error page (it answers in HTML, `server: awselb/2.0`). */
export function albErrorPage(status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? ""}`.trim();
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
}

/** A whole HTTP/1.1 error response as bytes, for sockets the HTTP server has given up on. */
function rawErrorResponse(status: number): string {
  const page = albErrorPage(status);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\nServer: awselb/2.0\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(page)}\r\nConnection: close\r\n\r\n${page}`;
}

/** What the ALB answers for a parser or socket error; undefined: just close (the client is gone). */
function statusForClientError(code: string | undefined): number | undefined {
  switch (code) {
    case "ECONNRESET":
    case "EPIPE":
    case "ETIMEDOUT":
      return undefined;
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return 408;
    case "HPE_INVALID_TRANSFER_ENCODING":
      return 501;
    default:
      // HPE_HEADER_OVERFLOW (headers far over 64 K), HPE_INVALID_CHUNK_SIZE, HPE_INVALID_METHOD, …
      return 400;
  }
}

/** Node's own header limit: above the ALB's (request line + headers), so refusalFor decides between them. */
const NODE_MAX_HEADER_BYTES = ALB_LIMITS.requestLineBytes + ALB_LIMITS.requestHeaderBytes + 1024;

/** How long a connection whose request was refused is drained before it is cut (the client may still be sending). */
const LINGER_MS = 1000;

/** A request that ends at the ALB with `status`. */
class Refusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Settings of a {@link RegionalAlb}. */
export interface RegionalAlbOptions {
  readonly region: string;
  /** The region's function. */
  readonly target: FunctionHost;
  /** The target group's health check. */
  readonly healthCheck: HealthCheckSettings;
  /** Model seconds from registration to the first health check (the cycle's phase). @default 0 */
  readonly healthCheckPhaseSeconds?: number;
  /** The target group's multi-value headers setting. */
  readonly multiValueHeaders: boolean;
  readonly timeScale: TimeScale;
  /** Loopback address to listen on (each region has its own when DNS points at it: local/runtime/loopback.ts). @default "127.0.0.1" */
  readonly host?: string;
  /** Port on `host`. @default 0 (any free port) */
  readonly port?: number;
  /** Connection idle timeout, real ms (see LocalLimits.albIdleTimeoutMs). @default 60000 */
  readonly idleTimeoutMs?: number;
  /** Longest a request may take to arrive, real ms (see LocalLimits.albRequestTimeoutMs). @default 300000 */
  readonly requestTimeoutMs?: number;
  /** Told of every target health change. */
  readonly onTransition?: (t: Transition) => void;
  /** Told of every health check. */
  readonly onCheck?: (r: CheckResult) => void;
}

/**
 * What the ALB did, counted like its CloudWatch metrics (its own target-group health checks are not
 * requests). Route 53's health checkers do send requests; they are counted apart, so `requests` is
 * client traffic (what the dashboard's share shows).
 */
export interface AlbMetrics {
  /** Requests received from clients. */
  requests: number;
  /** Requests from Route 53 health checkers (User-Agent `Amazon-Route53-Health-Check-Service`). */
  route53HealthChecks: number;
  /** Requests the function answered (any status). */
  targetResponses: number;
  /** Requests the ALB answered itself, by status (400, 408, 413, 502, 504, …). */
  elbResponses: Record<string, number>;
  /** Clients that went away before their request had fully arrived (the ALB logs 400 or 460). */
  clientClosed: number;
}

/** A region's ALB: listener, target group (one Lambda target) and its health check. */
export class RegionalAlb {
  readonly targetGroupArn: string;
  readonly checker: HealthChecker;
  readonly metrics: AlbMetrics = { requests: 0, route53HealthChecks: 0, targetResponses: 0, elbResponses: {}, clientClosed: 0 };
  private server?: Server;
  private boundPort: number;
  private readonly idleTimeoutMs: number;
  /** The response in progress on each connection, so a parser error knows whether one was started. */
  private readonly responses = new WeakMap<Duplex, ServerResponse>();
  /** Connections answered with a raw error response after a parser error: nothing more is written to them. */
  private readonly answeredRaw = new WeakSet<Duplex>();
  /** The last request handled on each connection: pipelined requests wait for the one before. */
  private readonly lastOnConnection = new WeakMap<Duplex, Promise<void>>();

  constructor(private readonly options: RegionalAlbOptions) {
    this.boundPort = options.port ?? 0;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_LIMITS.albIdleTimeoutMs;
    this.targetGroupArn = `arn:aws:elasticloadbalancing:${options.region}:000000000000:targetgroup/local-${options.region}/0`;
    const event = healthCheckEvent(options.healthCheck.path, this.targetGroupArn, options.multiValueHeaders);
    this.checker = new HealthChecker({
      settings: options.healthCheck,
      timeScale: options.timeScale,
      phaseSeconds: options.healthCheckPhaseSeconds,
      // A health check is an invocation of its own: it takes an idle environment or waits ahead of
      // user invocations, and is throttled like any other at the concurrency cap (a failed check).
      probe: async () => {
        try {
          return (await options.target.invoke(event, { priority: true })).statusCode;
        } catch (err) {
          throw new Error(err instanceof InvocationError ? `function ${err.kind}` : "target unavailable");
        }
      },
      onTransition: options.onTransition,
      onCheck: options.onCheck,
    });
  }

  /** `http://<host>:<port>` (stable across kill and restore). */
  get url(): string {
    return `http://${this.host}:${this.boundPort}`;
  }

  /** The address the listener binds. */
  get host(): string {
    return this.options.host ?? "127.0.0.1";
  }

  get port(): number {
    return this.boundPort;
  }

  /** The target's health state. */
  get state(): TargetState {
    return this.checker.state;
  }

  /** Requests received (health checks not included). */
  get requests(): number {
    return this.metrics.requests;
  }

  /** True while the listener accepts connections. */
  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /** Opens the listener (on the same port as before, after a kill) and starts the health checks. */
  async listen(): Promise<void> {
    if (this.listening) return;
    const idle = this.idleTimeoutMs;
    const requestTimeout = Math.max(idle, this.options.requestTimeoutMs ?? DEFAULT_LIMITS.albRequestTimeoutMs);
    const server = createServer(
      {
        maxHeaderSize: NODE_MAX_HEADER_BYTES,
        // The ALB's idle timeout: the headers must arrive within it, an idle keep-alive connection closes after it.
        headersTimeout: idle,
        keepAliveTimeout: idle,
        requestTimeout,
        // How often Node looks for connections past those timeouts.
        connectionsCheckingInterval: Math.max(10, Math.min(30_000, Math.floor(idle / 4))),
      },
      (req, res) => this.serve(req, res),
    );
    server.maxHeadersCount = 0; // the ALB documents byte limits, not a header count: refusalFor applies them
    // A client that half-closes (FIN after its request) still gets its answer; by default Node would
    // abort the request. (A long-standing property of http.Server, set false in its constructor.)
    (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
    server.on("checkContinue", (req, res) => {
      // Refuse an oversized upload before the client sends it, as the ALB does; else let it come.
      if (Number(req.headers["content-length"]) > ALB_LIMITS.lambdaRequestBodyBytes) return this.serve(req, res);
      res.writeContinue();
      this.serve(req, res);
    });
    server.on("upgrade", (_req, socket: Duplex) => {
      // Lambda targets do not support WebSockets: "Upgrade requests are rejected with an HTTP 400 code".
      this.count(400);
      socket.on("error", () => socket.destroy());
      socket.end(rawErrorResponse(400));
    });
    server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => this.onClientError(err, socket));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.boundPort, this.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", () => undefined);
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    this.checker.start();
  }

  /** Closes the listener and cuts its open connections (a region outage); health checks go on, and fail. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Closes the listener and stops the health checks for good. */
  async shutdown(): Promise<void> {
    this.checker.stop();
    await this.close();
  }

  /**
   * Handles one request; never rejects (a failure ends that request, not the listener). Requests
   * pipelined on one connection run one after the other, in order, as behind an ALB: Node's server
   * hands them over at once, and two invocations at once would let `PUT v=2` land before `PUT v=1`.
   */
  private serve(req: IncomingMessage, res: ServerResponse): void {
    const before = this.lastOnConnection.get(req.socket) ?? Promise.resolve();
    const done = before.then(() =>
      this.handle(req, res).catch((err: unknown) => {
        console.error(`local ALB ${this.options.region}: unexpected error:`, err);
        this.refuse(req, res, 500);
      }),
    );
    this.lastOnConnection.set(req.socket, done);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (/^Amazon-Route53-Health-Check-Service/.test(req.headers["user-agent"] ?? "")) this.metrics.route53HealthChecks += 1;
    else this.metrics.requests += 1;
    this.responses.set(req.socket, res);
    res.on("error", () => undefined);
    const refused = refusalFor({ method: req.method ?? "GET", url: req.url ?? "/", rawHeaders: req.rawHeaders });
    if (refused) return this.refuse(req, res, refused);
    if (Number(req.headers["content-length"]) > ALB_LIMITS.lambdaRequestBodyBytes) return this.refuse(req, res, 413);
    let body: Buffer;
    try {
      body = await this.readBody(req);
    } catch (err) {
      const status = err instanceof Refusal ? err.status : 400;
      if (status === 400) this.metrics.clientClosed += 1;
      return this.refuse(req, res, status);
    }
    const event = toALBEvent(
      { method: req.method ?? "GET", url: req.url ?? "/", rawHeaders: req.rawHeaders, body, remoteAddress: req.socket.remoteAddress, port: this.boundPort },
      this.targetGroupArn,
      this.options.multiValueHeaders,
    );
    // The ALB waits for the function at most its idle timeout, then answers 504; the invocation is
    // cancelled, so a request answered 504 is never carried out afterwards.
    const waited = AbortSignal.timeout(this.idleTimeoutMs);
    let response: ReturnType<typeof fromALBResult>;
    try {
      response = fromALBResult(await this.options.target.invoke(event, { signal: waited }), this.options.multiValueHeaders);
    } catch (err) {
      if (err instanceof InvocationError && err.kind === "aborted") return this.refuse(req, res, 504);
      // What an ALB answers when the Lambda fails, times out, is throttled or cannot be invoked.
      response = undefined;
    }
    if (!response) return this.refuse(req, res, 502);
    this.metrics.targetResponses += 1;
    // The client may be gone by now: the function ran (as on AWS) and the answer goes nowhere.
    if (res.destroyed) return;
    res.statusCode = response.status;
    for (const [k, v] of response.headers) res.appendHeader(k, v);
    res.end(req.method === "HEAD" ? undefined : response.body);
  }

  /** The request body, at most 1 MB; rejects with a Refusal (413, 408) or when the client goes away. */
  private readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      // A pipelined request whose connection went while it waited its turn: nobody to answer.
      if (req.destroyed) return reject(new Error("the client closed the connection before the request was handled"));
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        req.setTimeout(0);
        req.off("data", onData);
        if (err) reject(err);
        else resolve(Buffer.concat(chunks));
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > ALB_LIMITS.lambdaRequestBodyBytes) return settle(new Refusal(413, "request body over 1 MB"));
        chunks.push(chunk);
      };
      // Idle timeout: a client that stops sending mid-body is answered 408.
      req.setTimeout(this.idleTimeoutMs, () => settle(new Refusal(408, "no data within the idle timeout")));
      req.on("data", onData);
      req.once("end", () => settle());
      req.once("error", (err) => settle(err));
      req.once("close", () => settle(new Error("the client closed the connection before the request ended")));
    });
  }

  /** The ALB answers `status` itself; requests it refused close their connection after a short drain. */
  private refuse(req: IncomingMessage, res: ServerResponse, status: number): void {
    if (res.headersSent || res.destroyed || this.answeredRaw.has(req.socket)) return;
    this.count(status);
    const close = status < 500;
    res.writeHead(status, { "content-type": "text/html", server: "awselb/2.0", ...(close ? { connection: "close" } : {}) });
    res.end(req.method === "HEAD" ? undefined : albErrorPage(status));
    if (close && !req.complete) {
      // The client may still be sending a body nobody will read: discard it for a moment, then cut.
      // Node's server would destroy the socket as soon as the answer is written (destroySoon), and a
      // socket destroyed with unread data sends a reset, which can throw the answer away before the
      // client (or the accelerator relaying it) reads it: end it instead (FIN after the answer).
      req.resume();
      const socket = req.socket as Socket;
      socket.destroySoon = () => socket.end();
      const timer = setTimeout(() => socket.destroy(), LINGER_MS);
      timer.unref();
      socket.once("close", () => clearTimeout(timer));
    }
  }

  /** A parser or socket error on a connection: answer it if no response was started, then close it. */
  private onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
    socket.on("error", () => undefined);
    const status = statusForClientError(err.code);
    const res = this.responses.get(socket);
    if (status !== undefined && socket.writable && !res?.headersSent) {
      this.count(status);
      this.answeredRaw.add(socket);
      socket.end(rawErrorResponse(status));
      const timer = setTimeout(() => socket.destroy(), LINGER_MS);
      timer.unref();
      socket.once("close", () => clearTimeout(timer));
      return;
    }
    socket.destroy();
  }

  private count(status: number): void {
    this.metrics.elbResponses[status] = (this.metrics.elbResponses[status] ?? 0) + 1;
  }
}
