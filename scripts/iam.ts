/**
 * `npm run iam -- --role deploy|plan|boundary`: the IAM policy document of the role that deploys the
 * stack, of the read-only plan role, or the permissions boundary of the roles the stack creates,
 * derived from the `globalapp` stack synthesized for the current config (cdktf.json, then
 * GLOBALAPP_CONFIG). One JSON document on stdout, ready to paste or attach; a summary on stderr.
 *
 * Exit status: 0 printed, 1 the stack holds a resource type the action table does not know (the
 * policy would be incomplete), 2 bad usage or config.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { GlobalAppStack, STACK_NAME } from "../constructs/global-app-stack";
import { PROJECT_ROOT } from "../constructs/lib/bundle";
import { type AppConfig, loadConfigFromProject } from "../model/config";
import { parseOptions, runCli, UsageError } from "../lib/cli";
import {
  iamContext,
  INLINE_POLICIES_MAX_CHARS,
  inventoryOf,
  MANAGED_POLICY_MAX_CHARS,
  missingTypes,
  permissionsBoundaryEnabled,
  policyFor,
  policySize,
  POLICY_ROLES,
  type PolicyRole,
  splitPolicy,
  type StackInventory,
  type SynthesizedStack,
} from "../model/iam";

export const USAGE = `Usage: npm run -s iam -- --role deploy|plan|boundary [--account ID] [--split]

Prints the IAM policy document, as JSON, for the globalapp stack of the current config
(cdktf.json context.globalapp, then the GLOBALAPP_CONFIG file over it):
  deploy    the role that runs cdktf deploy/destroy: every action the aws provider 5.100 calls to
            create, read, update and delete what the stack holds, the state object and its lockfile
  plan      the read-only role of pull-request plans: what a refresh reads, and the state object
  boundary  the permissions boundary every role the deploy role creates must carry

Options:
  --role R       deploy | plan | boundary (required)
  --account ID   write this 12-digit account id into the ARNs (default: the policy variable
                 \${aws:PrincipalAccount}, the account of whoever uses the policy)
  --split        print {"role", "policies": [...]}: documents of at most ${MANAGED_POLICY_MAX_CHARS} characters each,
                 one per managed policy (IAM's limit per managed policy)
  -h, --help     this text

Exit status: 0 printed, 1 the stack holds a resource type without an IAM table entry, 2 bad usage or config.
`;


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
  help: { type: "boolean", short: "h" },
} as const;

/** Runs the CLI against a loaded config; pure apart from synthesizing the stack. */
export function runIam(argv: readonly string[], config: AppConfig): IamOutput {
  const values = parseOptions(OPTIONS, argv);
  if (values.help) return { stdout: USAGE, stderr: [], exitCode: 0 };
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
