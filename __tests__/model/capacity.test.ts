import {
  ACCOUNT_REQUESTS_PER_SECOND,
  BENCH_FUNCTION_P99_MILLISECONDS,
  busiestCases,
  type CapacityInput,
  capacityCase,
  capacityCases,
  capacityInputOf,
  capacityWarnings,
  concurrencyFor,
  erlangB,
  concurrencyLimitOf,
  evenClientShares,
  RESERVABLE_CONCURRENCY,
  throttledShare,
} from "../../model/capacity";
import { configWarnings } from "../../model/config";
import { configWith } from "../support/synth";

const TWO = ["us-west-2", "eu-central-1"];
const THREE = ["us-west-2", "eu-central-1", "ap-northeast-1"];

/** The model's input: every region at dial 100 and weight 128 unless given, clients spread evenly. */
function input(regions: readonly string[], rps: number, ms: number, settings: { dials?: Record<string, number>; weights?: Record<string, number>; limit?: number } = {}): CapacityInput {
  return {
    groups: regions.map((region) => ({ region, dial: settings.dials?.[region] ?? 100, weight: settings.weights?.[region] ?? 128 })),
    clientShares: evenClientShares(regions),
    requestsPerSecond: rps,
    functionMilliseconds: ms,
    concurrencyLimit: settings.limit ?? 900,
  };
}

/** A case as region → [requests per second, concurrency], rounded to 1e-9 so sums of thirds compare. */
const rates = (i: CapacityInput, lost?: string) =>
  Object.fromEntries(capacityCase(i, lost).regions.map((r) => [r.region, [round(r.requestsPerSecond), round(r.concurrency)]]));
const round = (n: number) => Math.round(n * 1e9) / 1e9;

