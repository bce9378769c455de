/**
 * Every relative link and anchor in README.md and docs/ resolves, by GitHub's rules; every guide's
 * contents list links each of its sections; and the code's pointers into the docs
 * (`docs/local.md "Limits"`) name headings that exist.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { type Doc, docs, headings, links, ROOT, slug } from "./support/markdown";

const DOCS = docs();
const byFile = new Map(DOCS.map((d) => [d.file, d]));
const anchorsOf = (doc: Doc) => new Set(headings(doc).map((h) => h.anchor));

describe("GitHub's anchors", () => {
  it.each([
    ["`--runs N`: the distribution", "--runs-n-the-distribution"],
    ["What the pull request's code can read", "what-the-pull-requests-code-can-read"],
    ["On real AWS: `npm run test:aws`", "on-real-aws-npm-run-testaws"],
    ["Completion in your editor: `globalapp.schema.json`", "completion-in-your-editor-globalappschemajson"],
    ["Failover: the model, the drill, the shift", "failover-the-model-the-drill-the-shift"],
    ["dev and prod in one account (and several apps)", "dev-and-prod-in-one-account-and-several-apps"],
    ["Global Accelerator or Route 53?", "global-accelerator-or-route-53"],
    ["snake_case → Ünïcode", "snake_case--ünïcode"],
  ])("%s → #%s", (heading, anchor) => {
    expect(headings({ file: "x.md", text: `## ${heading}\n` })[0].anchor).toBe(anchor);
  });

  it("numbers repeated headings, and ignores # lines in code", () => {
    const doc = { file: "x.md", text: "# Options\n\n```sh\n# Options\n```\n\n## Options\n### Options\n" };
    expect(headings(doc).map((h) => h.anchor)).toEqual(["options", "options-1", "options-2"]);
    expect(slug("A  b")).toBe("a--b");
  });
});

describe.each(DOCS.map((d) => [d.file, d] as const))("%s", (file, doc) => {
  const relativeLinks = links(doc).filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l.target));

  it("has relative links to check", () => {
    expect(relativeLinks.length).toBeGreaterThan(0);
  });

  it.each(relativeLinks.map((l) => [`${l.line}: ${l.target}`, l] as const))("link %s resolves", (_, l) => {
    const [path, anchor] = l.target.split("#");
    const target = path === "" ? file : normalize(join(dirname(file), decodeURIComponent(path)));
    expect({ link: l.target, inProject: !relative(ROOT, join(ROOT, target)).startsWith("..") }).toEqual({ link: l.target, inProject: true });
    expect({ link: l.target, exists: existsSync(join(ROOT, target)) }).toEqual({ link: l.target, exists: true });
    if (anchor !== undefined) {
      expect(target.endsWith(".md") || statSync(join(ROOT, target)).isDirectory()).toBe(true);
      const doc = byFile.get(target) ?? { file: target, text: readFileSync(join(ROOT, target), "utf8") };
      expect({ link: l.target, anchor: anchorsOf(doc).has(anchor) ? anchor : `no heading #${anchor}` }).toEqual({ link: l.target, anchor });
    }
  });
});

describe.each(DOCS.filter((d) => d.file.startsWith("docs/")).map((d) => [d.file, d] as const))("guide %s", (_, doc) => {
  it("opens with one title and a contents list that links every section", () => {
    const all = headings(doc);
    expect(all.filter((h) => h.level === 1)).toHaveLength(1);
    expect(all[0].level).toBe(1);
    const contents = doc.text.slice(doc.text.indexOf("## Contents"), doc.text.indexOf("\n## ", doc.text.indexOf("## Contents") + 1));
    expect(contents.startsWith("## Contents")).toBe(true);
    const listed = [...contents.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    const sections = all.filter((h) => h.level === 2 && h.anchor !== "contents").map((h) => h.anchor);
    expect(sections.filter((s) => !listed.includes(s))).toEqual([]);
  });
});

/** Every file of the project's own source (not dependencies or build output) whose text may point into docs/. */
function sourceFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith(".") || ["node_modules", "cdktf.out", "docs"].includes(e.name)) return [];
    const path = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(path) : /\.(ts|cjs)$|^help$/.test(e.name) ? [path] : [];
  });
}

describe("pointers from the code into the docs", () => {
  const pointers = sourceFiles().flatMap((path) =>
    [...readFileSync(path, "utf8").matchAll(/(docs\/[a-z-]+\.md),?\s+"([^"\n]+)"/g)].map((m) => ({ from: relative(ROOT, path), file: m[1], heading: m[2] })),
  );

  it("finds them", () => {
    expect(pointers.length).toBeGreaterThan(5);
  });

  it.each(pointers.map((p) => [`${p.from}: ${p.file} "${p.heading}"`, p] as const))("%s names a heading that exists", (_, p) => {
    const doc = byFile.get(p.file);
    expect(doc).toBeDefined();
    const found = headings(doc!).find((h) => h.text === p.heading || h.text.startsWith(`${p.heading}:`) || h.text.startsWith(`${p.heading} `));
    expect({ pointer: p.heading, found: found?.text ?? "no such heading" }).toEqual({ pointer: p.heading, found: expect.stringContaining(p.heading) });
  });
});
