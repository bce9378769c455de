/**
 * Every program, run as its npm script runs it, in a child process on real pipes and signals
 * (docs/programs.md): one exit-status table; a closed output or a signal ends a program quietly and
 * promptly, with nothing it started left running; arguments, the config and explicitly named
 * targets are checked before anything starts.
 *
 * Leftovers are found by a marker in the environment that every descendant inherits (worker
 * threads share the process; child processes, detached or not, carry the marker).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../lib/project";

const SCRIPTS = (JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
/** The file an npm script runs (`node -r ./scripts/ts-register.cjs <file>`), or a file given as such. */
const fileOf = (script: string) => (script.endsWith(".ts") ? script : SCRIPTS[script].split(" ").pop()!);

/** A program running in a child process, with what it printed so far. */
interface Running {
  readonly child: ChildProcess;
  readonly marker: string;
  stdout: string;
  stderr: string;
  /** Resolves with the exit status (128 + n when a signal n ended it, as a shell reports it). */
  readonly exited: Promise<number>;
}

/**
 * Starts npm script `script` (or a .ts file) with `args`; `mergeOutput` runs it as `… 2>&1` (one pipe for both,
 * as `npm run drill 2>&1 | head -3` does).
 */
function start(script: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; mergeOutput?: boolean } = {}): Running {
  const marker = `GLOBALAPP_TEST_RUN=${randomBytes(6).toString("hex")}`;
  const [name, value] = marker.split("=");
  const env = { ...process.env, GLOBALAPP_CONFIG: "", CHECKPOINT_DISABLE: "1", ...options.env, [name]: value };
  const argv = ["-r", "./scripts/ts-register.cjs", fileOf(script), ...args];
  const child = options.mergeOutput
    ? spawn("sh", ["-c", `exec "$0" "$@" 2>&1`, process.execPath, ...argv], { cwd: PROJECT_ROOT, env })
    : spawn(process.execPath, argv, { cwd: PROJECT_ROOT, env });
  const running: Running = {
    child,
    marker,
    stdout: "",
    stderr: "",
    exited: new Promise((resolve) => child.on("close", (code, signal) => resolve(code ?? 128 + (signal === "SIGKILL" ? 9 : 0)))),
  };
  child.stdout!.on("data", (d) => (running.stdout += d));
  child.stderr!.on("data", (d) => (running.stderr += d));
  // The pipe is closed under a program that still writes: that is the point, not an error here.
  child.stdout!.on("error", () => undefined);
  return running;
}

/** Runs a program to its end. */
async function run(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = start(script, args, { env });
  const code = await r.exited;
  return { code, stdout: r.stdout, stderr: r.stderr };
}

