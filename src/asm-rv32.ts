// RISC-V RV32IMC machine-code assembler: the instruction formats of the
// reference's RV32 backend (py/asmrv32.h), its load-immediate sequence, and
// the compute/emit pass bookkeeping shared by MicroPython's assemblers.
//
// Encoders take operand values as plain numbers and use only their low bits
// (as the reference's macros mask them), returning the instruction word.
import type { NativeAssembler, NativeTargetInfo } from './asm-native.ts';
import { CompileError } from './errors.ts';

export const REG_ZERO = 0;
export const REG_RA = 1;
export const REG_SP = 2;
/** the first argument/return register */
export const REG_A0 = 10;

// --- 32-bit formats -----------------------------------------------------------------

export function encodeR(op: number, funct3: number, funct7: number, rd: number, rs1: number, rs2: number): number {
  return ((op & 0x7f) | ((rd & 0x1f) << 7) | ((funct3 & 7) << 12) | ((rs1 & 0x1f) << 15) | ((rs2 & 0x1f) << 20) | ((funct7 & 0x7f) << 25)) >>> 0;
}

export function encodeI(op: number, funct3: number, rd: number, rs: number, imm: number): number {
  return ((op & 0x7f) | ((rd & 0x1f) << 7) | ((funct3 & 7) << 12) | ((rs & 0x1f) << 15) | ((imm & 0xfff) << 20)) >>> 0;
}

export function encodeS(op: number, funct3: number, rs1: number, rs2: number, imm: number): number {
  return ((op & 0x7f) | ((imm & 0x1f) << 7) | ((funct3 & 7) << 12) | ((rs1 & 0x1f) << 15) | ((rs2 & 0x1f) << 20) | ((imm & 0xfe0) << 20)) >>> 0;
}

/** B: imm[12|10:5] in bits 25..31, imm[4:1|11] in bits 7..11. */
export function encodeB(op: number, funct3: number, rs1: number, rs2: number, imm: number): number {
  return (
    (op & 0x7f) | ((funct3 & 7) << 12) | ((imm & 0x800) >> 4) | ((imm & 0x1e) << 7) |
    ((rs1 & 0x1f) << 15) | ((rs2 & 0x1f) << 20) | ((imm & 0x7e0) << 20) | ((imm & 0x1000) << 19)
  ) >>> 0;
}

export function encodeU(op: number, rd: number, imm: number): number {
  return ((op & 0x7f) | ((rd & 0x1f) << 7) | (imm & 0xfffff000)) >>> 0;
}

/** J: imm[20|10:1|11|19:12] in bits 12..31. */
export function encodeJ(op: number, rd: number, imm: number): number {
  return (
    (op & 0x7f) | ((rd & 0x1f) << 7) | (imm & 0xff000) | ((imm & 0x800) << 9) | ((imm & 0x7fe) << 20) | ((imm & 0x100000) << 11)
  ) >>> 0;
}

/** CSR with a 5-bit immediate in the rs1 field. */
export function encodeCsrI(op: number, funct3: number, rd: number, csr: number, imm: number): number {
  return ((op & 0x7f) | ((rd & 0x1f) << 7) | ((funct3 & 7) << 12) | ((csr & 0xfff) << 20) | ((imm & 0x1f) << 15)) >>> 0;
}

// --- 16-bit (compressed) formats ----------------------------------------------------
// Registers named rd'/rs' are the 3-bit numbers of x8..x15.

export function encodeCR(op: number, funct4: number, rs1: number, rs2: number): number {
  return (op & 3) | ((rs2 & 0x1f) << 2) | ((rs1 & 0x1f) << 7) | ((funct4 & 0xf) << 12);
}

/** CI: imm[5] in bit 12, imm[4:0] in bits 2..6. */
export function encodeCI(op: number, funct3: number, rd: number, imm: number): number {
  return (op & 3) | ((funct3 & 7) << 13) | ((rd & 0x1f) << 7) | ((imm & 0x20) << 7) | ((imm & 0x1f) << 2);
}

