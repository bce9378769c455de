/**
 * Reading the docs as GitHub renders them: fenced code blocks (with their verbatim markers),
 * headings and their anchors, links, and the shell commands of `sh`/`console` blocks.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(__dirname, "..", "..", "..");

/** A markdown file of the docs: its path relative to the project root, and its text. */
export interface Doc {
  readonly file: string;
  readonly text: string;
}

/** README.md and every guide in docs/. */
export function docs(): Doc[] {
  const guides = readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`);
  return ["README.md", ...guides].map((file) => ({ file, text: readFileSync(join(ROOT, file), "utf8") }));
}

/** Which stream a verbatim sample shows: the line `<!-- verbatim -->` (stdout) or `<!-- verbatim stderr -->` before its fence. */
export type Verbatim = "stdout" | "stderr";

/** A fenced code block. */
export interface CodeBlock {
  readonly file: string;
  /** The info string's first word: `sh`, `console`, `json`, … ("" when none). */
  readonly lang: string;
  /** The lines between the fences, the fence's indentation removed. */
  readonly lines: readonly string[];
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly verbatim?: Verbatim;
  /** The recipe the block is, marked by the line `<!-- recipe: NAME -->` before its fence (tests synthesize it). */
  readonly recipe?: string;
}

const FENCE = /^(\s*)(```+)\s*([^\s`]*)/;

/** Every fenced code block of a doc, in order. */
export function codeBlocks(doc: Doc): CodeBlock[] {
  const lines = doc.text.split("\n");
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, ticks, lang] = open;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^\\s*${ticks}\\s*$`).test(lines[j])) body.push(lines[j++].slice(indent.length));
    const previous = lines.slice(0, i).reverse().find((l) => l.trim() !== "");
    const marker = /^<!-- verbatim( stderr)? -->$/.exec(previous?.trim() ?? "");
    const recipe = /^<!-- recipe: ([\w-]+) -->$/.exec(previous?.trim() ?? "");
    blocks.push({
      file: doc.file,
      lang,
      lines: body,
      line: i + 1,
      ...(marker ? { verbatim: marker[1] ? "stderr" : "stdout" } : {}),
      ...(recipe ? { recipe: recipe[1] } : {}),
    });
    i = j;
  }
  return blocks;
}

/** The doc's lines outside fenced code blocks (others blanked, so line numbers stay). */
function prose(doc: Doc): string[] {
  const lines = doc.text.split("\n");
  let fence: string | undefined;
  return lines.map((l) => {
    const open = FENCE.exec(l);
    if (fence === undefined && open) {
      fence = open[2];
      return "";
    }
    if (fence !== undefined) {
      if (new RegExp(`^\\s*${fence}\\s*$`).test(l)) fence = undefined;
      return "";
    }
    return l;
  });
}

/** A heading's text as GitHub renders it: code spans' text, link labels, no emphasis markers. */
export function headingText(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/(\*\*|__|\*)(.+?)\1/g, "$2")
    .trim();
}

