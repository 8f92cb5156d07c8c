// Thumb / Thumb-2 machine-code assembler: the instruction encodings the
// reference's Thumb backend (py/asmthumb.c) produces, plus its two-pass label
// bookkeeping (a compute pass that only measures and records label offsets,
// then an emit pass that writes bytes). The inline assembler uses it today;
// the encoders are plain functions so a Thumb native emitter can share them.
import { CompileError } from './errors.ts';

export const REG_SP = 13;
export const REG_LR = 14;
export const REG_PC = 15;

/** Condition codes (bits 8..11 of a 16-bit conditional branch). */
export enum ThumbCond {
  EQ = 0x0,
  NE = 0x1,
  CS = 0x2,
  CC = 0x3,
  MI = 0x4,
  PL = 0x5,
  VS = 0x6,
  VC = 0x7,
  HI = 0x8,
  LS = 0x9,
  GE = 0xa,
  LT = 0xb,
  GT = 0xc,
  LE = 0xd,
}

// fixed 16-bit instructions
export const OP_NOP = 0xbf00;
export const OP_WFI = 0xbf30;
export const OP_CPSID_I = 0xb672;
export const OP_CPSIE_I = 0xb662;
export const OP_IT = 0xbf00;

// 32-bit move-immediate first halfwords
export const OP_MOVW = 0xf240;
export const OP_MOVT = 0xf2c0;

// format 1: shift by immediate (lsl/lsr/asr rlo, rlo, #i5)
export const FORMAT_1_LSL = 0x0000;
export const FORMAT_1_LSR = 0x0800;
export const FORMAT_1_ASR = 0x1000;

// format 2: add/sub with a register or a 3-bit immediate
export const FORMAT_2_ADD = 0x1800;
export const FORMAT_2_SUB = 0x1a00;
export const FORMAT_2_REG_OPERAND = 0x0000;
export const FORMAT_2_IMM_OPERAND = 0x0400;

// format 3: mov/cmp/add/sub rlo, #i8 (zero-extended) and ldr rlo, [pc, #i8*4]
export const FORMAT_3_MOV = 0x2000;
export const FORMAT_3_CMP = 0x2800;
export const FORMAT_3_ADD = 0x3000;
export const FORMAT_3_SUB = 0x3800;
export const FORMAT_3_LDR = 0x4800;

// format 4: two-register ALU operations on low registers
export const FORMAT_4_AND = 0x4000;
export const FORMAT_4_EOR = 0x4040;
export const FORMAT_4_LSL = 0x4080;
export const FORMAT_4_LSR = 0x40c0;
export const FORMAT_4_ASR = 0x4100;
export const FORMAT_4_ADC = 0x4140;
export const FORMAT_4_SBC = 0x4180;
export const FORMAT_4_ROR = 0x41c0;
export const FORMAT_4_TST = 0x4200;
export const FORMAT_4_NEG = 0x4240;
export const FORMAT_4_CMP = 0x4280;
export const FORMAT_4_CMN = 0x42c0;
export const FORMAT_4_ORR = 0x4300;
export const FORMAT_4_MUL = 0x4340;
export const FORMAT_4_BIC = 0x4380;
export const FORMAT_4_MVN = 0x43c0;

// format 5: high-register add/bx
export const FORMAT_5_ADD = 0x4400;
export const FORMAT_5_BX = 0x4700;

// formats 9/10: load/store with an immediate offset (word, byte, halfword)
export const FORMAT_9_STR = 0x6000;
export const FORMAT_9_LDR = 0x6800;
export const FORMAT_9_WORD_TRANSFER = 0x0000;
export const FORMAT_9_BYTE_TRANSFER = 0x1000;
export const FORMAT_10_STRH = 0x8000;
export const FORMAT_10_LDRH = 0x8800;

// --- encoders (16-bit halfwords) -------------------------------------------------

export function encodeFormat1(op: number, rloDest: number, rloSrc: number, shift: number): number {
  return op | (shift << 6) | (rloSrc << 3) | rloDest;
}

export function encodeFormat2(op: number, rloDest: number, rloSrc: number, srcB: number): number {
  return op | (srcB << 6) | (rloSrc << 3) | rloDest;
}

export function encodeFormat3(op: number, rlo: number, i8: number): number {
  return op | (rlo << 8) | i8;
}

export function encodeFormat4(op: number, rloDest: number, rloSrc: number): number {
  return op | (rloSrc << 3) | rloDest;
}

export function encodeFormat5(op: number, rDest: number, rSrc: number): number {
  return op | ((rDest << 4) & 0x0080) | (rSrc << 3) | (rDest & 0x0007);
}

export function encodeFormat9_10(op: number, rloDest: number, rloBase: number, offset: number): number {
  return op | ((offset << 6) & 0x07c0) | (rloBase << 3) | rloDest;
}

/** mov rd, rs for any two of r0..r15 (the high-register form, also used for two low ones). */
export function encodeMovRegReg(rDest: number, rSrc: number): number {
  let lo = rSrc < 8 ? rSrc << 3 : 0x40 | ((rSrc - 8) << 3);
  lo |= rDest < 8 ? rDest : 0x80 | (rDest - 8);
  return 0x4600 | lo;
}

