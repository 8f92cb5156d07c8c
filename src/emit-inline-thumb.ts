// The inline Thumb assembler (@micropython.asm_thumb functions), as the
// reference's py/emitinlinethumb.c: instruction names and argument shapes,
// the ARMv7-M and VFP gates (from -march), and its error messages.
//
// Errors work like the reference's error slot: every failing argument
// overwrites the pending error and the instruction carries on, so the last
// failure of an instruction is the one reported.
import {
  FORMAT_1_ASR,
  FORMAT_1_LSL,
  FORMAT_1_LSR,
  FORMAT_2_ADD,
  FORMAT_2_IMM_OPERAND,
  FORMAT_2_REG_OPERAND,
  FORMAT_2_SUB,
  FORMAT_3_ADD,
  FORMAT_3_CMP,
  FORMAT_3_MOV,
  FORMAT_3_SUB,
  FORMAT_4_ADC,
  FORMAT_4_AND,
  FORMAT_4_ASR,
  FORMAT_4_BIC,
  FORMAT_4_CMN,
  FORMAT_4_CMP,
  FORMAT_4_EOR,
  FORMAT_4_LSL,
  FORMAT_4_LSR,
  FORMAT_4_MUL,
  FORMAT_4_MVN,
  FORMAT_4_NEG,
  FORMAT_4_ORR,
  FORMAT_4_ROR,
  FORMAT_4_SBC,
  FORMAT_4_TST,
  FORMAT_9_BYTE_TRANSFER,
  FORMAT_9_LDR,
  FORMAT_9_STR,
  FORMAT_9_WORD_TRANSFER,
  FORMAT_10_LDRH,
  FORMAT_10_STRH,
  OP_CPSID_I,
  OP_CPSIE_I,
  OP_MOVT,
  OP_MOVW,
  OP_NOP,
  OP_WFI,
  REG_PC,
  ThumbAssembler,
  ThumbCond,
  ThumbPass,
  encodeFormat1,
  encodeFormat2,
  encodeFormat3,
  encodeFormat4,
  encodeFormat9_10,
  encodeIt,
  encodeMovRegI16,
  encodeMovRegReg,
} from './asm-thumb.ts';
import { CompileError } from './errors.ts';
import type { ParseNode } from './parsenode.ts';

/** -march values the Thumb inline assembler serves, and what each allows. */
const THUMB_ARCHS: Readonly<Record<string, { armv6: boolean; armv7m: boolean; float: boolean }>> = {
  armv6: { armv6: true, armv7m: false, float: false },
  armv6m: { armv6: false, armv7m: false, float: false },
  armv7m: { armv6: false, armv7m: true, float: false },
  armv7em: { armv6: false, armv7m: true, float: false },
  armv7emsp: { armv6: false, armv7m: true, float: true },
  armv7emdp: { armv6: false, armv7m: true, float: true },
};

/** Return type signatures of asm functions (MP_NATIVE_TYPE_*), by return annotation. */
export const ASM_TYPE_SIG_INT = 0x02;
export const ASM_RETURN_TYPE_SIGS: ReadonlyMap<string, number> = new Map([
  ['object', 0x00],
  ['bool', 0x01],
  ['int', ASM_TYPE_SIG_INT],
  ['uint', 0x03],
]);

export function inlineThumbArchSupported(arch: string | undefined): boolean {
  return arch !== undefined && Object.hasOwn(THUMB_ARCHS, arch);
}

/** Register names and numbers, in the reference's lookup order. */
const REG_NAMES: ReadonlyMap<string, number> = new Map([
  ...Array.from({ length: 16 }, (_, i) => [`r${i}`, i] as const),
  ['sl', 10],
  ['fp', 11],
  ['sp', 13],
  ['lr', 14],
  ['pc', 15],
]);

const SPECIAL_REG_NAMES: ReadonlyMap<string, number> = new Map([
  ['IPSR', 5],
  ['BASEPRI', 17],
]);

