import fc from "fast-check";
import { attributeSize, checkItemSize, itemSize, MAX_ITEM_BYTES, type AttributeMap } from "../../../functions/lib/attributes";
import { item as itemArb } from "../support/items";

// dynalite's own size function (db/index.js), measured against DynamoDB by its author; it counts
// string lengths in UTF-16 units, so it is an oracle for ASCII names and strings only.
const dynalite = require("dynalite/db") as { itemSize: (item: unknown) => number };
const wire = (item: AttributeMap) => JSON.parse(JSON.stringify(item, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v)));

describe("DynamoDB's item size rules", () => {
  test("the Developer Guide's rules, value by value", () => {
    expect(attributeSize({ S: "abc" })).toBe(3);
    expect(attributeSize({ S: "é😀" })).toBe(2 + 4); // UTF-8 bytes, not characters
    expect(attributeSize({ S: "" })).toBe(0);
    expect(attributeSize({ B: new Uint8Array(10) })).toBe(10); // raw bytes, not base64
    expect(attributeSize({ BOOL: false })).toBe(1);
    expect(attributeSize({ NULL: true })).toBe(1);
    expect(attributeSize({ N: "12345" })).toBe(4); // "01" "23" "45" + exponent byte
    expect(attributeSize({ L: [] })).toBe(3);
    expect(attributeSize({ M: {} })).toBe(3);
    expect(attributeSize({ L: [{ S: "ab" }, { NULL: true }] })).toBe(3 + (1 + 2) + (1 + 1));
    expect(attributeSize({ M: { ab: { S: "c" }, "é": { BOOL: true } } })).toBe(3 + (1 + 2 + 1) + (1 + 2 + 1));
    expect(attributeSize({ SS: ["ab", "é"] })).toBe(2 + 2);
    expect(attributeSize({ NS: ["1", "-1"] })).toBe(2 + 3);
    expect(attributeSize({ BS: [new Uint8Array(2), new Uint8Array(0)] })).toBe(2);
  });

  test("the guide's example: shirt-color R and shirt-size M are 23 bytes", () => {
    expect(itemSize({ "shirt-color": { S: "R" }, "shirt-size": { S: "M" } })).toBe(23);
  });

  test("property: equals dynalite's measured sizes for ASCII items", () => {
    const ascii = itemArb.filter(({ body }) => /^[\x20-\x7e]*$/.test(body));
    fc.assert(
      fc.property(ascii, ({ item }) => {
        expect(itemSize(item)).toBe(dynalite.itemSize(wire(item)));
      }),
      { numRuns: 300 },
    );
  });

  test("400 KB: 409,600 bytes pass, 409,601 do not", () => {
    const sized = (n: number): AttributeMap => ({ item_id: { S: "k" }, d: { S: "x".repeat(n - 8 - 1) } });
    expect(itemSize(sized(MAX_ITEM_BYTES))).toBe(409_600);
    expect(() => checkItemSize(sized(MAX_ITEM_BYTES))).not.toThrow();
    expect(() => checkItemSize(sized(MAX_ITEM_BYTES + 1))).toThrow(/item is 409601 bytes as DynamoDB counts them, DynamoDB's item size limit is 409600 bytes/);
  });
});
