// Xtensa machine-code assembler: the instruction formats and the label,
// branch and literal-pool behaviour of the reference's Xtensa backend
// (py/asmxtensa.c), for the windowed (xtensawin) and call0 (xtensa) ABIs.
//
// Like the other assemblers here it runs compute passes (measure, record
// label offsets) and then an emit pass (write bytes). Constants loaded with
// l32r live in a literal table at the start of the function; its size is only
// known after a whole pass, so the function needs two compute passes.
import { encodeUintWith, type NativeAssembler, type NativeTargetInfo } from './asm-native.ts';
import { CompileError } from './errors.ts';

export const REG_A0 = 0;
export const REG_A1 = 1; // stack pointer

/** Condition numbers of the beqz/bnez/bltz/bgez family (the `m` field of BRI12). */
export enum XtensaCcz {
  EQ = 0,
  NE = 1,
  LT = 2,
  GE = 3,
}

/** Condition numbers of the two-register branch family (the `r` field of RRI8, op0 = 7). */
export enum XtensaCc {
  NONE = 0,
  EQ = 1,
  LT = 2,
  LTU = 3,
  ALL = 4,
  BC = 5,
  ANY = 8,
  NE = 9,
  GE = 10,
  GEU = 11,
  NALL = 12,
  BS = 13,
}

// --- instruction formats (little-endian; fields as the ISA reference names them) ----
// 24-bit formats: op0 in bits 0..3, t 4..7, s 8..11, r 12..15, op1 16..19, op2 20..23.

export function encodeRrr(op0: number, op1: number, op2: number, r: number, s: number, t: number): number {
  return ((op2 << 20) | (op1 << 16) | (r << 12) | (s << 8) | (t << 4) | op0) >>> 0;
}

/** RRI8: the 8-bit immediate in bits 16..23 (callers pass its low 8 bits). */
export function encodeRri8(op0: number, r: number, s: number, t: number, imm8: number): number {
  return ((imm8 << 16) | (r << 12) | (s << 8) | (t << 4) | op0) >>> 0;
}

/** RI16 (l32r): a 16-bit word offset in bits 8..23. */
export function encodeRi16(op0: number, t: number, imm16: number): number {
  return ((imm16 << 8) | (t << 4) | op0) >>> 0;
}

/** CALL (j, call0): an 18-bit offset in bits 6..23. */
export function encodeCall(op0: number, n: number, offset18: number): number {
  return ((offset18 << 6) | (n << 4) | op0) >>> 0;
}

/** BRI12 (beqz family, entry): a 12-bit immediate in bits 12..23. */
export function encodeBri12(op0: number, s: number, m: number, n: number, imm12: number): number {
  return ((imm12 << 12) | (s << 8) | (m << 6) | (n << 4) | op0) >>> 0;
}

/** RRRN: the 16-bit (narrow) form of RRR. */
export function encodeRrrn(op0: number, r: number, s: number, t: number): number {
  return ((r << 12) | (s << 8) | (t << 4) | op0) & 0xffff;
}

/** RI7 (movi.n): imm7 split as bits 0..3 -> 12..15 and bits 4..6 -> 4..6. */
export function encodeRi7(op0: number, s: number, imm7: number): number {
  return (((imm7 & 0xf) << 12) | (s << 8) | (imm7 & 0x70) | op0) & 0xffff;
}

// fixed instructions the function frame uses
const OP_RET_N = encodeRrrn(13, 15, 0, 0);
const OP_RETW_N = encodeRrrn(13, 15, 0, 1);

