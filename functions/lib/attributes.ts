/**
 * Items as DynamoDB holds them (its AttributeValue types, exactly as the low-level API carries
 * them), DynamoDB's limits on them, and its item-size rules.
 *
 * Sources (Amazon DynamoDB Developer Guide):
 * - "Item sizes and formats", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html:
 *   an item's size is the sum of its attribute names and values. Strings: UTF-8 bytes. Numbers: see
 *   numbers.ts. Binary: the raw bytes (not their base64). Null and Boolean: 1 byte. List and Map:
 *   3 bytes of overhead plus 1 byte per element, plus the elements (a map element's name counts
 *   as well). Attribute names count in UTF-8 bytes.
 * - "Constraints", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html:
 *   items up to 400 KB (DynamoDB's KB are 1024 bytes), names included; nested attributes up to
 *   32 levels deep; attribute names at least 1 character and "no greater than 64 KB" (the service
 *   accepts 65,535 bytes and refuses 65,536: "Attribute name is too large, must be less than 65536
 *   bytes", as ScyllaDB's alternator tests record it); the partition key value 1–2048 bytes; sets
 *   must not be empty; empty strings and binaries are allowed outside keys.
 * - Sets are not covered by the guide's size list; they count as the sum of their elements with no
 *   overhead, as dynalite measured them against the service.
 * The table's key attribute name, `item_id`, is fixed by the stack and far inside the 255-byte
 * limit DynamoDB puts on key attribute names.
 */
import { BadRequestError } from "./errors";
import { numberSize, toDecimal } from "./numbers";

/** One DynamoDB attribute value, as the low-level API (and the SDK's `AttributeValue`) carries it. */
export type AttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly B: Uint8Array }
  | { readonly BOOL: boolean }
  | { readonly NULL: true }
  | { readonly L: readonly AttributeValue[] }
  | { readonly M: AttributeMap }
  | { readonly SS: readonly string[] }
  | { readonly NS: readonly string[] }
  | { readonly BS: readonly Uint8Array[] };

/** A map of attribute names to values: a whole item, or the value of an `M`. */
export type AttributeMap = Readonly<Record<string, AttributeValue>>;

/** The partition key attribute (a string). */
export const KEY = "item_id";
/** DynamoDB's partition key limit, in UTF-8 bytes (a local emulator may count characters instead). */
export const MAX_ID_BYTES = 2048;
/** DynamoDB's item size limit: 400 KB of 1024 bytes, attribute names included. */
export const MAX_ITEM_BYTES = 400 * 1024;
/**
 * DynamoDB's nesting limit, 32 levels ("DynamoDB supports nested attributes up to 32 levels deep"),
 * counted over the values on a path from the attribute to its leaf, the leaf included: tests run
 * against the real service accept a leaf inside 31 maps and refuse one inside 32.
 */
export const MAX_DEPTH = 32;
/** Longest attribute name DynamoDB accepts, in UTF-8 bytes (it refuses 65,536). */
export const MAX_NAME_BYTES = 65535;

/** A map with no prototype: `__proto__`, `constructor` and `toString` are plain keys in it. */
export function newAttributeMap(): Record<string, AttributeValue> {
  return Object.create(null) as Record<string, AttributeValue>;
}

const utf8Bytes = (s: string) => Buffer.byteLength(s, "utf8");

/** Size of one value as DynamoDB counts it (see the sources above). */
export function attributeSize(v: AttributeValue): number {
  if ("S" in v) return utf8Bytes(v.S);
  if ("N" in v) return numberSize(toDecimal(v.N));
  if ("B" in v) return v.B.length;
  if ("BOOL" in v || "NULL" in v) return 1;
  if ("L" in v) return v.L.reduce((n, e) => n + 1 + attributeSize(e), 3);
  if ("M" in v) return 3 + mapContentSize(v.M, 1);
  if ("SS" in v) return v.SS.reduce((n, s) => n + utf8Bytes(s), 0);
  if ("NS" in v) return v.NS.reduce((n, s) => n + numberSize(toDecimal(s)), 0);
  return v.BS.reduce((n, b) => n + b.length, 0);
}

/** Names and values of a map's entries, plus `perEntry` bytes each (1 inside a map, 0 for an item). */
function mapContentSize(m: AttributeMap, perEntry: number): number {
  let size = 0;
  for (const name of Object.keys(m)) size += perEntry + utf8Bytes(name) + attributeSize(m[name]);
  return size;
}

/** Size of a whole item: its attributes' names and values (an item is not itself a map value). */
export function itemSize(item: AttributeMap): number {
  return mapContentSize(item, 0);
}

/**
 * Checks an item against DynamoDB's 400 KB limit.
 * @throws BadRequestError naming the size and the limit.
 */
export function checkItemSize(item: AttributeMap): void {
  const size = itemSize(item);
  if (size > MAX_ITEM_BYTES) {
    throw new BadRequestError(`item is ${size} bytes as DynamoDB counts them, DynamoDB's item size limit is ${MAX_ITEM_BYTES} bytes`);
  }
}
