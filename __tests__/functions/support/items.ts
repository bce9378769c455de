/**
 * fast-check generators of DynamoDB items together with a JSON body that writes each of them, built
 * independently of the function's codec: numbers come from (sign, digits, exponent) and are spelled
 * in several JSON ways, their expected stored text derived here; odd keys, every type, tag-like keys.
 * Plus a canonical rendering (sorted keys, sorted sets) to compare what different readers return.
 */
import fc from "fast-check";
import { isLosslessNumber } from "lossless-json";
import type { AttributeMap, AttributeValue } from "../../../functions/lib/attributes";

/** A value and one JSON text that writes it through the API. */
export interface Written {
  readonly value: AttributeValue;
  readonly json: string;
}

const TAG_NAMES = ["$B", "$SS", "$NS", "$BS", "$M"];

/** Attribute names: the dangerous ones, tag names, and random Unicode (no lone surrogates). */
export const name = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "item", "a b", "é", "😀", "0", "1.5") },
  { weight: 1, arbitrary: fc.constantFrom(...TAG_NAMES) },
  { weight: 4, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 6 }) },
);

/** Strings heavy in what JSON escapes, plus random Unicode. */
export const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.string({ unit: fc.constantFrom("\u0000", "\u0001", "\u001f", '"', "\\", "\n", "/", "é", "😀", "\u2028", "x"), maxLength: 12 }),
);

/** DynamoDB's plain-decimal text for ±d.ddd × 10^e (written here without the function's code). */
function plainDecimal(negative: boolean, digits: string, exponent: number): string {
  if (digits === "") return "0";
  const point = exponent + 1; // digits before the decimal point
  let body: string;
  if (point <= 0) body = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) body = digits.padEnd(point, "0");
  else body = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${body}` : body;
}

const significant = fc.oneof(
  fc.integer({ min: 1, max: 9 }).map(String),
  fc
    .tuple(fc.integer({ min: 1, max: 9 }), fc.string({ unit: fc.constantFrom(..."0123456789"), maxLength: 36 }), fc.integer({ min: 1, max: 9 }))
    .map(([a, mid, z]) => `${a}${mid}${z}`),
);

/** A DynamoDB number: its stored (canonical) text and a JSON spelling of it. */
export const number: fc.Arbitrary<{ readonly stored: string; readonly json: string }> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom("0", "-0", "0.000", "0e7", "-0.0E-3").map((json) => ({ stored: "0", json })) },
  {
    weight: 12,
    arbitrary: fc
      .tuple(fc.boolean(), significant, fc.oneof(fc.integer({ min: -130, max: 125 }), fc.integer({ min: -5, max: 40 })), fc.nat({ max: 3 }), fc.nat({ max: 3 }))
      .map(([negative, digits, exponent, spelling, zeros]) => {
        const stored = plainDecimal(negative, digits, exponent);
        const sign = negative ? "-" : "";
        const json = [
          stored,
          `${sign}${digits.length > 1 || zeros > 0 ? `${digits[0]}.${digits.slice(1)}${"0".repeat(zeros)}` : digits}e${exponent}`,
          `${sign}${digits[0]}.${digits.slice(1)}0E+${exponent}`.replace("E+-", "E-"),
          stored.includes(".") ? `${stored}${"0".repeat(zeros + 1)}` : `${stored}.${"0".repeat(zeros + 1)}`,
        ][spelling];
        return { stored, json };
      }),
  },
);

const base64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

/** Any DynamoDB value (nested up to a few levels) with a body spelling. */
export const written: fc.Arbitrary<Written> = fc.letrec<{ value: Written }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    text.map((s) => ({ value: { S: s }, json: JSON.stringify(s) })),
    number.map((n) => ({ value: { N: n.stored }, json: n.json })),
    fc.boolean().map((b) => ({ value: { BOOL: b }, json: String(b) })),
    fc.constant({ value: { NULL: true as const }, json: "null" }),
    fc.uint8Array({ maxLength: 16 }).map((b) => ({ value: { B: b }, json: `{"$B":"${base64(b)}"}` })),
    fc.uniqueArray(text, { minLength: 1, maxLength: 4 }).map((ss) => ({ value: { SS: ss }, json: `{"$SS":${JSON.stringify(ss)}}` })),
    fc
      .uniqueArray(number, { minLength: 1, maxLength: 4, selector: (n) => n.stored })
      .map((ns) => ({ value: { NS: ns.map((n) => n.stored) }, json: `{"$NS":[${ns.map((n) => n.json).join(", ")}]}` })),
    fc
      .uniqueArray(fc.uint8Array({ maxLength: 8 }), { minLength: 1, maxLength: 4, selector: base64 })
      .map((bs) => ({ value: { BS: bs }, json: `{"$BS":${JSON.stringify(bs.map(base64))}}` })),
    fc.array(tie("value"), { maxLength: 4 }).map((l) => ({ value: { L: l.map((e) => e.value) }, json: `[${l.map((e) => e.json).join(",")}]` })),
    fc.uniqueArray(fc.tuple(name, tie("value")), { maxLength: 4, selector: ([k]) => k }).map((entries) => {
      const m: Record<string, AttributeValue> = Object.create(null) as Record<string, AttributeValue>;
      for (const [k, v] of entries) m[k] = v.value;
      const content = `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${v.json}`).join(", ")}}`;
      // The documented rule: a map whose only key is a tag name is written inside {"$M": …}.
      const json = entries.length === 1 && TAG_NAMES.includes(entries[0][0]) ? `{"$M":${content}}` : content;
      return { value: { M: m }, json };
    }),
  ),
})).value;

