import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { e2eConfig, refusalReasons, Runner, runE2E, spawnRunner, StepResult, uniquePrefix } from "../../scripts/aws-e2e";
import { STACK_NAME } from "../../constructs/global-app-stack";
import { type CliRun, runCli } from "../support/cli";
import { configWith } from "../support/synth";

/**
 * `npm run test:aws` without AWS: the refusal logic (in process and as the real CLI), the config
 * it deploys, and the deploy → wait → drill → destroy orchestration with the AWS-touching commands
 * (cdktf deploy/destroy, the drill) replaced by a recording runner.
 */
const ROOT = join(__dirname, "..", "..");

describe("refusalReasons: explicit credentials AND explicit confirmation", () => {
  it.each<[string, string[], Record<string, string>, RegExp[]]>([
    ["nothing", [], {}, [/no explicit AWS credentials/, /no confirmation/]],
    ["a profile but no confirmation", [], { AWS_PROFILE: "sandbox" }, [/no confirmation: set GLOBALAPP_AWS_E2E=1 or pass --yes-really-deploy/]],
    ["confirmation but no credentials", [], { GLOBALAPP_AWS_E2E: "1" }, [/no explicit AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID/]],
    ["the flag but no credentials", ["--yes-really-deploy"], {}, [/no explicit AWS credentials/]],
    ["a key id without its secret", [], { AWS_ACCESS_KEY_ID: "AKIA", GLOBALAPP_AWS_E2E: "1" }, [/AWS_SECRET_ACCESS_KEY is not/]],
    ["a blank profile", [], { AWS_PROFILE: "  ", GLOBALAPP_AWS_E2E: "1" }, [/no explicit AWS credentials/]],
    ["GLOBALAPP_AWS_E2E=true instead of 1", [], { AWS_PROFILE: "sandbox", GLOBALAPP_AWS_E2E: "true" }, [/no confirmation/]],
    ["an unknown argument", ["--yes"], { AWS_PROFILE: "sandbox", GLOBALAPP_AWS_E2E: "1" }, [/unknown argument\(s\): --yes/]],
  ])("refuses with %s", (_name, argv, env, reasons) => {
    const got = refusalReasons(argv, env);
    expect(got).toHaveLength(reasons.length);
    reasons.forEach((r, i) => expect(got[i]).toMatch(r));
  });
  it.each<[string, string[], Record<string, string>]>([
    ["a profile and GLOBALAPP_AWS_E2E=1", [], { AWS_PROFILE: "sandbox", GLOBALAPP_AWS_E2E: "1" }],
    ["keys and --yes-really-deploy", ["--yes-really-deploy"], { AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: "s" }],
  ])("starts with %s", (_name, argv, env) => {
    expect(refusalReasons(argv, env)).toEqual([]);
  });
});

describe("the deployed config", () => {
  const dir = "/tmp/globalapp-e2e-test";
  it("uses a unique, valid appName and physical names derived from it, with local state in the run's dir", async () => {
    const prefix = uniquePrefix(Buffer.from([0xab, 0xcd, 0xef]));
    expect(prefix).toBe("e2e-abcdef");
    const config = configWith(await e2eConfig(prefix, dir));
    expect(config).toEqual(
      expect.objectContaining({ appName: "e2e-abcdef", tableName: "e2e-abcdef-items", environment: "dev", deletionProtection: false }),
    );
    expect(config.accelerator.name).toBe("e2e-abcdef");
    expect(config.state).toEqual({ backend: "local", path: "/tmp/globalapp-e2e-test/terraform.tfstate" });
  });
  it("two runs get different prefixes", () => {
    expect(uniquePrefix()).not.toBe(uniquePrefix());
    expect(uniquePrefix()).toMatch(/^e2e-[0-9a-f]{6}$/);
  });
  it("keeps the user's GLOBALAPP_CONFIG (regions, health check) but never their state backend or names", async () => {
    const user = {
      appName: "prodapp",
      environment: "prod",
      regions: ["eu-west-1", "ap-northeast-1"],
      homeRegion: "eu-west-1",
      healthCheck: { intervalSeconds: 5, timeoutSeconds: 4 },
      state: { backend: "cloud", organization: "acme", workspace: "prod" },
    };
    const config = configWith(await e2eConfig("e2e-000000", dir, user));
    expect(config.regions).toEqual(["eu-west-1", "ap-northeast-1"]);
    expect(config.healthCheck.intervalSeconds).toBe(5);
    expect(config.appName).toBe("e2e-000000");
    expect(config.environment).toBe("dev");
    expect(config.state.backend).toBe("local");
  });
});