const COND_NAMES: ReadonlyMap<string, number> = new Map([
  ['eq', ThumbCond.EQ],
  ['ne', ThumbCond.NE],
  ['cs', ThumbCond.CS],
  ['cc', ThumbCond.CC],
  ['mi', ThumbCond.MI],
  ['pl', ThumbCond.PL],
  ['vs', ThumbCond.VS],
  ['vc', ThumbCond.VC],
  ['hi', ThumbCond.HI],
  ['ls', ThumbCond.LS],
  ['ge', ThumbCond.GE],
  ['lt', ThumbCond.LT],
  ['gt', ThumbCond.GT],
  ['le', ThumbCond.LE],
]);

/** Two-register ALU instructions (low registers only); `and` is spelt `and_` and handled apart. */
const FORMAT_4_OPS: ReadonlyMap<string, number> = new Map([
  ['eor', FORMAT_4_EOR],
  ['lsl', FORMAT_4_LSL],
  ['lsr', FORMAT_4_LSR],
  ['asr', FORMAT_4_ASR],
  ['adc', FORMAT_4_ADC],
  ['sbc', FORMAT_4_SBC],
  ['ror', FORMAT_4_ROR],
  ['tst', FORMAT_4_TST],
  ['neg', FORMAT_4_NEG],
  ['cmp', FORMAT_4_CMP],
  ['cmn', FORMAT_4_CMN],
  ['orr', FORMAT_4_ORR],
  ['mul', FORMAT_4_MUL],
  ['bic', FORMAT_4_BIC],
  ['mvn', FORMAT_4_MVN],
]);

/** Load/store with an immediate offset: opcode and the offset mask the operand must fit. */
const LOAD_STORE_OPS: ReadonlyMap<string, { op: number; offsetMask: number; shift: number }> = new Map([
  ['ldr', { op: FORMAT_9_LDR | FORMAT_9_WORD_TRANSFER, offsetMask: 0x7c, shift: 2 }],
  ['ldrb', { op: FORMAT_9_LDR | FORMAT_9_BYTE_TRANSFER, offsetMask: 0x1f, shift: 0 }],
  ['ldrh', { op: FORMAT_10_LDRH, offsetMask: 0x3e, shift: 1 }],
  ['str', { op: FORMAT_9_STR | FORMAT_9_WORD_TRANSFER, offsetMask: 0x7c, shift: 2 }],
  ['strb', { op: FORMAT_9_STR | FORMAT_9_BYTE_TRANSFER, offsetMask: 0x1f, shift: 0 }],
  ['strh', { op: FORMAT_10_STRH, offsetMask: 0x3e, shift: 1 }],
]);

/** Three-register VFP arithmetic: high nibble goes to the first halfword, low nibble to bits 4..7 of the second. */
const VFP_ARITH_OPS: ReadonlyMap<string, number> = new Map([
  ['vadd', 0x30],
  ['vsub', 0x34],
  ['vmul', 0x20],
  ['vdiv', 0x80],
]);

/** Two-register VFP instructions: first halfword, second halfword base. */
const VFP_TWO_REG_OPS: ReadonlyMap<string, readonly [number, number]> = new Map([
  ['vcmp', [0xeeb4, 0x0ac0]],
  ['vsqrt', [0xeeb1, 0x0ac0]],
  ['vneg', [0xeeb1, 0x0a40]],
  ['vcvt_f32_s32', [0xeeb8, 0x0ac0]], // int to float
  ['vcvt_s32_f32', [0xeebd, 0x0ac0]], // float to int
]);

// parse-node shapes the argument parsers accept
/** The name of an identifier node, or null for anything else (shared by the inline assemblers). */
export function idName(pn: ParseNode): string | null {
  return pn !== null && pn.kind === 'id' ? pn.name : null;
}

/**
 * Checks an inline-asm function's parameters, shared by the Thumb, Xtensa and RV32 assemblers:
 * at most four, each naming the argument register `isArgReg` accepts for its position.
 * Returns the count and null, or 0 and the error message to report.
 */
