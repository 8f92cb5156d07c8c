// Number literals -> values, with the reference's exact results.
//
// Integers are plain: arbitrary precision, Python's prefixes, errors worded
// as the reference words them.
//
// Floats are the subtle part. The reference (built for x86-64, where `long
// double` is the 80-bit x87 format) accumulates up to 19 decimal digits into
// a 64-bit integer, scales it by a power of ten with 64-bit-mantissa
// arithmetic (repeated squaring of 10), then rounds to double. That double
// rounding occasionally differs from a correctly rounded parse, so it is
// emulated exactly (float-repr.ts, shared with the repr round-trip check).
import { parseDecimalFloat } from './float-repr.ts';
import type { ConstObj } from './objects.ts';

/** A malformed literal; the parser reports it as a SyntaxError at the token's line. */
export class NumberSyntaxError extends Error {}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Python repr of a byte string with bytes-style escaping (the reference's mp_str_print_quoted). */
export function quoteBytesRepr(s: string): string {
  let hasSingle = false;
  let hasDouble = false;
  for (let i = 0; i < s.length && !hasDouble; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x27) hasSingle = true;
    else if (c === 0x22) hasDouble = true;
  }
  const q = hasSingle && !hasDouble ? 0x22 : 0x27;
  let out = String.fromCharCode(q);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === q) out += '\\' + String.fromCharCode(q);
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else out += '\\x' + c.toString(16).padStart(2, '0');
  }
  return out + String.fromCharCode(q);
}

/** An integer literal as the lexer delivers it (underscores already removed, base from its prefix). */
export function parseIntegerLiteral(text: string): bigint {
  let p = 0;
  const top = text.length;
  while (p < top && isSpace(text.charCodeAt(p))) p++;
  let neg = false;
  if (p < top) {
    if (text[p] === '+') p++;
    else if (text[p] === '-') {
      p++;
      neg = true;
    }
  }
  // base prefix; a leading 0 without prefix means "base 1": only zeros allowed
  let base = 10;
  if (top - p > 1 && text[p] === '0') {
    const c = text.charCodeAt(p + 1) | 0x20;
    if (c === 0x78) base = 16;
    else if (c === 0x6f) base = 8;
    else if (c === 0x62) base = 2;
    else base = 1;
    if (base !== 1) p += 2;
  }
  const start = p;
  // digits accumulate in a plain number while it is exact, then in a bigint
  let small = 0;
  let big: bigint | undefined;
  const bigBase = BigInt(base);
  for (; p < top; p++) {
    let dig = text.charCodeAt(p);
    if (dig >= 0x30 && dig <= 0x39) dig -= 0x30;
    else if (dig === 0x5f) continue;
    else {
      dig |= 0x20;
      if (dig >= 0x61 && dig <= 0x7a) dig -= 0x61 - 10;
      else break;
    }
    if (dig >= base) break;
    if (big === undefined) {
      const next = small * base + dig;
      if (next <= Number.MAX_SAFE_INTEGER) {
        small = next;
        continue;
      }
      big = BigInt(small);
    }
    big = big * bigBase + BigInt(dig);
  }
  const val = big ?? BigInt(small);
  let ok = p !== start;
  while (p < top && isSpace(text.charCodeAt(p))) p++;
  if (p !== top) ok = false;
  if (!ok) {
    throw new NumberSyntaxError(
      `invalid syntax for integer with base ${base === 1 ? 0 : base}: ${quoteBytesRepr(text.slice(start))}`,
    );
  }
  return neg ? -val : val;
}

// ---- float literals ----
// The reference scales the accumulated digits with x87 long double
// arithmetic; float-repr.ts emulates exactly that (its parser is the one the
// repr round-trip uses too), so literals are parsed there.

/** Parses an unsigned decimal; returns the value and where parsing stopped, or undefined for a bad exponent. */
function parseFloatInternal(text: string, start: number): { value: number; end: number } | undefined {
  return parseDecimalFloat(text, start);
}

