// x86-64 machine-code assembler for the native emitter: the instruction
// forms and sequences the reference's x64 backend produces (SysV calling
// convention), behind the NativeAssembler interface.
//
// Frame: rbp, rbx, r12, r13 are pushed on entry, then rsp is lowered by an
// odd number of words (keeping rsp 16-byte aligned at calls); local n lives
// at [rsp + 8n]. rbp holds the runtime's function table.
import { labelTableWith, type NativeAssembler, type NativeTargetInfo } from './asm-native.ts';
import { CompileError } from './errors.ts';

export const RAX = 0;
export const RCX = 1;
export const RDX = 2;
export const RBX = 3;
export const RSP = 4;
export const RBP = 5;
export const RSI = 6;
export const RDI = 7;
export const R12 = 12;
export const R13 = 13;

/** condition-code nibbles shared by jcc and setcc */
export enum X64Cond {
  B = 0x2,
  AE = 0x3,
  E = 0x4,
  NE = 0x5,
  BE = 0x6,
  A = 0x7,
  L = 0xc,
  GE = 0xd,
  LE = 0xe,
  G = 0xf,
}

/** x64 conditions in COMPARE_OPS order (unsigned six, then signed six). */
const COMPARE_CONDS = [
  X64Cond.B, X64Cond.A, X64Cond.E, X64Cond.BE, X64Cond.AE, X64Cond.NE,
  X64Cond.L, X64Cond.G, X64Cond.E, X64Cond.LE, X64Cond.GE, X64Cond.NE,
];

export const X64_TARGET_INFO: NativeTargetInfo = {
  regs: {
    RET: RAX,
    ARG_1: RDI,
    ARG_2: RSI,
    ARG_3: RDX,
    ARG_4: RCX,
    TEMP0: RAX,
    TEMP1: RDI,
    TEMP2: RSI,
    LOCAL_1: RBX,
    LOCAL_2: R12,
    LOCAL_3: R13,
    FUN_TABLE: RBP,
  },
  wordSize: 8,
  // mpy-cross sizes the buffer for the larger (Windows) register set: 2 + 10 + 1
  nlrBufWords: 2 + 10 + 1,
  nlrBufIdxLocal1: 5, // rbx
  shiftCountReg: RCX,
};

const REX = 0x40;
const REX_W = 0x08;
const MOD_DISP0 = 0x00;
const MOD_DISP8 = 0x40;
const MOD_DISP32 = 0x80;
export const MOD_REG = 0xc0;

/** REX.R / REX.B bits for a register in the ModRM reg / rm field */
const rexR = (r: number): number => (r >> 1) & 0x04;
const rexB = (r: number): number => (r >> 3) & 0x01;
export const fitsI8 = (v: number): boolean => v >= -128 && v <= 127;

const LABEL_UNSET = -1;

/**
 * What x64 and 32-bit x86 share: the two-pass byte and label bookkeeping,
 * ModRM memory operands, jumps, setcc and the 8-bit test.
 */
export abstract class X86FamilyAssembler {
  codeOffset = 0;
  private emitting = false;
  private suppress = false;
  private code = new Uint8Array(0);
  private labels = new Int32Array(64).fill(LABEL_UNSET);
  /** words reserved below the saved registers by entry() (exit() releases them) */
  protected numLocals = 0;

  // --- passes, labels, raw bytes ---------------------------------------------------

  startNativePass(emit: boolean): void {
    if (emit) {
      this.code = new Uint8Array(this.codeOffset);
    } else {
      // forget labels so a jump can tell backward (known) from forward
      this.labels.fill(LABEL_UNSET);
    }
    this.emitting = emit;
    this.suppress = false;
    this.codeOffset = 0;
  }

  getCode(): Uint8Array {
    return this.code.subarray(0, this.codeOffset);
  }

  protected labelOffset(label: number): number {
    return label < this.labels.length ? this.labels[label]! : LABEL_UNSET;
  }

  labelAssign(label: number): void {
    this.labels = labelTableWith(this.labels, label, LABEL_UNSET);
    this.suppress = false;
    if (!this.emitting) {
      this.labels[label] = this.codeOffset;
    } else if (this.labels[label] !== this.codeOffset) {
      throw new CompileError('RuntimeError', 'native emitter: label moved between passes');
    }
  }

  suppressCode(): void {
    this.suppress = true;
  }

  /** Claims `n` bytes: the offset to write them at, or -1 when nothing is written (sizing pass, dead code). */
  protected claim(n: number): number {
    if (this.suppress) return -1;
    const at = this.codeOffset;
    this.codeOffset += n;
    return this.emitting ? at : -1;
  }

