import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { PROJECT_ROOT } from "./cli";

/**
 * The docs' recipes, found by a stable marker rather than by where they stand: an HTML comment
 * `<!-- recipe: NAME -->` right before a fenced code block, in README.md or any Markdown file under
 * docs/. The marker moves with the block when the README is split into guides, so the tests that
 * synthesize a recipe keep reading the text the reader sees.
 */
export interface Recipe {
  /** The file holding it, relative to the project root. */
  readonly file: string;
  /** The fence's language, e.g. "json" or "sh". */
  readonly lang: string;
  /** The code block's content, without the list-item indentation. */
  readonly code: string;
  /** The prose around it: from the heading above the marker to the next heading of that level or higher. */
  readonly section: string;
}

/** README.md and every Markdown file under docs/, as [relative path, text]. */
function documents(): Array<[string, string]> {
  const files = [join(PROJECT_ROOT, "README.md")];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".md")) files.push(path);
    }
  };
  walk(join(PROJECT_ROOT, "docs"));
  return files.map((f) => [relative(PROJECT_ROOT, f), readFileSync(f, "utf8")]);
}

/** The recipe marked `name`; exactly one must exist across the docs. */
export function recipe(name: string): Recipe {
  const marker = `<!-- recipe: ${name} -->`;
  const found = documents().filter(([, text]) => text.includes(marker));
  if (found.length !== 1) {
    throw new Error(`recipe "${name}": expected one "${marker}" in README.md and docs/, found it in ${found.length} file(s): ${found.map(([f]) => f).join(", ")}`);
  }
  const [file, text] = found[0];
  if (text.indexOf(marker) !== text.lastIndexOf(marker)) throw new Error(`recipe "${name}": marked twice in ${file}`);
  const at = text.indexOf(marker);
  const fence = /^[ \t]*\r?\n([ \t]*)```(\w+)\r?\n([\s\S]*?)\r?\n[ \t]*```/.exec(text.slice(at + marker.length));
  if (!fence) throw new Error(`recipe "${name}" in ${file}: the marker must be followed by a fenced code block`);
  const [, indent, lang, body] = fence;
  const code = body
    .split("\n")
    .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
    .join("\n");
  return { file, lang, code, section: sectionAround(text, at) };
}

/** From the heading above `at` to the next heading of the same or a higher level. */
function sectionAround(text: string, at: number): string {
  const headings = [...text.matchAll(/^(#{1,6}) /gm)].map((m) => ({ index: m.index ?? 0, level: m[1].length }));
  const above = headings.filter((h) => h.index < at).pop();
  if (!above) return text.slice(0, text.indexOf("\n#", at) === -1 ? undefined : text.indexOf("\n#", at));
  const next = headings.find((h) => h.index > at && h.level <= above.level);
  return text.slice(above.index, next?.index);
}

/** A shell recipe's config files: every `echo '<json>' > <file>` line, parsed, by file name. */
export function echoedConfigs(r: Recipe): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  for (const [, json, file] of r.code.matchAll(/^echo '([^']*)'\s*>\s*(\S+)$/gm)) files[file] = JSON.parse(json);
  return files;
}
