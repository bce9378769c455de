/**
 * The docs `npm run docs` generates from the code, and how they sit in hand-written pages: a
 * generated part between two markers (terraform-docs' way of injecting a module's inputs into a
 * README), or a whole generated file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exceptionsTable } from "../../constructs/security-exceptions";
import { configJsonSchemaText, configReferenceMarkdown, JSON_SCHEMA_FILE, REFERENCE_FILE } from "./config-reference";

/** The command that writes every generated doc; the staleness test names it. */
export const DOCS_COMMAND = "npm run docs";

/** A generated doc: a part of a page between markers, or a whole file. */
export interface GeneratedDoc {
  /** The file, relative to the project root. */
  readonly file: string;
  /** Where it comes from: what to edit instead of the generated text. */
  readonly source: string;
  /** The generated text. */
  readonly render: () => string;
  /** true: the text goes between the page's markers; false: it is the whole file. */
  readonly part: boolean;
}

export const GENERATED_DOCS: readonly GeneratedDoc[] = [
  { file: REFERENCE_FILE, source: "model/config/schema.ts", render: configReferenceMarkdown, part: true },
  { file: "docs/security.md", source: "constructs/security-exceptions.ts", render: exceptionsTable, part: true },
  { file: JSON_SCHEMA_FILE, source: "model/config/schema.ts", render: configJsonSchemaText, part: false },
];

/** The marker that opens a generated part. */
export const beginMarker = (source: string) => `<!-- BEGIN GENERATED: ${DOCS_COMMAND} writes this part from ${source}; edit that, not this -->`;
export const END_MARKER = "<!-- END GENERATED -->";

/**
 * `page` with the part between its markers replaced by `body`.
 * @throws Error naming the file when the markers are missing
 */
export function withGeneratedPart(page: string, doc: GeneratedDoc, body: string): string {
  const begin = beginMarker(doc.source);
  const start = page.indexOf(begin);
  const end = page.indexOf(END_MARKER, start);
  if (start < 0 || end < 0) throw new Error(`${doc.file}: no generated part (the lines ${begin} and ${END_MARKER})`);
  return `${page.slice(0, start)}${begin}\n\n${body}\n\n${page.slice(end)}`;
}

/** What each generated file must hold now, given the project root. */
export function generatedFiles(root: string): { readonly file: string; readonly text: string }[] {
  const byFile = new Map<string, string>();
  for (const doc of GENERATED_DOCS) {
    if (!doc.part) {
      byFile.set(doc.file, doc.render());
      continue;
    }
    const page = byFile.get(doc.file) ?? readFileSync(join(root, doc.file), "utf8");
    byFile.set(doc.file, withGeneratedPart(page, doc, doc.render()));
  }
  return [...byFile].map(([file, text]) => ({ file, text }));
}

/** The generated files that differ from what the code generates now (missing ones included). */
export function staleFiles(root: string): string[] {
  const current = (file: string) => {
    try {
      return readFileSync(join(root, file), "utf8");
    } catch {
      return undefined;
    }
  };
  return generatedFiles(root)
    .filter((g) => current(g.file) !== g.text)
    .map((g) => g.file);
}