  protected b1(a: number): void {
    const at = this.claim(1);
    if (at >= 0) this.code[at] = a;
  }

  protected b2(a: number, b: number): void {
    const at = this.claim(2);
    if (at >= 0) {
      this.code[at] = a;
      this.code[at + 1] = b;
    }
  }

  protected b3(a: number, b: number, c: number): void {
    const at = this.claim(3);
    if (at >= 0) {
      this.code[at] = a;
      this.code[at + 1] = b;
      this.code[at + 2] = c;
    }
  }

  protected word32(v: number): void {
    const at = this.claim(4);
    if (at >= 0) {
      const c = this.code;
      c[at] = v & 0xff;
      c[at + 1] = (v >>> 8) & 0xff;
      c[at + 2] = (v >>> 16) & 0xff;
      c[at + 3] = (v >>> 24) & 0xff;
    }
  }

  /** 64-bit two's complement of an integer-valued number (exact below 2^53 in magnitude). */
  protected word64(v: number): void {
    this.word32(v >>> 0);
    this.word32(Math.floor(v / 0x100000000) >>> 0);
  }

  protected data(size: number, val: number): void {
    const at = this.claim(size);
    if (at >= 0) {
      for (let i = 0; i < size; i++) {
        this.code[at + i] = val & 0xff;
        val = Math.floor(val / 256);
      }
    }
  }

  dataByte(val: number): void {
    this.data(1, val);
  }

  encodeUint(val: number): void {
    const groups: number[] = [];
    do {
      groups.push(val & 0x7f);
      val = Math.floor(val / 128);
    } while (val !== 0);
    for (let i = groups.length - 1; i >= 0; i--) this.data(1, groups[i]! | (i > 0 ? 0x80 : 0));
  }

  // --- encodings ------------------------------------------------------------------------

  /** ModRM (+SIB for an rsp/r12 base) and displacement for [base + disp] with `reg` in the reg field. */
  protected memOperand(reg: number, base: number, disp: number): void {
    // the reference passes displacements as a C int
    disp |= 0;
    let mod: number;
    // [rbp]/[r13] with no displacement would mean rip-relative: those always carry one
    if (disp === 0 && (base & 7) !== RBP) mod = MOD_DISP0;
    else if (fitsI8(disp)) mod = MOD_DISP8;
    else mod = MOD_DISP32;
    this.b1(((reg & 7) << 3) | mod | (base & 7));
    if ((base & 7) === RSP) this.b1(0x24);
    if (mod === MOD_DISP8) this.b1(disp & 0xff);
    else if (mod === MOD_DISP32) this.word32(disp);
  }

  /** test on the low bytes; without a REX prefix registers 4..7 name ah..bh, as in the reference */
  testR8WithR8(a: number, b: number): void {
    this.b2(0x84, MOD_REG | ((a & 7) << 3) | (b & 7));
  }

  setccR8(cond: number, dest: number): void {
    this.b3(0x0f, 0x90 | cond, MOD_REG | (dest & 7));
  }

  /**
   * Backward jumps to a known label take the 2-byte form when it reaches;
   * forward ones are always sized long, so both passes agree.
   */
  protected jumpTo(label: number, short: number, long: readonly number[]): void {
    const dest = this.labelOffset(label);
    const rel = dest - this.codeOffset;
    if (dest !== LABEL_UNSET && rel < 0 && fitsI8(rel - 2)) {
      this.b2(short, (rel - 2) & 0xff);
      return;
    }
    const relLong = rel - 1 - long.length - 3;
    if (long.length === 1) this.b1(long[0]!);
    else this.b2(long[0]!, long[1]!);
    this.word32(relLong);
  }

  jccLabel(cond: number, label: number): void {
    this.jumpTo(label, 0x70 | cond, [0x0f, 0x80 | cond]);
  }

  jump(label: number): void {
    this.jumpTo(label, 0xeb, [0xe9]);
  }

  jumpReg(reg: number): void {
    this.b2(0xff, MOD_REG | (4 << 3) | (reg & 7));
  }

  // ---- element loads/stores shared by x64 and x86: only the register width differs ----