describe("the capacity model's arithmetic", () => {
  it.each([
    // name, input, lost region, expected region → [req/s, concurrency]
    ["two regions share the load evenly", input(TWO, 1000, 40), undefined, { "us-west-2": [500, 20], "eu-central-1": [500, 20] }],
    ["losing one of two doubles the other's load", input(TWO, 1000, 40), "us-west-2", { "eu-central-1": [1000, 40] }],
    ["the default duration (the bench p99, 3.78 ms) at 1,000 req/s", input(TWO, 1000, BENCH_FUNCTION_P99_MILLISECONDS), undefined, { "us-west-2": [500, 1.89], "eu-central-1": [500, 1.89] }],
    ["three regions share it in thirds", input(THREE, 900, 10), undefined, { "us-west-2": [300, 3], "eu-central-1": [300, 3], "ap-northeast-1": [300, 3] }],
    // us-west-2 → ap-northeast-1 is 7,971 km, → eu-central-1 8,251 km: its clients go to Tokyo.
    ["a lost region's clients go to the next-closest region only", input(THREE, 900, 10), "us-west-2", { "eu-central-1": [300, 3], "ap-northeast-1": [600, 6] }],
    ["losing eu-central-1 sends its clients to us-west-2 (8,251 km, not Tokyo's 9,331)", input(THREE, 900, 10), "eu-central-1", { "us-west-2": [600, 6], "ap-northeast-1": [300, 3] }],
    ["a 50 % dial keeps half its clients and passes the rest on", input(TWO, 1000, 10, { dials: { "us-west-2": 50 } }), undefined, { "us-west-2": [250, 2.5], "eu-central-1": [750, 7.5] }],
    ["what every dial turned away goes to the closest group that takes traffic", input(TWO, 1000, 10, { dials: { "us-west-2": 50 } }), "eu-central-1", { "us-west-2": [1000, 10] }],
    ["a 0 % dial drains a region", input(TWO, 1000, 10, { dials: { "us-west-2": 0 } }), undefined, { "us-west-2": [0, 0], "eu-central-1": [1000, 10] }],
    ["a weight of 0 takes a region out", input(TWO, 1000, 10, { weights: { "eu-central-1": 0 } }), undefined, { "us-west-2": [1000, 10], "eu-central-1": [0, 0] }],
  ])("%s", (_name, i, lost, expected) => {
    expect(rates(i, lost)).toEqual(expected);
  });

  it.each([
    // concurrency wanted, limit, throttled share (Erlang B, worked by hand or from its tables)
    [1, 1, 0.5],
    [1, 2, 0.2],
    [3, 4, 0.2061],
    [6, 4, 0.4696],
    [40, 40, 0.1162],
    [40, 30, 0.2993],
    [20, 30, 0.0085],
    [0, 4, 0],
  ])("wanting %d executions on average with %d allowed throttles %d of random requests", (concurrency, limit, share) => {
    expect(throttledShare(concurrency, limit)).toBeCloseTo(share, 4);
  });

  it("throttles at least what exceeds the limit, 1 − limit / wanted, and tends to it far past the limit", () => {
    for (const [wanted, limit] of [[40, 30], [1000, 900], [5, 4], [2000, 500]]) {
      expect(throttledShare(wanted, limit)).toBeGreaterThanOrEqual(1 - limit / wanted);
    }
    expect(throttledShare(2000, 500) - (1 - 500 / 2000)).toBeLessThan(0.001);
    expect(erlangB(0, 3)).toBe(1);
    expect(() => erlangB(2.5, 1)).toThrow(/servers must be a whole number/);
  });

  it("is Little's law: requests per second × seconds per request", () => {
    expect(concurrencyFor(100, 500)).toBe(50); // AWS's own example: 100 req/s × 0.5 s
    expect(concurrencyFor(0, 500)).toBe(0);
  });

  it("gives the normal case, then one case per region lost; nothing to lose with one region", () => {
    expect(capacityCases(input(THREE, 900, 10)).map((c) => c.lost)).toEqual([null, ...THREE]);
    expect(capacityCases(input(["us-west-2"], 900, 10)).map((c) => c.lost)).toEqual([null]);
  });

  it("names each region's busiest case", () => {
    expect(busiestCases(capacityCases(input(THREE, 900, 10))).map((b) => [b.load.region, b.lost, b.load.requestsPerSecond])).toEqual([
      ["us-west-2", "eu-central-1", 600],
      ["eu-central-1", null, 300],
      ["ap-northeast-1", "us-west-2", 600],
    ]);
  });

  it("throttles the survivor, and next to nothing while every region serves", () => {
    const i = input(TWO, 1000, 10, { limit: 12 });
    expect(capacityCase(i, "us-west-2").regions).toEqual([
      { region: "eu-central-1", requestsPerSecond: 1000, concurrency: 10, concurrencyLimit: 12, throttledShare: expect.closeTo(0.1197, 4) },
    ]);
    expect(capacityCase(i).regions.map((r) => r.throttledShare)).toEqual([expect.closeTo(0.0034, 4), expect.closeTo(0.0034, 4)]);
  });
});