export function encodeAddi(rDest: number, rSrc: number, imm8: number): number {
  return encodeRri8(2, 12, rSrc, rDest, imm8 & 0xff);
}
export function encodeS32iN(rSrc: number, rBase: number, wordOffset: number): number {
  return encodeRrrn(9, wordOffset & 0xf, rBase, rSrc);
}
export function encodeL32iN(rDest: number, rBase: number, wordOffset: number): number {
  return encodeRrrn(8, wordOffset & 0xf, rBase, rDest);
}
export function encodeJ(rel18: number): number {
  return encodeCall(6, 0, rel18 & 0x3ffff);
}
/** call0: the reference puts the byte displacement (not the word one) in the offset field. */
export function encodeCall0(rel18: number): number {
  return encodeCall(5, 0, rel18 & 0x3ffff);
}
export function encodeBccz(cond: number, reg: number, rel12: number): number {
  return encodeBri12(6, reg, cond, 1, rel12 & 0xfff);
}
export function encodeBcc(cond: number, reg1: number, reg2: number, rel8: number): number {
  return encodeRri8(7, cond, reg1, reg2, rel8 & 0xff);
}
/** l32r at `opOffset` loading the word at `destOffset` (both function-relative). */
export function encodeL32r(rDest: number, opOffset: number, destOffset: number): number {
  const rel = (destOffset - ((opOffset + 3) & ~3)) >>> 0;
  return encodeRi16(1, rDest, (rel >>> 2) & 0xffff);
}
export function encodeMoviN(rDest: number, imm7: number): number {
  return encodeRi7(12, rDest, imm7);
}

// two's complement range checks on the low 32 bits
const fitsSigned = (x: number, bits: number): boolean => {
  const hi = (x | 0) >> (bits - 1);
  return hi === 0 || hi === -1;
};
export const signedFit8 = (x: number): boolean => fitsSigned(x, 8);
export const signedFit12 = (x: number): boolean => fitsSigned(x, 12);
export const signedFit18 = (x: number): boolean => fitsSigned(x, 18);

// --- the assembler ---------------------------------------------------------------

const WORD_SIZE = 4;
/** registers the call0 frame saves: a0 and a12..a15 */
const NUM_REGS_SAVED = 5;
/** registers the windowed frame saves: a0 */
const NUM_REGS_SAVED_WIN = 1;
const LABEL_UNSET = -1;

/**
 * The reference compiles in a fixed 2 MiB heap: a code buffer larger than
 * what is left fails with MemoryError (the same figure as the Thumb
 * assembler's, for a small module).
 */
const CODE_SIZE_LIMIT = 2_078_368;

export class XtensaAssembler {
  private emitting = false;
  codeOffset = 0;
  private code = new Uint8Array(0);
  private labels = new Map<number, number>();
  /** literal-table entries used so far in this pass, and the count of the last pass */
  private curConst = 0;
  private numConst = 0;
  /** offset of the literal table in the emit pass (null: no table) */
  private constTableOffset: number | null = null;
  private stackAdjust = 0;
  /** dead code (native emitter): nothing is written or counted until the next label */
  protected suppressed = false;

  constructor(readonly windowed: boolean) {}

  get isEmitPass(): boolean {
    return this.emitting;
  }

  /** Compute passes forget the labels; the emit pass sizes the buffer from the last compute pass. */
  startPass(emit: boolean): void {
    if (!emit) {
      this.labels.clear();
    } else {
      const size = this.codeOffset;
      if (size > CODE_SIZE_LIMIT) throw new CompileError('MemoryError', `memory allocation failed, allocating ${size} bytes`);
      // fresh zeroed buffer: align() gaps and the padding byte read as 0, as in the reference's GC heap
      this.code = new Uint8Array(size);
    }
    this.emitting = emit;
    this.suppressed = false;
    this.codeOffset = 0;
  }

  /** Ends a pass: the literal count of this pass sizes the table of the next. */
  endPass(): void {
    this.numConst = this.curConst;
    this.curConst = 0;
  }

  getCode(): Uint8Array {
    return this.code;
  }

  /** Reserves `n` bytes and returns where they start, or -1 outside the emit pass. */
  protected reserve(n: number): number {
    if (this.suppressed) return -1;
    const at = this.codeOffset;
    this.codeOffset += n;
    if (!this.emitting) return -1;
    // the code changed size between passes (the reference fails an assertion here)
    if (this.codeOffset > this.code.length) throw movedBetweenPasses();
    return at;
  }

