/**
 * The drill's DNS client against a real DNS server (the local one, with a stand-in zone whose
 * answer the test changes): how each client model caches, TCP after truncation, the probe's
 * address and Host, and finding a zone's authoritative server.
 */
import { createSocket } from "node:dgram";
import { Resolver } from "node:dns/promises";
import { createServer, type Server } from "node:http";
import type { Question } from "dns-packet";
import { authoritativeServer, clientModelName, DnsClient, parseClientModel, parseDnsServer, probeThroughDns, queryA } from "../../lib/dns-probe";
import { LocalDnsServer } from "../../local/edge/dns-server";
import { answerQuestion, RCODE, type ZoneResponse } from "../../local/edge/dns-zone";
import { commonPort } from "../../local/runtime/loopback";
import { timeScale } from "../../lib/time-scale";
import { TestClock } from "../support/clock";

let address = "127.0.0.2";
let ttl = 1;
let txtRecords = 1;
const zoneAnswer = (q: Question, region: string | undefined): ZoneResponse => {
  const r = answerQuestion(
    { zone: "example.com", names: new Map([["api.example.com", () => ({ address, port: httpPort, region: region ?? "none", ttl })]]), soaTtl: 5 },
    q,
    region ?? "us-west-2",
  );
  return { ...r, additionals: Array.from({ length: txtRecords }, () => r.additionals).flat() };
};
let dns: LocalDnsServer;
let httpPort = 0;
const http: Server[] = [];
beforeAll(async () => {
  dns = new LocalDnsServer({ port: 0, answer: zoneAnswer });
  await dns.listen();
  // Two stand-in regions on their own loopback addresses and one port, answering who they are and the Host they got.
  httpPort = await commonPort(["127.0.0.2", "127.0.0.3"], 0);
  for (const [host, region] of [["127.0.0.2", "us-west-2"], ["127.0.0.3", "eu-central-1"]]) {
    const s = createServer((req, res) => res.writeHead(200, { "x-served-by-region": region }).end(req.headers.host));
    await new Promise<void>((resolve) => s.listen(httpPort, host, resolve));
    http.push(s);
  }
});
afterAll(async () => {
  await dns.close();
  await Promise.all(http.map((s) => new Promise((r) => s.close(r))));
});
beforeEach(() => {
  address = "127.0.0.2";
  ttl = 1;
  txtRecords = 1;
});

const server = () => ({ host: "127.0.0.1", port: dns.port });
const queries = () => dns.metrics.udpQueries + dns.metrics.tcpQueries;

describe("options", () => {
  it("parses --client", () => {
    expect(parseClientModel("honour-ttl")).toEqual({ kind: "honour-ttl" });
    expect(parseClientModel("pin:300")).toEqual({ kind: "pin", seconds: 300 });
    expect(clientModelName({ kind: "pin", seconds: 2.5 })).toBe("pin:2.5");
    for (const bad of ["pin", "pin:0", "pin:-1", "pin:abc", "cache"]) expect(() => parseClientModel(bad)).toThrow(/--client must be honour-ttl or pin:SECONDS/);
  });
  it("parses --dns-server", () => {
    expect(parseDnsServer("1.1.1.1")).toEqual({ host: "1.1.1.1", port: 53 });
    expect(parseDnsServer("127.0.0.1:8053")).toEqual({ host: "127.0.0.1", port: 8053 });
    expect(parseDnsServer("[2606:4700:4700::1111]:53")).toEqual({ host: "2606:4700:4700::1111", port: 53 });
    expect(() => parseDnsServer("1.1.1.1:99999")).toThrow(/--dns-server must be HOST or HOST:PORT/);
  });
});

describe("queryA", () => {
  it("returns the addresses, the TTL and the local port note; NXDOMAIN and REFUSED are errors naming the rcode", async () => {
    expect(await queryA(server(), "api.example.com")).toEqual({ addresses: ["127.0.0.2"], ttl: 1, port: httpPort });
    await expect(queryA(server(), "www.example.com")).rejects.toThrow(/www.example.com: NXDOMAIN/);
    await expect(queryA(server(), "www.example.org")).rejects.toThrow(/REFUSED/);
  });
  it("asks again over TCP when the UDP answer comes back truncated", async () => {
    txtRecords = 40; // ~2 KB of additional records: more than the 1232 bytes the client offers over UDP
    const before = { tcp: dns.metrics.tcpQueries, truncated: dns.metrics.truncated };
    const r = await queryA(server(), "api.example.com");
    expect(r.addresses).toEqual(["127.0.0.2"]);
    expect(dns.metrics.truncated).toBe(before.truncated + 1);
    expect(dns.metrics.tcpQueries).toBe(before.tcp + 1);
  });
  it("gives up on a server that never answers (two tries over UDP)", async () => {
    const silent = createSocket("udp4");
    let received = 0;
    silent.on("message", () => (received += 1));
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    try {
      await expect(queryA({ host: "127.0.0.1", port: silent.address().port }, "api.example.com", { timeoutMs: 100 })).rejects.toThrow("timeout");
      expect(received).toBe(2);
    } finally {
      silent.close();
    }
  });
});

