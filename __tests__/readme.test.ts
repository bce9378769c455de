import { readFileSync } from "node:fs";
import { join } from "node:path";
import { estimateCost } from "../model/cost";
import { SECURITY_EXCEPTIONS } from "../constructs/security-exceptions";
import { configSections } from "../scripts/docs/config-reference";
import { configWith } from "./support/synth";

/** The README, the generated reference, `cdktf.json` and `.ci/run` must stay true to what the code does. */
const ROOT = join(__dirname, "..");
const read = (f: string) => readFileSync(join(ROOT, f), "utf8");
const readme = read("README.md");
const configuration = read("docs/configuration.md");
const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
const section = (text: string, heading: string) => {
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const end = text.indexOf(`\n${heading.split(" ")[0]} `, start + 1);
  return text.slice(start, end < 0 ? undefined : end);
};
const reference = new Map(configSections().flatMap((s) => s.keys.map((k) => [k.path, k])));

describe("README stays true", () => {
  it("is at most 400 lines", () => {
    expect(readme.split("\n").length).toBeLessThanOrEqual(400);
  });

  it.each([...reference.keys()])("the configuration reference has a row for config key %s", (key) => {
    expect(configuration).toContain(`\n| \`${key}\` |`);
  });

  /** The README's table of the keys people change: `| \`key\` | default | what it does |`. */
  const tenKeys = [...section(readme, "## Configure it").matchAll(/^\| `([^`]+)` \| (.+?) \| .+ \|$/gm)].map((m) => ({ key: m[1], shown: m[2] }));

  it("lists ten keys people change", () => {
    expect(tenKeys).toHaveLength(10);
  });

  it.each(tenKeys.map((k) => [k.key, k] as const))("its key %s exists, with the reference's default", (key, k) => {
    expect(reference.has(key)).toBe(true);
    // The reference may add when a key without a default is required ("none (required with `domain`)").
    const full = reference.get(key)!.defaultValue;
    expect(full === k.shown || full.startsWith(`${k.shown} (`)).toBe(true);
  });

  it("states the default config's monthly bill as npm run cost computes it", () => {
    expect(readme).toContain(`$${estimateCost(configWith()).totalUsd.toFixed(2)} a month for the default two regions`);
  });

  it.each(SECURITY_EXCEPTIONS.map((e) => e.id))("docs/security.md lists security exception %s in the rules table", (id) => {
    const table = section(read("docs/security.md"), "## Rules we don't follow");
    expect(table).toMatch(new RegExp(`^\\| ${id} \\|`, "m"));
  });

  it("quick start shows exactly the two commands .ci/run runs", () => {
    const ci = read(".ci/run").split("\n").filter((l) => l.startsWith("npm "));
    expect(ci).toEqual(["npm ci && npm run synth", "npm test"]);
    const quick = section(readme, "## Quick start");
    for (const cmd of ci) expect(quick).toContain(`\n${cmd} `);
  });

  it("cdktf.json runs the same fast synth as npm run synth", () => {
    const cdktf = JSON.parse(read("cdktf.json")) as { app: string };
    expect(pkg.scripts.synth).toBe(cdktf.app);
  });

  it("a newcomer finds deploying, CI, the drill and the health-check code from the outline", () => {
    const outline = [...readme.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]);
    expect(outline).toEqual(expect.arrayContaining(["Deploy it", "From GitHub: continuous delivery", "Break a region: the drill", "The ALB health check", "The failover model", "The drill", "The shift"]));
    expect(section(readme, "### The ALB health check")).toContain("(constructs/lib/health-check.ts)");
  });
});
