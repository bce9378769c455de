/**
 * The monthly estimate's arithmetic, checked against sums written out by hand from the list prices
 * (model/prices.ts) for four configs: the dev default, hardened prod, three regions, alarms off.
 */
import {
  type CostLine,
  dtPremium,
  estimateCost,
  estimateE2eRun,
  type Estimate,
  regionalAlarmCount,
  route53Cost,
  usageAtMonthlyRate,
} from "../../model/cost";
import { DT_PREMIUM_UNREAD, premiumArea, PRICES } from "../../model/prices";
import { HARDENED_PROD } from "../policy/support";
import { configWith, resourcesOf, synthGlobalApp } from "../support/synth";

const MONTH = usageAtMonthlyRate({ requestsPerMonth: 1_000_000, gbPerMonth: 1 });
/** Health checks per region in a 730-hour month: 2 ALB nodes × one check every 10 s. */
const HEALTH = 2 * (730 * 3600) / 10;

function only(e: Estimate, service: string, item: string | RegExp, region: string): CostLine {
  const found = e.lines.filter((l) => l.service === service && (typeof item === "string" ? l.item === item : item.test(l.item)) && l.region === region);
  if (found.length !== 1) throw new Error(`expected one ${service} ${String(item)} in ${region}, found ${found.length}`);
  return found[0];
}
const sum = (e: Estimate, service?: string) => e.lines.filter((l) => !service || l.service === service).reduce((s, l) => s + l.usd, 0);

