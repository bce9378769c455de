import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { STACK_NAME } from "../../constructs/global-app-stack";
import { configWith } from "../support/synth";

/**
 * The GitHub Actions setup, read as YAML: triggers, jobs, the plan comment, OIDC, the deploy
 * environment, the state-backend switch, least permissions, and every action pinned to a full
 * commit SHA whose inputs are checked against the action.yml read at that commit
 * (pinned-actions.json). The switch's shell script and the Terraform Cloud config step run for real.
 */
const ROOT = join(__dirname, "..", "..");
const GITHUB = join(ROOT, ".github");

type Obj = Record<string, unknown>;
interface Step extends Obj {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Obj;
}
interface Job extends Obj {
  uses?: string;
  with?: Obj;
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on: Obj;
  permissions?: unknown;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  jobs: Record<string, Job>;
}
interface PinTable {
  actions: Record<string, { version: string; sha: string; runs: string; inputs: Record<string, { required: boolean; default?: string }> }>;
  needed: Record<string, Record<string, string>>;
  modes: Record<string, string[]>;
}

function load<T>(path: string): T {
  const doc = parseDocument(readFileSync(path, "utf8"), { prettyErrors: true });
  if (doc.errors.length) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join("; ")}`);
  return doc.toJS() as T;
}

const WORKFLOW_FILES = readdirSync(join(GITHUB, "workflows")).filter((f) => /\.ya?ml$/.test(f));
const workflows: Record<string, Workflow> = Object.fromEntries(WORKFLOW_FILES.map((f) => [f, load<Workflow>(join(GITHUB, "workflows", f))]));
const SETUP_PATH = join(GITHUB, "actions", "setup", "action.yml");
const setupAction = load<{ runs: { using: string; steps: Step[] }; inputs?: Obj }>(SETUP_PATH);
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string>; engines: { node: string } };
const PINS = JSON.parse(readFileSync(join(__dirname, "pinned-actions.json"), "utf8")) as PinTable;
/** Every file that can hold a `uses:` line, as raw text (comments matter: `# vX.Y.Z`). */
const RAW: Record<string, string> = {
  ...Object.fromEntries(WORKFLOW_FILES.map((f) => [f, readFileSync(join(GITHUB, "workflows", f), "utf8")])),
  "actions/setup/action.yml": readFileSync(SETUP_PATH, "utf8"),
};

/** Every `uses:` value anywhere in a parsed file (steps and reusable-workflow jobs). */
function usesIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(usesIn);
  if (node && typeof node === "object") {
    return Object.entries(node).flatMap(([k, v]) => (k === "uses" && typeof v === "string" ? [v] : usesIn(v)));
  }
  return [];
}

/** A reference GitHub cannot move under us: a local path, or a full 40-hex commit SHA. */
function isPinned(uses: string): boolean {
  if (uses.startsWith("./")) return true;
  return /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/.test(uses);
}

const action = (uses: string | undefined) => uses?.split("@")[0];
const stepsUsing = (job: Job, name: string) => (job.steps ?? []).filter((s) => action(s.uses) === name);
function theStep(job: Job, name: string): Step {
  const found = stepsUsing(job, name);
  expect(found).toHaveLength(1);
  return found[0];
}
const allJobs = () => Object.entries(workflows).flatMap(([file, wf]) => Object.entries(wf.jobs).map(([id, job]) => ({ file, id, job })));
/** Every step of every job and of the local setup action. */
const allSteps = (): Array<{ where: string; step: Step }> => [
  ...allJobs().flatMap(({ file, id, job }) => (job.steps ?? []).map((step) => ({ where: `${file}:${id}`, step }))),
  ...setupAction.runs.steps.map((step) => ({ where: "actions/setup", step })),
];
/** Steps a job runs, including those of the local setup action it calls. */
const effectiveSteps = (job: Job): Step[] =>
  (job.steps ?? []).flatMap((s) => (s.uses === "./.github/actions/setup" ? [s, ...setupAction.runs.steps] : [s]));

