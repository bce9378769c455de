/**
 * Server-sent events over real sockets: the hub's format and fan-out, its client cap, and that a
 * client that stops reading or vanishes is let go without hurting the others; the reader parses what
 * the format allows (CRLF, comments, multi-line data, chunks split anywhere).
 */
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { readSse, type SseEvent, SseHub, sseMessage } from "../../../local/admin/sse";
import { exchange, pause, rawRequest, statusOf } from "../sockets";
import { waitFor } from "../support";

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield new TextEncoder().encode(p);
}
async function all(body: AsyncIterable<Uint8Array>): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const e of readSse(body)) out.push(e);
  return out;
}

describe("readSse", () => {
  it("reads events, data lines and defaults as the format defines them", async () => {
    expect(await all(chunks("event: a\ndata: 1\n\n", ": comment\nretry: 10\ndata: x\ndata: y\n\n", "data:no-space\n\n"))).toEqual([
      { event: "a", data: "1" },
      { event: "message", data: "x\ny" },
      { event: "message", data: "no-space" },
    ]);
  });

  it("handles CRLF and CR line ends, split across chunks anywhere", async () => {
    const text = "event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\r";
    for (let cut = 1; cut < text.length; cut++) {
      expect(await all(chunks(text.slice(0, cut), text.slice(cut)))).toEqual([
        { event: "a", data: "1" },
        { event: "b", data: "2" },
      ]);
    }
  });

  it("round-trips sseMessage, whatever the JSON holds", async () => {
    const data = { text: "line\nbreak\r\n: not a comment\n\nevent: fake", n: 1 };
    const [e] = await all(chunks(sseMessage("tick", data)));
    expect(e.event).toBe("tick");
    expect(JSON.parse(e.data)).toEqual(data);
  });
});

describe("SseHub over HTTP", () => {
  let server: Server;
  let hub: SseHub;
  let url: string;
  beforeEach(async () => {
    hub = new SseHub({ maxClients: 3, maxBufferedBytes: 256 * 1024, heartbeatMs: 50 });
    server = createServer((req, res) => hub.accept(req, res, sseMessage("hello", { n: hub.size })));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    hub.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it("sends the first message, then every broadcast, in order, to every client", async () => {
    const controllers = [new AbortController(), new AbortController()];
    const streams = await Promise.all(controllers.map(async (c) => readSse((await fetch(url, { signal: c.signal })).body!)));
    await waitFor("both clients", () => hub.size === 2);
    for (let i = 0; i < 3; i++) hub.broadcast("tick", { i });
    for (const s of streams) {
      const got: SseEvent[] = [];
      for await (const e of s) {
        got.push(e);
        if (got.length === 4) break;
      }
      expect(got[0].event).toBe("hello");
      expect(got.slice(1).map((e) => JSON.parse(e.data).i)).toEqual([0, 1, 2]);
    }
    controllers.forEach((c) => c.abort());
    await waitFor("the clients to be dropped", () => hub.size === 0);
  });

  it("answers the client over the cap 503 with a reason, and takes new clients when one leaves", async () => {
    const open = await Promise.all([0, 1, 2].map(() => new AbortController()).map(async (c) => ({ c, res: await fetch(url, { signal: c.signal }) })));
    expect(open.map((o) => o.res.status)).toEqual([200, 200, 200]);
    const refused = await fetch(url);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect((await refused.json()).error).toMatch(/too many event streams open \(3\)/);
    expect(hub.metrics.refused).toBe(1);
    open[0].c.abort();
    await waitFor("one client to leave", () => hub.size === 2);
    const again = new AbortController();
    expect((await fetch(url, { signal: again.signal })).status).toBe(200);
    again.abort();
    open.slice(1).forEach((o) => o.c.abort());
  });

  it("drops clients that vanish (reset mid-stream) on their own, and heartbeats go on to the rest", async () => {
    const port = Number(new URL(url).port);
    const gone = [0, 1].map(() =>
      exchange(port, async (socket) => {
        socket.write(rawRequest("/", ["Connection: keep-alive"]));
        await pause(30);
        socket.resetAndDestroy();
      }),
    );
    await Promise.all(gone);
    await waitFor("vanished clients to be dropped", () => hub.size === 0);
    const seen = await exchange(port, (socket) => void socket.write(rawRequest("/", ["Connection: keep-alive"])), { waitMs: 300 });
    expect(statusOf(seen.text)).toBe(200);
    expect(seen.text).toMatch(/content-type: text\/event-stream/i);
    expect(seen.text.match(/: heartbeat/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it("disconnects a client that stops reading once its unsent data passes the limit, and the reading client gets everything", async () => {
    // The stuck client: sends its request, then never reads.
    const stuck = connect({ host: "127.0.0.1", port: Number(new URL(url).port) });
    stuck.on("error", () => undefined);
    stuck.write(rawRequest("/", ["Connection: keep-alive"]));
    stuck.pause();
    const reader = new AbortController();
    const stream = readSse((await fetch(url, { signal: reader.signal })).body!);
    await waitFor("two clients", () => hub.size === 2);
    // Far more than the kernel's socket buffers hold on loopback, in 16 KB messages.
    const payload = "x".repeat(16 * 1024);
    const messages = 1000;
    let received = 0;
    const reading = (async () => {
      for await (const e of stream) {
        if (e.event === "bulk") received += 1;
        if (received === messages) break;
      }
    })();
    for (let i = 0; i < messages; i++) {
      hub.broadcast("bulk", { i, payload });
      // Let the sockets move data between broadcasts, as a live system's timers would.
      await new Promise((r) => setImmediate(r));
    }
    await reading;
    expect(received).toBe(messages);
    expect(hub.metrics.droppedSlow).toBe(1);
    expect(hub.size).toBe(1);
    reader.abort();
    // When it reads at last, it finds its stream ended by the server, with only part of what was sent.
    let bytes = 0;
    stuck.on("data", (c: Buffer) => (bytes += c.length));
    const closed = new Promise((resolve) => stuck.once("close", resolve));
    stuck.resume();
    await closed;
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(messages * payload.length);
  });
});
