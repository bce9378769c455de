/** What the drill-style CLIs (`npm run shift`) share: usage errors, number options, the confirmation prompt. */
import { createInterface } from "node:readline/promises";

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
