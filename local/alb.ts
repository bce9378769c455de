/**
 * One region's Application Load Balancer, emulated: an HTTP listener on 127.0.0.1 that turns each
 * request into the ALB's Lambda event (single- or multi-value header form, as the target group is
 * configured), invokes the region's function and turns its result back into the HTTP response; and
 * the target group's health check on the same function.
 */
import type { ALBEvent, ALBResult } from "aws-lambda";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { HealthCheckSettings } from "../model/config";
import type { FunctionHost } from "./function-host";
import { type CheckResult, HealthChecker, type TargetState, type Transition } from "./health-checker";
import type { TimeScale } from "./time-scale";

/** Content types the ALB passes as text; any other body is base64-encoded (`isBase64Encoded: true`). */
const TEXT_TYPES = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

const FORWARDED = new Set(["x-forwarded-for", "x-forwarded-proto", "x-forwarded-port", "x-amzn-trace-id"]);

/** What the ALB needs from an HTTP request to build the event. */
export interface RawRequest {
  readonly method: string;
  /** Path and query as received, still URL-encoded. */
  readonly url: string;
  /** Header name/value pairs as received (`rawHeaders`), names in any case. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly remoteAddress?: string;
  readonly port: number;
}

/**
 * The event an ALB sends a Lambda target. Header names are lower-cased; query strings and the path are
 * passed as received (not decoded), as the ALB does. The single-value form keeps the last value of a
 * repeated header or query parameter.
 */
export function toALBEvent(req: RawRequest, targetGroupArn: string, multiValue: boolean): ALBEvent {
  const q = req.url.indexOf("?");
  const path = q === -1 ? req.url : req.url.slice(0, q);
  const query: [string, string][] = q === -1
    ? []
    : req.url.slice(q + 1).split("&").filter(Boolean).map((pair) => {
        const eq = pair.indexOf("=");
        return eq === -1 ? [pair, ""] : [pair.slice(0, eq), pair.slice(eq + 1)];
      });
  const received: [string, string][] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) received.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
  // The ALB sets the x-forwarded-* headers itself, appending the client to any x-forwarded-for it got.
  const forwardedFor = received.find(([k]) => k === "x-forwarded-for")?.[1];
  const client = req.remoteAddress ?? "127.0.0.1";
  const headers: [string, string][] = [
    ...received.filter(([k]) => !FORWARDED.has(k)),
    ["x-forwarded-for", forwardedFor ? `${forwardedFor}, ${client}` : client],
    ["x-forwarded-proto", "http"],
    ["x-forwarded-port", String(req.port)],
    ["x-amzn-trace-id", `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomHex(24)}`],
  ];
  const contentType = headers.find(([k]) => k === "content-type")?.[1] ?? "";
  const binary = req.body.length > 0 && !TEXT_TYPES.test(contentType);
  const event: ALBEvent = {
    requestContext: { elb: { targetGroupArn } },
    httpMethod: req.method,
    path,
    body: binary ? req.body.toString("base64") : req.body.toString("utf8"),
    isBase64Encoded: binary,
  };
  if (multiValue) {
    event.multiValueHeaders = group(headers);
    event.multiValueQueryStringParameters = group(query);
  } else {
    event.headers = Object.fromEntries(headers);
    event.queryStringParameters = Object.fromEntries(query);
  }
  return event;
}

/** The event of an ALB health check of a Lambda target. */
export function healthCheckEvent(path: string, targetGroupArn: string, multiValue: boolean): ALBEvent {
  const event: ALBEvent = {
    requestContext: { elb: { targetGroupArn } },
    httpMethod: "GET",
    path,
    body: "",
    isBase64Encoded: false,
  };
  if (multiValue) {
    event.multiValueHeaders = { "user-agent": ["ELB-HealthChecker/2.0"] };
    event.multiValueQueryStringParameters = {};
  } else {
    event.headers = { "user-agent": "ELB-HealthChecker/2.0" };
    event.queryStringParameters = {};
  }
  return event;
}

