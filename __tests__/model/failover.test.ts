import { BUILTIN_DEFAULTS, parseConfig } from "../../model/config";
import {
  ALB_ALIAS_TTL_SECONDS,
  dnsCacheSeconds,
  HEALTH_CHECK_PRESETS,
  HealthCheckPreset,
  monthlyRoute53CheckRequests,
  predictDnsFailover,
  predictDnsRecovery,
  ROUTE53_CHECK_TIMEOUT_SECONDS,
  ROUTE53_PROPAGATION_SECONDS,
} from "../../model/failover";
import { cdktfContext, configWith } from "../support/synth";

describe("HEALTH_CHECK_PRESETS", () => {
  it("has our default equal to the built-in default and to cdktf.json's", () => {
    expect(HEALTH_CHECK_PRESETS.default).toEqual(BUILTIN_DEFAULTS.healthCheck);
    expect(HEALTH_CHECK_PRESETS.default).toEqual((cdktfContext() as { healthCheck: unknown }).healthCheck);
  });
  it.each(Object.keys(HEALTH_CHECK_PRESETS) as HealthCheckPreset[])("%s passes config validation", (preset) => {
    const config = configWith({ healthCheck: HEALTH_CHECK_PRESETS[preset] });
    expect(config.healthCheck).toEqual(HEALTH_CHECK_PRESETS[preset]);
    expect(() => parseConfig(config)).not.toThrow();
  });
  it("keeps the article's settings and AWS's Lambda target-group defaults as published", () => {
    expect(HEALTH_CHECK_PRESETS.article).toMatchObject({ intervalSeconds: 15, timeoutSeconds: 10, healthyThreshold: 2, unhealthyThreshold: 2 });
    expect(HEALTH_CHECK_PRESETS["aws-default"]).toMatchObject({ intervalSeconds: 35, timeoutSeconds: 30, healthyThreshold: 5, unhealthyThreshold: 5 });
  });
});

describe("DNS failover model (Route 53 latency records)", () => {
  const hc = HEALTH_CHECK_PRESETS.default;
  it("alias health: the target group's detection, + Route 53 propagation, + the 60 s alias TTL", () => {
    expect(predictDnsFailover(hc, { healthChecks: "alias", requestIntervalSeconds: 30, failureThreshold: 3 })).toEqual({
      min: 10,
      max: 2 * 10 + 5 + ROUTE53_PROPAGATION_SECONDS + ALB_ALIAS_TTL_SECONDS,
    });
    expect(predictDnsRecovery({ ...hc, healthyThreshold: 5 }, { healthChecks: "alias", requestIntervalSeconds: 30, failureThreshold: 3 }).min).toBe(40);
  });
  it("Route 53 checks: interval × threshold + the check's 6 s timeout, the same both ways", () => {
    const dns = { healthChecks: "route53" as const, requestIntervalSeconds: 10, failureThreshold: 2 };
    expect(predictDnsFailover(hc, dns)).toEqual({ min: 10, max: 20 + ROUTE53_CHECK_TIMEOUT_SECONDS + ROUTE53_PROPAGATION_SECONDS + 60 });
    expect(predictDnsRecovery(hc, dns)).toEqual(predictDnsFailover(hc, dns));
  });
  it("a pinning client replaces the TTL with its own cache time; propagation and TTL can be set (the local system's)", () => {
    const dns = { healthChecks: "alias" as const, requestIntervalSeconds: 30, failureThreshold: 3 };
    expect(dnsCacheSeconds(dns)).toBe(60);
    expect(dnsCacheSeconds({ ...dns, clientPinSeconds: 300 })).toBe(300);
    expect(predictDnsFailover(hc, { ...dns, propagationSeconds: 10, ttlSeconds: 5 }).max).toBe(25 + 10 + 5);
  });
  it("counts Route 53's checker requests (each a /health invocation): 0.5/s at 30 s, 1.5/s at 10 s", () => {
    expect(monthlyRoute53CheckRequests(30)).toBe(1_296_000);
    expect(monthlyRoute53CheckRequests(10)).toBe(3_888_000);
  });
});
