/** bench/dashboard: it measures requests with 0, 10 and 50 open pages side by side, and what a page receives. */
import { CONNECTIONS, formatDashboardReport, type Measurement, measureDashboard, PAGES } from "../../bench/dashboard";

describe("bench/dashboard, measured for real (a few requests)", () => {
  let result: Measurement[];
  beforeAll(async () => {
    result = await measureDashboard({ rounds: 1, requests: 10 });
  });

  it("measures every page count and connection count in one run, and the bytes a page received", () => {
    expect(result).toHaveLength(PAGES.length * CONNECTIONS.length);
    for (const m of result) {
      expect(m.latenciesMs).toHaveLength(10);
      expect(m.latenciesMs.every((x) => x > 0)).toBe(true);
      // Every open page got at least the first message (the whole state).
      if (m.pages > 0) expect(m.pageBytesPerSecond[0]).toBeGreaterThan(0);
      else expect(m.pageBytesPerSecond).toEqual([]);
    }
  });
});

describe("formatDashboardReport", () => {
  const cell = (pages: number, connections: number, latency: number): Measurement => ({ pages, connections, latenciesMs: [latency, latency], roundsPerSecond: [1000 / latency], pageBytesPerSecond: pages ? [2048] : [] });
  const measurements = PAGES.flatMap((pages, i) => CONNECTIONS.map((c) => cell(pages, c, (i + 1) * c)));

  it("has a row per page count, 1 and 10 connections side by side, req/s against no pages, and a page's bytes", () => {
    const text = formatDashboardReport(measurements, 1, 2);
    expect(text).toMatch(/\| open pages \| 1 conn p50 \| 1 conn p99 \| 1 conn req\/s \| vs 0 pages \| 10 conn p50/);
    expect(text).toMatch(/\| 10 +\| +2\.00 ms \| +2\.00 ms \| +500 \| +0\.50× \| +20\.00 ms \| +20\.00 ms \| +50 \| +0\.50× \| +2\.0 KiB\/s \|/);
    expect(text).toMatch(/\| 0 +\| +1\.00 ms \|.*\| +1\.00× \|.*\| +1\.00× \| +\|/);
  });
});
