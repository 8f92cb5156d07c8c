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
// emulated here with exact BigInt arithmetic rounded to 64 bits per step.
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
  let val = 0n;
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
    val = val * bigBase + BigInt(dig);
  }
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

// ---- 80-bit extended precision emulation ----

/** A positive finite x87 extended value m * 2^e with a 64-bit normalised m, or infinity. */
type Ext = { readonly m: bigint; readonly e: number } | 'inf' | 'zero';

const EXT_BITS = 64;
const EXT_MAX_EXP = 16383; // largest unbiased exponent of a normal value
const EXT_MIN_EXP = -16382;

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

function extFrom(n: bigint, e: number, sticky: boolean): Ext {
  const r = roundToBits(n, e, EXT_BITS, sticky);
  const exp = r.e + EXT_BITS - 1;
  if (exp > EXT_MAX_EXP) return 'inf';
  if (exp < EXT_MIN_EXP - EXT_BITS) return 'zero';
  return r;
}

function extMul(a: Ext, b: Ext): Ext {
  if (a === 'zero' || b === 'zero') return 'zero';
  if (a === 'inf' || b === 'inf') return 'inf';
  return extFrom(a.m * b.m, a.e + b.e, false);
}

function extDiv(a: Ext, b: Ext): Ext {
  if (a === 'zero' || b === 'inf') return 'zero';
  if (a === 'inf') return 'inf';
  if (b === 'zero') return 'inf';
  const EXTRA = 130n;
  const num = a.m << EXTRA;
  const q = num / b.m;
  const r = num % b.m;
  return extFrom(q, a.e - b.e - Number(EXTRA), r !== 0n);
}

/** Rounds an extended value to the nearest double (the C cast). */
function extToDouble(x: Ext): number {
  if (x === 'zero') return 0;
  if (x === 'inf') return Infinity;
  // value = m * 2^e with m of 64 bits; exponent of the leading bit:
  const lead = x.e + EXT_BITS - 1;
  let bits = 53;
  if (lead < -1022) bits = 53 - (-1022 - lead); // subnormal double
  if (bits <= 0) {
    // below half the smallest subnormal (or exactly half: ties to even, i.e. 0)
    if (bits === 0 && x.m > 1n << 63n) return 5e-324;
    return 0;
  }
  const r = roundToBits(x.m, x.e, bits, false);
  return scaleByPowerOfTwo(Number(r.m), r.e);
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

const TEN: Ext = { m: 10n << 60n, e: -60 };

/** mantissa * 10^decExp, computed as the reference's long double code computes it. */
function decimalScale(mantissa: bigint, decExp: number): number {
  if (decExp === 0 || mantissa === 0n) return extToDouble(mantissa === 0n ? 'zero' : extFrom(mantissa, 0, false));
  const neg = decExp < 0;
  let k = neg ? -decExp : decExp;
  let res: Ext = extFrom(mantissa, 0, false);
  let expo: Ext = TEN;
  while (k) {
    if (k & 1) res = neg ? extDiv(res, expo) : extMul(res, expo);
    k = Math.floor(k / 2);
    if (k) expo = extMul(expo, expo);
  }
  return extToDouble(res);
}

const MANTISSA_MAX = 0x1999999999999998n;
const INT_MAX = 2147483647;

/** Parses an unsigned decimal; returns the value and where parsing stopped, or undefined for a bad exponent. */
function parseFloatInternal(text: string, start: number): { value: number; end: number } | undefined {
  const top = text.length;
  let p = start;
  let state: 0 | 1 | 2 = 0; // integer part, fraction, exponent
  let expNeg = false;
  let mantissa = 0n;
  let expVal = 0;
  let expExtra = 0;
  let zerosIntg = 0;
  let zerosFrac = 0;
  const accept = (dig: number, where: 0 | 1 | 2): void => {
    if (mantissa < MANTISSA_MAX) {
      if (where === 1) --expExtra;
      mantissa = 10n * mantissa + BigInt(dig);
    } else if (where === 0) {
      ++expExtra;
    }
  };
  while (p < top) {
    let dig = text.charCodeAt(p++);
    if (dig >= 0x30 && dig <= 0x39) {
      dig -= 0x30;
      if (state === 2) {
        if (expVal < Math.trunc((Math.trunc(INT_MAX / 2) - 9) / 10)) expVal = 10 * expVal + dig;
      } else if (dig === 0 || mantissa >= MANTISSA_MAX) {
        // zeros are deferred: trailing ones in the fraction are ignored
        if (state === 0) ++zerosIntg;
        else ++zerosFrac;
      } else {
        while (zerosIntg) {
          accept(0, 0);
          --zerosIntg;
        }
        while (zerosFrac) {
          accept(0, 1);
          --zerosFrac;
        }
        accept(dig, state);
      }
    } else if (state === 0 && dig === 0x2e) {
      state = 1;
    } else if (state !== 2 && (dig | 0x20) === 0x65) {
      state = 2;
      if (p < top) {
        if (text[p] === '+') p++;
        else if (text[p] === '-') {
          p++;
          expNeg = true;
        }
      }
      if (p === top) return undefined;
    } else if (dig === 0x5f) {
      continue;
    } else {
      p--;
      break;
    }
  }
  if (expNeg) expVal = -expVal;
  expVal += expExtra + zerosIntg;
  return { value: decimalScale(mantissa, expVal), end: p };
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