describe("the dev default (2 regions, 1M requests, 1 GB)", () => {
  const e = estimateCost(configWith(), MONTH);

  it("bills the accelerator: fixed fee, its two static IPv4 addresses, DT-Premium per region", () => {
    expect(only(e, "Global Accelerator", "fixed fee", "global").usd).toBeCloseTo(730 * 0.025, 10);
    expect(only(e, "Global Accelerator", "static IPv4 addresses (2)", "global").usd).toBeCloseTo(2 * 730 * 0.005, 10);
    expect(only(e, "Global Accelerator", /DT-Premium \(na → na\)/, "us-west-2").usd).toBeCloseTo(0.5 * 0.015, 10);
    expect(only(e, "Global Accelerator", /DT-Premium \(eu → eu\)/, "eu-central-1").usd).toBeCloseTo(0.5 * 0.015, 10);
  });

  it("bills each ALB: hours, LCUs from new connections, two public IPv4 addresses", () => {
    for (const region of ["us-west-2", "eu-central-1"]) {
      expect(only(e, "Load balancing", "ALB hours", region).usd).toBeCloseTo(730 * 0.0225, 10);
      // 500,000 requests over 730 h: 0.19 new connections/s = 0.0076 LCU, above 0.5 GB / 730 h / 0.4.
      const lcuHours = (500_000 / (730 * 3600) / 25) * 730;
      expect(only(e, "Load balancing", "ALB LCUs", region).quantity).toBeCloseTo(lcuHours, 10);
      expect(only(e, "Load balancing", "ALB LCUs", region).usd).toBeCloseTo(lcuHours * 0.008, 10);
      expect(only(e, "Load balancing", "ALB public IPv4 addresses (2)", region).usd).toBeCloseTo(2 * 730 * 0.005, 10);
    }
  });

  it("bills Lambda for client requests plus the health checks the config causes", () => {
    for (const region of ["us-west-2", "eu-central-1"]) {
      const requests = only(e, "Lambda", /^requests/, region);
      expect(requests.quantity * 1e6).toBeCloseTo(500_000 + HEALTH, 6);
      expect(requests.usd).toBeCloseTo(((500_000 + HEALTH) / 1e6) * 0.2, 10);
      // 10 ms per request, 2 ms per shallow check, at 256 MB.
      const gbSeconds = ((500_000 * 10 + HEALTH * 2) / 1000) * 0.25;
      expect(only(e, "Lambda", /^duration/, region).usd).toBeCloseTo(gbSeconds * 0.0000133334, 10);
    }
  });

  it("bills DynamoDB per region: reads there, every write once in each region, storage, PITR, replication transfer", () => {
    for (const region of ["us-west-2", "eu-central-1"]) {
      expect(only(e, "DynamoDB", "on-demand reads", region).usd).toBeCloseTo(((500_000 * 0.9 * 0.5) / 1e6) * 0.125, 10);
      // 100,000 writes in all: each is one rWRU in both regions.
      expect(only(e, "DynamoDB", "replicated writes (rWRU)", region).usd).toBeCloseTo((100_000 / 1e6) * 0.625, 10);
      expect(only(e, "DynamoDB", "storage", region).usd).toBeCloseTo(0.25, 10);
      expect(only(e, "DynamoDB", "point-in-time recovery", region).usd).toBeCloseTo(0.2, 10);
      expect(only(e, "DynamoDB", "replication transfer to other regions", region).usd).toBeCloseTo((50_000 * 1) / 1e6 * 0.02, 10);
    }
    expect(only(e, "DynamoDB", "streams (replication)", "global").usd).toBe(0);
  });

  it("bills CloudWatch: 8 alarms a region, the dashboard, 12 request metrics a region, the logs", () => {
    for (const region of ["us-west-2", "eu-central-1"]) {
      expect(only(e, "CloudWatch", "alarms (8)", region).usd).toBeCloseTo(0.8, 10);
      expect(only(e, "CloudWatch", "custom metrics (12)", region).usd).toBeCloseTo(12 * 0.3, 10);
      const logGb = ((500_000 + HEALTH) * 900) / 1e9;
      expect(only(e, "CloudWatch", "logs ingestion", region).usd).toBeCloseTo(logGb * 0.5, 10);
    }
    expect(only(e, "CloudWatch", "failover dashboard", "global").usd).toBe(3);
    // What the alarms and the dashboard cost together (README, "alarms.enabled"): 2 × $0.80 + $3.
    const alarmsAndDashboard = e.lines.filter((l) => /^alarms|dashboard/.test(l.item)).reduce((s, l) => s + l.usd, 0);
    expect(alarmsAndDashboard).toBeCloseTo(4.6, 10);
  });

  it("has no KMS, S3 or SNS lines (dev keeps those options off) and sums its lines", () => {
    expect(e.lines.filter((l) => ["KMS", "S3", "SNS"].includes(l.service))).toEqual([]);
    expect(e.totalUsd).toBeCloseTo(sum(e), 10);
    expect(Object.values(e.byService).reduce((s, v) => s + v, 0)).toBeCloseTo(e.totalUsd, 10);
    // The fixed part alone: accelerator 18.25 + 7.30, ALBs 2 × (16.425 + 7.30), dashboard 3, alarms 1.60, metrics 7.20.
    expect(e.totalUsd).toBeGreaterThan(18.25 + 7.3 + 2 * (16.425 + 7.3) + 3 + 1.6 + 7.2);
  });

  it("defaults to 1M requests and 1 KB each, a 730-hour month", () => {
    expect(usageAtMonthlyRate()).toEqual({ hours: 730, requests: 1_000_000, gb: 1 });
    expect(estimateCost(configWith()).totalUsd).toBeCloseTo(e.totalUsd, 10);
  });
});

