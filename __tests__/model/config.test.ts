import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  acceleratorFlowLogs,
  alarmsEnabled,
  albAccessLogs,
  availabilityZones,
  BUILTIN_DEFAULTS,
  ConfigError,
  deepMerge,
  deletionProtection,
  endpointWeight,
  httpsEnabled,
  loadConfig,
  loadConfigFromProject,
  parseConfig,
  tableCustomerManagedKey,
  trafficDial,
} from "../../model/config";
import { cdktfContext, configWith } from "../support/synth";

const withOverride = (o: unknown) => () => configWith(o);

function overrideFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "globalapp-config-")), "override.json");
  writeFileSync(file, content);
  return file;
}

describe("defaults", () => {
  it("cdktf.json reproduces the article: two regions, us-west-2 home, GlobalApp table, no affinity, port 80", () => {
    const c = configWith();
    expect(c.regions).toEqual(["us-west-2", "eu-central-1"]);
    expect(c.homeRegion).toBe("us-west-2");
    expect(c.tableName).toBe("GlobalApp");
    expect(c.accelerator.clientAffinity).toBe("NONE");
    expect(c.state).toEqual({ backend: "s3", bucket: "globalapp-terraform-state", region: "us-west-2" });
  });
  it("health check defaults are faster than the article's 15/10/2/2", () => {
    expect(configWith().healthCheck).toEqual({
      path: "/health", intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2, matcher: "200",
    });
  });
  it("cdktf.json's context is a valid config on its own, over the built-ins", () => {
    expect(() => parseConfig(deepMerge(BUILTIN_DEFAULTS, cdktfContext()))).not.toThrow();
  });
  it("the built-in defaults alone are valid", () => {
    expect(parseConfig(BUILTIN_DEFAULTS)).toEqual(BUILTIN_DEFAULTS);
  });
  it("function timeout is below the health-check timeout by default", () => {
    const c = configWith();
    expect(c.function.timeoutSeconds).toBeLessThan(c.healthCheck.timeoutSeconds);
  });
  it("npm run local defaults: accelerator on 8080, admin on 8081, 10 s propagation, client location unset", () => {
    expect(configWith().local).toEqual({ port: 8080, adminPort: 8081, propagationSeconds: 10 });
    expect(configWith({ local: { clientRegion: "eu-west-1" } }).local.clientRegion).toBe("eu-west-1");
  });
  it("helpers fill per-region defaults: dial 100, weight 128, AZ IDs az1 and az2, protection off in dev", () => {
    const c = configWith();
    expect(trafficDial(c, "eu-central-1")).toBe(100);
    expect(endpointWeight(c, "eu-central-1")).toBe(128);
    expect(availabilityZones(c, "eu-central-1")).toEqual(["euc1-az1", "euc1-az2"]);
    expect(availabilityZones(configWith({ regions: ["us-west-1"], homeRegion: "us-west-1" }), "us-west-1")).toEqual(["usw1-az1", "usw1-az3"]);
    expect(availabilityZones(configWith({ network: { availabilityZones: { "us-west-2": ["us-west-2c", "usw2-az4"] } } }), "us-west-2")).toEqual(["us-west-2c", "usw2-az4"]);
    expect(deletionProtection(c)).toBe(false);
    expect(deletionProtection(configWith({ environment: "prod" }))).toBe(true);
    expect(deletionProtection(configWith({ environment: "prod", deletionProtection: false }))).toBe(false);
  });
});

