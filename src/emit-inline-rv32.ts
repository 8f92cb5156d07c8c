// The inline RISC-V assembler (@micropython.asm_rv32 functions on
// -march=rv32imc), as the reference's py/emitinlinerv32.c: one table of
// instructions with the kind, accepted range and bit mask of each argument,
// its `offset(base)` addressing, and its error messages.
//
// Unlike the Thumb and Xtensa assemblers it stops an instruction at the
// first bad argument.
import {
  Rv32Assembler,
  cbBranchImm,
  encodeAddi,
  encodeAuipc,
  encodeB,
  encodeCA,
  encodeCB,
  encodeCI,
  encodeCIW,
  encodeCJ,
  encodeCJr,
  encodeCL,
  encodeCR,
  encodeCSS,
  encodeCsrI,
  encodeI,
  encodeJ,
  encodeR,
  encodeS,
  encodeU,
  spOffsetImm,
  REG_RA,
} from './asm-rv32.ts';
import { countRegisterParams, defineLabel, idName, parseNodeInt } from './emit-inline-thumb.ts';
import type { ParseNode, PnStruct } from './parsenode.ts';
import { Tok } from './tokens.ts';

export function inlineRv32ArchSupported(arch: string | undefined): boolean {
  return arch === 'rv32imc';
}

/** Optional extensions an instruction may need (-march-flags). */
export const RV32_EXT_ZBA = 1;

/** ABI names then x0..x31, as the reference looks them up. */
const REG_NAMES: ReadonlyMap<string, number> = new Map([
  ...['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7',
    's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'].map((n, i) => [n, i] as const),
  ...Array.from({ length: 32 }, (_, i) => [`x${i}`, i] as const),
]);

// which registers an argument accepts, as a bit per register number
const ANY_REG = 0xffffffff;
const NOT_X0 = 0xfffffffe;
const NOT_X0_X2 = 0xfffffffa; // c.lui: x2 would be c.addi16sp
const X8_TO_X15 = 0x0000ff00; // the registers compressed instructions can name

/** One argument of an instruction. */
type ArgSpec =
  | { readonly kind: 'reg'; readonly mask: number; readonly compressed: boolean }
  | { readonly kind: 'imm'; readonly mask: number; readonly shift: number; readonly unsigned: boolean; readonly nonZero: boolean }
  | { readonly kind: 'label'; readonly mask: number };

const reg = (mask = ANY_REG): ArgSpec => ({ kind: 'reg', mask, compressed: false });
/** a register of x8..x15, encoded as its 3-bit number */
const creg: ArgSpec = { kind: 'reg', mask: X8_TO_X15, compressed: true };
/** a signed immediate whose bits must lie within `mask` (sign bit: the mask's top bit) */
const simm = (mask: number, shift = 0): ArgSpec => ({ kind: 'imm', mask, shift, unsigned: false, nonZero: false });
const uimm = (mask: number, nonZero = false, shift = 0): ArgSpec => ({ kind: 'imm', mask, shift, unsigned: true, nonZero });
const label = (mask: number): ArgSpec => ({ kind: 'label', mask });

interface Rv32Op {
  readonly args: readonly ArgSpec[];
  /** the second argument is `offset(base)`: args[1] is the offset, args[2] the base register */
  readonly offsetBase?: boolean;
  readonly extension?: number;
  /** emits the instruction from the argument values (registers, immediates, label displacements) */
  readonly emit: (as: Rv32Assembler, v: readonly number[]) => void;
}

const word = (encode: (v: readonly number[]) => number) => (as: Rv32Assembler, v: readonly number[]): void => as.op32(encode(v));
const half = (encode: (v: readonly number[]) => number) => (as: Rv32Assembler, v: readonly number[]): void => as.op16(encode(v));