describe("hardened prod (certificates, alarm email, reserved concurrency)", () => {
  const e = estimateCost(configWith(HARDENED_PROD), MONTH);
  it("adds a table key and an alarm-topic key per region, and the topics", () => {
    for (const region of ["us-west-2", "eu-central-1"]) {
      expect(only(e, "KMS", "keys (table + alarm topic)", region).usd).toBe(2);
      expect(only(e, "SNS", "alarm topic and email subscription", region).usd).toBe(0);
    }
  });
  it("adds the log buckets: ALB access logs per region, accelerator flow logs in us-west-2", () => {
    for (const region of ["us-west-2", "eu-central-1"]) {
      expect(only(e, "S3", "ALB access logs: storage (first month)", region).usd).toBeCloseTo(((500_000 * 100) / 1e9) * 0.023, 10);
      // 2 nodes × 12 files an hour × 730 h.
      expect(only(e, "S3", "ALB access logs: PUT requests", region).usd).toBeCloseTo(((2 * 12 * 730) / 1000) * 0.005, 10);
    }
    expect(only(e, "S3", "accelerator flow logs: delivery", "us-west-2").usd).toBeCloseTo(((1_000_000 * 150) / 1e9) * 0.25, 10);
  });
  it("checks health deep: 5 ms each, and one read each at most", () => {
    const gbSeconds = ((500_000 * 10 + HEALTH * 5) / 1000) * 0.25;
    expect(only(e, "Lambda", /^duration/, "us-west-2").usd).toBeCloseTo(gbSeconds * 0.0000133334, 10);
    expect(only(e, "DynamoDB", "on-demand reads", "us-west-2").usd).toBeCloseTo(((500_000 * 0.9 * 0.5 + HEALTH * 0.5) / 1e6) * 0.125, 10);
  });
  it("costs exactly the dev bill plus those items", () => {
    const dev = estimateCost(configWith(), MONTH);
    const extra = sum(e, "KMS") + sum(e, "S3") + sum(e, "SNS") + (sum(e, "Lambda") - sum(dev, "Lambda")) + (sum(e, "DynamoDB") - sum(dev, "DynamoDB"));
    expect(e.totalUsd).toBeCloseTo(dev.totalUsd + extra, 10);
    expect(sum(e, "KMS")).toBe(4);
  });
});

describe("three regions (table in eu-central-1)", () => {
  const config = configWith({ regions: ["us-west-2", "eu-central-1", "ap-northeast-1"], homeRegion: "eu-central-1" });
  const e = estimateCost(config, MONTH);
  it("splits traffic in three and prices Tokyo's DT-Premium as Asia Pacific's", () => {
    expect(only(e, "Global Accelerator", /DT-Premium \(apac → apac\)/, "ap-northeast-1").usd).toBeCloseTo((1 / 3) * 0.01, 10);
    expect(only(e, "Lambda", /^requests/, "ap-northeast-1").quantity * 1e6).toBeCloseTo(1_000_000 / 3 + HEALTH, 6);
  });
  it("has 9 alarms a region, every write in all three regions, replication to two others", () => {
    for (const region of config.regions) {
      expect(only(e, "CloudWatch", "alarms (9)", region).usd).toBeCloseTo(0.9, 10);
      expect(only(e, "DynamoDB", "replicated writes (rWRU)", region).usd).toBeCloseTo((100_000 / 1e6) * 0.625, 10);
      expect(only(e, "DynamoDB", "replication transfer to other regions", region).usd).toBeCloseTo(((100_000 / 3) * 2) / 1e6 * 0.02, 10);
    }
    expect(e.lines.filter((l) => l.item === "ALB hours")).toHaveLength(3);
  });
});

describe("alarms off", () => {
  const on = estimateCost(configWith(), MONTH);
  const off = estimateCost(configWith({ alarms: { enabled: false } }), MONTH);
  it("drops the alarms and the dashboard, and nothing else", () => {
    expect(off.lines.filter((l) => /^alarms|dashboard/.test(l.item))).toEqual([]);
    expect(on.totalUsd - off.totalUsd).toBeCloseTo(2 * 0.8 + 3, 10);
    // The function's request metrics stay: they are EMF lines, not alarms.
    expect(off.lines.filter((l) => l.item.startsWith("custom metrics"))).toHaveLength(2);
  });
});

