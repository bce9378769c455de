/**
 * What the CLIs that run against a target (`npm run drill`, `npm run shift`) share beyond the
 * project's CLI helpers (lib/cli.ts): the target options and their check.
 */
import { UsageError } from "../lib/cli";

/** The `parseArgs` options of a CLI that runs against the local system or the deployed stack, as the drill does. */
export const TARGET_OPTIONS = {
  target: { type: "string" },
  json: { type: "boolean" },
  "time-scale": { type: "string" },
  yes: { type: "boolean", short: "y" },
  outputs: { type: "string" },
  url: { type: "string" },
  admin: { type: "string" },
  fresh: { type: "boolean" },
  path: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** The `--target` value. @throws UsageError unless it is local or aws */
export function targetKind(value: string | undefined): "local" | "aws" {
  if (value !== "local" && value !== "aws") throw new UsageError(`--target must be local or aws${value ? `, got "${value}"` : ""}`);
  return value;
}

/** The `--path` value: an absolute URL path, else `fallback`. @throws UsageError for anything else */
export function probePathOption(value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  if (!/^\/[^\s#]*$/.test(value)) throw new UsageError(`--path must be an absolute URL path such as "/" or "/get/foobar", got "${value}"`);
  return value;
}
