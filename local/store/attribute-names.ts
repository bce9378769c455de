/**
 * Keeps attribute names that dynalite would drop. DynamoDB stores any attribute name unchanged, but
 * dynalite (4.0.0, validations/index.js `checkTypes`) copies every map of a request into a fresh `{}`
 * by assignment, and assigning a key named `__proto__` sets the copy's prototype instead: the
 * attribute vanishes. So each region's store (./region-store.ts) renames such names on the way in
 * and back on the way out, and dynalite only ever sees names it keeps.
 *
 * The renaming is a bijection on names: `__proto__` followed by n U+0001 characters becomes the same
 * with n + 1, every other name stays as it is. No name collides, and an item's size as DynamoDB
 * counts it grows by one byte per renamed name (the only difference a client could notice).
 *
 * Where a request names attributes: keys of any object (Item, Key, Keys, ExclusiveStartKey,
 * AttributeUpdates, Expected, maps inside values), the values of ExpressionAttributeNames and the
 * entries of AttributesToGet. A bare `__proto__` inside an expression string is not renamed: name it
 * with a placeholder (`#p`), as DynamoDB expressions need for many names anyway.
 */

const RENAMED = /^__proto__\u0001*$/;
const ESCAPED = /^__proto__\u0001+$/;

/** The name dynalite stores for `name`. */
export function escapeName(name: string): string {
  return RENAMED.test(name) ? `${name}\u0001` : name;
}

/** The name a client sees for a stored `name`. */
export function unescapeName(name: string): string {
  return ESCAPED.test(name) ? name.slice(0, -1) : name;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A copy of `value` with every object key passed through `rename`; fields that hold names as strings renamed too. */
function renameDeep(value: Json, rename: (name: string) => string): Json {
  if (Array.isArray(value)) return value.map((v) => renameDeep(v, rename));
  if (value === null || typeof value !== "object") return value;
  // Prototype-free: assigning "__proto__" to it makes an own key, never a prototype.
  const out: { [key: string]: Json } = Object.create(null);
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (key === "ExpressionAttributeNames" && v !== null && typeof v === "object" && !Array.isArray(v)) {
      const names: { [key: string]: Json } = Object.create(null);
      for (const placeholder of Object.keys(v)) names[placeholder] = typeof v[placeholder] === "string" ? rename(v[placeholder]) : v[placeholder];
      out[key] = names;
    } else if (key === "AttributesToGet" && Array.isArray(v)) {
      out[key] = v.map((n) => (typeof n === "string" ? rename(n) : n));
    } else {
      out[rename(key)] = renameDeep(v, rename);
    }
  }
  return out;
}

/**
 * A request body (DynamoDB JSON) with the names dynalite would drop renamed; the same text when
 * there is none (the common case costs one substring search).
 */
export function escapeRequest(body: string): string {
  if (!body.includes("__proto__")) return body;
  // JSON.parse keeps "__proto__" keys as plain own properties.
  return JSON.stringify(renameDeep(JSON.parse(body) as Json, escapeName));
}

/** A response body with stored names turned back into the client's; the same text when there is none. */
export function unescapeResponse(body: string): string {
  // JSON.stringify writes U+0001 as the six characters \u0001.
  if (!body.includes("__proto__\\u0001")) return body;
  return JSON.stringify(renameDeep(JSON.parse(body) as Json, unescapeName));
}

/** The names of a stored item (DynamoDB JSON) as a client sees them. */
export function unescapeItem<T>(item: T): T {
  return renameDeep(item as Json, unescapeName) as T;
}