describe("options and periods", () => {
  it("an internal ALB has no public IPv4 addresses", () => {
    const e = estimateCost(configWith({ alb: { internal: true } }), MONTH);
    expect(e.lines.filter((l) => l.item.startsWith("ALB public IPv4"))).toEqual([]);
  });
  it("a single region replicates nowhere", () => {
    const e = estimateCost(configWith({ regions: ["eu-west-1"], homeRegion: "eu-west-1" }), MONTH);
    expect(e.lines.filter((l) => /replication/.test(l.item))).toEqual([]);
    expect(only(e, "CloudWatch", "alarms (7)", "eu-west-1").usd).toBeCloseTo(0.7, 10);
  });
  it("no traffic: the health route alone publishes metrics", () => {
    const e = estimateCost(configWith(), { hours: 730, requests: 0, gb: 0 });
    expect(only(e, "CloudWatch", "custom metrics (2)", "us-west-2").usd).toBeCloseTo(0.6, 10);
    expect(only(e, "Lambda", /^requests/, "us-west-2").quantity * 1e6).toBeCloseTo(HEALTH, 6);
  });
  it("a short-lived stack pays hourly items per started hour and monthly ones prorated", () => {
    const e = estimateCost(configWith(), { hours: 0.5, requests: 100, gb: 0.0001 });
    expect(only(e, "Global Accelerator", "fixed fee", "global").usd).toBe(0.025);
    expect(only(e, "Load balancing", "ALB hours", "us-west-2").usd).toBe(0.0225);
    expect(only(e, "CloudWatch", "failover dashboard", "global").usd).toBeCloseTo((3 * 0.5) / 730, 10);
    expect(only(e, "CloudWatch", "alarms (8)", "us-west-2").usd).toBeCloseTo((0.8 * 0.5) / 730, 10);
  });
  it("one npm run test:aws run: one started hour of everything, 300 requests", () => {
    const e = estimateE2eRun(configWith());
    expect(e.usage).toEqual({ hours: 1, requests: 300, gb: 0.0003 });
    const hourly = 0.025 + 2 * 0.005 + 2 * (0.0225 + 2 * 0.005);
    expect(e.totalUsd).toBeGreaterThan(hourly);
    expect(e.totalUsd).toBeLessThan(hourly + 0.05);
  });
  it.each([
    [{ hours: 0, requests: 1, gb: 1 }, /hours must be positive/],
    [{ hours: 730, requests: -1, gb: 1 }, /requests and gb/],
    [{ hours: 730, requests: 1, gb: Number.NaN }, /requests and gb/],
  ])("refuses %j", (usage, message) => {
    expect(() => estimateCost(configWith(), usage)).toThrow(message);
  });
});

describe("alarm count in step with the stack", () => {
  it.each([
    [["eu-west-1"], "eu-west-1"],
    [["us-west-2", "eu-central-1"], "us-west-2"],
    [["us-west-2", "eu-central-1", "ap-northeast-1"], "us-west-2"],
  ])("regions %j: regionalAlarmCount is what RegionalAlarms creates per region", (regions, homeRegion) => {
    const { tf } = synthGlobalApp({ regions, homeRegion });
    for (const region of regions) {
      const mine = resourcesOf(tf, "aws_cloudwatch_metric_alarm").filter(([, a]) => a.provider === `aws.${region}`);
      expect(mine).toHaveLength(regionalAlarmCount(regions.length));
    }
  });
});

describe("DT-Premium areas", () => {
  it.each([
    ["us-east-1", "na"],
    ["ca-west-1", "na"],
    ["mx-central-1", "na"],
    ["eu-north-1", "eu"],
    ["ap-northeast-1", "apac"],
    ["ap-south-1", "india"],
    ["ap-southeast-2", "anz"],
    ["sa-east-1", "sa"],
    ["il-central-1", "me"],
    ["af-south-1", "af"],
  ])("%s is in area %s", (region, area) => {
    expect(premiumArea(region)).toBe(area);
  });
  it("uses the read figure where there is one and marks the fallback as not read", () => {
    expect(dtPremium("eu-west-1")).toMatchObject({ usd: 0.015, check: "aws" });
    expect(dtPremium("af-south-1")).toMatchObject({ usd: 0.01, check: "secondary" });
    expect(dtPremium("sa-east-1")).toBe(DT_PREMIUM_UNREAD);
    expect(DT_PREMIUM_UNREAD.check).toBe("not-read");
  });
});

