// ARM (A32, ARMv6) machine-code assembler for the native emitter: the
// instruction encodings the reference's ARM backend produces, plus the
// two-pass label bookkeeping (compute offsets, then emit) all native
// backends share.
import { ARM_TARGET_INFO, labelTableWith, type NativeAssembler } from './asm-native.ts';
import { CompileError } from './errors.ts';

export const R0 = 0;
export const R1 = 1;
export const R2 = 2;
export const R3 = 3;
export const R4 = 4;
export const R5 = 5;
export const R6 = 6;
export const R7 = 7;
export const R8 = 8;
export const SP = 13;
export const LR = 14;
export const PC = 15;

// condition codes, already shifted into bits 28..31
export const CC_EQ = 0x0 << 28;
export const CC_NE = 0x1 << 28;
export const CC_CS = 0x2 << 28;
export const CC_CC = 0x3 << 28;
export const CC_HI = 0x8 << 28;
export const CC_LS = 0x9 << 28;
export const CC_GE = 0xa << 28;
export const CC_LT = 0xb << 28;
export const CC_GT = 0xc << 28;
export const CC_LE = 0xd << 28;
export const CC_AL = 0xe << 28;

/** scratch register the assembler itself uses for large offsets */
const REG_TEMP = R8;
/** register holding the runtime's function table */
export const REG_FUN_TABLE = R7;

export enum AsmPass {
  Compute = 1,
  Emit = 2,
}

const LABEL_UNSET = -1;

export class ArmAssembler implements NativeAssembler {
  readonly nativeTarget = ARM_TARGET_INFO;
  pass: AsmPass = AsmPass.Compute;
  suppress = false;
  codeOffset = 0;
  private code = new Uint8Array(0);
  private codeSize = 0;
  private labels = new Int32Array(64);
  private pushReglist = 0;
  private stackAdjust = 0;

  startPass(pass: AsmPass): void {
    if (pass === AsmPass.Compute) {
      this.labels.fill(LABEL_UNSET);
    } else {
      this.codeSize = this.codeOffset;
      this.code = new Uint8Array(this.codeSize);
    }
    this.pass = pass;
    this.suppress = false;
    this.codeOffset = 0;
  }

  /** The finished machine code (valid after the emit pass). */
  getCode(): Uint8Array {
    return this.code.subarray(0, this.codeOffset);
  }

  private ensureLabel(label: number): void {
    this.labels = labelTableWith(this.labels, label, LABEL_UNSET);
  }

  labelAssign(label: number): void {
    this.ensureLabel(label);
    this.suppress = false;
    if (this.pass === AsmPass.Compute) {
      this.labels[label] = this.codeOffset;
    } else if (this.labels[label] !== this.codeOffset) {
      throw new CompileError('RuntimeError', 'native emitter: label moved between passes');
    }
  }

  labelOffset(label: number): number {
    this.ensureLabel(label);
    return this.labels[label]!;
  }

  suppressCode(): void {
    this.suppress = true;
  }

  /** Little-endian value of `size` bytes (the prelude and data words go through here). */
  data(size: number, val: number): void {
    if (this.suppress) return;
    if (this.pass === AsmPass.Emit) {
      for (let i = 0; i < size; i++) {
        this.code[this.codeOffset + i] = val & 0xff;
        val = Math.floor(val / 256);
      }
    }
    this.codeOffset += size;
  }

  /** Var-length unsigned (7 bits a byte, big-endian groups), as the prelude uses. */
  encodeUint(val: number): void {
    const bytes: number[] = [];
    do {
      bytes.push(val & 0x7f);
      val = Math.floor(val / 128);
    } while (val !== 0);
    for (let i = bytes.length - 1; i >= 0; i--) this.data(1, bytes[i]! | (i > 0 ? 0x80 : 0));
  }

