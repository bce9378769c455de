import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { type CliRun, runProcess } from "./cli";

/**
 * Real Terraform for the tests, offline where a provider mirror exists and online elsewhere.
 *
 * - GLOBALAPP_TF_PROVIDER_MIRROR: a filesystem mirror (unpacked layout) holding hashicorp/aws 5.100.0.
 *   Default: /opt/tf-plugins when it exists. With a mirror, hashicorp providers come only from it.
 * - Without a mirror, Terraform downloads the provider once into a shared plugin cache
 *   (GLOBALAPP_TF_PLUGIN_CACHE, default ~/.cache/globalapp/terraform-plugins).
 * - TERRAFORM_BINARY: the terraform executable. Default: `terraform` on PATH.
 *
 * Every command but `init` attaches to one aws provider process shared by the whole run
 * (global-setup.ts starts it; see terraform-provider-server.cjs) when the provider binary is in the
 * mirror or the plugin cache; GLOBALAPP_TF_SHARED_PROVIDER=0 turns that off.
 */
const DEFAULT_MIRROR = "/opt/tf-plugins";

/** The provider mirror in use, if any. */
function providerMirror(): string | undefined {
  return process.env.GLOBALAPP_TF_PROVIDER_MIRROR || (existsSync(DEFAULT_MIRROR) ? DEFAULT_MIRROR : undefined);
}

/** The plugin cache used without a mirror. */
function pluginCache(): string {
  return process.env.GLOBALAPP_TF_PLUGIN_CACHE || join(homedir(), ".cache", "globalapp", "terraform-plugins");
}

/**
 * The aws provider executable the stacks use (the version @cdktf/provider-aws is generated for), from
 * the mirror or the plugin cache (both use the unpacked layout); undefined when neither has it yet.
 */
