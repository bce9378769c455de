import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  acceleratorFlowLogs,
  alarmsEnabled,
  albAccessLogs,
  availabilityZones,
  BUILTIN_DEFAULTS,
  acceleratorRecordName,
  closestKey,
  ConfigError,
  configWarnings,
  latencyRecordName,
  servedNames,
  usesAccelerator,
  deepMerge,
  deletionProtection,
  endpointWeight,
  httpsEnabled,
  loadConfig,
  loadConfigFromProject,
  overridePath,
  parseConfig,
  tableCustomerManagedKey,
  trafficDial,
} from "../../model/config";
import { AWS_REGIONS, azIdsOf, gaExcludedAzId, gaSupportsRegion } from "../../model/regions";
import { cdktfContext, configWith } from "../support/synth";

const withOverride = (o: unknown) => () => configWith(o);
const DOMAIN = { name: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" };

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
  it("npm run local defaults: accelerator on 8080, admin on 8081, DNS on 8053, 10 s propagation, client location unset", () => {
    expect(configWith().local).toEqual({ port: 8080, adminPort: 8081, dnsPort: 8053, propagationSeconds: 10, replication: { lagSeconds: { median: 0.5, p99: 1 } } });
    expect(configWith({ local: { replication: { lagSeconds: { median: 2, p99: 2 } } } }).local.replication.lagSeconds).toEqual({ median: 2, p99: 2 });
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
  it("resolves GLOBALAPP_CONFIG from the directory the command was started in (npm's INIT_CWD), else the current one", () => {
    expect(overridePath({ GLOBALAPP_CONFIG: "prod.json", INIT_CWD: "/home/me/app/envs" }, "/home/me/app")).toBe("/home/me/app/envs/prod.json");
    expect(overridePath({ GLOBALAPP_CONFIG: "prod.json" }, "/home/me/app")).toBe("/home/me/app/prod.json");
    expect(overridePath({ GLOBALAPP_CONFIG: "/etc/globalapp.json", INIT_CWD: "/tmp" })).toBe("/etc/globalapp.json");
    expect(overridePath({ GLOBALAPP_CONFIG: "" })).toBeUndefined();
  });
  it("names the absolute path of a GLOBALAPP_CONFIG file that cannot be read", () => {
    const dir = mkdtempSync(join(tmpdir(), "globalapp-cwd-"));
    expect(() => loadConfigFromProject(join(__dirname, "..", ".."), { GLOBALAPP_CONFIG: "missing.json", INIT_CWD: dir })).toThrow(
      `GLOBALAPP_CONFIG = ${JSON.stringify(join(dir, "missing.json"))}: cannot read file (ENOENT)`,
    );
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
  it("ignores a top-level $schema in the override file and the context (it is for editors)", () => {
    const file = overrideFile(JSON.stringify({ $schema: "./globalapp.schema.json", tableName: "WithSchema" }));
    expect(loadConfig({ context: cdktfContext(), overridePath: file }).tableName).toBe("WithSchema");
    expect(loadConfig({ context: { $schema: "https://example.com/s.json", appName: "ctx" } }).appName).toBe("ctx");
  });
  it("a $schema that is not a string is a ConfigError naming it; one below the top level is an unknown key", () => {
    expect(() => loadConfig({ overridePath: overrideFile(JSON.stringify({ $schema: 5 })) })).toThrow(/^invalid GlobalApp config:\n {2}- \$schema = 5: must be a string/);
    expect(() => loadConfig({ context: { $schema: null } })).toThrow(/context\.globalapp\.\$schema = null: must be a string/);
    expect(() => loadConfig({ overridePath: overrideFile(JSON.stringify({ healthCheck: { $schema: "x" } })) })).toThrow(/healthCheck\.\$schema: unknown key/);
  });
});

describe("validation names the key, the value and what is allowed", () => {
  it.each([
    ["unknown region", { regions: ["us-west-2", "mars-north-1"] }, /regions\[1\] = "mars-north-1": unknown AWS region; allowed: .*eu-central-1/],
    ["misspelt region", { regions: ["us-west-2", "eu-central-l"] }, /regions\[1\] = "eu-central-l": unknown AWS region — did you mean eu-central-1\?; allowed: /],
    ["misspelt home region", { homeRegion: "US-WEST-2" }, /homeRegion = "US-WEST-2": unknown AWS region — did you mean us-west-2\?/],
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
    ["peak rate 0", { capacity: { peakRequestsPerSecond: 0 } }, /capacity.peakRequestsPerSecond = 0: must be above 0 and at most 10,000,000 requests per second/],
    ["peak rate negative", { capacity: { peakRequestsPerSecond: -5 } }, /capacity.peakRequestsPerSecond = -5: must be above 0/],
    ["peak rate as text", { capacity: { peakRequestsPerSecond: "1000" } }, /capacity.peakRequestsPerSecond = "1000": must be a number/],
    ["function duration 0", { capacity: { functionMilliseconds: 0 } }, /capacity.functionMilliseconds = 0: must be above 0 and at most 900,000 ms/],
    ["function duration past the timeout", { capacity: { functionMilliseconds: 3001 } }, /capacity.functionMilliseconds = 3001: must be at most function.timeoutSeconds × 1000 \(3000\)/],
    ["unknown capacity key", { capacity: { peakRps: 10 } }, /capacity.peakRps: unknown key/],
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
    ["a replication lag of 0", { local: { replication: { lagSeconds: { median: 0, p99: 1 } } } }, /local.replication.lagSeconds.median = 0: must be between 0.001 and 3600 s/],
    ["a replication p99 below its median", { local: { replication: { lagSeconds: { median: 2, p99: 1 } } } }, /local.replication.lagSeconds.p99 = 1: must be at least local.replication.lagSeconds.median \(2\)/],
    ["an unknown replication key", { local: { replication: { lag: 1 } } }, /local.replication.lag/],
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
    expect(withOverride({ healthCheck: { intervall: 10 } })).toThrow(/healthCheck.intervall: unknown key — did you mean healthCheck.intervalSeconds\?$/m);
  });

  it.each([
    // network: what terraform or AWS would refuse later, refused here naming the key
    ["VPC CIDR octet over 255", { network: { vpcCidr: "10.256.0.0/16" } }, /network.vpcCidr = "10.256.0.0\/16": must be a \/16 of the form "10.N.0.0\/16" with N 0-255/],
    ["VPC CIDR with a leading zero", { network: { vpcCidr: "10.01.0.0/16" } }, /network.vpcCidr = "10.01.0.0\/16": must be a \/16/],
    ["VPC CIDR not a network address", { network: { vpcCidr: "10.0.0.1/16" } }, /network.vpcCidr = "10.0.0.1\/16"/],
    ["the same zone twice", { network: { availabilityZones: { "us-west-2": ["usw2-az1", "usw2-az1"] } } }, /network.availabilityZones.us-west-2\[1\] = "usw2-az1": must differ from network.availabilityZones.us-west-2\[0\]/],
    ["an AZ ID the region does not have", { network: { availabilityZones: { "us-west-2": ["usw2-az1", "usw2-az5"] } } }, /network.availabilityZones.us-west-2\[1\] = "usw2-az5": is not an AZ ID of us-west-2 \(it has usw2-az1, usw2-az2, usw2-az3, usw2-az4\)/],
    ["ca-central-1 has no az3", { regions: ["ca-central-1"], homeRegion: "ca-central-1", network: { availabilityZones: { "ca-central-1": ["cac1-az3", "cac1-az1"] } } }, /network.availabilityZones.ca-central-1\[0\] = "cac1-az3": is not an AZ ID of ca-central-1/],
    ["an AZ Global Accelerator does not support", { regions: ["us-west-1"], homeRegion: "us-west-1", network: { availabilityZones: { "us-west-1": ["usw1-az1", "usw1-az2"] } } }, /network.availabilityZones.us-west-1\[1\] = "usw1-az2": Global Accelerator does not support endpoints in usw1-az2/],
    ["apne1-az3 (not supported by Global Accelerator)", { regions: ["ap-northeast-1"], homeRegion: "ap-northeast-1", network: { availabilityZones: { "ap-northeast-1": ["apne1-az3", "apne1-az1"] } } }, /\[0\] = "apne1-az3": Global Accelerator does not support/],
    ["a zone of another region", { network: { availabilityZones: { "us-west-2": ["us-east-1a", "usw2-az1"] } } }, /network.availabilityZones.us-west-2\[0\] = "us-east-1a": must be an availability zone of us-west-2/],
    ["zones for an unknown region", { network: { availabilityZones: { "mars-1": ["x", "y"] } } }, /network.availabilityZones.mars-1/],
    // names AWS refuses
    ["appName internal (ALB names may not begin with internal-)", { appName: "internal" }, /appName = "internal": must not be "internal" or start with "internal-"/],
    ["appName internal-…", { appName: "internal-api" }, /appName = "internal-api": must not be "internal"/],
    ["accelerator name starting with a hyphen", { accelerator: { name: "-ga" } }, /accelerator.name = "-ga": must be 1-64 letters, digits or hyphens, not starting or ending with a hyphen/],
    ["accelerator name ending with a hyphen", { accelerator: { name: "ga-" } }, /accelerator.name = "ga-"/],
    // health-check matcher as ALB accepts it
    ["matcher below 200", { healthCheck: { matcher: "199" } }, /healthCheck.matcher = "199": codes must be between 200 and 499/],
    ["matcher 5xx", { healthCheck: { matcher: "200,500" } }, /healthCheck.matcher = "200,500": codes must be between 200 and 499/],
    ["matcher range backwards", { healthCheck: { matcher: "299-200" } }, /healthCheck.matcher = "299-200": must be a range from low to high, e.g. "200-299"/],
    ["matcher mixing a list and a range", { healthCheck: { matcher: "200,202-299" } }, /healthCheck.matcher = "200,202-299": must be HTTP codes 200-499/],
    // regions
    ["a region Global Accelerator cannot serve", { regions: ["us-west-2", "ap-southeast-6"] }, /regions\[1\] = "ap-southeast-6": Global Accelerator cannot place an endpoint group in ap-southeast-6/],
    ["a retired region still served", { retiredRegions: ["eu-central-1"] }, /retiredRegions\[0\] = "eu-central-1": is still in regions/],
    ["a retired region twice", { retiredRegions: ["ap-south-1", "ap-south-1"] }, /retiredRegions\[1\] = "ap-south-1": duplicate region/],
    ["an unknown retired region", { retiredRegions: ["moon-1"] }, /retiredRegions\[0\] = "moon-1": unknown AWS region/],
    // misspelt keys say what they probably meant
    ["misspelt top-level key", { regionz: ["us-west-2"] }, /^ {2}- regionz: unknown key — did you mean regions\?$/m],
    ["wrong case", { healthcheck: { path: "/x" } }, /healthcheck: unknown key — did you mean healthCheck\?$/m],
    ["misspelt nested key", { accelerator: { trafficDial: { "us-west-2": 50 } } }, /accelerator.trafficDial: unknown key — did you mean accelerator.trafficDials\?$/m],
    ["an unknown key like nothing known", { zzz: 1 }, /^ {2}- zzz: unknown key$/m],
    // JSON's odd keys are keys: reported, never a prototype change or a crash
    ["__proto__ as a key", JSON.parse('{"__proto__": {"appName": "x"}}'), /__proto__: unknown key/],
    ["__proto__ as a region key of a record (zod's records skip it silently)", JSON.parse('{"accelerator": {"trafficDials": {"__proto__": 5}}}'), /accelerator.trafficDials.__proto__: unknown key/],
    // wrong types in plain words
    ["a list where an object goes", { accelerator: { trafficDials: [1] } }, /accelerator.trafficDials = \[1\]: must be a JSON object$/m],
    ["null where an object goes", { healthCheck: null }, /healthCheck = null: must be a JSON object$/m],
  ])("%s", (_name, override, message) => {
    expect(withOverride(override)).toThrow(ConfigError);
    expect(withOverride(override)).toThrow(message);
  });

  it.each([
    // Route 53 routing and a custom domain
    ["route53 without a domain", { routing: "route53" }, /routing = "route53": "route53" needs domain \(name and hostedZoneId\)/],
    ["both without a domain", { routing: "both" }, /routing = "both": "both" needs domain/],
    ["unknown routing", { routing: "dns" }, /routing = "dns": allowed: accelerator \| route53 \| both/],
    ["route53 with internal ALBs", { routing: "route53", domain: DOMAIN, alb: { internal: true } }, /alb.internal = true: must be false with routing "route53": with Route 53, clients resolve straight to the ALBs/],
    ["both with internal ALBs (Route 53 health checks cannot reach them)", { routing: "both", domain: DOMAIN, alb: { internal: true }, route53: { healthChecks: "route53" } }, /alb.internal = true: must be false with routing "both"/],
    ["a domain name with upper case", { domain: { ...DOMAIN, name: "API.example.com" } }, /domain.name = "API.example.com": must be a lower-case DNS name/],
    ["a domain name of one label", { domain: { ...DOMAIN, name: "localhost" } }, /domain.name = "localhost": must be a lower-case DNS name of two or more labels/],
    ["a label starting with a hyphen", { domain: { ...DOMAIN, name: "-api.example.com" } }, /domain.name = "-api.example.com"/],
    ["a hosted zone id that is not one", { domain: { ...DOMAIN, hostedZoneId: "example.com" } }, /domain.hostedZoneId = "example.com": must be a Route 53 hosted zone id/],
    ["a domain without a zone", { domain: { name: "api.example.com" } }, /domain.hostedZoneId = missing/],
    ["a Route 53 interval it does not have", { route53: { requestIntervalSeconds: 20 } }, /route53.requestIntervalSeconds = 20: allowed: 10 \| 30/],
    ["a failure threshold over 10", { route53: { failureThreshold: 11 } }, /route53.failureThreshold = 11: must be between 1 and 10/],
    ["an unknown health source", { route53: { healthChecks: "tcp" } }, /route53.healthChecks = "tcp": allowed: alias \| route53/],
    ["issued certificates without a domain", { https: { issueCertificates: true } }, /https.issueCertificates = true: needs domain \(name and hostedZoneId\)/],
    ["issued and configured certificates at once", { domain: DOMAIN, https: { issueCertificates: true, certificateArns: { "us-west-2": "arn:aws:acm:us-west-2:123456789012:certificate/a", "eu-central-1": "arn:aws:acm:eu-central-1:123456789012:certificate/b" } } }, /https.issueCertificates = true: cannot be combined with https.certificateArns/],
    ["a DNS port taken by the accelerator", { local: { dnsPort: 8080 } }, /local.dnsPort = 8080: must differ from local.port \(8080\) and local.adminPort \(8081\)/],
    ["a region latency records cannot name", { routing: "route53", domain: DOMAIN, regions: ["us-west-2", "ap-southeast-6"] }, /regions\[1\] = "ap-southeast-6": Route 53 latency records cannot name ap-southeast-6/],
  ])("%s", (_name, override, message) => {
    expect(withOverride(override)).toThrow(ConfigError);
    expect(withOverride(override)).toThrow(message);
  });

  it("accepts every routing with a domain, and derives the names each serves", () => {
    const names = (routing: string) => {
      const c = configWith({ routing, domain: DOMAIN });
      return [acceleratorRecordName(c), latencyRecordName(c), servedNames(c), usesAccelerator(c)];
    };
    expect(names("accelerator")).toEqual(["api.example.com", undefined, ["api.example.com"], true]);
    expect(names("route53")).toEqual([undefined, "api.example.com", ["api.example.com"], false]);
    expect(names("both")).toEqual(["api.example.com", "latency.api.example.com", ["api.example.com", "latency.api.example.com"], true]);
    const plain = configWith();
    expect([plain.routing, acceleratorRecordName(plain), latencyRecordName(plain), servedNames(plain)]).toEqual(["accelerator", undefined, undefined, []]);
    expect(plain.route53).toEqual({ healthChecks: "alias", requestIntervalSeconds: 30, failureThreshold: 3 });
    expect(plain.local.dnsPort).toBe(8053);
  });
  it("issued certificates turn HTTPS on", () => {
    expect(httpsEnabled(configWith({ domain: DOMAIN, https: { issueCertificates: true } }))).toBe(true);
    expect(httpsEnabled(configWith({ domain: DOMAIN }))).toBe(false);
  });
  it("warns that traffic dials do nothing without an accelerator", () => {
    const warnings = configWarnings(configWith({ routing: "route53", domain: DOMAIN, accelerator: { trafficDials: { "us-west-2": 50 } } }));
    expect(warnings).toContainEqual({ key: "accelerator.trafficDials", message: 'has no effect with routing "route53": there is no accelerator' });
    expect(configWarnings(configWith({ accelerator: { trafficDials: { "us-west-2": 50 } } })).map((w) => w.key)).not.toContain("accelerator.trafficDials");
  });

  it("reports one problem per key, not a cascade (a malformed certificate ARN is not also 'in the wrong region')", () => {
    const problems = (override: object) => {
      try {
        withOverride(override)();
        return [];
      } catch (err) {
        return [...(err as ConfigError).problems];
      }
    };
    const arn = problems({ https: { certificateArns: { "us-west-2": "not-an-arn", "eu-central-1": "arn:aws:acm:eu-central-1:123456789012:certificate/x" } } });
    expect(arn).toEqual(['https.certificateArns.us-west-2 = "not-an-arn": must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)']);
    const zones = problems({ network: { availabilityZones: { "us-west-2": "usw2-az1" } } });
    expect(zones).toEqual(['network.availabilityZones.us-west-2 = "usw2-az1": must be a list']);
  });
  it("points a certificate filed under the wrong region at the right key", () => {
    expect(withOverride({ https: { certificateArns: { "us-west-2": "arn:aws:acm:eu-central-1:123456789012:certificate/x" } } })).toThrow(
      /is a certificate in eu-central-1; an ALB in us-west-2 only uses certificates from its own region — did you mean https.certificateArns.eu-central-1\?/,
    );
  });
  it("accepts every region's default zones, and the regions Global Accelerator serves", () => {
    for (const region of AWS_REGIONS.filter(gaSupportsRegion)) {
      expect(() => configWith({ regions: [region], homeRegion: region })).not.toThrow();
    }
    expect(AWS_REGIONS.filter((r) => !gaSupportsRegion(r))).toEqual(["ap-southeast-6"]);
  });
  it("accepts every AZ ID a region has (except Global Accelerator's exclusions), as IDs or names", () => {
    for (const region of AWS_REGIONS.filter(gaSupportsRegion)) {
      const ids = azIdsOf(region).filter((id) => !gaExcludedAzId(region, id));
      expect(() => configWith({ regions: [region], homeRegion: region, network: { availabilityZones: { [region]: [ids[0], ids[ids.length - 1]] } } })).not.toThrow();
    }
    expect(() => configWith({ network: { availabilityZones: { "us-west-2": ["us-west-2a", "us-west-2d"] } } })).not.toThrow();
  });
  it("keeps a retired region's name for its provider and accepts it beside the served ones", () => {
    expect(configWith({ regions: ["us-west-2"], retiredRegions: ["eu-central-1"] }).retiredRegions).toEqual(["eu-central-1"]);
  });
  it("suggests nothing for a key that is far from every known one", () => {
    expect(closestKey("zzz", ["regions", "homeRegion"])).toBeUndefined();
    expect(closestKey("homeregion", ["regions", "homeRegion"])).toBe("homeRegion");
    expect(closestKey("intervall", ["intervalSeconds", "timeoutSeconds"])).toBe("intervalSeconds");
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

  it("defaults: no certificates, dev keeps logs and CMK off; prod turns them on; alarms are on in both", () => {
    const dev = configWith();
    expect(dev.https.certificateArns).toEqual({});
    expect(httpsEnabled(dev)).toBe(false);
    expect([albAccessLogs(dev), acceleratorFlowLogs(dev), tableCustomerManagedKey(dev), alarmsEnabled(dev)]).toEqual([false, false, false, true]);
    const prod = configWith({ environment: "prod" });
    expect([albAccessLogs(prod), acceleratorFlowLogs(prod), tableCustomerManagedKey(prod), alarmsEnabled(prod)]).toEqual([true, true, true, true]);
    expect(dev.alb).toEqual({ accessLogRetentionDays: 90, internal: false });
  });
  it("explicit settings win over the environment's defaults", () => {
    const c = configWith({ environment: "prod", alb: { accessLogs: false }, accelerator: { flowLogs: false }, table: { customerManagedKey: false }, alarms: { enabled: false } });
    expect([albAccessLogs(c), acceleratorFlowLogs(c), tableCustomerManagedKey(c), alarmsEnabled(c)]).toEqual([false, false, false, false]);
    expect(alarmsEnabled(configWith({ alarms: { email: "ops@example.com" } }))).toBe(true);
    expect(alarmsEnabled(configWith({ alarms: { enabled: false } }))).toBe(false);
  });
  it("accepts one certificate per region", () => {
    const c = configWith({ https: { certificateArns: both } });
    expect(httpsEnabled(c)).toBe(true);
    expect(c.https.certificateArns["eu-central-1"]).toBe(CERT("eu-central-1"));
  });

  it.each([
    ["not an ACM ARN", { https: { certificateArns: { ...both, "us-west-2": "arn:aws:iam::123456789012:server-certificate/x" } } }, /https.certificateArns.us-west-2 = "arn:aws:iam::.*must be an ACM certificate ARN/],
    ["certificate from another region", { https: { certificateArns: { ...both, "us-west-2": CERT("us-east-1") } } }, /https.certificateArns.us-west-2 = .*: is a certificate in us-east-1; an ALB in us-west-2 only uses certificates from its own region$/m],
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
