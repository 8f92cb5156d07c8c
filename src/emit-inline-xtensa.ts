// The inline Xtensa assembler (@micropython.asm_xtensa functions on
// -march=xtensa and xtensawin), as the reference's py/emitinlinextensa.c:
// instruction names and argument shapes, and its error messages.
//
// Errors work like the reference's error slot: every failing argument
// overwrites the pending error and the instruction carries on, so the last
// failure of an instruction is the one reported.
import {
  XtensaAssembler,
  encodeL32iN,
  encodeMoviN,
  encodeRri8,
  encodeRrr,
  encodeRrrn,
  encodeS32iN,
} from './asm-xtensa.ts';
import { countRegisterParams, defineLabel, idName, parseNodeInt } from './emit-inline-thumb.ts';
import type { ParseNode } from './parsenode.ts';

export function inlineXtensaArchSupported(arch: string | undefined): boolean {
  return arch === 'xtensa' || arch === 'xtensawin';
}

const REG_NAMES: ReadonlyMap<string, number> = new Map(Array.from({ length: 16 }, (_, i) => [`a${i}`, i] as const));

/** An operand field of a table instruction: a fixed value, or the register given as argument 1, 2 or 3. */
type Field = number | { readonly arg: 0 | 1 | 2 };
const ARG1: Field = { arg: 0 };
const ARG2: Field = { arg: 1 };
const ARG3: Field = { arg: 2 };

/**
 * The immediate of an RRI8 table instruction (always the third argument):
 * a signed byte, or an unsigned offset scaled down by 1, 2 or 4 bytes.
 */
type Rri8Imm = { readonly signed: true } | { readonly scaleShift: 0 | 1 | 2 };

interface TableOp {
  readonly args: number;
  readonly format: 'rrr' | 'rri8' | 'rrrn';
  readonly op0: number;
  readonly op1: number;
  readonly op2: number;
  readonly r: Field;
  readonly s: Field;
  readonly t: Field;
  readonly imm?: Rri8Imm;
}

const rrr = (args: number, op2: number, op1: number, r: Field, s: Field, t: Field): TableOp => ({ args, format: 'rrr', op0: 0, op1, op2, r, s, t });
const rrrn = (args: number, op0: number, r: Field, s: Field, t: Field): TableOp => ({ args, format: 'rrrn', op0, op1: 0, op2: 0, r, s, t });
const rri8 = (r: number, imm: Rri8Imm): TableOp => ({ args: 3, format: 'rri8', op0: 2, op1: 0, op2: 0, r, s: ARG2, t: ARG1, imm });