// ---- exact helpers for folding ----

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Rounds n * 2^e (n > 0, `sticky`: nonzero bits below n were lost) to `bits` bits, ties to even. */
function roundToBits(n: bigint, e: number, bits: number, sticky: boolean): { m: bigint; e: number } {
  const len = bitLength(n);
  if (len <= bits) {
    const sh = bits - len;
    return { m: n << BigInt(sh), e: e - sh };
  }
  const sh = len - bits;
  const bsh = BigInt(sh);
  let q = n >> bsh;
  const rem = n & ((1n << bsh) - 1n);
  const half = 1n << (bsh - 1n);
  if (rem > half || (rem === half && (sticky || (q & 1n) === 1n))) q += 1n;
  let ee = e + sh;
  if (bitLength(q) > bits) {
    q >>= 1n;
    ee += 1;
  }
  return { m: q, e: ee };
}

function scaleByPowerOfTwo(v: number, e: number): number {
  while (e > 1000) {
    v *= 2 ** 1000;
    e -= 1000;
    if (v === Infinity) return v;
  }
  while (e < -1000) {
    v *= 2 ** -1000;
    e += 1000;
  }
  return v * 2 ** e;
}

/** A float or imaginary literal (the lexer's FLOAT_OR_IMAG token text). */
export function parseFloatLiteral(text: string, allowImag: boolean): ConstObj {
  const top = text.length;
  let p = 0;
  while (p < top && isSpace(text.charCodeAt(p))) p++;
  let neg = false;
  if (p < top) {
    if (text[p] === '+') p++;
    else if (text[p] === '-') {
      p++;
      neg = true;
    }
  }
  const valStart = p;
  let value: number;
  const lower = text.slice(p, p + 8).toLowerCase();
  if (top - p > 2 && lower.startsWith('inf')) {
    p += 3;
    value = Infinity;
    if (top - p > 4 && lower.startsWith('infinity')) p += 5;
  } else if (top - p > 2 && lower.startsWith('nan')) {
    p += 3;
    value = NaN;
  } else {
    const r = parseFloatInternal(text, p);
    if (r === undefined) throw new NumberSyntaxError('invalid syntax for number');
    value = r.value;
    p = r.end;
  }
  let imag = false;
  if (allowImag && p < top && (text.charCodeAt(p) | 0x20) === 0x6a) {
    if (p === valStart) value = 1;
    ++p;
    imag = true;
  }
  if (neg) value = -value;
  if (p === valStart) throw new NumberSyntaxError('invalid syntax for number');
  while (p < top && isSpace(text.charCodeAt(p))) p++;
  if (p !== top) throw new NumberSyntaxError('invalid syntax for number');
  return imag ? { kind: 'complex', real: 0, imag: value } : { kind: 'float', value };
}

/** num/den * 2^exp2 (num, den > 0) rounded once to the nearest double, ties to even. */
export function rationalToDouble(num: bigint, den: bigint, exp2: number): number {
  const shift = 66 - (bitLength(num) - bitLength(den));
  const n = shift > 0 ? num << BigInt(shift) : num;
  const d = shift < 0 ? den << BigInt(-shift) : den;
  const q = n / d;
  const sticky = n % d !== 0n;
  const e = exp2 - shift;
  const lead = bitLength(q) - 1 + e;
  if (lead > 1023) return Infinity;
  let bits = 53;
  if (lead < -1022) bits = 53 - (-1022 - lead);
  if (bits <= 0) {
    // at most half the smallest subnormal: rounds to it only if strictly above half
    const aboveHalf = bits === 0 && (q > 1n << BigInt(bitLength(q) - 1) || sticky);
    return aboveHalf ? 5e-324 : 0;
  }
  const r = roundToBits(q, e, bits, sticky);
  if (bitLength(r.m) - 1 + r.e > 1023) return Infinity;
  return scaleByPowerOfTwo(Number(r.m), r.e);
}
