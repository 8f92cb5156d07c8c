// 32-bit x86 machine-code assembler for the native emitter: the forms the
// reference's x86 backend produces (cdecl: arguments on the stack, pushed by
// the caller, which also pops them), behind the NativeAssembler interface.
//
// Frame: ebp, ebx, esi, edi are pushed on entry, then esp is lowered by a
// word count with its low two bits set; local n lives at [esp + 4n] and the
// caller's arguments above the saved registers and return address. ebp holds
// the runtime's function table.
import type { NativeAssembler, NativeTargetInfo } from './asm-native.ts';
import { CompileError } from './errors.ts';
import { MOD_REG, X86FamilyAssembler, X64Cond, fitsI8 } from './asm-x64.ts';

export const EAX = 0;
export const ECX = 1;
export const EDX = 2;
export const EBX = 3;
export const ESP = 4;
export const EBP = 5;
export const ESI = 6;
export const EDI = 7;

export const X86_TARGET_INFO: NativeTargetInfo = {
  // the emitter's argument registers are staging registers: calls push them
  regs: {
    RET: EAX,
    ARG_1: EAX,
    ARG_2: ECX,
    ARG_3: EDX,
    ARG_4: EBX,
    TEMP0: EAX,
    TEMP1: ECX,
    TEMP2: EDX,
    LOCAL_1: EBX,
    LOCAL_2: ESI,
    LOCAL_3: EDI,
    FUN_TABLE: EBP,
  },
  wordSize: 4,
  nlrBufWords: 2 + 6 + 1,
  nlrBufIdxLocal1: 5, // ebx
  shiftCountReg: ECX,
};

/**
 * How many arguments each runtime function takes (indexed like the function
 * table): a call pushes that many of the argument registers.
 */
const FUN_ARG_COUNTS: readonly number[] = [
  0, 0, 0, // the three constants
  2, 2, 1, // convert obj->native, native->obj, swap globals
  1, 1, 0, 2, 3, 2, // load name, global, build class, attr, method, super method
  2, 2, 3, // store name, global, attr
  3, 1, 2, 3, // subscr, is_true, unary op, binary op
  2, 2, 1, 2, 2, 2, 3, // build tuple, list, map, set; store set, list append, store map
  3, 3, 3, 3, // make function, call function, call method, call method var
  2, 1, // getiter, iternext
  1, 0, 1, // nlr push, nlr pop, raise
  3, 2, 1, // import name, from, all
  3, 3, 3, // new slice, unpack sequence, unpack ex
  1, 1, 3, // delete name, delete global, new closure
  3, 4, // arg check, setup code state
  2, 2, 3, // floor divide, modulo, yield from
];

export class X86Assembler extends X86FamilyAssembler implements NativeAssembler {
  readonly nativeTarget = X86_TARGET_INFO;

  dataWord(val: number): void {
    this.data(4, val);
  }

  /** `op r/m32(dest), r32(src)` (src may be an opcode extension) */
  private rr32(dest: number, src: number, op: number): void {
    this.b2(op, MOD_REG | (src << 3) | dest);
  }

  pushR32(r: number): void {
    this.b1(0x50 | r);
  }

  popR32(r: number): void {
    this.b1(0x58 | r);
  }

  movR32R32(dest: number, src: number): void {
    this.rr32(dest, src, 0x89);
  }

  /** byte store; only eax..ebx have a low byte (4..7 name ah..bh) */
  movR8ToMem8(src: number, base: number, disp: number): void {
    this.b1(0x88);
    this.memOperand(src, base, disp);
  }

  movR16ToMem16(src: number, base: number, disp: number): void {
    this.b2(0x66, 0x89);
    this.memOperand(src, base, disp);
  }

  movR32ToMem32(src: number, base: number, disp: number): void {
    this.b1(0x89);
    this.memOperand(src, base, disp);
  }

  movzxMem8ToR32(base: number, disp: number, dest: number): void {
    this.b2(0x0f, 0xb6);
    this.memOperand(dest, base, disp);
  }

