import { codeBlocks, docs } from "./markdown";

/**
 * The docs' recipes, found by a marker rather than by where they stand: the line
 * `<!-- recipe: NAME -->` right before a fenced code block, in README.md or a guide in docs/. The
 * marker moves with its block when a guide is reorganized, so the tests that synthesize a recipe keep
 * reading the text the reader sees.
 */
export interface Recipe {
  /** The file holding it, relative to the project root. */
  readonly file: string;
  /** The fence's language, e.g. "json" or "sh". */
  readonly lang: string;
  /** The code block's content, without the list item's indentation. */
  readonly code: string;
  /** The prose around it: from the heading above the block to the next heading of that level or higher. */
  readonly section: string;
}

/** The recipe marked `name`; exactly one block in the docs may carry the marker. */
export function recipe(name: string): Recipe {
  const found = docs().flatMap((doc) => codeBlocks(doc).filter((b) => b.recipe === name).map((block) => ({ doc, block })));
  if (found.length !== 1) {
    throw new Error(`recipe "${name}": expected one block marked <!-- recipe: ${name} --> in README.md and docs/, found ${found.length} (${found.map((f) => f.doc.file).join(", ")})`);
  }
  const { doc, block } = found[0];
  const lines = doc.text.split("\n");
  // Headings are prose lines: a `# comment` inside a code block is none.
  let fence = false;
  const inCode = lines.map((l) => {
    const toggles = /^\s*```/.test(l);
    const was = fence;
    if (toggles) fence = !fence;
    return was || toggles;
  });
  const level = (i: number) => (inCode[i] ? undefined : /^(#{1,6}) /.exec(lines[i])?.[1].length);
  let start = block.line - 1;
  while (start > 0 && level(start) === undefined) start--;
  const top = level(start) ?? 1;
  let end = block.line;
  while (end < lines.length && !((level(end) ?? 7) <= top)) end++;
  return { file: doc.file, lang: block.lang, code: block.lines.join("\n"), section: lines.slice(start, end).join("\n") };
}

/** A shell recipe's config files: every `echo '<json>' > <file>` line, parsed, by file name. */
export function echoedConfigs(r: Recipe): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  for (const [, json, file] of r.code.matchAll(/^echo '([^']*)'\s*>\s*(\S+)$/gm)) files[file] = JSON.parse(json);
  return files;
}
