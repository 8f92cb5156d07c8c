// The bytecode opcode table of MicroPython v1.28 (format v6): opcode names,
// argument formats, and the decoder for one instruction. The opcode numbers
// themselves are defined once, in bytecode.ts (the emitter's table).
import { Op } from './bytecode.ts';

export { Op };

/** How an opcode's argument is encoded after the opcode byte. */
export enum ArgFormat {
  /** no argument */
  Byte = 0,
  /** varuint index into the module's qstr table */
  Qstr = 1,
  /** varuint (signed for LOAD_CONST_SMALL_INT) */
  VarUint = 2,
  /** relative jump offset, 1 or 2 bytes */
  Offset = 3,
}

/** The argument format of an opcode: two bits per high nibble, packed in one constant. */
export function opcodeFormat(op: number): ArgFormat {
  return ((0x000003a4 >>> (2 * (op >>> 4))) & 3) as ArgFormat;
}

/** Opcodes whose mask bits are all clear carry one extra byte after their argument. */
export function opcodeHasExtraByte(op: number): boolean {
  return (op & 0x9e) === 0;
}

export const UNARY_OP_NAMES: readonly string[] = ['__pos__', '__neg__', '__invert__', '<not>'];

export const BINARY_OP_NAMES: readonly string[] = [
  '__lt__', '__gt__', '__eq__', '__le__', '__ge__', '__ne__', '<in>', '<is>', '<exception match>',
  '__ior__', '__ixor__', '__iand__', '__ilshift__', '__irshift__', '__iadd__', '__isub__', '__imul__',
  '__imatmul__', '__ifloordiv__', '__itruediv__', '__imod__', '__ipow__',
  '__or__', '__xor__', '__and__', '__lshift__', '__rshift__', '__add__', '__sub__', '__mul__',
  '__matmul__', '__floordiv__', '__truediv__', '__mod__', '__pow__',
];


const SIGNED_OFFSET_OPS: ReadonlySet<number> = new Set([Op.UNWIND_JUMP, Op.JUMP, Op.POP_JUMP_IF_TRUE, Op.POP_JUMP_IF_FALSE]);
export const CHILD_OPS: ReadonlySet<number> = new Set([
  Op.MAKE_FUNCTION,
  Op.MAKE_FUNCTION_DEFARGS,
  Op.MAKE_CLOSURE,
  Op.MAKE_CLOSURE_DEFARGS,
]);

/** Opcode byte -> display name (undefined for unassigned bytes). */
export const OPCODE_NAMES: readonly (string | undefined)[] = (() => {
  const names: (string | undefined)[] = new Array(256).fill(undefined);
  for (const [name, value] of Object.entries(Op)) {
    if (!name.endsWith('_MULTI')) names[value] = name;
  }
  for (let i = 0; i < 64; i++) names[Op.LOAD_CONST_SMALL_INT_MULTI + i] = `LOAD_CONST_SMALL_INT ${i - 16}`;
  for (let i = 0; i < 16; i++) names[Op.LOAD_FAST_MULTI + i] = `LOAD_FAST ${i}`;
  for (let i = 0; i < 16; i++) names[Op.STORE_FAST_MULTI + i] = `STORE_FAST ${i}`;
  UNARY_OP_NAMES.forEach((n, i) => (names[Op.UNARY_OP_MULTI + i] = `UNARY_OP ${i} ${n}`));
  BINARY_OP_NAMES.forEach((n, i) => (names[Op.BINARY_OP_MULTI + i] = `BINARY_OP ${i} ${n}`));
  return names;
})();

/** One decoded instruction; offsets are relative to the start of the bytecode array given. */
export interface DecodedOp {
  readonly offset: number;
  readonly size: number;
  readonly opcode: number;
  readonly name: string;
  readonly format: ArgFormat;
  /** qstr index, uint, signed small int, or relative jump distance */
  readonly arg?: number;
  /** the exact argument when it is beyond 2^53 (large small ints with -msmall-int-bits=63) */
  readonly bigArg?: bigint;
  /** the byte after the argument (MAKE_CLOSURE*: number of closed-over cells; UNWIND_JUMP: depth) */
  readonly extra?: number;
  /** absolute offset of the jump target (offset formats) */
  readonly target?: number;
}

/** Why one instruction could not be decoded, with the offset of the problem. */
export interface OpDecodeFailure {
  readonly offset: number;
  readonly expected: string;
}

/**
 * Decodes the instruction at `pos` in `code[0..end)`. Returns a failure
 * (never throws) for unassigned opcodes or arguments running past `end`.
 */
export function decodeOp(code: Uint8Array, pos: number, end: number): DecodedOp | OpDecodeFailure {
  const opcode = code[pos]!;
  const name = OPCODE_NAMES[opcode];
  if (name === undefined) return { offset: pos, expected: `a bytecode opcode (0x${opcode.toString(16).padStart(2, '0')} is not one)` };
  const format = opcodeFormat(opcode);
  let p = pos + 1;
  let arg: number | undefined;
  let bigArg: bigint | undefined;
  let target: number | undefined;
  if (format === ArgFormat.Qstr || format === ArgFormat.VarUint) {
    if (p >= end) return { offset: p, expected: `the argument of ${name}` };
    let b = code[p]!;
    // a signed small int sign-extends from bit 6 of its first group
    let v = b & 0x7f;
    if (opcode === Op.LOAD_CONST_SMALL_INT && (b & 0x40) !== 0) v -= 0x80;
    let groups = 1;
    let big: bigint | undefined; // exact value once past 2^53 (only -msmall-int-bits=63 gets there)
    while ((b & 0x80) !== 0) {
      p++;
      if (p >= end) return { offset: p, expected: `the rest of the argument of ${name}` };
      if (++groups > 10) return { offset: p, expected: `a shorter argument of ${name}` };
      b = code[p]!;
      if (groups > 7) {
        big = (big ?? BigInt(v)) * 128n + BigInt(b & 0x7f);
        v = Number(big);
      } else {
        v = v * 128 + (b & 0x7f);
      }
    }
    p++;
    arg = v;
    if (big !== undefined && !Number.isSafeInteger(v)) bigArg = big;
  } else if (format === ArgFormat.Offset) {
    if (p >= end) return { offset: p, expected: `the jump offset of ${name}` };
    const signed = SIGNED_OFFSET_OPS.has(opcode);
    const b0 = code[p]!;
    if ((b0 & 0x80) === 0) {
      arg = signed ? b0 - 0x40 : b0;
      p += 1;
    } else {
      if (p + 1 >= end) return { offset: p + 1, expected: `the second byte of the jump offset of ${name}` };
      const v = (b0 & 0x7f) | (code[p + 1]! << 7);
      arg = signed ? v - 0x4000 : v;
      p += 2;
    }
  }
  // the VM jumps relative to the end of the offset bytes (before any extra byte)
  if (format === ArgFormat.Offset) target = p + arg!;
  let extra: number | undefined;
  if (opcodeHasExtraByte(opcode)) {
    if (p >= end) return { offset: p, expected: `the extra byte of ${name}` };
    extra = code[p]!;
    p++;
  }
  return { offset: pos, size: p - pos, opcode, name, format, arg, bigArg, extra, target };
}

export function isDecodeFailure(r: DecodedOp | OpDecodeFailure): r is OpDecodeFailure {
  return (r as OpDecodeFailure).expected !== undefined;
}
