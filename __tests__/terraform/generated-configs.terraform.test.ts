import { App, Testing } from "cdktf";
import fc from "fast-check";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GlobalAppStack, STACK_NAME } from "../../constructs/global-app-stack";
import { stateBucketStackFor } from "../../constructs/state-bucket-stack";
import { type AppConfig, ConfigError } from "../../model/config";
import { AWS_REGIONS, azIdsOf } from "../../model/regions";
import { configWith } from "../support/synth";
import { describeWithTerraform, validateAsModules } from "../support/terraform";

/**
 * The config contract, tested generatively: a config drawn at random from the schema's own value
 * space (valid values, their edges and the invalid values next to them) either synthesizes into a
 * stack that `terraform validate` accepts, or fails with a ConfigError whose every problem is one
 * line naming a key — never another error, never a stack trace, never a stack terraform refuses.
 *
 * Accepted configs are validated by terraform in one run: each synthesized stack becomes a module of
 * one root configuration, so the provider schema is loaded once for all of them (validateAsModules).
 */
const ACCOUNT = "123456789012";
const SEED = Number(process.env.GLOBALAPP_GENERATIVE_SEED ?? 20261201);
const RUNS = Number(process.env.GLOBALAPP_GENERATIVE_RUNS ?? 100);
/** How many accepted configs terraform validates (the rest are synthesized only). */
const VALIDATED = 8;

/** Mostly values the schema allows, sometimes the invalid ones next to them (about 1 in 25 per key). */
const v = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 24, arbitrary: valid }, { weight: 1, arbitrary: invalid }) as fc.Arbitrary<T | U>;
const GA_REGIONS = AWS_REGIONS.filter((r) => r !== "ap-southeast-6");
const regionCode = v(fc.constantFrom(...GA_REGIONS), fc.constantFrom("mars-north-1", "US-WEST-2", "", "ap-southeast-6"));
const int = (min: number, max: number) => v(fc.integer({ min, max }), fc.constantFrom(min - 1, max + 1, min + 0.5, `${min}`));
const bool = v(fc.boolean(), fc.constantFrom("yes", 1, null));
const some = { requiredKeys: [] as never[] };
const zone = (region: string) =>
  v(
    fc.constantFrom(...(AWS_REGIONS.includes(region) ? azIdsOf(region) : ["usw2-az1"])),
    fc.constantFrom(`${region}a`, "usw2-az9", "use1-az1", "usw1-az2", "apne1-az3", "not a zone"),
  );
const certFor = (region: string) =>
  v(
    fc.constant(`arn:aws:acm:${region}:${ACCOUNT}:certificate/0a1b2c3d-1111-2222-3333-444455556666`),
    fc.constantFrom(`arn:aws:acm:us-east-1:${ACCOUNT}:certificate/0a1b2c3d-1111-2222-3333-444455556666`, "arn:aws:acm:…"),
  );