  abstract movR8ToMem8(src: number, base: number, disp: number): void;
  abstract movR16ToMem16(src: number, base: number, disp: number): void;
  abstract movR32ToMem32(src: number, base: number, disp: number): void;
  abstract addRegReg(regDest: number, regSrc: number): void;
  abstract xorRegReg(regDest: number, regSrc: number): void;
  /** movzx of a byte / halfword, and a 32-bit load, into a full-width register */
  protected abstract loadZeroExtended8(base: number, disp: number, dest: number): void;
  protected abstract loadZeroExtended16(base: number, disp: number, dest: number): void;
  protected abstract loadWord32(base: number, disp: number, dest: number): void;
  /** cmp of two full-width registers */
  protected abstract compareRegs(a: number, b: number): void;

  load8RegRegOffset(regDest: number, regBase: number, byteOffset: number): void {
    this.loadZeroExtended8(regBase, byteOffset, regDest);
  }

  load16RegRegOffset(regDest: number, regBase: number, halfwordOffset: number): void {
    this.loadZeroExtended16(regBase, 2 * halfwordOffset, regDest);
  }

  store8RegRegOffset(regSrc: number, regBase: number, byteOffset: number): void {
    this.movR8ToMem8(regSrc, regBase, byteOffset);
  }

  store16RegRegOffset(regSrc: number, regBase: number, halfwordOffset: number): void {
    this.movR16ToMem16(regSrc, regBase, 2 * halfwordOffset);
  }

  // No scaled-index addressing in the reference's x64/x86 backends: the index is
  // added to the base (once per element byte), then the access is at [base].

  private addScaledIndex(regBase: number, regIndex: number, elementSize: number): void {
    for (let i = 0; i < elementSize; i++) this.addRegReg(regBase, regIndex);
  }

  load8RegRegReg(regDest: number, regBase: number, regIndex: number): void {
    this.addScaledIndex(regBase, regIndex, 1);
    this.loadZeroExtended8(regBase, 0, regDest);
  }

  load16RegRegReg(regDest: number, regBase: number, regIndex: number): void {
    this.addScaledIndex(regBase, regIndex, 2);
    this.loadZeroExtended16(regBase, 0, regDest);
  }

  load32RegRegReg(regDest: number, regBase: number, regIndex: number): void {
    this.addScaledIndex(regBase, regIndex, 4);
    this.loadWord32(regBase, 0, regDest);
  }

  store8RegRegReg(regVal: number, regBase: number, regIndex: number): void {
    this.addScaledIndex(regBase, regIndex, 1);
    this.movR8ToMem8(regVal, regBase, 0);
  }

  store16RegRegReg(regVal: number, regBase: number, regIndex: number): void {
    this.addScaledIndex(regBase, regIndex, 2);
    this.movR16ToMem16(regVal, regBase, 0);
  }

  store32RegRegReg(regVal: number, regBase: number, regIndex: number): void {
    this.addScaledIndex(regBase, regIndex, 4);
    this.movR32ToMem32(regVal, regBase, 0);
  }

  /** rd = 0; compare; set the low byte from the condition */
  setRegFromCompare(regDest: number, regLhs: number, regRhs: number, compareOp: number): void {
    this.xorRegReg(regDest, regDest);
    this.compareRegs(regRhs, regLhs);
    this.setccR8(COMPARE_CONDS[compareOp]!, regDest);
  }
}

export class X64Assembler extends X86FamilyAssembler implements NativeAssembler {
  readonly nativeTarget = X64_TARGET_INFO;

  dataWord(val: number): void {
    this.data(8, val);
  }

  /** 64-bit register-to-register op: `op r/m64(dest), r64(src)` (src may be an opcode extension). */
  private rr64(dest: number, src: number, op: number): void {
    this.b3(REX | REX_W | rexR(src) | rexB(dest), op, MOD_REG | ((src & 7) << 3) | (dest & 7));
  }

  /** A REX prefix only when an extended register is involved (no W bit: 8/16/32-bit forms). */
  private optRex(reg: number, base: number): void {
    if (reg >= 8 || base >= 8) this.b1(REX | rexR(reg) | rexB(base));
  }

  pushR64(r: number): void {
    if (r < 8) this.b1(0x50 | r);
    else this.b2(REX | 0x01, 0x50 | (r & 7));
  }

  popR64(r: number): void {
    if (r < 8) this.b1(0x58 | r);
    else this.b2(REX | 0x01, 0x58 | (r & 7));
  }

  movR64R64(dest: number, src: number): void {
    this.rr64(dest, src, 0x89);
  }

  movR8ToMem8(src: number, base: number, disp: number): void {
    this.optRex(src, base);
    this.b1(0x88);
    this.memOperand(src, base, disp);
  }