interface Call {
  readonly what: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/**
 * A runner that records calls; `behave` decides each call's exit code (or throws / waits for
 * abort), `state` what `terraform state list` prints after each destroy (empty: all gone).
 */
function harness(
  behave: (what: string, signal?: AbortSignal) => Promise<number> | number = () => 0,
  extra: { drillAvailable?: boolean; wait?: () => Promise<string>; state?: () => { code: number; stdout: string } } = {},
) {
  const calls: Call[] = [];
  const logs: string[] = [];
  const signals = new EventEmitter();
  const run: Runner = async (cmd, args, { env, signal }) => {
    const what = cmd === "npx" ? `cdktf ${args[1]}` : cmd === "terraform" ? "state list" : "drill";
    calls.push({ what, args, env });
    if (what === "state list") return extra.state?.() ?? { code: 0, stdout: "" };
    return { code: await behave(what, signal), stdout: what === "drill" ? '{"ok":true}' : "" };
  };
  const workdir = mkdtempSync(join(tmpdir(), "globalapp-e2e-test-"));
  const go = () =>
    runE2E({
      run,
      stack: STACK_NAME,
      workdir,
      prefix: "e2e-123abc",
      env: { GLOBALAPP_CONFIG: join(workdir, "globalapp-e2e.json") },
      drillAvailable: extra.drillAvailable ?? true,
      waitForServing: extra.wait ?? (async () => "http://accelerator/health answered 200"),
      signals,
      log: (l) => logs.push(l),
    });
  return { calls, logs, signals, workdir, go };
}

const steps = (results: readonly StepResult[]) => results.map((r) => `${r.step}:${r.ok ? "ok" : "fail"}`);
/** Resolves when the signal aborts, as a child stopped by SIGINT does. */
const untilAborted = (signal?: AbortSignal) => new Promise<number>((r) => signal?.addEventListener("abort", () => r(130)));

describe("runE2E: deploy → wait → drill → always destroy", () => {
  it("runs the steps in order with the stack name, auto-approve, its own synth dir and outputs file", async () => {
    const h = harness();
    const { exitCode, results } = await h.go();
    expect(h.calls.map((c) => c.what)).toEqual(["cdktf deploy", "drill", "cdktf destroy", "state list"]);
    expect(h.calls[0].args).toEqual(["cdktf", "deploy", "globalapp", "--auto-approve", "--output", join(h.workdir, "cdktf.out"), "--outputs-file", join(h.workdir, "outputs.json")]);
    expect(h.calls[1].args).toEqual(["run", "--silent", "drill", "--", "--target", "aws", "--json", "--yes", "--outputs", join(h.workdir, "outputs.json")]);
    expect(h.calls[2].args).toEqual(["cdktf", "destroy", "globalapp", "--auto-approve", "--output", join(h.workdir, "cdktf.out")]);
    expect(h.calls[3].args).toEqual([`-chdir=${join(h.workdir, "cdktf.out", "stacks", "globalapp")}`, "state", "list"]);
    for (const c of h.calls) expect(c.env.GLOBALAPP_CONFIG).toBe(join(h.workdir, "globalapp-e2e.json"));
    expect(steps(results)).toEqual(["deploy:ok", "wait:ok", "drill:ok", "destroy:ok"]);
    expect(exitCode).toBe(0);
    expect(readFileSync(join(h.workdir, "drill.json"), "utf8")).toBe('{"ok":true}');
  });
  it("destroys after a failed deploy (a half-created stack) and skips the drill", async () => {
    const h = harness((w) => (w === "cdktf deploy" ? 1 : 0));
    const { exitCode, results } = await h.go();
    expect(h.calls.map((c) => c.what)).toEqual(["cdktf deploy", "cdktf destroy", "state list"]);
    expect(steps(results)).toEqual(["deploy:fail", "destroy:ok"]);
    expect(exitCode).toBe(1);
  });
  it("destroys after a failed drill and reports the failure", async () => {
    const h = harness((w) => (w === "drill" ? 1 : 0));
    const { exitCode, results } = await h.go();
    expect(h.calls.map((c) => c.what)).toEqual(["cdktf deploy", "drill", "cdktf destroy", "state list"]);
    expect(steps(results)).toEqual(["deploy:ok", "wait:ok", "drill:fail", "destroy:ok"]);
    expect(exitCode).toBe(1);
  });
  it("destroys when the accelerator never serves, without running the drill", async () => {
    const h = harness(undefined, { wait: () => Promise.reject(new Error("http://x/health did not answer 200 within 15 minutes")) });
    const { exitCode, results } = await h.go();
    expect(h.calls.map((c) => c.what)).toEqual(["cdktf deploy", "cdktf destroy", "state list"]);
    expect(results[1]).toEqual({ step: "wait", ok: false, detail: "http://x/health did not answer 200 within 15 minutes" });
    expect(exitCode).toBe(1);
  });
  it("fails clearly when the drill is not in the checkout, and still destroys", async () => {
    const h = harness(undefined, { drillAvailable: false });
    const { exitCode, results } = await h.go();
    expect(h.calls.map((c) => c.what)).toEqual(["cdktf deploy", "cdktf destroy", "state list"]);
    expect(results.find((r) => r.step === "drill")?.detail).toMatch(/the drill is not in this checkout/);
    expect(exitCode).toBe(1);
  });
  it("destroys when a command cannot even start (spawn error)", async () => {
    const h = harness((w) => {
      if (w === "cdktf deploy") throw new Error("spawn npx ENOENT");
      return 0;
    });
    const { exitCode, results } = await h.go();
    expect(results[0]).toEqual({ step: "deploy", ok: false, detail: "spawn npx ENOENT" });
    expect(h.calls.map((c) => c.what)).toEqual(["cdktf deploy", "cdktf destroy", "state list"]);
    expect(exitCode).toBe(1);
  });
  it.each(["SIGINT", "SIGTERM", "SIGHUP"])("on %s during the deploy: stops the deploy, destroys, exits 130", async (sig) => {
    const h = harness((w, signal) => (w === "cdktf deploy" ? untilAborted(signal) : 0));
    const running = h.go();
    await new Promise((r) => setImmediate(r));
    h.signals.emit(sig, sig);
    const { exitCode, results } = await running;
    expect(h.calls.map((c) => c.what)).toEqual(["cdktf deploy", "cdktf destroy", "state list"]);
    expect(steps(results)).toEqual(["deploy:fail", "destroy:ok"]);
    expect(exitCode).toBe(130);
    expect(h.signals.listenerCount(sig)).toBe(0);
  });
  it("on SIGINT during the drill: stops it, destroys, exits 130", async () => {
    const h = harness((w, signal) => (w === "drill" ? untilAborted(signal) : 0));
    const running = h.go();
    while (!h.calls.some((c) => c.what === "drill")) await new Promise((r) => setImmediate(r));
    h.signals.emit("SIGINT", "SIGINT");
    const { exitCode } = await running;
    expect(h.calls.map((c) => c.what)).toEqual(["cdktf deploy", "drill", "cdktf destroy", "state list"]);
    expect(exitCode).toBe(130);
  });
  it("ignores a signal while destroying (the destroy is never cut short)", async () => {
    let h: ReturnType<typeof harness>;
    h = harness((w, signal) => {
      if (w !== "cdktf destroy") return 0;
      h.signals.emit("SIGINT", "SIGINT");
      expect(signal).toBeUndefined();
      return 0;
    });
    const { exitCode } = await h.go();
    expect(exitCode).toBe(0);
    expect(h.logs.some((l) => /SIGINT ignored: destroy is running/.test(l))).toBe(true);
  });
  it("retries a failed destroy once, and exits 0 when the retry removes everything", async () => {
    let destroys = 0;
    const h = harness((w) => (w === "cdktf destroy" && ++destroys === 1 ? 1 : 0));
    const { exitCode, results, leftovers } = await h.go();
    expect(steps(results)).toEqual(["deploy:ok", "wait:ok", "drill:ok", "destroy:fail", "destroy:ok"]);
    expect(results[3].detail).toBe("cdktf destroy exited 1 (retrying)");
    expect(leftovers).toEqual([]);
    expect(exitCode).toBe(0);
  });
  it("still exits 1 when the drill failed, whatever the retry did", async () => {
    let destroys = 0;
    const h = harness((w) => (w === "drill" ? 1 : w === "cdktf destroy" && ++destroys === 1 ? 1 : 0));
    expect((await h.go()).exitCode).toBe(1);
  });
  it("lists what it could not remove, with the command to retry, when the destroy fails twice", async () => {
    const state = { code: 0, stdout: "aws_vpc.backend-us-west-2_network_vpc_1\naws_security_group.backend-us-west-2_alb-sg_2\n" };
    const h = harness((w) => (w === "cdktf destroy" ? 1 : 0), { state: () => state });
    const { exitCode, leftovers, results } = await h.go();
    expect(h.calls.filter((c) => c.what === "cdktf destroy")).toHaveLength(2);
    expect(leftovers).toEqual(["aws_vpc.backend-us-west-2_network_vpc_1", "aws_security_group.backend-us-west-2_alb-sg_2"]);
    expect(results.at(-1)?.detail).toBe("cdktf destroy exited 1; 2 resource(s) still in the state");
    expect(h.logs.join("\n")).toMatch(
      /DESTROY FAILED: resources of "e2e-123abc" may still exist\. Could not remove:\n  - aws_vpc\.backend-us-west-2_network_vpc_1\n  - aws_security_group[\s\S]*npx cdktf destroy globalapp --output/,
    );
    expect(exitCode).toBe(1);
  });
  it("does not trust a destroy that exits 0 while the state still holds resources", async () => {
    let lists = 0;
    const h = harness(undefined, { state: () => (++lists === 1 ? { code: 0, stdout: "aws_lb.backend-eu-central-1_alb_3\n" } : { code: 0, stdout: "" }) });
    const { exitCode, results } = await h.go();
    expect(steps(results)).toEqual(["deploy:ok", "wait:ok", "drill:ok", "destroy:fail", "destroy:ok"]);
    expect(exitCode).toBe(0);
  });
  it("treats a state it cannot read (nothing was ever created) as empty when the destroy succeeded", async () => {
    const h = harness((w) => (w === "cdktf deploy" ? 1 : 0), { state: () => ({ code: 1, stdout: "" }) });
    const { exitCode, results, leftovers } = await h.go();
    expect(steps(results)).toEqual(["deploy:fail", "destroy:ok"]);
    expect(leftovers).toBeUndefined();
    expect(exitCode).toBe(1);
  });
});

describe("npm run test:aws (the real CLI) refuses without credentials and confirmation", () => {
  async function cli(env: Record<string, string>, args: string[] = []): Promise<CliRun & { tmp: string }> {
    const tmp = mkdtempSync(join(tmpdir(), "globalapp-e2e-cli-"));
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_") && k !== "GLOBALAPP_AWS_E2E"));
    return { ...(await runCli("scripts/aws-e2e.ts", args, { ...clean, ...env, TMPDIR: tmp })), tmp };
  }
  let none: Awaited<ReturnType<typeof cli>>;
  let profileOnly: Awaited<ReturnType<typeof cli>>;
  let confirmOnly: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    [none, profileOnly, confirmOnly] = await Promise.all([
      cli({}),
      cli({ AWS_PROFILE: "sandbox" }),
      cli({}, ["--yes-really-deploy"]),
    ]);
  }, 60_000);