/** CSS: a 6-bit (already scrambled) immediate in bits 7..12. */
export function encodeCSS(op: number, funct3: number, rs: number, imm: number): number {
  return (op & 3) | ((funct3 & 7) << 13) | ((rs & 0x1f) << 2) | ((imm & 0x3f) << 7);
}

/** CIW (c.addi4spn): nzuimm[5:4|9:6|2|3] in bits 5..12. */
export function encodeCIW(op: number, funct3: number, rd: number, imm: number): number {
  return (op & 3) | ((funct3 & 7) << 13) | ((rd & 7) << 2) | ((imm & 0x3c0) << 1) | ((imm & 0x30) << 7) | ((imm & 0x08) << 2) | ((imm & 0x04) << 4);
}

/** CL/CS (c.lw/c.sw): uimm[5:3] in bits 10..12, uimm[2|6] in bits 5..6. */
export function encodeCL(op: number, funct3: number, rd: number, rs: number, imm: number): number {
  return (op & 3) | ((funct3 & 7) << 13) | ((rd & 7) << 2) | ((rs & 7) << 7) | ((imm & 0x40) >> 1) | ((imm & 0x38) << 7) | ((imm & 0x04) << 4);
}

export function encodeCA(op: number, funct6: number, funct2: number, rd: number, rs: number): number {
  return (op & 3) | ((funct6 & 0x3f) << 10) | ((funct2 & 3) << 5) | ((rd & 3) << 7) | ((rs & 3) << 2);
}

/** CB: an 8-bit (already scrambled) immediate, bits 5..7 -> 10..12 and 0..4 -> 2..6. */
export function encodeCB(op: number, funct3: number, rs: number, imm: number): number {
  return (op & 3) | ((funct3 & 7) << 13) | ((rs & 7) << 7) | ((imm & 0xe0) << 5) | ((imm & 0x1f) << 2);
}

/** CJ: offset[11|4|9:8|10|6|7|3:1|5] in bits 2..12. */
export function encodeCJ(op: number, funct3: number, imm: number): number {
  return (
    (op & 3) | ((funct3 & 7) << 13) | ((imm & 0x0e) << 2) | ((imm & 0x300) << 1) | ((imm & 0x800) << 1) |
    ((imm & 0x400) >> 2) | ((imm & 0x80) >> 1) | ((imm & 0x40) << 1) | ((imm & 0x20) >> 3) | ((imm & 0x10) << 7)
  );
}

/** The branch-offset scramble of c.beqz/c.bnez, for encodeCB. */
export function cbBranchImm(offset: number): number {
  return ((offset & 0x100) >> 1) | ((offset & 0xc0) >> 3) | ((offset & 0x20) >> 5) | ((offset & 0x18) << 2) | (offset & 0x06);
}

/** The offset scramble of c.lwsp/c.swsp: offset[7:6] to bits 0..1, offset[5:2] stays. */
export function spOffsetImm(offset: number): number {
  return ((offset & 0xc0) >> 6) | (offset & 0x3c);
}

// instructions the load-immediate sequence and the function exit use
export const encodeAddi = (rd: number, rs: number, imm: number): number => encodeI(0x13, 0, rd, rs, imm);
export const encodeLui = (rd: number, imm: number): number => encodeU(0x37, rd, imm);
export const encodeAuipc = (rd: number, imm: number): number => encodeU(0x17, rd, imm);
export const encodeCLi = (rd: number, imm: number): number => encodeCI(1, 2, rd, imm);
export const encodeCLui = (rd: number, imm: number): number => encodeCI(1, 3, rd, imm >> 12);
export const encodeCAddi = (rd: number, imm: number): number => encodeCI(1, 0, rd, imm);
export const encodeCJr = (rs: number): number => encodeCR(2, 8, rs, 0);

/** Whether the low 32 bits of `x` are a `bits`-bit two's complement number. */
export function fitsSigned(x: number, bits: number): boolean {
  const hi = (x | 0) >> (bits - 1);
  return hi === 0 || hi === -1;
}