/** Resolves once `test` holds for what the program printed; rejects if it exits first. */
async function until(r: Running, what: string, test: (r: Running) => boolean): Promise<void> {
  let exited = false;
  void r.exited.then(() => (exited = true));
  while (!test(r)) {
    if (exited) throw new Error(`exited before ${what}:\n${r.stdout}\n${r.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Processes still running that carry `marker` in their environment (the program's, and all it started). */
function carrying(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(marker)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return pids;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `each` over `items`, two at a time: the machine has two cores, and other suites run beside this one. */
async function twoAtATime<T, R>(items: readonly T[], each: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += 2) results.push(...(await Promise.all(items.slice(i, i + 2).map(each))));
  return results;
}

/** A stack trace, or an EPIPE someone did not handle. */
const NOISE = /EPIPE|\n\s+at |uncaught|unhandled/i;

const dir = mkdtempSync(join(tmpdir(), "globalapp-programs-"));
const INVALID = join(dir, "invalid.json");
writeFileSync(INVALID, JSON.stringify({ regions: ["us-west-2", "eu-central-l"] }));

describe("an invalid config is a usage error (exit 2) in every program, naming the key", () => {
  const PROGRAMS: [string, string[], NodeJS.ProcessEnv][] = [
    ["synth", [], {}],
    ["local", [], {}],
    ["drill", ["--target", "local"], {}],
    ["shift", ["--target", "local", "--region", "us-west-2", "--dial", "0"], {}],
    ["cost", [], {}],
    ["iam", ["--role", "deploy"], {}],
    ["screenshots", [], {}],
    // Credentials and confirmation given, so only the config can refuse it; without a PATH it could not deploy anyway.
    ["test:aws", [], { AWS_PROFILE: "nobody", GLOBALAPP_AWS_E2E: "1", PATH: "/nonexistent" }],
  ];
  let results: { code: number; stderr: string }[];
  beforeAll(async () => {
    results = await twoAtATime(PROGRAMS, ([script, args, env]) => run(script, args, { GLOBALAPP_CONFIG: INVALID, ...env }));
  }, 120_000);

  it.each(PROGRAMS.map(([script], i) => [script, i] as const))("%s", (_script, i) => {
    expect(results[i].stderr).toMatch(/regions\[1\] = "eu-central-l": unknown AWS region — did you mean eu-central-1\?/);
    expect(results[i].stderr).not.toMatch(NOISE);
    expect(results[i].code).toBe(2);
  });
});

describe("an unknown option gets the option it most likely meant and points to --help (exit 2)", () => {
  const CASES: [string, string, string][] = [
    ["local", "--trafic", "--traffic"],
    ["drill", "--sead", "--seed"],
    ["shift", "--min-dail", "--min-dial"],
    ["cost", "--hour", "--hours"],
    ["iam", "--rol", "--role"],
    ["bench", "--quik", "--quick"],
    ["screenshots", "--outt", "--out"],
    ["docs", "--chek", "--check"],
    ["iam:operations", "--binry", "--binary"],
    ["test:aws", "--yes-realy-deploy", "--yes-really-deploy"],
  ];
  let results: { code: number; stderr: string }[];
  beforeAll(async () => {
    results = await twoAtATime(CASES, ([script, typo]) => run(script, [typo]));
  }, 120_000);

  it.each(CASES.map(([script, typo, meant], i) => [script, typo, meant, i] as const))("%s %s: did you mean %s?", (script, typo, meant, i) => {
    expect(results[i].stderr).toContain(`${typo} — did you mean ${meant}?`);
    expect(results[i].stderr).toContain(`npm run ${script} -- --help`);
    expect(results[i].code).toBe(2);
  });
});

describe("arguments are checked before anything starts (exit 2)", () => {
  const CASES: [string, string[], RegExp][] = [
    ["shift", ["--target", "local", "--region", "us-west-3", "--dial", "0"], /--region "us-west-3" is not an AWS region code — did you mean us-west-1\?/],
    ["shift", ["--target", "local", "--fresh", "--region", "ap-south-1", "--dial", "0"], /--region must be one of us-west-2, eu-central-1, got "ap-south-1"/],
    ["shift", ["--target", "local", "--region", "us-west-2", "--weight", "0", "--min-dial", "10"], /--min-dial applies to --dial only/],
    ["shift", ["--target", "local", "--region", "us-west-2", "--dial", "5", "--min-dial", "10"], /--dial 5 is below --min-dial 10/],
    ["local", ["--client-region", "mars-1"], /--client-region "mars-1" is not an AWS region code/],
    ["local", ["--client-region", "eu-central-l"], /did you mean eu-central-1\?/],
    ["local", ["--log-level", "LOUD"], /--log-level must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT/],
    ["drill", ["--target", "aws", "--port", "8080"], /--port applies to --target local only/],
    ["drill", ["--target", "local", "--outputs", "x.json"], /--outputs applies to --target aws only/],
    ["drill", ["--target", "local", "--admin", "http://127.0.0.1:8081", "--fresh"], /--admin names a running system; --fresh is for a system started for you/],
    ["drill", ["--target", "local", "--admin", "localhost:8081"], /--admin must be an http:\/\/ or https:\/\/ URL/],
    ["drill", ["--target", "local", "--dns-port", "70000"], /--dns-port must be an integer 0-65535/],
  ];
  let results: { code: number; stderr: string }[];
  beforeAll(async () => {
    results = await twoAtATime(CASES, ([script, args]) => run(script, args));
  }, 120_000);

  it.each(CASES.map(([script, args, message], i) => [`${script} ${args.join(" ")}`, message, i] as const))("%s: %s", (_name, message, i) => {
    expect(results[i].stderr).toMatch(message);
    expect(results[i].stderr).not.toMatch(/started a local system|GlobalApp local —/);
    expect(results[i].code).toBe(2);
  });
});

describe("a target named explicitly must answer (exit 2, naming it); nothing else is run instead", () => {
  it("drill and shift --admin URL with nothing listening there", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const [drill, shift] = await Promise.all([
      run("drill", ["--target", "local", "--admin", url]),
      run("shift", ["--target", "local", "--admin", url, "--region", "us-west-2", "--dial", "0"]),
    ]);
    for (const r of [drill, shift]) {
      expect(r.stderr).toContain(`--admin ${url}: no local system's admin API answers there (ECONNREFUSED)`);
      expect(r.stderr).not.toMatch(/started a local system/);
      expect(r.code).toBe(2);
    }
  }, 60_000);

  it("drill and shift --target aws --url URL with nothing listening there, before any AWS call", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const outputs = join(dir, "outputs.json");
    writeFileSync(outputs, JSON.stringify({ alb_dns_names: { value: { "us-west-2": "a", "eu-central-1": "b" } }, function_names: { value: { "us-west-2": "f", "eu-central-1": "g" } } }));
    // No credentials and no network: were an AWS call made, it would fail otherwise (exit 1).
    const env = { AWS_ACCESS_KEY_ID: "", AWS_PROFILE: "", AWS_EC2_METADATA_DISABLED: "true" };
    const [drill, shift] = await Promise.all([
      run("drill", ["--target", "aws", "--yes", "--outputs", outputs, "--url", url], env),
      run("shift", ["--target", "aws", "--yes", "--outputs", outputs, "--url", url, "--region", "us-west-2", "--dial", "0"], env),
    ]);
    for (const r of [drill, shift]) {
      expect(r.stderr).toContain(`--url ${url}: nothing answers there (ECONNREFUSED)`);
      expect(r.code).toBe(2);
    }
  }, 60_000);
});

