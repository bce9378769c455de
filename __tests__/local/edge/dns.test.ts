/**
 * The local system's DNS (routing route53 and both): real systems, queried with Node's resolver
 * and raw dns-packet queries; health changes followed through the typed events and the admin API.
 */
import { Resolver } from "node:dns/promises";
import { connect } from "node:net";
import { decode, encode } from "dns-packet";
import { queryA } from "../../../lib/dns-probe";
import { probe } from "../../../lib/probe";
import { detectAddressMode, LOOPBACK, regionAddress, commonPort } from "../../../local/runtime/loopback";
import type { SystemEvent } from "../../../local/events";
import { startAdminServer } from "../../../local/admin/admin";
import { type LocalSystem, startLocalSystem } from "../../../local/system";
import { timeScale } from "../../../lib/time-scale";
import { localConfig, waitFor } from "../support";

const DOMAIN = { name: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" };
const SCALE = timeScale(0.05);

async function start(override: unknown, options: Partial<Parameters<typeof startLocalSystem>[0]> = {}) {
  const events: SystemEvent[] = [];
  const system = await startLocalSystem({
    config: localConfig(override),
    timeScale: SCALE,
    port: 0,
    dnsPort: 0,
    propagationSeconds: 2,
    logLevel: "SILENT",
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { system, events };
}

const resolverFor = (system: LocalSystem) => {
  const r = new Resolver({ timeout: 1000, tries: 2 });
  r.setServers([`127.0.0.1:${system.dns!.server.port}`]);
  return r;
};
const server = (system: LocalSystem) => ({ host: "127.0.0.1", port: system.dns!.server.port });
const allHealthy = (system: LocalSystem) => system.snapshot().dns!.regions.every((r) => r.health === "healthy");

describe("loopback addresses", () => {
  it("numbers regions from 127.0.0.2, and shares 127.0.0.1 when asked", () => {
    expect([0, 1, 2].map((i) => regionAddress(i, "distinct"))).toEqual(["127.0.0.2", "127.0.0.3", "127.0.0.4"]);
    expect(regionAddress(1, "shared")).toBe(LOOPBACK);
  });
  it("finds distinct addresses on Linux, where all of 127.0.0.0/8 is local, and one port free on all of them", async () => {
    if (process.platform !== "linux") return;
    expect(await detectAddressMode(3)).toEqual({ mode: "distinct" });
    const port = await commonPort(["127.0.0.1", "127.0.0.2", "127.0.0.3"], 0);
    expect(port).toBeGreaterThan(0);
  });
});

describe("routing both, three regions, alias health", () => {
  let system: LocalSystem;
  let events: SystemEvent[];
  beforeAll(async () => {
    ({ system, events } = await start({ routing: "both", domain: DOMAIN, regions: ["us-west-2", "eu-central-1", "ap-northeast-1"] }, { addressMode: "distinct" }));
    await waitFor("Route 53 to see every region healthy", () => allHealthy(system), 20_000);
  });
  afterAll(() => system?.close());

  it("gives each region's ALB its own loopback address on the accelerator's port", () => {
    const port = new URL(system.acceleratorUrl).port;
    expect(system.snapshot().regions.map((r) => r.albUrl)).toEqual([`http://127.0.0.2:${port}`, `http://127.0.0.3:${port}`, `http://127.0.0.4:${port}`]);
    expect(system.snapshot().dns).toMatchObject({ addresses: "distinct", latencyName: "latency.api.example.com", acceleratorName: "api.example.com", zone: "example.com" });
  });

  it("answers the latency name with the client's closest healthy region, the accelerator's name with 127.0.0.1", async () => {
    const r = resolverFor(system);
    expect(await r.resolve4("latency.api.example.com")).toEqual(["127.0.0.2"]);
    expect(await r.resolve4("api.example.com")).toEqual(["127.0.0.1"]);
    const asClientIn = async (region: string) => (await queryA(server(system), "latency.api.example.com", { clientRegion: region })).addresses;
    expect(await asClientIn("eu-west-1")).toEqual(["127.0.0.3"]);
    expect(await asClientIn("ap-southeast-1")).toEqual(["127.0.0.4"]);
    expect(await asClientIn("us-east-1")).toEqual(["127.0.0.2"]);
    // An unknown region in the option is ignored: the system's default client region answers.
    expect(await asClientIn("mars-north-1")).toEqual(["127.0.0.2"]);
  });

  it("answers with the alias TTL, 60 model seconds, on the wire in real seconds", async () => {
    const [a] = await resolverFor(system).resolve4("latency.api.example.com", { ttl: true });
    expect(a.ttl).toBe(3); // 60 s × 0.05
    expect(system.snapshot().dns).toMatchObject({ ttlSeconds: 60, wireTtlSeconds: 3 });
  });

  it("answers NXDOMAIN for other names of the zone and REFUSED outside it, over UDP and TCP", async () => {
    await expect(resolverFor(system).resolve4("www.example.com")).rejects.toMatchObject({ code: "ENOTFOUND" });
    await expect(resolverFor(system).resolve4("www.example.net")).rejects.toMatchObject({ code: "EREFUSED" });
    const before = system.dns!.server.metrics.tcpQueries;
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const q = encode({ type: "query", id: 9, questions: [{ type: "A", name: "latency.api.example.com" }] });
      const s = connect({ host: "127.0.0.1", port: system.dns!.server.port }, () => s.write(Buffer.concat([Buffer.from([q.length >> 8, q.length & 255]), q])));
      s.on("data", (d) => {
        s.destroy();
        resolve(d.subarray(2));
      });
      s.on("error", reject);
    });
    expect(decode(answer).answers?.[0]).toMatchObject({ data: "127.0.0.2" });
    expect(system.dns!.server.metrics.tcpQueries).toBe(before + 1);
  });

  it("serves each region at the address DNS answers, on the accelerator's port", async () => {
    const port = new URL(system.acceleratorUrl).port;
    for (const [address, region] of [["127.0.0.2", "us-west-2"], ["127.0.0.3", "eu-central-1"], ["127.0.0.4", "ap-northeast-1"]]) {
      expect(await probe(`http://${address}:${port}/get/foobar`)).toMatchObject({ status: 200, region });
    }
    expect(await probe(`${system.acceleratorUrl}/get/foobar`)).toMatchObject({ status: 200, region: "us-west-2" });
  });

  it("moves the answer once the target is unhealthy and Route 53's propagation delay has passed, and back", async () => {
    const from = events.length;
    await system.setStatus("us-west-2", "400");
    // From Oregon, Tokyo is closer than Frankfurt (model/regions.ts distances): the next-closest healthy region.
    await waitFor("the answer to move to ap-northeast-1", () => system.snapshot().dns!.answer.region === "ap-northeast-1", 20_000);
    const health = events.slice(from).find((e) => e.type === "health" && e.region === "us-west-2" && e.to === "unhealthy")!;
    const dns = events.slice(from).find((e) => e.type === "dns" && e.region === "us-west-2")!;
    expect(dns).toMatchObject({ health: "unhealthy", answer: { name: "latency.api.example.com", clientRegion: "us-west-2", region: "ap-northeast-1", address: "127.0.0.4", failOpen: false } });
    // Route 53's answers follow the target only after its own propagation delay (2 model s here).
    expect(dns.t - health.t).toBeGreaterThanOrEqual(2 - 0.5);
    expect(await resolverFor(system).resolve4("latency.api.example.com")).toEqual(["127.0.0.4"]);
    // A client in Europe still gets Frankfurt, unaffected.
    expect((await queryA(server(system), "latency.api.example.com", { clientRegion: "eu-west-1" })).addresses).toEqual(["127.0.0.3"]);
    const snapshot = system.snapshot().dns!;
    expect(snapshot.regions.find((r) => r.region === "us-west-2")).toMatchObject({ health: "unhealthy", source: "unhealthy", address: "127.0.0.2" });
    // The accelerator answer never changes.
    expect(await resolverFor(system).resolve4("api.example.com")).toEqual(["127.0.0.1"]);

    await system.setStatus("us-west-2", "200");
    await waitFor("the answer to come back", () => system.snapshot().dns!.answer.region === "us-west-2", 20_000);
  });

  it("fails open to the closest region when Route 53 sees none healthy", async () => {
    await Promise.all(system.config.regions.map((r) => system.setStatus(r, "400")));
    try {
      await waitFor("every region unhealthy in Route 53's answers", () => system.snapshot().dns!.regions.every((r) => r.health === "unhealthy"), 20_000);
      expect(system.snapshot().dns!.answer).toMatchObject({ region: "us-west-2", failOpen: true });
      expect((await queryA(server(system), "latency.api.example.com", { clientRegion: "eu-west-1" })).addresses).toEqual(["127.0.0.3"]);
    } finally {
      await Promise.all(system.config.regions.map((r) => system.setStatus(r, "200")));
    }
    await waitFor("every region healthy again", () => allHealthy(system), 20_000);
  });

  it("shows DNS in the admin API's state", async () => {
    const admin = await startAdminServer(system, { port: 0 });
    const state = (await (await fetch(`${admin.url}/`)).json().finally(() => admin.close())) as { dns: Record<string, unknown> };
    expect(state.dns).toMatchObject({
      server: `127.0.0.1:${system.dns!.server.port}`,
      routing: "both",
      healthChecks: "alias",
      propagationSeconds: 2,
      clientRegion: "us-west-2",
      answer: { region: "us-west-2", address: "127.0.0.2" },
      metrics: expect.objectContaining({ udpQueries: expect.any(Number) }),
    });
  });
});

describe("routing route53 with Route 53 health checks", () => {
  let system: LocalSystem;
  let events: SystemEvent[];
  beforeAll(async () => {
    ({ system, events } = await start(
      { routing: "route53", domain: DOMAIN, route53: { healthChecks: "route53", requestIntervalSeconds: 10, failureThreshold: 2 } },
      { dnsPropagationSeconds: 1 },
    ));
  });
  afterAll(() => system?.close());

  it("serves the latency records on domain.name itself, and no accelerator name", async () => {
    expect(system.snapshot().dns).toMatchObject({ latencyName: "api.example.com", routing: "route53", healthChecks: "route53", propagationSeconds: 1 });
    expect(system.snapshot().dns!.acceleratorName).toBeUndefined();
    // A new Route 53 check counts as healthy until it has data: the answer is the closest region at once.
    expect(await resolverFor(system).resolve4("api.example.com")).toEqual([system.snapshot().dns!.regions[0].address]);
  });

  it("checks each region's health path through its ALB, and a killed region fails its check and leaves the answer", async () => {
    await waitFor("the Route 53 checks to reach the ALBs", () => system.snapshot().dns!.regions.every((r) => r.lastCheck === "200"), 20_000);
    // Route 53's checker requests reach the ALBs, counted apart from client traffic (the dashboard's share).
    expect(system.snapshot().regions.every((r) => r.metrics.alb.route53HealthChecks > 0 && r.requests === 0)).toBe(true);
    await system.kill("us-west-2");
    try {
      await waitFor("the answer to leave us-west-2", () => system.snapshot().dns!.answer.region === "eu-central-1", 20_000);
      const check = events.find((e) => e.type === "route53-check" && e.region === "us-west-2" && e.to === "unhealthy");
      expect(check).toMatchObject({ reason: expect.stringMatching(/connection refused \(2 failures\)/) });
      expect(events.find((e) => e.type === "dns" && e.region === "us-west-2")).toMatchObject({ health: "unhealthy" });
    } finally {
      await system.restore("us-west-2");
    }
    await waitFor("the answer to come back", () => system.snapshot().dns!.answer.region === "us-west-2", 20_000);
  });
});

describe("where regions share 127.0.0.1 (e.g. macOS without lo0 aliases)", () => {
  let system: LocalSystem;
  beforeAll(async () => {
    ({ system } = await start({ routing: "both", domain: DOMAIN }, { addressMode: "shared" }));
    await waitFor("Route 53 to see every region healthy", () => allHealthy(system), 20_000);
  });
  afterAll(() => system?.close());

  it("answers 127.0.0.1 for every region, with its port in the TXT note, and that port serves that region", async () => {
    const dns = system.snapshot().dns!;
    expect(dns.addresses).toBe("shared");
    for (const [client, region] of [["us-west-2", "us-west-2"], ["eu-west-1", "eu-central-1"]]) {
      const answer = await queryA(server(system), "latency.api.example.com", { clientRegion: client });
      expect(answer.addresses).toEqual(["127.0.0.1"]);
      expect(answer.port).toBe(dns.regions.find((r) => r.region === region)!.port);
      expect(await probe(`http://127.0.0.1:${answer.port}/get/foobar`)).toMatchObject({ status: 200, region });
    }
    expect(new Set(dns.regions.map((r) => r.port)).size).toBe(2);
  });
});

describe("routing accelerator", () => {
  it("serves no DNS", async () => {
    const { system } = await start({});
    try {
      expect(system.dns).toBeUndefined();
      expect(system.snapshot().dns).toBeUndefined();
      expect(system.snapshot().regions[0].albUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
    } finally {
      await system.close();
    }
  });
});