  op16(op: number): void {
    const at = this.reserve(2);
    if (at >= 0) {
      this.code[at] = op & 0xff;
      this.code[at + 1] = (op >>> 8) & 0xff;
    }
  }

  op24(op: number): void {
    const at = this.reserve(3);
    if (at >= 0) {
      this.code[at] = op & 0xff;
      this.code[at + 1] = (op >>> 8) & 0xff;
      this.code[at + 2] = (op >>> 16) & 0xff;
    }
  }

  labelAssign(label: number): void {
    this.suppressed = false;
    if (!this.emitting) this.labels.set(label, this.codeOffset);
    else if (this.labels.get(label) !== this.codeOffset) throw movedBetweenPasses();
  }

  /** A label's offset as the reference reads it: 0xffffffff while unassigned. */
  labelDest(label: number): number {
    return (this.labels.get(label) ?? LABEL_UNSET) >>> 0;
  }

  /** Rounds the offset up the way the reference does for any `align` (its low 32 bits; 64-bit sum). */
  align(align: bigint): void {
    const a = BigInt.asUintN(32, align);
    const mask = BigInt.asUintN(64, ~BigInt.asUintN(32, a - 1n));
    this.codeOffset = Number(BigInt.asUintN(64, BigInt(this.codeOffset) + a - 1n) & mask);
  }

