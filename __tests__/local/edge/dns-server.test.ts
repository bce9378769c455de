/**
 * The authoritative DNS server over real sockets: Node's own resolver (c-ares), raw dns-packet
 * queries over UDP and TCP, and clients that misbehave. After every test a real query still answers
 * over both transports.
 */
import { createSocket } from "node:dgram";
import { Resolver } from "node:dns/promises";
import { connect } from "node:net";
import { decode, encode, type Packet } from "dns-packet";
import { CLIENT_REGION_OPTION } from "../../../lib/dns-probe";
import { LocalDnsServer } from "../../../local/edge/dns-server";
import { answerQuestion, type ZoneOptions } from "../../../local/edge/dns-zone";
import { exchange, pause } from "../sockets";
import { waitFor } from "../support";

const zone: ZoneOptions = {
  zone: "example.com",
  names: new Map([
    ["api.example.com", (client: string) => ({ address: client === "eu-west-1" ? "127.0.0.3" : "127.0.0.2", port: 8080, region: client === "eu-west-1" ? "eu-central-1" : "us-west-2", ttl: 6 })],
    // Enough TXT to overflow a 512-byte UDP answer.
    ["big.example.com", () => ({ address: "127.0.0.9", port: 1, region: "x".repeat(200), ttl: 1 })],
  ]),
  soaTtl: 90,
};
let server: LocalDnsServer;
let lastRegion: string | undefined;
beforeAll(async () => {
  server = new LocalDnsServer({
    port: 0,
    tcpIdleTimeoutMs: 600,
    maxTcpConnections: 16,
    maxTcpBufferBytes: 64 * 1024,
    answer: (q, region) => {
      lastRegion = region;
      if (q.name === "boom.example.com") throw new Error("the answer function failed");
      const r = answerQuestion(zone, q, region ?? "us-west-2");
      if (q.name === "big.example.com") return { ...r, additionals: [], answers: [...r.answers, ...Array.from({ length: 4 }, () => r.additionals[0] ?? r.answers[0])] };
      return r;
    },
  });
  await server.listen();
});
afterAll(() => server?.close());

const query = (name: string, type = "A", extra: Partial<Packet> = {}): Buffer =>
  encode({ type: "query", id: 4242, flags: 0, questions: [{ name, type: type as "A", class: "IN" }], ...extra });

/** How long a test waits for what must happen (an answer, a close): generous, since only that it happens is asserted. */
const WITHIN_MS = 15_000;

/** Sends one datagram; resolves with the first answer, or undefined after `waitMs`. */
function udp(message: Buffer, waitMs = WITHIN_MS): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, waitMs);
    socket.on("message", (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg);
    });
    socket.send(message, server.port, "127.0.0.1");
  });
}

/**
 * Sends `messages` (each length-prefixed) on one TCP connection and collects the framed answers
 * until one has come for each message, the server closes the connection, or `WITHIN_MS` pass.
 */
function tcp(messages: Buffer[]): Promise<{ answers: Packet[]; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: server.port });
    let bytes = Buffer.alloc(0);
    const answers: Packet[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ answers, closed });
    };
    const timer = setTimeout(() => finish(false), WITHIN_MS);
    socket.on("data", (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      while (bytes.length >= 2 && bytes.length >= 2 + bytes.readUInt16BE(0)) {
        const length = bytes.readUInt16BE(0);
        answers.push(decode(bytes.subarray(2, 2 + length)));
        bytes = bytes.subarray(2 + length);
      }
      if (answers.length >= messages.length) finish(false);
    });
    socket.on("error", () => finish(true));
    socket.on("close", () => finish(true));
    socket.on("connect", () => {
      for (const m of messages) {
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(m.length, 0);
        socket.write(Buffer.concat([prefix, m]));
      }
    });
  });
}

const rcode = (p: Packet) => (p as Packet & { rcode: string }).rcode;
const truncated = (p: Packet) => (p as Packet & { flag_tc: boolean }).flag_tc;

afterEach(async () => {
  // UDP may drop a datagram while a flood drains (any client retries): a try a second, as dig makes
  // them, for as long as a loaded machine may take to drain it.
  let viaUdp: Buffer | undefined;
  for (let i = 0; i < WITHIN_MS / 1000 && !viaUdp; i++) viaUdp = await udp(query("api.example.com"), 1000);
  expect(decode(viaUdp!).answers?.[0]).toMatchObject({ data: "127.0.0.2" });
  const viaTcp = await tcp([query("api.example.com")]);
  expect(viaTcp.answers[0].answers?.[0]).toMatchObject({ data: "127.0.0.2" });
});

