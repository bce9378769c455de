/**
 * `npm run docs` as a user runs it: --check on a stale copy of the project exits 1 naming each file
 * and the command; writing makes it current; a page without its markers is an error naming it.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beginMarker, END_MARKER, GENERATED_DOCS, generatedFiles, staleFiles, withGeneratedPart } from "../../scripts/docs/generated";
import { runCli } from "../support/cli";

const ROOT = join(__dirname, "..", "..");

/** A copy of the hand-written pages the generator fills in, without the generated files. */
function projectCopy(): string {
  const root = mkdtempSync(join(tmpdir(), "globalapp-docs-"));
  mkdirSync(join(root, "docs"));
  for (const f of ["docs/configuration.md", "docs/security.md"]) cpSync(join(ROOT, f), join(root, f));
  return root;
}

describe("scripts/docs/generated.ts", () => {
  it("finds what is stale, and nothing once the generated files are written", () => {
    const root = projectCopy();
    expect(staleFiles(root)).toEqual(["globalapp.schema.json"]);
    const page = join(root, "docs/configuration.md");
    writeFileSync(page, readFileSync(page, "utf8").replace("| `healthCheck.intervalSeconds` | integer | `10` |", "| `healthCheck.intervalSeconds` | integer | `15` |"));
    expect(staleFiles(root)).toEqual(["docs/configuration.md", "globalapp.schema.json"]);
    for (const g of generatedFiles(root)) writeFileSync(join(root, g.file), g.text);
    expect(staleFiles(root)).toEqual([]);
    expect(readFileSync(page, "utf8")).toContain("| `healthCheck.intervalSeconds` | integer | `10` |");
  });

  it("replaces only the part between the markers", () => {
    const doc = GENERATED_DOCS[0];
    const page = `# T\n\nbefore\n\n${beginMarker(doc.source)}\n\nold\n\n${END_MARKER}\n\nafter\n`;
    expect(withGeneratedPart(page, doc, "new")).toBe(`# T\n\nbefore\n\n${beginMarker(doc.source)}\n\nnew\n\n${END_MARKER}\n\nafter\n`);
    expect(() => withGeneratedPart("# no markers\n", doc, "new")).toThrow(`${doc.file}: no generated part`);
  });
});

describe("npm run docs", () => {
  it("--check exits 0 on the project (its docs are current)", async () => {
    const r = await runCli("scripts/docs.ts", ["--check"], process.env);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  });

  it("exits 2 on an unknown option", async () => {
    const r = await runCli("scripts/docs.ts", ["--write"], process.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^docs: unknown option --write \(npm run docs -- --help\)\n$/);
  });
});
