import { parseSeed, randomSeed, seededRandom } from "../../../local/runtime/random";

describe("seededRandom", () => {
  it("the same seed gives the same sequence, another seed another one", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const seqA = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(seqA);
    expect([c(), c(), c()]).not.toEqual(seqA);
  });
  it("draws uniformly from [0, 1)", () => {
    const r = seededRandom(7);
    const draws = Array.from({ length: 10_000 }, r);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    for (let decile = 0; decile < 10; decile++) {
      const n = draws.filter((d) => d >= decile / 10 && d < (decile + 1) / 10).length;
      expect(n).toBeGreaterThan(850);
      expect(n).toBeLessThan(1150);
    }
  });
  it("a fresh seed is a 32-bit unsigned integer", () => {
    const s = randomSeed();
    expect(Number.isInteger(s) && s >= 0 && s <= 0xffffffff).toBe(true);
  });
});

describe("parseSeed", () => {
  it("takes a whole number 0-4294967295", () => {
    expect(parseSeed("0")).toBe(0);
    expect(parseSeed("4294967295")).toBe(4294967295);
  });
  it.each([["-1"], ["1.5"], ["abc"], [""], ["4294967296"]])("rejects %p naming --seed", (text) => {
    expect(() => parseSeed(text)).toThrow(/--seed must be a whole number 0-4294967295/);
  });
});
