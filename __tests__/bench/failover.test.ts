import { DNS_VARIANTS, failoverReport, failoverRows, routingReport, routingRows } from "../../bench/failover";

describe("bench/failover", () => {
  const rows = Object.fromEntries(failoverRows().map((r) => [r.preset, r]));

  it("has a row per preset: the offered ones, the article's and AWS's Lambda defaults", () => {
    expect(Object.keys(rows)).toEqual(["fast", "default", "article", "aws-default"]);
  });
  it("predicts 15–70 s for the article's 15 s / 10 s / 2/2 (GA propagation up to 30 s)", () => {
    expect(rows.article.failover).toEqual({ min: 15, max: 70 });
    expect(rows.article.recovery).toEqual({ min: 15, max: 70 });
    expect(rows.article.observed).toBe("≈ 90 s");
  });
  it("predicts 140–235 s for AWS's Lambda target-group defaults 35 s / 30 s / 5/5", () => {
    expect(rows["aws-default"].failover).toEqual({ min: 140, max: 235 });
    expect(rows["aws-default"].settings).toBe("35 s / 30 s / 5/5");
  });
  it("offers presets that fail over faster than the article's settings at worst", () => {
    expect(rows.default.failover.max).toBeLessThan(rows.article.failover.max);
    expect(rows.fast.failover.max).toBeLessThan(rows.default.failover.max);
  });
  it("counts health-check invocations per region per month: 2 ALB nodes, one check per interval each", () => {
    expect(rows.default.monthlyInvocations).toBe(518_400);
    expect(rows.fast.monthlyInvocations).toBe(2 * rows.default.monthlyInvocations);
  });
  it("prints every preset and explains the model", () => {
    const report = failoverReport();
    for (const name of Object.keys(rows)) expect(report.table).toContain(name);
    expect(report.table).toContain("518,400");
    expect(report.notes.join("\n")).toMatch(/unhealthy × interval \+ timeout/);
  });
});

describe("bench/failover: Global Accelerator vs Route 53 per preset", () => {
  const rows = Object.fromEntries(routingRows().map((r) => [r.preset, r]));
  it("adds the DNS cache to the same detection: alias health with a TTL-honouring resolver is GA's window + 60 s TTL + Route 53 propagation − GA propagation", () => {
    expect(rows.default.accelerator).toEqual({ min: 10, max: 55 });
    expect(rows.default.dns[0]).toEqual({ min: 10, max: 25 + 30 + 60 });
  });
  it("a client that pins answers 300 s stretches the window by the pin, not the TTL", () => {
    expect(rows.default.dns[1].max - rows.default.dns[0].max).toBe(300 - 60);
  });
  it("Route 53's own checks do not depend on the target group's settings", () => {
    expect(new Set(Object.values(rows).map((r) => JSON.stringify(r.dns[2]))).size).toBe(1);
    expect(rows.default.dns[3]).toEqual({ min: 20, max: 3 * 10 + 6 + 30 + 60 });
  });
  it("prints every preset and every routing", () => {
    const report = routingReport();
    for (const name of Object.keys(rows)) expect(report.table).toContain(name);
    for (const v of DNS_VARIANTS) expect(report.table).toContain(v.name);
    expect(report.notes.join("\n")).toMatch(/the article's argument/);
  });
});
