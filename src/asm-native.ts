// The assembler operations the native/viper emitter needs, at the level of the
// reference's generic ASM_* layer: each target (ARM state, Thumb) implements
// them with its own instruction sequences, so emit-native.ts stays target-free
// except for the few places the reference itself special-cases a target.
//
// Register numbers are the target's; each assembler names its register roles
// and the target facts the emitter's frame layout depends on in `target`.

/** Register roles, as the reference's REG_* names (asm<arch>.h). */
export interface NativeRegs {
  readonly RET: number;
  readonly ARG_1: number;
  readonly ARG_2: number;
  readonly ARG_3: number;
  readonly ARG_4: number;
  readonly TEMP0: number;
  readonly TEMP1: number;
  readonly TEMP2: number;
  /** callee-saved registers */
  readonly LOCAL_1: number;
  readonly LOCAL_2: number;
  readonly LOCAL_3: number;
  /** holds the runtime's function table */
  readonly FUN_TABLE: number;
}

/** What the emitter needs to know about a target beyond its instructions. */
export interface NativeTargetInfo {
  readonly regs: NativeRegs;
  /** bytes in a machine word (ASM_WORD_SIZE): 4, or 8 on x64 */
  readonly wordSize: 4 | 8;
  /** words in the target's nlr_buf_t as mpy-cross sizes it (2 + saved registers + 1) */
  readonly nlrBufWords: number;
  /** word index of REG_LOCAL_1 in nlr_buf_t (the exception-handler pc lives there) */
  readonly nlrBufIdxLocal1: number;
  /**
   * x86 family: variable shifts take their count in this register (CL), and
   * viper stores always pop the value into REG_ARG_3 (byte stores need a low
   * register); null elsewhere.
   */
  readonly shiftCountReg: number | null;
  /**
   * A register that always reads 0 (RISC-V x0): clearing a frame slot stores
   * it directly instead of clearing a temporary first. Absent elsewhere.
   */
  readonly zeroReg?: number;
  /**
   * Windowed Xtensa: where the function's own arguments arrive and its result
   * leaves (REG_PARENT_*), when they differ from the registers used to call
   * the runtime. Absent elsewhere (the same registers).
   */
  readonly parentRegs?: { readonly RET: number; readonly ARG_1: number; readonly ARG_2: number; readonly ARG_3: number; readonly ARG_4: number };
  /** Windowed Xtensa: every nlr push is followed by a setjmp call on the buffer (N_NLR_SETJMP). */
  readonly nlrSetjmp?: boolean;
}

/** ARM state and Thumb: r0 result/first argument, r0..r3 arguments, r4..r6 locals, r7 the function table. */
export const ARM_TARGET_INFO: NativeTargetInfo = {
  regs: {
    RET: 0,
    ARG_1: 0,
    ARG_2: 1,
    ARG_3: 2,
    ARG_4: 3,
    TEMP0: 0,
    TEMP1: 1,
    TEMP2: 2,
    LOCAL_1: 4,
    LOCAL_2: 5,
    LOCAL_3: 6,
    FUN_TABLE: 7,
  },
  wordSize: 4,
  nlrBufWords: 2 + 16 + 1, // ARM nlr registers (conservative: with FP regs) + pystack word
  nlrBufIdxLocal1: 3, // r4
  shiftCountReg: null,
};

export interface NativeAssembler {
  readonly nativeTarget: NativeTargetInfo;
  /** bytes produced so far in this pass */
  readonly codeOffset: number;

  /** A compute pass (measure, record labels) or the emit pass (write bytes). */
  startNativePass(emit: boolean): void;
  /** The finished machine code (valid after the emit pass). */
  getCode(): Uint8Array;
  labelAssign(label: number): void;
  /** End of a pass (ASM_END_PASS): Xtensa sizes its literal table from the pass just ended. */
  endNativePass?(): void;
  /** Drop the code that follows until the next label (dead code after a jump or raise). */
  suppressCode(): void;

  /** One machine word of data (little-endian, target.wordSize bytes). */
  dataWord(val: number): void;
  dataByte(val: number): void;
  /** Var-length unsigned integer, as the bytecode prelude encodes them. */
  encodeUint(val: number): void;

  /** Function entry reserving `numLocals` words of C stack (ASM_ENTRY). */
  entry(numLocals: number): void;
  exit(): void;
  /**
   * x86 only (arguments arrive on the stack): load the caller's argument
   * `argNum` into `reg`. Absent where arguments arrive in registers.
   */
  movArgToReg?(argNum: number, reg: number): void;

