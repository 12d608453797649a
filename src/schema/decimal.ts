/**
 * Exact decimals. A .NET `decimal` has 28-29 significant digits; a JavaScript number keeps 15 for
 * sure. A number literal with more significant digits is kept as its text (`ExactNumber`) from
 * the body to the database, which stores it as `numeric` (exact, unbounded). JSON bodies are
 * still parsed by JSON.parse: the literals that a double would change are found first and handed
 * to it as marked strings, then turned back into ExactNumbers.
 */
import { randomBytes } from 'node:crypto';

/** Significant digits every decimal literal keeps through a double (IEEE 754: 15.95). */
export const DOUBLE_DIGITS = 15;

/** A number literal kept as sent, because a double would change it. */
export class ExactNumber {
  constructor(readonly text: string) {}
  /** The value as a double (for range checks; exact only up to DOUBLE_DIGITS digits). */
  valueOf(): number {
    return Number(this.text);
  }
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
}

/** Significant digits of a number literal (leading zeros left out, trailing zeros counted). */
export function significantDigits(literal: string): number {
  let digits = 0;
  let leading = true;
  for (let i = 0; i < literal.length; i++) {
    const c = literal.charCodeAt(i);
    if (c === 101 || c === 69) break; // e, E: the exponent
    if (c < 48 || c > 57) continue; // sign, point
    if (leading && c === 48) continue;
    leading = false;
    digits++;
  }
  return digits;
}

/** A decimal given as text (XML) or a number literal: a number when a double keeps it, else exact. */
export function decimalValue(literal: string): number | ExactNumber {
  return significantDigits(literal) > DOUBLE_DIGITS ? new ExactNumber(literal) : Number(literal);
}

const LITERAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
/** Longest plain form written out of an exponent (beyond: out of any range a field has). */
const MAX_PLAIN_DIGITS = 400;

/**
 * The plain text form of a decimal value (no exponent, `.` as separator, as .NET writes a
 * `decimal`): `1e-7` -> `0.0000001`, `+1.50` -> `1.50`. Digits are kept exactly as given; a value
 * whose plain form would be longer than MAX_PLAIN_DIGITS digits gives undefined.
 */
export function plainDecimal(value: number | ExactNumber): string | undefined {
  const text = typeof value === 'number' ? String(value) : value.text;
  const m = LITERAL.exec(text);
  if (!m || (m[2] === '' && !m[3])) return undefined;
  const sign = m[1] === '-' ? '-' : '';
  const whole = m[2] ?? '';
  const fraction = m[3] ?? '';
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  if (m[4] === undefined && whole !== '' && m[1] !== '+') return text;
  if (Math.abs(exponent) > MAX_PLAIN_DIGITS) return undefined;
  const digits = whole + fraction;
  const point = whole.length + exponent;
  let intPart: string;
  let fracPart: string;
  if (point <= 0) {
    intPart = '0';
    fracPart = '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    intPart = digits + '0'.repeat(point - digits.length);
    fracPart = '';
  } else {
    intPart = digits.slice(0, point);
    fracPart = digits.slice(point);
  }
  intPart = intPart.replace(/^0+(?=\d)/, '');
  if (intPart.length + fracPart.length > MAX_PLAIN_DIGITS) return undefined;
  return `${sign}${intPart}${fracPart ? `.${fracPart}` : ''}`;
}

/** A JSON text whose long number literals are marked strings, and the mark to find them by. */
export interface MarkedJson {
  text: string;
  mark: string;
  count: number;
}

const CANDIDATE = new RegExp(`[0-9.]{${DOUBLE_DIGITS + 1}}`);
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const isNumberChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;

/**
 * Finds the number literals of a JSON text that have more than DOUBLE_DIGITS significant digits
 * (outside strings) and writes each as a string starting with a mark no body can know; undefined
 * when there is none (JSON.parse then reads the text as it is). Malformed JSON stays malformed.
 */
export function markLongNumbers(text: string): MarkedJson | undefined {
  // A literal of more than DOUBLE_DIGITS digits has that many digits and points in a row.
  if (!CANDIDATE.test(text)) return undefined;
  let mark: string | undefined;
  const parts: string[] = [];
  let copied = 0;
  let count = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // A string: jump to its closing quote (one preceded by an even number of backslashes).
      let j = i + 1;
      for (;;) {
        j = text.indexOf('"', j);
        if (j < 0) return finish();
        let k = j - 1;
        while (text.charCodeAt(k) === 92) k--;
        if ((j - 1 - k) % 2 === 0) break;
        j++;
      }
      i = j + 1;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const start = i;
      while (i < n && isNumberChar(text.charCodeAt(i))) i++;
      const literal = text.slice(start, i);
      // Only a well-formed literal: a malformed one stays for JSON.parse to refuse.
      if (significantDigits(literal) > DOUBLE_DIGITS && JSON_NUMBER.test(literal)) {
        mark ??= `\u0000${randomBytes(8).toString('hex')}:`;
        parts.push(text.slice(copied, start), `"\\u0000${mark.slice(1)}${literal}"`);
        copied = i;
        count++;
      }
    } else i++;
  }
  return finish();

  function finish(): MarkedJson | undefined {
    if (!mark) return undefined;
    parts.push(text.slice(copied));
    return { text: parts.join(''), mark, count };
  }
}

/** Turns the marked strings of a parsed JSON value back into ExactNumbers (in place). */
export function reviveLongNumbers<T>(value: T, marked: MarkedJson): T {
  const { mark } = marked;
  let left = marked.count;
  const revive = (v: unknown): unknown =>
    typeof v === 'string' && v.startsWith(mark) ? (left--, new ExactNumber(v.slice(mark.length))) : v;
  const top = revive(value);
  if (top !== value) return top as T;
  const stack: unknown[] = [value];
  while (stack.length && left > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    const object = node as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      const child = object[key];
      if (typeof child === 'string') object[key] = revive(child);
      else if (child !== null && typeof child === 'object') stack.push(child);
    }
  }
  return value;
}

/** Marks an ExactNumber in JSON.stringify's output, to be written back as its literal. */
const WRITE_MARK = `${randomBytes(8).toString('hex')}:`;
const WRITTEN = new RegExp(`"\\\\u0000${WRITE_MARK}([^"]*)"`, 'g');

/** JSON.stringify that writes each ExactNumber as its number literal, digit for digit. */
export function stringifyExact(value: unknown): string {
  let found = false;
  const text = JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    if (!(raw instanceof ExactNumber)) return v;
    found = true;
    return `\u0000${WRITE_MARK}${raw.text}`;
  });
  return found ? text.replace(WRITTEN, '$1') : text;
}
