/**
 * What the project's CLIs share (`npm run drill`, `shift`, `cost`, `iam`): usage errors, number
 * options, the confirmation prompt, Ctrl-C handling, and the exit status of a failure (2 for bad
 * usage or config, else 1).
 */
import { createInterface } from "node:readline/promises";
import { ConfigError } from "../model/config";

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

/** Refuses to go on without a terminal to ask on (pass --yes instead). @throws UsageError */
export function requireTerminal(what: string): void {
  if (!process.stdin.isTTY) throw new UsageError(`${what}; pass --yes to run it without a terminal to confirm on`);
}

/** Shows `lines` under `title` on stderr and asks y/N on the terminal. */
export async function confirmOnTerminal(title: string, lines: readonly string[]): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write(`\n${title}\n${lines.map((l) => `  ${l}`).join("\n")}\n`);
    return /^y(es)?$/i.test((await rl.question("Continue? [y/N] ")).trim());
  } finally {
    rl.close();
  }
}

/** Ctrl-C handling of a CLI that undoes what it changed. */
export interface Interruptible {
  /** Aborted by the first Ctrl-C (or SIGTERM): the CLI then undoes its change and exits 130. */
  readonly signal: AbortSignal;
  /** Stops listening for the signals. */
  dispose(): void;
}

/**
 * Listens for Ctrl-C and SIGTERM: the first says `interrupted: <undoing>…` and aborts `signal`; a
 * second quits at once with status 130, leaving things as they are.
 */
export function interruptible(undoing: string): Interruptible {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\ninterrupted: ${undoing}… (Ctrl-C again to quit at once)\n`);
    controller.abort(new Error("interrupted"));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

/**
 * Runs `main` and exits with its status; a failure prints one line `name: message` and exits 2 for
 * bad usage (UsageError, RangeError, an invalid config, an unknown option), else 1.
 */
export function runCli(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      const usage = err instanceof UsageError || err instanceof RangeError || err instanceof ConfigError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
      console.error(`${name}: ${(err as Error).message}`);
      process.exit(usage ? 2 : 1);
    },
  );
}