const R3 = [reg(), reg(), reg()];
const rType = (funct3: number, funct7: number, extension?: number): Rv32Op => ({ args: R3, extension, emit: word(([d, s1, s2]) => encodeR(0x33, funct3, funct7, d!, s1!, s2!)) });
const iAlu = (funct3: number): Rv32Op => ({ args: [reg(), reg(), simm(0xfff)], emit: word(([d, s, i]) => encodeI(0x13, funct3, d!, s!, i!)) });
const shiftImm = (funct3: number, high: number): Rv32Op => ({ args: [reg(), reg(), uimm(0x1f)], emit: word(([d, s, i]) => encodeI(0x13, funct3, d!, s!, (i! & 0x1f) | high)) });
const branch = (funct3: number): Rv32Op => ({ args: [reg(), reg(), label(0x1ffe)], emit: word(([a, b, off]) => encodeB(0x63, funct3, a!, b!, off!)) });
const csr = (funct3: number): Rv32Op => ({ args: [reg(), reg(), uimm(0xfff)], emit: word(([d, s, c]) => encodeI(0x73, funct3, d!, s!, c!)) });
const csrImm = (funct3: number): Rv32Op => ({ args: [reg(), uimm(0xfff), uimm(0x1f)], emit: word(([d, c, i]) => encodeCsrI(0x73, funct3, d!, c!, i!)) });
const load = (funct3: number): Rv32Op => ({ args: [reg(), simm(0xfff), reg()], offsetBase: true, emit: word(([d, off, base]) => encodeI(0x03, funct3, d!, base!, off!)) });
const store = (funct3: number): Rv32Op => ({ args: [reg(), simm(0xfff), reg()], offsetBase: true, emit: word(([src, off, base]) => encodeS(0x23, funct3, base!, src!, off!)) });
const cArith = (funct2: number): Rv32Op => ({ args: [creg, creg], emit: half(([d, s]) => encodeCA(1, 0x23, funct2, d!, s!)) });
/** c.srli/c.srai/c.andi: CB with the shift or immediate and a two-bit selector (bits 5..6 of the CB immediate) */
const cbImm = (select: number, spec: ArgSpec): Rv32Op => ({ args: [creg, spec], emit: half(([d, i]) => encodeCB(1, 4, d!, ((i! & 0x20) << 2) | (i! & 0x1f) | select)) });
const cBranch = (funct3: number): Rv32Op => ({ args: [creg, label(0x1fe)], emit: half(([s, off]) => encodeCB(1, funct3, s!, cbBranchImm(off!))) });
const cJump = (funct3: number): Rv32Op => ({ args: [label(0xffe)], emit: half(([off]) => encodeCJ(1, funct3, off!)) });
const fixed32 = (code: number): Rv32Op => ({ args: [], emit: (as) => as.op32(code) });
const fixed16 = (code: number): Rv32Op => ({ args: [], emit: (as) => as.op16(code) });

/** `la rd, label`: auipc + addi, always both (the size must not depend on the label). */
function loadAddress(as: Rv32Assembler, [rd, displacement]: readonly number[]): void {
  const lower = displacement! & 0xfff;
  // the addi adds its immediate sign-extended: round the auipc part up when bit 11 is set
  const upper = (displacement! & 0xfffff000) + ((lower & 0x800) !== 0 ? 0x1000 : 0);
  as.op32(encodeAuipc(rd!, upper));
  as.op32(encodeAddi(rd!, rd!, lower));
}

