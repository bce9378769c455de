/**
 * The DNS side of a probe (./probe.ts), used by the drill and the AWS target: a client that resolves
 * the latency name the way a real client would, and a probe that connects wherever that answer points.
 *
 * Queries go straight to one server over UDP (TCP when the answer comes back truncated) with
 * dns-packet: no OS resolver, no nscd or systemd-resolved cache, no /etc/hosts, so the only cache is
 * the client model's own:
 *
 * - `honour-ttl` (default): a resolver that keeps each answer for its TTL, then asks again;
 * - `pin:SECONDS`: an application that keeps an answer SECONDS whatever its TTL (a browser's or a
 *   JVM's own cache, the article's point), then asks again.
 *
 * model/failover.ts predictDnsFailover takes the same term (`clientPinSeconds`, else the TTL).
 * Ages are model seconds, like every time the drill reports.
 */
import { createSocket } from "node:dgram";
import { Resolver } from "node:dns/promises";
import { connect } from "node:net";
import { type Answer, decode, encode, type Packet, RECURSION_DESIRED } from "dns-packet";
import type { TimeScale } from "./time-scale";
import { probe, type ProbeResult } from "./probe";

/**
 * EDNS(0) option code carrying the simulated client's region (ASCII), e.g. `+ednsopt=65001:<hex of
 * "eu-west-1">` in dig: the local DNS server (local/edge/dns-server.ts) answers as Route 53 would a
 * client there. Of the local/experimental range (RFC 6891 §9: 65001-65534).
 */
export const CLIENT_REGION_OPTION = 65001;

/** How the client keeps answers. */
export type ClientModel = { readonly kind: "honour-ttl" } | { readonly kind: "pin"; readonly seconds: number };

/** The `--client` value of a model: `honour-ttl` or `pin:SECONDS`. */
export function clientModelName(model: ClientModel): string {
  return model.kind === "pin" ? `pin:${model.seconds}` : "honour-ttl";
}

/** Parses `--client honour-ttl | pin:SECONDS`. @throws RangeError naming the value */
export function parseClientModel(text: string): ClientModel {
  if (text === "honour-ttl" || text === "honor-ttl") return { kind: "honour-ttl" };
  const m = /^pin:(.+)$/.exec(text);
  const seconds = m ? Number(m[1]) : NaN;
  if (!m || !Number.isFinite(seconds) || seconds <= 0) throw new RangeError(`--client must be honour-ttl or pin:SECONDS (SECONDS > 0), got "${text}"`);
  return { kind: "pin", seconds };
}

/** A DNS server to ask. */
export interface DnsServerAddress {
  readonly host: string;
  readonly port: number;
}

/** Parses `HOST`, `HOST:PORT` or `[IPv6]:PORT` (port 53 unless given). @throws RangeError */
export function parseDnsServer(text: string): DnsServerAddress {
  const m = /^\[([0-9a-f:.]+)\](?::(\d+))?$/i.exec(text) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(text);
  const port = m?.[2] === undefined ? 53 : Number(m[2]);
  if (!m || !(port >= 1 && port <= 65535)) throw new RangeError(`--dns-server must be HOST or HOST:PORT, got "${text}"`);
  return { host: m[1], port };
}

/** What one query returned. */
export interface DnsLookup {
  /** IPv4 addresses answered, in order. */
  readonly addresses: readonly string[];
  /** The lowest TTL of those records, wire seconds. */
  readonly ttl: number;
  /** The local system's note of the port to use (its TXT record `port=N`); Route 53 sends none. */
  readonly port?: number;
}

/** Settings of one query. */
export interface QueryOptions {
  /** Real ms to wait for an answer per attempt. @default 2000 */
  readonly timeoutMs?: number;
  /** Set RD: ask a recursive resolver to resolve it (false for an authoritative server). @default false */
  readonly recursionDesired?: boolean;
  /** The local system's simulated client region (an EDNS option only the local server reads). */
  readonly clientRegion?: string;
}