/** Instructions encoded straight from a field table (the reference's OPCODE_TABLE). */
const TABLE_OPS: ReadonlyMap<string, TableOp> = new Map([
  ['abs_', rrr(2, 6, 0, ARG1, 1, ARG2)],
  ['add', rrr(3, 8, 0, ARG1, ARG2, ARG3)],
  ['add_n', rrrn(3, 10, ARG1, ARG2, ARG3)],
  ['addi', rri8(12, { signed: true })],
  ['addx2', rrr(3, 9, 0, ARG1, ARG2, ARG3)],
  ['addx4', rrr(3, 10, 0, ARG1, ARG2, ARG3)],
  ['addx8', rrr(3, 11, 0, ARG1, ARG2, ARG3)],
  ['and_', rrr(3, 1, 0, ARG1, ARG2, ARG3)],
  ['callx0', rrr(1, 0, 0, 0, ARG1, 12)],
  ['jx', rrr(1, 0, 0, 0, ARG1, 10)],
  ['l16si', rri8(9, { scaleShift: 1 })],
  ['l16ui', rri8(1, { scaleShift: 1 })],
  ['l32i', rri8(2, { scaleShift: 2 })],
  ['l8ui', rri8(0, { scaleShift: 0 })],
  ['mov', rrrn(2, 13, 0, ARG2, ARG1)],
  ['mov_n', rrrn(2, 13, 0, ARG2, ARG1)],
  ['mull', rrr(3, 8, 2, ARG1, ARG2, ARG3)],
  ['neg', rrr(2, 6, 0, ARG1, 0, ARG2)],
  ['nop', rrr(0, 0, 0, 2, 0, 15)],
  ['nop_n', rrrn(0, 13, 15, 0, 3)],
  ['nsa', rrr(2, 4, 0, 14, ARG2, ARG1)],
  ['nsau', rrr(2, 4, 0, 15, ARG2, ARG1)],
  ['or_', rrr(3, 2, 0, ARG1, ARG2, ARG3)],
  ['ret', rrrn(0, 13, 15, 0, 0)],
  ['ret_n', rrrn(0, 13, 15, 0, 0)],
  ['s16i', rri8(5, { scaleShift: 1 })],
  ['s32i', rri8(6, { scaleShift: 2 })],
  ['s8i', rri8(4, { scaleShift: 0 })],
  ['sll', rrr(2, 10, 1, ARG1, ARG2, 0)],
  ['sra', rrr(2, 11, 1, ARG1, 0, ARG2)],
  ['src', rrr(3, 8, 1, ARG1, ARG2, ARG3)],
  ['srl', rrr(2, 9, 1, ARG1, 0, ARG2)],
  ['ssa8b', rrr(1, 4, 0, 3, ARG1, 0)],
  ['ssa8l', rrr(1, 4, 0, 2, ARG1, 0)],
  ['ssl', rrr(1, 4, 0, 1, ARG1, 0)],
  ['ssr', rrr(1, 4, 0, 0, ARG1, 0)],
  ['sub', rrr(3, 12, 0, ARG1, ARG2, ARG3)],
  ['subx2', rrr(3, 13, 0, ARG1, ARG2, ARG3)],
  ['subx4', rrr(3, 14, 0, ARG1, ARG2, ARG3)],
  ['subx8', rrr(3, 15, 0, ARG1, ARG2, ARG3)],
  ['xor', rrr(3, 3, 0, ARG1, ARG2, ARG3)],
]);

/** Two-register compare-and-branch instructions and their condition numbers. */
const BRANCH_CONDS: ReadonlyMap<string, number> = new Map([
  ['bnone', 0],
  ['beq', 1],
  ['blt', 2],
  ['bltu', 3],
  ['ball', 4],
  ['bbc', 5],
  ['bany', 8],
  ['bne', 9],
  ['bge', 10],
  ['bgeu', 11],
  ['bnall', 12],
  ['bbs', 13],
]);

/** Compare-with-zero branches; the _n spellings assemble to the same 24-bit branch. */
const BRANCH_ZERO_CONDS: ReadonlyMap<string, number> = new Map([
  ['beqz', 0],
  ['bnez', 1],
  ['bltz', 2],
  ['bgez', 3],
  ['beqz_n', 0],
  ['bnez_n', 1],
]);

export class InlineXtensaEmitter {
  /** the pending error message (a SyntaxError), or null */
  error: string | null = null;
  private emitting = false;
  /** label numbers by name, for the function being assembled */
  private readonly labelByName = new Map<string, number>();
  private readonly as: XtensaAssembler;

  constructor(arch: string) {
    if (!inlineXtensaArchSupported(arch)) throw new Error(`no Xtensa inline assembler for ${arch}`);
    this.as = new XtensaAssembler(arch === 'xtensawin');
  }

  startPass(emit: boolean): void {
    this.error = null;
    this.emitting = emit;
    // the emit pass keeps the names: branches may refer forward
    if (!emit) this.labelByName.clear();
    this.as.startPass(emit);
    this.as.entry(0);
  }

  endPass(): void {
    this.as.exit();
    this.as.endPass();
  }

  getCode(): Uint8Array {
    return this.as.getCode();
  }

