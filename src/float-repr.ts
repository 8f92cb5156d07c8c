// Float and complex repr exactly as the reference mpy-cross prints them into a
// .mpy constant table, plus the decimal-string-to-double conversion the
// reference's lexer uses.
//
// The reference (double-precision build on x86-64) uses the "exact" float
// formatting mode: digits are produced by scaling with powers of ten computed
// in x87 80-bit `long double` arithmetic, then the shortest of 16..19
// significant digits that parses back to the same double is chosen, where
// "parses back" uses the reference's own parser (again long double based).
// Neither step is correctly rounded in general, so matching its bytes means
// emulating that 64-bit-mantissa arithmetic: that is what `Ext` below does.

// ---------------------------------------------------------------------------
// x87 extended precision (64-bit mantissa, round to nearest even), restricted
// to what the conversions need: non-negative finite values, exponent unbounded.

const MANT_BITS = 64;
const TWO64 = 1n << 64n;

/** value = m * 2^e, with m === 0n or 2^63 <= m < 2^64. */
interface Ext {
  readonly m: bigint;
  readonly e: number;
}

const EXT_ZERO: Ext = { m: 0n, e: 0 };

function bitLength(n: bigint): number {
  // n > 0
  return n.toString(2).length;
}

/** Rounds the exact value n * 2^e (plus a sticky "something below" flag) to 64 bits. */
function roundExt(n: bigint, e: number, sticky: boolean): Ext {
  if (n === 0n) return EXT_ZERO;
  const len = bitLength(n);
  if (len <= MANT_BITS) {
    // exact (a sticky remainder below a full 64-bit value cannot occur for callers here)
    const sh = MANT_BITS - len;
    return { m: n << BigInt(sh), e: e - sh };
  }
  const shift = len - MANT_BITS;
  const bs = BigInt(shift);
  let q = n >> bs;
  const rem = n & ((1n << bs) - 1n);
  const half = 1n << (bs - 1n);
  if (rem > half || (rem === half && (sticky || (q & 1n) === 1n)) || (rem === half && sticky)) q += 1n;
  let ne = e + shift;
  if (q === TWO64) {
    q >>= 1n;
    ne += 1;
  }
  return { m: q, e: ne };
}

function extFromUint(n: bigint): Ext {
  return roundExt(n, 0, false);
}

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/** Exact conversion of a non-negative finite double. */
function extFromDouble(d: number): Ext {
  F64[0] = d;
  const bits = U64[0]!;
  const expField = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  if (expField === 0) {
    if (frac === 0n) return EXT_ZERO;
    return roundExt(frac, -1074, false);
  }
  return roundExt(frac | (1n << 52n), expField - 1075, false);
}

function extMul(a: Ext, b: Ext): Ext {
  if (a.m === 0n || b.m === 0n) return EXT_ZERO;
  return roundExt(a.m * b.m, a.e + b.e, false);
}

function extDiv(a: Ext, b: Ext): Ext {
  if (a.m === 0n) return EXT_ZERO;
  // 2^63 <= a.m, b.m < 2^64: shifting a by 66 bits gives a quotient of at least 66 bits
  const SH = 66n;
  const num = a.m << SH;
  const q = num / b.m;
  const r = num - q * b.m;
  // fold the remainder into a sticky bit below the quotient's last bit
  return roundExt((q << 1n) | (r !== 0n ? 1n : 0n), a.e - b.e - 66 - 1, false);
}

function extAdd(a: Ext, b: Ext): Ext {
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  const hi = a.e >= b.e ? a : b;
  const lo = a.e >= b.e ? b : a;
  const gap = hi.e - lo.e;
  if (gap > 200) {
    // the smaller operand is far below half an ulp of the larger one
    return hi;
  }
  return roundExt((hi.m << BigInt(gap)) + lo.m, lo.e, false);
}

/** Truncation toward zero to an unsigned integer (the C cast to uint64_t). */
function extToUintTrunc(a: Ext): bigint {
  if (a.m === 0n) return 0n;
  if (a.e >= 0) return a.m << BigInt(a.e);
  if (a.e <= -MANT_BITS) return 0n;
  return a.m >> BigInt(-a.e);
}

/** Rounds to the nearest double (ties to even), with subnormals and overflow to Infinity. */
function extToDouble(a: Ext): number {
  if (a.m === 0n) return 0;
  const top = a.e + MANT_BITS - 1; // value in [2^top, 2^(top+1))
  if (top > 1023) return Infinity;
  // number of low mantissa bits to drop: 11 for normal doubles, more for subnormals
  let drop = top >= -1022 ? MANT_BITS - 53 : -1074 - a.e;
  if (drop > MANT_BITS + 1) return 0;
  const bs = BigInt(drop);
  let q = a.m >> bs;
  const rem = a.m & ((1n << bs) - 1n);
  const half = 1n << (bs - 1n);
  if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  const k = a.e + drop;
  if (k > 971) return Number(q) * 2 ** 971 * 2 ** (k - 971);
  return Number(q) * 2 ** k;
}