/** movw/movt rd, #i16: the two halfwords, first in bits 0..15, second in 16..31. */
export function encodeMovRegI16(movOp: number, rDest: number, i16: number): [number, number] {
  return [
    movOp | ((i16 >> 1) & 0x0400) | ((i16 >> 12) & 0xf),
    ((i16 << 4) & 0x7000) | (rDest << 8) | (i16 & 0xff),
  ];
}

export function encodeIt(cond: number, mask: number): number {
  return OP_IT | (cond << 4) | mask;
}

// relative branches; `rel` is already relative to the PC (instruction + 4)
export function encodeBN(rel: number): number {
  return 0xe000 | ((rel >> 1) & 0x07ff);
}

export function encodeBccN(cond: number, rel: number): number {
  return 0xd000 | (cond << 8) | ((rel >> 1) & 0x00ff);
}

export function encodeBccW(cond: number, rel: number): [number, number] {
  return [
    0xf000 | (cond << 6) | ((rel >> 10) & 0x0400) | ((rel >> 12) & 0x003f),
    0x8000 | ((rel >> 5) & 0x2000) | ((rel >> 8) & 0x0800) | ((rel >> 1) & 0x07ff),
  ];
}

export function encodeBl(rel: number): [number, number] {
  return [0xf000 | ((rel >> 12) & 0x07ff), 0xf800 | ((rel >> 1) & 0x07ff)];
}

// signed range checks on 32-bit two's complement values
export function signedFit9(x: number): boolean {
  const hi = x & 0xffffff00;
  return hi === 0 || hi === (0xffffff00 | 0);
}

export function signedFit12(x: number): boolean {
  const hi = x & 0xfffff800;
  return hi === 0 || hi === (0xfffff800 | 0);
}

export function signedFit23(x: number): boolean {
  const hi = x & 0xffc00000;
  return hi === 0 || hi === (0xffc00000 | 0);
}

function unsignedFit7(x: number): boolean {
  return x >>> 0 < 128;
}

// --- the assembler ---------------------------------------------------------------

export enum ThumbPass {
  Compute = 1,
  Emit = 2,
}

const LABEL_UNSET = -1;

/**
 * The reference's compiler runs in a fixed 2 MiB GC heap; a code buffer
 * larger than what is left of it fails with MemoryError. The exact limit
 * depends on what else the module allocated; this is the figure for a
 * small module.
 */
const CODE_SIZE_LIMIT = 2_078_368;

export interface ThumbTarget {
  /** ARMv6 (ARM state callers): entry starts with an ARM-mode trampoline into Thumb */
  readonly armEntryTrampoline: boolean;
  /** Thumb-2 (ARMv7-M) encodings allowed */
  readonly armv7m: boolean;
}

export class ThumbAssembler {
  pass: ThumbPass = ThumbPass.Compute;
  codeOffset = 0;
  private code = new Uint8Array(0);
  private labels = new Float64Array(16);
  private pushReglist = 0;
  private stackAdjust = 0;

  constructor(readonly target: ThumbTarget) {}

  get allowArmv7m(): boolean {
    return this.target.armv7m;
  }

  /** Compute passes forget the labels; the emit pass sizes the buffer from the last compute pass. */
  startPass(pass: ThumbPass): void {
    if (pass === ThumbPass.Compute) {
      this.labels.fill(LABEL_UNSET);
    } else {
      const size = this.codeOffset;
      if (size > CODE_SIZE_LIMIT) {
        throw new CompileError('MemoryError', `memory allocation failed, allocating ${size} bytes`);
      }
      // fresh zeroed buffer: bytes skipped by align() read as 0, as in the reference's GC heap
      this.code = new Uint8Array(size);
    }
    this.pass = pass;
    this.codeOffset = 0;
  }

  /** The finished machine code (valid after the emit pass). */
  getCode(): Uint8Array {
    return this.code;
  }

  labelAssign(label: number): void {
    this.ensureLabel(label);
    if (this.pass === ThumbPass.Compute) {
      this.labels[label] = this.codeOffset;
    } else if (this.labels[label] !== this.codeOffset) {
      throw new CompileError('RuntimeError', 'thumb assembler: label moved between passes');
    }
  }

  /** Offset of a label; -1 while it is not yet assigned in a compute pass. */
  labelOffset(label: number): number {
    this.ensureLabel(label);
    return this.labels[label]!;
  }

  private ensureLabel(label: number): void {
    if (label >= this.labels.length) {
      let n = this.labels.length;
      while (n <= label) n *= 2;
      const grown = new Float64Array(n).fill(LABEL_UNSET);
      grown.set(this.labels);
      this.labels = grown;
    }
  }

  /**
   * Rounds the offset up the way the reference does for any `align` value
   * (its low 32 bits; not only powers of two), in 64-bit arithmetic.
   */
  align(align: bigint): void {
    const a = BigInt.asUintN(32, align);
    const aMinus1 = BigInt.asUintN(32, a - 1n);
    const sum = BigInt.asUintN(64, BigInt(this.codeOffset) + a - 1n);
    const next = sum & BigInt.asUintN(64, ~aMinus1);
    this.codeOffset = Number(next);
  }

