import fc from "fast-check";
import { parse as losslessParse } from "lossless-json";
import { MAX_NAME_BYTES, type AttributeMap, type AttributeValue } from "../../../functions/lib/attributes";
import { BadRequestError, InternalError } from "../../../functions/lib/errors";
import { itemFromJson, itemToJson, TAGS } from "../../../functions/lib/item-json";
import { attributeValue, item as itemArb } from "../support/items";

const bytes = (...b: number[]) => new Uint8Array(b);

describe("itemFromJson: the body form", () => {
  test("plain JSON types", () => {
    expect(itemFromJson('{"s":"x","n":-1.5,"t":true,"f":false,"z":null,"l":[1,"a"],"m":{"k":{}}}')).toEqual({
      s: { S: "x" },
      n: { N: "-1.5" },
      t: { BOOL: true },
      f: { BOOL: false },
      z: { NULL: true },
      l: { L: [{ N: "1" }, { S: "a" }] },
      m: { M: { k: { M: {} } } },
    });
  });

  test("tagged binary and sets", () => {
    expect(itemFromJson('{"b":{"$B":"AAH/"},"e":{"$B":""},"ss":{"$SS":["a",""]},"ns":{"$NS":[1,2.50,-3e2]},"bs":{"$BS":["AA==","AQ=="]}}')).toEqual({
      b: { B: bytes(0, 1, 255) },
      e: { B: bytes() },
      ss: { SS: ["a", ""] },
      ns: { NS: ["1", "2.5", "-300"] },
      bs: { BS: [bytes(0), bytes(1)] },
    });
  });

  test("$M takes its content literally: a map whose one key is a tag name", () => {
    expect(itemFromJson('{"m":{"$M":{"$B":"not base64!"}},"n":{"$M":{"$M":{"a":1}}},"o":{"$M":{"a":1,"b":2}}}')).toEqual({
      m: { M: { $B: { S: "not base64!" } } },
      n: { M: { $M: { M: { a: { N: "1" } } } } },
      o: { M: { a: { N: "1" }, b: { N: "2" } } },
    });
  });

  test("objects with a tag key among others, or an unknown $ key, are ordinary maps", () => {
    expect(itemFromJson('{"a":{"$B":"x","y":1},"b":{"$S":"x"},"c":{"B":"AA=="}}')).toEqual({
      a: { M: { $B: { S: "x" }, y: { N: "1" } } },
      b: { M: { $S: { S: "x" } } },
      c: { M: { B: { S: "AA==" } } },
    });
  });

  test("the item's own object is never a tag: top-level keys are attribute names", () => {
    expect(itemFromJson('{"$B":"AA=="}')).toEqual({ $B: { S: "AA==" } });
    expect(itemFromJson('{"$SS":["a"]}')).toEqual({ $SS: { L: [{ S: "a" }] } });
  });

  test("__proto__, constructor and friends are data at every depth, never the prototype", () => {
    const item = itemFromJson('{"__proto__":{"__proto__":{"$SS":["x"]},"constructor":1},"toString":[{"valueOf":null}]}');
    expect(Object.keys(item)).toEqual(["__proto__", "toString"]);
    expect(Object.getPrototypeOf(item)).toBeNull();
    const inner = (item.__proto__ as { M: AttributeMap }).M;
    expect(Object.keys(inner)).toEqual(["__proto__", "constructor"]);
    expect(inner.__proto__).toEqual({ SS: ["x"] });
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
    expect(itemToJson(item)).toBe('{"__proto__":{"__proto__":{"$SS":["x"]},"constructor":1},"toString":[{"valueOf":null}]}');
  });

  test.each<[string, string, RegExp]>([
    ["$B of invalid base64", '{"a":{"$B":"x"}}', /\$B needs standard base64.*\(at a\["\$B"\]\)/],
    ["$B of non-canonical base64", '{"a":{"$B":"AB=="}}', /canonical base64/],
    ["$B of a number", '{"a":{"$B":1}}', /\$B needs standard base64/],
    ["an empty $SS", '{"a":{"$SS":[]}}', /empty: DynamoDB does not store empty sets/],
    ["an empty $NS", '{"a":{"$NS":[]}}', /empty/],
    ["an empty $BS", '{"a":{"$BS":[]}}', /empty/],
    ["$SS not an array", '{"a":{"$SS":"x"}}', /\$SS needs an array/],
    ["$SS of a number", '{"a":{"$SS":["x",1]}}', /\$SS holds strings only.*\[1\]/],
    ["$NS of strings", '{"a":{"$NS":["1"]}}', /\$NS holds JSON numbers only/],
    ["$SS with a duplicate", '{"a":{"$SS":["x","y","x"]}}', /duplicate.*\[2\]/],
    ["$NS with equal values", '{"a":{"$NS":[1.5,1.50]}}', /duplicate/],
    ["$BS with equal bytes", '{"a":{"$BS":["AA==","AA=="]}}', /duplicate/],
    ["$NS beyond 38 digits", '{"a":{"$NS":[1,123456789012345678901234567890123456789]}}', /39 significant digits/],
    ["$M of a non-object", '{"a":{"$M":[1]}}', /\$M needs an object/],
    ["an empty key inside a map", '{"a":{"b":{"":1}}}', /attribute names must not be empty \(at a\.b\[""\]\)/],
  ])("%s is a 400", (_label, text, reason) => {
    expect(() => itemFromJson(text)).toThrow(BadRequestError);
    expect(() => itemFromJson(text)).toThrow(reason);
  });

  test("attribute names: 65,535 UTF-8 bytes are accepted, 65,536 are not, at the top and nested", () => {
    const at = "n".repeat(MAX_NAME_BYTES - 2) + "é"; // 65,533 + 2 bytes
    expect(Object.keys(itemFromJson(JSON.stringify({ [at]: 1 })))).toEqual([at]);
    expect(() => itemFromJson(JSON.stringify({ [`${at}x`]: 1 }))).toThrow(/65536 bytes, DynamoDB's limit is 65535 bytes/);
    expect(() => itemFromJson(JSON.stringify({ m: { [`${at}x`]: 1 } }))).toThrow(/65536 bytes/);
    expect(() => itemFromJson(JSON.stringify({ m: { $M: { [`${at}x`]: 1 } } }))).toThrow(/65536 bytes/);
  });
});

describe("itemToJson: the read form", () => {
  test("numbers are written as DynamoDB holds them", () => {
    const item: AttributeMap = { a: { N: "19.999999999999999999" }, b: { N: `-${"9".repeat(38)}${"0".repeat(88)}` }, c: { NS: ["0.00001", "1"] } };
    expect(itemToJson(item)).toBe(`{"a":19.999999999999999999,"b":-${"9".repeat(38)}${"0".repeat(88)},"c":{"$NS":[0.00001,1]}}`);
  });

  test("binary and sets are tagged; a map with one tag-named key is wrapped in $M", () => {
    const item: AttributeMap = {
      b: { B: bytes(0, 1, 255) },
      ss: { SS: ["a"] },
      bs: { BS: [bytes(), bytes(7)] },
      m: { M: { $NS: { S: "x" } } },
      m2: { M: { $NS: { S: "x" }, y: { NULL: true } } },
      $B: { S: "top level: a name, no wrapping" },
    };
    expect(itemToJson(item)).toBe(
      '{"b":{"$B":"AAH/"},"ss":{"$SS":["a"]},"bs":{"$BS":["","Bw=="]},"m":{"$M":{"$NS":"x"}},"m2":{"$NS":"x","y":null},"$B":"top level: a name, no wrapping"}',
    );
    for (const tag of TAGS) expect(itemFromJson(itemToJson({ m: { M: { [tag]: { BOOL: true } } } }))).toEqual({ m: { M: { [tag]: { BOOL: true } } } });
  });

  test("strings with control characters, quotes and lone-surrogate-free Unicode are escaped as JSON", () => {
    expect(itemToJson({ s: { S: '\u0000"\\\n😀é' } })).toBe('{"s":"\\u0000\\"\\\\\\n😀é"}');
  });

  test("what this function cannot pass on exactly is a 500, not a guess", () => {
    expect(() => itemToJson({ n: { N: "NaN" } })).toThrow(InternalError);
    expect(() => itemToJson({ x: { $unknown: ["Q", 1] } as unknown as AttributeValue })).toThrow(/unknown type/);
  });
});

describe("round trip", () => {
  test("property: every item's JSON parses back to the same item, and reads as the same JSON elsewhere (lossless-json)", () => {
    fc.assert(
      fc.property(itemArb, ({ item }) => {
        const json = itemToJson(item);
        expect(itemFromJson(json)).toEqual(item);
        // An independent lossless parser sees valid JSON with the same keys (duplicates would throw).
        expect(Object.keys(losslessParse(json) as object)).toEqual(Object.keys(item));
      }),
      { numRuns: 500 },
    );
  });

  test("property: single values, whatever their tag-like keys", () => {
    fc.assert(
      fc.property(attributeValue, (value) => {
        expect(itemFromJson(itemToJson({ v: value }))).toEqual({ v: value });
      }),
      { numRuns: 1000 },
    );
  });
});