  movR16ToMem16(src: number, base: number, disp: number): void {
    this.b1(0x66);
    this.optRex(src, base);
    this.b1(0x89);
    this.memOperand(src, base, disp);
  }

  movR32ToMem32(src: number, base: number, disp: number): void {
    this.optRex(src, base);
    this.b1(0x89);
    this.memOperand(src, base, disp);
  }

  movR64ToMem64(src: number, base: number, disp: number): void {
    this.b2(REX | REX_W | rexR(src) | rexB(base), 0x89);
    this.memOperand(src, base, disp);
  }

  movzxMem8ToR64(base: number, disp: number, dest: number): void {
    this.optRex(dest, base);
    this.b2(0x0f, 0xb6);
    this.memOperand(dest, base, disp);
  }

  movzxMem16ToR64(base: number, disp: number, dest: number): void {
    this.optRex(dest, base);
    this.b2(0x0f, 0xb7);
    this.memOperand(dest, base, disp);
  }

  /** 32-bit load (the upper half of the destination is cleared) */
  movMem32ToR64(base: number, disp: number, dest: number): void {
    this.optRex(dest, base);
    this.b1(0x8b);
    this.memOperand(dest, base, disp);
  }

  movMem64ToR64(base: number, disp: number, dest: number): void {
    this.b2(REX | REX_W | rexR(dest) | rexB(base), 0x8b);
    this.memOperand(dest, base, disp);
  }

  leaR64(base: number, disp: number, dest: number): void {
    this.b2(REX | REX_W | rexR(dest) | rexB(base), 0x8d);
    this.memOperand(dest, base, disp);
  }

  /** mov r32, imm32 (zero-extends into the full register) */
  movI32ToR64(imm: number, dest: number): void {
    if (dest < 8) this.b1(0xb8 | dest);
    else this.b2(REX | 0x01, 0xb8 | (dest & 7));
    this.word32(imm);
  }

  /** movabs r64, imm64 */
  movI64ToR64(imm: number, dest: number): void {
    this.b2(REX | REX_W | rexB(dest), 0xb8 | (dest & 7));
    this.word64(imm);
  }

  subR64I32(dest: number, imm: number): void {
    if (fitsI8(imm)) {
      this.b3(REX | REX_W, 0x83, MOD_REG | (5 << 3) | dest);
      this.b1(imm & 0xff);
    } else {
      this.b3(REX | REX_W, 0x81, MOD_REG | (5 << 3) | dest);
      this.word32(imm);
    }
  }

  /** cmp b, a: flags from b - a (the reference's operand order) */
  cmpR64WithR64(a: number, b: number): void {
    this.rr64(b, a, 0x39);
  }

  testR64WithR64(a: number, b: number): void {
    this.rr64(b, a, 0x85);
  }

  // --- NativeAssembler ------------------------------------------------------------------

  entry(numLocals: number): void {
    this.pushR64(RBP);
    this.pushR64(RBX);
    this.pushR64(R12);
    this.pushR64(R13);
    // four pushes plus the return address: an odd count of words keeps rsp 16-byte aligned
    this.numLocals = numLocals | 1;
    this.subR64I32(RSP, this.numLocals * 8);
  }

  exit(): void {
    this.subR64I32(RSP, -this.numLocals * 8);
    this.popR64(R13);
    this.popR64(R12);
    this.popR64(RBX);
    this.popR64(RBP);
    this.b1(0xc3);
  }

  jumpIfRegZero(reg: number, label: number, boolTest: boolean): void {
    if (boolTest) this.testR8WithR8(reg, reg);
    else this.testR64WithR64(reg, reg);
    this.jccLabel(X64Cond.E, label);
  }

  jumpIfRegNonzero(reg: number, label: number, boolTest: boolean): void {
    if (boolTest) this.testR8WithR8(reg, reg);
    else this.testR64WithR64(reg, reg);
    this.jccLabel(X64Cond.NE, label);
  }

  jumpIfRegEq(reg1: number, reg2: number, label: number): void {
    this.cmpR64WithR64(reg1, reg2);
    this.jccLabel(X64Cond.E, label);
  }

  /** call [rbp + 8*funId] through rax */
  callInd(funId: number): void {
    this.movMem64ToR64(RBP, funId * 8, RAX);
    this.b2(0xff, MOD_REG | (2 << 3) | RAX);
  }

  callIndVia(funId: number, _regTemp: number): void {
    this.callInd(funId);
  }

  movLocalReg(localNum: number, reg: number): void {
    this.movR64ToMem64(reg, RSP, localNum * 8);
  }

