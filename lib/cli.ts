/**
 * What the project's programs share (`npm run synth`, `local`, `drill`, `shift`, `cost`, `iam`,
 * `bench`, `screenshots`, `docs`): option parsing that names the option and points to `--help`,
 * number and region options, the confirmation prompt, and {@link runCli}, which runs a program to its
 * exit status (docs/programs.md, "Exit status"), stopping it on a signal or a closed output
 * (./stop.ts).
 */
import { createInterface } from "node:readline/promises";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { closestKey, ConfigError } from "../model/config";
import { AWS_REGIONS } from "../model/regions";
import { EXIT, type StopControl, watchStops } from "./stop";

/** Bad usage: exit status 2. */
export class UsageError extends Error {}

/** A positive number option; `fallback` when absent. @throws UsageError naming the option */
export function positive(name: string, value: string | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`--${name} must be a positive ${integer ? "integer" : "number"}, got "${value}"`);
  return n;
}

/** An integer option in `min`-`max`. @throws UsageError naming the option */
export function integerIn(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer ${min}-${max}, got "${value}"`);
  return n;
}

/** A port option, 0-65535 (0: any free port); undefined when absent. @throws UsageError naming the option */
export function portOption(name: string, value: string | undefined): number | undefined {
  return value === undefined ? undefined : integerIn(name, value, 0, 65535);
}

/** Runs an option's own parser; whatever it throws is bad usage. */
export function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw err instanceof UsageError ? err : new UsageError((err as Error).message);
  }
}

/** Refuses to go on without a terminal to ask on (pass --yes instead). @throws UsageError */
export function requireTerminal(what: string): void {
  if (!process.stdin.isTTY) throw new UsageError(`${what}; pass --yes to run it without a terminal to confirm on`);
}

/** Shows `lines` under `title` on stderr and asks y/N on the terminal; `signal` (a stop) ends the question. */
export async function confirmOnTerminal(title: string, lines: readonly string[], signal?: AbortSignal): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write(`\n${title}\n${lines.map((l) => `  ${l}`).join("\n")}\n`);
    return /^y(es)?$/i.test((await rl.question("Continue? [y/N] ", signal ? { signal } : {})).trim());
  } finally {
    rl.close();
  }
}

/** The options of a program, as node:util parseArgs takes them. */
export type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses `argv` strictly (no positionals) against `options`. @throws UsageError naming what is wrong:
 * an unknown option with the known one it most likely meant, a missing value, a stray argument
 */
export function parseOptions<T extends Options>(options: T, argv: readonly string[] = process.argv.slice(2)) {
  return parseStrictly(options, argv, false).values;
}

/**
 * Like {@link parseOptions}, for a program that also takes positional arguments (jest patterns, say).
 * @throws UsageError naming what is wrong, in one short line
 */
export function parseOptionsAndArguments<T extends Options>(options: T, argv: readonly string[] = process.argv.slice(2)) {
  return parseStrictly(options, argv, true);
}

/** node:util parseArgs, strict; its errors as one-line UsageErrors. */
function parseStrictly<T extends Options, P extends boolean>(options: T, argv: readonly string[], allowPositionals: P) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals });
  } catch (err) {
    throw new UsageError(parseErrorMessage(err as NodeJS.ErrnoException, Object.keys(options)));
  }
}

/** node:util parseArgs' error in one short line, with "did you mean" for an unknown option. */
function parseErrorMessage(err: NodeJS.ErrnoException, known: readonly string[]): string {
  const quoted = /'([^']+)'/.exec(err.message)?.[1] ?? "";
  switch (err.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const name = quoted.replace(/^-+/, "").split("=")[0];
      const guess = name.length > 1 ? closestKey(name, known) : undefined;
      return `unknown option ${quoted}${guess ? ` — did you mean --${guess}?` : ""}`;
    }
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const option = quoted.replace(/ <value>$/, "");
      if (/argument missing/.test(err.message)) return `${option} needs a value`;
      if (/ambiguous/.test(err.message)) return `${option} needs a value; one that starts with "-" is written ${option}=-…`;
      return `${option} takes no value`;
    }
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument "${quoted}"`;
    default:
      return err.message;
  }
}

/**
 * A region option: an AWS region code, and one of `allowed` when given (the config's regions). A typo
 * gets the region it most likely meant. @throws UsageError naming the option and the value
 */
export function regionOption(name: string, value: string, allowed?: readonly string[]): string {
  const within = allowed ?? AWS_REGIONS;
  if (within.includes(value)) return value;
  const guess = closestKey(value, within) ?? (allowed ? undefined : closestKey(value, AWS_REGIONS));
  const hint = guess ? ` — did you mean ${guess}?` : "";
  if (!AWS_REGIONS.includes(value)) throw new UsageError(`--${name} "${value}" is not an AWS region code${hint}`);
  throw new UsageError(`--${name} must be one of ${within.join(", ")}, got "${value}"${hint}`);
}

/** What a running program gets from {@link runCli}. */
export type CliRun = Pick<StopControl, "signal" | "onStop" | "open">;

/** Settings of {@link runCli}. */
export interface RunCliOptions {
  /** The npm script a usage error points to for `--help`; none for a program without options. @default the program's name */
  readonly script?: string | null;
  /** Real seconds a stopped program gets before it is ended anyway. @default 5 */
  readonly graceSeconds?: number;
}

/** Whether `err` is bad usage or config (exit status 2) rather than a failure (1). */
export function isUsageError(err: unknown): boolean {
  return err instanceof UsageError || err instanceof RangeError || err instanceof ConfigError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") === true;
}

/**
 * Runs a program and exits with its status: `main`'s, or after a failure one line `name: message` on
 * stderr and 2 for bad usage or config (pointing to `--help` unless it is the config) or 1 for
 * anything else. A signal or a closed output aborts `run.signal`; once `main` has undone its work
 * (or the grace period is over) the process exits with 128 + the signal's number (./stop.ts).
 */
export function runCli(name: string, main: (run: CliRun) => Promise<number>, options: RunCliOptions = {}): void {
  const stops = watchStops({ graceSeconds: options.graceSeconds });
  const script = options.script === undefined ? name : options.script;
  const run: CliRun = { signal: stops.signal, onStop: stops.onStop, open: stops.open };
  const finish = (code: number) => process.exit(stops.stopped?.exitCode ?? code);
  Promise.resolve()
    .then(() => main(run))
    .then(finish, (err: unknown) => {
      // Stopped: whatever failed on the way out is a consequence of the stop, not news.
      if (stops.stopped) return finish(EXIT.failed);
      const usage = isUsageError(err);
      const help = usage && !(err instanceof ConfigError) && script ? ` (npm run ${script} -- --help)` : "";
      console.error(`${name}: ${(err as Error).message}${help}`);
      if (!usage && process.env.GLOBALAPP_DEBUG === "1" && err instanceof Error) console.error(err.stack);
      finish(usage ? EXIT.usage : EXIT.failed);
    });
}
