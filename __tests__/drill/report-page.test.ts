/**
 * The HTML report is a pure function of drill results: one mark per probe (errors marked as such),
 * the STATUS changes, the predicted windows from the result's ranges, the measured failover and
 * recovery, the detection and propagation phases where health was observed; one drill, --runs, and a
 * comparison of two routings; nothing fetched, every text escaped, the result embedded as data.
 */
import { type CompareSource, renderReport, reportOf } from "../../drill/report-page";
import { escapeHtml, lanesOf } from "../../drill/report-timeline";
import { combineRuns } from "../../drill/runs";
import { drillResult as result } from "./fixtures";

const AT = new Date("2026-01-02T03:04:05.000Z");

const count = (html: string, re: RegExp) => html.match(re)?.length ?? 0;
const dataOf = (html: string) => JSON.parse(/<script type="application\/json" id="drill-result">(.*)<\/script>/s.exec(html)![1]);

describe("renderReport of one drill", () => {
  const r = result();
  const html = renderReport(reportOf(r, AT));

  it("draws one mark per probe, and marks the errors as errors", () => {
    expect(count(html, /class="probe[ "]/g)).toBe(r.timeline.length);
    expect(count(html, /class="probe error"/g)).toBe(2);
    // The unanswered probe is a cross in the "no answer" lane, the 502 a square in its region's lane.
    expect(html).toMatch(/<path class="probe error" data-t="45" data-status="0" data-region=""/);
    expect(html).toMatch(/<rect class="probe error" data-t="46" data-status="502" data-region="eu-central-1"/);
    expect(html).toContain("<title>45 s · failover · no answer (ECONNRESET)</title>");
    expect(lanesOf(r)).toEqual(["us-west-2", "eu-central-1", "no answer"]);
  });

  it("marks when STATUS changed, and shades the predicted windows from the result's ranges", () => {
    expect(html).toContain("STATUS=400 at 20 s");
    expect(html).toContain("restored at 60 s");
    expect(html).toContain(`predicted failover: ${r.predictedFailoverRange.min}–${r.predictedFailoverRange.max} s after the change (± 2 s)`);
    expect(html).toContain(`predicted recovery ${r.predictedRecoveryRange.min}–${r.predictedRecoveryRange.max} s`);
    expect(count(html, /<rect class="predicted"/g)).toBe(2);
  });

  it("shows what was measured, with the verdict", () => {
    expect(html).toMatch(/<g class="measured in-range" data-phase="failover" data-seconds="27">/);
    expect(html).toMatch(/<g class="measured in-range" data-phase="recovery" data-seconds="20">/);
    expect(html).toContain("failover 27 s ✓");
    const out = renderReport(reportOf(result({ recoverySeconds: null, recoveryInRange: false }), AT));
    expect(out).toContain("recovery: did not happen in time ✗");
  });

  it("draws detection and propagation from the health the drill observed after each change", () => {
    // Failover: 20 → 34 (target unhealthy) → 44 (accelerator); recovery: 60 → 71 → 79.5.
    expect([...html.matchAll(/<g class="phase (detection|propagation)" data-seconds="([\d.]+)">/g)].map((m) => [m[1], Number(m[2])])).toEqual([
      ["detection", 14],
      ["propagation", 10],
      ["detection", 11],
      ["propagation", 8.5],
    ]);
    const aws = renderReport(reportOf(result({ health: undefined, target: "aws" }), AT));
    expect(count(aws, /class="phase /g)).toBe(0);
    expect(aws).toContain("detection and propagation: not visible on this target");
  });

  it("through Route 53: detection from the check the records follow, propagation from Route 53's answers, then the client's cache", () => {
    const route53 = result({
      routing: "route53",
      client: "pin:5",
      dns: { name: "latency.api.example.com", server: "127.0.0.1:8053", healthChecks: "route53", requestIntervalSeconds: 10, failureThreshold: 3, ttlSeconds: 60, cacheSeconds: 5 },
      timeline: [{ t: 50, phase: "failover", status: 200, region: "eu-central-1", address: "127.0.0.3", answerAgeSeconds: 2 }],
      health: [
        // The target group turns first; with Route 53 checks the records follow the check, not the target.
        { t: 30, region: "us-west-2", at: "target", health: "unhealthy" },
        { t: 36, region: "us-west-2", at: "route53-check", health: "unhealthy" },
        { t: 40, region: "us-west-2", at: "accelerator", health: "unhealthy" },
        { t: 42, region: "us-west-2", at: "dns", health: "unhealthy" },
      ],
    });
    const html = renderReport(reportOf(route53, AT));
    // STATUS=400 at 20 s, measured 27 s: 16 s to the check, 6 s to the answers, 5 s of cached answer.
    expect([...html.matchAll(/<g class="phase (\w+)" data-seconds="([\d.]+)">/g)].map((m) => [m[1], Number(m[2])])).toEqual([
      ["detection", 16],
      ["propagation", 6],
      ["cache", 5],
    ]);
    expect(html).toContain("Route 53 check unhealthy after 16 s");
    expect(html).toContain("50 s · failover · 200 from eu-central-1 · via 127.0.0.3 (answer 2 s old)");
    expect(html).toContain("Route 53 latency records latency.api.example.com · client pin:5 · TTL 60 s, cached 5 s · health route53");
    expect(html).toContain("cache: → the client asks again (Route 53)");
    // Through the accelerator there is no cache phase, and no such key.
    expect(renderReport(reportOf(result(), AT))).not.toContain("cache: →");
  });

  it("states the numbers beside the picture, and the verdict", () => {
    expect(html).toContain("<title>Failover drill (local)</title>");
    expect(html).toMatch(/<h1>Failover drill \(local\) <span class="verdict not-ok">NOT OK<\/span><\/h1>/);
    expect(html).toContain("27 s · predicted 10–35 s ± 2 s");
    expect(html).toContain("generated 2026-01-02T03:04:05.000Z");
  });

  it("is self-contained: no script to run, nothing to fetch, and the result embedded as data", () => {
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/);
    expect(/\b(src|href)=/.test(html)).toBe(false);
    expect(/<link\b|@import|url\(/.test(html)).toBe(false);
    expect(count(html, /<script/g)).toBe(1);
    expect(dataOf(html)).toEqual(JSON.parse(JSON.stringify(r)));
  });

  it("escapes every text it takes from the result", () => {
    const evil = "<img src=x onerror=alert(1)>";
    const out = renderReport(reportOf(result({ origin: evil, timeline: [{ t: 11, phase: "origin", status: 0, region: null, error: `</script>${evil}` }] }), AT));
    expect(out).not.toContain(evil);
    expect(out).toContain(escapeHtml(evil));
    expect(count(out, /<\/script>/g)).toBe(1);
    expect(dataOf(out).origin).toBe(evil);
  });

  it("draws what it has when the result lacks the change times (no windows, no brackets)", () => {
    const out = renderReport(reportOf(result({ statusChangedAt: undefined }), AT));
    expect(count(out, /class="probe[ "]/g)).toBe(result().timeline.length);
    expect(count(out, /class="predicted"/g)).toBe(0);
    expect(count(out, /class="measured/g)).toBe(0);
  });
});

describe("renderReport of --runs and --compare", () => {
  it("--runs: the spread, then every run's timeline one above the other, on one time axis", () => {
    const runs = [result({ seed: 3 }), result({ seed: 4, failoverSeconds: 22 })];
    const html = renderReport(reportOf(combineRuns(runs, 3), AT));
    expect(html).toContain("<title>Failover drill (local, 2 runs)</title>");
    expect(html).toContain("run 1 of 2 (seed 3)");
    expect(html).toContain("run 2 of 2 (seed 4)");
    expect(html).toMatch(/<th>failover<\/th><td>22 s \/ 24\.5 s \/ 27 s<\/td>/);
    expect(count(html, /<svg class="timeline"/g)).toBe(2);
    expect(count(html, /class="probe[ "]/g)).toBe(runs[0].timeline.length + runs[1].timeline.length);
    const viewBoxes = [...html.matchAll(/<svg class="timeline" viewBox="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(viewBoxes).size).toBe(1);
  });

  it("--compare: the accelerator's and Route 53's drills one above the other, each labelled; either may be N runs", () => {
    const compare: CompareSource = {
      accelerator: result(),
      route53: combineRuns([result({ failoverSeconds: 70, failoverInRange: false }), result()], 9),
    };
    const html = renderReport(reportOf(compare, AT));
    expect(html).toContain("Global Accelerator and Route 53 compared");
    expect(html).toMatch(/<h2>Global Accelerator <span class="verdict/);
    expect(html).toMatch(/<h2>Route 53 <span class="verdict/);
    expect(html).toContain("Route 53 · run 2 of 2");
    expect(count(html, /<svg class="timeline"/g)).toBe(3);
    expect(html).toContain("failover 70 s ✗ out of range");
    expect(dataOf(html)).toEqual(JSON.parse(JSON.stringify(compare)));
  });

  it("draws one run wrapped as runs (as --compare wraps each routing) as one drill", () => {
    const html = renderReport(reportOf({ accelerator: combineRuns([result()]), route53: combineRuns([result()]), ok: false }, AT));
    expect(html).not.toContain("run 1 of 1");
    expect(html).not.toContain("min / median / max");
    expect(html.match(/<svg class="timeline"/g)).toHaveLength(2);
    expect(html).toMatch(/<h1>[^<]*<span class="verdict not-ok">NOT OK<\/span><\/h1>/);
  });
});