const EXT_TEN = extFromUint(10n);
const EXT_HALF: Ext = { m: 1n << 63n, e: -64 };

/** num * 10^decExp by repeated squaring in extended precision, as the reference does it. */
function decimalExp(num: Ext, decExp: number): Ext {
  if (decExp === 0 || num.m === 0n) return num;
  const neg = decExp < 0;
  let n = neg ? -decExp : decExp;
  let res = num;
  let expo = EXT_TEN;
  while (n !== 0) {
    if (n & 1) res = neg ? extDiv(res, expo) : extMul(res, expo);
    n = Math.floor(n / 2);
    if (n !== 0) expo = extMul(expo, expo);
  }
  return res;
}

// ---------------------------------------------------------------------------
// Decimal text -> double, the reference's digit-accumulating parser.

const MANTISSA_MAX = 0x1999999999999998n;
const EXP_VAL_LIMIT = Math.floor((0x7fffffff / 2 - 9) / 10);

/**
 * Parses an unsigned decimal number (digits, optional '.', optional exponent,
 * '_' separators ignored) as the reference does for float literals and for
 * its repr round-trip check. Returns the value and the index where parsing
 * stopped, or undefined when an exponent marker has no digits room (the
 * reference's "no number" case).
 */
export function parseDecimalFloat(str: string, start = 0, end = str.length): { value: number; end: number } | undefined {
  const IN_INTG = 0;
  const IN_FRAC = 1;
  const IN_EXP = 2;
  let state = IN_INTG;
  let expNeg = false;
  let mantissa = 0n;
  let expVal = 0;
  let expExtra = 0;
  let zerosIntg = 0;
  let zerosFrac = 0;
  const accept = (dig: number, where: number): void => {
    if (mantissa < MANTISSA_MAX) {
      if (where === IN_FRAC) expExtra--;
      mantissa = 10n * mantissa + BigInt(dig);
    } else if (where === IN_INTG) {
      expExtra++;
    }
  };
  let i = start;
  while (i < end) {
    const c = str.charCodeAt(i++);
    if (c >= 0x30 && c <= 0x39) {
      const dig = c - 0x30;
      if (state === IN_EXP) {
        if (expVal < EXP_VAL_LIMIT) expVal = 10 * expVal + dig;
      } else if (dig === 0 || mantissa >= MANTISSA_MAX) {
        // zeros are deferred: trailing fractional zeros never reach the mantissa
        if (state === IN_INTG) zerosIntg++;
        else zerosFrac++;
      } else {
        for (; zerosIntg > 0; zerosIntg--) accept(0, IN_INTG);
        for (; zerosFrac > 0; zerosFrac--) accept(0, IN_FRAC);
        accept(dig, state);
      }
    } else if (state === IN_INTG && c === 0x2e) {
      state = IN_FRAC;
    } else if (state !== IN_EXP && (c | 0x20) === 0x65) {
      state = IN_EXP;
      if (i < end) {
        const s = str.charCodeAt(i);
        if (s === 0x2b) i++;
        else if (s === 0x2d) {
          i++;
          expNeg = true;
        }
      }
      if (i === end) return undefined;
    } else if (c === 0x5f) {
      continue;
    } else {
      i--;
      break;
    }
  }
  if (expNeg) expVal = -expVal;
  expVal += expExtra + zerosIntg;
  const value = extToDouble(decimalExp(extFromUint(mantissa), expVal));
  return { value, end: i };
}

// ---------------------------------------------------------------------------
// Double -> shortest round-tripping text, 'g' style with repr precision.

const REPR_MAX_DIGITS = 19; // digits a 64-bit integer mantissa can hold
const REPR_FIRST_DIGITS = 16; // digits that are always safe for a double
const REPR_MAX_EXP_ZEROS = 16; // switch to exponent notation from 1e16 on

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 20; i++, p *= 10n) POW10.push(p);

/** The binary exponent field of a double minus its bias (subnormals give -1023). */
function binaryExponent(f: number): number {
  F64[0] = f;
  return Number((U64[0]! >> 52n) & 0x7ffn) - 1023;
}

/**
 * Renders an integer decimal mantissa in 'g' style: `e` is the power of ten of
 * the first digit. Mirrors the reference's mantissa formatter for that mode.
 */
