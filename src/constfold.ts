// Compile-time arithmetic on int/float constants, with the reference
// runtime's semantics (it folds by running its own operators on the host).
// An operation the runtime would reject (division by zero, negative shift,
// unsupported operand, complex result, out of memory) is "not foldable":
// `undefined`, and the expression stays in the tree.
import type { ConstObj } from './objects.ts';
import { BinaryOp, UnaryOp } from './ops.ts';
import { rationalToDouble } from './parsenum.ts';

export type NumObj = Extract<ConstObj, { kind: 'int' } | { kind: 'float' }>;
export type IntObj = Extract<ConstObj, { kind: 'int' }>;

// ---- small ints and big-int objects ----
// The reference's ints are either host small ints (63-bit on the 64-bit
// mpy-cross) or big-int (mpz) objects. Binary operations normalise their
// result (a big int whose value fits becomes a small int), but unary - and ~
// on a big int always give a new big int, and unary + gives the same object.
// Such a big int still becomes a constant object in the parse tree even when
// its value fits the target's small ints, so the folder must know which kind
// each int constant is.
const HOST_SMALL_MIN = -(1n << 62n);
const HOST_SMALL_MAX = (1n << 62n) - 1n;

/** Int constants that are big-int objects although their value fits a host small int. */
const unnormalisedBigInts = new WeakSet<IntObj>();

function fitsHostSmallInt(v: bigint): boolean {
  return v >= HOST_SMALL_MIN && v <= HOST_SMALL_MAX;
}

/** An int as the reference's operations return it: a small int if it fits, else a big int. */
export function newInt(value: bigint): IntObj {
  return { kind: 'int', value };
}

/** A big-int object even if the value would fit a small int (unary - and ~ on big ints). */
function newBigInt(value: bigint): IntObj {
  const o: IntObj = { kind: 'int', value };
  if (fitsHostSmallInt(value)) unnormalisedBigInts.add(o);
  return o;
}

/** Is this int constant a big-int object in the reference (rather than a host small int)? */
export function isBigIntObject(o: IntObj): boolean {
  return !fitsHostSmallInt(o.value) || unnormalisedBigInts.has(o);
}

// The reference's heap is 2 MB; results much larger than that cannot be built.
const MAX_RESULT_BITS = 8 * 1024 * 1024;
// Host small ints (63-bit) convert to float with one rounding; larger ints
// are stored in 32-bit digits and converted digit by digit (rounding at each step).
const TWO_64 = 1n << 64n;
const INT64_MAX = (1n << 63n) - 1n;

function bitLen(n: bigint): number {
  if (n < 0n) n = -n;
  return n === 0n ? 0 : n.toString(16).length * 4;
}

/** int -> float as the reference converts (exactly rounded below 2^64, digit-wise above). */
export function intToFloat(v: bigint): number {
  const neg = v < 0n;
  const a = neg ? -v : v;
  if (a < TWO_64) return Number(v);
  const digits: number[] = [];
  let x = a;
  while (x > 0n) {
    digits.push(Number(x & 0xffffffffn));
    x >>= 32n;
  }
  let val = 0;
  for (let i = digits.length - 1; i >= 0; i--) val = val * 4294967296 + digits[i]!;
  return neg ? -val : val;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}
function floorMod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r;
}

/** A finite nonzero double as m * 2^e with integer m. */
function decompose(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = hi >>> 20;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { m, e: -1074 };
  m |= 1n << 52n;
  return { m, e: biased - 1075 };
}

// Exponents up to this size are computed exactly; beyond, the result is far
// outside the double range or the base is ~1 and the platform pow is used.
const EXACT_POW_MAX_EXP = 2048;

// ---- pow() as the host C library computes it ----
// The reference folds with glibc's pow(), which is (all but always) correctly
// rounded; JS engines' Math.pow is not. Integer exponents are computed
// exactly; others with 200-bit fixed-point logarithm and exponential.

const FIX = 200n; // fraction bits of the fixed-point numbers
const ONE = 1n << FIX;

