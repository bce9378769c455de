import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
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
 */
const DEFAULT_MIRROR = "/opt/tf-plugins";

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
  const mirror = process.env.GLOBALAPP_TF_PROVIDER_MIRROR || (existsSync(DEFAULT_MIRROR) ? DEFAULT_MIRROR : undefined);
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
    const cache = process.env.GLOBALAPP_TF_PLUGIN_CACHE || join(homedir(), ".cache", "globalapp", "terraform-plugins");
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

/**
 * Copies a synthesized stack directory into a fresh working directory and replaces its backend
 * with a local one (backend_override.tf.json), so init/validate/test never need AWS.
 */
export function workdirFor(stackDir: string, label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `globalapp-tf-${label}-`));
  cpSync(stackDir, dir, { recursive: true });
  writeFileSync(join(dir, "backend_override.tf.json"), JSON.stringify({ terraform: { backend: { local: {} } } }, null, 2));
  return dir;
}

/** Result of one terraform command. */
export type TfRun = CliRun;

/** Runs terraform asynchronously (so several stacks can work in parallel). */
export function runTerraform(tf: TerraformCli, cwd: string, args: string[]): Promise<TfRun> {
  return runProcess(tf.bin, [...args, "-no-color"], { cwd, env: tf.env });
}

/** `terraform init` for validate/test: no backend, providers from the mirror or cache. */
export async function initWorkdir(tf: TerraformCli, dir: string): Promise<void> {
  const res = await runTerraform(tf, dir, ["init", "-backend=false", "-input=false"]);
  if (res.code !== 0) throw new Error(`terraform init failed in ${dir}:\n${res.stdout}\n${res.stderr}`);
}

/**
 * One `terraform init` for many working directories that need the same providers: a seed directory
 * holding only `required_providers` is initialized, and each directory links its `.terraform` and
 * copies its lock file. A directory whose configuration is broken then fails its own validate, not
 * the init every other directory depends on.
 */
export async function initShared(tf: TerraformCli, requiredProviders: unknown, dirs: readonly string[]): Promise<void> {
  const seed = mkdtempSync(join(tmpdir(), "globalapp-tf-providers-"));
  writeFileSync(join(seed, "providers.tf.json"), JSON.stringify({ terraform: { required_providers: requiredProviders } }));
  await initWorkdir(tf, seed);
  for (const dir of dirs) {
    symlinkSync(join(seed, ".terraform"), join(dir, ".terraform"), "dir");
    copyFileSync(join(seed, ".terraform.lock.hcl"), join(dir, ".terraform.lock.hcl"));
  }
}

/** One diagnostic of `terraform validate -json`. */
export interface TfDiagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail?: string;
  readonly range?: { readonly filename: string; readonly start: { readonly line: number } };
}

/** `terraform validate -json` in `dir`: whether it is valid and what it said. */
export async function validateJson(tf: TerraformCli, dir: string): Promise<{ valid: boolean; diagnostics: TfDiagnostic[] }> {
  const res = await runTerraform(tf, dir, ["validate", "-json"]);
  try {
    return JSON.parse(res.stdout) as { valid: boolean; diagnostics: TfDiagnostic[] };
  } catch {
    throw new Error(`terraform validate in ${dir} printed no JSON (exit ${res.code}):\n${res.stdout}\n${res.stderr}`);
  }
}

/** Runs `work` over `items`, at most `limit` at a time (terraform processes are heavy on 2 cores). */
export async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