describe("deepMerge and GLOBALAPP_CONFIG", () => {
  it("merges objects key by key and replaces arrays", () => {
    expect(deepMerge({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: 3 }, l: [9] })).toEqual({ a: { b: 1, c: 3 }, l: [9] });
  });
  it("a different state backend replaces the state object whole", () => {
    const c = configWith({ state: { backend: "cloud", organization: "acme", workspace: "globalapp-prod" } });
    expect(c.state).toEqual({ backend: "cloud", organization: "acme", workspace: "globalapp-prod" });
  });
  it("loadConfig deep-merges the override file over the context", () => {
    const file = overrideFile(JSON.stringify({ regions: ["us-west-2", "eu-central-1", "ap-northeast-1"], homeRegion: "eu-central-1" }));
    const c = loadConfig({ context: cdktfContext(), overridePath: file });
    expect(c.regions).toHaveLength(3);
    expect(c.homeRegion).toBe("eu-central-1");
    expect(c.healthCheck.intervalSeconds).toBe(10);
  });
  it("loadConfigFromProject reads <root>/cdktf.json's context and the GLOBALAPP_CONFIG file from the env given", () => {
    const root = mkdtempSync(join(tmpdir(), "globalapp-project-"));
    writeFileSync(join(root, "cdktf.json"), JSON.stringify({ context: { globalapp: { tableName: "FromContext" } } }));
    expect(loadConfigFromProject(root, {}).tableName).toBe("FromContext");
    const file = overrideFile(JSON.stringify({ tableName: "FromFile" }));
    expect(loadConfigFromProject(root, { GLOBALAPP_CONFIG: file }).tableName).toBe("FromFile");
    expect(loadConfigFromProject(root, { GLOBALAPP_CONFIG: "" }).tableName).toBe("FromContext");
  });
  it("accepts 10 regions", () => {
    const regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1", "ap-northeast-1", "ap-southeast-2", "sa-east-1"];
    expect(configWith({ regions }).regions).toHaveLength(10);
  });
  it("a missing override file is a ConfigError naming GLOBALAPP_CONFIG", () => {
    expect(() => loadConfig({ overridePath: "/nonexistent/x.json" })).toThrow(/GLOBALAPP_CONFIG = "\/nonexistent\/x.json": cannot read file/);
  });
  it("an override file with invalid JSON is a ConfigError", () => {
    expect(() => loadConfig({ overridePath: overrideFile("{nope") })).toThrow(/not valid JSON/);
  });
  it("an override file that is not an object is a ConfigError", () => {
    expect(() => loadConfig({ overridePath: overrideFile("[1]") })).toThrow(/must contain a JSON object/);
  });
  it("a non-object context is a ConfigError", () => {
    expect(() => loadConfig({ context: "x" })).toThrow(/context.globalapp/);
  });
});

