/**
 * `npm run test:aws`: the opt-in end-to-end test on a real AWS account. Never part of `npm test`.
 *
 *   1. refuses to start without explicit credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID with
 *      AWS_SECRET_ACCESS_KEY) AND explicit confirmation (GLOBALAPP_AWS_E2E=1 or --yes-really-deploy);
 *   2. deploys the `globalapp` stack under a unique prefix (appName `e2e-xxxxxx`, its own table name)
 *      with LOCAL state in a fresh temp dir, so it touches neither your state bucket nor cdktf.out;
 *   3. waits until the accelerator serves `/health`, then runs the failover drill against it
 *      (`npm run drill -- --target aws --json --yes --outputs <outputs file>`);
 *   4. ALWAYS destroys: in a finally block, also after Ctrl-C / SIGTERM / SIGHUP (the running cdktf
 *      or drill gets SIGINT and stops gracefully first), retrying once, then lists what the state
 *      still holds, if anything.
 *
 * Every command runs in its own process group and session (spawn `detached`), with its output
 * piped through this script to the terminal and to `<workdir>/e2e.log`. A terminal's Ctrl-C or
 * hang-up therefore reaches only this script, which decides: before the destroy it stops the
 * running command (SIGINT to its group) and destroys; during the destroy it ignores the signal, so
 * terraform is never cut off halfway and the destroy always finishes, even if the terminal is gone.
 *
 * Exit status: 0 all passed (a destroy that succeeded on its retry counts as passed), 1 a step
 * failed or something could not be removed (listed), 2 refused to start, 130 interrupted
 * (resources destroyed unless it says otherwise).
 */
import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { constants } from "node:os";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError, deepMerge, loadConfigFromProject, readOverrideFile } from "../model/config";
import { closestKey } from "../model/config/suggest";
// No construct imports at the top: the refusal path stays instant, the constructs load after it.

const ROOT = resolve(__dirname, "..");
const CONFIRM_FLAG = "--yes-really-deploy";

export const USAGE = `Usage: GLOBALAPP_AWS_E2E=1 AWS_PROFILE=<profile> npm run test:aws
   or: AWS_PROFILE=<profile> npm run test:aws -- ${CONFIRM_FLAG}

Deploys GlobalApp to the AWS account of those credentials under a unique prefix (local state in a
temp dir), runs the failover drill against it, and always destroys it again. It creates billable
resources (a Global Accelerator, one ALB, VPC and Lambda function per region, a DynamoDB global
table) for roughly 30-45 minutes: about US$0.10-0.25 with the default two regions (docs/testing.md,
"On real AWS"). GLOBALAPP_CONFIG, if set, is merged under the e2e settings.

Ctrl-C or closing the terminal stops the deploy or the drill and destroys; once the destroy runs
it is never interrupted (its output goes on in <workdir>/e2e.log).
`;

type Env = Readonly<Record<string, string | undefined>>;
const set = (v: string | undefined) => v !== undefined && v.trim() !== "";

/**
 * Why the e2e test must not start; empty when it may. Credentials must be named explicitly:
 * ambient ones (instance role, a default profile, SSO cache) never deploy by accident.
 */