  jump(label: number): void;
  /** `boolTest`: the register holds a C bool (only its low byte is tested on x86) */
  jumpIfRegZero(reg: number, label: number, boolTest: boolean): void;
  jumpIfRegNonzero(reg: number, label: number, boolTest: boolean): void;
  jumpIfRegEq(reg1: number, reg2: number, label: number): void;
  jumpReg(reg: number): void;
  /** Call the runtime function `funId` of the function table (ASM_CALL_IND). */
  callInd(funId: number): void;
  /** The same call with the function pointer loaded into `regTemp` where the target needs one. */
  callIndVia(funId: number, regTemp: number): void;

  movLocalReg(localNum: number, reg: number): void;
  movRegImm(reg: number, imm: number): void;
  /** 64-bit targets only: an immediate beyond the range a number holds exactly. */
  movRegImm64?(reg: number, imm: bigint): void;
  movRegLocal(reg: number, localNum: number): void;
  movRegReg(regDest: number, regSrc: number): void;
  movRegLocalAddr(reg: number, localNum: number): void;
  /** reg = address of label (in Thumb code: with the Thumb bit set) */
  movRegPcrel(reg: number, label: number): void;

  /** Absent on Xtensa: the emitter xors with -1 instead (no ASM_NOT_REG there). */
  notReg?(reg: number): void;
  negReg(reg: number): void;
  lslRegReg(regDest: number, regShift: number): void;
  lsrRegReg(regDest: number, regShift: number): void;
  asrRegReg(regDest: number, regShift: number): void;
  orRegReg(regDest: number, regSrc: number): void;
  xorRegReg(regDest: number, regSrc: number): void;
  andRegReg(regDest: number, regSrc: number): void;
  addRegReg(regDest: number, regSrc: number): void;
  subRegReg(regDest: number, regSrc: number): void;
  mulRegReg(regDest: number, regSrc: number): void;
  clrReg(reg: number): void;

  /** regDest = machine word at base + wordSize*wordOffset (ASM_LOAD_REG_REG_OFFSET) */
  loadRegRegOffset(regDest: number, regBase: number, wordOffset: number): void;
  storeRegRegOffset(regSrc: number, regBase: number, wordOffset: number): void;
  /** 32-bit element at base + 4*offset, zero-extended (the machine word on 32-bit targets) */
  load32RegRegOffset(regDest: number, regBase: number, dwordOffset: number): void;
  store32RegRegOffset(regSrc: number, regBase: number, dwordOffset: number): void;
  load8RegRegOffset(regDest: number, regBase: number, byteOffset: number): void;
  load16RegRegOffset(regDest: number, regBase: number, halfwordOffset: number): void;
  store8RegRegOffset(regSrc: number, regBase: number, byteOffset: number): void;
  store16RegRegOffset(regSrc: number, regBase: number, halfwordOffset: number): void;
  /** element loads/stores at base + size*index, index in a register */
  load8RegRegReg(regDest: number, regBase: number, regIndex: number): void;
  load16RegRegReg(regDest: number, regBase: number, regIndex: number): void;
  load32RegRegReg(regDest: number, regBase: number, regIndex: number): void;
  store8RegRegReg(regVal: number, regBase: number, regIndex: number): void;
  store16RegRegReg(regVal: number, regBase: number, regIndex: number): void;
  store32RegRegReg(regVal: number, regBase: number, regIndex: number): void;

  /**
   * regDest = 1 if (regLhs OP regRhs) else 0, for the viper comparisons:
   * `compareOp` indexes COMPARE_OPS (unsigned <, >, ==, <=, >=, != then the signed six).
   */
  setRegFromCompare(regDest: number, regLhs: number, regRhs: number, compareOp: number): void;
}

/** The comparisons behind setRegFromCompare's index, as condition names. */
/**
 * A label table (offsets by label number) with a slot for `label`: the same
 * table, or a copy grown by doubling with the new slots `unset`. Assemblers
 * learn the label count only as labels appear.
 */
export function labelTableWith<T extends Int32Array | Float64Array>(table: T, label: number, unset: number): T {
  if (label < table.length) return table;
  let n = Math.max(1, table.length);
  while (n <= label) n *= 2;
  const grown = new (table.constructor as new (length: number) => T)(n);
  grown.fill(unset);
  grown.set(table);
  return grown;
}

export const COMPARE_OPS = ['lo', 'hi', 'eq', 'ls', 'hs', 'ne', 'lt', 'gt', 'eq', 'le', 'ge', 'ne'] as const;

/** Writes `val` as the prelude's var-length unsigned (7 bits a byte, most significant group first). */
export function encodeUintWith(val: number, dataByte: (b: number) => void): void {
  const groups: number[] = [];
  do {
    groups.push(val & 0x7f);
    val = Math.floor(val / 128);
  } while (val !== 0);
  for (let i = groups.length - 1; i >= 0; i--) dataByte(groups[i]! | (i > 0 ? 0x80 : 0));
}
