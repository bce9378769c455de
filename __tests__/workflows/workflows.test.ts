import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { STACK_NAME } from "../../constructs/global-app-stack";

/**
 * The GitHub Actions setup, read as YAML: triggers, jobs, the plan comment, OIDC, the deploy
 * environment, concurrency, least permissions and pinned versions. Each assertion names what a
 * careless edit would break (dropping the PR comment, unpinning an action, widening permissions).
 */
const ROOT = join(__dirname, "..", "..");
const GITHUB = join(ROOT, ".github");

type Obj = Record<string, unknown>;
interface Step extends Obj {
  name?: string;
  uses?: string;
  run?: string;
  with?: Obj;
}
interface Job extends Obj {
  uses?: string;
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

function load<T>(path: string): T {
  const doc = parseDocument(readFileSync(path, "utf8"), { prettyErrors: true });
  if (doc.errors.length) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join("; ")}`);
  return doc.toJS() as T;
}

const WORKFLOW_FILES = readdirSync(join(GITHUB, "workflows")).filter((f) => /\.ya?ml$/.test(f));
const workflows: Record<string, Workflow> = Object.fromEntries(
  WORKFLOW_FILES.map((f) => [f, load<Workflow>(join(GITHUB, "workflows", f))]),
);
const setupAction = load<{ runs: { using: string; steps: Step[] }; inputs?: Obj }>(join(GITHUB, "actions", "setup", "action.yml"));
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> };

/** Every `uses:` value anywhere in a parsed file (steps and reusable-workflow jobs). */
function usesIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(usesIn);
  if (node && typeof node === "object") {
    return Object.entries(node).flatMap(([k, v]) => (k === "uses" && typeof v === "string" ? [v] : usesIn(v)));
  }
  return [];
}

/** A reference GitHub cannot move under us: a local path, an exact vX.Y.Z release tag or a full commit SHA. */
function isPinned(uses: string): boolean {
  if (uses.startsWith("./")) return true;
  const m = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@(.+)$/.exec(uses);
  if (!m) return false;
  return /^v\d+\.\d+\.\d+$/.test(m[2]) || /^[0-9a-f]{40}$/.test(m[2]);
}

const action = (uses: string | undefined) => uses?.split("@")[0];
const stepsUsing = (job: Job, name: string) => (job.steps ?? []).filter((s) => action(s.uses) === name);
function theStep(job: Job, name: string): Step {
  const found = stepsUsing(job, name);
  expect(found).toHaveLength(1);
  return found[0];
}
const allJobs = () => Object.entries(workflows).flatMap(([file, wf]) => Object.entries(wf.jobs).map(([id, job]) => ({ file, id, job })));
/** Steps a job runs, including those of the local setup action it calls. */
const effectiveSteps = (job: Job): Step[] =>
  (job.steps ?? []).flatMap((s) => (s.uses === "./.github/actions/setup" ? [s, ...setupAction.runs.steps] : [s]));

const CDK_ACTION = "hashicorp/terraform-cdk-action";
const AWS_CREDS = "aws-actions/configure-aws-credentials";
/** The action's inputs (action.yml of hashicorp/terraform-cdk-action), to catch misspelt keys. */
const CDK_ACTION_INPUTS = [
  "cdktfVersion",
  "terraformVersion",
  "workingDirectory",
  "mode",
  "stackName",
  "terraformCloudToken",
  "githubToken",
  "commentOnPr",
  "updateComment",
  "customNpxArgs",
  "cdktfArgs",
  "suppressOutput",
];
const CDK_ACTION_MODES = ["synth-only", "plan-only", "auto-approve-apply", "auto-approve-destroy"];
const FROM_VARS = /^\$\{\{\s*vars\.[A-Z0-9_]+\s*\}\}$/;
const DEPLOY_GROUP = "globalapp-deploy-production";

describe("pinning", () => {
  it.each([
    ["actions/checkout@v4.2.2", true],
    ["actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683", true],
    ["./.github/actions/setup", true],
    ["actions/checkout@main", false],
    ["actions/checkout@master", false],
    ["actions/checkout@v4", false],
    ["actions/checkout", false],
    ["actions/checkout@11bd719", false],
  ])("isPinned(%s) = %s", (uses, pinned) => {
    expect(isPinned(uses)).toBe(pinned);
  });

  const all = [...Object.values(workflows).flatMap(usesIn), ...usesIn(setupAction)];
  it("finds the actions in use (the walk sees steps, reusable workflows and the local action)", () => {
    expect(new Set(all.map(action))).toEqual(
      new Set(["actions/checkout", "actions/setup-node", "hashicorp/setup-terraform", AWS_CREDS, CDK_ACTION, "./.github/actions/setup", "./.github/workflows/test.yml"]),
    );
  });
  it("pins every action to an exact release tag or a commit SHA, never a branch or a moving major tag", () => {
    expect(all.filter((u) => !isPinned(u))).toEqual([]);
    expect(all.filter((u) => /@(main|master|HEAD|latest)$/.test(u))).toEqual([]);
  });
  it("uses one version of each action everywhere", () => {
    const versions = new Map<string, Set<string>>();
    for (const u of all.filter((x) => !x.startsWith("./"))) {
      const [name, ref] = u.split("@");
      versions.set(name, (versions.get(name) ?? new Set()).add(ref));
    }
    for (const [name, refs] of versions) expect([name, [...refs]]).toEqual([name, [expect.any(String)]]);
  });
});

describe("toolchain (the local setup action)", () => {
  const steps = setupAction.runs.steps;
  it("is a composite action installing Node.js 20 with the npm cache", () => {
    expect(setupAction.runs.using).toBe("composite");
    const node = steps.find((s) => action(s.uses) === "actions/setup-node");
    expect(node?.with).toEqual(expect.objectContaining({ "node-version": 20, cache: "npm" }));
  });
  it("pins Terraform to one exact 1.11.x release with the wrapper off (cdktf parses terraform's own output)", () => {
    const tf = steps.find((s) => action(s.uses) === "hashicorp/setup-terraform");
    expect(String(tf?.with?.terraform_version)).toMatch(/^1\.11\.\d+$/);
    expect(tf?.with?.terraform_wrapper).toBe(false);
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
  it.each(["pull-request.yml", "deploy.yml", "terraform-cloud.yml"])("%s runs it first and everything else needs it", (file) => {
    const { jobs } = workflows[file];
    expect(jobs.test.uses).toBe("./.github/workflows/test.yml");
    for (const [id, job] of Object.entries(jobs)) if (id !== "test") expect(job.needs).toBe("test");
  });
});

describe("pull-request.yml: cdktf diff as one updated PR comment", () => {
  const wf = workflows["pull-request.yml"];
  const diff = wf.jobs.diff;
  const cdk = theStep(diff, CDK_ACTION);

  it("runs on pull requests to main, and only there", () => {
    expect(wf.on).toEqual({ pull_request: { branches: ["main"] } });
  });
  it("plans the globalapp stack with mode plan-only", () => {
    expect(cdk.with?.mode).toBe("plan-only");
    expect(cdk.with?.stackName).toBe(STACK_NAME);
  });
  it("posts the plan as a pull-request comment and updates that one comment on new pushes", () => {
    expect(cdk.with?.commentOnPr).toBe(true);
    expect(cdk.with?.updateComment).toBe(true);
    expect(cdk.with?.githubToken).toBe("${{ secrets.GITHUB_TOKEN }}");
  });
  it("gets AWS credentials through OIDC from a role in a repository variable, with no stored keys", () => {
    const creds = theStep(diff, AWS_CREDS);
    expect(creds.with?.["role-to-assume"]).toMatch(FROM_VARS);
    expect(Object.keys(creds.with ?? {})).not.toContain("aws-access-key-id");
    expect(diff.steps!.indexOf(creds)).toBeLessThan(diff.steps!.indexOf(cdk));
  });
  it("plans without taking the state lock (read-only, never blocks or strands a deploy's lock)", () => {
    expect(diff.env?.TF_CLI_ARGS_plan).toBe("-lock=false");
  });
  it("skips pull requests from forks, which get no OIDC token", () => {
    expect(diff.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
  });
  it("cancels a superseded plan of the same pull request", () => {
    expect(wf.concurrency).toEqual({ group: "pull-request-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
  });
  it("never deploys", () => {
    const modes = allJobs().filter((j) => j.file === "pull-request.yml").flatMap((j) => stepsUsing(j.job, CDK_ACTION).map((s) => s.with?.mode));
    expect(modes).toEqual(["plan-only"]);
  });
});

describe("deploy.yml: push to main → test → deploy behind an environment", () => {
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
  it("assumes the deploy role through OIDC from a repository variable", () => {
    expect(theStep(deploy, AWS_CREDS).with?.["role-to-assume"]).toMatch(FROM_VARS);
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
    ["plan", "plan-only"],
    ["apply", "auto-approve-apply"],
  ])("job %s runs cdktf %s with the TF_API_TOKEN secret, and no AWS credentials in GitHub", (id, mode) => {
    const job = wf.jobs[id];
    expect(job.if).toBe(`inputs.mode == '${mode}'`);
    const cdk = theStep(job, CDK_ACTION);
    expect(cdk.with).toEqual(expect.objectContaining({ mode, stackName: STACK_NAME, terraformCloudToken: "${{ secrets.TF_API_TOKEN }}" }));
    expect(job.steps?.find((s) => s.uses === "./.github/actions/setup")?.with).toEqual({ "terraform-cloud-token": "${{ secrets.TF_API_TOKEN }}" });
    expect(stepsUsing(job, AWS_CREDS)).toHaveLength(0);
  });
  it("switches the state backend to the cloud workspace through GLOBALAPP_CONFIG", () => {
    for (const job of [wf.jobs.plan, wf.jobs.apply]) {
      const run = job.steps?.find((s) => s.run?.includes("GLOBALAPP_CONFIG"))?.run ?? "";
      expect(run).toContain('backend: "cloud"');
      expect(run).toContain('>> "$GITHUB_ENV"');
    }
  });
  it("applies only behind the production environment, in the same concurrency group as deploy.yml", () => {
    expect(wf.jobs.apply.environment).toEqual({ name: "production" });
    expect(wf.jobs.apply.concurrency).toEqual({ group: DEPLOY_GROUP, "cancel-in-progress": false });
    expect(wf.jobs.plan.environment).toBeUndefined();
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
  it("every deploying job is in the production environment and the one concurrency group", () => {
    const deploying = allJobs().filter(({ job }) => stepsUsing(job, CDK_ACTION).some((s) => /apply|destroy/.test(String(s.with?.mode))));
    expect(deploying.map((j) => `${j.file}:${j.id}`).sort()).toEqual(["deploy.yml:deploy", "terraform-cloud.yml:apply"]);
    for (const { job } of deploying) {
      expect(job.environment).toEqual({ name: "production" });
      expect(job.concurrency).toEqual({ group: DEPLOY_GROUP, "cancel-in-progress": false });
    }
  });
});

describe("terraform-cdk-action inputs", () => {
  const uses = allJobs().flatMap(({ job }) => stepsUsing(job, CDK_ACTION));
  it("uses only inputs the action has (a misspelt key is silently ignored by GitHub)", () => {
    for (const s of uses) expect(Object.keys(s.with ?? {}).filter((k) => !CDK_ACTION_INPUTS.includes(k))).toEqual([]);
    expect(uses.length).toBeGreaterThanOrEqual(4);
  });
  it("uses only the action's modes", () => {
    for (const s of uses) expect(CDK_ACTION_MODES).toContain(s.with?.mode);
  });
  it("runs the cdktf-cli version of package.json and the Terraform version of the setup action", () => {
    const terraform = setupAction.runs.steps.find((s) => action(s.uses) === "hashicorp/setup-terraform")?.with?.terraform_version;
    for (const s of uses) {
      expect(s.with?.cdktfVersion).toBe(pkg.devDependencies["cdktf-cli"]);
      expect(s.with?.terraformVersion).toBe(terraform);
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