// --- the assembler ---------------------------------------------------------------

/** (the same limit as the other inline assemblers: what is left of the reference's 2 MiB heap) */
const CODE_SIZE_LIMIT = 2_078_368;

export class Rv32Assembler {
  private emitting = false;
  codeOffset = 0;
  private code = new Uint8Array(0);
  private labels = new Map<number, number>();

  get isEmitPass(): boolean {
    return this.emitting;
  }

  startPass(emit: boolean): void {
    if (!emit) {
      this.labels.clear();
    } else {
      const size = this.codeOffset;
      if (size > CODE_SIZE_LIMIT) throw new CompileError('MemoryError', `memory allocation failed, allocating ${size} bytes`);
      // zeroed: align() gaps read as 0, as in the reference's GC heap
      this.code = new Uint8Array(size);
    }
    this.emitting = emit;
    this.codeOffset = 0;
  }

  getCode(): Uint8Array {
    return this.code;
  }

  private reserve(n: number): number {
    const at = this.codeOffset;
    this.codeOffset += n;
    if (!this.emitting) return -1;
    if (this.codeOffset > this.code.length) throw new CompileError('RuntimeError', 'rv32 assembler: code size changed between passes');
    return at;
  }

  op16(op: number): void {
    const at = this.reserve(2);
    if (at >= 0) {
      this.code[at] = op & 0xff;
      this.code[at + 1] = (op >>> 8) & 0xff;
    }
  }

  op32(op: number): void {
    const at = this.reserve(4);
    if (at >= 0) {
      this.code[at] = op & 0xff;
      this.code[at + 1] = (op >>> 8) & 0xff;
      this.code[at + 2] = (op >>> 16) & 0xff;
      this.code[at + 3] = (op >>> 24) & 0xff;
    }
  }

  labelAssign(label: number): void {
    if (!this.emitting) this.labels.set(label, this.codeOffset);
    else if (this.labels.get(label) !== this.codeOffset) throw new CompileError('RuntimeError', 'rv32 assembler: label moved between passes');
  }

  /**
   * Displacement from here to a label. A label not placed yet counts as
   * offset 0: the reference reads past its label table there, and finds 0.
   */
  labelDisplacement(label: number | undefined): number {
    return (label === undefined ? 0 : this.labels.get(label) ?? 0) - this.codeOffset;
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

  /**
   * Loads a 32-bit constant in as few bytes as the reference does: c.li for
   * 6 bits, addi for 12, else (c.)lui of the rounded upper part plus a
   * (c.)addi of the lower part when it is not 0.
   */
  loadImmediate(rd: number, value: number): void {
    if (fitsSigned(value, 6)) {
      this.op16(encodeCLi(rd, value));
      return;
    }
    if (fitsSigned(value, 12)) {
      this.op32(encodeAddi(rd, REG_ZERO, value));
      return;
    }
    const lower = value & 0xfff;
    // the lower part is added sign-extended: round the upper part up when its top bit is set
    const upper = ((value & 0xfffff000) + ((lower & 0x800) !== 0 ? 0x1000 : 0)) >>> 0;
    if (fitsSigned(upper, 17) && upper >>> 12 !== 0) this.op16(encodeCLui(rd, upper));
    else this.op32(encodeLui(rd, upper));
    if (lower === 0) return;
    if ((lower & ~0x1f) === 0) this.op16(encodeCAddi(rd, lower));
    else this.op32(encodeAddi(rd, rd, lower));
  }
}

// --- the native emitter's backend ------------------------------------------------------
// The RV32 forms behind the generic ASM_* operations (py/asmrv32.c), for
// @micropython.native / viper. Registers: a0..a3 arguments (a0 the result),
// t1..t3 temporaries, s3/s2/s4 the callee-saved locals, s1 the function table.


export const RV32_EXT_ZBA = 1;
export const RV32_EXT_ZCMP = 2;

const RV_T1 = 6;
const RV_T2 = 7;
const RV_S0 = 8;
const RV_S1 = 9;
const RV_A0 = 10;
const RV_A1 = 11;
const RV_A2 = 12;
const RV_A3 = 13;
const RV_S2 = 18;
const RV_S3 = 19;
const RV_S4 = 20;
const RV_T3 = 28;

export const RV32_TARGET_INFO: NativeTargetInfo = {
  regs: {
    RET: RV_A0,
    ARG_1: RV_A0,
    ARG_2: RV_A1,
    ARG_3: RV_A2,
    ARG_4: RV_A3,
    TEMP0: RV_T1,
    TEMP1: RV_T2,
    TEMP2: RV_T3,
    LOCAL_1: RV_S3,
    LOCAL_2: RV_S2,
    LOCAL_3: RV_S4,
    FUN_TABLE: RV_S1,
  },
  wordSize: 4,
  nlrBufWords: 2 + 14 + 1, // RV32I nlr registers + pystack word
  nlrBufIdxLocal1: 6, // s3
  shiftCountReg: null,
  zeroReg: REG_ZERO,
};

/** x8..x15, the registers compressed instructions can name. */
const inCWindow = (r: number): boolean => r >= 8 && r <= 15;
/** Low 32 bits of `v` have no bits at or above `bits`. */
const fitU = (v: number, bits: number): boolean => ((v | 0) & ~((1 << bits) - 1)) === 0;
/** The low 32 bits of `v` are a sign-extended `bits`-bit number. */
const fitS = (v: number, bits: number): boolean => {
  const m = ~((1 << (bits - 1)) - 1);
  const x = (v | 0) & m;
  return x === 0 || x === m;
};

const encodeCmpp = (ft6: number, ft2: number, rlist: number, imm: number): number =>
  2 | ((ft6 & 0x3f) << 10) | ((ft2 & 3) << 8) | ((rlist & 0xf) << 4) | ((imm & 3) << 2);

const LABEL_UNSET = -1;

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) n++;
  return n;
}