/** ln((1+z)/(1-z)) = 2 atanh(z) for a fixed-point 0 <= z < 1/2. */
function fixAtanh2(z: bigint): bigint {
  const z2 = (z * z) >> FIX;
  let term = z;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k;
    term = (term * z2) >> FIX;
  }
  return 2n * sum;
}

const LN2 = fixAtanh2(ONE / 3n); // ln 2 = 2 atanh(1/3)

/** ln(m * 2^e) in fixed point, for an integer m > 0. */
function fixLn(m: bigint, e: number): bigint {
  // scale m to f in [1, 2): m = f * 2^(len-1)
  const len = m.toString(2).length;
  const f = len - 1 <= Number(FIX) ? m << (FIX - BigInt(len - 1)) : m >> (BigInt(len - 1) - FIX);
  const z = ((f - ONE) << FIX) / (f + ONE);
  return fixAtanh2(z) + BigInt(e + len - 1) * LN2;
}

/** exp(t) for a fixed-point t, as a double. */
function fixExpToDouble(t: bigint): number {
  // t = n ln2 + r with |r| <= ln2 / 2
  let n = t / LN2;
  let r = t - n * LN2;
  if (r > LN2 / 2n) {
    n += 1n;
    r -= LN2;
  } else if (r < -LN2 / 2n) {
    n -= 1n;
    r += LN2;
  }
  if (n > 2000n) return Infinity;
  if (n < -2000n) return 0;
  let sum = ONE;
  let term = ONE;
  for (let k = 1n; term !== 0n; k++) {
    term = (term * r) / (k << FIX);
    sum += term;
  }
  return rationalToDouble(sum, ONE, Number(n));
}

/** The C library's pow() for the cases that reach it from folding. */
function cPow(x: number, y: number): number {
  // C: 1 to any power (even NaN) and -1 to an infinite power are 1; JS gives NaN
  if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
  if (!Number.isFinite(x) || !Number.isFinite(y) || x === 0 || y === 0 || Number.isNaN(x) || x === 1) {
    return Math.pow(x, y);
  }
  const { m, e } = decompose(x);
  if (Number.isInteger(y) && Math.abs(y) <= EXACT_POW_MAX_EXP) {
    const n = Math.abs(y);
    const mn = m ** BigInt(n);
    const neg = x < 0 && n % 2 === 1;
    const v = y > 0 ? rationalToDouble(mn, 1n, e * n) : rationalToDouble(1n, mn, -e * n);
    return neg ? -v : v;
  }
  if (Math.abs(y) > 2 ** 60) return Math.pow(x, y);
  // x < 0 only with an integer y here (non-integers were rejected before)
  const neg = x < 0 && Number.isInteger(y) && Math.abs(y) % 2 === 1;
  const ym = decompose(y);
  let t = fixLn(m, e) * ym.m;
  t = ym.e >= 0 ? t << BigInt(ym.e) : t >> BigInt(-ym.e);
  if (y < 0) t = -t;
  const v = fixExpToDouble(t);
  return neg ? -v : v;
}

function floatOp(op: BinaryOp, x: number, y: number): NumObj | undefined {
  let r: number;
  switch (op) {
    case BinaryOp.Add:
      r = x + y;
      break;
    case BinaryOp.Subtract:
      r = x - y;
      break;
    case BinaryOp.Multiply:
      r = x * y;
      break;
    case BinaryOp.FloorDivide: {
      if (y === 0) return undefined;
      let mod = x % y;
      let div = (x - mod) / y;
      if (mod === 0) {
        mod = y < 0 ? -0 : 0;
      } else if ((mod < 0) !== (y < 0)) {
        mod += y;
        div -= 1;
      }
      if (div === 0) {
        r = x / y < 0 || Object.is(x / y, -0) ? -0 : 0;
      } else {
        r = Math.floor(div);
        if (div - r > 0.5) r += 1;
      }
      break;
    }
    case BinaryOp.TrueDivide:
      if (y === 0) return undefined;
      r = x / y;
      break;
    case BinaryOp.Modulo:
      if (y === 0) return undefined;
      r = x % y;
      if (r === 0) r = y < 0 ? -0 : 0;
      else if ((r < 0) !== (y < 0)) r += y;
      break;
    case BinaryOp.Power:
      if (x === 0 && y < 0 && Number.isFinite(y)) return undefined;
      if (x < 0 && y !== Math.floor(y) && !Number.isNaN(y)) return undefined; // complex result
      r = cPow(x, y);
      break;
    default:
      return undefined;
  }
  return { kind: 'float', value: r };
}

