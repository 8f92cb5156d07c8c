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
// emulating that 64-bit-mantissa arithmetic: that is what the `ext*`
// functions below do.

// ---------------------------------------------------------------------------
// x87 extended precision (64-bit mantissa, round to nearest even), restricted
// to what the conversions need: non-negative finite values, exponent unbounded.
//
// A value is three plain numbers (no BigInt, no objects on the hot path):
// mantissa high and low 32-bit halves and a binary exponent, meaning
// (hi * 2^32 + lo) * 2^e with hi >= 2^31, or zero when hi === 0. Every
// operation leaves its result in the registers RH/RL/RE below; callers copy
// them out before the next operation. Intermediate results are exact
// integers below 2^53, so plain double arithmetic computes them exactly.

const TWO32 = 4294967296;

let RH = 0;
let RL = 0;
let RE = 0;

function setZero(): void {
  RH = 0;
  RL = 0;
  RE = 0;
}

/** Normalises the exact unsigned 64-bit value (h, l) * 2^e into the registers. */
function setNormalised(h: number, l: number, e: number): void {
  if (h === 0) {
    if (l === 0) return setZero();
    h = l;
    l = 0;
    e -= 32;
  }
  const s = Math.clz32(h);
  if (s !== 0) {
    h = ((h << s) | (l >>> (32 - s))) >>> 0;
    l = (l << s) >>> 0;
    e -= s;
  }
  RH = h;
  RL = l;
  RE = e;
}

/**
 * Rounds the exact 128-bit value (w3 w2 w1 w0, 32-bit words) * 2^e to a
 * 64-bit mantissa, ties to even, into the registers.
 */
function round128(w3: number, w2: number, w1: number, w0: number, e: number): void {
  if (w3 === 0) {
    if (w2 === 0) return setNormalised(w1, w0, e);
    w3 = w2;
    w2 = w1;
    w1 = w0;
    w0 = 0;
    e -= 32;
  }
  const s = Math.clz32(w3);
  if (s !== 0) {
    const r = 32 - s;
    w3 = ((w3 << s) | (w2 >>> r)) >>> 0;
    w2 = ((w2 << s) | (w1 >>> r)) >>> 0;
    w1 = ((w1 << s) | (w0 >>> r)) >>> 0;
    w0 = (w0 << s) >>> 0;
    e -= s;
  }
  // keep (w3, w2); w1's top bit is the rounding bit, the rest is sticky
  let h = w3;
  let l = w2;
  e += 64;
  setRounded(h, l, e, w1 >= 0x80000000 && (w1 !== 0x80000000 || w0 !== 0 || (l & 1) === 1));
}

/**
 * Stores a 64-bit significand (h:l) and exponent as the result, first adding
 * one unit in the last place if `roundUp` (a carry out renormalises to 1.0
 * and bumps the exponent).
 */
function setRounded(h: number, l: number, e: number, roundUp: boolean): void {
  if (roundUp) {
    l += 1;
    if (l === TWO32) {
      l = 0;
      h += 1;
      if (h === TWO32) {
        h = 0x80000000;
        e += 1;
      }
    }
  }
  RH = h;
  RL = l;
  RE = e;
}

/** a * b, rounded. */
function extMul(ah: number, al: number, ae: number, bh: number, bl: number, be: number): void {
  if (ah === 0 || bh === 0) return setZero();
  // 16-bit limbs: every partial product and column sum stays below 2^53
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const a2 = ah & 0xffff;
  const a3 = ah >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const b2 = bh & 0xffff;
  const b3 = bh >>> 16;
  let t = a0 * b0;
  const p0 = t % 65536;
  t = (t - p0) / 65536 + a0 * b1 + a1 * b0;
  const p1 = t % 65536;
  t = (t - p1) / 65536 + a0 * b2 + a1 * b1 + a2 * b0;
  const p2 = t % 65536;
  t = (t - p2) / 65536 + a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  const p3 = t % 65536;
  t = (t - p3) / 65536 + a1 * b3 + a2 * b2 + a3 * b1;
  const p4 = t % 65536;
  t = (t - p4) / 65536 + a2 * b3 + a3 * b2;
  const p5 = t % 65536;
  t = (t - p5) / 65536 + a3 * b3;
  const p6 = t % 65536;
  const p7 = (t - p6) / 65536;
  round128(p7 * 65536 + p6, p5 * 65536 + p4, p3 * 65536 + p2, p1 * 65536 + p0, ae + be);
}