  private word(op: number): void {
    if (this.suppress) return;
    if (this.pass === AsmPass.Emit) {
      const c = this.code;
      const at = this.codeOffset;
      c[at] = op & 0xff;
      c[at + 1] = (op >>> 8) & 0xff;
      c[at + 2] = (op >>> 16) & 0xff;
      c[at + 3] = (op >>> 24) & 0xff;
    }
    this.codeOffset += 4;
  }

  private al(op: number): void {
    this.word((op | CC_AL) >>> 0);
  }

  // --- function entry/exit ---------------------------------------------------

  entry(numLocals: number): void {
    this.stackAdjust = 0;
    // r1-r8 are saved (r1-r3 only to keep the stack 8-byte aligned)
    this.pushReglist = 0x1fe;
    if (numLocals > 3) {
      this.stackAdjust = numLocals * 4;
      if (numLocals & 1) this.stackAdjust += 4;
    }
    this.al(0x92d0000 | ((this.pushReglist | (1 << LR)) & 0xffff));
    if (this.stackAdjust > 0) {
      if (this.stackAdjust < 0x100) {
        this.al(0x2400000 | (SP << 16) | (SP << 12) | (this.stackAdjust & 0xff));
      } else {
        this.movRegImm(REG_TEMP, this.stackAdjust);
        this.al(0x0400000 | (SP << 16) | (SP << 12) | REG_TEMP);
      }
    }
  }

  exit(): void {
    if (this.stackAdjust > 0) {
      if (this.stackAdjust < 0x100) {
        this.al(0x2800000 | (SP << 16) | (SP << 12) | (this.stackAdjust & 0xff));
      } else {
        this.movRegImm(REG_TEMP, this.stackAdjust);
        this.al(0x0800000 | (SP << 16) | (SP << 12) | REG_TEMP);
      }
    }
    this.al(0x8bd0000 | ((this.pushReglist | (1 << PC)) & 0xffff));
  }

  // --- moves -------------------------------------------------------------------

  movRegReg(rd: number, rs: number): void {
    this.al(0x1a00000 | (rd << 12) | rs);
  }

  /** Literal word inline after the load, jumped over. */
  movRegI32(rd: number, imm: number): void {
    this.al(0x59f0000 | (rd << 12)); // ldr rd, [pc]
    this.al(0xa000000); // b over the literal
    this.word(imm >>> 0);
  }

  /** Shortest form the reference picks for an immediate. */
  movRegImm(rd: number, imm: number): void {
    imm |= 0;
    if ((imm & 0xff) === imm) {
      this.al(0x3a00000 | (rd << 12) | imm);
    } else if (imm < 0 && imm >= -256) {
      this.al(0x3e00000 | (rd << 12) | (~imm & 0xff));
    } else {
      this.movRegI32(rd, imm);
    }
  }

  movLocalReg(localNum: number, rd: number): void {
    this.al(0x58d0000 | (rd << 12) | (localNum << 2));
  }

  movRegLocal(rd: number, localNum: number): void {
    this.al(0x59d0000 | (rd << 12) | (localNum << 2));
  }

  movRegLocalAddr(rd: number, localNum: number): void {
    if (localNum >= 0x40) {
      this.movRegImm(REG_TEMP, localNum << 2);
      this.al(0x0800000 | (SP << 16) | (rd << 12) | REG_TEMP);
    } else {
      this.al(0x2800000 | (SP << 16) | (rd << 12) | ((localNum << 2) & 0xff));
    }
  }

  /** rd = address of label (pc-relative, literal offset jumped over). */
  movRegPcrel(rd: number, label: number): void {
    const dest = this.labelOffset(label);
    let rel = dest - this.codeOffset;
    rel -= 12 + 8;
    this.al(0x59f0000 | (rd << 12));
    this.al(0xa000000);
    this.word(rel >>> 0);
    this.addRegRegReg(rd, rd, PC);
  }

  setccReg(rd: number, cond: number): void {
    this.word((0x3a00000 | (rd << 12) | 1 | cond) >>> 0);
    this.word((0x3a00000 | (rd << 12) | 0 | (cond ^ (1 << 28))) >>> 0);
  }