  /** Parameters must be a2, a3, ... in order, at most four. */
  countParams(params: readonly ParseNode[]): number {
    const { count, error } = countRegisterParams(
      params,
      (name, i) => name === `a${2 + i}`,
      'can only have up to 4 parameters to Xtensa assembly',
      'parameters must be registers in sequence a2 to a5',
    );
    if (error !== null) this.error = error;
    return count;
  }

  label(labelNum: number, name: string): boolean {
    return defineLabel(this.labelByName, !this.emitting, labelNum, name, (n) => this.as.labelAssign(n));
  }

  align(align: bigint): void {
    this.as.align(align);
  }

  data(byteSize: bigint, value: bigint): void {
    this.as.data(Number(BigInt.asUintN(32, byteSize)), value);
  }

  // --- argument parsers (each records an error and returns 0 when the argument is bad) ----

  private fail(message: string): 0 {
    this.error = message;
    return 0;
  }

  private reg(op: string, pn: ParseNode): number {
    return REG_NAMES.get(idName(pn) ?? '') ?? this.fail(`'${op}' expects a register`);
  }

  /** An integer's low 32 bits (unsigned); checked against min..max unless they are equal. */
  private imm(op: string, pn: ParseNode, min: number, max: number): number {
    const v = parseNodeInt(pn);
    if (v === null) return this.fail(`'${op}' expects an integer`);
    const i = Number(BigInt.asUintN(32, v));
    if (min !== max && ((i | 0) < min || (i | 0) > max)) {
      return this.fail(`'${op}' integer ${i | 0} isn't within range ${min}..${max}`);
    }
    return i;
  }

  /** Label number of a label name; names not (yet) defined give label 0, an error only when emitting. */
  private labelArg(op: string, pn: ParseNode): number {
    const name = idName(pn);
    if (name === null) return this.fail(`'${op}' expects a label`);
    const n = this.labelByName.get(name);
    if (n !== undefined) return n;
    if (this.emitting) this.fail(`label '${name}' not defined`);
    return 0;
  }

  // --- instructions ----------------------------------------------------------------------

  op(op: string, args: readonly ParseNode[]): void {
    const n = args.length;
    const entry = TABLE_OPS.get(op);
    let known: boolean;
    if (entry !== undefined) known = entry.args === n && this.tableOp(op, entry, args);
    else if (n === 1) known = this.op1(op, args[0]!);
    else if (n === 2) known = this.op2(op, args[0]!, args[1]!);
    else if (n === 3) known = this.op3(op, args[0]!, args[1]!, args[2]!);
    else known = false;
    if (!known) this.error = `unsupported Xtensa instruction '${op}' with ${n} arguments`;
  }

  private tableOp(op: string, e: TableOp, args: readonly ParseNode[]): true {
    let code = ((fixed(e.r) << 12) | (fixed(e.s) << 8) | (fixed(e.t) << 4) | e.op0) >>> 0;
    if (e.format === 'rrr') {
      code |= (e.op2 << 20) | (e.op1 << 16);
    } else if (e.format === 'rri8' && e.imm !== undefined) {
      // the immediate is read before the registers (so a bad register is the error that stays)
      const shift = 'scaleShift' in e.imm ? e.imm.scaleShift : 0;
      const [min, max] = 'scaleShift' in e.imm ? [0, 0xff << shift] : [-128, 127];
      const imm = this.imm(op, args[2]!, min, max);
      code |= ((imm >>> shift) & 0xff) << 16;
    }
    // registers in r, s, t order
    if (typeof e.r !== 'number') code |= this.reg(op, args[e.r.arg]!) << 12;
    if (typeof e.s !== 'number') code |= this.reg(op, args[e.s.arg]!) << 8;
    if (typeof e.t !== 'number') code |= this.reg(op, args[e.t.arg]!) << 4;
    if (e.format === 'rrrn') this.as.op16(code & 0xffff);
    else this.as.op24(code >>> 0);
    return true;
  }