/**
 * GitHub's anchor for a heading (github-slugger): lower case; every character that is not a
 * letter, mark, digit, connector (`_`), space or hyphen dropped; spaces become hyphens.
 */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** A heading: its level, its rendered text and its anchor (with GitHub's -1, -2 for repeats). */
export interface Heading {
  readonly level: number;
  readonly text: string;
  readonly anchor: string;
}

export function headings(doc: Doc): Heading[] {
  const seen = new Map<string, number>();
  const out: Heading[] = [];
  for (const line of prose(doc)) {
    const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = headingText(m[2]);
    const base = slug(text);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.push({ level: m[1].length, text, anchor: n === 0 ? base : `${base}-${n}` });
  }
  return out;
}

/** A link of the doc's prose (not inside code): its target as written, and where. */
export interface Link {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

export function links(doc: Doc): Link[] {
  const out: Link[] = [];
  prose(doc).forEach((text, i) => {
    const withoutCode = text.replace(/`[^`]*`/g, (m) => " ".repeat(m.length));
    for (const m of withoutCode.matchAll(/!?\[(?:[^\][]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      out.push({ file: doc.file, line: i + 1, target: m[1] });
    }
  });
  return out;
}

/** The words of one shell command line: quotes removed, `# comments` dropped, operators as words of their own. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const push = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unterminated ${c} in: ${line}`);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (c === "\\" && i + 1 < line.length) {
      word = (word ?? "") + line[++i];
    } else if (/\s/.test(c)) {
      push();
    } else if (c === "#" && word === undefined) {
      break;
    } else if ("&|;>".includes(c)) {
      push();
      const op = line.slice(i).match(/^(&&|\|\||[|;>])/)?.[0] ?? c;
      words.push(op);
      i += op.length - 1;
    } else {
      word = (word ?? "") + c;
    }
  }
  push();
  return words;
}

/** One simple command of a shell line: its `VAR=value` prefix and its words. */
export interface ShellCommand {
  readonly file: string;
  readonly line: number;
  /** The whole line as written, for messages. */
  readonly source: string;
  readonly env: Readonly<Record<string, string>>;
  readonly words: readonly string[];
  /** A file the command writes with `> file` (only `echo '…' > file` is understood). */
  readonly writes?: { readonly file: string; readonly content: string };
}

/** Splits a line into its simple commands (`&&`, `||`, `;`; only the first command of a pipe). */
export function shellCommands(source: string, file: string, line: number): ShellCommand[] {
  const out: ShellCommand[] = [];
  let words: string[] = [];
  let piped = false;
  const flush = () => {
    if (!piped && words.length > 0) {
      const env: Record<string, string> = {};
      while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
        const [k, ...v] = words.shift()!.split("=");
        env[k] = v.join("=");
      }
      const redirect = words.indexOf(">");
      const writes = words[0] === "echo" && redirect === 2 && words.length === 4 ? { file: words[3], content: `${words[1]}\n` } : undefined;
      out.push({ file, line, source, env, words, ...(writes ? { writes } : {}) });
    }
    words = [];
    piped = false;
  };
  for (const w of shellWords(source)) {
    if (w === "&&" || w === "||" || w === ";") flush();
    else if (w === "|") {
      flush();
      piped = true;
    } else if (!piped) words.push(w);
  }
  flush();
  return out;
}

/** A shell command of an `sh` or `console` block, and for a verbatim console sample what it prints. */
export interface DocCommand extends ShellCommand {
  readonly verbatim?: { readonly stream: Verbatim; readonly output: string };
}

/**
 * The commands of a doc's `sh`/`shell`/`bash` blocks (every line) and `console` blocks (the `$ `
 * lines; in a verbatim sample, each with the lines up to the next `$ ` as its output).
 */
export function docCommands(doc: Doc): DocCommand[] {
  const out: DocCommand[] = [];
  for (const block of codeBlocks(doc)) {
    if (["sh", "shell", "bash"].includes(block.lang)) {
      const joined: { text: string; line: number }[] = [];
      block.lines.forEach((l, i) => {
        const last = joined[joined.length - 1];
        if (last?.text.endsWith("\\")) last.text = `${last.text.slice(0, -1)} ${l}`;
        else joined.push({ text: l, line: block.line + 1 + i });
      });
      for (const j of joined) if (j.text.trim() !== "") out.push(...shellCommands(j.text, doc.file, j.line));
    } else if (block.lang === "console") {
      block.lines.forEach((l, i) => {
        if (!l.startsWith("$ ")) return;
        const next = block.lines.findIndex((m, k) => k > i && m.startsWith("$ "));
        const output = block.lines.slice(i + 1, next < 0 ? undefined : next);
        const commands: DocCommand[] = shellCommands(l.slice(2), doc.file, block.line + 1 + i);
        if (block.verbatim && commands.length > 0) {
          const last = commands.pop()!;
          commands.push({ ...last, verbatim: { stream: block.verbatim, output: output.length > 0 ? `${output.join("\n")}\n` : "" } });
        }
        out.push(...commands);
      });
    }
  }
  return out;
}
