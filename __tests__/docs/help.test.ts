/**
 * `help` and each program's `--help` agree with the docs: every program's guide shows its `--help`
 * verbatim (the commands test runs it and compares), so the options it lists are the ones its guide
 * documents; the usage lists exactly the options its parser takes; and `help` names every npm
 * script, with only options its program accepts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { codeBlocks, docs, ROOT } from "./support/markdown";
import { PROGRAMS, SCRIPTS, usageOptions } from "./support/programs";

const HELP = readFileSync(join(ROOT, "help"), "utf8");
const DOCS = docs();
const documented = Object.entries(PROGRAMS).filter(([, p]) => p.usage !== undefined);

describe.each(documented.map(([name, p]) => [name, p] as const))("npm run %s --help", (name, program) => {
  it(`is shown verbatim in ${program.guide}, and only there`, () => {
    const command = `$ npm run -s ${name} -- --help`;
    const shownIn = DOCS.filter((d) => codeBlocks(d).some((b) => b.verbatim === "stdout" && b.lang === "console" && b.lines[0] === command)).map((d) => d.file);
    expect(shownIn).toEqual([program.guide]);
    const block = codeBlocks(DOCS.find((d) => d.file === program.guide)!).find((b) => b.lines[0] === command)!;
    // The text itself is compared with what the program prints by commands.test.ts; here: it is the usage.
    expect(`${block.lines.slice(1).join("\n")}\n`).toBe(program.usage);
  });

  if (program.options) {
    it("lists exactly the options its parser takes", () => {
      expect(usageOptions(program.usage!).sort()).toEqual(Object.keys(program.options!).sort());
    });
  }
});

describe("help", () => {
  it.each(Object.keys(SCRIPTS).filter((s) => s !== "cdktf"))("names npm script %s, as the docs do", (script) => {
    const invocation = script === "test" ? "npm test" : new RegExp(`npm run (-s )?${script.replace(":", "\\:")}\\b`);
    if (typeof invocation === "string") expect(HELP).toContain(invocation);
    else expect(HELP).toMatch(invocation);
    expect(DOCS.some((d) => (typeof invocation === "string" ? d.text.includes(invocation) : invocation.test(d.text)))).toBe(true);
  });

  it("names only scripts that exist", () => {
    for (const [, name] of HELP.matchAll(/npm run (?:-s )?([a-z:]+)/g)) expect(Object.keys(SCRIPTS)).toContain(name);
  });

  /** Each `npm run X` line of help and the indented lines under it (its description), by program. */
  const entries: { script: string; text: string }[] = [];
  let current: { script: string; text: string } | undefined;
  for (const line of HELP.split("\n")) {
    const start = /^ {2}npm run (?:-s )?([a-z:]+)/.exec(line);
    if (start) entries.push((current = { script: start[1], text: line }));
    else if (current && /^ {6,}\S/.test(line)) current.text += `\n${line}`;
    else current = undefined;
  }

  it("describes the programs with options", () => {
    expect(entries.map((e) => e.script)).toEqual(expect.arrayContaining(["local", "drill", "shift", "cost", "iam", "bench", "docs"]));
  });

  it.each(entries.filter((e) => PROGRAMS[e.script]?.options).map((e) => [e.script, e.text] as const))("help's npm run %s names only options it takes", (script, text) => {
    const named = [...text.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]);
    expect(named.filter((o) => !(o in PROGRAMS[script].options!))).toEqual([]);
  });
});