  private op1(op: string, a: ParseNode): boolean {
    const as = this.as;
    if (op === 'j') {
      as.jLabel(this.labelArg(op, a));
    } else if (op === 'ssai') {
      const sa = this.imm(op, a, 0, 31);
      as.op24(encodeRrr(0, 0, 4, 4, sa & 0xf, (sa >>> 4) & 1));
    } else if (op === 'call0') {
      as.call0(this.labelArg(op, a));
    } else {
      return false;
    }
    return true;
  }

  private op2(op: string, a: ParseNode, b: ParseNode): boolean {
    const as = this.as;
    // the first argument is read as a register whatever the instruction
    const r0 = this.reg(op, a);
    const zeroCond = BRANCH_ZERO_CONDS.get(op);
    if (zeroCond !== undefined) {
      as.bcczLabel(zeroCond, r0, this.labelArg(op, b));
    } else if (op === 'movi') {
      // any 32-bit value: always loaded from the literal table
      as.movRegI32(r0, this.imm(op, b, 0, 0));
    } else if (op === 'l32r') {
      as.l32rLabel(r0, this.labelArg(op, b));
    } else if (op === 'movi_n') {
      as.op16(encodeMoviN(r0, this.imm(op, b, -32, 95)));
    } else {
      return false;
    }
    return true;
  }

  private op3(op: string, a: ParseNode, b: ParseNode, c: ParseNode): boolean {
    const as = this.as;
    const cond = BRANCH_CONDS.get(op);
    if (cond !== undefined) {
      const r0 = this.reg(op, a);
      const r1 = this.reg(op, b);
      as.bccLabel(cond, r0, r1, this.labelArg(op, c));
    } else if (op === 'addi_n') {
      const r0 = this.reg(op, a);
      const r1 = this.reg(op, b);
      const imm4 = this.imm(op, c, -1, 15);
      // (the reference writes -1 for 0, over the register fields too)
      as.op16(encodeRrrn(11, r0, r1, imm4 !== 0 ? imm4 : -1));
    } else if (op === 'addmi') {
      const r0 = this.reg(op, a);
      const r1 = this.reg(op, b);
      const imm = this.imm(op, c, -128 * 256, 127 * 256);
      if ((imm & 0xff) !== 0) this.fail(`${imm | 0} is not a multiple of 256`);
      else as.op24(encodeRri8(2, 13, r1, r0, (imm >>> 8) & 0xff));
    } else if (op === 'bbci' || op === 'bbsi') {
      const r0 = this.reg(op, a);
      const bit = this.imm(op, b, 0, 31);
      const label = this.labelArg(op, c);
      as.bitBranch(r0, bit, label, op === 'bbci' ? 6 : 14);
    } else if (op === 'slli') {
      const r0 = this.reg(op, a);
      const r1 = this.reg(op, b);
      // the field holds 32 - shift
      const bits = 32 - this.imm(op, c, 1, 31);
      as.op24(encodeRrr(0, 1, (bits >>> 4) & 1, r0, r1, bits & 0xf));
    } else if (op === 'srai') {
      const r0 = this.reg(op, a);
      const r1 = this.reg(op, b);
      const bits = this.imm(op, c, 0, 31);
      as.op24(encodeRrr(0, 1, 2 | ((bits >>> 4) & 1), r0, bits & 0xf, r1));
    } else if (op === 'srli') {
      const r0 = this.reg(op, a);
      const r1 = this.reg(op, b);
      const bits = this.imm(op, c, 0, 15);
      as.op24(encodeRrr(0, 1, 4, r0, bits, r1));
    } else if (op === 'l32i_n' || op === 's32i_n') {
      const r0 = this.reg(op, a);
      const r1 = this.reg(op, b);
      const imm = this.imm(op, c, 0, 60);
      if ((imm & 3) !== 0) this.fail(`${imm | 0} is not a multiple of 4`);
      else as.op16(op === 'l32i_n' ? encodeL32iN(r0, r1, imm >>> 2) : encodeS32iN(r0, r1, imm >>> 2));
    } else {
      return false;
    }
    return true;
  }
}

function fixed(f: Field): number {
  return typeof f === 'number' ? f : 0;
}
