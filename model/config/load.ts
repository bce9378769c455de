/**
 * Loading: built-in defaults ← cdktf.json `context.globalapp` ← the JSON file named by
 * GLOBALAPP_CONFIG (later wins, objects deep-merged, arrays replaced), validated once.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { BUILTIN_DEFAULTS } from "./defaults";
import { CONFIG_SCHEMA } from "./rules";
import { type AppConfig, CONFIG_SHAPE, STATE_FIELDS } from "./schema";
import { closestKey } from "./suggest";

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
  for (const [k, v] of Object.entries(over)) {
    // defineProperty, not assignment: a key named "__proto__" stays a key (and is reported as unknown)
    // instead of replacing the merged object's prototype.
    const merged = deepMerge(Object.prototype.hasOwnProperty.call(base, k) ? base[k] : undefined, v);
    Object.defineProperty(out, k, { value: merged, enumerable: true, writable: true, configurable: true });
  }
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
 * Validates a raw (already merged) configuration object. One line per bad key (the first problem
 * found for it), each naming the key, the value given and what is allowed; an unknown key says which
 * known key it probably meant.
 * @throws ConfigError naming every bad key, the value given and what is allowed.
 */
export function parseConfig(raw: unknown): AppConfig {
  const result = CONFIG_SCHEMA.safeParse(raw);
  // zod's records skip a "__proto__" key without a word: report it like any unknown key.
  const protoKeys = keysNamedProto(raw);
  if (result.success && protoKeys.length === 0) return result.data;
  const byKey = new Map<string, string>(protoKeys.map((path) => [formatPath(path), `${formatPath(path)}: unknown key`]));
  if (result.success) return failWith([...byKey.values()]);
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) byKey.set(formatPath([...issue.path, k]), unknownKeyMessage(raw, issue.path, k));
      continue;
    }
    const key = formatPath(issue.path) || "(config)";
    if (byKey.has(key)) continue; // one message per key: the first problem, not a cascade of follow-ups
    const value = valueAt(raw, issue.path);
    const shown = value === undefined ? "missing" : shortened(JSON.stringify(value));
    byKey.set(key, `${key} = ${shown}: ${issue.code === "invalid_type" && value !== undefined ? typeMessage(issue.expected) : issue.message}`);
  }
  return failWith([...byKey.values()]);
}

/** A value as a problem line quotes it: whole up to 120 characters, else its start and its length (one readable line). */
function shortened(json: string): string {
  return json.length <= 120 ? json : `${json.slice(0, 100)}… (${json.length} characters)`;
}

/** Paths of every own key named "__proto__" in the raw config (JSON.parse makes them own keys). */
function keysNamedProto(v: unknown, path: PropertyKey[] = []): PropertyKey[][] {
  if (v === null || typeof v !== "object") return [];
  const found: PropertyKey[][] = [];
  for (const [k, child] of Object.entries(v)) {
    if (k === "__proto__") found.push([...path, k]);
    else found.push(...keysNamedProto(child, [...path, Array.isArray(v) ? Number(k) : k]));
  }
  return found;
}

/** "must be a JSON object" instead of zod's "Invalid input: expected record, received array". */
function typeMessage(expected: string): string {
  const names: Record<string, string> = {
    object: "a JSON object",
    record: "a JSON object",
    array: "a list",
    string: "a string",
    number: "a number",
    int: "a whole number",
    boolean: "true or false",
  };
  return `must be ${names[expected] ?? expected}`;
}

function unknownKeyMessage(raw: unknown, path: readonly PropertyKey[], key: string): string {
  const at = formatPath(path);
  const backend = at === "state" ? String(valueAt(raw, [...path, "backend"])) : undefined;
  const known = backend !== undefined ? (STATE_FIELDS[backend] ?? []) : knownKeysAt(path);
  const guess = closestKey(key, known);
  const hint = guess ? ` — did you mean ${formatPath([...path, guess])}?` : "";
  const fields = backend !== undefined && STATE_FIELDS[backend] ? ` for state.backend "${backend}" (allowed: ${STATE_FIELDS[backend].join(", ")})` : "";
  return `${formatPath([...path, key])}: unknown key${fields}${hint}`;
}

/** The keys an object of the schema takes at `path` (empty where the path is not an object). */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: unknown = CONFIG_SHAPE;
  for (const p of path) {
    const shape = (schema as { shape?: Record<string, unknown> }).shape;
    // A list's items (function.policyStatements[0]): the list was unwrapped to its element below.
    if (typeof p === "number") continue;
    if (!shape || typeof p !== "string" || !(p in shape)) return [];
    schema = shape[p];
    // optional(...) wraps the object schema, a list its items
    while ((schema as { unwrap?: () => unknown }).unwrap && !(schema as { shape?: unknown }).shape) schema = (schema as { unwrap: () => unknown }).unwrap();
  }
  return Object.keys((schema as { shape?: Record<string, unknown> }).shape ?? {});
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
  /**
   * The project root: where cdktf.json's paths (`function.entry`) are relative to, and the second
   * place a path in the override file is looked for. @default the current directory
   */
  readonly projectRoot?: string;
}

