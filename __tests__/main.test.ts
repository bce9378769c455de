import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * `npm run synth` end to end: main.ts in a child process (tests never import it), with
 * GLOBALAPP_CONFIG files, writing into a temp CDKTF_OUTDIR. The bad configs from the issue
 * must exit non-zero and name the offending key or value.
 */
const ROOT = join(__dirname, "..");
/** The exact command of `npm run synth` (package.json), run with this node. */
const SYNTH_SCRIPT = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { synth: string } }).scripts.synth;
const SYNTH_ARGS = SYNTH_SCRIPT.split(" ").slice(1);

function synth(config?: unknown): Promise<{ code: number; stderr: string; outdir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "globalapp-main-"));
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: join(dir, "out"), CHECKPOINT_DISABLE: "1" };
  delete env.GLOBALAPP_CONFIG;
  if (config !== undefined) {
    env.GLOBALAPP_CONFIG = join(dir, "config.json");
    writeFileSync(env.GLOBALAPP_CONFIG, JSON.stringify(config));
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, SYNTH_ARGS, { cwd: ROOT, env });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code: code ?? -1, stderr, outdir: join(dir, "out") }));
  });
}

const BAD: Array<[unknown, RegExp]> = [
  [{ regions: ["us-west-2", "mars-north-1"] }, /regions\[1\] = "mars-north-1": unknown AWS region/],
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
    expect(good.stderr).toBe("");
    expect(good.code).toBe(0);
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
  it.each(BAD.map(([c, m], i) => [JSON.stringify(c), m, i] as const))("rejects %s with a non-zero exit naming the key", (_c, message, i) => {
    expect(results[i].code).toBe(1);
    expect(results[i].stderr).toMatch(/^globalapp: invalid GlobalApp config:/);
    expect(results[i].stderr).toMatch(message);
    expect(results[i].stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(results[i].outdir, "stacks"))).toBe(false);
  });
});
