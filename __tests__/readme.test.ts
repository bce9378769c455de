import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { CONFIG_SCHEMA } from "../model/config";
import { SECURITY_EXCEPTIONS } from "../constructs/security-exceptions";

/** The README, `help`, `cdktf.json` and `.ci/run` must stay true to what the code does. */
const ROOT = join(__dirname, "..");
const read = (f: string) => readFileSync(join(ROOT, f), "utf8");
const readme = read("README.md");
const help = read("help");
const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string> };

/** Every leaf key path of an object schema, e.g. "healthCheck.intervalSeconds". */
function keyPaths(schema: z.ZodType, prefix = ""): string[] {
  const inner = schema instanceof z.ZodOptional || schema instanceof z.ZodDefault ? schema.unwrap() : schema;
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
  }
  if (inner instanceof z.ZodDiscriminatedUnion) {
    return [...new Set((inner.options as z.ZodType[]).flatMap((o) => keyPaths(o, prefix)))];
  }
  return [prefix];
}

/** The README's config reference: the first cell of each row of the table under "## Configuration". */
function documentedKeys(): string {
  const start = readme.indexOf("## Configuration");
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end);
}

describe("README stays true", () => {
  it.each(keyPaths(CONFIG_SCHEMA))("documents config key %s in the configuration reference", (key) => {
    const leaf = key.split(".").pop()!;
    const section = documentedKeys();
    // Rows may group siblings: `state.bucket`, `state.key`, … — the full path or the parent + leaf must appear.
    const parent = key.split(".").slice(0, -1).join(".");
    expect(section.includes(`\`${key}\``) || (parent !== "" && section.includes(`\`${parent}.${leaf}\``))).toBe(true);
  });

  it.each(SECURITY_EXCEPTIONS.map((e) => e.id))("lists security exception %s in the rules table", (id) => {
    const table = readme.slice(readme.indexOf("### Rules we don't follow"));
    expect(table).toMatch(new RegExp(`^\\| ${id} \\|`, "m"));
  });

  it("quick start shows exactly the two commands .ci/run runs", () => {
    const ci = read(".ci/run").split("\n").filter((l) => l.startsWith("npm "));
    expect(ci).toEqual(["npm ci && npm run synth", "npm test"]);
    const quick = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Configuration"));
    for (const cmd of ci) expect(quick).toContain(`\n${cmd} `);
  });

  it("cdktf.json runs the same fast synth as npm run synth", () => {
    const cdktf = JSON.parse(read("cdktf.json")) as { app: string };
    expect(pkg.scripts.synth).toBe(cdktf.app);
  });

  it.each(Object.keys(pkg.scripts).filter((s) => s !== "cdktf"))("help and README mention npm script %s", (script) => {
    const invocation = script === "test" ? "npm test" : `npm run ${script}`;
    expect(help).toContain(invocation);
    expect(readme).toContain(invocation);
  });

  it("help names only scripts that exist", () => {
    for (const [, name] of help.matchAll(/npm run ([a-z][a-z:-]*)/g)) expect(Object.keys(pkg.scripts)).toContain(name);
  });
});