  /** `size` bytes of `val` (its 64-bit two's complement), little-endian; zeros beyond 8 bytes. */
  data(size: number, val: bigint): void {
    if (this.pass === ThumbPass.Emit) {
      const c = this.code;
      const at = this.codeOffset;
      let lo = Number(BigInt.asUintN(32, val));
      let hi = Number(BigInt.asUintN(32, val >> 32n));
      const n = Math.min(size, 8);
      for (let i = 0; i < n; i++) {
        c[at + i] = lo & 0xff;
        lo = (lo >>> 8) | ((hi & 0xff) << 24);
        hi >>>= 8;
      }
    }
    this.codeOffset += size;
  }

  op16(op: number): void {
    if (this.pass === ThumbPass.Emit) {
      const c = this.code;
      const at = this.codeOffset;
      c[at] = op & 0xff;
      c[at + 1] = (op >>> 8) & 0xff;
    }
    this.codeOffset += 2;
  }

  /** A 32-bit instruction: first halfword, then second, each little-endian. */
  op32(op1: number, op2: number): void {
    if (this.pass === ThumbPass.Emit) {
      const c = this.code;
      const at = this.codeOffset;
      c[at] = op1 & 0xff;
      c[at + 1] = (op1 >>> 8) & 0xff;
      c[at + 2] = op2 & 0xff;
      c[at + 3] = (op2 >>> 8) & 0xff;
    }
    this.codeOffset += 4;
  }

  // --- function entry/exit ---------------------------------------------------------

  entry(numLocals: number): void {
    if (this.target.armEntryTrampoline) {
      // entered in ARM state: call the Thumb body with blx, then return
      this.op32(0x4010, 0xe92d); // push {r4, lr}
      this.op32(0xe009, 0xe28f); // add lr, pc, #9 (the Thumb code after this prelude)
      this.op32(0xff3e, 0xe12f); // blx lr
      this.op32(0x4010, 0xe8bd); // pop {r4, lr}
      this.op32(0xff1e, 0xe12f); // bx lr
    }
    // r1..r3 join the push only to keep the stack 8-byte aligned; r0 carries the result
    let reglist: number;
    let stackAdjust = 0;
    if (numLocals <= 1) {
      reglist = 0xf2;
    } else {
      reglist = 0xfe;
      if (numLocals > 3) stackAdjust = (numLocals - 3 + 1) & ~1;
    }
    this.op16(0xb400 | 0x0100 | reglist); // push {reglist, lr}
    if (stackAdjust > 0) this.adjustSp(0xb080, 0xf2a0, stackAdjust);
    this.pushReglist = reglist;
    this.stackAdjust = stackAdjust;
  }

  exit(): void {
    if (this.stackAdjust > 0) this.adjustSp(0xb000, 0xf200, this.stackAdjust);
    this.op16(0xbc00 | 0x0100 | this.pushReglist); // pop {reglist, pc}
  }

  /** add/sub sp by a number of words (op16: the 16-bit form, opW: the 32-bit form's first halfword). */
  private adjustSp(op16: number, opW: number, words: number): void {
    if (this.allowArmv7m) {
      if (unsignedFit7(words)) {
        this.op16(op16 | words);
      } else {
        const imm = words * 4;
        this.op32(opW | REG_SP, ((imm << 4) & 0x7000) | (REG_SP << 8) | (imm & 0xff));
      }
    } else {
      let adj = words;
      while (!unsignedFit7(adj)) {
        this.op16(op16 | 127);
        adj -= 127;
      }
      this.op16(op16 | adj);
    }
  }

  // --- label branches (fixed size; range checked only when emitting) ---------------

  private relTo(label: number): number {
    // PC reads 4 bytes ahead of the branch
    return (this.labelOffset(label) - this.codeOffset - 4) | 0;
  }

  /** b.n label; false if the emitted branch cannot reach. */
  bNLabel(label: number): boolean {
    const rel = this.relTo(label);
    this.op16(encodeBN(rel));
    return this.pass !== ThumbPass.Emit || signedFit12(rel);
  }

  /** b<cc>.n or (Thumb-2) b<cc>.w label; false if it cannot be encoded or reach. */
  bccNwLabel(cond: number, label: number, wide: boolean): boolean {
    const rel = this.relTo(label);
    if (!wide) {
      this.op16(encodeBccN(cond, rel));
      return this.pass !== ThumbPass.Emit || signedFit9(rel);
    }
    if (!this.allowArmv7m) return false;
    const [hi, lo] = encodeBccW(cond, rel);
    this.op32(hi, lo);
    return true;
  }

  /** bl label; false if the emitted branch cannot reach. */
  blLabel(label: number): boolean {
    const rel = this.relTo(label);
    const [hi, lo] = encodeBl(rel);
    this.op32(hi, lo);
    return this.pass !== ThumbPass.Emit || signedFit23(rel);
  }
}
