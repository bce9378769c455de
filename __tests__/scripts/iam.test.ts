import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deployPolicy, iamContext, inventoryOf, planPolicy, type PolicyDocument } from "../../model/iam";
import { runIam, USAGE } from "../../scripts/iam";
import { type CliRun, runCli } from "../support/cli";
import { synthGlobalApp } from "../support/synth";

/**
 * `npm run iam`: in process (arguments, output, the policy it prints against the model applied to
 * the same synthesized stack) and as the real CLI with GLOBALAPP_CONFIG (exit codes, stdout/stderr).
 */
const PROD = { environment: "prod", alarms: { email: "oncall@example.com" } };

describe("runIam", () => {
  const prod = synthGlobalApp(PROD);
  it("prints the deploy policy of the stack synthesized for the config", () => {
    const out = runIam(["--role", "deploy", "--account", "123456789012"], prod.config);
    expect(out.exitCode).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual(deployPolicy(inventoryOf(prod.tf), iamContext(prod.config, "123456789012")));
    expect(out.stderr[0]).toMatch(/^iam: deploy policy for globalapp-prod \(regions us-west-2, eu-central-1; state s3\): \d+ statements, \d+ actions, \d+ characters$/);
  });
  it("prints the plan policy with the principal's account variable by default", () => {
    const out = runIam(["--role", "plan"], prod.config);
    expect(JSON.parse(out.stdout)).toEqual(planPolicy(inventoryOf(prod.tf), iamContext(prod.config)));
    expect(out.stdout).toContain("${aws:PrincipalAccount}");
  });
  it("says when the document is over IAM's managed-policy size, and --split prints parts that fit", () => {
    const whole = runIam(["--role", "deploy"], prod.config);
    expect(whole.stderr.join("\n")).toMatch(/over IAM's 6144 characters per managed policy and 10240 for a role's inline policies: attach it as \d managed policies \(--split prints them\)/);
    const split = JSON.parse(runIam(["--role", "deploy", "--split"], prod.config).stdout) as { role: string; policies: PolicyDocument[] };
    expect(split.role).toBe("deploy");
    expect(split.policies.length).toBeGreaterThan(1);
    for (const p of split.policies) expect(JSON.stringify(p).length).toBeLessThanOrEqual(6144);
  });
  it("warns that a deploy policy cannot create the roles when the boundary is off", () => {
    expect(runIam(["--role", "deploy"], prod.config).stderr.join("\n")).toMatch(/warning: ci.permissionsBoundary is off/);
    const withCi = synthGlobalApp({ ...PROD, ci: { github: { repository: "acme/globalapp" } } });
    expect(runIam(["--role", "deploy"], withCi.config).stderr.join("\n")).not.toMatch(/warning/);
  });
  it("prints the help", () => {
    expect(runIam(["--help"], prod.config)).toEqual({ stdout: USAGE, stderr: [], exitCode: 0 });
  });
  it.each([
    [[], /--role must be one of deploy, plan, boundary$/],
    [["--role", "admin"], /--role must be one of deploy, plan, boundary, got "admin"/],
    [["--role", "plan", "--account", "12345"], /--account must be a 12-digit AWS account id, got "12345"/],
    [["--role", "plan", "--nope"], /^unknown option --nope$/],
    [["--role", "plan", "--acount", "1"], /^unknown option --acount — did you mean --account\?$/],
  ])("refuses %j", (argv, message) => {
    expect(() => runIam(argv, prod.config)).toThrow(message);
  });
});

describe("npm run iam (the real CLI)", () => {
  function cli(args: string[], config?: unknown): Promise<CliRun> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.GLOBALAPP_CONFIG;
    if (config !== undefined) {
      const file = join(mkdtempSync(join(tmpdir(), "globalapp-iam-cli-")), "config.json");
      writeFileSync(file, JSON.stringify(config));
      env.GLOBALAPP_CONFIG = file;
    }
    return runCli("scripts/iam.ts", args, env);
  }
  let ok: CliRun;
  let badConfig: CliRun;
  let badUsage: CliRun;
  beforeAll(async () => {
    [ok, badConfig, badUsage] = await Promise.all([
      cli(["--role", "plan", "--account", "123456789012"], PROD),
      cli(["--role", "plan"], { regions: ["mars-north-1"] }),
      cli(["--role"]),
    ]);
  }, 60_000);

  it("honours GLOBALAPP_CONFIG: one JSON document on stdout, the summary on stderr, exit 0", () => {
    const prod = synthGlobalApp(PROD);
    expect(JSON.parse(ok.stdout)).toEqual(planPolicy(inventoryOf(prod.tf), iamContext(prod.config, "123456789012")));
    expect(ok.stderr).toMatch(/^iam: plan policy for globalapp-prod/);
    expect(ok.code).toBe(0);
  });
  it("exits 2 on an invalid config, naming the key, with nothing on stdout", () => {
    expect(badConfig.stderr).toMatch(/regions\[0\] = "mars-north-1": unknown AWS region/);
    expect(badConfig.stdout).toBe("");
    expect(badConfig.code).toBe(2);
  });
  it("exits 2 on bad usage", () => {
    expect(badUsage.stderr).toMatch(/^iam: .*--role.*\(npm run iam -- --help\)/);
    expect(badUsage.code).toBe(2);
  });
});