  it.each([
    ["nothing set", () => none, /no explicit AWS credentials[\s\S]*no confirmation/],
    ["only AWS_PROFILE", () => profileOnly, /no confirmation/],
    ["only --yes-really-deploy", () => confirmOnly, /no explicit AWS credentials/],
  ])("%s: exits 2, says why, and creates nothing", (_name, result, why) => {
    const r = result();
    expect(r.stderr).toMatch(/^globalapp e2e: refusing to start:/);
    expect(r.stderr).toMatch(why);
    expect(r.stderr).toContain("Usage: GLOBALAPP_AWS_E2E=1 AWS_PROFILE=<profile> npm run test:aws");
    expect(r.code).toBe(2);
    expect(readdirSync(r.tmp)).toEqual([]);
  });
});

describe("npm test never runs it", () => {
  it("is not a jest test file and package.json runs it only as test:aws", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts["test:aws"]).toBe("node -r ./scripts/ts-register.cjs scripts/aws-e2e.ts");
    expect(pkg.scripts.test).not.toContain("aws-e2e");
    const jestConfig = require(join(ROOT, "jest.config.js")) as { roots: string[] };
    expect(jestConfig.roots).toEqual(["<rootDir>/__tests__"]);
  });
});

describe("spawnRunner: commands run in their own process group, so terminal signals reach only the script", () => {
  /** Starts the harness as a terminal starts a foreground job: a process group of its own, then signals that group. */
  function foreground(mode: "own-group" | "same-group", sig: NodeJS.Signals): Promise<{ result: { code: number | null; signal?: string; stdout: string; log?: string }; stderr: string }> {
    return new Promise((resolve, reject) => {
      const harness = spawn(process.execPath, ["-r", "./scripts/ts-register.cjs", "__tests__/scripts/support/process-group-harness.ts", mode], {
        cwd: ROOT,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      let sent = false;
      harness.stdout.on("data", (d) => (stdout += d));
      harness.stderr.on("data", (d) => {
        stderr += d;
        if (!sent && stderr.includes("ready")) {
          sent = true;
          process.kill(-harness.pid!, sig); // Ctrl-C / hang-up: the whole foreground process group
        }
      });
      harness.on("error", reject);
      harness.on("close", () => resolve({ result: JSON.parse(stdout), stderr }));
    });
  }

  it.each(["SIGINT", "SIGHUP"] as const)("%s to the script's group: the command (in its own group) runs to completion", async (sig) => {
    const { result, stderr } = await foreground("own-group", sig);
    expect(stderr).toContain(`harness: ${sig} ignored`);
    expect(result.stdout).toBe("ready\ndone\n");
    expect(result.code).toBe(0);
    // Everything the command printed is in the log too, in case the terminal is gone.
    expect(result.log).toMatch(/\$ .*node -e [\s\S]*ready\ndone\n/);
  }, 30_000);
  it("control: a command in the script's own group is killed by the same Ctrl-C", async () => {
    const { result } = await foreground("same-group", "SIGINT");
    expect(result.signal).toBe("SIGINT");
    expect(result.stdout).toBe("ready\n");
  }, 30_000);

  it("on abort, SIGINT goes to the command's whole group (npx → cdktf → terraform), so each can stop gracefully", async () => {
    const log = join(mkdtempSync(join(tmpdir(), "globalapp-pgroup-")), "e2e.log");
    // A parent that starts a grandchild; both report the SIGINT they get and exit on their own.
    const grandchild = 'process.on("SIGINT", () => { process.stdout.write("grandchild stopped\\n"); process.exit(0); }); process.stdout.write("grandchild ready\\n"); setInterval(() => {}, 1000);';
    const parent = `
      const { spawn } = require("node:child_process");
      const g = spawn(process.execPath, ["-e", ${JSON.stringify(grandchild)}], { stdio: ["ignore", "inherit", "inherit"] });
      process.on("SIGINT", () => { process.stdout.write("parent stopping\\n"); g.on("close", () => process.exit(3)); });
    `;
    const abort = new AbortController();
    const running = spawnRunner({ cwd: ROOT, log, echo: null })(process.execPath, ["-e", parent], { env: process.env, signal: abort.signal, capture: true });
    // The log's first line is the command itself, which mentions the marker mid-line: wait for the marker's own line.
    while (!/^grandchild ready$/m.test(readFileSync(log, "utf8"))) await new Promise((r) => setTimeout(r, 20));
    abort.abort();
    const r = await running;
    expect(r.stdout).toContain("parent stopping");
    expect(r.stdout).toContain("grandchild stopped");
    expect(r.code).toBe(3);
  }, 30_000);
  it("reports a command killed by a signal as 128 + its number, like a shell", async () => {
    const log = join(mkdtempSync(join(tmpdir(), "globalapp-pgroup-")), "e2e.log");
    const r = await spawnRunner({ cwd: ROOT, log, echo: null })(process.execPath, ["-e", 'process.kill(process.pid, "SIGTERM")'], { env: process.env });
    expect(r.code).toBe(143);
  });
});