describe("DnsClient", () => {
  // The cache's clock is the test's: answers age only when it moves.
  let clock: TestClock;
  let scale: ReturnType<typeof timeScale>;
  beforeEach(() => {
    clock = new TestClock();
    scale = timeScale(1, clock);
  });

  it("honour-ttl keeps an answer for its TTL, then asks again and follows the change", async () => {
    const client = new DnsClient({ server: server(), model: { kind: "honour-ttl" }, timeScale: scale });
    const before = queries();
    const first = await client.resolve("api.example.com");
    expect(first).toMatchObject({ address: "127.0.0.2", fresh: true, ageSeconds: 0 });
    address = "127.0.0.3";
    await clock.advance(999);
    const cached = await client.resolve("api.example.com");
    expect(cached).toMatchObject({ address: "127.0.0.2", fresh: false, ageSeconds: 1 });
    expect(queries()).toBe(before + 1);
    // Once the 1 s TTL has run out it asks again and sees the new address.
    await clock.advance(1);
    expect(await client.resolve("api.example.com")).toMatchObject({ address: "127.0.0.3", fresh: true, ageSeconds: 0 });
    expect(queries()).toBe(before + 2);
  });

  it("pin:SECONDS keeps the first answer that long whatever the TTL", async () => {
    const client = new DnsClient({ server: server(), model: { kind: "pin", seconds: 2.5 }, timeScale: scale });
    await client.resolve("api.example.com");
    address = "127.0.0.3";
    await clock.advance(1300); // past the 1 s TTL
    expect(await client.resolve("api.example.com")).toMatchObject({ address: "127.0.0.2", fresh: false, ageSeconds: 1.3 });
    await clock.advance(1199);
    expect(await client.resolve("api.example.com")).toMatchObject({ address: "127.0.0.2", fresh: false, ageSeconds: 2.5 });
    await clock.advance(1);
    expect(await client.resolve("api.example.com")).toMatchObject({ address: "127.0.0.3", fresh: true });
  });

  it("reports ages in model seconds at a fast time scale", async () => {
    ttl = 2;
    const client = new DnsClient({ server: server(), model: { kind: "honour-ttl" }, timeScale: timeScale(0.1, clock) });
    await client.resolve("api.example.com");
    await clock.advance(300);
    expect((await client.resolve("api.example.com")).ageSeconds).toBe(3); // 0.3 real s = 3 model s
  });

  it("finds its server on first use, and tries again after a failed discovery", async () => {
    let calls = 0;
    const client = new DnsClient({
      server: async () => {
        calls += 1;
        if (calls === 1) throw new Error("no server yet");
        return server();
      },
      model: { kind: "honour-ttl" },
      timeScale: scale,
    });
    await expect(client.resolve("api.example.com")).rejects.toThrow("no server yet");
    expect((await client.resolve("api.example.com")).address).toBe("127.0.0.2");
    expect(calls).toBe(2);
  });
});

describe("probeThroughDns", () => {
  it("connects to the answered address, names the host in Host, and reports the address and the answer's age", async () => {
    const client = new DnsClient({ server: server(), model: { kind: "pin", seconds: 60 }, timeScale: timeScale(1) });
    const first = await probeThroughDns(client, `http://api.example.com:${httpPort}/get/foobar`);
    expect(first).toMatchObject({ status: 200, region: "us-west-2", address: "127.0.0.2", answerAgeSeconds: 0, body: `api.example.com:${httpPort}` });
    address = "127.0.0.3";
    const pinned = await probeThroughDns(client, `http://api.example.com:${httpPort}/get/foobar`);
    expect(pinned).toMatchObject({ region: "us-west-2", address: "127.0.0.2" });
    const fresh = new DnsClient({ server: server(), model: { kind: "honour-ttl" }, timeScale: timeScale(1) });
    expect(await probeThroughDns(fresh, `http://api.example.com:${httpPort}/get/foobar`)).toMatchObject({ region: "eu-central-1", address: "127.0.0.3" });
  });
  it("reports a failed resolution as a failed poll, not an exception", async () => {
    const client = new DnsClient({ server: server(), model: { kind: "honour-ttl" }, timeScale: timeScale(1) });
    expect(await probeThroughDns(client, "http://www.example.com/get/foobar")).toEqual({ status: 0, error: "dns: www.example.com: NXDOMAIN" });
  });
});

describe("authoritativeServer", () => {
  it("finds the closest enclosing zone's name server through the bootstrap resolver", async () => {
    // A stand-in for the machine's resolver: example.com has NS ns1.example.net, which has an address.
    const bootstrap = new LocalDnsServer({
      port: 0,
      answer: (q) => {
        const name = q.name.toLowerCase();
        if (name === "example.com" && q.type === "NS") return { rcode: 0, authoritative: true, answers: [{ type: "NS", name: q.name, ttl: 60, data: "ns1.example.net" }], authorities: [], additionals: [] };
        if (name === "ns1.example.net" && q.type === "A") return { rcode: 0, authoritative: true, answers: [{ type: "A", name: q.name, ttl: 60, data: "127.0.0.1" }], authorities: [], additionals: [] };
        return { rcode: RCODE.NXDOMAIN, authoritative: true, answers: [], authorities: [], additionals: [] };
      },
    });
    await bootstrap.listen();
    try {
      const resolver = new Resolver({ timeout: 500, tries: 1 });
      resolver.setServers([`127.0.0.1:${bootstrap.port}`]);
      expect(await authoritativeServer("latency.api.example.com", resolver)).toEqual({ host: "127.0.0.1", port: 53 });
      await expect(authoritativeServer("api.example.org", resolver)).rejects.toThrow(/found no authoritative name server for api.example.org; pass --dns-server/);
    } finally {
      await bootstrap.close();
    }
  });
});