/** The HTTP response for a Lambda result, or undefined when the result is malformed (the ALB answers 502). */
export function fromALBResult(result: unknown, multiValue: boolean): { status: number; headers: [string, string][]; body: Buffer } | undefined {
  if (typeof result !== "object" || result === null) return undefined;
  const r = result as ALBResult;
  if (!Number.isInteger(r.statusCode) || r.statusCode < 100 || r.statusCode > 599) return undefined;
  const headers: [string, string][] = [];
  // A target group with multi-value headers reads multiValueHeaders only, and vice versa.
  if (multiValue) {
    for (const [k, vs] of Object.entries(r.multiValueHeaders ?? {})) for (const v of vs ?? []) headers.push([k, String(v)]);
  } else {
    for (const [k, v] of Object.entries(r.headers ?? {})) headers.push([k, String(v)]);
  }
  const body = r.body ? Buffer.from(r.body, r.isBase64Encoded ? "base64" : "utf8") : Buffer.alloc(0);
  return { status: r.statusCode, headers, body };
}

function group(pairs: readonly [string, string][]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of pairs) (out[k] ??= []).push(v);
  return out;
}

function randomHex(n: number): string {
  let s = "";
  while (s.length < n) s += Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, "0");
  return s.slice(0, n);
}

/** Settings of a {@link RegionalAlb}. */
export interface RegionalAlbOptions {
  readonly region: string;
  /** The region's function. */
  readonly target: FunctionHost;
  /** The target group's health check. */
  readonly healthCheck: HealthCheckSettings;
  /** The target group's multi-value headers setting. */
  readonly multiValueHeaders: boolean;
  readonly timeScale: TimeScale;
  /** Port on 127.0.0.1. @default 0 (any free port) */
  readonly port?: number;
  /** Told of every target health change. */
  readonly onTransition?: (t: Transition) => void;
  /** Told of every health check. */
  readonly onCheck?: (r: CheckResult) => void;
}

/** A region's ALB: listener, target group (one Lambda target) and its health check. */
export class RegionalAlb {
  readonly targetGroupArn: string;
  readonly checker: HealthChecker;
  private server?: Server;
  private boundPort: number;
  /** Requests answered (any status), for the live view. */
  requests = 0;

  constructor(private readonly options: RegionalAlbOptions) {
    this.boundPort = options.port ?? 0;
    this.targetGroupArn = `arn:aws:elasticloadbalancing:${options.region}:000000000000:targetgroup/local-${options.region}/0`;
    const event = healthCheckEvent(options.healthCheck.path, this.targetGroupArn, options.multiValueHeaders);
    this.checker = new HealthChecker({
      settings: options.healthCheck,
      timeScale: options.timeScale,
      probe: async () => (await options.target.invoke(event)).statusCode,
      onTransition: options.onTransition,
      onCheck: options.onCheck,
    });
  }

  /** `http://127.0.0.1:<port>` (stable across kill and restore). */
  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  get port(): number {
    return this.boundPort;
  }

  /** The target's health state. */
  get state(): TargetState {
    return this.checker.state;
  }

  /** True while the listener accepts connections. */
  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /** Opens the listener (on the same port as before, after a kill) and starts the health checks. */
  async listen(): Promise<void> {
    if (this.listening) return;
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 60_000; // the ALB's default idle timeout
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.boundPort, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const event = toALBEvent(
      { method: req.method ?? "GET", url: req.url ?? "/", rawHeaders: req.rawHeaders, body: Buffer.concat(chunks), remoteAddress: req.socket.remoteAddress, port: this.boundPort },
      this.targetGroupArn,
      this.options.multiValueHeaders,
    );
    this.requests += 1;
    let response: ReturnType<typeof fromALBResult>;
    try {
      response = fromALBResult(await this.options.target.invoke(event), this.options.multiValueHeaders);
    } catch {
      response = undefined;
    }
    if (!res.writable) return;
    if (!response) {
      // What an ALB answers when the Lambda fails, times out or returns something it cannot read.
      res.writeHead(502, { "content-type": "text/html", server: "awselb/2.0" }).end("<html><body><h1>502 Bad Gateway</h1></body></html>\n");
      return;
    }
    res.statusCode = response.status;
    for (const [k, v] of response.headers) res.appendHeader(k, v);
    res.end(req.method === "HEAD" ? undefined : response.body);
  }
}