/** Values only. */
export const attributeValue = written.map((w) => w.value);

/** An item without its key, and a body that writes it. */
export const item: fc.Arbitrary<{ readonly item: AttributeMap; readonly body: string }> = fc
  .uniqueArray(fc.tuple(name.filter((n) => n !== "item_id"), written), { maxLength: 6, selector: ([k]) => k })
  .map((entries) => {
    const m: Record<string, AttributeValue> = Object.create(null) as Record<string, AttributeValue>;
    for (const [k, v] of entries) m[k] = v.value;
    return { item: m, body: `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v.json}`).join(",")}}` };
  });

/** A canonical text for an AttributeValue: sorted keys and set elements, numbers and bytes as text. */
export function canonical(v: AttributeValue): string {
  if ("S" in v) return JSON.stringify(v.S);
  if ("N" in v) return v.N;
  if ("BOOL" in v) return String(v.BOOL);
  if ("NULL" in v) return "null";
  if ("B" in v) return `B:${base64(v.B)}`;
  if ("SS" in v) return `SS:${JSON.stringify([...v.SS].sort())}`;
  if ("NS" in v) return `NS:${[...v.NS].sort().join(",")}`;
  if ("BS" in v) return `BS:${v.BS.map(base64).sort().join(",")}`;
  if ("L" in v) return `[${v.L.map(canonical).join(",")}]`;
  return canonicalMap(v.M);
}

export function canonicalMap(m: AttributeMap): string {
  return `{${Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(m[k])}`)
    .join(",")}}`;
}

/**
 * The same canonical text for a response's JSON as parsed by lossless-json (an independent lossless
 * parser), reading the documented tags: what a client following the README would understand.
 */
export function canonicalFromJson(v: unknown, topLevel = false): string {
  if (isLosslessNumber(v)) return (v as { value: string }).value;
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "boolean" || v === null) return String(v);
  if (Array.isArray(v)) return `[${v.map((e) => canonicalFromJson(e)).join(",")}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (!topLevel && keys.length === 1) {
    const [tag] = keys;
    const x = o[tag];
    if (tag === "$B") return `B:${x as string}`;
    if (tag === "$SS") return `SS:${JSON.stringify([...(x as string[])].sort())}`;
    if (tag === "$NS") return `NS:${(x as { value: string }[]).map((n) => n.value).sort().join(",")}`;
    if (tag === "$BS") return `BS:${[...(x as string[])].sort().join(",")}`;
    if (tag === "$M") return canonicalFromJson(x, true);
  }
  return `{${keys
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalFromJson(o[k])}`)
    .join(",")}}`;
}