describe("the ports of a system a program starts: free ones by default, or the ones given, printed on stderr", () => {
  it("npm run shift -- --target local --dry-run --port P --admin-port Q: the plan, nothing changed", async () => {
    const [port, adminPort] = [await closedPort(), await closedPort()];
    const r = await run("shift", ["--target", "local", "--port", String(port), "--admin-port", String(adminPort), "--time-scale", "0.05", "--region", "us-west-2", "--dial", "0", "--step", "50", "--dry-run", "--json"]);
    expect(r.stderr).toContain(`started a local system for the shift at http://127.0.0.1:${port} (admin http://127.0.0.1:${adminPort})`);
    expect(r.stderr).toContain("would set the local us-west-2 endpoint group's dial 100 → 50 → 0");
    expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: true, ok: true, plan: [50, 0], final: 100, steps: [], requests: 0 });
    expect(r.code).toBe(0);
  }, 90_000);

  it("npm run drill -- --target local --dns-port P --compare: the DNS port too", async () => {
    const dnsPort = await closedPort();
    const r = start("drill", ["--target", "local", "--dns-port", String(dnsPort), "--compare", "--time-scale", "0.05"]);
    await until(r, "the system's ports", (x) => /started a local system/.test(x.stderr));
    r.child.kill("SIGTERM");
    expect(await r.exited).toBe(143);
    expect(r.stderr).toMatch(new RegExp(`started a local system for the drill at http://127\\.0\\.0\\.1:\\d+ \\(admin http://127\\.0\\.0\\.1:\\d+, DNS 127\\.0\\.0\\.1:${dnsPort}\\)`));
    expect(carrying(r.marker)).toEqual([]);
  }, 90_000);

  it("bench/local.ts --port P (npm run bench passes its --port on): the benchmark's system on it", async () => {
    const port = await closedPort();
    const r = start("bench/local.ts", ["--quick", "--port", String(port)]);
    await until(r, "the system's ports", (x) => /local system: accelerator/.test(x.stderr));
    r.child.kill("SIGTERM");
    expect(await r.exited).toBe(143);
    expect(r.stderr).toContain(`[bench/local] local system: accelerator http://127.0.0.1:${port}`);
    expect(carrying(r.marker)).toEqual([]);
  }, 90_000);
});

