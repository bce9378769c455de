/**
 * The API's JSON form of a DynamoDB item, both ways, with nothing lost.
 *
 * JSON has strings, numbers, booleans, null, arrays and objects; DynamoDB also has binary values
 * and string, number and binary sets. Those are written as single-key objects with a tag:
 *
 * | DynamoDB        | JSON                                   |
 * |-----------------|----------------------------------------|
 * | S, BOOL, NULL   | string, true/false, null               |
 * | N               | number, every digit kept (`19.999999999999999999`) |
 * | L               | array                                  |
 * | M               | object                                 |
 * | B               | `{"$B": "<base64>"}`                   |
 * | SS / NS / BS    | `{"$SS": ["a","b"]}` / `{"$NS": [1, 2.5]}` / `{"$BS": ["<base64>", …]}` |
 *
 * The ambiguity is handled by one rule, applied the same way when reading and writing: a value
 * that is an object with exactly one key, and that key is one of `$B $SS $NS $BS $M`, is a tag.
 * An ordinary map that happens to have exactly one such key is written inside `{"$M": …}`, whose
 * content is taken literally: the map `{"$B": "x"}` (a string under the key "$B") is
 * `{"$M": {"$B": "x"}}`. Every other object, including any with several keys, is an ordinary map.
 * The item itself (the body's top-level object) holds attribute names and is never a tag. So every
 * stored item has exactly one JSON form, and every accepted JSON form means exactly one item.
 */
import {
  KEY,
  MAX_DEPTH,
  MAX_NAME_BYTES,
  newAttributeMap,
  type AttributeMap,
  type AttributeValue,
} from "./attributes";
import { BadRequestError, InternalError } from "./errors";
import { JsonNumber, JsonTooDeepError, parseJson, type JsonObject, type JsonValue } from "./json";
import { dynamoNumber, JSON_NUMBER } from "./numbers";

/** The tag keys; see the module comment. */
export const TAGS: ReadonlySet<string> = new Set(["$B", "$SS", "$NS", "$BS", "$M"]);

// With the u flag a valid surrogate pair is one code point, so this matches only lone surrogates,
// which UTF-8 cannot encode (they would be stored as U+FFFD: a different value than the one sent).
export const LONE_SURROGATE = /\p{Cs}/u;
/** Standard base64 with padding (RFC 4648 §4), no whitespace: `$B` values and base64 request bodies. */
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * JSON nesting that a valid item can reach: the item's object, up to 32 levels of which each may be
 * an `{"$M": …}` wrapper around a map (2 JSON levels), and a set's tag object and array (2) inside
 * the deepest. Anything deeper is certain to break DynamoDB's 32 levels.
 */
const MAX_JSON_DEPTH = 2 * MAX_DEPTH + 3;

/** A 400 that knows where in the item it happened; the path is added on the way up. */
class ValueError extends BadRequestError {
  public name = "ValueError";
  public readonly segments: (string | number)[] = [];
}

function within<T>(segment: string | number, convert: () => T): T {
  try {
    return convert();
  } catch (err) {
    if (err instanceof ValueError) {
      err.segments.unshift(segment);
      throw err;
    }
    if (err instanceof BadRequestError) {
      const located = new ValueError(err.message);
      located.segments.push(segment);
      throw located;
    }
    throw err;
  }
}

/** `a.b[2]["odd key"]`: where a problem is, for the error message. */
function pathText(segments: readonly (string | number)[]): string {
  return segments
    .map((s, i) => {
      if (typeof s === "number") return `[${s}]`;
      const shown = s.length > 40 ? `${s.slice(0, 40)}…` : s;
      return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? (i === 0 ? s : `.${s}`) : `[${JSON.stringify(shown)}]`;
    })
    .join("");
}

function checkText(s: string): string {
  if (LONE_SURROGATE.test(s)) throw new BadRequestError("string contains invalid Unicode (a lone surrogate, which UTF-8 cannot carry)");
  return s;
}

