import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * `npm run synth` end to end: main.ts in a child process (tests never import it), with
 * GLOBALAPP_CONFIG files, writing into a temp CDKTF_OUTDIR. The bad configs from the issue
 * must exit 2 (a config error, as every program exits: docs/programs.md) and name the offending key or value.
 */
const ROOT = join(__dirname, "..");
/** The exact command of `npm run synth` (package.json), run with this node. */
const SYNTH_SCRIPT = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { synth: string } }).scripts.synth;
const SYNTH_ARGS = SYNTH_SCRIPT.split(" ").slice(1);

function synth(config?: unknown, options: { dir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stderr: string; stdout: string; outdir: string }> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "globalapp-main-"));
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: join(dir, "out"), CHECKPOINT_DISABLE: "1", ...options.env };
  delete env.GLOBALAPP_CONFIG;
  delete env.CDKTF_CONTEXT_JSON;
  delete env.SYNTH_HCL_OUTPUT;
  Object.assign(env, options.env);
  if (config !== undefined) {
    env.GLOBALAPP_CONFIG = join(dir, "config.json");
    writeFileSync(env.GLOBALAPP_CONFIG, JSON.stringify(config));
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, SYNTH_ARGS, { cwd: ROOT, env });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.on("data", (d) => (stdout += d));
    child.on("close", (code) => resolve({ code: code ?? -1, stderr, stdout, outdir: join(dir, "out") }));
  });
}

const BAD: Array<[unknown, RegExp]> = [
  [{ regions: ["us-west-2", "mars-north-1"] }, /regions\[1\] = "mars-north-1": unknown AWS region; allowed/],
  [{ regions: ["us-west-2", "eu-central-l"] }, /regions\[1\] = "eu-central-l": unknown AWS region — did you mean eu-central-1\?; allowed/],
  [{ regions: [] }, /regions = \[\]: must name at least one region/],
  [{ homeRegion: "ap-south-1" }, /homeRegion = "ap-south-1": must be one of regions/],
  [{ healthCheck: { intervalSeconds: 5, timeoutSeconds: 5 } }, /healthCheck.timeoutSeconds = 5: must be below healthCheck.intervalSeconds/],
  [{ accelerator: { trafficDials: { "us-west-2": 150 } } }, /accelerator.trafficDials.us-west-2 = 150: must be between 0 and 100/],
];

