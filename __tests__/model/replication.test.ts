import { compareVersions, DEFAULT_REPLICATION_LAG, drawLag, lagBounds, lagQuantile, normalQuantile, replaces } from "../../model/replication";
import { seededRandom } from "../../local/runtime/random";

describe("the replication lag's distribution", () => {
  it.each([
    [0.5, 0],
    [0.975, 1.959964],
    [0.99, 2.326348],
    [0.001, -3.090232],
    [0.8413447, 1],
  ])("Φ⁻¹(%p) = %p", (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 5);
  });

  it("refuses quantiles outside (0, 1)", () => {
    for (const p of [0, 1, -0.1, Number.NaN]) expect(() => normalQuantile(p)).toThrow(RangeError);
  });

  it("passes through its median and 99th percentile", () => {
    const lag = { median: 0.8, p99: 3 };
    expect(lagQuantile(lag, 0.5)).toBeCloseTo(0.8, 9);
    expect(lagQuantile(lag, 0.99)).toBeCloseTo(3, 6);
  });

  it("is a fixed lag when the two are equal", () => {
    expect(lagQuantile({ median: 2, p99: 2 }, 0.001)).toBe(2);
    expect(drawLag({ median: 2, p99: 2 }, Math.random)).toBe(2);
  });

  it("defaults to AWS's 'typically within a second': half within 0.5 s, 99 % within 1 s, draws between 0.2 and 1.3 s", () => {
    expect(DEFAULT_REPLICATION_LAG).toEqual({ median: 0.5, p99: 1 });
    const { min, max } = lagBounds(DEFAULT_REPLICATION_LAG);
    expect(min).toBeCloseTo(0.199, 2);
    expect(max).toBeCloseTo(1.256, 2);
  });

  it("draws within its bounds, about half below the median, the same draws from the same seed", () => {
    const random = seededRandom(42);
    const draws = Array.from({ length: 4000 }, () => drawLag(DEFAULT_REPLICATION_LAG, random));
    const { min, max } = lagBounds(DEFAULT_REPLICATION_LAG);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(min);
    expect(Math.max(...draws)).toBeLessThanOrEqual(max);
    const below = draws.filter((d) => d < 0.5).length / draws.length;
    expect(below).toBeGreaterThan(0.45);
    expect(below).toBeLessThan(0.55);
    const again = seededRandom(42);
    expect(draws.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => drawLag(DEFAULT_REPLICATION_LAG, again)));
  });
});

describe("last writer wins", () => {
  const west = (stamp: number) => ({ stamp, region: "us-west-2" });
  const europe = (stamp: number) => ({ stamp, region: "eu-central-1" });

  it("the later timestamp wins, whichever region", () => {
    expect(compareVersions(west(2), europe(1))).toBeGreaterThan(0);
    expect(compareVersions(west(1), europe(2))).toBeLessThan(0);
    expect(replaces(europe(2), west(1))).toBe(true);
    expect(replaces(europe(1), west(2))).toBe(false);
  });

  it("equal timestamps go to the region whose name sorts last, in every replica alike", () => {
    expect(compareVersions(west(1), europe(1))).toBeGreaterThan(0);
    expect(compareVersions(europe(1), west(1))).toBeLessThan(0);
    expect(compareVersions(west(1), west(1))).toBe(0);
  });

  it("a replica with no version takes any write; the same write twice is not applied twice", () => {
    expect(replaces(west(0), undefined)).toBe(true);
    expect(replaces(west(3), west(3))).toBe(false);
  });
});