export class Rv32NativeAssembler implements NativeAssembler {
  readonly nativeTarget = RV32_TARGET_INFO;
  codeOffset = 0;
  private emitting = false;
  private suppress = false;
  private code = new Uint8Array(0);
  private labels: number[] = [];
  /** registers to save on entry: grows with use and is never reset (as upstream: it spans passes and functions) */
  private savedMask = 0;
  private localsCount = 0;
  private stackSize = 0;
  private localsStackOffset = 0;

  constructor(private readonly extensions: number = 0) {}

  private get zba(): boolean {
    return (this.extensions & RV32_EXT_ZBA) !== 0;
  }

  private get zcmp(): boolean {
    return (this.extensions & RV32_EXT_ZCMP) !== 0;
  }

  startNativePass(emit: boolean): void {
    if (emit) this.code = new Uint8Array(this.codeOffset);
    else this.labels = [];
    this.emitting = emit;
    this.suppress = false;
    this.codeOffset = 0;
  }

  getCode(): Uint8Array {
    return this.code.subarray(0, this.codeOffset);
  }

  labelAssign(label: number): void {
    this.suppress = false;
    if (!this.emitting) this.labels[label] = this.codeOffset;
    else if (this.labels[label] !== this.codeOffset) {
      throw new CompileError('RuntimeError', 'native emitter: label moved between passes');
    }
  }

  suppressCode(): void {
    this.suppress = true;
  }

  private labelOffset(label: number): number {
    return this.labels[label] ?? LABEL_UNSET;
  }

  private claim(n: number): number {
    if (this.suppress) return -1;
    const at = this.codeOffset;
    this.codeOffset += n;
    return this.emitting ? at : -1;
  }

  private data(size: number, val: number): void {
    const at = this.claim(size);
    if (at >= 0) {
      for (let i = 0; i < size; i++) {
        this.code[at + i] = val & 0xff;
        val = Math.floor(val / 256);
      }
    }
  }

  private op16(op: number): void {
    this.data(2, op & 0xffff);
  }

  private op32(op: number): void {
    this.data(4, op >>> 0);
  }

