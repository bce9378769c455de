/**
 * DynamoDB numbers, exactly: parsed from JSON number text without ever becoming a JavaScript double,
 * checked against DynamoDB's limits, written in the canonical text DynamoDB answers with, and sized
 * as DynamoDB counts them.
 *
 * Limits (Amazon DynamoDB Developer Guide, "Constraints" → "Data types" → "Number",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html):
 * up to 38 digits of precision; positive range 1E-130 to 9.9999999999999999999999999999999999999E+125,
 * negative range -9.9999999999999999999999999999999999999E+125 to -1E-130; and 0.
 *
 * Canonical text: DynamoDB trims leading and trailing zeros ("Item sizes and formats") and answers
 * in plain decimal notation, never with an exponent: `1E+2` is stored and read back as `100`,
 * `1.00000000000000007629769841092E+50` as `100000000000000007629769841092000000000000000000000`
 * (both seen from the service: boto/boto3 issues #2500 and #4636). dynalite does the same.
 */
import { BadRequestError } from "./errors";

/** Most significant digits DynamoDB keeps. */
export const MAX_SIGNIFICANT_DIGITS = 38;
/** Decimal exponent of the leading digit of the smallest non-zero magnitude, 1E-130. */
export const MIN_EXPONENT = -130;
/** Decimal exponent of the leading digit of the largest magnitude, 9.99…E+125. */
export const MAX_EXPONENT = 125;

/** RFC 8259 number grammar: what a JSON body may hold and what a JSON response may carry as is. */
export const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** A decimal number as sign, significant digits (no leading or trailing zeros) and exponent. */
export interface Decimal {
  readonly negative: boolean;
  /** Significant digits, e.g. "12" for 0.0012 and for 1200; "" for zero. */
  readonly digits: string;
  /** Decimal exponent of the first digit: value = d.ddd × 10^exponent. 0 for zero. */
  readonly exponent: number;
}

/** The text for error messages: long input is cut, so a 1 MB number does not make a 1 MB error. */
function shown(text: string): string {
  return text.length > 48 ? `${text.slice(0, 45)}…` : text;
}

/**
 * Splits JSON number text into sign, significant digits and exponent. The text must match
 * {@link JSON_NUMBER}; the exponent is clamped to ±10^9 (far outside DynamoDB's range either way).
 */
export function toDecimal(text: string): Decimal {
  const negative = text.charCodeAt(0) === 45; // "-"
  const body = negative ? text.slice(1) : text;
  const e = body.search(/[eE]/);
  const mantissa = e === -1 ? body : body.slice(0, e);
  const expText = e === -1 ? "0" : body.slice(e + 1);
  // Exponents beyond 9 digits are out of range whatever the mantissa; keep them finite and exact enough.
  const expDigits = expText.replace(/^[+-]/, "").replace(/^0+(?=.)/, "");
  const expValue = expDigits.length > 9 ? 1e9 : Number(expDigits);
  const exp = expText.startsWith("-") ? -expValue : expValue;
  const point = mantissa.indexOf(".");
  const intPart = point === -1 ? mantissa : mantissa.slice(0, point);
  const all = point === -1 ? mantissa : intPart + mantissa.slice(point + 1);
  const lead = all.search(/[1-9]/);
  if (lead === -1) return { negative: false, digits: "", exponent: 0 };
  let end = all.length;
  while (all.charCodeAt(end - 1) === 48) end--; // trailing "0"
  return { negative, digits: all.slice(lead, end), exponent: intPart.length - 1 - lead + exp };
}

/**
 * Checks that a decimal fits DynamoDB's Number type.
 * @throws BadRequestError naming the limit (38 significant digits, or the range) and the value.
 */
export function checkDynamoNumber(d: Decimal, text: string): void {
  if (d.digits === "") return;
  if (d.digits.length > MAX_SIGNIFICANT_DIGITS) {
    throw new BadRequestError(
      `number ${shown(text)} has ${d.digits.length} significant digits; DynamoDB keeps at most ${MAX_SIGNIFICANT_DIGITS}`,
    );
  }
  if (d.exponent > MAX_EXPONENT) {
    throw new BadRequestError(
      `number ${shown(text)} is too large: DynamoDB numbers lie between -9.9999999999999999999999999999999999999E+125 and 9.9999999999999999999999999999999999999E+125`,
    );
  }
  if (d.exponent < MIN_EXPONENT) {
    throw new BadRequestError(`number ${shown(text)} is too small: the smallest non-zero magnitude DynamoDB stores is 1E-130`);
  }
}

/** DynamoDB's canonical text for a decimal: plain notation, no exponent, no redundant zeros, "0" for zero. */
export function canonicalText(d: Decimal): string {
  if (d.digits === "") return "0";
  const { digits, exponent } = d;
  let text: string;
  if (exponent >= digits.length - 1) text = digits + "0".repeat(exponent - digits.length + 1);
  else if (exponent >= 0) text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  else text = `0.${"0".repeat(-exponent - 1)}${digits}`;
  return d.negative ? `-${text}` : text;
}

/**
 * Parses JSON number text into DynamoDB's canonical text, rejecting what DynamoDB would reject.
 * `19.999999999999999999` stays exactly that; `1.50` becomes `1.5`; `-0` becomes `0`.
 * @throws BadRequestError for text that is not a JSON number or a number outside DynamoDB's limits.
 */
export function dynamoNumber(text: string): string {
  if (!JSON_NUMBER.test(text)) throw new BadRequestError(`${shown(text)} is not a JSON number`);
  const d = toDecimal(text);
  checkDynamoNumber(d, text);
  return canonicalText(d);
}

/**
 * Bytes DynamoDB counts for a number. The Developer Guide ("Item sizes and formats",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html)
 * gives it as *approximately* 1 byte per two significant digits + 1 byte. The exact rule, as
 * dynalite implements it from measurements against DynamoDB (its item-size boundary tests run
 * against the service): digits are stored in base-100 pairs aligned on the decimal point, so an
 * even exponent leaves the first pair half empty; plus 1 byte of exponent, plus 1 byte for a
 * negative number; zero is 1 byte.
 */
export function numberSize(d: Decimal): number {
  if (d.digits === "") return 1;
  const halfPair = d.exponent % 2 === 0 ? 1 : 0;
  return 1 + Math.ceil((d.digits.length + halfPair) / 2) + (d.negative ? 1 : 0);
}