describe("the model's input from a config", () => {
  it("takes the dials and weights, the duration and the limit", () => {
    const c = configWith({ capacity: { functionMilliseconds: 20 }, accelerator: { trafficDials: { "eu-central-1": 30 }, endpointWeights: { "us-west-2": 7 } }, function: { reservedConcurrency: 50 } });
    expect(capacityInputOf(c, 100)).toEqual({
      groups: [{ region: "us-west-2", dial: 100, weight: 7 }, { region: "eu-central-1", dial: 30, weight: 128 }],
      clientShares: { "us-west-2": 0.5, "eu-central-1": 0.5 },
      requestsPerSecond: 100,
      functionMilliseconds: 20,
      concurrencyLimit: 50,
    });
  });
  it("without a reservation, counts on what the default quota leaves to reserve: 1,000 less 100", () => {
    expect(RESERVABLE_CONCURRENCY).toBe(900);
    expect(concurrencyLimitOf(configWith())).toBe(900);
  });
  it("ignores dials with routing route53 (latency records send clients to the closest healthy region)", () => {
    const c = configWith({ routing: "route53", domain: { name: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" }, accelerator: { trafficDials: { "us-west-2": 0 } } });
    expect(capacityInputOf(c, 100).groups.map((g) => g.dial)).toEqual([100, 100]);
  });
  it("defaults the duration to the function benchmark's p99", () => {
    expect(configWith().capacity).toEqual({ functionMilliseconds: BENCH_FUNCTION_P99_MILLISECONDS });
  });
});

describe("synth's capacity warnings", () => {
  const keys = (override: object) => capacityWarnings(configWith(override)).map((w) => w.key);

  it.each([
    ["no peak rate: nothing to check", {}, []],
    ["a peak that fits everywhere", { capacity: { peakRequestsPerSecond: 1000 } }, []],
    ["a reservation with room after losing a region (40 of 60: 0.07 % throttled)", { capacity: { peakRequestsPerSecond: 1000, functionMilliseconds: 40 }, function: { reservedConcurrency: 60 } }, []],
    ["a reservation the survivor outgrows (normally 20, after a loss 40 of 30)", { capacity: { peakRequestsPerSecond: 1000, functionMilliseconds: 40 }, function: { reservedConcurrency: 30 } }, ["function.reservedConcurrency"]],
    ["a reservation the survivor only fills (40 of 40: random arrivals throttle 12 %)", { capacity: { peakRequestsPerSecond: 1000, functionMilliseconds: 40 }, function: { reservedConcurrency: 40 } }, ["function.reservedConcurrency"]],
    ["past what the default quota leaves to reserve (901 after a loss)", { capacity: { peakRequestsPerSecond: 901, functionMilliseconds: 1000 } }, ["capacity.peakRequestsPerSecond"]],
    ["well within what the default quota leaves (800 of 900 after a loss)", { capacity: { peakRequestsPerSecond: 800, functionMilliseconds: 1000 } }, []],
    ["past Lambda's 10,000 requests per second in the survivor", { capacity: { peakRequestsPerSecond: 10_001, functionMilliseconds: 1 } }, ["capacity.peakRequestsPerSecond"]],
    ["past every limit", { capacity: { peakRequestsPerSecond: 20_000, functionMilliseconds: 100 }, function: { reservedConcurrency: 500 } }, ["function.reservedConcurrency", "capacity.peakRequestsPerSecond", "capacity.peakRequestsPerSecond"]],
  ])("%s", (_name, override, expected) => {
    expect(keys(override)).toEqual(expected);
  });

  it("says which region outgrows the reservation after losing which, and how much would be throttled", () => {
    const [w] = capacityWarnings(configWith({ capacity: { peakRequestsPerSecond: 1000, functionMilliseconds: 40 }, function: { reservedConcurrency: 30 } }));
    expect(w.message).toBe(
      "30 throttles at capacity.peakRequestsPerSecond 1,000 × 40 ms (capacity model, requests at random): " +
        "us-west-2 after losing eu-central-1 needs 40 of 30 (1,000 req/s), 30 % throttled; eu-central-1 after losing us-west-2 needs 40 of 30 (1,000 req/s), 30 % throttled. " +
        "Lambda throttles past the reservation and the ALB answers 502.",
    );
  });

  it("counts Lambda's requests-per-second limit from the account quota", () => {
    expect(ACCOUNT_REQUESTS_PER_SECOND).toBe(10_000);
    const [w] = capacityWarnings(configWith({ capacity: { peakRequestsPerSecond: 10_001, functionMilliseconds: 1 } }));
    expect(w.message).toContain("us-west-2 after losing eu-central-1 takes 10,001");
  });

  it("reaches synth's warnings", () => {
    const override = { capacity: { peakRequestsPerSecond: 1000, functionMilliseconds: 40 }, function: { reservedConcurrency: 30 } };
    expect(configWarnings(configWith(override)).map((w) => w.key)).toContain("function.reservedConcurrency");
    expect(configWarnings(configWith({ ...override, function: { reservedConcurrency: 60 } })).map((w) => w.key)).not.toContain("function.reservedConcurrency");
  });
});