  dataWord(val: number): void {
    this.data(4, val >>> 0);
  }

  dataByte(val: number): void {
    this.data(1, val & 0xff);
  }

  encodeUint(val: number): void {
    const groups: number[] = [];
    do {
      groups.push(val & 0x7f);
      val = Math.floor(val / 128);
    } while (val !== 0);
    for (let i = groups.length - 1; i >= 0; i--) this.data(1, groups[i]! | (i > 0 ? 0x80 : 0));
  }

  // --- immediates ---

  /** Upper part (may carry to 2^32, as on the reference's 64-bit host) and sign-adjusted lower 12 bits. */
  private split(value: number): { upper: number; lower: number } {
    const v = value >>> 0;
    const lower = v & 0xfff;
    let upper = v - lower;
    if ((lower & 0x800) !== 0) upper += 0x1000;
    return { upper, lower };
  }

  private loadUpper(rd: number, upper: number): void {
    const hi = Math.floor(upper / 4096);
    if (fitS(upper, 17) && hi !== 0) this.op16(encodeCI(1, 3, rd, hi));
    else this.op32(encodeLui(rd, upper));
  }

  private loadLower(rd: number, lower: number): void {
    if (lower === 0) return;
    if (fitS(lower, 6)) this.op16(encodeCAddi(rd, lower));
    else this.op32(encodeAddi(rd, rd, lower));
  }

  private loadFull(rd: number, value: number): void {
    const { upper, lower } = this.split(value);
    this.loadUpper(rd, upper);
    this.loadLower(rd, lower);
  }

  movRegImm(reg: number, imm: number): void {
    if (fitS(imm, 6)) this.op16(encodeCLi(reg, imm));
    else if (fitS(imm, 12)) this.op32(encodeAddi(reg, REG_ZERO, imm));
    else this.loadFull(reg, imm);
  }

  // --- frame ---

  private adjustStack(size: number): void {
    if (size === 0) return;
    if (fitS(size, 6)) this.op16(encodeCAddi(REG_SP, size));
    else if (fitS(size, 12)) this.op32(encodeAddi(REG_SP, REG_SP, size));
    else {
      this.loadFull(RV_T1, size);
      this.op16(encodeCR(2, 9, REG_SP, RV_T1));
    }
  }

  private zcmpLength(mask: number): number {
    const packed = ((mask & 2) >>> 1) | ((mask & 0x300) >>> 7) | ((mask & 0x0ffc0000) >>> 15);
    const length = 32 - Math.clz32(packed);
    return length === 12 ? 13 : length;
  }

  entry(numLocals: number): void {
    this.localsCount = numLocals;
    this.savedMask |= (1 << RV_S1) | (1 << RV_S3) | (1 << RV_S2) | (1 << RV_S4);
    const mask = this.savedMask;
    if (this.zcmp) {
      const len = this.zcmpLength(mask);
      const allocated = (len + 3) & ~3;
      const slack = allocated - len;
      let left = numLocals < slack ? 0 : numLocals - slack;
      const chunks = Math.min(3, Math.floor(left / 4));
      left -= chunks * 4;
      const size = left * 4;
      this.op16(encodeCmpp(0x2e, 0, Math.min(3 + len, 15), chunks));
      this.adjustStack(-size);
      this.stackSize = size | chunks;
    } else {
      const count = popcount(mask);
      this.stackSize = (count + numLocals) * 4;
      this.adjustStack(-this.stackSize);
      let offset = 0;
      for (let r = 0; r < 32; r++) {
        if ((mask & (1 << r)) !== 0) {
          this.op16(encodeCSS(2, 6, r, spOffsetImm(offset)));
          offset += 4;
        }
      }
      this.localsStackOffset = count * 4;
    }
  }