  // --- arithmetic ----------------------------------------------------------------

  cmpRegI8(rd: number, imm: number): void {
    this.al(0x3500000 | (rd << 16) | (imm & 0xff));
  }

  cmpRegReg(rd: number, rn: number): void {
    this.al(0x1500000 | (rd << 16) | rn);
  }

  mvnRegReg(rd: number, rm: number): void {
    this.al(0x1e00000 | (rd << 12) | rm);
  }

  addRegRegReg(rd: number, rn: number, rm: number): void {
    this.al(0x0800000 | (rn << 16) | (rd << 12) | rm);
  }

  subRegRegReg(rd: number, rn: number, rm: number): void {
    this.al(0x0400000 | (rn << 16) | (rd << 12) | rm);
  }

  rsbRegRegImm(rd: number, rn: number, imm: number): void {
    this.al(0x2600000 | (rn << 16) | (rd << 12) | (imm & 0xff));
  }

  /** rd = rs * rm (operands swapped in the encoding: rd must differ from the Rm field) */
  mulRegRegReg(rd: number, rs: number, rm: number): void {
    this.al(0x0000090 | (rd << 16) | (rs << 8) | rm);
  }

  andRegRegReg(rd: number, rn: number, rm: number): void {
    this.al(0x0000000 | (rn << 16) | (rd << 12) | rm);
  }

  eorRegRegReg(rd: number, rn: number, rm: number): void {
    this.al(0x0200000 | (rn << 16) | (rd << 12) | rm);
  }

  orrRegRegReg(rd: number, rn: number, rm: number): void {
    this.al(0x1800000 | (rn << 16) | (rd << 12) | rm);
  }

  lslRegReg(rd: number, rs: number): void {
    this.al(0x1a00010 | (rd << 12) | (rs << 8) | rd);
  }

  lsrRegReg(rd: number, rs: number): void {
    this.al(0x1a00030 | (rd << 12) | (rs << 8) | rd);
  }

  asrRegReg(rd: number, rs: number): void {
    this.al(0x1a00050 | (rd << 12) | (rs << 8) | rd);
  }

  // --- memory ----------------------------------------------------------------------

  // offsets are unsigned in the reference: a negative one (viper p[-1]) takes the register form
  ldrRegRegOffset(rd: number, rn: number, byteOffset: number): void {
    if (byteOffset >>> 0 < 0x1000) {
      this.al(0x5900000 | (rn << 16) | (rd << 12) | byteOffset);
    } else {
      this.movRegImm(REG_TEMP, byteOffset);
      this.al(0x7900000 | (rn << 16) | (rd << 12) | REG_TEMP);
    }
  }

  ldrhRegRegOffset(rd: number, rn: number, byteOffset: number): void {
    if (byteOffset >>> 0 < 0x100) {
      this.al(0x1d000b0 | (rn << 16) | (rd << 12) | ((byteOffset & 0xf0) << 4) | (byteOffset & 0xf));
    } else {
      this.movRegImm(REG_TEMP, byteOffset);
      this.al(0x19000b0 | (rn << 16) | (rd << 12) | REG_TEMP);
    }
  }

  ldrbRegRegOffset(rd: number, rn: number, byteOffset: number): void {
    if (byteOffset >>> 0 < 0x1000) {
      this.al(0x5d00000 | (rn << 16) | (rd << 12) | byteOffset);
    } else {
      this.movRegImm(REG_TEMP, byteOffset);
      this.al(0x7d00000 | (rn << 16) | (rd << 12) | REG_TEMP);
    }
  }

  strRegRegOffset(rd: number, rm: number, byteOffset: number): void {
    if (byteOffset >>> 0 < 0x1000) {
      this.al(0x5800000 | (rm << 16) | (rd << 12) | byteOffset);
    } else {
      this.movRegImm(REG_TEMP, byteOffset);
      this.al(0x7800000 | (rm << 16) | (rd << 12) | REG_TEMP);
    }
  }