describe("answers", () => {
  it("answers Node's resolver (c-ares) on a custom port, with the TTL", async () => {
    const resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${server.port}`]);
    expect(await resolver.resolve4("api.example.com", { ttl: true })).toEqual([{ address: "127.0.0.2", ttl: 6 }]);
    expect(await resolver.resolveTxt("api.example.com")).toEqual([["region=us-west-2", "port=8080"]]);
    await expect(resolver.resolve4("nope.example.com")).rejects.toMatchObject({ code: "ENOTFOUND" });
    await expect(resolver.resolve4("www.example.org")).rejects.toMatchObject({ code: "EREFUSED" });
  });

  it("refuses the root name (dig . NS) like any name outside the zone, not FORMERR", async () => {
    for (const type of ["NS", "A"]) {
      const answer = decode((await udp(query(".", type)))!);
      expect(rcode(answer)).toBe("REFUSED");
    }
  });

  it("answers over UDP and TCP alike: authoritative, no recursion, the question echoed", async () => {
    const viaUdp = decode((await udp(query("api.example.com")))!);
    const viaTcp = (await tcp([query("api.example.com")])).answers[0];
    for (const p of [viaUdp, viaTcp]) {
      expect(p).toMatchObject({ id: 4242, type: "response", flag_aa: true, flag_ra: false, questions: [{ name: "api.example.com", type: "A" }] });
      expect(p.answers).toEqual([expect.objectContaining({ type: "A", data: "127.0.0.2", ttl: 6 })]);
    }
  });

  it("answers NXDOMAIN with the SOA in the authority section", async () => {
    const p = decode((await udp(query("www.example.com")))!);
    expect(rcode(p)).toBe("NXDOMAIN");
    expect(p.authorities).toEqual([expect.objectContaining({ type: "SOA", name: "example.com" })]);
  });

  it("reads the client's region from the EDNS option, and answers EDNS with EDNS", async () => {
    const withRegion = query("api.example.com", "A", {
      additionals: [{ type: "OPT", name: ".", udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [{ code: CLIENT_REGION_OPTION, data: Buffer.from("eu-west-1") } as never] }],
    });
    const p = decode((await udp(withRegion))!);
    expect(lastRegion).toBe("eu-west-1");
    expect(p.answers?.[0]).toMatchObject({ data: "127.0.0.3" });
    expect(p.additionals?.find((a) => a.type === "OPT")).toMatchObject({ udpPayloadSize: 1232 });
    await udp(query("api.example.com"));
    expect(lastRegion).toBeUndefined();
  });

  it("truncates a UDP answer too big for the client (TC) and sends it whole over TCP", async () => {
    const overUdp = decode((await udp(query("big.example.com")))!);
    expect(truncated(overUdp)).toBe(true);
    expect(overUdp.answers).toEqual([]);
    const overTcp = (await tcp([query("big.example.com")])).answers[0];
    expect(truncated(overTcp)).toBe(false);
    expect(overTcp.answers!.length).toBe(5);
    expect(server.metrics.truncated).toBeGreaterThan(0);
  });

  it("answers several queries on one TCP connection, in order", async () => {
    const r = await tcp([query("api.example.com"), query("www.example.com"), query("example.com", "SOA")]);
    expect(r.answers.map(rcode)).toEqual(["NOERROR", "NXDOMAIN", "NOERROR"]);
  });
});

describe("no client input stops it", () => {
  it("drops datagrams shorter than a header and responses sent to it; answers garbage FORMERR", async () => {
    const before = server.metrics.dropped;
    expect(await udp(Buffer.from([1, 2, 3]), 200)).toBeUndefined();
    const response = Buffer.from(query("api.example.com"));
    response.writeUInt16BE(0x8000, 2);
    expect(await udp(response, 200)).toBeUndefined();
    expect(server.metrics.dropped).toBe(before + 2);
    // A header promising a question that is not there.
    const garbage = Buffer.concat([Buffer.from([0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([0x3f, 0x41])]);
    const p = decode((await udp(garbage))!);
    expect(p.id).toBe(7);
    expect(rcode(p)).toBe("FORMERR");
  });

  it("answers random bytes without failing, whatever they decode to", async () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256);
    for (let i = 0; i < 300; i++) {
      const b = Buffer.from(Array.from({ length: 12 + (i % 60) }, rand));
      b[2] &= 0x7f; // a query, so it is not simply dropped
      await udp(b, 20);
    }
  });

  it("answers two questions FORMERR, an opcode other than QUERY NOTIMP, and a failing answer SERVFAIL", async () => {
    const two = encode({ type: "query", id: 1, questions: [{ name: "api.example.com", type: "A" }, { name: "www.example.com", type: "A" }] });
    expect(rcode(decode((await udp(two))!))).toBe("FORMERR");
    const update = Buffer.from(query("api.example.com"));
    update.writeUInt16BE(5 << 11, 2); // opcode UPDATE
    expect(rcode(decode((await udp(update))!))).toBe("NOTIMP");
    expect(rcode(decode((await udp(query("boom.example.com")))!))).toBe("SERVFAIL");
  });

  it("survives a UDP flood and answers right after it", async () => {
    const socket = createSocket("udp4");
    const junk = Buffer.alloc(40, 0xff);
    junk[2] = 0x01;
    for (let i = 0; i < 3000; i++) socket.send(i % 2 ? junk : query("api.example.com"), server.port, "127.0.0.1");
    await pause(200);
    socket.close();
  });

  it("closes a TCP connection that leaves a message unfinished, or stays silent, after the idle timeout", async () => {
    const before = server.metrics.tcpTimeouts;
    const unfinished = await exchange(server.port, (s) => void s.write(Buffer.from([0, 40, 1, 2, 3])), { waitMs: WITHIN_MS });
    expect(unfinished.closed).toBe(true);
    const silent = await exchange(server.port, () => undefined, { waitMs: WITHIN_MS });
    expect(silent.closed).toBe(true);
    expect(server.metrics.tcpTimeouts).toBe(before + 2);
  });

  it("closes a TCP connection that drips a message one byte at a time (each byte inside the idle timeout)", async () => {
    const before = server.metrics.tcpTimeouts;
    // A 65535-byte message announced, then a byte every 200 ms: never idle for the 600 ms timeout,
    // but never whole either. The message deadline (from its first byte) closes it.
    const drip = await exchange(
      server.port,
      async (s) => {
        s.write(Buffer.from([0xff, 0xff]));
        for (let i = 0; i < 12 && !s.destroyed; i++) {
          await pause(200);
          if (!s.destroyed) s.write(Buffer.from([i]));
        }
      },
      { waitMs: WITHIN_MS },
    );
    expect(drip.closed).toBe(true);
    expect(server.metrics.tcpTimeouts).toBe(before + 1);
  });

  it("keeps a TCP connection that sends whole messages slowly, one after another, each within the deadline", async () => {
    const r = await tcp([query("api.example.com")]);
    expect(r.answers.map(rcode)).toEqual(["NOERROR"]);
  });

  it("closes a TCP connection that sends a zero-length message; answers a framed garbage message FORMERR and goes on", async () => {
    expect((await exchange(server.port, (s) => void s.write(Buffer.from([0, 0])), { waitMs: WITHIN_MS })).closed).toBe(true);
    const garbage = Buffer.concat([Buffer.from([0, 9, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([0x3f])]);
    const r = await tcp([garbage, query("api.example.com")]);
    expect(r.answers.map(rcode)).toEqual(["FORMERR", "NOERROR"]);
  });

  it("closes connections past the cap at once, and serves again when they are gone", async () => {
    const before = server.metrics.tcpRefused;
    const held = await Promise.all(
      Array.from({ length: 16 }, () => new Promise<ReturnType<typeof connect>>((resolve) => {
        const s = connect({ host: "127.0.0.1", port: server.port }, () => resolve(s));
        s.on("error", () => undefined);
      })),
    );
    await waitFor("16 connections open", () => server.openConnections === 16, WITHIN_MS);
    const extra = await exchange(server.port, () => undefined, { waitMs: WITHIN_MS });
    expect(extra.closed).toBe(true);
    expect(server.metrics.tcpRefused).toBe(before + 1);
    for (const s of held) s.destroy();
    await waitFor("the held connections to close", () => server.openConnections === 0, WITHIN_MS);
  });

  it("cuts off a TCP client that sends queries without reading the answers", async () => {
    const q = query("big.example.com");
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(q.length, 0);
    const frame = Buffer.concat([prefix, q]);
    const client = connect({ host: "127.0.0.1", port: server.port });
    client.on("error", () => undefined);
    try {
      await new Promise<void>((resolve) => client.once("connect", () => resolve()));
      client.pause(); // never reads: the answers pile up at the server
      for (let i = 0; i < 20000; i++) client.write(frame);
      await waitFor("the server to cut the connection", () => server.openConnections === 0, WITHIN_MS);
    } finally {
      client.destroy();
    }
  });
});
