/**
 * Server-sent events (the WHATWG "text/event-stream" format), both ends:
 *
 * - {@link SseHub}: the server side, for many clients at once. Each message is serialized once and
 *   written to every client. No client can hurt the others or the process: the number of clients is
 *   capped (one more gets a 503), a client whose unsent data piles up past `maxBufferedBytes` (it
 *   stopped reading, or reads slower than the stream is written) is disconnected instead of buffered
 *   without bound, and a client that vanished is dropped when its socket closes or the next write to
 *   it fails. A comment line every `heartbeatMs` finds dead peers and keeps idle proxies from closing
 *   the stream. Browsers' EventSource reconnects by itself after `retry` ms.
 * - {@link readSse}: the client side for Node (which has no EventSource), used by the drill to watch
 *   a running local system and by the tests.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Limits of an {@link SseHub}. */
export interface SseLimits {
  /** Clients connected at once, at most; one more is answered 503. @default 64 */
  readonly maxClients: number;
  /** Bytes written to a client and not yet taken by its socket, at most, before it is disconnected. @default 1 MiB */
  readonly maxBufferedBytes: number;
  /** Real ms between heartbeat comments. @default 15000 */
  readonly heartbeatMs: number;
  /** Reconnection delay the client is told, ms. @default 1000 */
  readonly retryMs: number;
}

/** Defaults of {@link SseLimits}. */
export const DEFAULT_SSE_LIMITS: SseLimits = { maxClients: 64, maxBufferedBytes: 1024 * 1024, heartbeatMs: 15_000, retryMs: 1000 };

/** What an {@link SseHub} has done, for the admin state and the tests. */
export interface SseMetrics {
  /** Streams opened. */
  accepted: number;
  /** Clients turned away because `maxClients` were connected. */
  refused: number;
  /** Clients disconnected because they did not read what was sent (over `maxBufferedBytes`). */
  droppedSlow: number;
}

/** One message in the event-stream format; `data` is sent as one line of JSON. */
export function sseMessage(event: string, data: unknown): string {
  // JSON.stringify never emits a raw newline, so the data is a single "data:" line.
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The server side of an event stream with many clients. */
export class SseHub {
  readonly metrics: SseMetrics = { accepted: 0, refused: 0, droppedSlow: 0 };
  private readonly limits: SseLimits;
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(limits: Partial<SseLimits> = {}) {
    this.limits = { ...DEFAULT_SSE_LIMITS, ...limits };
    this.heartbeat = setInterval(() => this.write(": heartbeat\n\n"), this.limits.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Clients connected now. */
  get size(): number {
    return this.clients.size;
  }

  /**
   * Answers `req` with an event stream and keeps `res` as a client; `first` is sent to it alone,
   * before anything broadcast later. Returns false when the hub is full (`res` got a 503).
   */
  accept(req: IncomingMessage, res: ServerResponse, first?: string): boolean {
    if (this.clients.size >= this.limits.maxClients) {
      this.metrics.refused += 1;
      res.writeHead(503, { "content-type": "application/json", "retry-after": "5" });
      res.end(`${JSON.stringify({ error: `too many event streams open (${this.limits.maxClients}); close one and retry` })}\n`);
      return false;
    }
    this.metrics.accepted += 1;
    req.socket.setNoDelay(true);
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive" });
    this.clients.add(res);
    const drop = () => this.clients.delete(res);
    res.once("close", drop);
    res.on("error", drop);
    this.send(res, `retry: ${this.limits.retryMs}\n\n${first ?? ""}`);
    return true;
  }

  /** Sends one message to every client (serialized once). */
  broadcast(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    this.write(sseMessage(event, data));
  }

  /** Ends every stream and stops the heartbeat. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.destroy();
    this.clients.clear();
  }

  private write(text: string): void {
    for (const res of this.clients) this.send(res, text);
  }

  private send(res: ServerResponse, text: string): void {
    if (res.destroyed) {
      this.clients.delete(res);
      return;
    }
    // What the socket has not taken yet: a client that stopped reading is let go, not buffered for.
    if (res.writableLength > this.limits.maxBufferedBytes) {
      this.metrics.droppedSlow += 1;
      this.clients.delete(res);
      res.destroy();
      return;
    }
    res.write(text);
  }
}

/** One message read from an event stream. */
export interface SseEvent {
  /** The `event:` field; "message" when there was none. */
  readonly event: string;
  /** The `data:` lines, joined by newlines. */
  readonly data: string;
}

/** The chunks of a web stream (a `fetch` body), or of any byte iterable. */
async function* chunksOf(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (!("getReader" in body)) return yield* body;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stopping early (a consumer's break) cancels the stream: the connection closes.
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * The messages of an event stream, as they arrive (a `fetch` response body, or any byte iterable).
 * Comments and `retry:`/`id:` fields are skipped; a message ends at a blank line.
 */
export async function* readSse(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  let event = "";
  let data: string[] = [];
  /** Takes the complete lines out of `buffer`; at the end of the stream a final CR ends a line too. */
  function* lines(end: boolean): Generator<string> {
    let newline: number;
    while ((newline = buffer.search(/\r\n|\r|\n/)) !== -1) {
      // A CR at the end of what arrived may be the first half of a CRLF: wait for the next chunk.
      if (!end && buffer[newline] === "\r" && newline === buffer.length - 1) return;
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1));
      yield line;
    }
  }
  /** One line of the stream; a message when it ends one. */
  const take = (line: string): SseEvent | undefined => {
    if (line === "") {
      const message = data.length > 0 ? { event: event || "message", data: data.join("\n") } : undefined;
      event = "";
      data = [];
      return message;
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    return undefined;
  };
  for await (const chunk of chunksOf(body)) {
    buffer += decoder.decode(chunk, { stream: true });
    for (const line of lines(false)) {
      const message = take(line);
      if (message) yield message;
    }
  }
  // A message not ended by a blank line when the stream ends is dropped, as the format says.
  for (const line of lines(true)) {
    const message = take(line);
    if (message) yield message;
  }
}
