import { DEFAULT_HEALTH_CACHE_MS, functionEnvironment, parseStatus, readEnv } from "../../../functions/lib/env";

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

  test.each(["200", "201", "299", "301", "400", "418", "503", "599", " 200 "])("STATUS %j is valid", (STATUS) => {
    const env = readEnv({ ...GOOD, STATUS });
    expect(env.status).toBe(Number(STATUS));
    expect(env.problems).toEqual([]);
  });

  test.each(["99", "600", "200.5", "abc", "", "-200", "2e2", "0x12C", "1000", "0200"])("STATUS %j is a configuration problem", (STATUS) => {
    const env = readEnv({ ...GOOD, STATUS });
    expect(env.status).toBeUndefined();
    expect(env.problems).toEqual([expect.stringMatching(/^STATUS = .*: must be an HTTP status code of a final response with a body/)]);
  });

  // A final response with a body: not informational, not one of the codes that must not have a body.
  test.each(["100", "101", "103", "199", "204", "205", "304"])("STATUS %j cannot answer /health with a body", (STATUS) => {
    expect(readEnv({ ...GOOD, STATUS }).problems).toEqual([
      `STATUS = "${STATUS}": must be an HTTP status code of a final response with a body: an integer 200-599 other than 204, 205 and 304`,
    ]);
  });

  test("parseStatus is the one rule, for strings and numbers", () => {
    expect([200, "200", " 418", 599].map(parseStatus)).toEqual([200, 200, 418, 599]);
    expect([199, 204, "205", 304, 600, undefined].map(parseStatus)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  test("functionEnvironment refuses a STATUS the function would refuse", () => {
    const settings = { tableName: "GlobalApp", healthCheckMode: "shallow", healthPath: "/health" } as const;
    expect(functionEnvironment(settings).STATUS).toBe("200");
    expect(functionEnvironment({ ...settings, status: 400 }).STATUS).toBe("400");
    expect(() => functionEnvironment({ ...settings, status: 204 })).toThrow(/STATUS must be an HTTP status code of a final response with a body/);
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