export function countRegisterParams(
  params: readonly ParseNode[],
  isArgReg: (name: string | null, index: number) => boolean,
  tooManyMessage: string,
  sequenceMessage: string,
): { count: number; error: string | null } {
  if (params.length > 4) return { count: 0, error: tooManyMessage };
  for (let i = 0; i < params.length; i++) {
    if (!isArgReg(idName(params[i]!), i)) return { count: 0, error: sequenceMessage };
  }
  return { count: params.length, error: null };
}

/**
 * Defines an inline-asm label, shared by the inline assemblers: false if `name` is already a label
 * of this function (detected in the code-size pass), otherwise records it and places it with `assign`.
 */
export function defineLabel(
  labelByName: Map<string, number>,
  sizingPass: boolean,
  labelNum: number,
  name: string,
  assign: (labelNum: number) => void,
): boolean {
  if (sizingPass && labelByName.has(name)) return false;
  labelByName.set(name, labelNum);
  assign(labelNum);
  return true;
}

function isRuleNode(pn: ParseNode, rule: string): pn is ParseNode & { kind: 'rule'; args: ParseNode[] } {
  return pn !== null && pn.kind === 'rule' && pn.rule === rule;
}

function listItems(pn: ParseNode, rule: string): ParseNode[] {
  if (pn === null) return [];
  if (pn.kind === 'rule' && pn.rule === rule) return pn.args;
  return [pn];
}

/** An integer argument: a small int or a folded big-int constant (not a float). */
export function parseNodeInt(pn: ParseNode): bigint | null {
  if (pn === null) return null;
  if (pn.kind === 'int') return pn.value;
  if (pn.kind === 'const' && pn.obj.kind === 'int') return pn.obj.value;
  return null;
}