describe("npm run synth (main.ts)", () => {
  let results: Array<Awaited<ReturnType<typeof synth>>>;
  let good: Awaited<ReturnType<typeof synth>>;
  let threeRegions: Awaited<ReturnType<typeof synth>>;

  beforeAll(async () => {
    [good, threeRegions, ...results] = await Promise.all([
      synth(),
      synth({ regions: ["us-west-2", "eu-central-1", "ap-northeast-1"], homeRegion: "eu-central-1" }),
      ...BAD.map(([c]) => synth(c)),
    ]);
  }, 120_000);

  it("writes cdktf.out/stacks/globalapp/cdk.tf.json from the embedded default config", () => {
    expect(SYNTH_SCRIPT).toMatch(/^node /);
    expect(good.code).toBe(0);
    expect(good.stdout).toBe("");
    const tf = JSON.parse(readFileSync(join(good.outdir, "stacks", "globalapp", "cdk.tf.json"), "utf8"));
    expect(Object.keys(tf.resource.aws_lambda_function)).toHaveLength(4); // the item API and the tear-down function per region
    expect(existsSync(join(good.outdir, "manifest.json"))).toBe(true);
  });
  it("writes the globalapp-state bootstrap stack beside it (S3 state, the default, also under an override)", () => {
    const state = JSON.parse(readFileSync(join(good.outdir, "stacks", "globalapp-state", "cdk.tf.json"), "utf8"));
    expect(Object.values(state.resource.aws_s3_bucket)).toEqual([expect.objectContaining({ bucket: "globalapp-terraform-state" })]);
    expect(existsSync(join(threeRegions.outdir, "stacks", "globalapp-state"))).toBe(true);
  });
  it("takes GLOBALAPP_CONFIG: 3 regions, table in eu-central-1 with 2 replicas", () => {
    expect(threeRegions.code).toBe(0);
    const tf = JSON.parse(readFileSync(join(threeRegions.outdir, "stacks", "globalapp", "cdk.tf.json"), "utf8"));
    const table = Object.values(tf.resource.aws_dynamodb_table)[0] as { provider: string; replica: unknown[] };
    expect(table.provider).toBe("aws.eu-central-1");
    expect(table.replica).toHaveLength(2);
    expect(Object.keys(tf.resource.aws_lb)).toHaveLength(3);
  });
  it.each(BAD.map(([c, m], i) => [JSON.stringify(c), m, i] as const))("rejects %s with exit 2 naming the key", (_c, message, i) => {
    expect(results[i].code).toBe(2);
    expect(results[i].stderr).toMatch(/^globalapp: invalid GlobalApp config:/);
    expect(results[i].stderr).toMatch(message);
    expect(results[i].stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(results[i].outdir, "stacks"))).toBe(false);
  });

  it("prints a summary on stderr: stacks and where they were written, regions, resource count, predicted failover, warnings", () => {
    const lines = good.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe("globalapp: synthesized 2 stack(s) (globalapp-dev)");
    expect(good.stderr).toMatch(/^ {2}globalapp-state +\S*stacks\/globalapp-state\/cdk\.tf\.json {2}\(7 resources\)$/m);
    expect(good.stderr).toMatch(/^ {2}globalapp +\S*stacks\/globalapp\/cdk\.tf\.json {2}\(\d+ resources\)$/m);
    expect(good.stderr).toMatch(/^ {2}regions {4}us-west-2 \(table home\), eu-central-1$/m);
    expect(good.stderr).toMatch(/^ {2}state {6}s3:\/\/globalapp-terraform-state\/globalapp\/dev\/terraform\.tfstate/m);
    expect(good.stderr).toMatch(/^ {2}failover {3}predicted 10–55 s, recovery 10–55 s/m);
    expect(good.stderr).toMatch(/^warning: https\.certificateArns is empty: .*plain HTTP/m);
    expect(threeRegions.stderr).toMatch(/^ {2}regions {4}us-west-2, eu-central-1 \(table home\), ap-northeast-1$/m);
    expect(good.stderr).not.toMatch(/\n\s+at /);
  });
  it("with a peak rate, prints the capacity model's busiest region and warns when a survivor outgrows its reservation", async () => {
    const r = await synth({ capacity: { peakRequestsPerSecond: 1000, functionMilliseconds: 40 }, function: { reservedConcurrency: 30 } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^ {2}capacity {3}1,000 req\/s × 40 ms: at most 40 concurrent executions in a region \(us-west-2 after losing eu-central-1, 30 % throttled\); limit 30 \(function\.reservedConcurrency\)$/m);
    expect(r.stderr).toMatch(/^warning: function\.reservedConcurrency 30 throttles .*us-west-2 after losing eu-central-1 needs 40 of 30 \(1,000 req\/s\), 30 % throttled/m);
    expect(good.stderr).not.toMatch(/^ {2}capacity /m);
    expect(good.stderr).not.toMatch(/reservedConcurrency/);
  });
  it("warns about opt-in regions an account must enable first", async () => {
    const r = await synth({ regions: ["us-west-2", "eu-south-2"] });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: regions\[1\] eu-south-2 is an opt-in region: enable it for the account first/m);
    expect(r.stderr).not.toMatch(/regions\[0\] us-west-2 is an opt-in/);
  });
  it("under the cdktf CLI prints the summary on stdout (the CLI shows an app's stderr as errors and prints warnings itself)", async () => {
    const r = await synth(undefined, { env: { CDKTF_CONTEXT_JSON: "{}" } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^globalapp: synthesized 2 stack\(s\)/);
    expect(r.stdout).not.toMatch(/warning: https/);
  });
  it("leaves each stack folder holding exactly one configuration when switching between HCL and JSON (the exit route)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "globalapp-main-"));
    const stackDir = join(dir, "out", "stacks", "globalapp");
    const configs = () => readdirSync(stackDir).filter((f) => /^cdk\.tf(\.json)?$|^metadata\.json$/.test(f)).sort();
    expect((await synth(undefined, { dir })).code).toBe(0);
    expect(configs()).toEqual(["cdk.tf.json"]);
    const hcl = await synth(undefined, { dir, env: { SYNTH_HCL_OUTPUT: "true" } });
    expect(hcl.code).toBe(0);
    expect(configs()).toEqual(["cdk.tf", "metadata.json"]);
    expect(readFileSync(join(stackDir, "cdk.tf"), "utf8")).toMatch(/^resource "aws_lb"/m);
    expect(hcl.stderr).toMatch(/stacks\/globalapp\/cdk\.tf {2}\(\d+ resources\)/);
    expect((await synth(undefined, { dir })).code).toBe(0);
    expect(configs()).toEqual(["cdk.tf.json"]);
    // "1" means HCL too, and then the file is named for what it holds (cdktf alone would write HCL into cdk.tf.json)
    expect((await synth(undefined, { dir, env: { SYNTH_HCL_OUTPUT: "1" } })).code).toBe(0);
    expect(configs()).toEqual(["cdk.tf", "metadata.json"]);
    expect(() => JSON.parse(readFileSync(join(stackDir, "cdk.tf"), "utf8"))).toThrow();
  });
  it("runs your own function.entry, found beside the config file, behind every path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "globalapp-main-"));
    writeFileSync(join(dir, "api.ts"), 'export async function handler() { return { statusCode: 200, body: "mine" }; }\n');
    const r = await synth({ function: { entry: "api.ts" } }, { dir });
    expect([r.code, r.stderr]).toEqual([0, expect.not.stringMatching(/error/i)]);
    const tf = JSON.parse(readFileSync(join(r.outdir, "stacks", "globalapp", "cdk.tf.json"), "utf8"));
    expect(tf.resource.aws_lb_listener_rule).toBeUndefined();
  });
  it("refuses a function.entry that does not bundle in one line naming it, quoting esbuild, before writing a stack", async () => {
    const dir = mkdtempSync(join(tmpdir(), "globalapp-main-"));
    writeFileSync(join(dir, "api.ts"), 'import pad from "left-pad-not-installed";\nexport async function handler() { return { statusCode: 200, body: pad }; }\n');
    const r = await synth({ function: { entry: "api.ts" } }, { dir });
    // A config error, as in every program: exit 2.
    expect(r.code).toBe(2);
    const entry = join(dir, "api.ts");
    expect(r.stderr).toBe(`globalapp: function.entry = ${JSON.stringify(entry)}: imports "left-pad-not-installed", which is not in node_modules (npm install it): ${entry}:1:16: Could not resolve "left-pad-not-installed"\n`);
    expect(existsSync(join(r.outdir, "stacks", "globalapp", "cdk.tf.json"))).toBe(false);
  });
  it("warns what a change replaces or destroys, compared with the last synth", async () => {
    const dir = mkdtempSync(join(tmpdir(), "globalapp-main-"));
    expect((await synth({ regions: ["us-west-2", "eu-central-1", "ap-northeast-1"] }, { dir })).code).toBe(0);
    const changed = await synth({ regions: ["us-west-2", "eu-central-1"], alb: { internal: true } }, { dir });
    expect(changed.code).toBe(0);
    expect(changed.stderr).toMatch(/^warning: compared with the last synth, this replaces aws_lb\.backend-us-west-2_alb_\w+ \(internal: false → true\)$/m);
    expect(changed.stderr).toMatch(/^warning: compared with the last synth, this destroys \d+ resource\(s\) no longer in the configuration: .*aws_vpc\.backend-ap-northeast-1_network_vpc_\w+/m);
    expect(changed.stderr).toMatch(/^warning: compared with the last synth, this deletes aws_dynamodb_table\.global-table_\w+ \(replica ap-northeast-1\) \(ap-northeast-1 is no longer a replica region\) — the other regions keep the data/m);
    expect(changed.stderr).toMatch(/^warning: the last synth had a provider for ap-northeast-1 and this one has none: .*Keep "ap-northeast-1" in retiredRegions/m);
    const again = await synth({ regions: ["us-west-2", "eu-central-1"], alb: { internal: true } }, { dir });
    expect(again.stderr).not.toMatch(/compared with the last synth/);
  });
  it("in prod, says a change that would recreate replicas or replace the table is refused by prevent_destroy", async () => {
    const dir = mkdtempSync(join(tmpdir(), "globalapp-main-"));
    expect((await synth({ environment: "prod", table: { customerManagedKey: false } }, { dir })).code).toBe(0);
    const keys = await synth({ environment: "prod", tableName: "GlobalAppProd" }, { dir });
    expect(keys.stderr).toMatch(/^warning: compared with the last synth, this deletes and recreates aws_dynamodb_table\.global-table_\w+ \(replica eu-central-1\) \(kms_key_arn: unset → .*\) — DynamoDB copies the data back from the other regions; prevent_destroy cannot stop this/m);
    expect(keys.stderr).toMatch(/^warning: compared with the last synth, this replaces aws_dynamodb_table\.global-table_\w+ \(name: "GlobalApp" → "GlobalAppProd"\) — refused/m);
  });
});