  strhRegRegOffset(rd: number, rn: number, byteOffset: number): void {
    if (byteOffset >>> 0 < 0x100) {
      this.al(0x1c000b0 | (rn << 16) | (rd << 12) | ((byteOffset & 0xf0) << 4) | (byteOffset & 0xf));
    } else {
      this.movRegImm(REG_TEMP, byteOffset);
      this.al(0x18000b0 | (rn << 16) | (rd << 12) | REG_TEMP);
    }
  }

  strbRegRegOffset(rd: number, rm: number, byteOffset: number): void {
    if (byteOffset >>> 0 < 0x1000) {
      this.al(0x5c00000 | (rm << 16) | (rd << 12) | byteOffset);
    } else {
      this.movRegImm(REG_TEMP, byteOffset);
      this.al(0x7c00000 | (rm << 16) | (rd << 12) | REG_TEMP);
    }
  }

  ldrRegRegReg(rd: number, rm: number, rn: number): void {
    this.al(0x7900100 | (rm << 16) | (rd << 12) | rn);
  }

  ldrhRegRegReg(rd: number, rm: number, rn: number): void {
    // no scaled index for halfwords: double the index into the scratch register
    this.al(0x1a00080 | (REG_TEMP << 12) | rn);
    this.al(0x19000b0 | (rm << 16) | (rd << 12) | REG_TEMP);
  }

  ldrbRegRegReg(rd: number, rm: number, rn: number): void {
    this.al(0x7d00000 | (rm << 16) | (rd << 12) | rn);
  }

  strRegRegReg(rd: number, rm: number, rn: number): void {
    this.al(0x7800100 | (rm << 16) | (rd << 12) | rn);
  }

  strhRegRegReg(rd: number, rm: number, rn: number): void {
    this.al(0x1a00080 | (REG_TEMP << 12) | rn);
    this.al(0x18000b0 | (rm << 16) | (rd << 12) | REG_TEMP);
  }

  strbRegRegReg(rd: number, rm: number, rn: number): void {
    this.al(0x7c00000 | (rm << 16) | (rd << 12) | rn);
  }

  // --- control flow ------------------------------------------------------------------

  bccLabel(cond: number, label: number): void {
    const dest = this.labelOffset(label);
    let rel = dest - this.codeOffset;
    rel -= 8; // PC reads 8 bytes ahead
    rel >>= 2;
    if (rel >= -0x800000 && rel < 0x800000) {
      this.word((cond | 0xa000000 | (rel & 0xffffff)) >>> 0);
    }
    // the reference prints a warning and emits nothing when the branch does not fit
  }

  bLabel(label: number): void {
    this.bccLabel(CC_AL, label);
  }

  /** Call through the function table (r7). */
  blInd(funId: number): void {
    this.al(0x1a00000 | (LR << 12) | PC); // mov lr, pc
    this.al(0x597f000 | (funId << 2)); // ldr pc, [r7, #fun_id*4]
  }

  bxReg(reg: number): void {
    this.al(0x012fff10 | reg);
  }

  // --- generic helpers used by the emitter ----------------------------------------------

  jumpIfRegZero(reg: number, label: number): void {
    this.cmpRegI8(reg, 0);
    this.bccLabel(CC_EQ, label);
  }

  jumpIfRegNonzero(reg: number, label: number): void {
    this.cmpRegI8(reg, 0);
    this.bccLabel(CC_NE, label);
  }

  jumpIfRegEq(reg1: number, reg2: number, label: number): void {
    this.cmpRegReg(reg1, reg2);
    this.bccLabel(CC_EQ, label);
  }

  clrReg(reg: number): void {
    this.eorRegRegReg(reg, reg, reg);
  }

  loadRegRegOffset(rd: number, base: number, wordOffset: number): void {
    this.ldrRegRegOffset(rd, base, 4 * wordOffset);
  }