  exit(): void {
    const mask = this.savedMask;
    if (this.zcmp) {
      this.adjustStack(this.stackSize & ~3);
      this.op16(encodeCmpp(0x2f, 2, Math.min(3 + this.zcmpLength(mask), 15), this.stackSize & 3));
    } else {
      let offset = 0;
      for (let r = 0; r < 32; r++) {
        if ((mask & (1 << r)) !== 0) {
          this.op16(encodeCI(2, 2, r, spOffsetImm(offset)));
          offset += 4;
        }
      }
      this.adjustStack(this.stackSize);
      this.op16(encodeCJr(REG_RA));
    }
  }

  // --- jumps and calls ---

  /** Displacement to a label and whether a short (backward, known) form may be used. */
  private displacement(label: number): { disp: number; short: boolean } {
    const off = this.labelOffset(label);
    const disp = off - this.codeOffset;
    return { disp, short: off !== LABEL_UNSET && disp < 0 };
  }

  private longJumpTail(disp: number): void {
    const { upper, lower } = this.split(disp);
    this.op32(encodeAuipc(RV_T3, upper));
    this.op32(encodeI(0x67, 0, REG_ZERO, RV_T3, lower));
  }

  jump(label: number): void {
    const { disp, short } = this.displacement(label);
    if (short && fitS(disp, 12)) this.op16(encodeCJ(1, 5, disp));
    else this.longJumpTail(disp);
  }

  jumpIfRegEq(reg1: number, reg2: number, label: number): void {
    const { disp, short } = this.displacement(label);
    if (short && fitS(disp, 13)) {
      this.op32(encodeB(0x63, 0, reg1, reg2, disp));
      return;
    }
    this.op32(encodeB(0x63, 1, reg1, reg2, 12));
    this.longJumpTail(disp - 4);
  }

  jumpIfRegZero(reg: number, label: number, _boolTest: boolean): void {
    this.jumpIfRegEq(reg, REG_ZERO, label);
  }

  jumpIfRegNonzero(reg: number, label: number, _boolTest: boolean): void {
    let { disp, short } = this.displacement(label);
    if (short && fitS(disp, 8) && inCWindow(reg)) {
      this.op16(encodeCB(1, 7, reg - 8, cbBranchImm(disp)));
      return;
    }
    if (short && fitS(disp, 13)) {
      this.op32(encodeB(0x63, 1, reg, REG_ZERO, disp));
      return;
    }
    if (short && inCWindow(reg)) {
      this.op16(encodeCB(1, 6, reg - 8, cbBranchImm(10)));
      disp -= 2;
    } else {
      this.op32(encodeB(0x63, 0, reg, REG_ZERO, 12));
      disp -= 4;
    }
    this.longJumpTail(disp);
  }

  jumpReg(reg: number): void {
    this.op16(encodeCJr(reg));
  }

  callInd(funId: number): void {
    const offset = funId * 4;
    this.savedMask |= 1 << REG_RA;
    if (fitU(offset, 6)) {
      this.savedMask |= 1 << RV_S0;
      this.op16(encodeCL(0, 2, RV_S0 - 8, RV_S1 - 8, offset));
      this.op16(encodeCR(2, 9, RV_S0, 0));
      return;
    }
    if (fitU(offset, 11)) {
      this.op32(encodeI(0x03, 2, RV_T3, RV_S1, offset));
      this.op16(encodeCR(2, 9, RV_T3, 0));
      return;
    }
    const { upper, lower } = this.split(offset);
    this.loadUpper(RV_T3, upper);
    this.op16(encodeCR(2, 9, RV_T3, RV_S1));
    this.op32(encodeI(0x03, 2, RV_T3, RV_T3, lower));
    this.op16(encodeCR(2, 9, RV_T3, 0));
  }

  callIndVia(funId: number, _regTemp: number): void {
    this.callInd(funId);
  }

  // --- locals ---

  movLocalReg(localNum: number, reg: number): void {
    const offset = this.localsStackOffset + localNum * 4;
    if (fitU(offset >>> 2, 6)) this.op16(encodeCSS(2, 6, reg, spOffsetImm(offset)));
    else if (fitU(offset, 11)) this.op32(encodeS(0x23, 2, REG_SP, reg, offset));
    else {
      const { upper, lower } = this.split(offset);
      this.loadUpper(RV_T3, upper);
      this.op16(encodeCR(2, 9, RV_T3, REG_SP));
      this.op32(encodeS(0x23, 2, RV_T3, reg, lower));
    }
  }

