/**
 * The configuration reference and globalapp.schema.json, generated from the config schema: every key
 * once, with its type, default, allowed values and description; a key the schema does not document
 * stops the generator; the JSON Schema accepts what a config file may hold and refuses the rest.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { BUILTIN_DEFAULTS, CONFIG_SCHEMA, loadConfig } from "../../../model/config";
import { configJsonSchema, configKeyPaths, configReferenceMarkdown, configSections } from "../../../scripts/docs/config-reference";

const ROOT = join(__dirname, "..", "..", "..");

/** Every leaf key path of a zod object schema, walked here independently of the generator. */
function keyPaths(schema: z.ZodType, prefix = ""): string[] {
  const inner = schema instanceof z.ZodOptional || schema instanceof z.ZodDefault ? schema.unwrap() : schema;
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
  }
  if (inner instanceof z.ZodDiscriminatedUnion) return [...new Set((inner.options as z.ZodType[]).flatMap((o) => keyPaths(o, prefix)))];
  return [prefix];
}

const valueAt = (path: string) => path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], BUILTIN_DEFAULTS);

describe("the configuration reference", () => {
  const keys = configSections().flatMap((s) => s.keys);

  it("lists every key of the schema once", () => {
    expect([...configKeyPaths()].sort()).toEqual(keyPaths(CONFIG_SCHEMA).sort());
    expect(new Set(configKeyPaths()).size).toBe(configKeyPaths().length);
  });

  it.each(keys.map((k) => [k.path, k] as const))("%s: type, default, allowed values and a description", (path, k) => {
    expect(k.type).toMatch(/^(string|integer|number|boolean|list of \w+|map of .+)$/);
    expect(k.allowed.length).toBeGreaterThan(0);
    expect(k.description.length).toBeGreaterThan(10);
    const builtin = valueAt(path);
    // A fixed built-in default is shown as JSON, unless the schema words a default that depends on more.
    if (builtin !== undefined && !/→|:|every|each/.test(k.defaultValue)) expect(k.defaultValue).toBe(`\`${JSON.stringify(builtin)}\``);
  });

  it("derives allowed values from the type where the schema gives no words", () => {
    const byPath = new Map(keys.map((k) => [k.path, k]));
    expect(byPath.get("healthCheck.intervalSeconds")).toMatchObject({ type: "integer", allowed: "5–300", defaultValue: "`10`" });
    expect(byPath.get("environment")).toMatchObject({ allowed: "`dev` | `prod`", defaultValue: '`"dev"`' });
    expect(byPath.get("route53.requestIntervalSeconds")).toMatchObject({ type: "integer", allowed: "`10` | `30`" });
    expect(byPath.get("accelerator.trafficDials")).toMatchObject({ type: "map of integer", allowed: "AWS region code → 0–100" });
    expect(byPath.get("state.workspace")?.defaultValue).toBe("none (required with `state.backend` `cloud`)");
    expect(byPath.get("state.backend")?.description).toMatch(/^`s3`: .* `cloud`: .* `local`: /);
  });

  it("renders one table per section, pipes escaped, and says it is generated", () => {
    const md = configReferenceMarkdown();
    expect(md).toContain("### `healthCheck`");
    expect(md).toContain("| `healthCheck.matcher` | string | `\"200\"` |");
    expect(md).toContain("`dev` \\| `prod`");
    expect(md.split("\n").filter((l) => l.startsWith("| `")).length).toBe(keys.length);
  });

  it("refuses a key without a description, and a patterned string without words for its values", () => {
    const shape = z.strictObject({ a: z.number().int().min(1).max(2) });
    expect(() => configSections({ shape, defaults: {} })).toThrow("config reference: a has no description: give it .describe() or .meta({ description }) in model/config/schema.ts");
    const patterned = z.strictObject({ b: z.string().regex(/^x+$/).describe("Some b.") });
    expect(() => configSections({ shape: patterned, defaults: {} })).toThrow("config reference: b needs `allowed` in its .meta()");
    const worded = z.strictObject({ b: z.string().regex(/^x+$/).meta({ description: "Some b.", allowed: "one or more x" }) });
    expect(configSections({ shape: worded, defaults: { b: "xx" } })[0].keys).toEqual([
      { path: "b", section: "", type: "string", defaultValue: '`"xx"`', allowed: "one or more x", description: "Some b." },
    ]);
  });
});

describe("globalapp.schema.json", () => {
  const json = configJsonSchema();
  const schema = z.fromJSONSchema(json as Parameters<typeof z.fromJSONSchema>[0]);
  const accepts = (config: unknown) => schema.safeParse(config).success;
  const cdktfContext = (JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")) as { context: { globalapp: unknown } }).context.globalapp;

  it("accepts cdktf.json's config, the built-in defaults, and partial files with $schema", () => {
    expect(accepts(cdktfContext)).toBe(true);
    expect(accepts(BUILTIN_DEFAULTS)).toBe(true);
    expect(accepts({ $schema: "./globalapp.schema.json", regions: ["us-west-2", "eu-central-1", "ap-northeast-1"], homeRegion: "eu-central-1" })).toBe(true);
    expect(accepts({ healthCheck: { intervalSeconds: 30 } })).toBe(true);
    expect(accepts({ state: { bucket: "acme-globalapp-tfstate" } })).toBe(true);
    expect(accepts({ state: { backend: "cloud", organization: "acme", workspace: "globalapp-prod" } })).toBe(true);
  });

  it("accepts what the loader accepts: the loader ignores the same $schema", () => {
    const config = { $schema: "./globalapp.schema.json", environment: "prod" };
    expect(accepts(config)).toBe(true);
    expect(loadConfig({ context: config }).environment).toBe("prod");
  });

  it.each([
    [{ healthcheck: { intervalSeconds: 5 } }, "an unknown key"],
    [{ environment: "staging" }, "a value outside the enum"],
    [{ regions: ["us-west-2", "mars-north-1"] }, "an unknown region"],
    [{ healthCheck: { intervalSeconds: 4 } }, "a number below the minimum"],
    [{ function: { logRetentionDays: 2 } }, "a retention CloudWatch does not offer"],
    [{ state: { backend: "cloud", bucket: "x" } }, "a field of another state backend"],
    [{ $schema: 5 }, "a $schema that is not a string"],
  ])("refuses %j (%s)", (config, _why) => {
    expect(accepts(config)).toBe(false);
  });

  it("gives every key its description, and fixed defaults as `default` for editors", () => {
    const properties = json.properties as Record<string, { description?: string; default?: unknown; properties?: Record<string, { description?: string; default?: unknown }> }>;
    expect(properties.healthCheck.properties!.intervalSeconds).toMatchObject({ default: 10, description: expect.stringContaining("Seconds between two checks") });
    expect(properties.regions.default).toEqual(["us-west-2", "eu-central-1"]);
    const undocumented: string[] = [];
    const walk = (node: Record<string, unknown>, path: string) => {
      for (const [k, child] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (typeof child.description !== "string" && !child.anyOf && !child.properties) undocumented.push(`${path}${k}`);
        walk(child, `${path}${k}.`);
        for (const variant of (child.anyOf ?? []) as Record<string, unknown>[]) walk(variant, `${path}${k}.`);
      }
    };
    walk(json, "");
    expect(undocumented).toEqual([]);
  });
});