describe("validation names the key, the value and what is allowed", () => {
  it.each([
    ["unknown region", { regions: ["us-west-2", "mars-north-1"] }, /regions\[1\] = "mars-north-1": unknown AWS region; allowed: .*eu-central-1/],
    ["empty regions", { regions: [] }, /regions = \[\]: must name at least one region/],
    ["duplicate region", { regions: ["us-west-2", "us-west-2"] }, /regions\[1\] = "us-west-2": duplicate region/],
    ["regions not a list", { regions: "us-west-2" }, /regions = "us-west-2": must be a list/],
    ["homeRegion not in regions", { homeRegion: "ap-south-1" }, /homeRegion = "ap-south-1": must be one of regions \(us-west-2, eu-central-1\)/],
    ["timeout not below interval", { healthCheck: { intervalSeconds: 5, timeoutSeconds: 5 } }, /healthCheck.timeoutSeconds = 5: must be below healthCheck.intervalSeconds \(5\)/],
    ["interval too short", { healthCheck: { intervalSeconds: 4 } }, /healthCheck.intervalSeconds = 4: must be between 5 and 300 s/],
    ["interval too long", { healthCheck: { intervalSeconds: 301 } }, /healthCheck.intervalSeconds = 301: must be between 5 and 300/],
    ["timeout too short", { healthCheck: { timeoutSeconds: 1 } }, /healthCheck.timeoutSeconds = 1: must be between 2 and 120/],
    ["fractional interval", { healthCheck: { intervalSeconds: 7.5 } }, /healthCheck.intervalSeconds = 7.5: must be a whole number/],
    ["healthy threshold too low", { healthCheck: { healthyThreshold: 1 } }, /healthCheck.healthyThreshold = 1: must be between 2 and 10/],
    ["unhealthy threshold too high", { healthCheck: { unhealthyThreshold: 11 } }, /healthCheck.unhealthyThreshold = 11: must be between 2 and 10/],
    ["relative health path", { healthCheck: { path: "health" } }, /healthCheck.path = "health": must be an absolute URL path/],
    ["bad matcher", { healthCheck: { matcher: "ok" } }, /healthCheck.matcher = "ok"/],
    ["health path inside the item routes", { healthCheck: { path: "/get/health" } }, /healthCheck.path = "\/get\/health": must be outside \/get\/ and \/items\//],
    ["traffic dial over 100", { accelerator: { trafficDials: { "us-west-2": 150 } } }, /accelerator.trafficDials.us-west-2 = 150: must be between 0 and 100/],
    ["traffic dial negative", { accelerator: { trafficDials: { "eu-central-1": -1 } } }, /accelerator.trafficDials.eu-central-1 = -1/],
    ["traffic dial for an unserved region", { accelerator: { trafficDials: { "ap-south-1": 50 } } }, /accelerator.trafficDials.ap-south-1 = 50: is not one of regions/],
    ["endpoint weight over 255", { accelerator: { endpointWeights: { "us-west-2": 300 } } }, /accelerator.endpointWeights.us-west-2 = 300: must be between 0 and 255/],
    ["client affinity", { accelerator: { clientAffinity: "STICKY" } }, /accelerator.clientAffinity = "STICKY": allowed: NONE \| SOURCE_IP/],
    ["ip address type", { accelerator: { ipAddressType: "IPV6" } }, /accelerator.ipAddressType = "IPV6": allowed: IPV4 \| DUAL_STACK/],
    ["environment", { environment: "staging" }, /environment = "staging": allowed: dev \| prod/],
    ["appName upper case", { appName: "GlobalApp" }, /appName = "GlobalApp"/],
    ["appName too long", { appName: "a-very-long-application" }, /appName = "a-very-long-application": must be 2-16 characters/],
    ["table name", { tableName: "x" }, /tableName = "x": must be 3-255/],
    ["function timeout not below health timeout", { function: { timeoutSeconds: 5 } }, /function.timeoutSeconds = 5: must be below healthCheck.timeoutSeconds \(5\)/],
    ["function memory", { function: { memoryMb: 64 } }, /function.memoryMb = 64: must be between 128 and 10240/],
    ["reserved concurrency 0 (throttles everything)", { function: { reservedConcurrency: 0 } }, /function.reservedConcurrency = 0: must be between 1 and 1000/],
    ["log retention", { function: { logRetentionDays: 10 } }, /function.logRetentionDays = 10: allowed: 1, 3, 5/],
    ["multiValueHeaders", { function: { multiValueHeaders: "yes" } }, /function.multiValueHeaders = "yes": must be true or false/],
    ["health check mode", { function: { healthCheckMode: "full" } }, /function.healthCheckMode = "full": allowed: shallow \| deep/],
    ["vpc cidr", { network: { vpcCidr: "192.168.0.0/16" } }, /network.vpcCidr = "192.168.0.0\/16"/],
    ["zones for an unserved region", { network: { availabilityZones: { "us-east-1": ["us-east-1a", "us-east-1b"] } } }, /network.availabilityZones.us-east-1 = .*is not one of regions/],
    ["zone of another region", { network: { availabilityZones: { "us-west-2": ["us-west-2a", "eu-central-1b"] } } }, /network.availabilityZones.us-west-2\[1\] = "eu-central-1b": must be an availability zone of us-west-2/],
    ["AZ ID of another region", { network: { availabilityZones: { "us-west-2": ["usw2-az1", "euc1-az2"] } } }, /network.availabilityZones.us-west-2\[1\] = "euc1-az2": must be an availability zone of us-west-2/],
    ["not a zone", { network: { availabilityZones: { "us-west-2": ["us-west-2a", "zone-b"] } } }, /network.availabilityZones.us-west-2\[1\] = "zone-b": must be a zone name/],
    ["one zone only", { network: { availabilityZones: { "us-west-2": ["us-west-2a"] } } }, /network.availabilityZones.us-west-2 = \["us-west-2a"\]: must name exactly two zones/],
    ["unknown key", { healthChek: { path: "/x" } }, /healthChek: unknown key/],
    ["unknown nested key", { healthCheck: { intervall: 10 } }, /healthCheck.intervall: unknown key/],
    ["unknown state backend", { state: { backend: "consul" } }, /state.backend = "consul": state.backend allowed: s3 \| cloud \| local/],
    ["cloud without organization", { state: { backend: "cloud", workspace: "w" } }, /state.organization = missing: is required for the cloud backend/],
    ["cloud without workspace", { state: { backend: "cloud", organization: "acme" } }, /state.workspace = missing: is required for the cloud backend/],
    ["cloud with an s3 field", { state: { backend: "cloud", organization: "acme", workspace: "w", bucket: "b" } }, /state.bucket: unknown key/],
    ["bad s3 bucket", { state: { bucket: "Not_A_Bucket" } }, /state.bucket = "Not_A_Bucket": must be a valid S3 bucket name/],
    ["s3 state region", { state: { region: "moon-1" } }, /state.region = "moon-1": unknown AWS region/],
    ["local port", { local: { port: 70000 } }, /local.port = 70000: must be between 1 and 65535/],
    ["local admin port same as port", { local: { adminPort: 8080 } }, /local.adminPort = 8080: must differ from local.port \(8080\)/],
    ["local client region", { local: { clientRegion: "moon-1" } }, /local.clientRegion = "moon-1": unknown AWS region/],
    ["local propagation delay", { local: { propagationSeconds: -1 } }, /local.propagationSeconds = -1: must be between 0 and 300 s/],
  ])("%s", (_name, override, message) => {
    expect(withOverride(override)).toThrow(ConfigError);
    expect(withOverride(override)).toThrow(message);
  });

  it("names the fields a backend is missing, and the fields it takes when given another backend's", () => {
    expect(() => parseConfig({ ...BUILTIN_DEFAULTS, state: { backend: "s3" } })).toThrow(
      /state.bucket = missing: is required for the s3 backend\n[\s\S]*state.region = missing: must be an AWS region code/,
    );
    expect(withOverride({ state: { backend: "local", bucket: "acme-tfstate" } })).toThrow(/state.bucket: unknown key for state.backend "local" \(allowed: path\)/);
    expect(withOverride({ state: { backend: "cloud", organization: "acme", workspace: "w", region: "us-west-2" } })).toThrow(
      /state.region: unknown key for state.backend "cloud" \(allowed: organization, workspace, hostname\)/,
    );
    expect(withOverride({ healthCheck: { intervall: 10 } })).toThrow(/healthCheck.intervall: unknown key$/m);
  });

  it("reports every problem at once", () => {
    try {
      configWith({ regions: [], healthCheck: { healthyThreshold: 1 } });
      throw new Error("expected a ConfigError");
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.length).toBeGreaterThanOrEqual(2);
    }
  });
});

