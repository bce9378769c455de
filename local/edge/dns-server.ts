/**
 * An authoritative DNS server on loopback, UDP and TCP on one port, speaking the wire format through
 * dns-packet. It decodes each query, asks `answer` (local/edge/dns-zone.ts) for the sections and encodes
 * the response; it does no recursion (RA clear), like Route 53's name servers.
 *
 * No client input can stop it: a datagram shorter than a DNS header, or one that is itself a
 * response, is dropped; one that does not decode is answered FORMERR; an opcode other than QUERY
 * NOTIMP; anything that fails to encode SERVFAIL. Over TCP (RFC 7766: two-byte length prefix, any
 * number of queries per connection) a connection that stays silent, or leaves a message unfinished,
 * for `tcpIdleTimeoutMs` is closed, connections past `maxTcpConnections` are closed at once, and a
 * client that sends queries without reading the answers is cut off when `maxTcpBufferBytes` of them
 * wait. A UDP answer larger than the client can take (512 bytes, or its EDNS payload size) goes out
 * truncated (TC), so the client retries over TCP.
 *
 * The simulated client's region travels in an EDNS(0) option of the local/experimental range
 * (RFC 6891 §9: 65001-65534): code {@link CLIENT_REGION_OPTION}, the region code in ASCII.
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";
import { type Answer, decode, encode, type Packet, type Question, AUTHORITATIVE_ANSWER, RECURSION_DESIRED, TRUNCATED_RESPONSE } from "dns-packet";
import { CLIENT_REGION_OPTION } from "../../lib/dns-probe";
import { RCODE, type ZoneResponse } from "./dns-zone";

/** Largest UDP answer sent to a client that did not say otherwise (RFC 1035 §4.2.1). */
const CLASSIC_UDP_BYTES = 512;
/** Our own EDNS payload size, the DNS Flag Day 2020 figure. */
const EDNS_UDP_BYTES = 1232;

/** Settings of a {@link LocalDnsServer}. */
export interface DnsServerOptions {
  /** The sections for one question and client region (undefined: the query named none). */
  readonly answer: (question: Question, clientRegion: string | undefined) => ZoneResponse;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** UDP and TCP port; 0 for any port free for both. @default 0 */
  readonly port?: number;
  /** A TCP connection silent (or mid-message) this long is closed, real ms. @default 10000 */
  readonly tcpIdleTimeoutMs?: number;
  /** TCP connections open at once at most; one more is closed at once. @default 256 */
  readonly maxTcpConnections?: number;
  /** Answers waiting to be read by one TCP client at most; past it the connection is cut. @default 1 MB */
  readonly maxTcpBufferBytes?: number;
}

/** What the server did, counted. */
export interface DnsServerMetrics {
  udpQueries: number;
  tcpQueries: number;
  /** Responses by rcode name (NOERROR, NXDOMAIN, REFUSED, FORMERR, NOTIMP, SERVFAIL). */
  responses: Record<string, number>;
  /** Datagrams and messages not answered: shorter than a header, or responses themselves. */
  dropped: number;
  /** UDP answers sent truncated. */
  truncated: number;
  /** TCP connections closed at once because `maxTcpConnections` were open. */
  tcpRefused: number;
  /** TCP connections closed by the idle timeout. */
  tcpTimeouts: number;
}

const RCODE_NAMES = Object.fromEntries(Object.entries(RCODE).map(([k, v]) => [v, k])) as Record<number, string>;

/** A header-only response: for queries that do not decode or cannot be answered otherwise. */
function headerOnly(id: number, queryFlags: number, rcode: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(id, 0);
  // QR set, the query's opcode and RD kept, the rcode in the low four bits.
  b.writeUInt16BE(0x8000 | (queryFlags & 0x7800) | (queryFlags & RECURSION_DESIRED) | rcode, 2);
  return b;
}