  movzxMem16ToR32(base: number, disp: number, dest: number): void {
    this.b2(0x0f, 0xb7);
    this.memOperand(dest, base, disp);
  }

  movMem32ToR32(base: number, disp: number, dest: number): void {
    this.b1(0x8b);
    this.memOperand(dest, base, disp);
  }

  leaR32(base: number, disp: number, dest: number): void {
    this.b1(0x8d);
    this.memOperand(dest, base, disp);
  }

  movI32ToR32(imm: number, dest: number): void {
    this.b1(0xb8 | dest);
    this.word32(imm);
  }

  addR32I32(dest: number, imm: number): void {
    if (fitsI8(imm)) {
      this.b2(0x83, MOD_REG | (0 << 3) | dest);
      this.b1(imm & 0xff);
    } else {
      this.b2(0x81, MOD_REG | (0 << 3) | dest);
      this.word32(imm);
    }
  }

  subR32I32(dest: number, imm: number): void {
    if (fitsI8(imm)) {
      this.b2(0x83, MOD_REG | (5 << 3) | dest);
      this.b1(imm & 0xff);
    } else {
      this.b2(0x81, MOD_REG | (5 << 3) | dest);
      this.word32(imm);
    }
  }

  /** cmp b, a: flags from b - a (the reference's operand order) */
  cmpR32WithR32(a: number, b: number): void {
    this.rr32(b, a, 0x39);
  }

  testR32WithR32(a: number, b: number): void {
    this.rr32(b, a, 0x85);
  }

  // --- NativeAssembler ------------------------------------------------------------------

  entry(numLocals: number): void {
    this.pushR32(EBP);
    this.pushR32(EBX);
    this.pushR32(ESI);
    this.pushR32(EDI);
    // with the 4 pushes and the return address, keeps esp 16-byte aligned
    this.numLocals = numLocals | 3;
    this.subR32I32(ESP, this.numLocals * 4);
  }

  exit(): void {
    this.subR32I32(ESP, -this.numLocals * 4);
    this.popR32(EDI);
    this.popR32(ESI);
    this.popR32(EBX);
    this.popR32(EBP);
    this.b1(0xc3);
  }

  /** The caller's argument `argNum` (above the locals, the saved registers and the return address). */
  movArgToReg(argNum: number, reg: number): void {
    this.movMem32ToR32(ESP, (this.numLocals + 4 + 1 + argNum) * 4, reg);
  }

  jumpIfRegZero(reg: number, label: number, boolTest: boolean): void {
    if (boolTest) this.testR8WithR8(reg, reg);
    else this.testR32WithR32(reg, reg);
    this.jccLabel(X64Cond.E, label);
  }

  jumpIfRegNonzero(reg: number, label: number, boolTest: boolean): void {
    if (boolTest) this.testR8WithR8(reg, reg);
    else this.testR32WithR32(reg, reg);
    this.jccLabel(X64Cond.NE, label);
  }

  jumpIfRegEq(reg1: number, reg2: number, label: number): void {
    this.cmpR32WithR32(reg1, reg2);
    this.jccLabel(X64Cond.E, label);
  }

  /**
   * Pushes the function's arguments from the argument registers (last first),
   * padding so esp stays 16-byte aligned, calls [ebp + 4*funId] through eax
   * and pops the arguments again.
   */
  callInd(funId: number): void {
    const nArgs = FUN_ARG_COUNTS[funId];
    if (nArgs === undefined) {
      throw new CompileError('RuntimeError', `native emitter: no x86 argument count for runtime function ${funId}`);
    }
    const pad = ((nArgs + 3) & ~3) - nArgs;
    if (pad) this.subR32I32(ESP, pad * 4);
    if (nArgs > 3) this.pushR32(EBX);
    if (nArgs > 2) this.pushR32(EDX);
    if (nArgs > 1) this.pushR32(ECX);
    if (nArgs > 0) this.pushR32(EAX);
    this.movMem32ToR32(EBP, funId * 4, EAX);
    this.b2(0xff, MOD_REG | (2 << 3) | EAX);
    if (nArgs > 0) this.addR32I32(ESP, (nArgs + pad) * 4);
  }

