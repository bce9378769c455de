import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkPolicy, deployPolicy, iamContext, inventoryOf, planPolicy, type PolicyDocument } from "../../model/iam";
import { checkConfig, checkOutput, runIam, USAGE } from "../../scripts/iam";
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
  it("--check: checks every policy of the config and finds nothing, summary on stderr, exit 0", () => {
    const out = runIam(["--check"], prod.config);
    expect(out).toEqual({ stdout: "", stderr: [expect.stringMatching(/^iam: checked \d+ policies \(\d+ distinct actions\) of globalapp-prod against AWS's Service Authorization Reference \(@cloud-copilot\/iam-data \d+\.\d+\.\d+\) and the operations of hashicorp\/aws 5\.100\.0 \(commit f7a3b98\): no findings$/)], exitCode: 0 });
    const json = JSON.parse(runIam(["--check", "--json"], prod.config).stdout) as { policies: number; actions: number; findings: unknown[]; provider: { commit: string } };
    expect(json.findings).toEqual([]);
    expect(json.policies).toBeGreaterThanOrEqual(3 + 8);
    expect(json.actions).toBeGreaterThan(150);
    expect(json.provider.commit).toBe("f7a3b98da589ab1d52756b0dcee0dbf2de83d635");
  });
  it("--check: checks the GitHub roles of the bootstrap stack too", () => {
    const withCi = synthGlobalApp({ ci: { github: { repository: "acme/globalapp" } } });
    expect(checkConfig(withCi.config).policies).toBeGreaterThan(checkConfig(synthGlobalApp({}).config).policies + 5);
  });
  it("--check: prints one line per finding and exits 1", () => {
    const findings = checkPolicy({ Statement: [{ Sid: "Mine", Effect: "Allow", Action: ["dynamodb:GetItems"], Resource: ["*"] }] }, { name: "deploy policy" });
    const out = checkOutput({ policies: 1, actions: 1, findings: findings.map((f) => ({ where: `${f.policy} ${f.statement}`, message: f.message })) }, prod.config, false);
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toBe("deploy policy Mine: dynamodb:GetItems: not an action in the Service Authorization Reference (dynamodb has no such action)\n");
    expect(out.stderr[0]).toMatch(/: 1 finding$/);
    const json = JSON.parse(checkOutput({ policies: 1, actions: 1, findings: [{ where: "x", message: "y" }] }, prod.config, true).stdout);
    expect(json.findings).toEqual([{ where: "x", message: "y" }]);
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
    [["--check", "--role", "deploy"], /--check takes no --role/],
    [["--role", "deploy", "--json"], /--json goes with --check/],
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
  let check: CliRun;
  let badCheckConfig: CliRun;
  beforeAll(async () => {
    [ok, badConfig, badUsage, check, badCheckConfig] = await Promise.all([
      cli(["--role", "plan", "--account", "123456789012"], PROD),
      cli(["--role", "plan"], { regions: ["mars-north-1"] }),
      cli(["--role"]),
      cli(["--check", "--json"], { ...PROD, ci: { github: { repository: "acme/globalapp" } } }),
      cli(["--check"], { routing: "route53" }),
    ]);
  }, 90_000);

  it("--check --json honours GLOBALAPP_CONFIG: one JSON object, no findings, exit 0", () => {
    const out = JSON.parse(check.stdout) as { findings: unknown[]; policies: number };
    expect(out.findings).toEqual([]);
    // Both stacks: the system's roles and the bootstrap's GitHub roles and managed policies.
    expect(out.policies).toBeGreaterThan(15);
    expect(check.stderr).toMatch(/^iam: checked \d+ policies .* of globalapp-prod .*: no findings\n$/);
    expect(check.code).toBe(0);
  });
  it("--check exits 2 on an invalid config, naming the key", () => {
    expect(badCheckConfig.stderr).toMatch(/routing = "route53": "route53" needs domain/);
    expect(badCheckConfig.stdout).toBe("");
    expect(badCheckConfig.code).toBe(2);
  });

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
