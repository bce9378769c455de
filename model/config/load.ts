/**
 * Loading: built-in defaults ← cdktf.json `context.globalapp` ← the JSON file named by
 * GLOBALAPP_CONFIG (later wins, objects deep-merged, arrays replaced), validated once.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BUILTIN_DEFAULTS } from "./defaults";
import { type AppConfig, CONFIG_SCHEMA, STATE_FIELDS } from "./schema";

/** A configuration that fails validation; the message names every bad key and value. */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** One line per problem: `key = value: what is allowed`. */
    public readonly problems: readonly string[] = [],
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Deep-merges `over` onto `base`: objects merge key by key, everything else (arrays too) is replaced.
 * An object that names a different `backend` (the `state` key) replaces the base object whole, so that
 * switching from s3 to cloud does not inherit the s3 bucket.
 */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  if ("backend" in over && over.backend !== base.backend) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/** Follows a zod issue path into the raw input, to quote the value the user gave. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "");
}

/**
 * Validates a raw (already merged) configuration object.
 * @throws ConfigError naming every bad key, the value given and what is allowed.
 */
export function parseConfig(raw: unknown): AppConfig {
  const result = CONFIG_SCHEMA.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      const fields = formatPath(issue.path) === "state" ? STATE_FIELDS[String(valueAt(raw, [...issue.path, "backend"]))] : undefined;
      const hint = fields ? ` for state.backend "${String(valueAt(raw, [...issue.path, "backend"]))}" (allowed: ${fields.join(", ")})` : "";
      return issue.keys.map((k) => `${formatPath([...issue.path, k])}: unknown key${hint}`).join("; ");
    }
    const key = formatPath(issue.path) || "(config)";
    const value = valueAt(raw, issue.path);
    const shown = value === undefined ? "missing" : JSON.stringify(value);
    return `${key} = ${shown}: ${issue.message}`;
  });
  return failWith(problems);
}

function failWith(problems: string[]): never {
  throw new ConfigError(`invalid GlobalApp config:\n  - ${problems.join("\n  - ")}`, problems);
}

/** Where the raw configuration comes from; main.ts fills this from cdktf.json and the environment. */
export interface ConfigSources {
  /** `context.globalapp` from cdktf.json. @default {} */
  readonly context?: unknown;
  /** Path of a JSON file deep-merged over the context (the GLOBALAPP_CONFIG env var). @default none */
  readonly overridePath?: string;
}

/** Reads a JSON override file, failing with a message that names the file. */
export function readOverrideFile(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    return failWith([`GLOBALAPP_CONFIG = ${JSON.stringify(path)}: cannot read file (${(err as NodeJS.ErrnoException).code ?? err})`]);
  }
  try {
    const parsed = JSON.parse(text) as Json;
    if (!isPlainObject(parsed)) return failWith([`GLOBALAPP_CONFIG = ${JSON.stringify(path)}: must contain a JSON object`]);
    return parsed;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    return failWith([`GLOBALAPP_CONFIG = ${JSON.stringify(path)}: not valid JSON (${(err as Error).message})`]);
  }
}

/** Merges built-in defaults, the cdktf.json context and the override file, then validates once. */
export function loadConfig(sources: ConfigSources = {}): AppConfig {
  if (sources.context !== undefined && !isPlainObject(sources.context)) {
    failWith([`context.globalapp = ${JSON.stringify(sources.context)}: must be a JSON object`]);
  }
  const override = sources.overridePath ? readOverrideFile(sources.overridePath) : {};
  return parseConfig(deepMerge(deepMerge(BUILTIN_DEFAULTS, sources.context ?? {}), override));
}

/**
 * Loads the project's config the one way every entry point does (npm run synth, npm run local,
 * npm run drill): `context.globalapp` from `<projectRoot>/cdktf.json`, then the file named by
 * `env.GLOBALAPP_CONFIG` deep-merged over it, validated once.
 * @throws ConfigError naming every bad key.
 */
export function loadConfigFromProject(projectRoot: string, env: Readonly<Record<string, string | undefined>>): AppConfig {
  const cdktfJson = JSON.parse(readFileSync(join(projectRoot, "cdktf.json"), "utf8")) as { context?: { globalapp?: unknown } };
  return loadConfig({ context: cdktfJson.context?.globalapp, overridePath: env.GLOBALAPP_CONFIG || undefined });
}
