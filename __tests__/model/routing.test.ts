import { seededRandom } from "../../local/runtime/random";
import { byProximity, type EndpointGroupView, flowDraw, routeConnection, routeShares } from "../../model/routing";

const group = (region: string, health: "initial" | "healthy" | "unhealthy" = "healthy", dial = 100, weight = 128): EndpointGroupView => ({
  region,
  dial,
  endpoints: [{ id: `alb-${region}`, weight, health }],
});
const fixed = (u: number) => () => u;

describe("routeConnection (Global Accelerator's choice for a new connection)", () => {
  const both = [group("us-west-2"), group("eu-central-1")];

  it("sends a client to the closest healthy group", () => {
    expect(routeConnection(both, "us-west-1", fixed(0.5))).toEqual({ region: "us-west-2", endpointId: "alb-us-west-2", failOpen: false });
    expect(routeConnection(both, "eu-west-1", fixed(0.5))?.region).toBe("eu-central-1");
  });
  it("fails over to the next-closest healthy group", () => {
    expect(routeConnection([group("us-west-2", "unhealthy"), group("eu-central-1")], "us-west-1", fixed(0.5))?.region).toBe("eu-central-1");
  });
  it("does not count an initial endpoint as healthy", () => {
    expect(routeConnection([group("us-west-2", "initial"), group("eu-central-1")], "us-west-1", fixed(0.5))?.region).toBe("eu-central-1");
  });
  it("fails open to the closest group when no endpoint is healthy", () => {
    expect(routeConnection([group("us-west-2", "unhealthy"), group("eu-central-1", "unhealthy")], "us-west-1", fixed(0.5))).toEqual({
      region: "us-west-2",
      endpointId: "alb-us-west-2",
      failOpen: true,
    });
  });
  it("a traffic dial sends that share of the group's connections there and the rest to the next group", () => {
    const dialed = [group("us-west-2", "healthy", 30), group("eu-central-1")];
    expect(routeConnection(dialed, "us-west-1", fixed(0.29))?.region).toBe("us-west-2");
    expect(routeConnection(dialed, "us-west-1", fixed(0.31))?.region).toBe("eu-central-1");
  });
  it("a 0% dial drains the group, even when failing open", () => {
    expect(routeConnection([group("us-west-2", "healthy", 0), group("eu-central-1")], "us-west-1", fixed(0))?.region).toBe("eu-central-1");
    expect(routeConnection([group("us-west-2", "unhealthy", 0), group("eu-central-1", "unhealthy")], "us-west-1", fixed(0))?.region).toBe("eu-central-1");
  });
  it("connections every dial turned away go to the closest group that takes traffic", () => {
    expect(routeConnection([group("us-west-2", "healthy", 50), group("eu-central-1", "healthy", 50)], "us-west-1", fixed(0.9))?.region).toBe("us-west-2");
  });
  it("a weight of 0 takes the endpoint out", () => {
    expect(routeConnection([group("us-west-2", "healthy", 100, 0), group("eu-central-1")], "us-west-1", fixed(0))?.region).toBe("eu-central-1");
  });
  it("chooses among a group's endpoints by weight", () => {
    const g: EndpointGroupView = { region: "us-west-2", dial: 100, endpoints: [{ id: "a", weight: 1, health: "healthy" }, { id: "b", weight: 3, health: "healthy" }] };
    expect(routeConnection([g], "us-west-2", fixed(0.2))?.endpointId).toBe("a");
    expect(routeConnection([g], "us-west-2", fixed(0.3))?.endpointId).toBe("b");
  });
  it("routes nowhere when every dial is 0", () => {
    expect(routeConnection([group("us-west-2", "healthy", 0)], "us-west-2", fixed(0))).toBeUndefined();
  });
});

describe("flowDraw (affinity)", () => {
  const flow = (sourcePort: number, sourceIp = "10.0.0.1") => ({ sourceIp, sourcePort, destinationIp: "127.0.0.1", destinationPort: 8080 });
  it("SOURCE_IP: the same client gets the same draw on every connection", () => {
    const draws = new Set([1000, 1001, 1002, 40000].map((p) => flowDraw(flow(p), "SOURCE_IP", "dial|us-west-2")));
    expect(draws.size).toBe(1);
  });
  it("NONE: the 5-tuple decides, so a new source port gets a new draw", () => {
    const draws = new Set([1000, 1001, 1002, 40000].map((p) => flowDraw(flow(p), "NONE", "dial|us-west-2")));
    expect(draws.size).toBe(4);
  });
  it("draws are in [0, 1) and spread out", () => {
    const draws = Array.from({ length: 1000 }, (_, i) => flowDraw(flow(i), "NONE", "x"));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.filter((d) => d < 0.5).length).toBeGreaterThan(400);
    expect(draws.filter((d) => d < 0.5).length).toBeLessThan(600);
  });
});

describe("proximity", () => {
  it("orders groups closest first", () => {
    expect(byProximity([{ region: "us-west-2" }, { region: "eu-central-1" }, { region: "ap-northeast-1" }], "eu-west-1").map((g) => g.region)).toEqual([
      "eu-central-1",
      "us-west-2",
      "ap-northeast-1",
    ]);
  });
});

describe("routeShares (the expected split of a client location's connections)", () => {
  it.each([
    ["the closest healthy group takes everything", [group("us-west-2"), group("eu-central-1")], "us-west-1", { "us-west-2": 1 }],
    ["a dial keeps its share and passes the rest on", [group("us-west-2", "healthy", 30), group("eu-central-1")], "us-west-1", { "us-west-2": 0.3, "eu-central-1": 0.7 }],
    ["what every dial passed on returns to the closest", [group("us-west-2", "healthy", 50), group("eu-central-1", "healthy", 50)], "us-west-1", { "us-west-2": 0.75, "eu-central-1": 0.25 }],
    ["an unhealthy group is skipped", [group("us-west-2", "unhealthy"), group("eu-central-1")], "us-west-1", { "eu-central-1": 1 }],
    ["with none healthy it fails open to the closest", [group("us-west-2", "unhealthy"), group("eu-central-1", "unhealthy")], "us-west-1", { "us-west-2": 1 }],
    ["nothing can take traffic", [group("us-west-2", "healthy", 0)], "us-west-2", {}],
  ])("%s", (_name, groups, client, expected) => {
    const shares = routeShares(groups, client);
    expect(Object.keys(shares)).toEqual(Object.keys(expected));
    for (const [region, share] of Object.entries(expected)) expect(shares[region]).toBeCloseTo(share, 12);
  });

  it("is what routeConnection does with independent draws, counted over many connections", () => {
    const groups = [group("us-west-2", "healthy", 40), group("eu-central-1", "healthy", 70), group("ap-northeast-1", "healthy", 50)];
    const random = seededRandom(7);
    const counts: Record<string, number> = {};
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const region = routeConnection(groups, "us-west-1", () => random())!.region;
      counts[region] = (counts[region] ?? 0) + 1;
    }
    const shares = routeShares(groups, "us-west-1");
    // us-west-1 is closest to us-west-2, then ap-northeast-1, then eu-central-1: 0.4, 0.6 × 0.5, 0.3 × 0.7, and the 0.09 left to us-west-2.
    expect(shares).toEqual({ "us-west-2": expect.closeTo(0.49, 12), "ap-northeast-1": expect.closeTo(0.3, 12), "eu-central-1": expect.closeTo(0.21, 12) });
    expect(Object.keys(shares).sort()).toEqual(Object.keys(counts).sort());
    for (const region of Object.keys(shares)) expect(Math.abs(counts[region] / n - shares[region])).toBeLessThan(0.015);
  });
});
