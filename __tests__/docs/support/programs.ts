/**
 * The project's programs as the docs show them: each npm script, the file it runs, the options its
 * own parser takes (imported, never copied), its usage text, and the guide that documents it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import * as bench from "../../../bench/index";
import * as shift from "../../../shift/main";
import * as drill from "../../../drill/main";
import * as local from "../../../local/main";
import { refusalReasons, USAGE as E2E_USAGE } from "../../../scripts/aws-e2e";
import * as cost from "../../../scripts/cost";
import * as docsCli from "../../../scripts/docs";
import * as iam from "../../../scripts/iam";
import * as iamOperations from "../../../scripts/provider-operations";
import * as screenshots from "../../../scripts/screenshots";
import * as testLoad from "../../../scripts/test-load";
import { parseOptionsAndArguments } from "../../../lib/cli";
import { ROOT } from "./markdown";

export const SCRIPTS = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

/** A program behind an npm script. */
export interface Program {
  /** Why `args` are not what the program accepts, or undefined when they are (parse only: nothing runs). */
  readonly reject: (args: readonly string[]) => string | undefined;
  /** Its `--help` text, and the guide that shows it verbatim (programs without options have none). */
  readonly usage?: string;
  readonly guide?: string;
  /** The options its parser takes, when it uses node:util parseArgs. */
  readonly options?: ParseArgsConfig["options"];
}

/** The reason node:util's parseArgs refuses `args` with `options` (strict, no positionals), if it does. */
function parseError(options: NonNullable<ParseArgsConfig["options"]>, args: readonly string[]): string | undefined {
  try {
    parseArgs({ args: [...args], options, strict: true, allowPositionals: false });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

const withParser = (options: NonNullable<ParseArgsConfig["options"]>, usage: string, guide: string): Program => ({
  reject: (args) => parseError(options, args),
  usage,
  guide,
  options,
});

const noArguments: Program = { reject: (args) => (args.length > 0 ? `takes no arguments, got ${args.join(" ")}` : undefined) };

/** Every npm script the docs may show, by name. */
export const PROGRAMS: Readonly<Record<string, Program>> = {
  synth: noArguments,
  typecheck: noArguments,
  test: noArguments,
  local: withParser(local.OPTIONS, local.USAGE, "docs/local.md"),
  drill: withParser(drill.OPTIONS, drill.USAGE, "docs/failover.md"),
  shift: withParser(shift.OPTIONS, shift.USAGE, "docs/failover.md"),
  cost: withParser(cost.OPTIONS, cost.USAGE, "docs/deploying.md"),
  iam: withParser(iam.OPTIONS, iam.USAGE, "docs/delivery.md"),
  "iam:operations": withParser(iamOperations.OPTIONS, iamOperations.USAGE, "docs/delivery.md"),
  bench: withParser(bench.OPTIONS, bench.USAGE, "docs/benchmarks.md"),
  screenshots: withParser(screenshots.OPTIONS, screenshots.USAGE, "docs/testing.md"),
  docs: withParser(docsCli.OPTIONS, docsCli.USAGE, "docs/configuration.md"),
  "test:aws": {
    // Its own rules (scripts/aws-e2e.ts): with credentials and confirmation given, only unknown arguments are refused.
    reject: (args) => {
      if (args.includes("--help") || args.includes("-h")) return undefined;
      return refusalReasons(args, { AWS_PROFILE: "docs", GLOBALAPP_AWS_E2E: "1" }).find((r) => r.startsWith("unknown argument"));
    },
    usage: E2E_USAGE,
    guide: "docs/testing.md",
  },
  "test:load": {
    // Its positionals are jest's patterns (npm test -- PATTERN…); its options are checked as usual.
    reject: (args) => {
      try {
        parseOptionsAndArguments(testLoad.OPTIONS, args);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
    usage: testLoad.USAGE,
    guide: "docs/testing.md",
    options: testLoad.OPTIONS,
  },
  // `npm run cdktf -- …` is the cdktf CLI: the docs use `npx cdktf`, checked against the CLI's own --help.
  cdktf: { reject: () => "show it as npx cdktf …" },
};

/** The file an npm script runs with the synth runner (`node -r ./scripts/ts-register.cjs <file>`), if it does. */
export function scriptFile(script: string): string | undefined {
  return /^node -r \.\/scripts\/ts-register\.cjs (\S+\.ts)$/.exec(SCRIPTS[script] ?? "")?.[1];
}

/** The options a usage text lists: every `--name` (and `-x`) at the start of an option line. */
export function usageOptions(usage: string): string[] {
  return [...usage.matchAll(/^ {2,}(?:-[a-z], )?--([a-z][a-z0-9-]*)/gm)].map((m) => m[1]);
}
