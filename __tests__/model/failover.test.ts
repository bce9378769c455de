import { BUILTIN_DEFAULTS, parseConfig } from "../../model/config";
import { HEALTH_CHECK_PRESETS, HealthCheckPreset } from "../../model/failover";
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
