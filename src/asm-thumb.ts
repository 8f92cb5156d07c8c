// Thumb / Thumb-2 machine-code assembler: the instruction encodings the
// reference's Thumb backend (py/asmthumb.c) produces, plus its two-pass label
// bookkeeping (a compute pass that only measures and records label offsets,
// then an emit pass that writes bytes). ThumbAssembler serves the inline
// assembler; ThumbNativeAssembler (at the end) adds the native emitter's
// sequences on top of the same encoders.
import { ARM_TARGET_INFO, encodeUintWith, labelTableWith, type NativeAssembler } from './asm-native.ts';
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
  /** dead code is not written (the native emitter's, after a jump or raise); the inline assembler never sets it */
  protected suppress = false;
  /** largest code buffer allowed (see CODE_SIZE_LIMIT) */
  protected codeSizeLimit = CODE_SIZE_LIMIT;
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
      if (size > this.codeSizeLimit) {
        throw new CompileError('MemoryError', `memory allocation failed, allocating ${size} bytes`);
      }
      // fresh zeroed buffer: bytes skipped by align() read as 0, as in the reference's GC heap
      this.code = new Uint8Array(size);
    }
    this.pass = pass;
    this.suppress = false;
    this.codeOffset = 0;
  }

  /** The finished machine code (valid after the emit pass). */
  getCode(): Uint8Array {
    return this.code;
  }

  labelAssign(label: number): void {
    this.ensureLabel(label);
    this.suppress = false;
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
    this.labels = labelTableWith(this.labels, label, LABEL_UNSET);
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
    if (this.suppress) return;
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
    if (this.suppress) return;
    if (this.pass === ThumbPass.Emit) {
      const c = this.code;
      const at = this.codeOffset;
      c[at] = op & 0xff;
      c[at + 1] = (op >>> 8) & 0xff;
    }
    this.codeOffset += 2;
  }

  /** One byte (the native emitter's prelude data). */
  protected op8(val: number): void {
    if (this.suppress) return;
    if (this.pass === ThumbPass.Emit) this.code[this.codeOffset] = val & 0xff;
    this.codeOffset += 1;
  }

  /** A 32-bit instruction: first halfword, then second, each little-endian. */
  op32(op1: number, op2: number): void {
    if (this.suppress) return;
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

  /** Rewrites a halfword written earlier in the emit pass (a branch sized after what it skips). */
  protected patch16(at: number, op: number): void {
    if (this.pass === ThumbPass.Emit) {
      this.code[at] = op & 0xff;
      this.code[at + 1] = (op >>> 8) & 0xff;
    }
  }

  protected relTo(label: number): number {
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

// --- encoders the native emitter adds -------------------------------------------------

// formats 7/8: load/store with a register offset (word, byte, halfword)
export const FORMAT_7_LDR = 0x5800;
export const FORMAT_7_STR = 0x5000;
export const FORMAT_7_BYTE_TRANSFER = 0x0400;
export const FORMAT_8_LDRH = 0x5a00;
export const FORMAT_8_STRH = 0x5200;

// format 11: sign/zero extension
export const FORMAT_11_SXTH = 0xb200;

// sp-relative word access and address (word offsets 0..255)
export const OP_STR_TO_SP = 0x9000;
export const OP_LDR_FROM_SP = 0x9800;
export const OP_ADD_REG_SP = 0xa800;

export function encodeFormat7_8(op: number, rloDest: number, rloBase: number, rloIndex: number): number {
  return op | (rloIndex << 6) | (rloBase << 3) | rloDest;
}

export function encodeFormat11(op: number, rloDest: number, rloSrc: number): number {
  return op | (rloSrc << 3) | rloDest;
}

/** push {rlolist} / push {rlolist, lr} */
export function encodePush(rloList: number, withLr: boolean): number {
  return 0xb400 | (withLr ? 0x0100 : 0) | rloList;
}

/** pop {rlolist} / pop {rlolist, pc} */
export function encodePop(rloList: number, withPc: boolean): number {
  return 0xbc00 | (withPc ? 0x0100 : 0) | rloList;
}

/** str/ldr rlo, [sp, #4*word] and add rlo, sp, #4*word */
export function encodeSpRelative(op: number, rlo: number, wordOffset: number): number {
  return op | (rlo << 8) | (wordOffset & 0xff);
}

// the 16-bit immediate-offset load/store opcodes (bits 11..15) by access size: byte, halfword, word
const LDR_STR_IMM5_OPCODE = [0x0e, 0x10, 0x0c];

/** ldr/str{b,h} rlo, [rlo, #imm5 << size] (16-bit) */
export function encodeLdrStrImm5(load: boolean, size: number, rloData: number, rloBase: number, imm5: number): number {
  return (((LDR_STR_IMM5_OPCODE[size]! | (load ? 1 : 0)) << 11) | (imm5 << 6) | (rloBase << 3) | rloData) & 0xffff;
}

/** ldr/str{b,h}.w r, [r, #imm12] (Thumb-2, byte offset) */
export function encodeLdrStrW(load: boolean, size: number, rData: number, rBase: number, imm12: number): [number, number] {
  return [0xf880 | (size << 5) | rBase | (load ? 0x10 : 0), ((rData << 12) | imm12) & 0xffff];
}

/** b.w with the reference's encoding (J1 = J2 = 1: reaches +-4 MiB) */
export function encodeBW(rel: number): [number, number] {
  return [0xf000 | ((rel >> 12) & 0x07ff), 0xb800 | ((rel >> 1) & 0x07ff)];
}

export function encodeBlx(reg: number): number {
  return 0x4780 | (reg << 3);
}

/** ite <cond>: then-instruction on cond, else-instruction on its inverse */
export function encodeIte(cond: number): number {
  return OP_IT | (cond << 4) | (cond & 1 ? 0x4 : 0xc);
}

function unsignedFit8(x: number): boolean {
  return (x & 0xffffff00) === 0;
}

function unsignedFit16(x: number): boolean {
  return (x & 0xffff0000) === 0;
}

const REG_R1 = 1;
const REG_R3 = 3;
/** the native emitter's REG_TEMP2: scratch for the scaled index of a halfword/word load */
const REG_TEMP2 = 2;
const REG_FUN_TABLE = 7;

/** Thumb condition codes in COMPARE_OPS order (unsigned six, then signed six). */
const COMPARE_CONDS = [
  ThumbCond.CC, ThumbCond.HI, ThumbCond.EQ, ThumbCond.LS, ThumbCond.CS, ThumbCond.NE,
  ThumbCond.LT, ThumbCond.GT, ThumbCond.EQ, ThumbCond.LE, ThumbCond.GE, ThumbCond.NE,
];

/**
 * The native emitter's operations in Thumb (asmthumb.c's "convenience"
 * sequences and the generic ASM_* layer): Thumb-1 only for ARMv6-M, Thumb-2
 * forms where ARMv7-M allows them. Sequences whose size depends on a
 * label are sized the same in every pass (forward branches always take the
 * long form).
 */
export class ThumbNativeAssembler extends ThumbAssembler implements NativeAssembler {
  readonly nativeTarget = ARM_TARGET_INFO;

  constructor(target: ThumbTarget) {
    super(target);
    // the native emitter has no inline-assembler buffer limit to mirror
    this.codeSizeLimit = Number.MAX_SAFE_INTEGER;
  }

  startNativePass(emit: boolean): void {
    this.startPass(emit ? ThumbPass.Emit : ThumbPass.Compute);
  }

  suppressCode(): void {
    this.suppress = true;
  }

  dataWord(val: number): void {
    this.op16(val & 0xffff);
    this.op16((val >>> 16) & 0xffff);
  }

  dataByte(val: number): void {
    this.op8(val);
  }

  encodeUint(val: number): void {
    encodeUintWith(val, (b) => this.dataByte(b));
  }

  // --- moves ------------------------------------------------------------------------------

  movRegReg(regDest: number, regSrc: number): void {
    this.op16(encodeMovRegReg(regDest, regSrc));
  }

  private movRloI8(rlo: number, i8: number): void {
    this.op16(encodeFormat3(FORMAT_3_MOV, rlo, i8));
  }

  /** Thumb-1 16-bit constant: high byte, shift, add low byte (always 6 bytes). */
  private movRloI16(rlo: number, i16: number): void {
    this.movRloI8(rlo, (i16 >> 8) & 0xff);
    this.op16(encodeFormat1(FORMAT_1_LSL, rlo, rlo, 8));
    this.op16(encodeFormat3(FORMAT_3_ADD, rlo, i16 & 0xff));
  }

  private movRegI16(movOp: number, reg: number, i16: number): void {
    const [hi, lo] = encodeMovRegI16(movOp, reg, i16);
    this.op32(hi, lo);
  }

  /** Any 32-bit value: movw+movt on Thumb-2, else an inline literal jumped over (word aligned). */
  private movRegI32(reg: number, i32: number): void {
    if (this.allowArmv7m) {
      this.movRegI16(OP_MOVW, reg, i32 & 0xffff);
      this.movRegI16(OP_MOVT, reg, (i32 >>> 16) & 0xffff);
    } else {
      if (this.codeOffset & 2) this.op16(OP_NOP);
      this.op16(encodeFormat3(FORMAT_3_LDR, reg, 0));
      this.op16(encodeBN(2));
      this.op16(i32 & 0xffff);
      this.op16((i32 >>> 16) & 0xffff);
    }
  }

  /** The reference's shortest-form choice for an immediate. */
  movRegImm(reg: number, imm: number): void {
    let i32 = imm | 0;
    if (reg < 8 && unsignedFit8(i32)) {
      this.movRloI8(reg, i32);
    } else if (this.allowArmv7m) {
      if (unsignedFit16(i32)) this.movRegI16(OP_MOVW, reg, i32);
      else this.movRegI32(reg, i32);
    } else {
      // negate small negative values and build the magnitude (not 0x80000000, which is its own negation)
      let negate = i32 < 0 && (i32 + i32) | 0 ? true : false;
      if (negate) i32 = -i32 | 0;
      const clz = Math.clz32(i32);
      const ctz = i32 !== 0 ? 31 - Math.clz32(i32 & -i32) : 0;
      if (clz + ctz >= 24) {
        this.movRloI8(reg, (i32 >> ctz) & 0xff);
        this.op16(encodeFormat1(FORMAT_1_LSL, reg, reg, ctz));
      } else if (unsignedFit16(i32)) {
        this.movRloI16(reg, i32);
      } else {
        if (negate) {
          // a literal holds any value: no need to negate afterwards
          negate = false;
          i32 = -i32 | 0;
        }
        this.movRegI32(reg, i32);
      }
      if (negate) this.op16(encodeFormat4(FORMAT_4_NEG, reg, reg));
    }
  }

  private checkLocal(wordOffset: number): void {
    if (this.pass === ThumbPass.Emit && !unsignedFit8(wordOffset)) {
      throw new CompileError('NotImplementedError', 'too many locals for native method');
    }
  }

  movLocalReg(localNum: number, rlo: number): void {
    this.checkLocal(localNum);
    this.op16(encodeSpRelative(OP_STR_TO_SP, rlo, localNum));
  }

  movRegLocal(rlo: number, localNum: number): void {
    this.checkLocal(localNum);
    this.op16(encodeSpRelative(OP_LDR_FROM_SP, rlo, localNum));
  }

  movRegLocalAddr(rlo: number, localNum: number): void {
    this.op16(encodeSpRelative(OP_ADD_REG_SP, rlo, localNum));
  }

  /** rlo = label address | 1 (stays in Thumb state when jumped to), fixed size in every pass */
  movRegPcrel(rlo: number, label: number): void {
    let rel = (this.labelOffset(label) - this.codeOffset) | 1;
    if (this.allowArmv7m) {
      rel -= 6 + 4; // movw, sxth, then the add reads PC 4 ahead
      this.movRegI16(OP_MOVW, rlo, rel & 0xffff);
    } else {
      rel -= 8 + 4;
      this.movRloI16(rlo, rel);
    }
    this.op16(encodeFormat11(FORMAT_11_SXTH, rlo, rlo));
    this.op16(encodeFormat5(FORMAT_5_ADD, rlo, REG_PC));
  }

  clrReg(reg: number): void {
    this.movRloI8(reg, 0);
  }

  // --- arithmetic -----------------------------------------------------------------------

  notReg(reg: number): void {
    this.op16(encodeFormat4(FORMAT_4_MVN, reg, reg));
  }

  negReg(reg: number): void {
    this.op16(encodeFormat4(FORMAT_4_NEG, reg, reg));
  }

  lslRegReg(regDest: number, regShift: number): void {
    this.op16(encodeFormat4(FORMAT_4_LSL, regDest, regShift));
  }

  lsrRegReg(regDest: number, regShift: number): void {
    this.op16(encodeFormat4(FORMAT_4_LSR, regDest, regShift));
  }

  asrRegReg(regDest: number, regShift: number): void {
    this.op16(encodeFormat4(FORMAT_4_ASR, regDest, regShift));
  }

  orRegReg(regDest: number, regSrc: number): void {
    this.op16(encodeFormat4(FORMAT_4_ORR, regDest, regSrc));
  }

  xorRegReg(regDest: number, regSrc: number): void {
    this.op16(encodeFormat4(FORMAT_4_EOR, regDest, regSrc));
  }

  andRegReg(regDest: number, regSrc: number): void {
    this.op16(encodeFormat4(FORMAT_4_AND, regDest, regSrc));
  }

  mulRegReg(regDest: number, regSrc: number): void {
    this.op16(encodeFormat4(FORMAT_4_MUL, regDest, regSrc));
  }

  addRegReg(regDest: number, regSrc: number): void {
    this.op16(encodeFormat2(FORMAT_2_ADD | FORMAT_2_REG_OPERAND, regDest, regDest, regSrc));
  }

  subRegReg(regDest: number, regSrc: number): void {
    this.op16(encodeFormat2(FORMAT_2_SUB | FORMAT_2_REG_OPERAND, regDest, regDest, regSrc));
  }

  setRegFromCompare(regDest: number, regLhs: number, regRhs: number, compareOp: number): void {
    const cond = COMPARE_CONDS[compareOp]!;
    this.op16(encodeFormat4(FORMAT_4_CMP, regLhs, regRhs));
    if (this.allowArmv7m) {
      this.op16(encodeIte(cond));
      this.movRloI8(regDest, 1);
      this.movRloI8(regDest, 0);
    } else {
      // b<cond> over "mov 0; b over", landing on "mov 1"
      this.op16(encodeBccN(cond, 2));
      this.movRloI8(regDest, 0);
      this.op16(encodeBN(0));
      this.movRloI8(regDest, 1);
    }
  }

  // --- memory -------------------------------------------------------------------------------

  /** regDest = regBase + (offset << shift), both low registers (offset is an unsigned 32-bit value). */
  private addRegRegOffset(regDest: number, regBase: number, offset: number, shift: number): void {
    if (regDest >= 8 || regBase >= 8) throw new CompileError('RuntimeError', 'thumb native: high register in an address');
    const scaled = (offset << shift) >>> 0;
    if (scaled < 256) {
      if (regDest !== regBase) this.movRegReg(regDest, regBase);
      this.op16(encodeFormat3(FORMAT_3_ADD, regDest, scaled));
    } else if (unsignedFit8(offset) && regDest !== regBase) {
      this.movRloI8(regDest, offset);
      this.op16(encodeFormat1(FORMAT_1_LSL, regDest, regDest, shift));
      this.op16(encodeFormat2(FORMAT_2_ADD | FORMAT_2_REG_OPERAND, regDest, regDest, regBase));
    } else if (regDest !== regBase) {
      this.movRegImm(regDest, scaled);
      this.op16(encodeFormat2(FORMAT_2_ADD | FORMAT_2_REG_OPERAND, regDest, regDest, regBase));
    } else {
      // borrow the "opposite" low register for the offset
      const regOther = regDest ^ 7;
      this.op16(encodePush(1 << regOther, false));
      this.movRegImm(regOther, scaled);
      this.op16(encodeFormat2(FORMAT_2_ADD | FORMAT_2_REG_OPERAND, regDest, regDest, regOther));
      this.op16(encodePop(1 << regOther, false));
    }
  }

  /** regDest = [regBase + (offset << size)], size 0/1/2 = byte/halfword/word */
  private loadOffset(regDest: number, regBase: number, offset: number, size: number): void {
    const off = offset >>> 0;
    const scaled = (off << size) >>> 0;
    if ((off & ~31) === 0 && regDest < 8 && regBase < 8) {
      this.op16(encodeLdrStrImm5(true, size, regDest, regBase, off));
    } else if (this.allowArmv7m && (scaled & ~0xfff) === 0) {
      const [hi, lo] = encodeLdrStrW(true, size, regDest, regBase, scaled);
      this.op32(hi, lo);
    } else {
      this.addRegRegOffset(regDest, regBase, (off - 31) >>> 0, size);
      this.op16(encodeLdrStrImm5(true, size, regDest, regDest, 31));
    }
  }

  private storeOffset(regSrc: number, regBase: number, offset: number, size: number): void {
    const off = offset >>> 0;
    const scaled = (off << size) >>> 0;
    if ((off & ~31) === 0 && regSrc < 8 && regBase < 8) {
      this.op16(encodeLdrStrImm5(false, size, regSrc, regBase, off));
    } else if (this.allowArmv7m && (scaled & ~0xfff) === 0) {
      const [hi, lo] = encodeLdrStrW(false, size, regSrc, regBase, scaled);
      this.op32(hi, lo);
    } else {
      // the base register is moved to the address and restored afterwards
      this.op16(encodePush(1 << regBase, false));
      this.addRegRegOffset(regBase, regBase, (off - 31) >>> 0, size);
      this.op16(encodeLdrStrImm5(false, size, regSrc, regBase, 31));
      this.op16(encodePop(1 << regBase, false));
    }
  }

  loadRegRegOffset(regDest: number, regBase: number, wordOffset: number): void {
    this.loadOffset(regDest, regBase, wordOffset, 2);
  }

  storeRegRegOffset(regSrc: number, regBase: number, wordOffset: number): void {
    this.storeOffset(regSrc, regBase, wordOffset, 2);
  }

  load32RegRegOffset(regDest: number, regBase: number, dwordOffset: number): void {
    this.loadOffset(regDest, regBase, dwordOffset, 2);
  }

  store32RegRegOffset(regSrc: number, regBase: number, dwordOffset: number): void {
    this.storeOffset(regSrc, regBase, dwordOffset, 2);
  }

  load8RegRegOffset(regDest: number, regBase: number, byteOffset: number): void {
    this.loadOffset(regDest, regBase, byteOffset, 0);
  }

  load16RegRegOffset(regDest: number, regBase: number, halfwordOffset: number): void {
    this.loadOffset(regDest, regBase, halfwordOffset, 1);
  }

  store8RegRegOffset(regSrc: number, regBase: number, byteOffset: number): void {
    this.storeOffset(regSrc, regBase, byteOffset, 0);
  }

  store16RegRegOffset(regSrc: number, regBase: number, halfwordOffset: number): void {
    this.storeOffset(regSrc, regBase, halfwordOffset, 1);
  }

  load8RegRegReg(regDest: number, regBase: number, regIndex: number): void {
    this.op16(encodeFormat7_8(FORMAT_7_LDR | FORMAT_7_BYTE_TRANSFER, regDest, regBase, regIndex));
  }

  load16RegRegReg(regDest: number, regBase: number, regIndex: number): void {
    this.op16(encodeFormat1(FORMAT_1_LSL, REG_TEMP2, regIndex, 1));
    this.op16(encodeFormat7_8(FORMAT_8_LDRH, regDest, regBase, REG_TEMP2));
  }

  load32RegRegReg(regDest: number, regBase: number, regIndex: number): void {
    this.op16(encodeFormat1(FORMAT_1_LSL, REG_TEMP2, regIndex, 2));
    this.op16(encodeFormat7_8(FORMAT_7_LDR, regDest, regBase, REG_TEMP2));
  }

  store8RegRegReg(regVal: number, regBase: number, regIndex: number): void {
    this.op16(encodeFormat7_8(FORMAT_7_STR | FORMAT_7_BYTE_TRANSFER, regVal, regBase, regIndex));
  }

  /** the index register is scaled in place and restored (push/pop) */
  store16RegRegReg(regVal: number, regBase: number, regIndex: number): void {
    this.op16(encodePush(1 << regIndex, false));
    this.op16(encodeFormat1(FORMAT_1_LSL, regIndex, regIndex, 1));
    this.op16(encodeFormat7_8(FORMAT_8_STRH, regVal, regBase, regIndex));
    this.op16(encodePop(1 << regIndex, false));
  }

  store32RegRegReg(regVal: number, regBase: number, regIndex: number): void {
    this.op16(encodePush(1 << regIndex, false));
    this.op16(encodeFormat1(FORMAT_1_LSL, regIndex, regIndex, 2));
    this.op16(encodeFormat7_8(FORMAT_7_STR, regVal, regBase, regIndex));
    this.op16(encodePop(1 << regIndex, false));
  }

  // --- control flow ----------------------------------------------------------------------

  /**
   * b label: a backward branch that fits is b.n; anything else has the long
   * form (b.w on Thumb-2; on Thumb-1 a b.n padded with nops, or an inline
   * offset added to pc through r1 — both the same size).
   */
  jump(label: number): void {
    const dest = this.labelOffset(label);
    let rel = this.relTo(label);
    if (dest !== LABEL_UNSET && rel <= -4 && signedFit12(rel)) {
      this.op16(encodeBN(rel));
      return;
    }
    if (this.allowArmv7m) {
      const [hi, lo] = encodeBW(rel);
      this.op32(hi, lo);
      return;
    }
    const needAlign = (this.codeOffset & 2) !== 0;
    if (signedFit12(rel)) {
      this.op16(encodeBN(rel));
      this.op16(OP_NOP);
      this.op16(OP_NOP);
      this.op16(OP_NOP);
      if (needAlign) this.op16(OP_NOP);
    } else {
      // r1, not r0: r0 may carry the return value to the exit label
      rel -= 2;
      if (needAlign) {
        this.op16(OP_NOP);
        rel -= 2;
      }
      this.op16(encodeFormat3(FORMAT_3_LDR, REG_R1, 0));
      this.op16(encodeFormat5(FORMAT_5_ADD, REG_PC, REG_R1));
      this.op16(rel & 0xffff);
      this.op16((rel >> 16) & 0xffff);
    }
  }

  /** b<cond> label; on Thumb-1 a long one is the inverse condition skipping a long b. */
  private bccLabel(cond: number, label: number): void {
    const dest = this.labelOffset(label);
    const rel = this.relTo(label);
    if (dest !== LABEL_UNSET && rel <= -4 && signedFit9(rel)) {
      this.op16(encodeBccN(cond, rel));
      return;
    }
    if (this.allowArmv7m) {
      const [hi, lo] = encodeBccW(cond, rel);
      this.op32(hi, lo);
      return;
    }
    if (this.suppress) return;
    const start = this.codeOffset;
    this.codeOffset += 2;
    this.jump(label);
    this.patch16(start, encodeBccN(cond ^ 1, this.codeOffset - start - 4));
  }

  jumpIfRegZero(reg: number, label: number): void {
    this.op16(encodeFormat3(FORMAT_3_CMP, reg, 0));
    this.bccLabel(ThumbCond.EQ, label);
  }

  jumpIfRegNonzero(reg: number, label: number): void {
    this.op16(encodeFormat3(FORMAT_3_CMP, reg, 0));
    this.bccLabel(ThumbCond.NE, label);
  }

  jumpIfRegEq(reg1: number, reg2: number, label: number): void {
    this.op16(encodeFormat4(FORMAT_4_CMP, reg1, reg2));
    this.bccLabel(ThumbCond.EQ, label);
  }

  jumpReg(reg: number): void {
    this.op16(encodeFormat5(FORMAT_5_BX, 0, reg));
  }

  callInd(funId: number): void {
    this.callIndVia(funId, REG_R3);
  }

  callIndVia(funId: number, regTemp: number): void {
    this.loadOffset(regTemp, REG_FUN_TABLE, funId, 2);
    this.op16(encodeBlx(regTemp));
  }
}