/** a / b, rounded (a long division producing the quotient's 64 bits, a rounding bit and a sticky bit). */
function extDiv(ah: number, al: number, ae: number, bh: number, bl: number, be: number): void {
  if (ah === 0) return setZero();
  if (bl === 0) return extDivShort(ah, al, ae, bh, be);
  // remainder (rh, rl) < b throughout; quotient bits shift into (qh, ql)
  let rh = ah;
  let rl = al;
  let qh = 0;
  let ql = 0;
  let steps: number;
  let e: number;
  if (rh > bh || (rh === bh && rl >= bl)) {
    // quotient in [1, 2): its leading bit is known
    const d = rl - bl;
    rl = d < 0 ? d + TWO32 : d;
    rh = rh - bh - (d < 0 ? 1 : 0);
    ql = 1;
    steps = 63;
    e = ae - be - 63;
  } else {
    steps = 64;
    e = ae - be - 64;
  }
  let roundBit = 0;
  for (let k = 0; k <= steps; k++) {
    const carry = rh >>> 31;
    rh = ((rh << 1) | (rl >>> 31)) >>> 0;
    rl = (rl << 1) >>> 0;
    let bit = 0;
    if (carry !== 0 || rh > bh || (rh === bh && rl >= bl)) {
      const d = rl - bl;
      rl = d < 0 ? d + TWO32 : d;
      rh = (rh - bh - (d < 0 ? 1 : 0)) >>> 0;
      bit = 1;
    }
    if (k === steps) {
      roundBit = bit;
    } else {
      qh = ((qh << 1) | (ql >>> 31)) >>> 0;
      ql = ((ql << 1) | bit) >>> 0;
    }
  }
  setRounded(qh, ql, e, roundBit === 1 && (rh !== 0 || rl !== 0 || (ql & 1) === 1));
}

// dividend digits for extDivShort, base 2^16, most significant first
const SHORT_DIGITS = new Float64Array(7);

/**
 * a / b for a divisor with a zero low half (10, 100, 10^4, 10^8: the
 * common powers of ten), rounded: short division by the 32-bit high half,
 * 16 bits at a time, gives the same 65-bit quotient and remainder test as
 * the bitwise division.
 */
function extDivShort(ah: number, al: number, ae: number, bh: number, be: number): void {
  // Q = floor(a * 2^s / b) = floor(a * 2^(s - 32) / bh), with s chosen so that 2^64 <= Q < 2^65
  const s = ah >= bh ? 64 : 65;
  const d = SHORT_DIGITS;
  let n: number;
  if (s === 64) {
    d[0] = ah >>> 16;
    d[1] = ah & 0xffff;
    d[2] = al >>> 16;
    d[3] = al & 0xffff;
    n = 4;
  } else {
    // a * 2, one bit more
    d[0] = ah >>> 31;
    d[1] = (ah >>> 15) & 0xffff;
    d[2] = ((ah & 0x7fff) << 1) | (al >>> 31);
    d[3] = (al >>> 15) & 0xffff;
    d[4] = (al & 0x7fff) << 1;
    n = 5;
  }
  d[n] = 0;
  d[n + 1] = 0;
  n += 2;
  // the quotient's low 80 bits as five 16-bit digits (q4 is its top bit)
  let q4 = 0;
  let q3 = 0;
  let q2 = 0;
  let q1 = 0;
  let q0 = 0;
  let r = 0;
  for (let i = 0; i < n; i++) {
    const cur = r * 65536 + d[i]!; // < 2^48
    const qd = Math.floor(cur / bh);
    r = cur - qd * bh;
    q4 = q3;
    q3 = q2;
    q2 = q1;
    q1 = q0;
    q0 = qd;
  }
  const qh = q4 * 0x80000000 + q3 * 0x8000 + Math.floor(q2 / 2);
  const ql = (q2 % 2) * 0x80000000 + q1 * 0x8000 + Math.floor(q0 / 2);
  setRounded(qh, ql, ae - be - s + 1, q0 % 2 === 1 && (r !== 0 || ql % 2 === 1));
}