  storeRegRegOffset(rv: number, base: number, wordOffset: number): void {
    this.strRegRegOffset(rv, base, 4 * wordOffset);
  }

  load32RegRegOffset(rd: number, base: number, dwordOffset: number): void {
    this.loadRegRegOffset(rd, base, dwordOffset);
  }

  store32RegRegOffset(rv: number, base: number, dwordOffset: number): void {
    this.storeRegRegOffset(rv, base, dwordOffset);
  }

  // --- the native emitter's generic operations (NativeAssembler) ---------------------------

  startNativePass(emit: boolean): void {
    this.startPass(emit ? AsmPass.Emit : AsmPass.Compute);
  }

  dataWord(val: number): void {
    this.data(4, val);
  }

  dataByte(val: number): void {
    this.data(1, val);
  }

  jump(label: number): void {
    this.bLabel(label);
  }

  jumpReg(reg: number): void {
    this.bxReg(reg);
  }

  callInd(funId: number): void {
    this.blInd(funId);
  }

  /** ARM calls through the table with `ldr pc`: no temporary register is needed. */
  callIndVia(funId: number, _regTemp: number): void {
    this.blInd(funId);
  }

  notReg(reg: number): void {
    this.mvnRegReg(reg, reg);
  }

  negReg(reg: number): void {
    this.rsbRegRegImm(reg, reg, 0);
  }

  orRegReg(rd: number, rs: number): void {
    this.orrRegRegReg(rd, rd, rs);
  }

  xorRegReg(rd: number, rs: number): void {
    this.eorRegRegReg(rd, rd, rs);
  }

  andRegReg(rd: number, rs: number): void {
    this.andRegRegReg(rd, rd, rs);
  }

  addRegReg(rd: number, rs: number): void {
    this.addRegRegReg(rd, rd, rs);
  }

  subRegReg(rd: number, rs: number): void {
    this.subRegRegReg(rd, rd, rs);
  }

  mulRegReg(rd: number, rs: number): void {
    this.mulRegRegReg(rd, rd, rs);
  }

  load8RegRegOffset(rd: number, base: number, byteOffset: number): void {
    this.ldrbRegRegOffset(rd, base, byteOffset);
  }

  load16RegRegOffset(rd: number, base: number, halfwordOffset: number): void {
    this.ldrhRegRegOffset(rd, base, 2 * halfwordOffset);
  }

  store8RegRegOffset(rs: number, base: number, byteOffset: number): void {
    this.strbRegRegOffset(rs, base, byteOffset);
  }

  store16RegRegOffset(rs: number, base: number, halfwordOffset: number): void {
    this.strhRegRegOffset(rs, base, 2 * halfwordOffset);
  }

  load8RegRegReg(rd: number, base: number, index: number): void {
    this.ldrbRegRegReg(rd, base, index);
  }

  load16RegRegReg(rd: number, base: number, index: number): void {
    this.ldrhRegRegReg(rd, base, index);
  }

  load32RegRegReg(rd: number, base: number, index: number): void {
    this.ldrRegRegReg(rd, base, index);
  }

  store8RegRegReg(rv: number, base: number, index: number): void {
    this.strbRegRegReg(rv, base, index);
  }

  store16RegRegReg(rv: number, base: number, index: number): void {
    this.strhRegRegReg(rv, base, index);
  }

  store32RegRegReg(rv: number, base: number, index: number): void {
    this.strRegRegReg(rv, base, index);
  }

  setRegFromCompare(rd: number, lhs: number, rhs: number, compareOp: number): void {
    this.cmpRegReg(lhs, rhs);
    this.setccReg(rd, COMPARE_CONDS[compareOp]!);
  }
}

/** ARM condition codes in COMPARE_OPS order (unsigned six, then signed six). */
const COMPARE_CONDS = [CC_CC, CC_HI, CC_EQ, CC_LS, CC_CS, CC_NE, CC_LT, CC_GT, CC_EQ, CC_LE, CC_GE, CC_NE];