  movRegLocal(reg: number, localNum: number): void {
    const offset = this.localsStackOffset + localNum * 4;
    if (fitU(offset >>> 2, 6)) this.op16(encodeCI(2, 2, reg, spOffsetImm(offset)));
    else if (fitU(offset, 11)) this.op32(encodeI(0x03, 2, reg, REG_SP, offset));
    else {
      const { upper, lower } = this.split(offset);
      this.loadUpper(reg, upper);
      this.op16(encodeCR(2, 9, reg, REG_SP));
      this.op32(encodeI(0x03, 2, reg, reg, lower));
    }
  }

  movRegLocalAddr(reg: number, localNum: number): void {
    const offset = this.localsStackOffset + localNum * 4;
    if (fitU(offset, 10) && offset !== 0 && inCWindow(reg)) this.op16(encodeCIW(0, 0, reg - 8, offset));
    else if (fitU(offset, 11)) this.op32(encodeAddi(reg, REG_SP, offset));
    else {
      this.loadFull(reg, offset);
      this.op16(encodeCR(2, 9, reg, REG_SP));
    }
  }

  movRegReg(regDest: number, regSrc: number): void {
    this.op16(encodeCR(2, 8, regDest, regSrc));
  }

  movRegPcrel(reg: number, label: number): void {
    const { upper, lower } = this.split(this.labelOffset(label) - this.codeOffset);
    this.op32(encodeAuipc(reg, upper));
    this.op32(encodeAddi(reg, reg, lower));
  }

  // --- arithmetic ---

  private rType(funct3: number, funct7: number, rd: number, rs1: number, rs2: number): void {
    this.op32(encodeR(0x33, funct3, funct7, rd, rs1, rs2));
  }

  notReg(reg: number): void {
    this.op32(encodeI(0x13, 4, reg, reg, -1));
  }

  negReg(reg: number): void {
    this.rType(0, 0x20, reg, REG_ZERO, reg);
  }

  lslRegReg(regDest: number, regShift: number): void {
    this.rType(1, 0, regDest, regDest, regShift);
  }

  lsrRegReg(regDest: number, regShift: number): void {
    this.rType(5, 0, regDest, regDest, regShift);
  }

  asrRegReg(regDest: number, regShift: number): void {
    this.rType(5, 0x20, regDest, regDest, regShift);
  }

  orRegReg(regDest: number, regSrc: number): void {
    this.rType(6, 0, regDest, regDest, regSrc);
  }

  xorRegReg(regDest: number, regSrc: number): void {
    if (regDest === regSrc) this.op16(encodeCLi(regDest, 0));
    else this.rType(4, 0, regDest, regDest, regSrc);
  }

  andRegReg(regDest: number, regSrc: number): void {
    this.rType(7, 0, regDest, regSrc, regDest);
  }

  addRegReg(regDest: number, regSrc: number): void {
    this.op16(encodeCR(2, 9, regDest, regSrc));
  }

  subRegReg(regDest: number, regSrc: number): void {
    this.rType(0, 0x20, regDest, regDest, regSrc);
  }

  mulRegReg(regDest: number, regSrc: number): void {
    this.rType(0, 1, regDest, regDest, regSrc);
  }

  clrReg(reg: number): void {
    this.xorRegReg(reg, reg);
  }

  // --- memory ---

  /** lbu/lhu/lw (size 0/1/2) rd, (offset << size)(rs) */
  private loadSized(rd: number, rs: number, offset: number, size: number): void {
    const scaled = (offset << size) | 0;
    if (scaled >= 0 && size === 2 && inCWindow(rd) && inCWindow(rs) && fitU(scaled, 6)) {
      this.op16(encodeCL(0, 2, rd - 8, rs - 8, scaled));
      return;
    }
    const funct3 = [4, 5, 2][size]!;
    if (fitS(scaled, 12)) {
      this.op32(encodeI(0x03, funct3, rd, rs, scaled));
      return;
    }
    const { upper, lower } = this.split(scaled);
    this.loadUpper(rd, upper);
    this.op16(encodeCR(2, 9, rd, rs));
    this.op32(encodeI(0x03, funct3, rd, rd, lower));
  }