/** Each label at most 63 bytes, the whole name at most 253 characters: anything else is not a name to answer. */
function validName(name: string): boolean {
  if (name.length > 253) return false;
  // The root: "" or "." (dns-packet decodes it as "."); refused further on like any name outside the zone.
  if (name === "" || name === ".") return true;
  return name.replace(/\.$/, "").split(".").every((l) => l.length > 0 && Buffer.byteLength(l) <= 63);
}

/** The authoritative server: UDP and TCP listeners on one port. */
export class LocalDnsServer {
  readonly metrics: DnsServerMetrics = { udpQueries: 0, tcpQueries: 0, responses: {}, dropped: 0, truncated: 0, tcpRefused: 0, tcpTimeouts: 0 };
  private udp?: UdpSocket;
  private tcp?: Server;
  private readonly connections = new Set<Socket>();
  private boundPort = 0;

  constructor(private readonly options: DnsServerOptions) {}

  get host(): string {
    return this.options.host ?? "127.0.0.1";
  }

  get port(): number {
    return this.boundPort;
  }

  /** TCP connections open now. */
  get openConnections(): number {
    return this.connections.size;
  }

  /** Binds UDP, then TCP on the same port (with port 0, tries again when TCP finds it taken). */
  async listen(): Promise<void> {
    const wanted = this.options.port ?? 0;
    for (let attempt = 0; ; attempt++) {
      const udp = await this.bindUdp(wanted);
      const port = udp.address().port;
      try {
        this.tcp = await this.bindTcp(port);
        this.udp = udp;
        this.boundPort = port;
        return;
      } catch (err) {
        udp.close();
        if (wanted !== 0 || attempt >= 10 || (err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
      }
    }
  }

  async close(): Promise<void> {
    for (const s of this.connections) s.destroy();
    const tcp = this.tcp;
    const udp = this.udp;
    this.tcp = undefined;
    this.udp = undefined;
    await Promise.all([
      tcp && new Promise<void>((resolve) => tcp.close(() => resolve())),
      udp && new Promise<void>((resolve) => udp.close(() => resolve())),
    ]);
  }

  /**
   * The response to one message, or undefined when it gets none. Over UDP an answer larger than the
   * client can take goes out truncated; over TCP up to 65535 bytes.
   */
  respond(message: Buffer, transport: "udp" | "tcp"): Buffer | undefined {
    if (message.length < 12) {
      this.metrics.dropped += 1;
      return undefined;
    }
    const id = message.readUInt16BE(0);
    const flags = message.readUInt16BE(2);
    // A response sent to us is never answered: two servers could otherwise bounce packets for ever.
    if (flags & 0x8000) {
      this.metrics.dropped += 1;
      return undefined;
    }
    if (transport === "udp") this.metrics.udpQueries += 1;
    else this.metrics.tcpQueries += 1;
    const fail = (rcode: number) => {
      this.count(rcode);
      return headerOnly(id, flags, rcode);
    };
    if (((flags >> 11) & 0xf) !== 0) return fail(RCODE.NOTIMP);
    let query: Packet;
    try {
      query = decode(message);
    } catch {
      return fail(RCODE.FORMERR);
    }
    const questions = query.questions ?? [];
    if (questions.length !== 1 || !validName(questions[0].name)) return fail(RCODE.FORMERR);
    const question = questions[0];
    const opt = (query.additionals ?? []).find((a) => a.type === "OPT") as Extract<Answer, { type: "OPT" }> | undefined;
    const regionOption = opt?.options?.find((o) => (o.code as number) === CLIENT_REGION_OPTION);
    const clientRegion = regionOption?.data ? regionOption.data.toString("latin1").trim().toLowerCase() || undefined : undefined;
    let sections: ZoneResponse;
    try {
      sections = this.options.answer(question, clientRegion);
    } catch {
      return fail(RCODE.SERVFAIL);
    }
    const ednsAdditional: Answer[] = opt ? [{ type: "OPT", name: ".", udpPayloadSize: EDNS_UDP_BYTES, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [];
    const header = {
      type: "response" as const,
      id,
      flags: (sections.authoritative ? AUTHORITATIVE_ANSWER : 0) | (flags & RECURSION_DESIRED) | sections.rcode,
      questions: [question],
    };
    let wire: Buffer;
    try {
      wire = encode({ ...header, answers: sections.answers, authorities: sections.authorities, additionals: [...sections.additionals, ...ednsAdditional] });
      const limit = transport === "udp" ? Math.max(CLASSIC_UDP_BYTES, Math.min(opt?.udpPayloadSize ?? CLASSIC_UDP_BYTES, 4096)) : 65535;
      if (wire.length > limit) {
        // Too big for this client over UDP: the header and question alone, TC set; it asks again over TCP.
        this.metrics.truncated += 1;
        wire = encode({ ...header, flags: header.flags | TRUNCATED_RESPONSE, additionals: ednsAdditional });
      }
    } catch {
      return fail(RCODE.SERVFAIL);
    }
    this.count(sections.rcode);
    return wire;
  }

  private count(rcode: number): void {
    const name = RCODE_NAMES[rcode] ?? String(rcode);
    this.metrics.responses[name] = (this.metrics.responses[name] ?? 0) + 1;
  }

  private bindUdp(port: number): Promise<UdpSocket> {
    return new Promise((resolve, reject) => {
      const socket = createSocket("udp4");
      socket.once("error", reject);
      socket.bind(port, this.host, () => {
        socket.off("error", reject);
        // Errors of one send (an ICMP unreachable reported back, a full buffer) end nothing.
        socket.on("error", () => undefined);
        socket.on("message", (msg, rinfo) => {
          const response = this.respond(msg, "udp");
          if (response) socket.send(response, rinfo.port, rinfo.address, () => undefined);
        });
        resolve(socket);
      });
    });
  }

  private bindTcp(port: number): Promise<Server> {
    return new Promise((resolve, reject) => {
      const server = createServer((socket) => this.acceptTcp(socket));
      server.once("error", reject);
      server.listen(port, this.host, () => {
        server.off("error", reject);
        server.on("error", () => undefined);
        resolve(server);
      });
    });
  }

  private acceptTcp(socket: Socket): void {
    socket.on("error", () => socket.destroy());
    if (this.connections.size >= (this.options.maxTcpConnections ?? 256)) {
      this.metrics.tcpRefused += 1;
      socket.destroy();
      return;
    }
    this.connections.add(socket);
    socket.once("close", () => this.connections.delete(socket));
    const idleMs = this.options.tcpIdleTimeoutMs ?? 10_000;
    const timedOut = () => {
      if (socket.destroyed) return; // both timers may fire for one connection: count it once
      this.metrics.tcpTimeouts += 1;
      socket.destroy();
    };
    // Silent connections: an inactivity timer. A message must also arrive whole within the same time
    // from its first byte, or a client dripping one byte at a time would hold a connection forever.
    socket.setTimeout(idleMs, timedOut);
    let messageDeadline: NodeJS.Timeout | undefined;
    socket.once("close", () => clearTimeout(messageDeadline));
    const maxBuffer = this.options.maxTcpBufferBytes ?? 1024 * 1024;
    let pending: Buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      if (pending.length === 0) messageDeadline ??= setTimeout(timedOut, idleMs);
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let completed = false;
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (length === 0) {
          // Not a message: the stream cannot be trusted from here on.
          socket.destroy();
          return;
        }
        if (pending.length < 2 + length) break;
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        completed = true;
        const response = this.respond(message, "tcp");
        if (!response) continue;
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(response.length, 0);
        socket.write(Buffer.concat([prefix, response]));
        if (socket.writableLength > maxBuffer) {
          socket.destroy();
          return;
        }
      }
      // Keep only what the next message needs: a slice would pin every chunk it came from.
      if (pending.length > 0) pending = Buffer.from(pending);
      if (completed) {
        // A message arrived whole: what follows (if anything) gets a deadline of its own.
        clearTimeout(messageDeadline);
        messageDeadline = pending.length > 0 ? setTimeout(timedOut, idleMs) : undefined;
      }
    });
  }
}
