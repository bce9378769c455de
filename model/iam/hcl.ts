/**
 * Reads the HCL object expressions cdktf writes for `Fn.jsonencode(...)` (IAM policies, the dashboard
 * body, the seed item: constructs/lib/json-document.ts, e.g.
 * `${jsonencode({"Version" = "2012-10-17", "Statement" = [...]})}`) back into plain values, the way a
 * scanner sees an unresolved plan: literals stay literals (their HCL escapes undone), Terraform
 * references become the string `${<expression>}`. Shared by the IAM model and the tests.
 */
export function decodeJsonencode(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const m = /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(value);
  if (!m) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  const p = new Parser(m[1]);
  const out = p.value();
  p.end();
  return out;
}

/** HCL string-literal escapes that stand for another character (an escaped quote or backslash stands for itself). */
const ESCAPES: Readonly<Record<string, string>> = { n: "\n", r: "\r", t: "\t" };

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === "{") return this.object();
    if (c === "[") return this.list();
    if (c === '"') return this.string();
    return this.bare();
  }

  end(): void {
    this.ws();
    if (this.i !== this.s.length) throw new Error(`unexpected "${this.s.slice(this.i, this.i + 20)}" at ${this.i}`);
  }

  private ws(): void {
    while (/\s/.test(this.s[this.i] ?? "")) this.i++;
  }

  private expect(c: string): void {
    this.ws();
    if (this.s[this.i] !== c) throw new Error(`expected "${c}" at ${this.i}: "${this.s.slice(this.i, this.i + 20)}"`);
    this.i++;
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.expect("{");
    for (this.ws(); this.s[this.i] !== "}"; this.ws()) {
      const key = this.string();
      this.expect("=");
      out[key] = this.value();
      this.ws();
      if (this.s[this.i] === ",") this.i++;
    }
    this.i++;
    return out;
  }

  private list(): unknown[] {
    const out: unknown[] = [];
    this.expect("[");
    for (this.ws(); this.s[this.i] !== "]"; this.ws()) {
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === ",") this.i++;
    }
    this.i++;
    return out;
  }

  /** A quoted string; `${...}` interpolations (which may hold quotes of their own) are kept verbatim. */
  private string(): string {
    this.expect('"');
    let out = "";
    while (this.s[this.i] !== '"') {
      if (this.i >= this.s.length) throw new Error("unterminated string");
      if (this.s[this.i] === "\\") {
        const n = this.s[this.i + 1];
        if (n === "u") {
          out += String.fromCharCode(parseInt(this.s.slice(this.i + 2, this.i + 6), 16));
          this.i += 6;
          continue;
        }
        out += ESCAPES[n] ?? n;
        this.i += 2;
      } else if (this.s.startsWith("$${", this.i) || this.s.startsWith("%%{", this.i)) {
        // A literal `${` or `%{`, escaped so that HCL does not read a template sequence.
        out += this.s.slice(this.i + 1, this.i + 3);
        this.i += 3;
      } else if (this.s.startsWith("${", this.i)) {
        const start = this.i;
        this.skipBalanced("{", "}", 1);
        out += this.s.slice(start, this.i);
      } else {
        out += this.s[this.i++];
      }
    }
    this.i++;
    return out;
  }

  /** A bare expression (reference, function call, number, bool) up to the next top-level , ] or }. */
  private bare(): unknown {
    const start = this.i;
    let depth = 0;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '"') {
        this.string();
        continue;
      }
      if (c === "(" || c === "[" || c === "{") depth++;
      else if (c === ")" || c === "]" || c === "}") {
        if (depth === 0) break;
        depth--;
      } else if (c === "," && depth === 0) break;
      this.i++;
    }
    const text = this.s.slice(start, this.i).trim();
    if (text === "true" || text === "false") return text === "true";
    if (text === "null") return null;
    if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
    return `\${${text}}`;
  }

  /** Skips from `${` to its matching `}`, stepping over quoted strings inside. */
  private skipBalanced(open: string, close: string, skipPrefix: number): void {
    this.i += skipPrefix + 1;
    let depth = 1;
    while (depth > 0 && this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '"') {
        this.string();
        continue;
      }
      if (c === open) depth++;
      else if (c === close) depth--;
      this.i++;
    }
  }
}
