/** The traffic meter turns cumulative counters into a sliding window of per-interval counts and shares. */
import { TrafficMeter } from "../../../local/admin/traffic-meter";

const REGIONS = ["us-west-2", "eu-central-1"];
const at = (t: number, west: number, eu: number, refusedWest = 0) => ({ t, served: { "us-west-2": west, "eu-central-1": eu }, refused: { "us-west-2": refusedWest } });

describe("TrafficMeter", () => {
  it("keeps the differences between samples, one point per interval", () => {
    const m = new TrafficMeter(REGIONS, 60);
    m.sample(at(0, 100, 7));
    m.sample(at(1, 110, 7));
    m.sample(at(3, 112, 15, 4));
    expect(m.window().points).toEqual([
      { t: 1, seconds: 1, served: { "us-west-2": 10, "eu-central-1": 0 }, refused: 0 },
      { t: 3, seconds: 2, served: { "us-west-2": 2, "eu-central-1": 8 }, refused: 4 },
    ]);
  });

  it("sums the window and gives each region its part of everything sent, refused connections included", () => {
    const m = new TrafficMeter(REGIONS, 60);
    m.sample(at(0, 0, 0));
    m.sample(at(1, 6, 0));
    m.sample(at(2, 6, 2, 2));
    const w = m.window();
    expect(w.served).toEqual({ "us-west-2": 6, "eu-central-1": 2 });
    expect(w.refused).toBe(2);
    expect(w.share).toEqual({ "us-west-2": 0.6, "eu-central-1": 0.2 });
    expect(w.regions).toEqual(REGIONS);
    expect(w.windowSeconds).toBe(60);
  });

  it("drops points that end outside the window", () => {
    const m = new TrafficMeter(REGIONS, 10);
    for (let t = 0; t <= 30; t++) m.sample(at(t, t, 0));
    const ts = m.window().points.map((p) => p.t);
    expect(ts[0]).toBe(21);
    expect(ts[ts.length - 1]).toBe(30);
    expect(m.window().served["us-west-2"]).toBe(10);
  });

  it("has no shares before any traffic, and the first sample is only a baseline", () => {
    const m = new TrafficMeter(REGIONS);
    m.sample(at(5, 1000, 1000));
    expect(m.window()).toMatchObject({ points: [], refused: 0, share: { "us-west-2": 0, "eu-central-1": 0 } });
  });

  it("never counts a counter that went down (a restarted counter) as negative traffic", () => {
    const m = new TrafficMeter(REGIONS);
    m.sample(at(0, 50, 50));
    m.sample(at(1, 10, 55));
    expect(m.window().points[0].served).toEqual({ "us-west-2": 0, "eu-central-1": 5 });
  });

  it("refuses samples that go back in time and windows that are not positive", () => {
    const m = new TrafficMeter(REGIONS);
    m.sample(at(5, 0, 0));
    expect(() => m.sample(at(4, 0, 0))).toThrow(/older than the last one/);
    expect(() => new TrafficMeter(REGIONS, 0)).toThrow(/window must be > 0/);
  });
});