/** a + b, rounded. */
function extAdd(ah: number, al: number, ae: number, bh: number, bl: number, be: number): void {
  if (ah === 0) {
    RH = bh;
    RL = bl;
    RE = be;
    return;
  }
  if (bh === 0) {
    RH = ah;
    RL = al;
    RE = ae;
    return;
  }
  if (ae < be) {
    let x = ah;
    ah = bh;
    bh = x;
    x = al;
    al = bl;
    bl = x;
    x = ae;
    ae = be;
    be = x;
  }
  const gap = ae - be;
  if (gap > 64) {
    // the smaller operand is below half an ulp of the larger one
    RH = ah;
    RL = al;
    RE = ae;
    return;
  }
  // (ah, al) << gap as four words, then add (bh, bl)
  let w3 = 0;
  let w2 = 0;
  let w1 = 0;
  let w0 = 0;
  if (gap === 0) {
    w1 = ah;
    w0 = al;
  } else if (gap < 32) {
    w2 = ah >>> (32 - gap);
    w1 = ((ah << gap) | (al >>> (32 - gap))) >>> 0;
    w0 = (al << gap) >>> 0;
  } else if (gap === 32) {
    w2 = ah;
    w1 = al;
  } else if (gap < 64) {
    const g = gap - 32;
    w3 = ah >>> (32 - g);
    w2 = ((ah << g) | (al >>> (32 - g))) >>> 0;
    w1 = (al << g) >>> 0;
  } else {
    w3 = ah;
    w2 = al;
  }
  let s = w0 + bl;
  w0 = s % TWO32;
  s = w1 + bh + (s - w0) / TWO32;
  w1 = s % TWO32;
  s = w2 + (s - w1) / TWO32;
  w2 = s % TWO32;
  w3 += (s - w2) / TWO32;
  round128(w3, w2, w1, w0, be);
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO_WORD = 1 - HI_WORD;

/** Exact conversion of a non-negative finite double into the registers. */
function extFromDouble(d: number): void {
  F64[0] = d;
  const hiWord = U32[HI_WORD]!;
  const loWord = U32[LO_WORD]!;
  const expField = (hiWord >>> 20) & 0x7ff;
  const fracHi = hiWord & 0xfffff;
  if (expField === 0) return setNormalised(fracHi, loWord, -1074);
  // 53-bit significand shifted up by 11 to fill the 64-bit mantissa
  RH = (((fracHi | 0x100000) << 11) | (loWord >>> 21)) >>> 0;
  RL = (loWord << 11) >>> 0;
  RE = expField - 1075 - 11;
}

/** The integer part (truncation toward zero) of a value below 2^64, as (high, low) 32-bit halves. */
let TRUNC_HI = 0;
let TRUNC_LO = 0;
function extToUintTrunc(h: number, l: number, e: number): void {
  if (h === 0 || e <= -64) {
    TRUNC_HI = 0;
    TRUNC_LO = 0;
  } else if (e > 0) {
    // the scaled values are below 10^19 < 2^64; reaching here is a bug
    throw new Error('float repr: scaled mantissa out of range');
  } else {
    const s = -e;
    if (s === 0) {
      TRUNC_HI = h;
      TRUNC_LO = l;
    } else if (s < 32) {
      TRUNC_HI = h >>> s;
      TRUNC_LO = ((h << (32 - s)) | (l >>> s)) >>> 0;
    } else {
      TRUNC_HI = 0;
      TRUNC_LO = h >>> (s - 32);
    }
  }
}

/** Rounds to the nearest double (ties to even), with subnormals and overflow to Infinity. */
function extToDouble(h: number, l: number, e: number): number {
  if (h === 0) return 0;
  const top = e + 63; // value in [2^top, 2^(top+1))
  if (top > 1023) return Infinity;
  // number of low mantissa bits to drop: 11 for normal doubles, more for subnormals
  const drop = top >= -1022 ? 11 : -1074 - e;
  if (drop > 65) return 0;
  let q: number;
  let above: boolean; // the dropped part is more than half a unit
  let tie: boolean; // ... exactly half a unit
  if (drop <= 32) {
    const unit = 2 ** drop;
    const low = l % unit;
    q = h * (TWO32 / unit) + (l - low) / unit;
    const half = unit / 2;
    above = low > half;
    tie = low === half;
  } else {
    const unit = 2 ** (drop - 32);
    const low = h % unit;
    q = (h - low) / unit;
    const half = unit / 2;
    above = low > half || (low === half && l !== 0);
    tie = low === half && l === 0;
  }
  if (above || (tie && q % 2 === 1)) q += 1;
  const k = e + drop;
  if (k > 971) return q * 2 ** 971 * 2 ** (k - 971);
  return q * 2 ** k;
}

// 10^(2^k) as the reference computes it by repeated squaring of 10, grown on demand
const SQ_H: number[] = [];
const SQ_L: number[] = [];
const SQ_E: number[] = [];
{
  setNormalised(0, 10, 0);
  SQ_H.push(RH);
  SQ_L.push(RL);
  SQ_E.push(RE);
}
function squarePower(k: number): void {
  while (SQ_H.length <= k) {
    const j = SQ_H.length - 1;
    extMul(SQ_H[j]!, SQ_L[j]!, SQ_E[j]!, SQ_H[j]!, SQ_L[j]!, SQ_E[j]!);
    SQ_H.push(RH);
    SQ_L.push(RL);
    SQ_E.push(RE);
  }
}

/** num * 10^decExp by repeated squaring in extended precision, as the reference does it; result in the registers. */
function decimalExp(h: number, l: number, e: number, decExp: number): void {
  RH = h;
  RL = l;
  RE = e;
  if (decExp === 0 || h === 0) return;
  const neg = decExp < 0;
  let n = neg ? -decExp : decExp;
  for (let k = 0; n !== 0; k++) {
    if (n % 2 === 1) {
      if (k >= SQ_H.length) {
        // growing the table uses the registers: keep the running result
        const h0 = RH;
        const l0 = RL;
        const e0 = RE;
        squarePower(k);
        RH = h0;
        RL = l0;
        RE = e0;
      }
      if (neg) extDiv(RH, RL, RE, SQ_H[k]!, SQ_L[k]!, SQ_E[k]!);
      else extMul(RH, RL, RE, SQ_H[k]!, SQ_L[k]!, SQ_E[k]!);
    }
    n = Math.floor(n / 2);
  }
}

// ---------------------------------------------------------------------------
// Decimal text -> double, the reference's digit-accumulating parser.

// 0x1999999999999998: beyond this the mantissa takes no more digits
const MANTISSA_MAX_HI = 0x19999999;
const MANTISSA_MAX_LO = 0x99999998;
const EXP_VAL_LIMIT = Math.floor((0x7fffffff / 2 - 9) / 10);

/** Where the last `parseDecimalValue` stopped. */
let parseEnd = 0;

/**
 * Parses an unsigned decimal number (digits, optional '.', optional exponent,
 * '_' separators ignored) as the reference does for float literals and for
 * its repr round-trip check. Returns the value and the index where parsing
 * stopped, or undefined when an exponent marker has no digits room (the
 * reference's "no number" case).
 */
export function parseDecimalFloat(str: string, start = 0, end = str.length): { value: number; end: number } | undefined {
  const value = parseDecimalValue(str, start, end);
  if (value === undefined) return undefined;
  return { value, end: parseEnd };
}

function parseDecimalValue(str: string, start: number, end: number): number | undefined {
  const IN_INTG = 0;
  const IN_FRAC = 1;
  const IN_EXP = 2;
  let state = IN_INTG;
  let expNeg = false;
  // the 64-bit digit accumulator as two 32-bit halves
  let mh = 0;
  let ml = 0;
  let full = false; // mantissa >= MANTISSA_MAX
  let expVal = 0;
  let expExtra = 0;
  let zerosIntg = 0;
  let zerosFrac = 0;
  let i = start;
  while (i < end) {
    const c = str.charCodeAt(i++);
    if (c >= 0x30 && c <= 0x39) {
      const dig = c - 0x30;
      if (state === IN_EXP) {
        if (expVal < EXP_VAL_LIMIT) expVal = 10 * expVal + dig;
      } else if (dig === 0 || full) {
        // zeros are deferred: trailing fractional zeros never reach the mantissa
        if (state === IN_INTG) zerosIntg++;
        else zerosFrac++;
      } else {
        // deferred zeros, then the digit, each taken while the mantissa has room
        const pending = zerosIntg + zerosFrac;
        for (let z = 0; z <= pending; z++) {
          const where = z < zerosIntg ? IN_INTG : z < pending ? IN_FRAC : state;
          const d = z < pending ? 0 : dig;
          if (!full) {
            if (where === IN_FRAC) expExtra--;
            const t = ml * 10 + d;
            ml = t % TWO32;
            mh = mh * 10 + (t - ml) / TWO32;
            full = mh > MANTISSA_MAX_HI || (mh === MANTISSA_MAX_HI && ml >= MANTISSA_MAX_LO);
          } else if (where === IN_INTG) {
            expExtra++;
          }
        }
        zerosIntg = 0;
        zerosFrac = 0;
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
  parseEnd = i;
  setNormalised(mh, ml, 0);
  decimalExp(RH, RL, RE, expVal);
  return extToDouble(RH, RL, RE);
}

// ---------------------------------------------------------------------------
// Double -> shortest round-tripping text, 'g' style with repr precision.

const REPR_MAX_DIGITS = 19; // digits a 64-bit integer mantissa can hold
const REPR_FIRST_DIGITS = 16; // digits that are always safe for a double
const REPR_MAX_EXP_ZEROS = 16; // switch to exponent notation from 1e16 on

/** The binary exponent field of a double minus its bias (subnormals give -1023). */
function binaryExponent(f: number): number {
  F64[0] = f;
  return ((U32[HI_WORD]! >>> 20) & 0x7ff) - 1023;
}

/** Decimal text of the unsigned 64-bit integer (h, l). */
function u64ToDecimal(h: number, l: number): string {
  if (h < 0x200000) return String(h * TWO32 + l);
  // divide by 10^8 in 16-bit steps; the quotient is below 2^53
  const D = 100000000;
  let r = h >>> 16;
  let q = Math.floor(r / D);
  r -= q * D;
  let t = r * 65536 + (h & 0xffff);
  let d = Math.floor(t / D);
  q = q * 65536 + d;
  r = t - d * D;
  t = r * 65536 + (l >>> 16);
  d = Math.floor(t / D);
  q = q * 65536 + d;
  r = t - d * D;
  t = r * 65536 + (l & 0xffff);
  d = Math.floor(t / D);
  q = q * 65536 + d;
  r = t - d * D;
  return String(q) + String(r).padStart(8, '0');
}

/**
 * Renders an integer decimal mantissa (its digits, no leading zeros) in 'g'
 * style: `e` is the power of ten of the first digit. Mirrors the reference's
 * mantissa formatter for that mode.
 */
function formatMantissaG(mantissaIn: string, numDigitsIn: number, trailingZerosIn: number, eIn: number): string {
  let mantissa = mantissaIn;
  let numDigits = numDigitsIn;
  let trailingZeros = trailingZerosIn;
  let e = eIn;
  let dec = 0;
  const NO_DOT = 255;
  if (mantissa.length > numDigits) {
    // rounding produced one digit too many
    mantissa = mantissa.slice(0, -1);
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
      while (e < 0 && mantissa.charCodeAt(mantissa.length - 1) === 0x30) {
        mantissa = mantissa.length > 1 ? mantissa.slice(0, -1) : '0';
        cnt++;
        e++;
      }
      numDigits -= cnt;
      prefix = '0.' + '0'.repeat(Math.max(0, cnt - e - 1));
      dec = NO_DOT;
      e = 0;
    }
  }
  let digits = mantissa.padStart(numDigits, '0');
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

// 10^k rounded to double through extended precision, by k (a pure function: cached)
const decimalPowerCache = new Map<number, number>();
function decimalPowerAsDouble(k: number): number {
  let v = decimalPowerCache.get(k);
  if (v === undefined) {
    decimalExp(0x80000000, 0, -63, k);
    v = extToDouble(RH, RL, RE);
    decimalPowerCache.set(k, v);
  }
  return v;
}

/** The unsigned 'g'-style text of a non-negative finite double with repr precision. */
function formatUnsignedRepr(f: number): string {
  // the power of ten of the leading digit, estimated from the binary exponent then corrected
  let e = 0;
  if (f !== 0) {
    e = Math.trunc(binaryExponent(f) * 0.3010299956639812);
    const positive = !(f < 1.0);
    const step = positive ? 1 : -1;
    const bump = positive ? 1 : 0;
    while ((f >= decimalPowerAsDouble(e + bump)) === positive) e += step;
  }
  extFromDouble(f);
  const fh = RH;
  const fl = RL;
  const fe = RE;
  for (let numDigits = REPR_FIRST_DIGITS; ; numDigits++) {
    const extraZeros = REPR_MAX_DIGITS - numDigits;
    let mantissa = '0';
    if (f !== 0) {
      decimalExp(fh, fl, fe, numDigits - e - 1);
      extAdd(RH, RL, RE, 0x80000000, 0, -64); // + 0.5
      extToUintTrunc(RH, RL, RE);
      mantissa = u64ToDecimal(TRUNC_HI, TRUNC_LO);
    }
    const text = formatMantissaG(mantissa, numDigits, extraZeros, e);
    if (numDigits >= REPR_MAX_DIGITS) return text;
    if (parseDecimalValue(text, 0, text.length) === f) return text;
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
