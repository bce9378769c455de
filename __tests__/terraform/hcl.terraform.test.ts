import { Testing } from "cdktf";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GlobalAppStack, STACK_NAME } from "../../constructs/global-app-stack";
import { stateBucketStackFor } from "../../constructs/state-bucket-stack";
import { PROJECT_ROOT, runProcess } from "../support/cli";
import { configWith } from "../support/synth";
import { describeWithTerraform, runTerraform, type TfDiagnostic, validateAsModules, validateJson } from "../support/terraform";

/**
 * The exit route (README "The exit route: plain Terraform"): `npx cdktf synth --hcl` writes each stack
 * as `cdk.tf`, and `terraform init -backend=false && terraform validate` must accept it as written, for
 * every config the issue lists. The user's own command runs once (the default config, through the real
 * cdktf CLI); the other configs are rendered in-process by the same renderer (`toHclTerraform`, which
 * the stack synthesizer calls when SYNTH_HCL_OUTPUT is "true"), and the CLI's file is checked to be
 * that renderer's output, only reformatted. The user's directory gets the user's own init and
 * validate; the other configurations are validated together, each a module of one root.
 */
const ACCOUNT = "123456789012";
const EMAIL = "oncall@example.com";
const DOMAIN = { name: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" };

/** The configs of issue 19, beside the default (which comes from the CLI). */
const CONFIGS: Record<string, object> = {
  prod: {
    environment: "prod",
    alarms: { email: EMAIL },
    ci: { github: { repository: "acme/globalapp" } },
    https: {
      certificateArns: {
        "us-west-2": `arn:aws:acm:us-west-2:${ACCOUNT}:certificate/0a1b2c3d-1111-2222-3333-444455556666`,
        "eu-central-1": `arn:aws:acm:eu-central-1:${ACCOUNT}:certificate/0a1b2c3d-7777-8888-9999-000011112222`,
      },
    },
  },
  "routing both, issued certificates, a domain": { routing: "both", domain: DOMAIN, https: { issueCertificates: true } },
  "3 regions": { regions: ["us-west-2", "eu-central-1", "ap-northeast-1"], homeRegion: "eu-central-1" },
  DUAL_STACK: { accelerator: { ipAddressType: "DUAL_STACK" } },
  "alarms with an email": { alarms: { email: EMAIL } },
};

/** Both stacks of a config rendered as HCL, the way `cdktf synth --hcl` renders them. */
function renderHcl(override: object): { main: string; state?: string } {
  const app = Testing.app();
  const config = configWith(override);
  const stack = new GlobalAppStack(app, STACK_NAME, { config });
  const state = stateBucketStackFor(app, config, stack);
  return { main: Testing.synthHcl(stack, true), ...(state ? { state: Testing.synthHcl(state, true) } : {}) };
}

/** `cdktf synth --hcl` formats what the renderer wrote (indentation, spaces around `=`); nothing else may differ. */
const withoutWhitespace = (hcl: string) => hcl.replace(/\s+/g, "");

/** Warnings every cdktf HCL file carries: `provider = "aws.x"` and `depends_on = ["…"]` are quoted (README says how to unquote). */
const KNOWN_WARNINGS = ["Quoted references are deprecated"];

interface Case {
  readonly name: string;
  readonly dir: string;
}

describeWithTerraform("the exit route: terraform validate accepts what cdktf synth --hcl writes", (tf) => {
  const root = mkdtempSync(join(tmpdir(), "globalapp-hcl-"));
  const cases: Case[] = [];
  const results = new Map<string, { valid: boolean; diagnostics: TfDiagnostic[] }>();
  let cli: { code: number; stdout: string; stderr: string };
  let cliDir = "";
  let userInit: { code: number; stdout: string; stderr: string };
  let rootValid = false;

  const add = (name: string, hcl: string) => {
    const dir = join(root, `c${cases.length}`);
    mkdirSync(dir);
    writeFileSync(join(dir, "cdk.tf"), hcl);
    cases.push({ name, dir });
  };

  beforeAll(async () => {
    cliDir = join(root, "cli");
    const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
    delete env.GLOBALAPP_CONFIG;
    delete env.SYNTH_HCL_OUTPUT;
    delete env.CDKTF_CONTEXT_JSON;
    delete env.CDKTF_OUTDIR;
    // The user's command, as the README shows it (npx resolves the project's own cdktf-cli).
    cli = await runProcess("npx", ["cdktf", "synth", "--hcl", "--output", cliDir], { cwd: PROJECT_ROOT, env });
    if (cli.code !== 0) return;
    add("default config (npx cdktf synth --hcl), globalapp", readFileSync(join(cliDir, "stacks", "globalapp", "cdk.tf"), "utf8"));
    add("default config (npx cdktf synth --hcl), globalapp-state", readFileSync(join(cliDir, "stacks", "globalapp-state", "cdk.tf"), "utf8"));
    for (const [name, override] of Object.entries(CONFIGS)) {
      const hcl = renderHcl(override);
      add(`${name}, globalapp`, hcl.main);
      // The bootstrap stack differs between configs only in names, except with the GitHub identities.
      if (hcl.state && name === "prod") add(`${name}, globalapp-state`, hcl.state);
    }
    // The user's own init and validate, once, in the CLI's directory (the default config); the other
    // configurations in one validate, each a module of one root (validateAsModules).
    const [first, ...rest] = cases;
    userInit = await runTerraform(tf, first.dir, ["init", "-backend=false", "-input=false"]);
    const [own, others] = await Promise.all([validateJson(tf, first.dir), validateAsModules(tf, rest.map((c) => c.dir))]);
    results.set(first.name, own);
    rest.forEach((c, i) => results.set(c.name, { valid: !others.diagnostics[i].some((d) => d.severity === "error"), diagnostics: others.diagnostics[i] }));
    rootValid = others.valid;
  }, 600_000);

  it("npx cdktf synth --hcl writes cdk.tf for both stacks, and exactly what the in-process renderer writes", () => {
    expect(cli.stderr).not.toMatch(/error/i);
    expect(cli.code).toBe(0);
    const inProcess = renderHcl({});
    expect(withoutWhitespace(readFileSync(join(cliDir, "stacks", "globalapp", "cdk.tf"), "utf8"))).toBe(withoutWhitespace(inProcess.main));
    expect(withoutWhitespace(readFileSync(join(cliDir, "stacks", "globalapp-state", "cdk.tf"), "utf8"))).toBe(withoutWhitespace(inProcess.state!));
  });

  it("terraform init -backend=false accepts the CLI's cdk.tf (the README's first step after synth)", () => {
    expect(`${userInit.stdout}${userInit.stderr}`).not.toMatch(/Error/);
    expect(userInit.code).toBe(0);
  });

  it("validates the default config, prod, routing both with issued certificates, 3 regions, DUAL_STACK and alarms with an email", () => {
    expect(cases.map((c) => c.name.replace(/, globalapp(-state)?$/, "")).filter((n, i, a) => a.indexOf(n) === i)).toEqual([
      "default config (npx cdktf synth --hcl)",
      ...Object.keys(CONFIGS),
    ]);
  });

  it.each(
    ["default config (npx cdktf synth --hcl), globalapp", "default config (npx cdktf synth --hcl), globalapp-state"]
      .concat(Object.keys(CONFIGS).map((n) => `${n}, globalapp`))
      .concat(["prod, globalapp-state"]),
  )("%s: terraform validate accepts the HCL as written", (name) => {
    const report = results.get(name);
    expect(report).toBeDefined();
    const errors = report!.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.summary}: ${d.detail ?? ""} (line ${d.range?.start.line})`);
    expect(errors).toEqual([]);
    expect(report!.valid).toBe(true);
    const otherWarnings = report!.diagnostics.filter((d) => d.severity === "warning" && !KNOWN_WARNINGS.includes(d.summary)).map((d) => d.summary);
    expect(otherWarnings).toEqual([]);
  });

  it("the configurations validated together make a valid root", () => {
    expect(rootValid).toBe(true);
  });

  it("the table's timeouts are part of what terraform validated", () => {
    const hcl = withoutWhitespace(readFileSync(join(cliDir, "stacks", "globalapp", "cdk.tf"), "utf8"));
    expect(hcl).toContain(withoutWhitespace('timeouts { create = "30m" delete = "10m" update = "60m" }'));
  });

  it("the dashboard body and every policy are jsonencode expressions in the HCL, never a JSON string", () => {
    const hcl = readFileSync(join(cliDir, "stacks", "globalapp", "cdk.tf"), "utf8");
    const documents = [...hcl.matchAll(/^\s*(dashboard_body|policy|assume_role_policy|item|input|message_body)\s*=\s*(.*)$/gm)];
    expect(documents.length).toBeGreaterThan(10);
    for (const [, attr, value] of documents) expect(`${attr} = ${value.slice(0, 20)}`).toMatch(/= "\$\{jsonencode\(/);
  });
});