function checkName(name: string): string {
  if (name.length === 0) throw new BadRequestError("attribute names must not be empty");
  checkText(name);
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes > MAX_NAME_BYTES) {
    throw new BadRequestError(`attribute name is ${bytes} bytes, DynamoDB's limit is ${MAX_NAME_BYTES} bytes (UTF-8)`);
  }
  return name;
}

/** Decodes canonical base64 (padded, no whitespace, no stray bits), so that one text means one value. */
function binary(v: JsonValue, tag: string): Uint8Array {
  if (typeof v !== "string" || !BASE64.test(v)) throw new BadRequestError(`${tag} needs standard base64 text with padding`);
  const bytes = Buffer.from(v, "base64");
  if (bytes.toString("base64") !== v) throw new BadRequestError(`${tag} needs canonical base64 (unused bits must be zero)`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

function setElements(v: JsonValue, tag: string): JsonValue[] {
  if (!Array.isArray(v)) throw new BadRequestError(`${tag} needs an array`);
  if (v.length === 0) throw new BadRequestError(`${tag} is empty: DynamoDB does not store empty sets (omit the attribute, or use an empty list [])`);
  return v;
}

function distinct<T>(values: T[], keyOf: (v: T) => string, tag: string): T[] {
  const seen = new Set<string>();
  values.forEach((v, i) =>
    within(i, () => {
      const key = keyOf(v);
      if (seen.has(key)) throw new BadRequestError(`${tag} holds a duplicate; DynamoDB sets hold distinct values`);
      seen.add(key);
    }),
  );
  return values;
}

function tagged(tag: string, v: JsonValue, depth: number): AttributeValue {
  switch (tag) {
    case "$B":
      return { B: binary(v, "$B") };
    case "$SS":
      return {
        SS: distinct(
          setElements(v, "$SS").map((e, i) =>
            within(i, () => {
              if (typeof e !== "string") throw new BadRequestError("$SS holds strings only");
              return checkText(e);
            }),
          ),
          (s) => s,
          "$SS",
        ),
      };
    case "$NS":
      return {
        NS: distinct(
          setElements(v, "$NS").map((e, i) =>
            within(i, () => {
              if (!(e instanceof JsonNumber)) throw new BadRequestError("$NS holds JSON numbers only");
              return dynamoNumber(e.text);
            }),
          ),
          (n) => n, // canonical text: equal values have equal text
          "$NS",
        ),
      };
    case "$BS": {
      const bytes = setElements(v, "$BS").map((e, i) => within(i, () => binary(e, "$BS")));
      return { BS: distinct(bytes, (b) => Buffer.from(b.buffer, b.byteOffset, b.length).toString("base64"), "$BS") };
    }
    default: // $M: its content is a map taken literally, whatever its keys.
      if (!(v instanceof Map)) throw new BadRequestError("$M needs an object");
      return { M: mapFromJson(v, depth) };
  }
}

/** A JSON value → the DynamoDB value it means. `depth` is the nesting level a list or map here gets. */
function fromJson(v: JsonValue, depth: number): AttributeValue {
  // Every value counts as a level, leaves (strings, numbers, tagged sets and binary) included: items
  // real DynamoDB accepts reach a leaf at level 32 (31 maps around it) and refuse one at level 33.
  if (depth > MAX_DEPTH) throw new BadRequestError(`item nests deeper than ${MAX_DEPTH} levels (DynamoDB's limit for lists and maps)`);
  if (typeof v === "string") return { S: checkText(v) };
  if (v instanceof JsonNumber) return { N: dynamoNumber(v.text) };
  if (typeof v === "boolean") return { BOOL: v };
  if (v === null) return { NULL: true };
  if (Array.isArray(v)) return { L: v.map((e, i) => within(i, () => fromJson(e, depth + 1))) };
  if (v.size === 1) {
    const [tag] = v.keys();
    if (TAGS.has(tag)) return within(tag, () => tagged(tag, v.get(tag) as JsonValue, depth));
  }
  return { M: mapFromJson(v, depth) };
}

/** A JSON object's entries, keys taken literally, as a map at nesting level `depth`. */
function mapFromJson(o: JsonObject, depth: number): AttributeMap {
  const m = newAttributeMap();
  for (const [name, value] of o) m[within(name, () => checkName(name))] = within(name, () => fromJson(value, depth + 1));
  return m;
}

/**
 * Parses a request body (JSON text) into the item it describes: an object of attributes, in the
 * form of the module comment. Validates everything DynamoDB would refuse about the values
 * themselves (numbers, names, nesting, sets, Unicode); the item's size is checked separately.
 * @throws BadRequestError naming the problem and where it is (`tags[2]`, `a.b`).
 */
export function itemFromJson(text: string): Record<string, AttributeValue> {
  let parsed: JsonValue;
  try {
    parsed = parseJson(text, MAX_JSON_DEPTH);
  } catch (err) {
    if (err instanceof JsonTooDeepError) {
      throw new BadRequestError(`item nests deeper than ${MAX_DEPTH} levels (DynamoDB's limit for lists and maps)`);
    }
    throw err;
  }
  if (!(parsed instanceof Map)) throw new BadRequestError("body must be a JSON object");
  try {
    // The item's own object: attribute names, never a tag; its values are level 1.
    return mapFromJson(parsed, 0) as Record<string, AttributeValue>;
  } catch (err) {
    if (err instanceof ValueError) throw new BadRequestError(`${err.message} (at ${pathText(err.segments)})`);
    throw err;
  }
}

/**
 * A number as response JSON: DynamoDB's own text, which is canonical plain decimal (numbers.ts) and
 * so already JSON. Anything else would be a value this function cannot pass on exactly: a 500.
 */
function numberJson(n: string): string {
  if (!JSON_NUMBER.test(n)) throw new InternalError(`DynamoDB returned a number that is not JSON: ${n.slice(0, 40)}`);
  return n;
}

const base64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString("base64");

/** A DynamoDB value → its JSON text (the inverse of the body form). */
function valueJson(v: AttributeValue): string {
  if ("S" in v) return JSON.stringify(v.S);
  if ("N" in v) return numberJson(v.N);
  if ("BOOL" in v) return v.BOOL ? "true" : "false";
  if ("NULL" in v) return "null";
  if ("L" in v) return `[${v.L.map(valueJson).join(",")}]`;
  if ("M" in v) {
    const keys = Object.keys(v.M);
    const json = mapJson(v.M, keys);
    return keys.length === 1 && TAGS.has(keys[0]) ? `{"$M":${json}}` : json;
  }
  if ("B" in v) return `{"$B":"${base64(v.B)}"}`;
  if ("SS" in v) return `{"$SS":[${v.SS.map((s) => JSON.stringify(s)).join(",")}]}`;
  if ("NS" in v) return `{"$NS":[${v.NS.map(numberJson).join(",")}]}`;
  if ("BS" in v) return `{"$BS":[${v.BS.map((b) => `"${base64(b)}"`).join(",")}]}`;
  throw new InternalError(`DynamoDB returned an attribute of an unknown type: ${Object.keys(v as object).join(",")}`);
}

function mapJson(m: AttributeMap, keys: readonly string[]): string {
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out += ",";
    out += `${JSON.stringify(keys[i])}:${valueJson(m[keys[i]])}`;
  }
  return `${out}}`;
}

/** An item as JSON text, attribute names as they are (the item's own object is never a tag). */
export function itemToJson(item: AttributeMap): string {
  return mapJson(item, Object.keys(item));
}

/** The item's id, when it has a string `item_id`. */
export function itemId(item: AttributeMap): string | undefined {
  const key = item[KEY];
  return key !== undefined && "S" in key ? key.S : undefined;
}