  movRegLocal(reg: number, localNum: number): void {
    this.movMem64ToR64(RSP, localNum * 8, reg);
  }

  /** The 5-byte form when the value zero-extends from 32 bits, else the 10-byte movabs. */
  movRegImm(reg: number, imm: number): void {
    if (imm >= 0 && imm <= 0xffffffff) this.movI32ToR64(imm >>> 0, reg);
    else this.movI64ToR64(imm, reg);
  }

  movRegImm64(reg: number, imm: bigint): void {
    const u = BigInt.asUintN(64, imm);
    if (u <= 0xffffffffn) {
      this.movI32ToR64(Number(u), reg);
    } else {
      this.b2(REX | REX_W | rexB(reg), 0xb8 | (reg & 7));
      this.word32(Number(u & 0xffffffffn));
      this.word32(Number(u >> 32n));
    }
  }

  movRegReg(regDest: number, regSrc: number): void {
    this.movR64R64(regDest, regSrc);
  }

  movRegLocalAddr(reg: number, localNum: number): void {
    if (localNum === 0) this.movR64R64(reg, RSP);
    else this.leaR64(RSP, localNum * 8, reg);
  }

  /** lea reg, [rip + rel32] */
  movRegPcrel(reg: number, label: number): void {
    const rel = this.labelOffset(label) - (this.codeOffset + 7);
    this.b3(REX | REX_W | rexR(reg), 0x8d, ((reg & 7) << 3) | RBP);
    this.word32(rel);
  }

  notReg(reg: number): void {
    this.rr64(reg, 2, 0xf7);
  }

  negReg(reg: number): void {
    this.rr64(reg, 3, 0xf7);
  }

  private shiftByCl(regDest: number, regShift: number, ext: number): void {
    if (regShift !== RCX) throw new CompileError('RuntimeError', 'native emitter: x64 shifts count in cl');
    this.rr64(regDest, ext, 0xd3);
  }

  lslRegReg(regDest: number, regShift: number): void {
    this.shiftByCl(regDest, regShift, 4);
  }

  lsrRegReg(regDest: number, regShift: number): void {
    this.shiftByCl(regDest, regShift, 5);
  }

  asrRegReg(regDest: number, regShift: number): void {
    this.shiftByCl(regDest, regShift, 7);
  }

  orRegReg(regDest: number, regSrc: number): void {
    this.rr64(regDest, regSrc, 0x09);
  }

  xorRegReg(regDest: number, regSrc: number): void {
    this.rr64(regDest, regSrc, 0x31);
  }

  andRegReg(regDest: number, regSrc: number): void {
    this.rr64(regDest, regSrc, 0x21);
  }

  addRegReg(regDest: number, regSrc: number): void {
    this.rr64(regDest, regSrc, 0x01);
  }

  subRegReg(regDest: number, regSrc: number): void {
    this.rr64(regDest, regSrc, 0x29);
  }

  /** imul r64, r/m64 */
  mulRegReg(regDest: number, regSrc: number): void {
    this.b1(REX | REX_W | rexR(regDest) | rexB(regSrc));
    this.b3(0x0f, 0xaf, MOD_REG | ((regDest & 7) << 3) | (regSrc & 7));
  }

  clrReg(reg: number): void {
    this.xorRegReg(reg, reg);
  }

  loadRegRegOffset(regDest: number, regBase: number, wordOffset: number): void {
    this.movMem64ToR64(regBase, 8 * wordOffset, regDest);
  }

  storeRegRegOffset(regSrc: number, regBase: number, wordOffset: number): void {
    this.movR64ToMem64(regSrc, regBase, 8 * wordOffset);
  }

  load32RegRegOffset(regDest: number, regBase: number, dwordOffset: number): void {
    this.movMem32ToR64(regBase, 4 * dwordOffset, regDest);
  }

  store32RegRegOffset(regSrc: number, regBase: number, dwordOffset: number): void {
    this.movR32ToMem32(regSrc, regBase, 4 * dwordOffset);
  }

  protected loadZeroExtended8(base: number, disp: number, dest: number): void {
    this.movzxMem8ToR64(base, disp, dest);
  }

  protected loadZeroExtended16(base: number, disp: number, dest: number): void {
    this.movzxMem16ToR64(base, disp, dest);
  }

  protected loadWord32(base: number, disp: number, dest: number): void {
    this.movMem32ToR64(base, disp, dest);
  }

  protected compareRegs(a: number, b: number): void {
    this.cmpR64WithR64(a, b);
  }
}