function queryPacket(name: string, options: QueryOptions): Buffer {
  const id = Math.floor(Math.random() * 0x10000);
  const packet: Packet = {
    type: "query",
    id,
    flags: options.recursionDesired ? RECURSION_DESIRED : 0,
    questions: [{ type: "A", name, class: "IN" }],
    additionals: [
      {
        type: "OPT",
        name: ".",
        udpPayloadSize: 1232,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: 0,
        flag_do: false,
        options: options.clientRegion ? [{ code: CLIENT_REGION_OPTION, data: Buffer.from(options.clientRegion, "latin1") } as never] : [],
      },
    ],
  };
  return encode(packet);
}

function udpExchange(server: DnsServerAddress, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(server.host.includes(":") ? "udp6" : "udp4");
    const id = query.readUInt16BE(0);
    let settled = false;
    const done = (err?: Error, msg?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(msg!);
    };
    const timer = setTimeout(() => done(new Error("timeout")), timeoutMs);
    socket.on("error", (err) => done(err));
    socket.on("message", (msg) => {
      // Anything but the answer to this query (a stray or spoofed datagram) is ignored.
      if (msg.length >= 12 && msg.readUInt16BE(0) === id && msg.readUInt16BE(2) & 0x8000) done(undefined, msg);
    });
    socket.send(query, server.port, server.host, (err) => err && done(err));
  });
}

function tcpExchange(server: DnsServerAddress, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server.host, port: server.port });
    let received = Buffer.alloc(0);
    let settled = false;
    const done = (err?: Error, msg?: Buffer) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(msg!);
    };
    socket.setTimeout(timeoutMs, () => done(new Error("timeout")));
    socket.on("error", (err: NodeJS.ErrnoException) => done(new Error(err.code ?? err.message)));
    socket.on("connect", () => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(query.length, 0);
      socket.write(Buffer.concat([prefix, query]));
    });
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) done(undefined, received.subarray(2, 2 + received.readUInt16BE(0)));
    });
    socket.on("close", () => done(new Error("connection closed before the answer")));
  });
}

/** One A query to `server` (one retry over UDP, then TCP if truncated). @throws naming the rcode or the failure */
export async function queryA(server: DnsServerAddress, name: string, options: QueryOptions = {}): Promise<DnsLookup> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const query = queryPacket(name, options);
  let wire: Buffer;
  try {
    wire = await udpExchange(server, query, timeoutMs);
  } catch {
    wire = await udpExchange(server, query, timeoutMs);
  }
  let response = decode(wire) as Packet & { rcode?: string; flag_tc?: boolean };
  if (response.flag_tc) response = decode(await tcpExchange(server, query, timeoutMs)) as typeof response;
  if (response.rcode && response.rcode !== "NOERROR") throw new Error(`${name}: ${response.rcode}`);
  const same = (a: Answer) => a.name.toLowerCase().replace(/\.$/, "") === name.toLowerCase().replace(/\.$/, "");
  const records = (response.answers ?? []).filter((a) => a.type === "A") as { data: string; ttl?: number }[];
  if (records.length === 0) throw new Error(`${name}: no A record in the answer`);
  const note = [...(response.additionals ?? []), ...(response.answers ?? [])].find((a) => a.type === "TXT" && same(a)) as Extract<Answer, { type: "TXT" }> | undefined;
  const texts = note ? (Array.isArray(note.data) ? note.data : [note.data]).map((t) => t.toString()) : [];
  const portText = texts.find((t) => t.startsWith("port="));
  const port = portText ? Number(portText.slice(5)) : undefined;
  return {
    addresses: records.map((r) => r.data),
    ttl: Math.min(...records.map((r) => r.ttl ?? 0)),
    ...(port && Number.isInteger(port) && port > 0 && port < 65536 ? { port } : {}),
  };
}

/**
 * The zone's authoritative name servers for `name`, found through `bootstrap` (the machine's
 * configured resolvers by default): NS of the closest enclosing zone, then the first server's address.
 */
