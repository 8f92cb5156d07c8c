// RISC-V RV32IMC machine-code assembler: the instruction formats of the
// reference's RV32 backend (py/asmrv32.h), its load-immediate sequence, and
// the compute/emit pass bookkeeping shared by MicroPython's assemblers.
//
// Encoders take operand values as plain numbers and use only their low bits
// (as the reference's macros mask them), returning the instruction word.
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