  /** sb/sh/sw (size 0/1/2) rs2, (offset << size)(base) */
  private storeSized(val: number, base: number, offset: number, size: number): void {
    const scaled = (offset << size) | 0;
    if (scaled >= 0 && size === 2 && inCWindow(val) && inCWindow(base) && fitU(scaled, 6)) {
      this.op16(encodeCL(0, 6, val - 8, base - 8, scaled));
      return;
    }
    if (fitS(scaled, 12)) {
      this.op32(encodeS(0x23, size, base, val, scaled));
      return;
    }
    const { upper, lower } = this.split(scaled);
    this.loadUpper(RV_T3, upper);
    this.op16(encodeCR(2, 9, RV_T3, base));
    this.op32(encodeS(0x23, size, RV_T3, val, lower));
  }

  /** t3 = base + (index << size) */
  private scaledAddress(base: number, index: number, size: number): void {
    if (size > 0 && this.zba) this.rType(1 << size, 0x10, RV_T3, index, base);
    else if (size > 0) {
      this.op32(encodeI(0x13, 1, RV_T3, index, size & 0x1f));
      this.op16(encodeCR(2, 9, RV_T3, base));
    } else {
      this.rType(0, 0, RV_T3, base, index);
    }
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

  load8RegRegReg(regDest: number, regBase: number, regIndex: number): void {
    this.scaledAddress(regBase, regIndex, 0);
    this.loadSized(regDest, RV_T3, 0, 0);
  }

  load16RegRegReg(regDest: number, regBase: number, regIndex: number): void {
    this.scaledAddress(regBase, regIndex, 1);
    this.loadSized(regDest, RV_T3, 0, 1);
  }

  load32RegRegReg(regDest: number, regBase: number, regIndex: number): void {
    this.scaledAddress(regBase, regIndex, 2);
    this.loadSized(regDest, RV_T3, 0, 2);
  }

  store8RegRegReg(regVal: number, regBase: number, regIndex: number): void {
    this.scaledAddress(regBase, regIndex, 0);
    this.storeSized(regVal, RV_T3, 0, 0);
  }

  store16RegRegReg(regVal: number, regBase: number, regIndex: number): void {
    this.scaledAddress(regBase, regIndex, 1);
    this.storeSized(regVal, RV_T3, 0, 1);
  }

  store32RegRegReg(regVal: number, regBase: number, regIndex: number): void {
    this.scaledAddress(regBase, regIndex, 2);
    this.storeSized(regVal, RV_T3, 0, 2);
  }

  setRegFromCompare(regDest: number, regLhs: number, regRhs: number, compareOp: number): void {
    const unsigned = compareOp < 6;
    const lt = (a: number, b: number): void => this.rType(unsigned ? 3 : 2, 0, regDest, a, b);
    switch (compareOp % 6) {
      case 0: // <
        lt(regLhs, regRhs);
        break;
      case 1: // >
        lt(regRhs, regLhs);
        break;
      case 2: // ==
        this.rType(0, 0x20, regDest, regLhs, regRhs);
        this.op32(encodeI(0x13, 3, regDest, regDest, 1));
        break;
      case 3: // <=
        lt(regRhs, regLhs);
        this.op32(encodeI(0x13, 4, regDest, regDest, 1));
        break;
      case 4: // >=
        lt(regLhs, regRhs);
        this.op32(encodeI(0x13, 4, regDest, regDest, 1));
        break;
      default: // !=
        this.rType(0, 0x20, regDest, regRhs, regLhs);
        this.rType(3, 0, regDest, REG_ZERO, regDest);
    }
  }
}
