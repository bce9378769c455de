/**
 * Items read straight from DynamoDB's response JSON (its "DynamoDB JSON" wire format), not from the
 * SDK's parse of it.
 *
 * Why: the SDK (@smithy/core 3.41's JSON deserializer, which @aws-sdk/client-dynamodb 3.1169 uses)
 * loses the value of any map key named `__proto__`: for each such key it first defines an own
 * `__proto__` property set to undefined, then reads the value from that same, now cleared, object.
 * An item or map holding `__proto__` would come back with the key and no value. `JSON.parse` keeps
 * such keys as plain own properties, and this converter copies them into prototype-free maps.
 * Numbers need nothing special here: DynamoDB JSON carries them as strings.
 */
import { newAttributeMap, type AttributeMap, type AttributeValue } from "./attributes";
import { InternalError } from "./errors";

type Wire = Record<string, unknown>;

const bytes = (b64: unknown): Uint8Array => {
  const buf = Buffer.from(String(b64), "base64");
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
};

/** One AttributeValue of DynamoDB JSON (`{"S":"x"}`, `{"B":"<base64>"}`, …). */
export function valueFromWire(v: Wire): AttributeValue {
  if (typeof v.S === "string") return { S: v.S };
  if (typeof v.N === "string") return { N: v.N };
  if (typeof v.BOOL === "boolean") return { BOOL: v.BOOL };
  if (v.NULL === true) return { NULL: true };
  if (typeof v.B === "string") return { B: bytes(v.B) };
  if (Array.isArray(v.L)) return { L: (v.L as Wire[]).map(valueFromWire) };
  if (typeof v.M === "object" && v.M !== null) return { M: mapFromWire(v.M as Wire) };
  if (Array.isArray(v.SS)) return { SS: v.SS as string[] };
  if (Array.isArray(v.NS)) return { NS: v.NS as string[] };
  if (Array.isArray(v.BS)) return { BS: (v.BS as unknown[]).map(bytes) };
  throw new InternalError(`DynamoDB returned an attribute of an unknown type: ${Object.keys(v).join(",")}`);
}

/** A map of DynamoDB JSON (an `Item`, `Attributes` or `M`), every key kept. */
export function mapFromWire(m: Wire): AttributeMap {
  const out = newAttributeMap();
  for (const name of Object.keys(m)) out[name] = valueFromWire(m[name] as Wire);
  return out;
}

/** The attributes under `field` (`Item` or `Attributes`) of a DynamoDB response body, if any. */
export function attributesFromResponse(body: string, field: "Item" | "Attributes"): AttributeMap | undefined {
  const parsed = JSON.parse(body) as Wire;
  const value = parsed[field];
  return typeof value === "object" && value !== null ? mapFromWire(value as Wire) : undefined;
}
