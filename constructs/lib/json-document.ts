import { Fn, Token } from "cdktf";

/**
 * `T` if it is a JSON value: strings (Terraform references such as `lb.arnSuffix` included), numbers,
 * booleans, null, arrays and objects of them; `never` where it holds anything else (a function, a
 * symbol), so such a document fails to compile. Written as a check rather than a recursive union so
 * that typed interfaces (a policy document, a widget) qualify without an index signature.
 */
export type Json<T> = T extends string | number | boolean | null | undefined
  ? T
  : T extends readonly (infer U)[]
    ? readonly Json<U>[]
    : T extends (...args: never[]) => unknown
      ? never
      : T extends object
        ? { readonly [K in keyof T]: Json<T[K]> }
        : never;

/**
 * Renders a JSON document (a policy, a dashboard body, an item, an event input) as a Terraform
 * `jsonencode(...)` expression, so it survives both of cdktf's output forms: `cdk.tf.json` and the
 * HCL that `cdktf synth --hcl` writes (the exit route). References stay references; Terraform
 * serializes the document when it knows their values.
 *
 * Never a pre-serialized JSON string: cdktf's HCL renderer leaves the double quotes of any string
 * holding a `${…}` reference unescaped, which breaks the whole file (`terraform init` refuses it).
 *
 * Literal strings are escaped for the HCL string literals inside the expression, because cdktf 0.21's
 * `Fn.jsonencode` escapes only newlines and `${` (tfExpression.js `escapeString`): a `"` (the SEARCH
 * expressions of the dashboard), a `\` or a `%{` would otherwise end or change the literal, in the
 * JSON output as much as in HCL. cdktf is archived and pinned at 0.21.0, so the fix stays here.
 */
export function jsonDocument<T extends object>(value: T & Json<T>): string {
  return Fn.jsonencode(escapeLiterals(value));
}

/** The HCL string-literal escapes cdktf leaves out (it adds `${` → `$${` itself, per literal part). */
export function escapeHclLiteral(s: string): string {
  return s
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t")
    .replace(/%\{/g, "%%{")
    .replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function escapeLiterals(value: unknown): unknown {
  // A token's marker (`${TfToken[TOKEN.n]}`) holds none of the escaped characters, so strings that mix
  // literals and references are escaped whole; a resolvable object is left for cdktf to resolve.
  if (typeof value === "string") return escapeHclLiteral(value);
  if (value === null || typeof value !== "object" || Token.isUnresolved(value)) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => escapeLiterals(v));
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [escapeHclLiteral(k), escapeLiterals(v)]),
  );
}