const OPS: ReadonlyMap<string, Rv32Op> = new Map<string, Rv32Op>([
  ['add', rType(0, 0)],
  ['addi', iAlu(0)],
  ['and_', rType(7, 0)],
  ['andi', iAlu(7)],
  ['auipc', { args: [reg(), simm(0xfffff000, 12)], emit: word(([d, i]) => encodeU(0x17, d!, i!)) }],
  ['beq', branch(0)],
  ['bge', branch(5)],
  ['bgeu', branch(7)],
  ['blt', branch(4)],
  ['bltu', branch(6)],
  ['bne', branch(1)],
  ['csrrc', csr(3)],
  ['csrrs', csr(2)],
  ['csrrw', csr(1)],
  ['csrrci', csrImm(7)],
  ['csrrsi', csrImm(6)],
  ['csrrwi', csrImm(5)],
  ['c_add', { args: [reg(NOT_X0), reg(NOT_X0)], emit: half(([d, s]) => encodeCR(2, 9, d!, s!)) }],
  ['c_addi', { args: [reg(NOT_X0), { kind: 'imm', mask: 0x3f, shift: 0, unsigned: false, nonZero: true }], emit: half(([d, i]) => encodeCI(1, 0, d!, i!)) }],
  // (the destination is checked to be x8..x15 but given whole; the format keeps its low 3 bits)
  ['c_addi4spn', { args: [reg(X8_TO_X15), uimm(0x3fc, true)], emit: half(([d, i]) => encodeCIW(0, 0, d!, i!)) }],
  ['c_and', cArith(3)],
  ['c_andi', cbImm(0x40, simm(0x3f))],
  ['c_beqz', cBranch(6)],
  ['c_bnez', cBranch(7)],
  ['c_ebreak', fixed16(0x9002)],
  ['c_j', cJump(5)],
  ['c_jal', cJump(1)],
  ['c_jalr', { args: [reg(NOT_X0)], emit: half(([s]) => encodeCR(2, 9, s!, 0)) }],
  ['c_jr', { args: [reg(NOT_X0)], emit: half(([s]) => encodeCR(2, 8, s!, 0)) }],
  ['c_li', { args: [reg(NOT_X0), simm(0x3f)], emit: half(([d, i]) => encodeCI(1, 2, d!, i!)) }],
  ['c_lui', { args: [reg(NOT_X0_X2), uimm(0x1f800, true, 12)], emit: half(([d, i]) => encodeCI(1, 3, d!, i! >>> 12)) }],
  ['c_lw', { args: [creg, simm(0x7c), creg], offsetBase: true, emit: half(([d, off, base]) => encodeCL(0, 2, d!, base!, off!)) }],
  ['c_lwsp', { args: [reg(NOT_X0), simm(0xfc)], emit: half(([d, off]) => encodeCI(2, 2, d!, spOffsetImm(off!))) }],
  ['c_mv', { args: [reg(NOT_X0), reg(NOT_X0)], emit: half(([d, s]) => encodeCR(2, 8, d!, s!)) }],
  ['c_nop', fixed16(0x0001)],
  ['c_or', cArith(2)],
  ['c_slli', { args: [reg(NOT_X0), uimm(0x1f)], emit: half(([d, i]) => encodeCI(2, 0, d!, i!)) }],
  ['c_srai', cbImm(0x20, uimm(0x1f))],
  ['c_srli', cbImm(0x00, uimm(0x1f))],
  ['c_sub', cArith(0)],
  ['c_sw', { args: [creg, simm(0x7c), creg], offsetBase: true, emit: half(([src, off, base]) => encodeCL(0, 6, src!, base!, off!)) }],
  ['c_swsp', { args: [reg(), simm(0xfc)], emit: half(([s, off]) => encodeCSS(2, 6, s!, spOffsetImm(off!))) }],
  ['c_xor', cArith(1)],
  ['div', rType(4, 1)],
  ['divu', rType(5, 1)],
  ['ebreak', fixed32(0x00100073)],
  ['ecall', fixed32(0x00000073)],
  ['jal', { args: [reg(), label(0x1ffffe)], emit: word(([d, off]) => encodeJ(0x6f, d!, off!)) }],
  ['jalr', { args: [reg(), reg(), simm(0xfff)], emit: word(([d, s, i]) => encodeI(0x67, 0, d!, s!, i!)) }],
  ['la', { args: [reg(), label(0xffffffff)], emit: loadAddress }],
  ['lb', load(0)],
  ['lbu', load(4)],
  ['lh', load(1)],
  ['lhu', load(5)],
  ['li', { args: [reg(), simm(0xffffffff)], emit: (as, [d, i]) => as.loadImmediate(d!, i!) }],
  ['lui', { args: [reg(), simm(0xfffff000, 12)], emit: word(([d, i]) => encodeU(0x37, d!, i!)) }],
  ['lw', load(2)],
  // mv is c.mv without its register checks
  ['mv', { args: [reg(), reg()], emit: half(([d, s]) => encodeCR(2, 8, d!, s!)) }],
  ['mul', rType(0, 1)],
  ['mulh', rType(1, 1)],
  ['mulhsu', rType(2, 1)],
  ['mulhu', rType(3, 1)],
  ['or_', rType(6, 0)],
  ['ori', iAlu(6)],
  ['rem', rType(6, 1)],
  ['remu', rType(7, 1)],
  ['sb', store(0)],
  ['sh', store(1)],
  ['sh1add', rType(2, 0x10, RV32_EXT_ZBA)],
  ['sh2add', rType(4, 0x10, RV32_EXT_ZBA)],
  ['sh3add', rType(6, 0x10, RV32_EXT_ZBA)],
  ['sll', rType(1, 0)],
  ['slli', shiftImm(1, 0)],
  ['slt', rType(2, 0)],
  ['slti', iAlu(2)],
  ['sltiu', iAlu(3)],
  ['sltu', rType(3, 0)],
  ['sra', rType(5, 0x20)],
  ['srai', shiftImm(5, 0x400)],
  ['srl', rType(5, 0)],
  ['srli', shiftImm(5, 0)],
  ['sub', rType(0, 0x20)],
  ['sw', store(2)],
  ['xor', rType(4, 0)],
  ['xori', iAlu(4)],
]);