/** A config override drawn from the schema's value space, near its edges and beyond them. */
const override = fc
  .uniqueArray(regionCode, { minLength: 1, maxLength: 3 })
  .chain((regions) => fc.tuple(fc.constant(regions), v(fc.constant(regions), fc.constant([] as string[]))))
  .chain(([served, regions]) => {
    const perRegion = <T>(arb: (r: string) => fc.Arbitrary<T>, keys: fc.Arbitrary<string[]> = fc.subarray(served)) =>
      v(keys, fc.constant(["ap-south-1"])).chain((ks) => fc.tuple(...ks.map((k) => arb(k).map((x) => [k, x] as const))).map((e) => Object.fromEntries(e)));
    return fc.record(
      {
        appName: v(fc.constantFrom("globalapp", "shop", "ab", "abcdefghijklmnop", "e2e-0a1b2c", "internals"), fc.constantFrom("a", "internal", "internal-api", "x-", "Shop", "abcdefghijklmnopq")),
        environment: v(fc.constantFrom("dev", "prod"), fc.constant("staging")),
        regions: fc.constant(regions),
        retiredRegions: v(fc.subarray(GA_REGIONS.filter((r) => !served.includes(r)).slice(0, 6), { maxLength: 2 }), fc.constant([served[0]])),
        homeRegion: v(fc.constantFrom(...served), fc.constant("ap-south-2")),
        tableName: v(fc.constantFrom("GlobalApp", "shop.items-1", "a_b"), fc.constantFrom("ab", "bad name", "x".repeat(256))),
        deletionProtection: bool,
        healthCheck: fc
          .record({ intervalSeconds: fc.integer({ min: 7, max: 300 }), healthyThreshold: int(2, 10), unhealthyThreshold: int(2, 10) }, some)
          .chain((hc) =>
            fc.record(
              {
                ...Object.fromEntries(Object.entries(hc).map(([k, x]) => [k, fc.constant(x)])),
                intervalSeconds: v(fc.constant(hc.intervalSeconds ?? 10), fc.constantFrom(4, 301)),
                timeoutSeconds: v(fc.integer({ min: 6, max: Math.min(120, (hc.intervalSeconds ?? 10) - 1) }), fc.constantFrom(1, 121, hc.intervalSeconds ?? 10)),
                path: v(fc.constantFrom("/health", "/healthz", "/ops/ping"), fc.constantFrom("health", "/get/health", "/ä")),
                matcher: v(fc.constantFrom("200", "200,204", "200-299", "200-499"), fc.constantFrom("199", "500", "299-200", "200,202-299", "ok")),
              },
              some,
            ),
          ),
        function: fc.record(
          {
            memoryMb: int(128, 10240),
            timeoutSeconds: v(fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, 5, 901)),
            logRetentionDays: v(fc.constantFrom(1, 7, 365, 3653), fc.constantFrom(2, 0)),
            multiValueHeaders: bool,
            healthCheckMode: v(fc.constantFrom("shallow", "deep"), fc.constant("deeper")),
            reservedConcurrency: int(1, 1000),
          },
          some,
        ),
        network: fc.record(
          {
            vpcCidr: v(fc.constantFrom("10.0.0.0/16", "10.255.0.0/16", "10.42.0.0/16"), fc.constantFrom("10.256.0.0/16", "10.01.0.0/16", "10.0.0.1/16", "192.168.0.0/16")),
            availabilityZones: perRegion((r) =>
              fc.shuffledSubarray(AWS_REGIONS.includes(r) ? azIdsOf(r).filter((z) => !["usw1-az2", "apne1-az3"].includes(z)) : ["x-az1", "x-az2"], { minLength: 2, maxLength: 2 }).chain((pair) =>
                fc.tuple(v(fc.constant(pair[0]), zone(r)), v(fc.constant(pair[1]), fc.constant(pair[0]))),
              ),
            ),
          },
          some,
        ),
        accelerator: fc.record(
          {
            name: v(fc.constantFrom("ga", "my-ga-1", "a".repeat(64)), fc.constantFrom("-ga", "ga-", "a".repeat(65))),
            clientAffinity: v(fc.constantFrom("NONE", "SOURCE_IP"), fc.constant("STICKY")),
            ipAddressType: v(fc.constantFrom("IPV4", "DUAL_STACK"), fc.constant("IPV6")),
            trafficDials: perRegion(() => int(0, 100)),
            endpointWeights: perRegion(() => int(0, 255)),
            flowLogs: bool,
          },
          some,
        ),
        https: fc.record({ certificateArns: perRegion(certFor, v(fc.constantFrom([] as string[], served), fc.constant(served.slice(0, 1)))) }, some),
        alb: fc.record({ accessLogs: bool, accessLogRetentionDays: int(1, 3650), internal: bool }, some),
        table: fc.record({ customerManagedKey: bool }, some),
        alarms: fc.record({ enabled: v(fc.constant(true), fc.constant(false)), email: v(fc.constant("oncall@example.com"), fc.constant("not-an-email")) }, some),
        state: v(
          fc.oneof(
            fc.record({ backend: fc.constant("s3"), bucket: fc.constant("acme-tfstate"), key: fc.constant("a/b.tfstate"), region: fc.constantFrom(...served) }, { requiredKeys: ["backend", "bucket", "region"] }),
            fc.record({ backend: fc.constant("cloud"), organization: fc.constant("acme"), workspace: fc.constant("globalapp-prod") }),
            fc.record({ backend: fc.constant("local"), path: fc.constant("state/x.tfstate") }, { requiredKeys: ["backend"] }),
          ),
          fc.constantFrom({ backend: "s4" }, { backend: "s3", bucket: "Bad_Bucket", region: "us-west-2" }, { backend: "cloud", organization: "" }),
        ),
        local: fc.record({ port: fc.constant(18080), adminPort: v(fc.constant(18081), fc.constant(18080)), propagationSeconds: int(0, 300) }, some),
      },
      some,
    );
  });

