/**
 * GlobalApp as a library: a tiny cdktf app of its own (fixture/app.ts) imports the stack from the
 * package's entry point ("globalapp", package.json `exports` → index.ts), as another project would,
 * and synthesizes in a process of its own; the test reads what it wrote.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT, runProcess, type CliRun } from "../support/cli";
import type { TerraformJson } from "../support/synth";
import { relativeSpecifiers } from "../support/imports";

const FIXTURE = join(__dirname, "fixture", "app.ts");

describe("GlobalApp from another cdktf app", () => {
  const outdir = join(mkdtempSync(join(tmpdir(), "globalapp-library-")), "out");
  let run: CliRun;
  let tf: TerraformJson;

  beforeAll(async () => {
    run = await runProcess(process.execPath, ["-r", join(PROJECT_ROOT, "scripts", "ts-register.cjs"), FIXTURE, outdir], {
      cwd: join(__dirname, "fixture"),
      env: { ...process.env, GLOBALAPP_CONFIG: "", CHECKPOINT_DISABLE: "1" },
    });
    if (run.code === 0) tf = JSON.parse(readFileSync(join(outdir, "stacks", "notes-api", "cdk.tf.json"), "utf8")) as TerraformJson;
  }, 60_000);

  it("imports only the package's entry point", () => {
    const source = readFileSync(FIXTURE, "utf8");
    expect(source).toMatch(/from "globalapp"/);
    expect(relativeSpecifiers(source)).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { name: string; main: string; types: string; exports: Record<string, string> };
    expect(pkg).toMatchObject({ name: "globalapp", main: "index.ts", types: "index.ts", exports: { ".": "./index.ts" } });
  });

  it("synthesizes its own stack under its own name", () => {
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(tf.resource.aws_lb).toBeDefined();
  });

  it("builds what its props say, every other key at GlobalApp's defaults", () => {
    expect(tf.provider.aws.map((p) => p.alias).sort()).toEqual(["eu-west-1", "us-east-1", "us-west-2"]);
    const table = Object.values(tf.resource.aws_dynamodb_table)[0];
    expect(table).toMatchObject({ name: "Notes", hash_key: "item_id" });
    expect(Object.values(tf.resource.aws_lb).map((lb) => lb.name)).toEqual(["notes-dev", "notes-dev"]);
    expect(tf.terraform.backend).toEqual({ local: { path: "../../../terraform.notes-dev.tfstate" } });
    expect(Object.values(tf.resource.aws_lb_target_group).map((g) => (g.health_check as { path: string }).path)).toEqual(["/health", "/health"]);
  });

  it("runs its own function behind every path, with its variables", () => {
    expect(tf.resource.aws_lb_listener_rule).toBeUndefined();
    for (const listener of Object.values(tf.resource.aws_lb_listener)) expect(listener.default_action).toEqual([expect.objectContaining({ type: "forward" })]);
    const fns = Object.values(tf.resource.aws_lambda_function).filter((f) => String(f.function_name).endsWith("-get"));
    expect(fns.map((f) => (f.environment as { variables: Record<string, string> }).variables.NOTES_MAX_TEXT_BYTES)).toEqual(["2000", "2000"]);
  });
});