/** What the reference's truncating int conversion gives: the low 64 bits, signed. */
function truncatedInt(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** movw/movt into pc: the reference stops on a failed assertion; fail cleanly instead. */
function refuseMovToPc(op: string, rd: number): void {
  if (rd === REG_PC) throw new CompileError('NotImplementedError', `inline assembler: '${op}' cannot load pc`);
}

export class InlineThumbEmitter {
  /** the pending error message (a SyntaxError), or null */
  error: string | null = null;
  private pass = ThumbPass.Compute;
  /** label numbers by name, for the function being assembled */
  private readonly labelByName = new Map<string, number>();
  private readonly as: ThumbAssembler;
  private readonly allowFloat: boolean;

  constructor(arch: string) {
    const features = THUMB_ARCHS[arch];
    if (features === undefined) throw new Error(`no Thumb inline assembler for ${arch}`);
    this.as = new ThumbAssembler({ armEntryTrampoline: features.armv6, armv7m: features.armv7m });
    this.allowFloat = features.float;
  }

  private get armv7m(): boolean {
    return this.as.allowArmv7m;
  }

  /** `emit`: false for the code-size pass (measures, records labels), true for the emit pass. */
  startPass(emit: boolean): void {
    this.error = null;
    this.pass = emit ? ThumbPass.Emit : ThumbPass.Compute;
    // the emit pass keeps the names: branches may refer forward
    if (!emit) this.labelByName.clear();
    this.as.startPass(this.pass);
    this.as.entry(0);
  }

  endPass(): void {
    this.as.exit();
  }

  /** The machine code of the last emit pass. */
  getCode(): Uint8Array {
    return this.as.getCode();
  }

  /** Parameters must be r0, r1, ... in order, at most four. */
  countParams(params: readonly ParseNode[]): number {
    const { count, error } = countRegisterParams(
      params,
      (name, i) => name === `r${i}`,
      'can only have up to 4 parameters to Thumb assembly',
      'parameters must be registers in sequence r0 to r3',
    );
    if (error !== null) this.error = error;
    return count;
  }

  /** Defines a label; false if the name is already a label of this function. */
  label(labelNum: number, name: string): boolean {
    return defineLabel(this.labelByName, this.pass === ThumbPass.Compute, labelNum, name, (n) => this.as.labelAssign(n));
  }

  align(align: bigint): void {
    this.as.align(align);
  }

  data(byteSize: bigint, value: bigint): void {
    this.as.data(Number(BigInt.asUintN(32, byteSize)), truncatedInt(value));
  }

  // --- argument parsers (each records an error and returns 0 when the argument is bad) ----

  private fail(message: string): 0 {
    this.error = message;
    return 0;
  }

  private reg(op: string, pn: ParseNode, maxReg: number): number {
    const r = REG_NAMES.get(idName(pn) ?? '');
    if (r === undefined) return this.fail(`'${op}' expects a register`);
    if (r > maxReg) return this.fail(`'${op}' expects at most r${maxReg}`);
    return r;
  }

  private specialReg(op: string, pn: ParseNode): number {
    const r = SPECIAL_REG_NAMES.get(idName(pn) ?? '');
    return r ?? this.fail(`'${op}' expects a special register`);
  }

  /** s0..s31 (digits only after the s; the number wraps as a 64-bit counter would). */
  private vfpReg(op: string, pn: ParseNode): number {
    const s = idName(pn) ?? '';
    if (s.length >= 2 && s[0] === 's') {
      let n = 0n;
      let digitsOnly = true;
      for (let i = 1; i < s.length; i++) {
        const d = s.charCodeAt(i) - 48;
        if (d < 0 || d > 9) {
          digitsOnly = false;
          break;
        }
        n = BigInt.asUintN(64, n * 10n + BigInt(d));
      }
      if (digitsOnly) {
        if (n > 31n) return this.fail(`'${op}' expects at most r31`);
        return Number(n);
      }
    }
    return this.fail(`'${op}' expects an FPU register`);
  }

  /** {rA, rB, ...} (a Python set display) as a bit mask. */
  private regList(op: string, pn: ParseNode): number {
    const bad = (): number => this.fail(`'${op}' expects {r0, r1, ...}`);
    if (!isRuleNode(pn, 'atom_brace')) return bad();
    const inner = pn.args[0] ?? null;
    if (inner !== null && inner.kind === 'id') return 1 << this.reg(op, inner, 15);
    if (!isRuleNode(inner, 'dictorsetmaker')) return bad();
    const tail = inner.args[1] ?? null;
    if (!isRuleNode(tail, 'dictorsetmaker_list')) return bad();
    let mask = 1 << this.reg(op, inner.args[0] ?? null, 15);
    for (const item of listItems(tail.args[0] ?? null, 'dictorsetmaker_list2')) mask |= 1 << this.reg(op, item, 15);
    return mask;
  }

  /** An integer that must fit `fitMask`; its low 32 bits. */
  private imm(op: string, pn: ParseNode, fitMask: number): number {
    const v = parseNodeInt(pn);
    if (v === null) return this.fail(`'${op}' expects an integer`);
    const i = Number(BigInt.asUintN(32, v));
    if ((i & ~fitMask) !== 0) {
      return this.fail(`'${op}' integer 0x${i.toString(16)} doesn't fit in mask 0x${(fitMask >>> 0).toString(16)}`);
    }
    return i;
  }

  /** [base, offset]: the two nodes, or null (error recorded). */
  private address(op: string, pn: ParseNode): [ParseNode, ParseNode] | null {
    if (isRuleNode(pn, 'atom_bracket')) {
      const inner = pn.args[0] ?? null;
      if (isRuleNode(inner, 'testlist_comp') && inner.args.length === 2) return [inner.args[0]!, inner.args[1]!];
    }
    this.fail(`'${op}' expects an address of the form [a, b]`);
    return null;
  }

  /** Label number of a label name; names not (yet) defined give 0, an error only when emitting. */
  private labelArg(op: string, pn: ParseNode): number {
    const name = idName(pn);
    if (name === null) return this.fail(`'${op}' expects a label`);
    const n = this.labelByName.get(name);
    if (n !== undefined) return n;
    if (this.pass === ThumbPass.Emit) this.fail(`label '${name}' not defined`);
    return 0;
  }

  // --- instructions ----------------------------------------------------------------------

  /** Assembles one instruction `op(args...)`. */
  op(op: string, args: readonly ParseNode[]): void {
    const n = args.length;
    let ok: boolean;
    if (this.allowFloat && op[0] === 'v') {
      ok = this.opFloat(op, args);
    } else if (n === 0) {
      ok = this.op0(op);
    } else if (n === 1) {
      ok = this.op1(op, args[0]!);
    } else if (n === 2) {
      ok = idName(args[1]!) !== null ? this.op2Reg(op, args[0]!, args[1]!) : this.op2Other(op, args[0]!, args[1]!);
    } else if (n === 3) {
      ok = this.op3(op, args[0]!, args[1]!, args[2]!);
    } else {
      ok = false;
    }
    if (!ok) this.error = `unsupported Thumb instruction '${op}' with ${n} arguments`;
  }

  private branchNotInRange(): true {
    this.error = 'branch not in range';
    return true;
  }

  private op0(op: string): boolean {
    if (op === 'nop') this.as.op16(OP_NOP);
    else if (op === 'wfi') this.as.op16(OP_WFI);
    else return false;
    return true;
  }

  private op1(op: string, a: ParseNode): boolean {
    const as = this.as;
    if (op === 'b') {
      if (!as.bNLabel(this.labelArg(op, a))) this.branchNotInRange();
    } else if (op === 'bl') {
      if (!as.blLabel(this.labelArg(op, a))) this.branchNotInRange();
    } else if (op === 'bx') {
      as.op16(0x4700 | (this.reg(op, a, 15) << 3));
    } else if (op[0] === 'b' && (op.length === 3 || (op.length === 5 && op[3] === '_' && (op[4] === 'n' || (this.armv7m && op[4] === 'w'))))) {
      // b<cc>, b<cc>_n (16-bit), b<cc>_w (32-bit, Thumb-2)
      const cond = COND_NAMES.get(op.slice(1, 3));
      if (cond === undefined) return false;
      const label = this.labelArg(op, a);
      if (!as.bccNwLabel(cond, label, op.length === 5 && op[4] === 'w')) this.branchNotInRange();
    } else if (this.armv7m && op.startsWith('it')) {
      // it, itt, ite, ittt, ... : up to three more t/e letters
      const cond = COND_NAMES.get(idName(a) ?? '');
      if (cond === undefined || op.length > 5) return false;
      let mask = 8;
      for (let i = op.length - 1; i >= 2; i--) {
        mask >>= 1;
        if (op[i] === 't') mask |= (cond & 1) << 3;
        else if (op[i] === 'e') mask |= (~cond & 1) << 3;
        else return false;
      }
      as.op16(encodeIt(cond, mask));
    } else if (op === 'cpsid') {
      as.op16(OP_CPSID_I); // the argument is not checked
    } else if (op === 'cpsie') {
      as.op16(OP_CPSIE_I);
    } else if (op === 'push') {
      const list = this.regList(op, a);
      if ((list & 0xbf00) === 0) {
        // low registers, optionally lr: the 16-bit form
        as.op16((list & (1 << 14)) === 0 ? 0xb400 | list : 0xb500 | (list & 0xff));
      } else {
        if (!this.armv7m) return false;
        as.op32(0xe92d, list);
      }
    } else if (op === 'pop') {
      const list = this.regList(op, a);
      if ((list & 0x7f00) === 0) {
        // low registers, optionally pc
        as.op16((list & (1 << 15)) === 0 ? 0xbc00 | list : 0xbd00 | (list & 0xff));
      } else {
        if (!this.armv7m) return false;
        as.op32(0xe8bd, list);
      }
    } else {
      return false;
    }
    return true;
  }

  /** Two arguments, the second an identifier (a register). */
  private op2Reg(op: string, a: ParseNode, b: ParseNode): boolean {
    const as = this.as;
    if (op === 'mov') {
      const rd = this.reg(op, a, 15);
      const rs = this.reg(op, b, 15);
      as.op16(encodeMovRegReg(rd, rs));
    } else if (this.armv7m && (op === 'clz' || op === 'rbit')) {
      const [hi, lo] = op === 'clz' ? [0xfab0, 0xf080] : [0xfa90, 0xf0a0];
      const rd = this.reg(op, a, 15);
      const rm = this.reg(op, b, 15);
      as.op32(hi | rm, lo | (rd << 8) | rm);
    } else if (this.armv7m && op === 'mrs') {
      const rd = this.reg(op, a, 12);
      const sr = this.specialReg(op, b);
      as.op32(0xf3ef, 0x8000 | (rd << 8) | sr);
    } else {
      const code = op === 'and_' ? FORMAT_4_AND : FORMAT_4_OPS.get(op);
      if (code === undefined) return false;
      const rd = this.reg(op, a, 7);
      const rs = this.reg(op, b, 7);
      as.op16(encodeFormat4(code, rd, rs));
    }
    return true;
  }

  /** Two arguments, the second not an identifier (an immediate or an address). */
  private op2Other(op: string, a: ParseNode, b: ParseNode): boolean {
    const as = this.as;
    const format3 = op === 'mov' ? FORMAT_3_MOV : op === 'cmp' ? FORMAT_3_CMP : op === 'add' ? FORMAT_3_ADD : op === 'sub' ? FORMAT_3_SUB : -1;
    if (format3 >= 0) {
      const rd = this.reg(op, a, 7);
      const i8 = this.imm(op, b, 0xff);
      as.op16(encodeFormat3(format3, rd, i8));
    } else if (this.armv7m && (op === 'movw' || op === 'movt')) {
      const rd = this.reg(op, a, 15);
      const i16 = this.imm(op, b, 0xffff);
      refuseMovToPc(op, rd);
      const [hi, lo] = encodeMovRegI16(op === 'movw' ? OP_MOVW : OP_MOVT, rd, i16);
      as.op32(hi, lo);
    } else if (this.armv7m && op === 'movwt') {
      // convenience: movw then movt of one 32-bit value
      const rd = this.reg(op, a, 15);
      const i32 = this.imm(op, b, 0xffffffff);
      refuseMovToPc(op, rd);
      const [wHi, wLo] = encodeMovRegI16(OP_MOVW, rd, i32 & 0xffff);
      as.op32(wHi, wLo);
      const [tHi, tLo] = encodeMovRegI16(OP_MOVT, rd, (i32 >>> 16) & 0xffff);
      as.op32(tHi, tLo);
    } else if (this.armv7m && op === 'ldrex') {
      const rd = this.reg(op, a, 15);
      const addr = this.address(op, b);
      if (addr !== null) {
        const rn = this.reg(op, addr[0], 15);
        const i8 = this.imm(op, addr[1], 0xff) >> 2;
        as.op32(0xe850 | rn, 0x0f00 | (rd << 12) | i8);
      }
    } else {
      const ls = LOAD_STORE_OPS.get(op);
      if (ls === undefined) return false;
      const rd = this.reg(op, a, 7);
      const addr = this.address(op, b);
      if (addr === null) return false;
      const rn = this.reg(op, addr[0], 7);
      const offset = this.imm(op, addr[1], ls.offsetMask) >> ls.shift;
      as.op16(encodeFormat9_10(ls.op, rd, rn, offset));
    }
    return true;
  }

  private op3(op: string, a: ParseNode, b: ParseNode, c: ParseNode): boolean {
    const as = this.as;
    if (op === 'lsl' || op === 'lsr' || op === 'asr') {
      const code = op === 'lsl' ? FORMAT_1_LSL : op === 'lsr' ? FORMAT_1_LSR : FORMAT_1_ASR;
      const rd = this.reg(op, a, 7);
      const rs = this.reg(op, b, 7);
      const i5 = this.imm(op, c, 0x1f);
      as.op16(encodeFormat1(code, rd, rs, i5));
    } else if (op === 'add' || op === 'sub') {
      let code = op === 'add' ? FORMAT_2_ADD : FORMAT_2_SUB;
      const rd = this.reg(op, a, 7);
      const rs = this.reg(op, b, 7);
      let srcB: number;
      if (idName(c) !== null) {
        code |= FORMAT_2_REG_OPERAND;
        srcB = this.reg(op, c, 7);
      } else {
        code |= FORMAT_2_IMM_OPERAND;
        srcB = this.imm(op, c, 0x7);
      }
      as.op16(encodeFormat2(code, rd, rs, srcB));
    } else if (this.armv7m && (op === 'sdiv' || op === 'udiv')) {
      const hi = op === 'sdiv' ? 0xfb90 : 0xfbb0;
      const rd = this.reg(op, a, 15);
      const rn = this.reg(op, b, 15);
      const rm = this.reg(op, c, 15);
      as.op32(hi | rn, 0xf0f0 | (rd << 8) | rm);
    } else if (this.armv7m && op === 'strex') {
      const rd = this.reg(op, a, 15);
      const rt = this.reg(op, b, 15);
      const addr = this.address(op, c);
      if (addr !== null) {
        const rn = this.reg(op, addr[0], 15);
        const i8 = this.imm(op, addr[1], 0xff) >> 2;
        as.op32(0xe840 | rn, (rt << 12) | (rd << 8) | i8);
      }
    } else {
      return false;
    }
    return true;
  }

  /** VFP (single precision) instructions; only for the armv7em sp/dp targets. */
  private opFloat(op: string, args: readonly ParseNode[]): boolean {
    const as = this.as;
    if (args.length === 2) {
      const [a, b] = args as [ParseNode, ParseNode];
      const twoReg = VFP_TWO_REG_OPS.get(op);
      if (twoReg !== undefined) {
        const vd = this.vfpReg(op, a);
        const vm = this.vfpReg(op, b);
        as.op32(twoReg[0] | ((vd & 1) << 6), twoReg[1] | ((vd & 0x1e) << 11) | ((vm & 1) << 5) | ((vm & 0x1e) >> 1));
      } else if (op === 'vmrs') {
        const rd = idName(a) === 'APSR_nzcv' ? 15 : this.reg(op, a, 15);
        if (idName(b) !== 'FPSCR') return false;
        as.op32(0xeef1, 0x0a10 | (rd << 12)); // FPSCR to a core register (or the flags)
      } else if (op === 'vmov') {
        let hi = 0xee00;
        let rArm: number;
        let vm: number;
        if ((idName(a) ?? '')[0] === 'r') {
          // core register <- FPU register
          rArm = this.reg(op, a, 15);
          vm = this.vfpReg(op, b);
          hi |= 0x10;
        } else {
          vm = this.vfpReg(op, a);
          rArm = this.reg(op, b, 15);
        }
        as.op32(hi | ((vm & 0x1e) >> 1), 0x0a10 | (rArm << 12) | ((vm & 1) << 7));
      } else if (op === 'vldr' || op === 'vstr') {
        const hi = op === 'vldr' ? 0xed90 : 0xed80;
        const vd = this.vfpReg(op, a);
        const addr = this.address(op, b);
        if (addr !== null) {
          const rn = this.reg(op, addr[0], 7);
          const i8 = this.imm(op, addr[1], 0x3fc) >> 2;
          as.op32(hi | rn | ((vd & 1) << 6), 0x0a00 | ((vd & 0x1e) << 11) | i8);
        }
      } else {
        return false;
      }
      return true;
    }
    if (args.length === 3) {
      const code = VFP_ARITH_OPS.get(op);
      if (code === undefined) return false;
      const hi = 0xee00 | (code & 0xf0);
      const lo = 0x0a00 | ((code & 0x0f) << 4);
      const vd = this.vfpReg(op, args[0]!);
      const vn = this.vfpReg(op, args[1]!);
      const vm = this.vfpReg(op, args[2]!);
      as.op32(hi | ((vd & 1) << 6) | (vn >> 1), lo | (vm >> 1) | ((vm & 1) << 5) | ((vd & 0x1e) << 11) | ((vn & 1) << 7));
      return true;
    }
    return false;
  }
}