describe("a closed output ends a program quietly and promptly, and it leaves nothing running", () => {
  it("npm run -s drill -- --target local --time-scale 0.1 | head -2", async () => {
    const r = start("drill", ["--target", "local", "--time-scale", "0.1"]);
    await until(r, "two lines on stdout", (x) => x.stdout.split("\n").length > 2);
    r.child.stdout!.destroy();
    expect(await r.exited).toBe(141);
    expect(r.stderr).not.toMatch(NOISE);
    expect(carrying(r.marker)).toEqual([]);
  }, 90_000);

  it("npm run -s drill -- --target local --time-scale 0.1 2>&1 | head -3", async () => {
    const r = start("drill", ["--target", "local", "--time-scale", "0.1"], { mergeOutput: true });
    await until(r, "three lines", (x) => x.stdout.split("\n").length > 3);
    r.child.stdout!.destroy();
    expect(await r.exited).toBe(141);
    expect(carrying(r.marker)).toEqual([]);
  }, 90_000);

  it("npm run -s local 2>&1 | head", async () => {
    const r = start("local", ["--port", "0", "--admin-port", "0"], { mergeOutput: true });
    await until(r, "the banner", (x) => x.stdout.includes("Ctrl-C stops."));
    r.child.stdout!.destroy();
    expect(await r.exited).toBe(141);
    expect(carrying(r.marker)).toEqual([]);
  }, 90_000);
});

describe("SIGINT, SIGTERM and SIGHUP end a program within its grace period, 128 + the signal's number", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const)("npm run local, then %s: exit %d, the system stopped", async (signal, code) => {
    const r = start("local", ["--port", "0", "--admin-port", "0"]);
    await until(r, "the banner", (x) => x.stdout.includes("Ctrl-C stops."));
    r.child.kill(signal);
    expect(await r.exited).toBe(code);
    expect(r.stderr).toContain(`interrupted: stopping the local system… (${signal}; a second one quits at once)`);
    expect(r.stdout).toMatch(/stopped\.\n$/);
    expect(carrying(r.marker)).toEqual([]);
  }, 60_000);

  it("npm run drill, then SIGTERM mid-drill: STATUS restored, exit 143", async () => {
    const r = start("drill", ["--target", "local", "--time-scale", "0.1", "--json"]);
    await until(r, "the drill under way", (x) => /system ready/.test(x.stderr));
    r.child.kill("SIGTERM");
    expect(await r.exited).toBe(143);
    expect(r.stderr).toContain("interrupted: restoring STATUS, stopping the local system… (SIGTERM; a second one quits at once)");
    expect(r.stderr).toContain("drill interrupted; STATUS restored.");
    expect(r.stderr).not.toMatch(NOISE);
    expect(carrying(r.marker)).toEqual([]);
  }, 90_000);

  it("npm run bench, then SIGTERM while it measures synth: the commands it runs stop too", async () => {
    const r = start("bench", ["--quick"]);
    await until(r, "a synth being measured", (x) => carrying(x.marker).length > 1);
    r.child.kill("SIGTERM");
    expect(await r.exited).toBe(143);
    expect(r.stderr).not.toMatch(NOISE);
    // The measured command ran in a process group of its own: the stop reached it anyway.
    expect(carrying(r.marker)).toEqual([]);
  }, 120_000);
});