export function awsProviderBinary(): string | undefined {
  const binding = JSON.parse(readFileSync(require.resolve("@cdktf/provider-aws/package.json"), "utf8")) as { cdktf: { provider: { name: string; version: string } } };
  const { name, version } = binding.cdktf.provider;
  const arch = ({ x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" } as Record<string, string>)[process.arch] ?? process.arch;
  for (const root of [providerMirror(), pluginCache()]) {
    if (!root) continue;
    const dir = join(root, name, version, `${process.platform}_${arch}`);
    const file = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith("terraform-provider-aws")) : undefined;
    if (file) return join(dir, file);
  }
  return undefined;
}

/** How to run terraform here. */
export interface TerraformCli {
  readonly bin: string;
  readonly env: NodeJS.ProcessEnv;
  readonly version: string;
  /** The mirror in use, if any. */
  readonly mirror?: string;
}

let cached: TerraformCli | null | undefined;

/** Finds terraform and writes a CLI config for it; `null` when there is no terraform binary. */
export function terraformCli(): TerraformCli | null {
  if (cached !== undefined) return cached;
  const bin = process.env.TERRAFORM_BINARY || "terraform";
  const probe = spawnSync(bin, ["version", "-json"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  if (probe.error || probe.status !== 0) {
    cached = null;
    return cached;
  }
  const version = (JSON.parse(probe.stdout) as { terraform_version: string }).terraform_version;
  const dir = mkdtempSync(join(tmpdir(), "globalapp-tfcli-"));
  const mirror = providerMirror();
  const cliConfig = join(dir, "terraform.rc");
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
  if (mirror) {
    writeFileSync(
      cliConfig,
      [
        "provider_installation {",
        "  filesystem_mirror {",
        `    path    = ${JSON.stringify(mirror)}`,
        '    include = ["registry.terraform.io/hashicorp/*"]',
        "  }",
        "  direct {",
        '    exclude = ["registry.terraform.io/hashicorp/*"]',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  } else {
    const cache = pluginCache();
    mkdirSync(cache, { recursive: true });
    writeFileSync(cliConfig, `plugin_cache_dir = ${JSON.stringify(cache)}\n`);
  }
  env.TF_CLI_CONFIG_FILE = cliConfig;
  cached = { bin, env, version, mirror };
  return cached;
}

/**
 * `describe` when terraform is available; otherwise a visible skip — except under CI=true, where a
 * missing terraform is a failure, never a silent pass.
 */
export function describeWithTerraform(name: string, fn: (tf: TerraformCli) => void): void {
  const tf = terraformCli();
  if (tf) {
    describe(name, () => fn(tf));
    return;
  }
  if (process.env.CI === "true") {
    describe(name, () => {
      it("needs terraform (CI=true: a missing terraform binary is a failure)", () => {
        throw new Error("terraform not found: install Terraform >= 1.10 or set TERRAFORM_BINARY");
      });
    });
    return;
  }
  process.stderr.write(`\n[globalapp] SKIPPED "${name}": no terraform binary (set TERRAFORM_BINARY or install Terraform >= 1.10)\n`);
  describe.skip(`${name} (SKIPPED: terraform not installed)`, () => fn(undefined as never));
}

/** Result of one terraform command. */
export type TfRun = CliRun;

let shared: Promise<NodeJS.ProcessEnv> | undefined;

/**
 * TF_REATTACH_PROVIDERS for the run's shared aws provider, once it listens (global-setup.ts writes
 * where to find it); nothing when there is none, and nothing (with a note) when it failed to start.
 */
export function sharedProviderEnv(): Promise<NodeJS.ProcessEnv> {
  shared ??= (async () => {
    const file = process.env.GLOBALAPP_TF_PROVIDER_SERVER;
    if (!file) return {};
    // A give-up limit, not a measurement: the provider takes a few seconds to start, far more on a loaded machine.
    const limit = Date.now() + 180_000;
    for (;;) {
      let body: { reattach?: string; error?: string } | undefined;
      try {
        body = JSON.parse(readFileSync(file, "utf8")) as { reattach?: string; error?: string };
      } catch {
        // Not written yet.
      }
      if (body?.reattach) return { TF_REATTACH_PROVIDERS: body.reattach };
      if (body?.error || Date.now() > limit) {
        process.stderr.write(`\n[globalapp] terraform starts its own aws provider: the shared one did not start (${body?.error ?? "no answer in 180 s"})\n`);
        return {};
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return shared;
}

/**
 * Runs terraform asynchronously (so several stacks can work in parallel). `init` installs and locks
 * the provider as a user's init does; every other command attaches to the shared provider, if any.
 */
export async function runTerraform(tf: TerraformCli, cwd: string, args: string[]): Promise<TfRun> {
  const env = args[0] === "init" ? tf.env : { ...tf.env, ...(await sharedProviderEnv()) };
  return runProcess(tf.bin, [...args, "-no-color"], { cwd, env });
}

/** `terraform init` for validate/test: no backend, providers from the mirror or cache. */
export async function initWorkdir(tf: TerraformCli, dir: string): Promise<void> {
  const res = await runTerraform(tf, dir, ["init", "-backend=false", "-input=false"]);
  if (res.code !== 0) throw new Error(`terraform init failed in ${dir}:\n${res.stdout}\n${res.stderr}`);
}

/** One diagnostic of `terraform validate -json`. */
export interface TfDiagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail?: string;
  readonly range?: { readonly filename: string; readonly start: { readonly line: number } };
}

/** `terraform validate -json` in `dir`: whether it is valid and what it said. */
export async function validateJson(tf: TerraformCli, dir: string, extra: readonly string[] = []): Promise<{ valid: boolean; diagnostics: TfDiagnostic[] }> {
  const res = await runTerraform(tf, dir, ["validate", "-json", ...extra]);
  try {
    return JSON.parse(res.stdout) as { valid: boolean; diagnostics: TfDiagnostic[] };
  } catch {
    throw new Error(`terraform validate in ${dir} printed no JSON (exit ${res.code}):\n${res.stdout}\n${res.stderr}`);
  }
}

/** Terraform's warning for a backend block outside the root module: by design when a stack is validated as a module. */
const CHILD_BACKEND_WARNING = "Backend configuration ignored";

/**
 * `terraform validate` of several configurations in one command: each directory becomes a module of
 * one root (linked, not copied), so the provider's schema is loaded once for all of them. Returns
 * the diagnostics of each directory's files (one without a file counts against each), and whether
 * the whole root is valid. A configuration's backend block is ignored in a module (and would be in
 * `init -backend=false`); terraform's warning saying so is left out.
 */
export async function validateAsModules(tf: TerraformCli, dirs: readonly string[]): Promise<{ valid: boolean; diagnostics: TfDiagnostic[][] }> {
  const root = mkdtempSync(join(tmpdir(), "globalapp-tf-modules-"));
  const names = dirs.map((_, i) => `m${i}`);
  dirs.forEach((dir, i) => symlinkSync(dir, join(root, names[i]), "dir"));
  writeFileSync(join(root, "main.tf.json"), JSON.stringify({ module: Object.fromEntries(names.map((n) => [n, { source: `./${n}` }])) }));
  await initWorkdir(tf, root);
  const report = await validateJson(tf, root, ["-no-tests"]);
  const kept = report.diagnostics.filter((d) => d.summary !== CHILD_BACKEND_WARNING);
  return {
    valid: report.valid,
    diagnostics: names.map((n) => kept.filter((d) => !d.range || d.range.filename.split("/").includes(n))),
  };
}

/** A synthesized stack to check: its directory, and the .tftest.hcl that applies it with mock providers. */
export interface StackCase {
  readonly name: string;
  /** The stack's synthesized directory (cdk.tf.json and its assets); copied, never changed. */
  readonly dir: string;
  /** The test file; each of its run blocks applies this stack. */
  readonly testFile: string;
}

/** One message of `terraform test -json` about a test file. */
interface TestMessage {
  readonly type: string;
  readonly "@testfile"?: string;
  readonly "@testrun"?: string;
  readonly "@message": string;
  readonly test_run?: { readonly run: string; readonly progress: string; readonly status?: string };
  readonly test_file?: { readonly progress: string; readonly status?: string };
  readonly diagnostic?: { readonly severity: string; readonly summary: string; readonly detail?: string };
}

/** What terraform said about one stack: validate's diagnostics in its files, and its test file's outcome. */
export interface StackCheck {
  /** `terraform validate` diagnostics whose file is this stack's. */
  readonly validate: TfDiagnostic[];
  /** The test file's status: pass, fail or error (its teardown included). */
  readonly testStatus: string | undefined;
  /** Each run block's status. */
  readonly runs: Readonly<Record<string, string>>;
  /** The test file's diagnostics and messages (errors of its runs and of its teardown), as text. */
  readonly testOutput: string;
}

/**
 * Checks several synthesized stacks with two terraform commands instead of two per stack: one
 * `terraform validate` of a root that holds every stack as a module (the provider's schema is loaded
 * once for all of them), and one `terraform test` of a directory holding each stack's test file,
 * whose run blocks apply that stack (`module { source = … }`). Each stack keeps its own test file,
 * state and teardown; the JSON output names the file each message is about.
 */
export async function checkStacks(tf: TerraformCli, cases: readonly StackCase[]): Promise<{ checks: Map<string, StackCheck>; testSummary: string }> {
  const root = mkdtempSync(join(tmpdir(), "globalapp-tf-stacks-"));
  const names = cases.map((_, i) => `s${i}`);
  let requiredProviders: unknown;
  cases.forEach((c, i) => {
    const dir = join(root, names[i]);
    cpSync(c.dir, dir, { recursive: true });
    // Each run applies its stack with the test's own state: the stack's backend plays no part.
    const file = join(dir, "cdk.tf.json");
    const tfJson = JSON.parse(readFileSync(file, "utf8")) as { terraform: Record<string, unknown> };
    requiredProviders ??= tfJson.terraform.required_providers;
    delete tfJson.terraform.backend;
    delete tfJson.terraform.cloud;
    writeFileSync(file, JSON.stringify(tfJson));
    rmSync(join(dir, "backend_override.tf.json"), { force: true });
  });
  const testDir = join(root, "test");
  mkdirSync(testDir);
  writeFileSync(join(testDir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: requiredProviders } }));
  cases.forEach((c, i) => {
    const module = `  module {\n    source = "../${names[i]}"\n  }\n`;
    writeFileSync(join(testDir, `${names[i]}.tftest.hcl`), c.testFile.replace(/^(run "[^"]+" \{\n)/gm, `$1${module}`));
  });
  const [validated, tested] = await Promise.all([
    validateAsModules(tf, names.map((n) => join(root, n))),
    initWorkdir(tf, testDir).then(() => runTerraform(tf, testDir, ["test", "-json"])),
  ]);

  const messages = tested.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as TestMessage);
  const summary = messages.find((m) => m.type === "test_summary")?.["@message"] ?? `no test summary (exit ${tested.code}): ${tested.stderr}`;
  const checks = new Map<string, StackCheck>();
  cases.forEach((c, i) => {
    const testFile = `${names[i]}.tftest.hcl`;
    const mine = messages.filter((m) => m["@testfile"] === testFile);
    const runs: Record<string, string> = {};
    for (const m of mine) if (m.type === "test_run" && m.test_run?.progress === "complete") runs[m.test_run.run] = m.test_run.status ?? "";
    const lines = mine
      .filter((m) => m.diagnostic || m.type === "test_cleanup")
      .map((m) => (m.diagnostic ? `${m.diagnostic.severity}: ${m.diagnostic.summary}: ${m.diagnostic.detail ?? ""}` : m["@message"]));
    checks.set(c.name, {
      validate: validated.diagnostics[i],
      testStatus: mine.find((m) => m.type === "test_file" && m.test_file?.progress === "complete")?.test_file?.status,
      runs,
      testOutput: lines.join("\n"),
    });
  });
  return { checks, testSummary: summary };
}