  /** `size` bytes of `val` (its 64-bit two's complement), little-endian; zeros beyond 8 bytes. */
  data(size: number, val: bigint): void {
    const at = this.reserve(size);
    if (at < 0) return;
    let v = BigInt.asUintN(64, val);
    for (let i = 0; i < Math.min(size, 8); i++) {
      this.code[at + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }

  // --- function entry/exit ---------------------------------------------------------

  /** The jump over the literal table, a padding byte and the table itself (when there are literals). */
  private literalTable(): void {
    if (this.numConst === 0) {
      this.constTableOffset = null;
      return;
    }
    this.op24(encodeJ(this.numConst * WORD_SIZE));
    this.reserve(1);
    const at = this.reserve(this.numConst * WORD_SIZE);
    this.constTableOffset = at >= 0 ? at : null;
  }

  entry(numLocals: number): void {
    this.literalTable();
    if (this.windowed) {
      this.stackAdjust = 32 + ((((NUM_REGS_SAVED_WIN + numLocals) * WORD_SIZE) + 15) & ~15);
      this.op24(encodeBri12(6, REG_A1, 0, 3, (this.stackAdjust / 8) & 0xfff)); // entry a1, stackAdjust
      this.op16(encodeS32iN(REG_A0, REG_A1, 0));
      return;
    }
    // room for a0, a12..a15 and the locals, 16-byte aligned
    this.stackAdjust = (((NUM_REGS_SAVED + numLocals) * WORD_SIZE) + 15) & ~15;
    if (signedFit8(-this.stackAdjust)) {
      this.op24(encodeAddi(REG_A1, REG_A1, -this.stackAdjust));
    } else {
      this.op24(encodeRri8(2, 10, (this.stackAdjust >> 8) & 0xf, 9, this.stackAdjust & 0xff)); // movi a9, adjust
      this.op24(encodeRrr(0, 0, 12, REG_A1, REG_A1, 9)); // sub a1, a1, a9
    }
    this.op16(encodeS32iN(REG_A0, REG_A1, 0));
    for (let i = 1; i < NUM_REGS_SAVED; i++) this.op16(encodeS32iN(11 + i, REG_A1, i));
  }

  exit(): void {
    if (this.windowed) {
      this.op16(encodeL32iN(REG_A0, REG_A1, 0));
      this.op16(OP_RETW_N);
      return;
    }
    for (let i = NUM_REGS_SAVED - 1; i >= 1; i--) this.op16(encodeL32iN(11 + i, REG_A1, i));
    this.op16(encodeL32iN(REG_A0, REG_A1, 0));
    if (signedFit8(this.stackAdjust)) {
      this.op24(encodeAddi(REG_A1, REG_A1, this.stackAdjust));
    } else {
      this.op24(encodeRri8(2, 10, (this.stackAdjust >> 8) & 0xf, 9, this.stackAdjust & 0xff)); // movi a9, adjust
      this.op16(encodeRrrn(10, REG_A1, REG_A1, 9)); // add.n a1, a1, a9
    }
    this.op16(OP_RET_N);
  }

  // --- label-relative instructions ---------------------------------------------------

  /** j label: no range check (the reference assumes the offset fits 18 bits). */
  jLabel(label: number): void {
    this.op24(encodeJ((this.labelDest(label) - this.codeOffset - 4) | 0));
  }

  /**
   * Branch displacement to a label (relative to the branch + 4) and whether
   * the short form may be used: only for labels already placed behind.
   */
  private branchDisplacement(label: number): { rel: number; backward: boolean } {
    const dest = this.labelDest(label);
    // the reference subtracts in 64 bits: an unassigned label (0xffffffff) gives a large positive value
    const rel = dest - this.codeOffset - 4;
    return { rel, backward: dest !== 0xffffffff && rel < 0 };
  }

  /** beqz/bnez/bltz/bgez: 12-bit form backwards, else the inverted branch over a j. */
  bcczLabel(cond: number, reg: number, label: number): void {
    const { rel, backward } = this.branchDisplacement(label);
    if (backward && signedFit12(rel)) {
      this.op24(encodeBccz(cond, reg, rel));
      return;
    }
    if (this.emitting && !signedFit18(rel - 6)) throw outOfRange('bccz');
    this.op24(encodeBccz(cond ^ 1, reg, 6 - 4));
    this.op24(encodeJ((rel - 3) | 0));
  }

  /** Two-register branches: 8-bit form backwards, else the inverted branch over a j. */
  bccLabel(cond: number, reg1: number, reg2: number, label: number): void {
    const { rel, backward } = this.branchDisplacement(label);
    if (backward && signedFit8(rel)) {
      this.op24(encodeBcc(cond, reg1, reg2, rel));
      return;
    }
    if (this.emitting && !signedFit18(rel - 6)) throw outOfRange('bcc');
    this.op24(encodeBcc(cond ^ 8, reg1, reg2, 6 - 4));
    this.op24(encodeJ((rel - 3) | 0));
  }

  /** bbci/bbsi: `condition` is the r field (6 or 14), the bit number split over r and t. */
  bitBranch(reg: number, bit: number, label: number, condition: number): void {
    const rel = (this.labelDest(label) - this.codeOffset - 4) | 0;
    if (this.emitting && !signedFit8(rel)) throw outOfRange('bit_branch');
    this.op24(encodeRri8(7, condition | ((bit >>> 4) & 1), reg, bit & 0xf, rel & 0xff));
  }

  call0(label: number): void {
    const dest = this.labelDest(label);
    const rel = (dest - this.codeOffset - 3) | 0;
    if (this.emitting) {
      if ((dest & 3) !== 0) throw notWordAligned('call0', 'target');
      if ((rel & 3) !== 0) throw notWordAligned('call0', 'location');
      if (!signedFit18(rel)) throw outOfRange('call0');
    }
    this.op24(encodeCall0(rel));
  }

  /** l32r from a label: the literal must be word-aligned and behind the instruction. */
  l32rLabel(reg: number, label: number): void {
    const dest = this.labelDest(label);
    const rel = (dest - this.codeOffset) | 0;
    if (this.emitting) {
      if ((dest & 3) !== 0) throw notWordAligned('l32r', 'target');
      if ((rel & 3) !== 0) throw notWordAligned('l32r', 'location');
      if (!signedFit18(rel) || rel >= 0) throw outOfRange('l32r');
    }
    this.op24(encodeL32r(reg, this.codeOffset, dest));
  }

  /** A 32-bit constant: an l32r from the next literal-table slot. */
  movRegI32(reg: number, value: number): void {
    const slot = (this.constTableOffset ?? 0) + this.curConst * WORD_SIZE;
    const at = this.codeOffset;
    this.op24(encodeL32r(reg, at, slot));
    if (this.emitting) {
      if (this.constTableOffset === null) throw new CompileError('RuntimeError', 'xtensa assembler: literal table missing');
      const c = this.code;
      c[slot] = value & 0xff;
      c[slot + 1] = (value >>> 8) & 0xff;
      c[slot + 2] = (value >>> 16) & 0xff;
      c[slot + 3] = (value >>> 24) & 0xff;
    }
    this.curConst++;
  }
}

function outOfRange(what: string): CompileError {
  return new CompileError('RuntimeError', `ERROR: xtensa ${what} out of range`);
}

function notWordAligned(op: string, what: string): CompileError {
  return new CompileError('RuntimeError', `ERROR: ${op} ${what} not word-aligned`);
}

/** The reference stops on a failed assertion when code moves between passes; fail cleanly instead. */
function movedBetweenPasses(): CompileError {
  return new CompileError('RuntimeError', 'xtensa assembler: label moved between passes');
}

// --- the native emitter's backend ------------------------------------------------------
// The generic ASM_* operations on Xtensa (py/asmxtensa.h with GENERIC_ASM_API),
// for @micropython.native / viper. call0 ABI (xtensa): a2..a5 arguments (a2
// the result), a12..a14 the locals, a15 the function table, locals above the
// five saved registers. Windowed ABI (xtensawin): the emitter works in a10..a13
// (the callee's a2..a5 after callx8), locals in a4..a6, a7 the function table.

export const XTENSA_TARGET_INFO: NativeTargetInfo = {
  regs: { RET: 2, ARG_1: 2, ARG_2: 3, ARG_3: 4, ARG_4: 5, TEMP0: 2, TEMP1: 3, TEMP2: 4, LOCAL_1: 12, LOCAL_2: 13, LOCAL_3: 14, FUN_TABLE: 15 },
  wordSize: 4,
  nlrBufWords: 2 + 10 + 1, // call0 nlr registers + pystack word
  nlrBufIdxLocal1: 8, // a12
  shiftCountReg: null,
};

export const XTENSAWIN_TARGET_INFO: NativeTargetInfo = {
  regs: { RET: 10, ARG_1: 10, ARG_2: 11, ARG_3: 12, ARG_4: 13, TEMP0: 10, TEMP1: 11, TEMP2: 12, LOCAL_1: 4, LOCAL_2: 5, LOCAL_3: 6, FUN_TABLE: 7 },
  parentRegs: { RET: 2, ARG_1: 2, ARG_2: 3, ARG_3: 4, ARG_4: 5 },
  wordSize: 4,
  nlrBufWords: 2 + 17 + 1, // windowed nlr registers + pystack word
  nlrBufIdxLocal1: 2 + 4, // a4
  shiftCountReg: null,
  nlrSetjmp: true,
};

/** bcc conditions for COMPARE_OPS; 0x80: compare with the operands swapped. */
const XTENSA_COMPARE_CCS = [
  XtensaCc.LTU, 0x80 | XtensaCc.LTU, XtensaCc.EQ, 0x80 | XtensaCc.GEU, XtensaCc.GEU, XtensaCc.NE,
  XtensaCc.LT, 0x80 | XtensaCc.LT, XtensaCc.EQ, 0x80 | XtensaCc.GE, XtensaCc.GE, XtensaCc.NE,
];

const encodeCallx = (reg: number, m: number, n: number): number => ((reg << 8) | (m << 6) | (n << 4)) >>> 0;
const encodeMovi = (reg: number, imm12: number): number => encodeRri8(2, 10, (imm12 >> 8) & 0xf, reg, imm12 & 0xff);
const fitUnsigned = (x: number, bits: number): boolean => (x >>> 0) >>> bits === 0;

export class XtensaNativeAssembler extends XtensaAssembler implements NativeAssembler {
  readonly nativeTarget: NativeTargetInfo;
  /** registers saved below the locals (a0, plus a12..a15 in the call0 ABI) */
  private readonly regsSaved: number;
  /**
   * The scratch register for large store offsets: a6 in both ABIs (upstream
   * picks a12 for the windowed one only where N_XTENSAWIN is defined, which it
   * is not where the store helper is compiled).
   */
  private readonly regTemp = 6;

  constructor(windowed: boolean) {
    super(windowed);
    this.nativeTarget = windowed ? XTENSAWIN_TARGET_INFO : XTENSA_TARGET_INFO;
    this.regsSaved = windowed ? NUM_REGS_SAVED_WIN : NUM_REGS_SAVED;
  }

  startNativePass(emit: boolean): void {
    this.startPass(emit);
  }

  endNativePass(): void {
    this.endPass();
  }

  suppressCode(): void {
    this.suppressed = true;
  }

  dataWord(val: number): void {
    this.data(4, BigInt(val >>> 0));
  }

  dataByte(val: number): void {
    this.data(1, BigInt(val & 0xff));
  }

  encodeUint(val: number): void {
    encodeUintWith(val, (b) => this.dataByte(b));
  }

  jump(label: number): void {
    this.jLabel(label);
  }

  jumpIfRegZero(reg: number, label: number, _boolTest: boolean): void {
    this.bcczLabel(XtensaCcz.EQ, reg, label);
  }

  jumpIfRegNonzero(reg: number, label: number, _boolTest: boolean): void {
    this.bcczLabel(XtensaCcz.NE, reg, label);
  }

  jumpIfRegEq(reg1: number, reg2: number, label: number): void {
    this.bccLabel(XtensaCc.EQ, reg1, reg2, label);
  }

  jumpReg(reg: number): void {
    this.op24(encodeCallx(reg, 2, 2)); // jx
  }

  /** l32i.n, l32i, or the address computed for a far word */
  private l32iOptimised(dest: number, base: number, wordOffset: number): void {
    if (wordOffset < 16) this.op16(encodeL32iN(dest, base, wordOffset));
    else if (wordOffset < 256) this.op24(encodeRri8(2, 2, base, dest, wordOffset & 0xff));
    else {
      this.movRegImm(dest, wordOffset * 4);
      this.op16(encodeRrrn(10, dest, base, dest));
      this.op16(encodeL32iN(dest, dest, 0));
    }
  }

  callInd(funId: number): void {
    if (this.windowed) {
      this.l32iOptimised(8, 7, funId);
      this.op24(encodeCallx(8, 3, 2)); // callx8 a8
    } else {
      this.l32iOptimised(REG_A0, 15, funId);
      this.op24(encodeCallx(REG_A0, 3, 0)); // callx0 a0
    }
  }

  callIndVia(funId: number, _regTemp: number): void {
    this.callInd(funId);
  }

  movLocalReg(localNum: number, reg: number): void {
    this.op24(encodeRri8(2, 6, REG_A1, reg, (this.regsSaved + localNum) & 0xff)); // s32i
  }

  movRegLocal(reg: number, localNum: number): void {
    this.op24(encodeRri8(2, 2, REG_A1, reg, (this.regsSaved + localNum) & 0xff)); // l32i
  }

  movRegLocalAddr(reg: number, localNum: number): void {
    const off = ((this.regsSaved + localNum) * WORD_SIZE) >>> 0;
    if (signedFit8(off)) this.op24(encodeAddi(reg, REG_A1, off));
    else {
      this.op24(encodeMovi(reg, off));
      this.op16(encodeRrrn(10, reg, reg, REG_A1));
    }
  }

  movRegImm(reg: number, imm: number): void {
    const v = imm | 0;
    if (v >= -32 && v <= 95) this.op16(encodeMoviN(reg, v));
    else if (signedFit12(v)) this.op24(encodeMovi(reg, v));
    else this.movRegI32(reg, v >>> 0);
  }

  movRegReg(regDest: number, regSrc: number): void {
    this.op16(encodeRrrn(13, 0, regSrc, regDest)); // mov.n
  }

  movRegPcrel(reg: number, label: number): void {
    const rel = ((this.labelDest(label) - this.codeOffset) | 0) - 6;
    this.op24(encodeMovi(reg, rel));
    // call0 puts PC+3 in a0; its target must be word-aligned, so pad after it
    const off = (this.codeOffset >>> 1) & 1;
    const pad = (5 - this.codeOffset) & 3;
    this.op24(encodeCall0(off));
    this.reserve(pad);
    this.op16(encodeRrrn(10, reg, reg, REG_A0));
  }

  negReg(reg: number): void {
    this.op24(encodeRrr(0, 0, 6, reg, 0, reg));
  }

  lslRegReg(regDest: number, regShift: number): void {
    this.op24(encodeRrr(0, 0, 4, 1, regShift, 0)); // ssl
    this.op24(encodeRrr(0, 1, 10, regDest, regDest, 0)); // sll
  }

  lsrRegReg(regDest: number, regShift: number): void {
    this.op24(encodeRrr(0, 0, 4, 0, regShift, 0)); // ssr
    this.op24(encodeRrr(0, 1, 9, regDest, 0, regDest)); // srl
  }

  asrRegReg(regDest: number, regShift: number): void {
    this.op24(encodeRrr(0, 0, 4, 0, regShift, 0)); // ssr
    this.op24(encodeRrr(0, 1, 11, regDest, 0, regDest)); // sra
  }

  orRegReg(regDest: number, regSrc: number): void {
    this.op24(encodeRrr(0, 0, 2, regDest, regDest, regSrc));
  }

  xorRegReg(regDest: number, regSrc: number): void {
    this.op24(encodeRrr(0, 0, 3, regDest, regDest, regSrc));
  }

  andRegReg(regDest: number, regSrc: number): void {
    this.op24(encodeRrr(0, 0, 1, regDest, regDest, regSrc));
  }

  addRegReg(regDest: number, regSrc: number): void {
    this.op16(encodeRrrn(10, regDest, regDest, regSrc));
  }

  subRegReg(regDest: number, regSrc: number): void {
    this.op24(encodeRrr(0, 0, 12, regDest, regDest, regSrc));
  }

  mulRegReg(regDest: number, regSrc: number): void {
    this.op24(encodeRrr(0, 2, 8, regDest, regDest, regSrc)); // mull
  }

  clrReg(reg: number): void {
    this.op16(encodeMoviN(reg, 0));
  }

  /** l8ui/l16ui/l32i (size 0/1/2) at base + (offset << size) */
  private loadSized(dest: number, base: number, offset: number, size: number): void {
    if (size === 2 && fitUnsigned(offset, 4)) {
      this.op16(encodeL32iN(dest, base, offset));
      return;
    }
    if (fitUnsigned(offset, 8)) {
      this.op24(encodeRri8(2, size, base, dest, offset & 0xff));
      return;
    }
    this.movRegImm(dest, (offset << size) >>> 0);
    this.op16(encodeRrrn(10, dest, base, dest));
    if (size === 2) this.op16(encodeL32iN(dest, dest, 0));
    else this.op24(encodeRri8(2, size, dest, dest, 0));
  }

  /** s8i/s16i/s32i (size 0/1/2) at base + (offset << size) */
  private storeSized(src: number, base: number, offset: number, size: number): void {
    if (size === 2 && fitUnsigned(offset, 4)) {
      this.op16(encodeS32iN(src, base, offset));
      return;
    }
    if (fitUnsigned(offset, 8)) {
      this.op24(encodeRri8(2, 4 | size, base, src, offset & 0xff));
      return;
    }
    const t = this.regTemp;
    this.movRegImm(t, (offset << size) >>> 0);
    this.op16(encodeRrrn(10, t, base, t));
    if (size === 2) this.op16(encodeS32iN(src, t, 0));
    else this.op24(encodeRri8(2, 4 | size, t, src, 0));
  }

  loadRegRegOffset(regDest: number, regBase: number, wordOffset: number): void {
    this.loadSized(regDest, regBase, wordOffset, 2);
  }

  storeRegRegOffset(regSrc: number, regBase: number, wordOffset: number): void {
    this.storeSized(regSrc, regBase, wordOffset, 2);
  }

  load32RegRegOffset(regDest: number, regBase: number, dwordOffset: number): void {
    this.loadSized(regDest, regBase, dwordOffset, 2);
  }

  store32RegRegOffset(regSrc: number, regBase: number, dwordOffset: number): void {
    this.storeSized(regSrc, regBase, dwordOffset, 2);
  }

  load8RegRegOffset(regDest: number, regBase: number, byteOffset: number): void {
    this.loadSized(regDest, regBase, byteOffset, 0);
  }

  load16RegRegOffset(regDest: number, regBase: number, halfwordOffset: number): void {
    this.loadSized(regDest, regBase, halfwordOffset, 1);
  }

  store8RegRegOffset(regSrc: number, regBase: number, byteOffset: number): void {
    this.storeSized(regSrc, regBase, byteOffset, 0);
  }

  store16RegRegOffset(regSrc: number, regBase: number, halfwordOffset: number): void {
    this.storeSized(regSrc, regBase, halfwordOffset, 1);
  }

  // element access by register index: the base register is advanced in place (as upstream)
  load8RegRegReg(regDest: number, regBase: number, regIndex: number): void {
    this.op16(encodeRrrn(10, regBase, regIndex, regBase));
    this.op24(encodeRri8(2, 0, regBase, regDest, 0));
  }

  load16RegRegReg(regDest: number, regBase: number, regIndex: number): void {
    this.op24(encodeRrr(0, 0, 9, regBase, regIndex, regBase)); // addx2
    this.op24(encodeRri8(2, 1, regBase, regDest, 0));
  }

  load32RegRegReg(regDest: number, regBase: number, regIndex: number): void {
    this.op24(encodeRrr(0, 0, 10, regBase, regIndex, regBase)); // addx4
    this.op16(encodeL32iN(regDest, regBase, 0));
  }

  store8RegRegReg(regVal: number, regBase: number, regIndex: number): void {
    this.op16(encodeRrrn(10, regBase, regIndex, regBase));
    this.op24(encodeRri8(2, 4, regBase, regVal, 0));
  }

  store16RegRegReg(regVal: number, regBase: number, regIndex: number): void {
    this.op24(encodeRrr(0, 0, 9, regBase, regIndex, regBase));
    this.op24(encodeRri8(2, 5, regBase, regVal, 0));
  }

  store32RegRegReg(regVal: number, regBase: number, regIndex: number): void {
    this.op24(encodeRrr(0, 0, 10, regBase, regIndex, regBase));
    this.op16(encodeS32iN(regVal, regBase, 0));
  }

  setRegFromCompare(regDest: number, regLhs: number, regRhs: number, compareOp: number): void {
    const cc = XTENSA_COMPARE_CCS[compareOp]!;
    const [a, b] = (cc & 0x80) === 0 ? [regLhs, regRhs] : [regRhs, regLhs];
    this.op16(encodeMoviN(regDest, 1));
    this.op24(encodeBcc(cc & 0x7f, a, b, 1));
    this.op16(encodeMoviN(regDest, 0));
  }
}