  callIndVia(funId: number, _regTemp: number): void {
    this.callInd(funId);
  }

  movLocalReg(localNum: number, reg: number): void {
    this.movR32ToMem32(reg, ESP, localNum * 4);
  }

  movRegLocal(reg: number, localNum: number): void {
    this.movMem32ToR32(ESP, localNum * 4, reg);
  }

  movRegImm(reg: number, imm: number): void {
    this.movI32ToR32(imm | 0, reg);
  }

  movRegReg(regDest: number, regSrc: number): void {
    this.movR32R32(regDest, regSrc);
  }

  movRegLocalAddr(reg: number, localNum: number): void {
    if (localNum === 0) this.movR32R32(reg, ESP);
    else this.leaR32(ESP, localNum * 4, reg);
  }

  /** No pc-relative lea on x86: call the next instruction, pop the return address, add the distance. */
  movRegPcrel(reg: number, label: number): void {
    this.b1(0xe8);
    this.word32(0);
    const rel = this.labelOffset(label) - this.codeOffset;
    this.popR32(reg);
    this.b2(0x81, MOD_REG | (0 << 3) | reg);
    this.word32(rel);
  }

  notReg(reg: number): void {
    this.rr32(reg, 2, 0xf7);
  }

  negReg(reg: number): void {
    this.rr32(reg, 3, 0xf7);
  }

  private shiftByCl(regDest: number, regShift: number, ext: number): void {
    if (regShift !== ECX) throw new CompileError('RuntimeError', 'native emitter: x86 shifts count in cl');
    this.rr32(regDest, ext, 0xd3);
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
    this.rr32(regDest, regSrc, 0x09);
  }

  xorRegReg(regDest: number, regSrc: number): void {
    this.rr32(regDest, regSrc, 0x31);
  }

  andRegReg(regDest: number, regSrc: number): void {
    this.rr32(regDest, regSrc, 0x21);
  }

  addRegReg(regDest: number, regSrc: number): void {
    this.rr32(regDest, regSrc, 0x01);
  }

  subRegReg(regDest: number, regSrc: number): void {
    this.rr32(regDest, regSrc, 0x29);
  }

  /** imul r32, r/m32 */
  mulRegReg(regDest: number, regSrc: number): void {
    this.b3(0x0f, 0xaf, MOD_REG | (regDest << 3) | regSrc);
  }

  clrReg(reg: number): void {
    this.xorRegReg(reg, reg);
  }

  loadRegRegOffset(regDest: number, regBase: number, wordOffset: number): void {
    this.movMem32ToR32(regBase, 4 * wordOffset, regDest);
  }

  storeRegRegOffset(regSrc: number, regBase: number, wordOffset: number): void {
    this.movR32ToMem32(regSrc, regBase, 4 * wordOffset);
  }

  load32RegRegOffset(regDest: number, regBase: number, dwordOffset: number): void {
    this.loadRegRegOffset(regDest, regBase, dwordOffset);
  }

  store32RegRegOffset(regSrc: number, regBase: number, dwordOffset: number): void {
    this.storeRegRegOffset(regSrc, regBase, dwordOffset);
  }

  protected loadZeroExtended8(base: number, disp: number, dest: number): void {
    this.movzxMem8ToR32(base, disp, dest);
  }

  protected loadZeroExtended16(base: number, disp: number, dest: number): void {
    this.movzxMem16ToR32(base, disp, dest);
  }

  protected loadWord32(base: number, disp: number, dest: number): void {
    this.movMem32ToR32(base, disp, dest);
  }

  protected compareRegs(a: number, b: number): void {
    this.cmpR32WithR32(a, b);
  }
}