describe("routing and the domain", () => {
  const DOMAIN = { name: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" };
  it("routing route53: no accelerator to pay for, alias queries free, nothing else changes", () => {
    const dev = estimateCost(configWith(), MONTH);
    const r53 = estimateCost(configWith({ routing: "route53", domain: DOMAIN }), MONTH);
    expect(r53.lines.filter((l) => l.service === "Global Accelerator")).toEqual([]);
    expect(only(r53, "Route 53", "alias queries to AWS resources", "global").usd).toBe(0);
    expect(sum(r53)).toBeCloseTo(sum(dev) - sum(dev, "Global Accelerator"), 10);
  });
  it("Route 53 health checks: $0.50 a check-month per region, $1 per feature (HTTPS, 10 s), and their requests reach Lambda", () => {
    const e = estimateCost(
      configWith({ routing: "both", domain: DOMAIN, https: { issueCertificates: true }, route53: { healthChecks: "route53", requestIntervalSeconds: 10 } }),
      MONTH,
    );
    expect(only(e, "Route 53", "health checks (AWS endpoints)", "global").usd).toBeCloseTo(2 * 0.5, 10);
    expect(only(e, "Route 53", "health-check features (AWS endpoints)", "global").usd).toBeCloseTo(2 * 2 * 1, 10);
    // 1.5 requests a second at the 10 s interval, 30-day month, prorated to 730 hours, on top of the ALB's checks
    const route53Requests = ((1.5 * 30 * 24 * 3600) / (30 * 24)) * 730;
    expect(only(e, "Lambda", /^requests/, "us-west-2").quantity * 1e6).toBeCloseTo(500_000 + HEALTH + route53Requests, 4);
    expect(e.lines.filter((l) => l.service === "Global Accelerator").length).toBeGreaterThan(0);
  });
  it("alias health (the default) adds no health checks and no invocations", () => {
    const e = estimateCost(configWith({ routing: "route53", domain: DOMAIN }), MONTH);
    expect(e.lines.filter((l) => /health check/.test(l.item) && l.service === "Route 53")).toEqual([]);
    expect(only(e, "Lambda", /^requests/, "us-west-2").quantity * 1e6).toBeCloseTo(500_000 + HEALTH, 6);
  });
});

describe("Route 53 lines from counts", () => {
  it("prices zones, queries and health checks; alias queries are free", () => {
    const lines = route53Cost({
      hostedZones: 0.5,
      latencyQueries: 10_000_000,
      standardQueries: 1_000_000,
      aliasQueries: 5_000_000,
      awsHealthChecks: 2,
      featuresPerAwsHealthCheck: 1,
    });
    const usd = Object.fromEntries(lines.map((l) => [l.item, l.usd]));
    expect(usd).toEqual({
      "hosted zone": 0.25,
      "standard queries": 0.4,
      "latency-based queries": expect.closeTo(6, 10),
      "alias queries to AWS resources": 0,
      "health checks (AWS endpoints)": 1,
      "health-check features (AWS endpoints)": 2,
    });
  });
  it("prorates the monthly items over a shorter period and omits what is not used", () => {
    const lines = route53Cost({ hostedZones: 1, otherHealthChecks: 1, featuresPerOtherHealthCheck: 2, hours: 73 });
    expect(lines.map((l) => [l.item, Number(l.usd.toFixed(6))])).toEqual([
      ["hosted zone", 0.05],
      ["health checks (other endpoints)", 0.075],
      ["health-check features (other endpoints)", 0.4],
    ]);
    expect(route53Cost({})).toEqual([]);
  });
});

describe("price data", () => {
  it("names a source, a day read and how far each figure was checked", () => {
    for (const [name, price] of Object.entries(PRICES)) {
      expect([name, price.source]).toEqual([name, expect.stringMatching(/^https:\/\//)]);
      expect(price.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(["aws", "secondary", "not-read"]).toContain(price.check);
      expect(price.usd).toBeGreaterThanOrEqual(0);
    }
  });
  it("reads per-million and per-thousand units as such", () => {
    expect(PRICES.lambdaRequestsMillion.per).toBe(1e6);
    expect(PRICES.kmsRequests10k.per).toBe(1e4);
    expect(PRICES.s3PutThousand.per).toBe(1e3);
    expect(PRICES.albHour.per).toBeUndefined();
  });
});