/**
 * Whether `value` (low 32 bits) is a signed number the contiguous `mask`
 * can hold: the mask's top bit is the sign bit, bits below its lowest set
 * bit must be 0. A mask reaching bit 31 takes anything.
 */
function fitsSignedMask(mask: number, value: number): boolean {
  const leadingZeros = Math.clz32(mask);
  if (leadingZeros === 0) return true;
  const positiveMask = ~(mask & ~(1 << (31 - leadingZeros)));
  if ((value & positiveMask) === 0) return true;
  let negativeMask = ~(mask >>> 1);
  const trailingZeros = 31 - Math.clz32(mask & -mask);
  if (trailingZeros > 0) {
    const trailingMask = (1 << trailingZeros) - 1;
    if ((value & trailingMask) !== 0) return false;
    negativeMask &= ~trailingMask;
  }
  return (value & negativeMask) === negativeMask;
}

/** Unsigned: the full 64-bit value (negative numbers included) must lie within the mask. */
function fitsUnsignedMask(mask: number, value64: bigint): boolean {
  return (value64 & ~BigInt(mask >>> 0)) === 0n;
}

function asRule(pn: ParseNode, rule: string): PnStruct | null {
  return pn !== null && pn.kind === 'rule' && pn.rule === rule ? pn : null;
}

export class InlineRv32Emitter {
  /** the pending error message (a SyntaxError), or null */
  error: string | null = null;
  private emitting = false;
  private readonly labelByName = new Map<string, number>();
  private readonly as = new Rv32Assembler();

  /** `extensions`: the optional instruction sets allowed (-march-flags), RV32_EXT_* bits */
  constructor(arch: string, private readonly extensions = 0) {
    if (!inlineRv32ArchSupported(arch)) throw new Error(`no RV32 inline assembler for ${arch}`);
  }

  startPass(emit: boolean): void {
    this.error = null;
    this.emitting = emit;
    if (!emit) this.labelByName.clear();
    this.as.startPass(emit);
  }

  /** The function is the body alone, ended by `c.jr ra`. */
  endPass(): void {
    this.as.op16(encodeCJr(REG_RA));
  }

  getCode(): Uint8Array {
    return this.as.getCode();
  }