/**
 * `function.entry` as the override file means it: relative to the file's own directory, else (when
 * nothing is there) to the project; an absolute path as it is. The result is relative to the project
 * when it lies inside it (so messages and caches name `examples/notes/handler.ts`), else absolute.
 * A path that exists in neither place stays the file-relative one: bundling then names it missing.
 */
export function resolveEntry(entry: string, configFile: string, projectRoot: string): string {
  const candidates = isAbsolute(entry) ? [entry] : [resolve(dirname(configFile), entry), resolve(projectRoot, entry)];
  const found = candidates.find((c) => existsSync(c)) ?? candidates[0];
  const inProject = relative(projectRoot, found);
  return inProject.startsWith("..") || isAbsolute(inProject) ? found : inProject.split(sep).join("/");
}

/** The override with a relative `function.entry` resolved against the file ({@link resolveEntry}). */
function withEntryResolved(override: Record<string, unknown>, configFile: string, projectRoot: string): Record<string, unknown> {
  const fn = override.function;
  if (!isPlainObject(fn) || typeof fn.entry !== "string" || fn.entry === "") return override;
  return { ...override, function: { ...fn, entry: resolveEntry(fn.entry, configFile, projectRoot) } };
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

/**
 * The config without its top-level `$schema` key: editors read it (`"$schema": "./globalapp.schema.json"`
 * gives completion and checking, docs/configuration.md), GlobalApp ignores it.
 * @throws ConfigError when `$schema` is there but not a string
 */
function withoutSchemaKey(raw: Record<string, unknown>, where: string): Record<string, unknown> {
  if (!("$schema" in raw)) return raw;
  const { $schema, ...rest } = raw;
  if (typeof $schema !== "string") failWith([`${where}$schema = ${JSON.stringify($schema)}: must be a string, the path or URL of a JSON Schema (for editors; GlobalApp ignores it)`]);
  return rest;
}

/** Any part of a config: objects may leave out keys (they keep their built-in defaults), lists are given whole. */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** A config as written in code: any subset of the keys of docs/configuration.md. */
export type ConfigInput = DeepPartial<AppConfig>;

/**
 * A config for code that builds the stack itself (GlobalApp as a library): `input` deep-merged over
 * the built-in defaults and validated, as a config file is. A relative `function.entry` is relative to
 * the GlobalApp package: pass an absolute path for a handler of your own.
 * @throws ConfigError naming every bad key
 */
export function globalAppConfig(input: ConfigInput = {}): AppConfig {
  return parseConfig(deepMerge(BUILTIN_DEFAULTS, input));
}

/** Merges built-in defaults, the cdktf.json context and the override file, then validates once. */
export function loadConfig(sources: ConfigSources = {}): AppConfig {
  if (sources.context !== undefined && !isPlainObject(sources.context)) {
    failWith([`context.globalapp = ${JSON.stringify(sources.context)}: must be a JSON object`]);
  }
  const context = withoutSchemaKey(sources.context ?? {}, "context.globalapp.");
  const override = sources.overridePath
    ? withEntryResolved(withoutSchemaKey(readOverrideFile(sources.overridePath) as Record<string, unknown>, ""), sources.overridePath, sources.projectRoot ?? process.cwd())
    : {};
  return parseConfig(deepMerge(deepMerge(BUILTIN_DEFAULTS, context), override));
}

/**
 * Loads the project's config the one way every entry point does (npm run synth, npm run local,
 * npm run drill): `context.globalapp` from `<projectRoot>/cdktf.json`, then the file named by
 * `env.GLOBALAPP_CONFIG` deep-merged over it, validated once.
 * @throws ConfigError naming every bad key.
 */
export function loadConfigFromProject(projectRoot: string, env: Readonly<Record<string, string | undefined>>): AppConfig {
  const cdktfJson = JSON.parse(readFileSync(join(projectRoot, "cdktf.json"), "utf8")) as { context?: { globalapp?: unknown } };
  return loadConfig({ context: cdktfJson.context?.globalapp, overridePath: overridePath(env), projectRoot });
}

/**
 * The absolute path of the GLOBALAPP_CONFIG file, resolved from the directory the command was started
 * in: npm runs scripts in the project root but keeps the caller's directory in INIT_CWD, so
 * `GLOBALAPP_CONFIG=prod.json npm run synth` in a subdirectory means that subdirectory's prod.json.
 */
export function overridePath(env: Readonly<Record<string, string | undefined>>, cwd = process.cwd()): string | undefined {
  const file = env.GLOBALAPP_CONFIG;
  return file ? resolve(env.INIT_CWD || cwd, file) : undefined;
}