function intOp(op: BinaryOp, a: bigint, b: bigint): NumObj | undefined {
  let r: bigint;
  switch (op) {
    case BinaryOp.Or:
      r = a | b;
      break;
    case BinaryOp.Xor:
      r = a ^ b;
      break;
    case BinaryOp.And:
      r = a & b;
      break;
    case BinaryOp.Lshift:
      // a shift count must fit the host's machine word
      if (b < 0n || b > INT64_MAX) return undefined;
      if (a !== 0n && bitLen(a) + Number(b > BigInt(MAX_RESULT_BITS) ? MAX_RESULT_BITS : b) > MAX_RESULT_BITS) return undefined;
      r = a << b;
      break;
    case BinaryOp.Rshift:
      if (b < 0n || b > INT64_MAX) return undefined;
      r = a >> (b > 100000000n ? 100000000n : b);
      break;
    case BinaryOp.Add:
      r = a + b;
      break;
    case BinaryOp.Subtract:
      r = a - b;
      break;
    case BinaryOp.Multiply:
      if (bitLen(a) + bitLen(b) > MAX_RESULT_BITS) return undefined;
      r = a * b;
      break;
    case BinaryOp.FloorDivide:
      if (b === 0n) return undefined;
      r = floorDiv(a, b);
      break;
    case BinaryOp.TrueDivide:
      if (b === 0n) return undefined;
      return { kind: 'float', value: intToFloat(a) / intToFloat(b) };
    case BinaryOp.Modulo:
      if (b === 0n) return undefined;
      r = floorMod(a, b);
      break;
    case BinaryOp.Power:
      if (b < 0n) return floatOp(op, intToFloat(a), intToFloat(b));
      if (a !== 0n && a !== 1n && a !== -1n && (b > BigInt(MAX_RESULT_BITS) || bitLen(a) * Number(b) > MAX_RESULT_BITS * 2)) {
        return undefined;
      }
      r = a ** b;
      if (bitLen(r) > MAX_RESULT_BITS) return undefined;
      break;
    default:
      return undefined;
  }
  return newInt(r);
}

/** lhs `op` rhs for numeric constants, or undefined when the reference would not fold it. */
export function binaryOpMaybe(op: BinaryOp, lhs: NumObj, rhs: NumObj): NumObj | undefined {
  if (lhs.kind === 'int' && rhs.kind === 'int') return intOp(op, lhs.value, rhs.value);
  const x = lhs.kind === 'int' ? intToFloat(lhs.value) : lhs.value;
  const y = rhs.kind === 'int' ? intToFloat(rhs.value) : rhs.value;
  return floatOp(op, x, y);
}

/** Unary + - ~ on a numeric constant (~ only on ints: the caller checks). */
export function unaryOp(op: UnaryOp.Positive | UnaryOp.Negative | UnaryOp.Invert, v: NumObj): NumObj {
  // + gives back the operand itself (ints and floats alike)
  if (op === UnaryOp.Positive) return v;
  if (v.kind === 'int') {
    const r = op === UnaryOp.Negative ? -v.value : ~v.value;
    // a small int's result is normalised (only -MIN overflows, into a big int);
    // a big int's result stays a big int whatever its value
    return isBigIntObject(v) ? newBigInt(r) : newInt(r);
  }
  return { kind: 'float', value: -v.value };
}

/** Python truth value of a constant. */
export function constIsTrue(o: ConstObj): boolean {
  switch (o.kind) {
    case 'none':
    case 'false':
      return false;
    case 'true':
    case 'ellipsis':
      return true;
    case 'str':
    case 'bytes':
      return o.value.length > 0;
    case 'int':
      return o.value !== 0n;
    case 'float':
      return o.value !== 0;
    case 'complex':
      return o.real !== 0 || o.imag !== 0;
    case 'tuple':
      return o.items.length > 0;
  }
}