export function refusalReasons(argv: readonly string[], env: Env): string[] {
  const reasons: string[] = [];
  const unknown = argv.filter((a) => a !== CONFIRM_FLAG);
  if (unknown.length > 0) {
    const guess = unknown.length === 1 ? closestKey(unknown[0].replace(/^-+/, ""), [CONFIRM_FLAG.slice(2), "help"]) : undefined;
    const hint = guess ? ` — did you mean --${guess}?` : "";
    reasons.push(`unknown argument(s): ${unknown.join(" ")}${hint} (the only one is ${CONFIRM_FLAG}; npm run test:aws -- --help)`);
  }
  if (!set(env.AWS_PROFILE) && !set(env.AWS_ACCESS_KEY_ID)) {
    reasons.push("no explicit AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  } else if (!set(env.AWS_PROFILE) && !set(env.AWS_SECRET_ACCESS_KEY)) {
    reasons.push("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
  }
  if (env.GLOBALAPP_AWS_E2E !== "1" && !argv.includes(CONFIRM_FLAG)) {
    reasons.push(`no confirmation: set GLOBALAPP_AWS_E2E=1 or pass ${CONFIRM_FLAG} (this deploys billable resources)`);
  }
  return reasons;
}

/** A unique, valid appName (2-16 chars): `e2e-` and 6 hex digits. */
export function uniquePrefix(bytes: Buffer = randomBytes(3)): string {
  return `e2e-${bytes.toString("hex")}`;
}

/**
 * The GLOBALAPP_CONFIG for the run: the user's override (if any) under the e2e settings, which
 * make every physical name unique, drop deletion protection, and keep state local in `workdir`.
 */
export async function e2eConfig(prefix: string, workdir: string, userOverride: unknown = {}): Promise<Record<string, unknown>> {
  return deepMerge(userOverride, {
    appName: prefix,
    environment: "dev",
    tableName: `${prefix}-items`,
    deletionProtection: false,
    accelerator: { name: prefix },
    state: { backend: "local", path: join(workdir, "terraform.tfstate") },
  }) as Record<string, unknown>;
}

/** Runs a command; resolves with its exit code (and stdout when captured). */
export type Runner = (
  cmd: string,
  args: readonly string[],
  options: { readonly env: NodeJS.ProcessEnv; readonly signal?: AbortSignal; readonly capture?: boolean },
) => Promise<{ code: number; stdout: string }>;

/** One step of the run and how it ended. */
export interface StepResult {
  readonly step: "deploy" | "wait" | "drill" | "destroy";
  readonly ok: boolean;
  readonly detail: string;
}

/** What a run leaves behind on purpose, whatever happens: printed after every run so nobody hunts for them. */
export const LEFT_BY_DESIGN: readonly string[] = [
  "service-linked roles AWSServiceRoleForElasticLoadBalancing, AWSServiceRoleForGlobalAccelerator and " +
    "AWSServiceRoleForDynamoDBReplication (created on first use, shared by every stack of the account, free)",
  "the table's PITR system backup: DynamoDB keeps a backup of a deleted table that had point-in-time " +
    "recovery on for 35 days (DynamoDB console → Backups)",
  "CloudWatch metrics of the run (they expire on their own, free)",
];

/** What {@link runE2E} needs from the outside world; tests replace the AWS-touching parts. */
export interface E2EOptions {
  readonly run: Runner;
  /** The cdktf stack to deploy and destroy (STACK_NAME, "globalapp"). */
  readonly stack: string;
  /** Working directory of this run (state, outputs, synth output, drill report). */
  readonly workdir: string;
  readonly prefix: string;
  /** Environment for the children: the caller's, with GLOBALAPP_CONFIG already pointing at the e2e config. */
  readonly env: NodeJS.ProcessEnv;
  /** Whether the drill exists in this checkout (drill/main.ts and an npm "drill" script). */
  readonly drillAvailable: boolean;
  /** Waits until the deployed accelerator serves; resolves with a description, rejects on timeout. */
  readonly waitForServing: (outputsFile: string, signal: AbortSignal) => Promise<string>;
  /** Where SIGINT/SIGTERM/SIGHUP arrive (process in real use). */
  readonly signals: Pick<NodeJS.EventEmitter, "on" | "removeListener">;
  readonly log: (line: string) => void;
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** How a run ended: its exit code, each step, and what the state still holds after the destroy. */
export interface E2EOutcome {
  readonly exitCode: number;
  readonly results: readonly StepResult[];
  /** Terraform addresses still in the state after the last destroy attempt; undefined when unknown. */
  readonly leftovers?: readonly string[];
}

/** deploy → wait → drill, then destroy whatever happened; the destroy retries once. */
export async function runE2E(o: E2EOptions): Promise<E2EOutcome> {
  const results: StepResult[] = [];
  const outdir = join(o.workdir, "cdktf.out");
  const outputsFile = join(o.workdir, "outputs.json");
  const cdktf = (command: "deploy" | "destroy", extra: string[] = []) => [
    "cdktf", command, o.stack, "--auto-approve", "--output", outdir, ...extra,
  ];
  const abort = new AbortController();
  let interrupted: string | undefined;
  let destroying = false;
  const onSignal = (sig: string) => {
    if (destroying) {
      o.log(`globalapp e2e: ${sig} ignored: destroy is running (state: ${join(o.workdir, "terraform.tfstate")})`);
      return;
    }
    interrupted ??= sig;
    o.log(`globalapp e2e: ${sig}: stopping, then destroying everything`);
    abort.abort();
  };
  for (const s of SIGNALS) o.signals.on(s, onSignal);

  let current: StepResult["step"] = "deploy";
  const upAndDrill = async (): Promise<void> => {
    o.log(`globalapp e2e: deploying ${o.stack} as "${o.prefix}" (state in ${o.workdir})`);
    const deploy = await o.run("npx", cdktf("deploy", ["--outputs-file", outputsFile]), { env: o.env, signal: abort.signal });
    results.push({ step: "deploy", ok: deploy.code === 0, detail: `cdktf deploy exited ${deploy.code}` });
    if (deploy.code !== 0 || interrupted) return;

    current = "wait";
    results.push({ step: "wait", ok: true, detail: await o.waitForServing(outputsFile, abort.signal) });
    if (interrupted) return;

    current = "drill";
    if (!o.drillAvailable) {
      results.push({ step: "drill", ok: false, detail: 'the drill is not in this checkout (drill/main.ts and the npm script "drill"): nothing to run against the deployment' });
      return;
    }
    const drill = await o.run("npm", ["run", "--silent", "drill", "--", "--target", "aws", "--json", "--yes", "--outputs", outputsFile], {
      env: o.env,
      signal: abort.signal,
      capture: true,
    });
    writeFileSync(join(o.workdir, "drill.json"), drill.stdout);
    results.push({ step: "drill", ok: drill.code === 0, detail: `drill exited ${drill.code}; report: ${join(o.workdir, "drill.json")}` });
  };

  try {
    await upAndDrill();
  } catch (err) {
    // Whatever failed (a step, a spawn, the wait), the destroy below still runs.
    results.push({ step: current, ok: false, detail: (err as Error).message });
  }

  destroying = true;
  // What the state still holds: `terraform state list` in the synthesized stack's directory (cdktf
  // ran init there). Undefined when it cannot tell (no state yet, no terraform).
  const stackDir = join(outdir, "stacks", o.stack);
  const listState = async (): Promise<string[] | undefined> => {
    const r = await o.run("terraform", [`-chdir=${stackDir}`, "state", "list"], { env: o.env, capture: true }).catch(() => undefined);
    return r && r.code === 0 ? r.stdout.split("\n").map((l) => l.trim()).filter(Boolean) : undefined;
  };
  let destroyed = false;
  let leftovers: string[] | undefined;
  const attempts: StepResult[] = [];
  for (let attempt = 1; attempt <= 2 && !destroyed; attempt++) {
    o.log(`globalapp e2e: destroying "${o.prefix}" (attempt ${attempt} of 2)`);
    const destroy = await o.run("npx", cdktf("destroy"), { env: o.env }).catch(() => ({ code: -1, stdout: "" }));
    leftovers = await listState();
    destroyed = destroy.code === 0 && (leftovers === undefined || leftovers.length === 0);
    const left = leftovers?.length ? `; ${leftovers.length} resource(s) still in the state` : "";
    attempts.push({ step: "destroy", ok: destroyed, detail: `cdktf destroy exited ${destroy.code}${left}${!destroyed && attempt === 1 ? " (retrying)" : ""}` });
  }
  results.push(...attempts);
  if (!destroyed) {
    o.log(
      `globalapp e2e: DESTROY FAILED: resources of "${o.prefix}" may still exist.` +
        (leftovers?.length ? ` Could not remove:\n${leftovers.map((a) => `  - ${a}`).join("\n")}\n` : "\n") +
        `Retry with:\n  GLOBALAPP_CONFIG=${o.env.GLOBALAPP_CONFIG} npx cdktf destroy ${o.stack} --output ${outdir}`,
    );
  }
  for (const s of SIGNALS) o.signals.removeListener(s, onSignal);
  // A destroy that failed once and then succeeded is a success: only the last attempt counts.
  const failed = results.filter((r) => r.step !== "destroy" && !r.ok).length > 0 || !destroyed;
  return { exitCode: interrupted ? 130 : failed ? 1 : 0, results, ...(leftovers ? { leftovers } : {}) };
}

/** Writes to a stream that may be gone (a closed terminal); the log file keeps everything. */
function writeQuietly(stream: NodeJS.WritableStream, data: Buffer | string): void {
  try {
    stream.write(data);
  } catch {
    // the terminal hung up: keep going
  }
}

/**
 * A runner that starts each command in a process group and session of its own (`detached`), so a
 * terminal's Ctrl-C (SIGINT to the foreground group) or hang-up (SIGHUP to the session) never
 * reaches cdktf or terraform: only this script gets them, and on abort it sends SIGINT to the
 * command's whole group (npx → cdktf → terraform) so terraform stops gracefully and writes its
 * state. Output is piped: to `echo` (stderr by default, while the terminal is still there; null: none)
 * and appended to `log`.
 */
export function spawnRunner(options: { readonly cwd: string; readonly log: string; readonly echo?: NodeJS.WritableStream | null }): Runner {
  const echo = options.echo === undefined ? process.stderr : options.echo;
  return (cmd, args, { env, signal, capture }) =>
    new Promise((resolvePromise, reject) => {
      const child = spawn(cmd, args, { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
      appendFileSync(options.log, `\n$ ${cmd} ${args.join(" ")}\n`);
      let stdout = "";
      const tee = (d: Buffer) => {
        if (echo) writeQuietly(echo, d);
        appendFileSync(options.log, d);
      };
      child.stdout.on("data", (d: Buffer) => {
        if (capture) stdout += d;
        tee(d);
      });
      child.stderr.on("data", tee);
      const stop = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGINT");
        } catch {
          // already gone
        }
      };
      signal?.addEventListener("abort", stop, { once: true });
      child.on("error", reject);
      child.on("close", (code, sig) => {
        signal?.removeEventListener("abort", stop);
        // A command killed by a signal exits like a shell reports it: 128 + the signal number.
        resolvePromise({ code: code ?? 128 + (sig ? constants.signals[sig] : 0), stdout });
      });
    });
}

/** Polls http://<accelerator_dns_name>/health until it answers 200 (a new accelerator takes minutes). */
async function waitForAccelerator(stack: string, outputsFile: string, signal: AbortSignal): Promise<string> {
  const outputs = JSON.parse(readFileSync(outputsFile, "utf8")) as Record<string, Record<string, unknown>>;
  const host = outputs[stack]?.accelerator_dns_name;
  if (typeof host !== "string") throw new Error(`no accelerator_dns_name in ${outputsFile}`);
  const url = `http://${host}/health`;
  const deadline = Date.now() + 15 * 60_000;
  while (Date.now() < deadline && !signal.aborted) {
    try {
      const res = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(5_000)]) });
      if (res.status === 200) return `${url} answered 200`;
    } catch {
      // not reachable yet: DNS and the accelerator's edge take a few minutes after creation
    }
    await new Promise((r) => setTimeout(r, 10_000));
  }
  throw new Error(signal.aborted ? "interrupted while waiting for the accelerator" : `${url} did not answer 200 within 15 minutes`);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(USAGE);
    return 0;
  }
  const reasons = refusalReasons(argv, process.env);
  if (reasons.length > 0) {
    process.stderr.write(`globalapp e2e: refusing to start:\n${reasons.map((r) => `  - ${r}`).join("\n")}\n\n${USAGE}`);
    return 2;
  }
  const workdir = mkdtempSync(join(tmpdir(), "globalapp-e2e-"));
  const prefix = uniquePrefix();
  const configFile = join(workdir, "globalapp-e2e.json");
  try {
    // The config the deploy will use, checked before anything is deployed: an invalid one is exit 2.
    const userOverride = process.env.GLOBALAPP_CONFIG ? readOverrideFile(process.env.GLOBALAPP_CONFIG) : {};
    writeFileSync(configFile, JSON.stringify(await e2eConfig(prefix, workdir, userOverride), null, 2));
    loadConfigFromProject(ROOT, { ...process.env, GLOBALAPP_CONFIG: configFile });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`globalapp e2e: refusing to start: ${err.message}\n`);
    return 2;
  }
  // Loaded here, not at the top: the refusal paths above stay fast. (A require: under the synth
  // runner a dynamic import() goes through Node's ESM resolver, which finds no extensionless path.)
  const { STACK_NAME } = require("../constructs/global-app-stack") as typeof import("../constructs/global-app-stack");
  // A closed terminal or pipe (writes to it fail asynchronously) is a hang-up: stop the deploy or the
  // drill, then destroy, as after SIGHUP. Later writes fail quietly; the log file keeps everything.
  const signals = new EventEmitter();
  for (const s of SIGNALS) process.on(s, () => signals.emit(s, s));
  const closed = (stream: string) => () => signals.emit("SIGHUP", `${stream} closed`);
  process.stderr.once("error", closed("stderr"));
  process.stdout.once("error", closed("stdout"));
  process.stderr.on("error", () => undefined);
  process.stdout.on("error", () => undefined);
  const log = join(workdir, "e2e.log");
  const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts?: Record<string, string> }).scripts ?? {};
  process.stderr.write(`globalapp e2e: "${prefix}" in ${workdir}; everything is also logged to ${log}\n`);
  const { exitCode, results, leftovers } = await runE2E({
    run: spawnRunner({ cwd: ROOT, log }),
    stack: STACK_NAME,
    workdir,
    prefix,
    env: { ...process.env, GLOBALAPP_CONFIG: configFile, CHECKPOINT_DISABLE: "1" },
    drillAvailable: existsSync(join(ROOT, "drill", "main.ts")) && typeof scripts.drill === "string",
    waitForServing: (file, signal) => waitForAccelerator(STACK_NAME, file, signal),
    signals,
    log: (line) => {
      writeQuietly(process.stderr, `${line}\n`);
      appendFileSync(log, `${line}\n`);
    },
  });
  const summary = [
    `\nglobalapp e2e "${prefix}" (${workdir}):`,
    ...results.map((r) => `  ${r.ok ? "ok  " : "FAIL"} ${r.step}: ${r.detail}`),
    ...(leftovers?.length ? ["  could not remove (still in the state):", ...leftovers.map((a) => `    - ${a}`)] : []),
    "  left behind by design:",
    ...LEFT_BY_DESIGN.map((l) => `    - ${l}`),
    `  exit ${exitCode}`,
  ].join("\n");
  writeQuietly(process.stderr, `${summary}\n`);
  appendFileSync(log, `${summary}\n`);
  return exitCode;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`globalapp e2e: ${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}