export async function authoritativeServer(name: string, bootstrap: Resolver = new Resolver()): Promise<DnsServerAddress> {
  const labels = name.replace(/\.$/, "").split(".");
  for (let i = 0; i < labels.length - 1; i++) {
    const zone = labels.slice(i).join(".");
    let servers: string[];
    try {
      servers = await bootstrap.resolveNs(zone);
    } catch {
      continue;
    }
    for (const ns of servers) {
      const addresses = await bootstrap.resolve4(ns).catch(() => [] as string[]);
      if (addresses.length > 0) return { host: addresses[0], port: 53 };
    }
  }
  throw new Error(`found no authoritative name server for ${name}; pass --dns-server HOST (e.g. a public resolver such as 1.1.1.1)`);
}

/** One resolution as the client used it. */
export interface Resolution {
  readonly address: string;
  /** The port noted in the answer (local system), if any. */
  readonly port?: number;
  /** Model seconds since the answer was received. */
  readonly ageSeconds: number;
  /** True when this resolution asked the server (the cache had nothing usable). */
  readonly fresh: boolean;
}

/** Settings of a {@link DnsClient}. */
export interface DnsClientOptions {
  /** The server to ask, or how to find it (once, on first use). */
  readonly server: DnsServerAddress | (() => Promise<DnsServerAddress>);
  readonly model: ClientModel;
  readonly timeScale: TimeScale;
  readonly query?: QueryOptions;
}

/** A client with one cache entry per name, kept as its model says. */
export class DnsClient {
  private readonly cache = new Map<string, { lookup: DnsLookup; receivedAt: number }>();
  private server?: Promise<DnsServerAddress>;

  constructor(private readonly options: DnsClientOptions) {}

  /** How long an answer is kept, real ms: its TTL (wire seconds are real seconds) or the pin. */
  private keepMs(lookup: DnsLookup): number {
    const m = this.options.model;
    return m.kind === "pin" ? this.options.timeScale.toRealMs(m.seconds) : lookup.ttl * 1000;
  }

  async resolve(name: string): Promise<Resolution> {
    const key = name.toLowerCase();
    const cached = this.cache.get(key);
    const nowMs = this.options.timeScale.clock.now();
    if (cached && nowMs - cached.receivedAt < this.keepMs(cached.lookup)) {
      return { address: cached.lookup.addresses[0], ...(cached.lookup.port ? { port: cached.lookup.port } : {}), ageSeconds: this.age(nowMs - cached.receivedAt), fresh: false };
    }
    const s = this.options.server;
    this.server ??= typeof s === "function" ? s() : Promise.resolve(s);
    // A failed discovery is tried again on the next resolution.
    const server = await this.server.catch((err: unknown) => {
      this.server = undefined;
      throw err;
    });
    const lookup = await queryA(server, name, this.options.query);
    this.cache.set(key, { lookup, receivedAt: this.options.timeScale.clock.now() });
    return { address: lookup.addresses[0], ...(lookup.port ? { port: lookup.port } : {}), ageSeconds: 0, fresh: true };
  }

  private age(ms: number): number {
    return Math.round(this.options.timeScale.toModelSeconds(ms) * 100) / 100;
  }
}

/** What one poll through DNS saw: the HTTP result, the address used and the answer's age. */
export interface DnsProbeResult extends ProbeResult {
  readonly address?: string;
  readonly answerAgeSeconds?: number;
}

/**
 * One poll: resolves `url`'s host through `client`, then requests `url` (GET unless `method` says
 * otherwise; the drill's writer PUTs) on a new connection to that
 * address (the port noted in the answer, if any, else the URL's). The host name stays in the URL, so
 * `Host` and TLS SNI name it, as for a real client.
 */
export async function probeThroughDns(client: DnsClient, url: string, options: { timeoutMs?: number; method?: string; body?: string } = {}): Promise<DnsProbeResult> {
  const target = new URL(url);
  let resolution: Resolution;
  try {
    resolution = await client.resolve(target.hostname);
  } catch (err) {
    return { status: 0, error: `dns: ${(err as Error).message}` };
  }
  if (resolution.port) target.port = String(resolution.port);
  const address = resolution.address;
  const lookup = (_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (opts?.all) cb(null, [{ address, family: 4 }]);
    else cb(null, address, 4);
  };
  const result = await probe(target.toString(), { timeoutMs: options.timeoutMs, method: options.method, body: options.body, lookup });
  return { ...result, address, answerAgeSeconds: resolution.ageSeconds };
}