/** Synthesizes both stacks the way main.ts does, for an accepted config. */
function synthesize(config: AppConfig): { stack: string; state?: string } {
  const app = Testing.app() as App;
  const state = stateBucketStackFor(app, config);
  const stack = new GlobalAppStack(app, STACK_NAME, { config });
  return { stack: Testing.synth(stack), ...(state ? { state: Testing.synth(state) } : {}) };
}

const accepted: Array<{ override: unknown; stack: string }> = [];
const rejected: string[][] = [];

describe("generated configs: valid ones synthesize, invalid ones fail with one line per key", () => {
  it(`holds for ${RUNS} configs drawn from the schema's value space (seed ${SEED})`, () => {
    fc.assert(
      fc.property(override, (o) => {
        let config: AppConfig;
        try {
          config = configWith(o);
        } catch (err) {
          // The only acceptable failure: a ConfigError, every problem one line that names a key.
          expect(err).toBeInstanceOf(ConfigError);
          const problems = (err as ConfigError).problems;
          expect(problems.length).toBeGreaterThan(0);
          for (const p of problems) {
            expect(p).not.toMatch(/\n/);
            expect(p).toMatch(/^[A-Za-z_][\w.-]*(\[\d+\])*(\.[\w.-]+(\[\d+\])*)*( = .+)?: \S/);
          }
          rejected.push([...problems]);
          return;
        }
        // Accepted: building and synthesizing must not throw either (no construct-level surprise).
        const out = synthesize(config);
        accepted.push({ override: o, stack: out.stack });
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
  it("draws both kinds, so the property exercised valid and invalid configs", () => {
    expect(accepted.length).toBeGreaterThan(RUNS / 10);
    expect(rejected.length).toBeGreaterThan(RUNS / 10);
  });
});

describeWithTerraform("generated configs: terraform validate accepts every synthesized stack", (tf) => {
  let result: Awaited<ReturnType<typeof validateAsModules>>;
  let sample: typeof accepted = [];
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), "globalapp-tf-generated-"));
    sample = accepted.slice(0, VALIDATED);
    const dirs = sample.map(({ stack }, i) => {
      const dir = join(root, `c${i}`);
      mkdirSync(dir);
      writeFileSync(join(dir, "cdk.tf.json"), stack);
      return dir;
    });
    result = await validateAsModules(tf, dirs);
  }, 180_000);

  it("validates a sample of the accepted configs, each as a module of one root", () => {
    expect(sample.length).toBeGreaterThanOrEqual(Math.min(VALIDATED, accepted.length));
    expect(sample.length).toBeGreaterThan(5);
    const described = sample.flatMap((c, i) =>
      result.diagnostics[i].filter((d) => d.severity === "error").map((d) => `${d.summary}: ${d.detail ?? ""} (config ${JSON.stringify(c.override)})`),
    );
    expect(described).toEqual([]);
    expect(result.valid).toBe(true);
  });
});
