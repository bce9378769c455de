import fc from "fast-check";
import { BadRequestError } from "../../../functions/lib/errors";
import { JsonNumber, JsonTooDeepError, parseJson, type JsonValue } from "../../../functions/lib/json";

/** The parsed value as plain JS, numbers as doubles: comparable with JSON.parse. */
function plain(v: JsonValue): unknown {
  if (v instanceof JsonNumber) return Number(v.text);
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  return v;
}

describe("parseJson", () => {
  test("numbers keep their text", () => {
    const v = parseJson('[19.999999999999999999, 123456789012345678901234567890, -0.10e+5, 0]', 10) as JsonNumber[];
    expect(v.map((n) => n.text)).toEqual(["19.999999999999999999", "123456789012345678901234567890", "-0.10e+5", "0"]);
  });

  test("any key is data: __proto__, constructor, toString stay plain keys at every depth", () => {
    const v = parseJson('{"__proto__":{"__proto__":1,"constructor":[{"toString":2}]},"hasOwnProperty":null}', 10) as Map<string, JsonValue>;
    expect([...v.keys()]).toEqual(["__proto__", "hasOwnProperty"]);
    const inner = v.get("__proto__") as Map<string, JsonValue>;
    expect([...inner.keys()]).toEqual(["__proto__", "constructor"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("strings: escapes decoded, escaped control characters allowed, raw ones not", () => {
    expect(parseJson('"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u0001\\u00e9\\ud83d\\ude00"', 1)).toBe('a"b\\c/d\b\f\n\r\t\u0001é😀');
    expect(() => parseJson('"a\u0001b"', 1)).toThrow(/raw control character/);
    expect(() => parseJson('"\\x"', 1)).toThrow(/invalid escape/);
    expect(() => parseJson('"\\u12g4"', 1)).toThrow(/invalid \\u escape/);
  });

  test("duplicate keys are refused (JSON.parse would silently keep the last)", () => {
    expect(() => parseJson('{"a":1,"b":2,"a":3}', 5)).toThrow(/duplicate key "a" at position 13/);
  });

  test("nesting beyond maxDepth is refused before recursing further", () => {
    expect(() => parseJson("[[[]]]", 3)).not.toThrow();
    expect(() => parseJson("[[[[]]]]", 3)).toThrow(JsonTooDeepError);
    expect(() => parseJson("[".repeat(1_000_000), 50)).toThrow(JsonTooDeepError);
  });

  test.each(["", " ", "{", "[1,]", '{"a":1,}', "{'a':1}", "01", "1.", ".5", "+1", "NaN", "[1 2]", '{"a" 1}', "nul", "truex", "1 2", "\ufeff{}"])(
    "%j is not JSON",
    (text) => {
      expect(() => parseJson(text, 10)).toThrow(BadRequestError);
    },
  );

  test("many strings, escapes far apart: each string still gets exactly its own text", () => {
    // (The parser keeps the next backslash's position across strings; rescanning would be quadratic here.)
    const text = `[${'"abc",'.repeat(200_000)}"\\n", "\\u0001\\"x\\""]`;
    const parsed = parseJson(text, 2) as JsonValue[];
    expect(parsed.length).toBe(200_002);
    expect(parsed.slice(-3)).toEqual(["abc", "\n", '\u0001"x"']);
  });

  test("property: accepts exactly what JSON.parse accepts (without duplicate keys) and means the same", () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (text) => {
        expect(plain(parseJson(text, 100))).toEqual(JSON.parse(text));
      }),
      { numRuns: 1000 },
    );
    // Random text and mutated JSON: both parsers refuse or both accept.
    const mutated = fc.tuple(fc.json({ maxDepth: 2 }), fc.nat(), fc.string({ maxLength: 2 })).map(([t, at, ins]) => {
      const i = at % (t.length + 1);
      return t.slice(0, i) + ins + t.slice(i + 1);
    });
    fc.assert(
      fc.property(fc.oneof(fc.string(), mutated), (text) => {
        let expected: unknown;
        try {
          expected = JSON.parse(text);
        } catch {
          expect(() => parseJson(text, 100)).toThrow(BadRequestError);
          return;
        }
        const parsed = (() => {
          try {
            return { ok: true as const, v: plain(parseJson(text, 100)) };
          } catch (err) {
            return { ok: false as const, err };
          }
        })();
        if (!parsed.ok) {
          // The only JSON that JSON.parse takes and we refuse: duplicate keys.
          expect(String((parsed.err as Error).message)).toMatch(/duplicate key/);
          return;
        }
        expect(parsed.v).toEqual(expected);
      }),
      { numRuns: 1500 },
    );
  });
});