describe("security and observability settings", () => {
  const CERT = (region: string) => `arn:aws:acm:${region}:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666`;
  const both = { "us-west-2": CERT("us-west-2"), "eu-central-1": CERT("eu-central-1") };

  it("defaults: no certificates, dev keeps logs, CMK and alarms off; prod turns them on", () => {
    const dev = configWith();
    expect(dev.https.certificateArns).toEqual({});
    expect(httpsEnabled(dev)).toBe(false);
    expect([albAccessLogs(dev), acceleratorFlowLogs(dev), tableCustomerManagedKey(dev), alarmsEnabled(dev)]).toEqual([false, false, false, false]);
    const prod = configWith({ environment: "prod" });
    expect([albAccessLogs(prod), acceleratorFlowLogs(prod), tableCustomerManagedKey(prod), alarmsEnabled(prod)]).toEqual([true, true, true, true]);
    expect(dev.alb).toEqual({ accessLogRetentionDays: 90, internal: false });
  });
  it("explicit settings win over the environment's defaults", () => {
    const c = configWith({ environment: "prod", alb: { accessLogs: false }, accelerator: { flowLogs: false }, table: { customerManagedKey: false }, alarms: { enabled: false } });
    expect([albAccessLogs(c), acceleratorFlowLogs(c), tableCustomerManagedKey(c), alarmsEnabled(c)]).toEqual([false, false, false, false]);
    expect(alarmsEnabled(configWith({ alarms: { email: "ops@example.com" } }))).toBe(true);
  });
  it("accepts one certificate per region", () => {
    const c = configWith({ https: { certificateArns: both } });
    expect(httpsEnabled(c)).toBe(true);
    expect(c.https.certificateArns["eu-central-1"]).toBe(CERT("eu-central-1"));
  });

  it.each([
    ["not an ACM ARN", { https: { certificateArns: { ...both, "us-west-2": "arn:aws:iam::123456789012:server-certificate/x" } } }, /https.certificateArns.us-west-2 = "arn:aws:iam::.*must be an ACM certificate ARN/],
    ["certificate from another region", { https: { certificateArns: { ...both, "us-west-2": CERT("us-east-1") } } }, /https.certificateArns.us-west-2 = .*must be an ACM certificate in us-west-2/],
    ["certificate for an unserved region", { https: { certificateArns: { ...both, "us-east-1": CERT("us-east-1") } } }, /https.certificateArns.us-east-1 = .*is not one of regions/],
    ["a region without a certificate", { https: { certificateArns: { "us-west-2": CERT("us-west-2") } } }, /https.certificateArns.eu-central-1 = missing: with HTTPS on, every region needs its own certificate/],
    ["unknown https key", { https: { certificateArn: "x" } }, /https.certificateArn: unknown key/],
    ["access logs not a boolean", { alb: { accessLogs: "yes" } }, /alb.accessLogs = "yes": must be true or false/],
    ["access-log retention", { alb: { accessLogRetentionDays: 0 } }, /alb.accessLogRetentionDays = 0: must be between 1 and 3650 days/],
    ["internal not a boolean", { alb: { internal: 1 } }, /alb.internal = 1: must be true or false/],
    ["flow logs not a boolean", { accelerator: { flowLogs: "on" } }, /accelerator.flowLogs = "on": must be true or false/],
    ["customer-managed key not a boolean", { table: { customerManagedKey: "kms" } }, /table.customerManagedKey = "kms": must be true or false/],
    ["alarm email", { alarms: { email: "not-an-email" } }, /alarms.email = "not-an-email": must be an email address/],
    ["alarm email with alarms off", { alarms: { enabled: false, email: "ops@example.com" } }, /alarms.email = "ops@example.com": needs alarms.enabled true/],
  ])("%s", (_name, override, message) => {
    expect(withOverride(override)).toThrow(ConfigError);
    expect(withOverride(override)).toThrow(message);
  });
});
