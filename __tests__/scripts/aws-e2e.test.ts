import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { e2eConfig, refusalReasons, Runner, runE2E, StepResult, uniquePrefix } from "../../scripts/aws-e2e";
import { STACK_NAME } from "../../constructs/global-app-stack";
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

/** A runner that records calls; `behave` decides each call's exit code (or throws / waits for abort). */
function harness(behave: (what: string, signal?: AbortSignal) => Promise<number> | number = () => 0, extra: { drillAvailable?: boolean; wait?: () => Promise<string> } = {}) {
  const calls: Call[] = [];
  const logs: string[] = [];
  const signals = new EventEmitter();
  const run: Runner = async (cmd, args, { env, signal }) => {
    const what = cmd === "npx" ? `cdktf ${args[1]}` : "drill";
    calls.push({ what, args, env });
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

const steps = (results: StepResult[]) => results.map((r) => `${r.step}:${r.ok ? "ok" : "fail"}`);
/** Resolves when the signal aborts, as a child stopped by SIGINT does. */
const untilAborted = (signal?: AbortSignal) => new Promise<number>((r) => signal?.addEventListener("abort", () => r(130)));

describe("runE2E: deploy → wait → drill → always destroy", () => {
  it("runs the steps in order with the stack name, auto-approve, its own synth dir and outputs file", async () => {
    const h = harness();
    const { exitCode, results } = await h.go();
    expect(h.calls.map((c) => c.what)).toEqual(["cdktf deploy", "drill", "cdktf destroy"]);
    expect(h.calls[0].args).toEqual(["cdktf", "deploy", "globalapp", "--auto-approve", "--output", join(h.workdir, "cdktf.out"), "--outputs-file", join(h.workdir, "outputs.json")]);
    expect(h.calls[1].args).toEqual(["run", "--silent", "drill", "--", "--target", "aws", "--json", "--yes", "--outputs", join(h.workdir, "outputs.json")]);
    expect(h.calls[2].args).toEqual(["cdktf", "destroy", "globalapp", "--auto-approve", "--output", join(h.workdir, "cdktf.out")]);
    for (const c of h.calls) expect(c.env.GLOBALAPP_CONFIG).toBe(join(h.workdir, "globalapp-e2e.json"));
    expect(steps(results)).toEqual(["deploy:ok", "wait:ok", "drill:ok", "destroy:ok"]);
    expect(exitCode).toBe(0);
    expect(readFileSync(join(h.workdir, "drill.json"), "utf8")).toBe('{"ok":true}');
  });
  it("destroys after a failed deploy (a half-created stack) and skips the drill", async () => {
    const h = harness((w) => (w === "cdktf deploy" ? 1 : 0));
    const { exitCode, results } = await h.go();
    expect(h.calls.map((c) => c.what)).toEqual(["cdktf deploy", "cdktf destroy"]);
    expect(steps(results)).toEqual(["deploy:fail", "destroy:ok"]);
    expect(exitCode).toBe(1);
  });
  it("destroys after a failed drill and reports the failure", async () => {
    const h = harness((w) => (w === "drill" ? 1 : 0));
    const { exitCode, results } = await h.go();
    expect(h.calls.map((c) => c.what)).toEqual(["cdktf deploy", "drill", "cdktf destroy"]);
    expect(steps(results)).toEqual(["deploy:ok", "wait:ok", "drill:fail", "destroy:ok"]);
    expect(exitCode).toBe(1);
  });
  it("destroys when the accelerator never serves, without running the drill", async () => {
    const h = harness(undefined, { wait: () => Promise.reject(new Error("http://x/health did not answer 200 within 15 minutes")) });
    const { exitCode, results } = await h.go();
    expect(h.calls.map((c) => c.what)).toEqual(["cdktf deploy", "cdktf destroy"]);
    expect(results[1]).toEqual({ step: "wait", ok: false, detail: "http://x/health did not answer 200 within 15 minutes" });
    expect(exitCode).toBe(1);
  });
  it("fails clearly when the drill is not in the checkout, and still destroys", async () => {
    const h = harness(undefined, { drillAvailable: false });
    const { exitCode, results } = await h.go();
    expect(h.calls.map((c) => c.what)).toEqual(["cdktf deploy", "cdktf destroy"]);
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
    expect(h.calls.map((c) => c.what)).toEqual(["cdktf deploy", "cdktf destroy"]);
    expect(exitCode).toBe(1);
  });
  it.each(["SIGINT", "SIGTERM", "SIGHUP"])("on %s during the deploy: stops the deploy, destroys, exits 130", async (sig) => {
    const h = harness((w, signal) => (w === "cdktf deploy" ? untilAborted(signal) : 0));
    const running = h.go();
    await new Promise((r) => setImmediate(r));
    h.signals.emit(sig, sig);
    const { exitCode, results } = await running;
    expect(h.calls.map((c) => c.what)).toEqual(["cdktf deploy", "cdktf destroy"]);
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
    expect(h.calls.map((c) => c.what)).toEqual(["cdktf deploy", "drill", "cdktf destroy"]);
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
  it("retries a failed destroy once", async () => {
    let destroys = 0;
    const h = harness((w) => (w === "cdktf destroy" && ++destroys === 1 ? 1 : 0));
    const { exitCode, results } = await h.go();
    expect(steps(results)).toEqual(["deploy:ok", "wait:ok", "drill:ok", "destroy:fail", "destroy:ok"]);
    expect(exitCode).toBe(1);
  });
  it("says loudly, with the command to retry, when the destroy fails twice", async () => {
    const h = harness((w) => (w === "cdktf destroy" ? 1 : 0));
    const { exitCode } = await h.go();
    expect(h.calls.filter((c) => c.what === "cdktf destroy")).toHaveLength(2);
    expect(h.logs.join("\n")).toMatch(/DESTROY FAILED: resources of "e2e-123abc" may still exist[\s\S]*npx cdktf destroy globalapp --output/);
    expect(exitCode).toBe(1);
  });
});

describe("npm run test:aws (the real CLI) refuses without credentials and confirmation", () => {
  function cli(env: Record<string, string>, args: string[] = []): Promise<{ code: number; stderr: string; tmp: string }> {
    const tmp = mkdtempSync(join(tmpdir(), "globalapp-e2e-cli-"));
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_") && k !== "GLOBALAPP_AWS_E2E"));
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ["-r", "./scripts/ts-register.cjs", "scripts/aws-e2e.ts", ...args], { cwd: ROOT, env: { ...clean, ...env, TMPDIR: tmp } });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => resolve({ code: code ?? -1, stderr, tmp }));
    });
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
