import { DEFAULT_HEALTH_CACHE_MS, readEnv } from "../../../functions/lib/env";

const GOOD = { AWS_REGION: "us-west-2", TABLE_NAME: "GlobalApp", STATUS: "200" };

describe("readEnv", () => {
  test("a complete environment has no problems and the documented defaults", () => {
    expect(readEnv(GOOD)).toEqual({
      region: "us-west-2",
      tableName: "GlobalApp",
      status: 200,
      healthCheckMode: "shallow",
      healthCacheMs: DEFAULT_HEALTH_CACHE_MS,
      healthPath: "/health",
      problems: [],
    });
  });

  test("HEALTH_CHECK_PATH moves the health route", () => {
    const env = readEnv({ ...GOOD, HEALTH_CHECK_PATH: "/healthz" });
    expect(env.healthPath).toBe("/healthz");
    expect(env.problems).toEqual([]);
  });

  test.each(["health", "/get/x", "/items", "/a b", ""])("HEALTH_CHECK_PATH %j is a configuration problem", (path) => {
    const env = readEnv({ ...GOOD, HEALTH_CHECK_PATH: path });
    expect(env.problems).toEqual([expect.stringMatching(/^HEALTH_CHECK_PATH = .*: must be an absolute path outside \/get\/ and \/items\//)]);
    expect(env.healthPath).toBe("/health");
  });

  test("deep mode and a cache time are read", () => {
    const env = readEnv({ ...GOOD, HEALTH_CHECK_MODE: "deep", HEALTH_CHECK_CACHE_MS: "0" });
    expect(env.healthCheckMode).toBe("deep");
    expect(env.healthCacheMs).toBe(0);
    expect(env.problems).toEqual([]);
  });

  test.each(["100", "200", "400", "503", "599", " 200 "])("STATUS %j is valid", (STATUS) => {
    const env = readEnv({ ...GOOD, STATUS });
    expect(env.status).toBe(Number(STATUS));
    expect(env.problems).toEqual([]);
  });

  test.each(["99", "600", "200.5", "abc", "", "-200", "2e2", "0x12C", "1000"])("STATUS %j is a configuration problem", (STATUS) => {
    const env = readEnv({ ...GOOD, STATUS });
    expect(env.status).toBeUndefined();
    expect(env.problems).toEqual([expect.stringMatching(/^STATUS = .*100 and 599/)]);
  });

  test("missing STATUS is a problem (no silent default)", () => {
    expect(readEnv({ AWS_REGION: "us-west-2", TABLE_NAME: "GlobalApp" }).problems).toEqual([
      expect.stringMatching(/^STATUS = missing/),
    ]);
  });

  test("missing TABLE_NAME is a problem, and no table name is returned", () => {
    const env = readEnv({ AWS_REGION: "us-west-2", STATUS: "200" });
    expect(env.tableName).toBeUndefined();
    expect(env.problems).toEqual([expect.stringMatching(/^TABLE_NAME = missing/)]);
  });

  test.each(["", "ab", "bad name", "x".repeat(256)])("TABLE_NAME %j is invalid", (TABLE_NAME) => {
    expect(readEnv({ ...GOOD, TABLE_NAME }).problems).toEqual([expect.stringMatching(/^TABLE_NAME/)]);
  });

  test("missing AWS_REGION is a problem; the region reads 'unknown' in responses", () => {
    const env = readEnv({ TABLE_NAME: "GlobalApp", STATUS: "200" });
    expect(env.region).toBe("unknown");
    expect(env.problems).toEqual([expect.stringMatching(/^AWS_REGION = missing/)]);
  });

  test("bad HEALTH_CHECK_MODE and HEALTH_CHECK_CACHE_MS are problems naming the value", () => {
    const env = readEnv({ ...GOOD, HEALTH_CHECK_MODE: "DEEP", HEALTH_CHECK_CACHE_MS: "60001" });
    expect(env.problems).toEqual([
      'HEALTH_CHECK_MODE = "DEEP": allowed: shallow | deep',
      expect.stringMatching(/^HEALTH_CHECK_CACHE_MS = "60001"/),
    ]);
    expect(env.healthCacheMs).toBe(DEFAULT_HEALTH_CACHE_MS);
  });

  test("every problem is reported at once", () => {
    expect(readEnv({}).problems).toHaveLength(3);
  });
});
