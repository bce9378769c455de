import { BadRequestError } from "../../../functions/lib/errors";
import { dynamoNumber, numberSize, toDecimal } from "../../../functions/lib/numbers";

// The numbers of the issue and DynamoDB's documented limits, spelled out.
const MAX = "9.9999999999999999999999999999999999999E+125";
const MAX_PLAIN = "9".repeat(38) + "0".repeat(88);
const MIN_PLAIN = `0.${"0".repeat(129)}1`;

describe("dynamoNumber: DynamoDB's canonical text, every digit kept", () => {
  test.each([
    ["19.999999999999999999", "19.999999999999999999"],
    ["123456789.123456789", "123456789.123456789"],
    ["12345678901234567890123456789012345678", "12345678901234567890123456789012345678"],
    ["0", "0"],
    ["-0", "0"],
    ["0.0", "0"],
    ["0e1000", "0"],
    ["1.50", "1.5"],
    ["100", "100"],
    ["1E+2", "100"],
    ["1e2", "100"],
    ["-1.25e-3", "-0.00125"],
    ["0.000123", "0.000123"],
    ["123.456e1", "1234.56"],
    ["1.00000000000000007629769841092E+50", "100000000000000007629769841092000000000000000000000"],
    [MAX, MAX_PLAIN],
    [`-${MAX}`, `-${MAX_PLAIN}`],
    ["1E-130", MIN_PLAIN],
    ["-1e-130", `-${MIN_PLAIN}`],
    ["1e125", `1${"0".repeat(125)}`],
  ])("%s → %s", (input, canonical) => {
    expect(dynamoNumber(input)).toBe(canonical);
  });

  test("38 significant digits at both ends of the range are kept", () => {
    const digits = "1234567890123456789012345678901234567";
    expect(dynamoNumber(`${digits}8`)).toBe(`${digits}8`);
    expect(dynamoNumber(`0.${"0".repeat(129)}${digits}8`)).toBe(`0.${"0".repeat(129)}${digits}8`);
    // Leading and trailing zeros are not significant.
    expect(dynamoNumber(`${digits}8${"0".repeat(88)}`)).toBe(`${digits}8${"0".repeat(88)}`);
  });

  test.each<[string, RegExp]>([
    ["123456789012345678901234567890123456789", /has 39 significant digits; DynamoDB keeps at most 38/],
    ["1.23456789012345678901234567890123456789", /has 39 significant digits/],
    ["1E+126", /too large: DynamoDB numbers lie between -9\.9999999999999999999999999999999999999E\+125 and 9\.9999999999999999999999999999999999999E\+125/],
    ["-1E+126", /too large/],
    ["10E+125", /too large/],
    ["1E-131", /too small: the smallest non-zero magnitude DynamoDB stores is 1E-130/],
    ["0.9E-130", /too small/],
    ["-1e-131", /too small/],
    ["1e99999999999999999999", /too large/],
    ["1e-99999999999999999999", /too small/],
  ])("%s is refused: %s", (input, reason) => {
    expect(() => dynamoNumber(input)).toThrow(BadRequestError);
    expect(() => dynamoNumber(input)).toThrow(reason);
  });

  test.each(["", "-", "+1", ".5", "1.", "01", "1e", "0x10", "NaN", "Infinity", " 1", "1 "])("%j is not a JSON number", (input) => {
    expect(() => dynamoNumber(input)).toThrow(/is not a JSON number/);
  });

  test("a huge number in an error message is cut short", () => {
    expect(() => dynamoNumber("1".repeat(100_000))).toThrow(/^number 1{45}… has 100000 significant digits/);
  });
});

describe("numberSize: bytes as DynamoDB counts them", () => {
  const size = (text: string) => numberSize(toDecimal(text));

  // Digits go in base-100 pairs aligned on the decimal point, plus 1 exponent byte, plus 1 if negative.
  test.each([
    ["0", 1],
    ["1", 2], // exponent 0 (even): "01", a half-used pair
    ["10", 2], // "1" at exponent 1 (odd): the pair "10"
    ["12", 2],
    ["123", 3], // "01" "23"
    ["1234", 3], // "12" "34"
    ["12345", 4],
    ["0.5", 2], // exponent -1 (odd): ".50"
    ["0.05", 2], // exponent -2 (even): ".05"
    ["0.055", 3],
    ["-1", 3],
    ["-1234", 4],
    // The boundaries dynalite's tests measured against DynamoDB (test/putItem.js, "item is too big with … number attribute").
    ["1" + "0".repeat(125), 2],
    ["11" + "0".repeat(124), 2],
    ["11111" + "0".repeat(121), 4],
    ["111111" + "0".repeat(120), 4],
    ["1111111" + "0".repeat(119), 5],
    ["1".repeat(38) + "0".repeat(88), 20],
    ["1".repeat(38), 20], // exponent 37 (odd): 19 full pairs
  ])("%s is %i bytes", (text, bytes) => {
    expect(size(text)).toBe(bytes);
  });

  test("the largest numbers: 38 digits with an even exponent need 20 pairs", () => {
    expect(size("1".repeat(38) + "0")).toBe(21);
    expect(size(`-${"1".repeat(38)}0`)).toBe(22);
  });
});