const CDK_ACTION = "hashicorp/terraform-cdk-action";
const AWS_CREDS = "aws-actions/configure-aws-credentials";
const FROM_VARS = /^\$\{\{\s*vars\.[A-Z0-9_]+\s*\}\}$/;
const DEPLOY_GROUP = "globalapp-deploy-production";
/** How GitHub's runner runs a `run:` step with the default bash shell. */
const RUNNER_BASH = ["--noprofile", "--norc", "-eo", "pipefail", "-c"];

describe("pinning: full commit SHAs of release tags, as read from each action's repository", () => {
  it.each([
    ["actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1", true],
    ["./.github/actions/setup", true],
    ["actions/checkout@v7.0.1", false],
    ["actions/checkout@main", false],
    ["actions/checkout@v7", false],
    ["actions/checkout", false],
    ["actions/checkout@3d3c42e", false],
  ])("isPinned(%s) = %s", (uses, pinned) => {
    expect(isPinned(uses)).toBe(pinned);
  });

  const all = [...Object.values(workflows).flatMap(usesIn), ...usesIn(setupAction)];
  it("finds the actions in use (the walk sees steps, reusable workflows and the local action)", () => {
    expect(new Set(all.map(action))).toEqual(
      new Set([...Object.keys(PINS.actions), "./.github/actions/setup", "./.github/workflows/test.yml", "./.github/workflows/state-backend.yml"]),
    );
  });
  it("pins every third-party action to a full commit SHA, never a tag or a branch", () => {
    expect(all.filter((u) => !isPinned(u))).toEqual([]);
  });
  it("pins each action to the SHA of its tag in pinned-actions.json, with the version as a comment", () => {
    for (const [file, text] of Object.entries(RAW)) {
      for (const [, name, sha, comment] of text.matchAll(/uses: ([\w.-]+\/[\w.-]+)@(\S+)(?: # (\S+))?/g)) {
        const pin = PINS.actions[name];
        expect([file, name, sha, comment]).toEqual([file, name, pin.sha, pin.version]);
      }
    }
  });
  it("prefers Node 24 majors: every action runs on node24, except the archived terraform-cdk-action", () => {
    const old = Object.entries(PINS.actions).filter(([, a]) => a.runs !== "node24").map(([n, a]) => `${n} ${a.runs}`);
    expect(old).toEqual(["hashicorp/terraform-cdk-action node20"]);
  });
  it("runs the node20 action on Node 24 explicitly, in every job that uses it", () => {
    for (const { file, id, job } of allJobs().filter(({ job }) => stepsUsing(job, CDK_ACTION).length > 0)) {
      expect([file, id, job.env?.FORCE_JAVASCRIPT_ACTIONS_TO_NODE24]).toEqual([file, id, "true"]);
    }
  });
  it("records where each pin was read", () => {
    for (const [name, a] of Object.entries(PINS.actions)) {
      expect([name, a.sha]).toEqual([name, expect.stringMatching(/^[0-9a-f]{40}$/)]);
      expect([name, a.version]).toEqual([name, expect.stringMatching(/^v\d+\.\d+\.\d+$/)]);
    }
    expect((PINS as unknown as { "//": string[] })["//"].join(" ")).toMatch(/git rev-parse <version>\^\{commit\}/);
  });
});

describe("every step passes the inputs its action needs, and only inputs it has", () => {
  const steps = allSteps().filter(({ step }) => step.uses && !step.uses.startsWith("./"));
  it("finds the steps", () => {
    expect(steps.length).toBeGreaterThanOrEqual(14);
    expect(steps.filter(({ step }) => action(step.uses) === CDK_ACTION)).toHaveLength(4);
  });
  it("uses only declared inputs (GitHub silently ignores a misspelt one)", () => {
    for (const { where, step } of steps) {
      const declared = Object.keys(PINS.actions[action(step.uses)!].inputs);
      expect([where, step.name, Object.keys(step.with ?? {}).filter((k) => !declared.includes(k))]).toEqual([where, step.name, []]);
    }
  });
  it("passes every input action.yml requires without a default", () => {
    for (const { where, step } of steps) {
      const required = Object.entries(PINS.actions[action(step.uses)!].inputs).filter(([, i]) => i.required && i.default === undefined).map(([k]) => k);
      for (const k of required) expect([where, step.name, k, step.with?.[k] !== undefined]).toEqual([where, step.name, k, true]);
    }
  });
  it("passes the inputs the action's source needs though action.yml calls them optional (githubToken, stackName, role-to-assume)", () => {
    for (const { where, step } of steps) {
      const name = action(step.uses)!;
      for (const k of Object.keys(PINS.needed[name] ?? {})) {
        if (k === "stackName" && step.with?.mode === "synth-only") continue;
        expect([where, step.name, k, typeof step.with?.[k]]).toEqual([where, step.name, k, "string"]);
      }
    }
    expect(steps.filter(({ step }) => action(step.uses) === CDK_ACTION).map(({ step }) => step.with?.githubToken)).toEqual(
      Array(4).fill("${{ secrets.GITHUB_TOKEN }}"),
    );
  });
  it("uses only terraform-cdk-action's modes", () => {
    for (const { step } of steps.filter(({ step }) => action(step.uses) === CDK_ACTION)) expect(PINS.modes[CDK_ACTION]).toContain(step.with?.mode);
  });
  it("runs the cdktf-cli version of package.json and the Terraform version of the setup action", () => {
    const terraform = setupAction.runs.steps.find((s) => action(s.uses) === "hashicorp/setup-terraform")?.with?.terraform_version;
    for (const { step } of steps.filter(({ step }) => action(step.uses) === CDK_ACTION)) {
      expect(step.with?.cdktfVersion).toBe(pkg.devDependencies["cdktf-cli"]);
      expect(step.with?.terraformVersion).toBe(terraform);
    }
  });
  it("always sees the npm ci'd project (the setup action runs before it)", () => {
    for (const { job } of allJobs()) {
      const steps = effectiveSteps(job);
      const cdk = steps.findIndex((s) => action(s.uses) === CDK_ACTION);
      if (cdk >= 0) expect(steps.findIndex((s) => s.run === "npm ci")).toBeLessThan(cdk);
    }
  });
});

describe("toolchain (the local setup action)", () => {
  const steps = setupAction.runs.steps;
  it("is a composite action installing Node.js 22 with the npm cache, while package.json still allows Node.js 20", () => {
    expect(setupAction.runs.using).toBe("composite");
    const node = steps.find((s) => action(s.uses) === "actions/setup-node");
    expect(node?.with).toEqual(expect.objectContaining({ "node-version": 22, cache: "npm" }));
    expect(pkg.engines.node).toBe(">=20");
  });
  it("pins Terraform to one exact 1.11.x release with the wrapper off (cdktf parses terraform's own output)", () => {
    const tf = steps.find((s) => action(s.uses) === "hashicorp/setup-terraform");
    expect(String(tf?.with?.terraform_version)).toMatch(/^1\.11\.\d+$/);
    expect(tf?.with?.terraform_wrapper).toBe(false);
    expect(tf?.with?.cli_config_credentials_hostname).toBe("${{ inputs.terraform-cloud-hostname }}");
  });
  it("installs with npm ci (the lockfile), never npm install", () => {
    expect(steps.map((s) => s.run).filter(Boolean)).toEqual(["npm ci"]);
  });
});

describe("test.yml (the gate every workflow calls)", () => {
  const wf = workflows["test.yml"];
  it("is a reusable workflow", () => {
    expect(Object.keys(wf.on)).toEqual(["workflow_call"]);
  });
  it("checks out, sets up, runs npm test with CI=true, then synthesizes", () => {
    const job = wf.jobs.test;
    expect(job.steps?.[0].uses).toMatch(/^actions\/checkout@/);
    expect(job.steps?.[0].with).toEqual({ "persist-credentials": false });
    expect(job.steps?.[1].uses).toBe("./.github/actions/setup");
    expect(job.steps?.slice(2).map((s) => s.run)).toEqual(["npm test", "npm run synth"]);
    expect(job.env).toEqual(expect.objectContaining({ CI: "true", CHECKPOINT_DISABLE: "1" }));
  });
  it.each(["pull-request.yml", "deploy.yml", "terraform-cloud.yml"])("%s runs it before anything that deploys or plans", (file) => {
    const { jobs } = workflows[file];
    expect(jobs.test.uses).toBe("./.github/workflows/test.yml");
    for (const [id, job] of Object.entries(jobs)) if (!["test", "backend"].includes(id)) expect([file, id, job.needs]).toEqual([file, id, "test"]);
  });
});

describe("the state-backend switch: one repository variable, the other pipeline refuses", () => {
  const guard = workflows["state-backend.yml"];
  const script = guard.jobs.check.steps!.find((s) => s.run)!;
  it.each([
    ["deploy.yml", "s3"],
    ["terraform-cloud.yml", "cloud"],
  ])("%s calls it first, requiring %s, and its tests wait for it", (file, backend) => {
    const { jobs } = workflows[file];
    expect(jobs.backend).toEqual(expect.objectContaining({ uses: "./.github/workflows/state-backend.yml", with: { requires: backend } }));
    expect(jobs.test.needs).toBe("backend");
  });
  it("reads GLOBALAPP_STATE_BACKEND, s3 when unset", () => {
    expect(script.env?.SELECTED).toBe("${{ vars.GLOBALAPP_STATE_BACKEND || 's3' }}");
    expect(Object.keys(guard.on)).toEqual(["workflow_call"]);
  });
  it("plans pull requests only with S3 state (Terraform Cloud plans in its workspace)", () => {
    expect(workflows["pull-request.yml"].jobs.diff.if).toBe(
      "(vars.GLOBALAPP_STATE_BACKEND || 's3') == 's3' && github.event.pull_request.head.repo.full_name == github.repository",
    );
  });

  /** Runs the guard's shell script as the runner does (bash --noprofile --norc -eo pipefail), in a checkout with cdktf.json. */
  function runGuard(env: Record<string, string>, cdktfState?: unknown): { code: number; out: string } {
    const dir = mkdtempSync(join(tmpdir(), "globalapp-guard-"));
    writeFileSync(join(dir, "cdktf.json"), JSON.stringify({ context: { globalapp: cdktfState ? { state: cdktfState } : {} } }));
    const r = spawnSync("bash", [...RUNNER_BASH, script.run!], { cwd: dir, env: { PATH: process.env.PATH, ...env }, encoding: "utf8" });
    return { code: r.status ?? -1, out: r.stdout + r.stderr };
  }
  it.each([
    [{ SELECTED: "s3", REQUIRES: "s3", WORKFLOW: "deploy" }, 0, /GLOBALAPP_STATE_BACKEND=s3: deploy deploys/],
    [{ SELECTED: "cloud", REQUIRES: "cloud", WORKFLOW: "terraform-cloud" }, 0, /GLOBALAPP_STATE_BACKEND=cloud: terraform-cloud deploys/],
    [{ SELECTED: "cloud", REQUIRES: "s3", WORKFLOW: "deploy" }, 1, /::error title=deploy does not deploy here::GLOBALAPP_STATE_BACKEND is "cloud": this repository deploys with terraform-cloud.yml, and two pipelines must never manage one stack/],
    [{ SELECTED: "s3", REQUIRES: "cloud", WORKFLOW: "terraform-cloud" }, 1, /GLOBALAPP_STATE_BACKEND is "s3": this repository deploys with deploy.yml/],
    [{ SELECTED: "S3", REQUIRES: "s3", WORKFLOW: "deploy" }, 1, /::error title=GLOBALAPP_STATE_BACKEND::.*"S3"; allowed: s3 \(deploy.yml\) \| cloud \(terraform-cloud.yml\)/],
  ])("%j → exit %i", (env, code, message) => {
    const r = runGuard(env);
    expect(r.out).toMatch(message);
    expect(r.code).toBe(code);
  });
  it("refuses S3 deploys when cdktf.json configures another backend", () => {
    const r = runGuard({ SELECTED: "s3", REQUIRES: "s3", WORKFLOW: "deploy" }, { backend: "cloud", organization: "acme", workspace: "w" });
    expect(r.out).toMatch(/cdktf.json context.globalapp.state.backend is "cloud"/);
    expect(r.code).toBe(1);
  });
});

describe("pull-request.yml: cdktf diff as one updated PR comment", () => {
  const wf = workflows["pull-request.yml"];
  const diff = wf.jobs.diff;
  const cdk = theStep(diff, CDK_ACTION);

  it("runs on pull requests to main, and only there (never pull_request_target)", () => {
    expect(wf.on).toEqual({ pull_request: { branches: ["main"] } });
  });
  it("plans the globalapp stack with mode plan-only", () => {
    expect(cdk.with?.mode).toBe("plan-only");
    expect(cdk.with?.stackName).toBe(STACK_NAME);
  });
  it("posts the plan as a pull-request comment and updates that one comment on new pushes", () => {
    expect(cdk.with?.commentOnPr).toBe(true);
    expect(cdk.with?.updateComment).toBe(true);
  });
  it("gets AWS credentials through OIDC from the plan role in a repository variable, with no stored keys", () => {
    const creds = theStep(diff, AWS_CREDS);
    expect(creds.with?.["role-to-assume"]).toBe("${{ vars.AWS_PLAN_ROLE_ARN }}");
    expect(Object.keys(creds.with ?? {})).not.toContain("aws-access-key-id");
    expect(diff.steps!.indexOf(creds)).toBeLessThan(diff.steps!.indexOf(cdk));
  });
  it("plans without taking the state lock (read-only, never blocks or strands a deploy's lock)", () => {
    expect(diff.env?.TF_CLI_ARGS_plan).toBe("-lock=false");
  });
  it("gives the PR's code no secret but the GITHUB_TOKEN, and no environment", () => {
    const text = RAW["pull-request.yml"];
    expect([...text.matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1])).toEqual(["GITHUB_TOKEN"]);
    expect(diff.environment).toBeUndefined();
  });
  it("cancels a superseded plan of the same pull request", () => {
    expect(wf.concurrency).toEqual({ group: "pull-request-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
  });
  it("never deploys", () => {
    const modes = allJobs().filter((j) => j.file === "pull-request.yml").flatMap((j) => stepsUsing(j.job, CDK_ACTION).map((s) => s.with?.mode));
    expect(modes).toEqual(["plan-only"]);
  });
});

describe("deploy.yml: push to main → switch → test → deploy behind an environment", () => {
  const wf = workflows["deploy.yml"];
  const deploy = wf.jobs.deploy;
  const cdk = theStep(deploy, CDK_ACTION);

  it("runs on push to main (and by hand), never on pull requests", () => {
    expect(wf.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
  });
  it("applies the globalapp stack with auto-approve-apply", () => {
    expect(cdk.with?.mode).toBe("auto-approve-apply");
    expect(cdk.with?.stackName).toBe(STACK_NAME);
  });
  it("runs in the production environment, which can require approval", () => {
    expect(deploy.environment).toEqual({ name: "production" });
  });
  it("never overlaps another deploy and never cancels a running one", () => {
    expect(deploy.concurrency).toEqual({ group: DEPLOY_GROUP, "cancel-in-progress": false });
  });
  it("assumes the deploy role through OIDC for a session that outlasts the job", () => {
    const creds = theStep(deploy, AWS_CREDS);
    expect(creds.with?.["role-to-assume"]).toMatch(FROM_VARS);
    expect(Number(creds.with?.["role-duration-seconds"]) / 60).toBeGreaterThan(Number(deploy["timeout-minutes"]));
  });
  it("does not comment (no pull-requests permission on a push)", () => {
    expect(cdk.with?.commentOnPr).toBe(false);
  });
});

describe("terraform-cloud.yml: the Terraform Cloud variant", () => {
  const wf = workflows["terraform-cloud.yml"];
  it("is started by hand with a plan-only | auto-approve-apply choice", () => {
    expect(Object.keys(wf.on)).toEqual(["workflow_dispatch"]);
    const mode = (wf.on.workflow_dispatch as { inputs: { mode: { options: string[]; default: string } } }).inputs.mode;
    expect(mode.options).toEqual(["plan-only", "auto-approve-apply"]);
    expect(mode.default).toBe("plan-only");
  });
  it.each([
    ["plan", "plan-only", "TF_PLAN_TOKEN"],
    ["apply", "auto-approve-apply", "TF_API_TOKEN"],
  ])("job %s runs cdktf %s with the %s secret, and no AWS credentials in GitHub", (id, mode, secret) => {
    const job = wf.jobs[id];
    expect(job.if).toBe(`inputs.mode == '${mode}'`);
    const cdk = theStep(job, CDK_ACTION);
    expect(cdk.with).toEqual(expect.objectContaining({ mode, stackName: STACK_NAME, terraformCloudToken: `\${{ secrets.${secret} }}` }));
    expect(job.steps?.find((s) => s.uses === "./.github/actions/setup")?.with).toEqual({
      "terraform-cloud-token": `\${{ secrets.${secret} }}`,
      "terraform-cloud-hostname": "${{ vars.TFC_HOSTNAME || 'app.terraform.io' }}",
    });
    expect(stepsUsing(job, AWS_CREDS)).toHaveLength(0);
  });
  it("reads the apply token only in the production environment's job; the ungated plan job has a plan-only token", () => {
    for (const { file, id, job } of allJobs()) {
      if (JSON.stringify(job).includes("secrets.TF_API_TOKEN")) expect([file, id, job.environment]).toEqual(["terraform-cloud.yml", "apply", { name: "production" }]);
    }
    expect(wf.jobs.plan.environment).toBeUndefined();
    expect(JSON.stringify(wf.jobs.plan)).not.toContain("TF_API_TOKEN");
  });
  it("applies only behind the production environment, in the same concurrency group as deploy.yml", () => {
    expect(wf.jobs.apply.environment).toEqual({ name: "production" });
    expect(wf.jobs.apply.concurrency).toEqual({ group: DEPLOY_GROUP, "cancel-in-progress": false });
  });

  /** Runs a job's "Point the state at the Terraform Cloud workspace" step with jq, as the runner does. */
  function cloudConfig(jobId: string, vars: Record<string, string>): unknown {
    const step = wf.jobs[jobId].steps!.find((s) => s.run?.includes("GLOBALAPP_CONFIG"))!;
    const dir = mkdtempSync(join(tmpdir(), "globalapp-tfc-"));
    writeFileSync(join(dir, "env"), "");
    const r = spawnSync("bash", [...RUNNER_BASH, step.run!], {
      env: { PATH: process.env.PATH, RUNNER_TEMP: dir, GITHUB_ENV: join(dir, "env"), ...vars },
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(readFileSync(join(dir, "env"), "utf8")).toBe(`GLOBALAPP_CONFIG=${dir}/globalapp-cloud.json\n`);
    return JSON.parse(readFileSync(join(dir, "globalapp-cloud.json"), "utf8"));
  }
  it.each(["plan", "apply"])("%s: writes a valid cloud-state config, with the Terraform Enterprise host only when set", (job) => {
    const tfc = cloudConfig(job, { TFC_ORGANIZATION: "acme", TFC_WORKSPACE: "globalapp-prod", TFC_HOSTNAME: "" });
    expect(tfc).toEqual({ state: { backend: "cloud", organization: "acme", workspace: "globalapp-prod" } });
    expect(configWith(tfc).state).toEqual({ backend: "cloud", organization: "acme", workspace: "globalapp-prod" });
    const tfe = cloudConfig(job, { TFC_ORGANIZATION: "acme", TFC_WORKSPACE: "w", TFC_HOSTNAME: "tfe.example.com" });
    expect(configWith(tfe).state).toEqual({ backend: "cloud", organization: "acme", workspace: "w", hostname: "tfe.example.com" });
  });
});

describe("least privilege", () => {
  it.each(WORKFLOW_FILES)("%s grants nothing at the workflow level", (file) => {
    expect(workflows[file].permissions).toEqual({});
  });
  it("every job declares its permissions, and contents is read-only everywhere", () => {
    for (const { file, id, job } of allJobs()) {
      expect([file, id, typeof job.permissions]).toEqual([file, id, "object"]);
      expect([file, id, job.permissions?.contents]).toEqual([file, id, "read"]);
    }
  });
  it("only jobs that assume an AWS role through OIDC get id-token: write", () => {
    for (const { file, id, job } of allJobs()) {
      const oidc = stepsUsing(job, AWS_CREDS).length > 0;
      expect([file, id, job.permissions?.["id-token"]]).toEqual([file, id, oidc ? "write" : undefined]);
    }
  });
  it("only the job that comments the plan gets pull-requests: write", () => {
    for (const { file, id, job } of allJobs()) {
      const comments = stepsUsing(job, CDK_ACTION).some((s) => s.with?.commentOnPr === true);
      expect([file, id, job.permissions?.["pull-requests"]]).toEqual([file, id, comments ? "write" : undefined]);
    }
    expect(allJobs().filter(({ job }) => job.permissions?.["pull-requests"] === "write").map((j) => `${j.file}:${j.id}`)).toEqual(["pull-request.yml:diff"]);
  });
  it("no job asks for any other permission", () => {
    for (const { job } of allJobs()) {
      expect(Object.keys(job.permissions ?? {}).filter((k) => !["contents", "id-token", "pull-requests"].includes(k))).toEqual([]);
    }
  });
  it("every checkout leaves no credentials in the git config", () => {
    for (const { where, step } of allSteps().filter(({ step }) => action(step.uses) === "actions/checkout")) {
      expect([where, step.with?.["persist-credentials"]]).toEqual([where, false]);
    }
  });
  it("every deploying job is in the production environment and the one concurrency group", () => {
    const deploying = allJobs().filter(({ job }) => stepsUsing(job, CDK_ACTION).some((s) => /apply|destroy/.test(String(s.with?.mode))));
    expect(deploying.map((j) => `${j.file}:${j.id}`).sort()).toEqual(["deploy.yml:deploy", "terraform-cloud.yml:apply"]);
    for (const { job } of deploying) {
      expect(job.environment).toEqual({ name: "production" });
      expect(job.concurrency).toEqual({ group: DEPLOY_GROUP, "cancel-in-progress": false });
    }
  });
});

describe("dependabot.yml keeps the pins current", () => {
  const dependabot = load<{ version: number; updates: Array<{ "package-ecosystem": string; directory?: string; directories?: string[]; schedule: { interval: string } }> }>(
    join(GITHUB, "dependabot.yml"),
  );
  it("updates the GitHub Actions of the workflows and of the local setup action, and npm", () => {
    expect(dependabot.version).toBe(2);
    const byEcosystem = Object.fromEntries(dependabot.updates.map((u) => [u["package-ecosystem"], u]));
    expect(byEcosystem["github-actions"].directories).toEqual(["/", "/.github/actions/setup"]);
    expect(byEcosystem.npm.directory).toBe("/");
    for (const u of dependabot.updates) expect(u.schedule.interval).toBe("weekly");
  });
});
