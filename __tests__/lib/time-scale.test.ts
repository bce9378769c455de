import { parseTimeScale, sleep, systemClock, timeScale } from "../../lib/time-scale";
import { TestClock } from "../support/clock";

describe("time scale", () => {
  it("a value at most 1 is real seconds per model second: 0.1 runs 10x faster", () => {
    const s = timeScale(0.1);
    expect(s.factor).toBe(0.1);
    expect(s.toRealMs(10)).toBeCloseTo(1000);
    expect(s.toModelSeconds(1000)).toBeCloseTo(10);
  });
  it("a value above 1 is a speed-up: 10 means the same as 0.1", () => {
    expect(timeScale(10).factor).toBeCloseTo(0.1);
    expect(parseTimeScale("10").toRealMs(10)).toBeCloseTo(parseTimeScale("0.1").toRealMs(10));
  });
  it("1 (the default) is real time", () => {
    expect(timeScale().factor).toBe(1);
    expect(timeScale().toModelSeconds(2500)).toBe(2.5);
  });
  it.each([["0"], ["-1"], ["abc"], [""], ["0.0001"], ["100000"]])("rejects %p naming --time-scale", (text) => {
    expect(() => parseTimeScale(text)).toThrow(/--time-scale/);
  });
  it("reads and waits on the system clock unless given another", async () => {
    expect(timeScale(0.1).clock).toBe(systemClock);
    const clock = new TestClock({ start: 0 });
    const s = timeScale(0.1, clock);
    const woke: number[] = [];
    const done = s.clock.sleep(s.toRealMs(10)).then(() => woke.push(s.toModelSeconds(clock.now())));
    await clock.advance(999);
    expect(woke).toEqual([]);
    await clock.advance(1);
    await done;
    expect(woke).toEqual([10]);
  });
  it("sleep rejects when aborted", async () => {
    const c = new AbortController();
    const p = sleep(10_000, c.signal);
    c.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
  });
});