  /** Parameters must be a0, a1, ... (or x10, ...) in order, at most four. */
  countParams(params: readonly ParseNode[]): number {
    const { count, error } = countRegisterParams(
      params,
      (name, i) => REG_NAMES.get(name ?? '') === 10 + i,
      'can only have up to 4 parameters for RV32 assembly',
      'parameters must be registers in sequence a0 to a3',
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

  op(op: string, args: readonly ParseNode[]): void {
    const entry = OPS.get(op);
    if (entry === undefined || (entry.extension !== undefined && (this.extensions & entry.extension) === 0)) {
      this.error = `invalid RV32 instruction '${op}'`;
      return;
    }
    const argCount = entry.offsetBase ? 2 : entry.args.length;
    if (args.length !== argCount) {
      this.error = `opcode '${op}': expecting ${argCount} arguments`;
      return;
    }
    const values: number[] = [];
    if (argCount >= 1 && !this.argument(op, entry, args[0]!, 0, values)) return;
    if (entry.offsetBase) {
      if (!this.offsetBase(op, entry, args[1]!, values)) return;
    } else {
      for (let i = 1; i < argCount; i++) if (!this.argument(op, entry, args[i]!, i, values)) return;
    }
    entry.emit(this.as, values);
  }

  private fail(message: string): false {
    this.error = message;
    return false;
  }

  /** Reads argument `index` per its spec into values[index]; false (error recorded) if it is bad. */
  private argument(op: string, entry: Rv32Op, pn: ParseNode, index: number, values: number[]): boolean {
    const spec = entry.args[index]!;
    const n = index + 1;
    if (spec.kind === 'reg') {
      const r = REG_NAMES.get(idName(pn) ?? '');
      if (r === undefined) return this.fail(`opcode '${op}' argument ${n}: expecting register`);
      if (((spec.mask >>> r) & 1) === 0) return this.fail(`opcode '${op}' argument ${n}: unknown register`);
      values[index] = spec.compressed ? r - 8 : r;
      return true;
    }
    if (spec.kind === 'imm') {
      const v = parseNodeInt(pn);
      if (v === null) return this.fail(`opcode '${op}' argument ${n}: expecting integer`);
      // the reference shifts the truncated 64-bit value; unsigned checks see all 64 bits
      const value64 = BigInt.asUintN(64, BigInt.asIntN(64, v) << BigInt(spec.shift));
      const value = Number(BigInt.asUintN(32, value64));
      const inRange = spec.unsigned ? fitsUnsignedMask(spec.mask, value64) : fitsSignedMask(spec.mask, value);
      if (!inRange) return this.fail(`opcode '${op}' argument ${n}: out of range`);
      if (spec.nonZero && value64 === 0n) return this.fail(`opcode '${op}' argument ${n}: must not be zero`);
      values[index] = value;
      return true;
    }
    const name = idName(pn);
    if (name === null) return this.fail(`opcode '${op}' argument ${n}: expecting label`);
    const labelNum = this.labelByName.get(name);
    if (labelNum === undefined && this.emitting) return this.fail(`opcode '${op}' argument ${n}: undefined label '${name}'`);
    const displacement = this.as.labelDisplacement(labelNum) >>> 0;
    if (!fitsSignedMask(spec.mask, displacement)) return this.fail(`opcode '${op}' argument ${n}: out of range`);
    values[index] = displacement;
    return true;
  }

  /**
   * `offset(base)`, parsed as a call of the offset with the base as its
   * argument; a negative offset arrives as unary minus applied to that call.
   */
  private offsetBase(op: string, entry: Rv32Op, pn: ParseNode, values: number[]): boolean {
    const badShape = (): false => this.fail(`opcode '${op}' argument 2: expecting offset`);
    let call = asRule(pn, 'atom_expr_normal');
    let negative = false;
    const unary = asRule(pn, 'factor_2');
    if (unary !== null) {
      const sign = unary.args[0] ?? null;
      if (sign === null || sign.kind !== 'tok' || (sign.tok !== Tok.OpMinus && sign.tok !== Tok.OpPlus)) return badShape();
      negative = sign.tok === Tok.OpMinus;
      call = asRule(unary.args[1] ?? null, 'atom_expr_normal');
    }
    if (call === null) return badShape();

    if (negative) {
      const v = parseNodeInt(call.args[0] ?? null);
      if (v === null) return this.fail(`opcode '${op}' argument 2: expecting integer`);
      const spec = entry.args[1]!;
      const value64 = BigInt.asUintN(64, -BigInt.asIntN(64, v));
      const shift = spec.kind === 'imm' ? spec.shift : 0;
      const shifted64 = BigInt.asUintN(64, value64 << BigInt(shift));
      const shifted = Number(BigInt.asUintN(32, shifted64));
      const ok =
        spec.kind === 'imm' &&
        (spec.unsigned ? fitsUnsignedMask(spec.mask, shifted64) : fitsSignedMask(spec.mask, shifted)) &&
        !(spec.nonZero && shifted64 === 0n);
      if (!ok) return this.fail(`opcode '${op}' argument 2: out of range`);
      values[1] = Number(BigInt.asUintN(32, value64));
    } else if (!this.argument(op, entry, call.args[0] ?? null, 1, values)) {
      return false;
    }
    // the base register: the first node inside the trailer, whatever kind of trailer it is
    const trailer = call.args[1] ?? null;
    const inner = trailer !== null && trailer.kind === 'rule' ? (trailer.args[0] ?? null) : null;
    return this.argument(op, entry, inner, 2, values);
  }
}
