/**
 * A small lossless JSON parser for request bodies.
 *
 * Why not `JSON.parse`: it turns every number into a double (`19.999999999999999999` becomes 20,
 * `123456789012345678901` loses its last digits) before any code can look at it, and DynamoDB keeps
 * 38 significant digits. Why not `JSON.parse` with a reviver: the reviver only sees the double too
 * (the proposal that passes the source text, `context.source`, is not in Node 20). Why not the SDK's
 * `wrapNumbers`/`NumberValue`: that only helps between the SDK and DynamoDB; the body still has to
 * be parsed, and the answer still has to be written, without doubles. Why not a package such as
 * lossless-json: it would parse into plain objects that we would then walk again to validate; this
 * parser (~150 lines) keeps numbers as their text, keeps objects in `Map`s (so `__proto__`,
 * `constructor` and every other key are plain data, with no prototype to pollute), rejects
 * duplicate keys (which `JSON.parse` silently drops, losing data) and bounds nesting, so a
 * pathological body can neither overflow the stack nor allocate without limit.
 */
import { BadRequestError } from "./errors";
import { JSON_NUMBER } from "./numbers";

/** A JSON number, kept as its source text. */
export class JsonNumber {
  constructor(public readonly text: string) {}
}

/** A parsed JSON value: objects are Maps in source order, numbers keep their text. */
export type JsonValue = string | JsonNumber | boolean | null | JsonValue[] | JsonObject;
/** A JSON object; a key can be any string (`__proto__` included) and appears once. */
export type JsonObject = Map<string, JsonValue>;

/** Thrown for nesting beyond {@link parseJson}'s `maxDepth`; callers name their own limit. */
export class JsonTooDeepError extends BadRequestError {
  public name = "JsonTooDeepError";
}

// Raw control characters are not allowed inside JSON strings (RFC 8259 §7).
const CONTROL = /[\u0000-\u001f]/;
const NUMBER_CHARS = /[-+0-9.eE]*/y;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * Parses `text` as one JSON value (RFC 8259). `maxDepth` bounds the nesting of arrays and objects.
 * @throws BadRequestError for invalid JSON or duplicate keys; JsonTooDeepError beyond `maxDepth`.
 */
export function parseJson(text: string, maxDepth: number): JsonValue {
  let i = 0;

  const fail = (what: string): never => {
    throw new BadRequestError(`body is not valid JSON: ${what} at position ${i}`);
  };
  const skipSpace = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else return;
    }
  };

  // Position of the next backslash at or after `i` (-1: none left), kept across strings so that
  // finding escapes stays linear in the body's length however many strings it holds.
  let slashAt = -2;
  const nextSlash = (): number => {
    if (slashAt !== -1 && slashAt < i) slashAt = text.indexOf("\\", i);
    return slashAt;
  };

  function string(): string {
    // At the opening quote.
    const start = ++i;
    let quote = text.indexOf('"', i);
    let slash = nextSlash();
    if (quote !== -1 && (slash === -1 || slash > quote)) {
      // The common case: no escapes.
      const out = text.slice(start, quote);
      i = quote + 1;
      if (CONTROL.test(out)) fail("raw control character in a string");
      return out;
    }
    let out = "";
    for (;;) {
      if (quote === -1) fail("unterminated string");
      if (slash === -1 || slash > quote) {
        out += text.slice(i, quote);
        i = quote + 1;
        break;
      }
      out += text.slice(i, slash);
      const e = text[slash + 1];
      if (e === "u") {
        const hex = text.slice(slash + 2, slash + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          i = slash;
          fail("invalid \\u escape");
        }
        out += String.fromCharCode(parseInt(hex, 16));
        i = slash + 6;
      } else if (e !== undefined && e in ESCAPES) {
        out += ESCAPES[e];
        i = slash + 2;
      } else {
        i = slash;
        fail("invalid escape");
      }
      // The quote found may have been an escaped one (\").
      if (quote < i) quote = text.indexOf('"', i);
      slash = nextSlash();
    }
    // Checked on the source: escaped control characters (\u0001) are fine, raw ones are not.
    if (CONTROL.test(text.slice(start, i - 1))) fail("raw control character in a string");
    return out;
  }

  function number(): JsonNumber {
    NUMBER_CHARS.lastIndex = i;
    const match = NUMBER_CHARS.exec(text);
    const raw = match ? match[0] : "";
    if (!JSON_NUMBER.test(raw)) fail("invalid number");
    i += raw.length;
    return new JsonNumber(raw);
  }

  function literal(word: string, value: boolean | null): boolean | null {
    if (!text.startsWith(word, i)) fail("unexpected token");
    i += word.length;
    return value;
  }

  function value(depth: number): JsonValue {
    skipSpace();
    const c = text[i];
    if (c === '"') return string();
    if (c === "{" || c === "[") {
      if (depth >= maxDepth) throw new JsonTooDeepError(`body nests deeper than ${maxDepth} levels`);
      return c === "{" ? object(depth + 1) : array(depth + 1);
    }
    if (c === "t") return literal("true", true);
    if (c === "f") return literal("false", false);
    if (c === "n") return literal("null", null);
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return number();
    return fail(c === undefined ? "unexpected end" : "unexpected token");
  }

  function array(depth: number): JsonValue[] {
    i++; // [
    const out: JsonValue[] = [];
    skipSpace();
    if (text[i] === "]") {
      i++;
      return out;
    }
    for (;;) {
      out.push(value(depth));
      skipSpace();
      const c = text[i++];
      if (c === "]") return out;
      if (c !== ",") {
        i--;
        fail("expected , or ]");
      }
    }
  }

  function object(depth: number): JsonObject {
    i++; // {
    const out: JsonObject = new Map();
    skipSpace();
    if (text[i] === "}") {
      i++;
      return out;
    }
    for (;;) {
      skipSpace();
      if (text[i] !== '"') fail("expected a key");
      const keyAt = i;
      const key = string();
      if (out.has(key)) {
        i = keyAt;
        fail(`duplicate key ${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)}`);
      }
      skipSpace();
      if (text[i++] !== ":") {
        i--;
        fail("expected :");
      }
      out.set(key, value(depth));
      skipSpace();
      const c = text[i++];
      if (c === "}") return out;
      if (c !== ",") {
        i--;
        fail("expected , or }");
      }
    }
  }

  const result = value(0);
  skipSpace();
  if (i < text.length) fail("unexpected data after the value");
  return result;
}