function formatMantissaG(
  mantissaIn: bigint,
  mantissaCap: bigint,
  numDigitsIn: number,
  trailingZerosIn: number,
  eIn: number,
): string {
  let mantissa = mantissaIn;
  let numDigits = numDigitsIn;
  let trailingZeros = trailingZerosIn;
  let e = eIn;
  let dec = 0;
  const NO_DOT = 255;
  if (mantissa !== 0n && mantissa >= mantissaCap) {
    // rounding produced one digit too many
    mantissa /= 10n;
    e++;
  }
  let prefix = '';
  if (e !== 0) {
    if (e > 0) {
      if (e < REPR_MAX_EXP_ZEROS) {
        dec += e;
        if (dec >= numDigits) trailingZeros = dec - (numDigits - 1);
        e = 0;
      }
    } else if (e >= -4) {
      // small negative exponent: write 0.000ddd, dropping mantissa zeros that fit
      let cnt = 0;
      while (e < 0 && mantissa % 10n === 0n) {
        mantissa /= 10n;
        cnt++;
        e++;
      }
      numDigits -= cnt;
      prefix = '0.' + '0'.repeat(Math.max(0, cnt - e - 1));
      dec = NO_DOT;
      e = 0;
    }
  }
  let digits = mantissa.toString().padStart(numDigits, '0');
  if (digits.length > numDigits) digits = digits.slice(digits.length - numDigits);
  let body: string;
  let dot = dec >= NO_DOT;
  if (dec + 1 < numDigits) {
    dot = true;
    body = digits.slice(0, dec + 1) + '.' + digits.slice(dec + 1);
  } else {
    body = digits;
  }
  let out = prefix + body;
  if (trailingZeros > 0) {
    let d = dec - (numDigits - 1);
    while (trailingZeros-- > 0) {
      if (d-- === 0) {
        out += '.';
        dot = true;
      }
      out += '0';
    }
  }
  if (dot) {
    let n = out.length;
    while (n > 0 && out.charCodeAt(n - 1) === 0x30) n--;
    if (n > 0 && out.charCodeAt(n - 1) === 0x2e) n--;
    out = out.slice(0, n);
  }
  if (e !== 0) {
    const a = Math.abs(e);
    out += 'e' + (e >= 0 ? '+' : '-') + (a >= 100 ? String(Math.floor(a / 100)) : '') + String(Math.floor(a / 10) % 10) + String(a % 10);
  }
  return out;
}

/** The unsigned 'g'-style text of a non-negative finite double with repr precision. */
function formatUnsignedRepr(f: number): string {
  // the power of ten of the leading digit, estimated from the binary exponent then corrected
  let e = 0;
  if (f !== 0) {
    e = Math.trunc(binaryExponent(f) * 0.3010299956639812);
    const positive = !(f < 1.0);
    const step = positive ? 1 : -1;
    let uBase = extToDouble(decimalExp({ m: 1n << 63n, e: -63 }, e + (positive ? 1 : 0)));
    while ((f >= uBase) === positive) {
      e += step;
      uBase = extToDouble(decimalExp({ m: 1n << 63n, e: -63 }, e + (positive ? 1 : 0)));
    }
  }
  const fx = extFromDouble(f);
  for (let numDigits = REPR_FIRST_DIGITS; ; numDigits++) {
    const extraZeros = REPR_MAX_DIGITS - numDigits;
    const decexp = f === 0 ? 0 : numDigits - e - 1;
    const scaled = extAdd(decimalExp(fx, decexp), EXT_HALF);
    const mantissa = f === 0 ? 0n : extToUintTrunc(scaled);
    const text = formatMantissaG(mantissa, POW10[numDigits]!, numDigits, extraZeros, e);
    if (numDigits >= REPR_MAX_DIGITS) return text;
    const back = parseDecimalFloat(text);
    if (back !== undefined && back.value === f) return text;
  }
}

/**
 * repr(float) as the reference prints it: shortest round-trip digits with a
 * ".0" added to integral values, "inf", "nan", "-0.0", "1e+16", "1e-05".
 */
export function floatRepr(f: number): string {
  const s = formatFloatG(f, '');
  return /[.en]/.test(s) ? s : s + '.0';
}

/** 'g' repr-precision text with an optional forced sign char for non-negative values. */
function formatFloatG(f: number, sign: '' | '+'): string {
  let out: string = sign;
  let v = f;
  if (Number.isNaN(f)) return sign + 'nan';
  if (f < 0 || Object.is(f, -0)) {
    v = -f;
    out = '-';
  }
  if (v === Infinity) return out + 'inf';
  return out + formatUnsignedRepr(v);
}

/** repr(complex): "1j", "-0j", "(1+2j)", "(nan+infj)". */
export function complexRepr(real: number, imag: number): string {
  if (real !== 0) return '(' + formatFloatG(real, '') + formatFloatG(imag, '+') + 'j)';
  return formatFloatG(imag, '') + 'j';
}
