/** bench/local: it measures every layer at 1 and 10 connections in one run, and reports what each adds. */
import { CONNECTIONS, formatLocalReport, LAYERS, type Measurement, measureLocal, PATHS } from "../../bench/local";

describe("bench/local, measured for real (a few requests)", () => {
  let result: Awaited<ReturnType<typeof measureLocal>>;
  beforeAll(async () => {
    result = await measureLocal({ rounds: 1, requests: 10, warmup: 1 });
  });

  it("measures every layer, path and connection count, side by side in one run", () => {
    expect(result.measurements).toHaveLength(LAYERS.length * PATHS.length * CONNECTIONS.length);
    for (const m of result.measurements) {
      expect(m.latenciesMs).toHaveLength(10);
      expect(m.roundsPerSecond).toHaveLength(1);
      expect(m.latenciesMs.every((x) => x > 0)).toBe(true);
    }
  });

  it("runs the function in several execution environments at 10 connections", () => {
    expect(result.environments).toBeGreaterThanOrEqual(1);
  });
});

describe("formatLocalReport", () => {
  const cell = (layer: (typeof LAYERS)[number], path: string, connections: number, latency: number): Measurement => ({ layer, path, connections, latenciesMs: [latency, latency], roundsPerSecond: [1000 / latency] });
  const measurements = PATHS.flatMap((path) => LAYERS.flatMap((layer, i) => CONNECTIONS.map((c) => cell(layer, path, c, (i + 1) * c))));

  it("has a row per layer and path with 1 and 10 connections side by side, and what each layer adds", () => {
    const text = formatLocalReport(measurements, 4, 1, 2);
    expect(text).toMatch(/\| layer \(each on top of the one above\) \| 1 conn p50 \| 1 conn p99 \| 1 conn req\/s \| 10 conn p50/);
    expect(text).toMatch(/\| ALB `GET \/health` +\| +3\.00 ms \| +3\.00 ms \| +333 \| +30\.00 ms \| +30\.00 ms \| +33 \| +3\.00 ms \| +\+1\.00 ms \|/);
    expect(text).toMatch(/mean per request: the handler itself 1\.00 ms; the execution environment \(worker thread\) adds 1\.00 ms, the ALB 1\.00 ms, the accelerator 1\.00 ms/);
    expect(formatLocalReport(measurements.map((m) => (m.layer === "accelerator" ? { ...m, latenciesMs: [0.5, 0.5] } : m)), 4, 1, 2)).toMatch(/\| +500 µs \| +−2\.50 ms \|/);
    expect(text).toMatch(/ran 4 execution environment/);
  });
});
