// Native and viper code emitter for ARMv6 (ARM state), the M-profile cores
// (Thumb), x64, x86, RV32IMC and Xtensa (call0 and windowed): the compiler drives it through the same operations
// as the bytecode emitter, and it produces machine code that calls into the
// runtime through its function table. The instructions come from a
// NativeAssembler (asm-native.ts) picked by -march.
// Values are tracked on a virtual stack (in a register, an immediate, or
// settled in the C-stack frame) so simple sequences avoid memory traffic;
// in viper mode every value also carries a native type.
import { ArmAssembler } from './asm-arm.ts';
import type { NativeAssembler, NativeRegs } from './asm-native.ts';
import { Rv32NativeAssembler } from './asm-rv32.ts';
import { ThumbNativeAssembler } from './asm-thumb.ts';
import { XtensaNativeAssembler } from './asm-xtensa.ts';
import { X64Assembler } from './asm-x64.ts';
import { X86Assembler } from './asm-x86.ts';
import { ITER_BUF_NSLOTS, ScopeFlag, encodePreludeSignature, encodePreludeSize } from './bytecode.ts';
import {
  AttrKind,
  BREAK_FROM_FOR,
  BuildKind,
  type BytecodeEmitter,
  IdOpGlobal,
  IdOpLocal,
  ImportKind,
  type ModuleTables,
  type MutableRawCode,
  Pass,
  SetupBlockKind,
  SubscrKind,
  YieldKind,
} from './emitter.ts';
import { CompileError, type CompileErrorKind } from './errors.ts';
import { FUN_TABLE_CONST, type ConstObj } from './objects.ts';
import { BinaryOp, UnaryOp } from './ops.ts';
import { ID_FLAG_IS_PARAM, IdKind, type Scope, ScopeKind } from './scope.ts';
import { Tok } from './tokens.ts';

/** What the compiler calls on an emitter (bytecode or native). */
export type Emitter = Omit<
  Pick<BytecodeEmitter, keyof BytecodeEmitter>,
  'loadLocal' | 'storeLocal' | 'deleteLocal' | 'popExceptJump' | 'setMaxNumLabels'
> & {
  loadLocal(localNum: number, kind: IdOpLocal, name?: string): void;
  storeLocal(localNum: number, kind: IdOpLocal, name?: string): void;
  deleteLocal(localNum: number, kind: IdOpLocal, name?: string): void;
  popExceptJump(label: number, withinExcHandler?: boolean): void;
};

// runtime function-table indices (nativeglue.h mp_fun_kind_t)
enum F {
  CONST_NONE_OBJ = 0,
  CONST_FALSE_OBJ,
  CONST_TRUE_OBJ,
  CONVERT_OBJ_TO_NATIVE,
  CONVERT_NATIVE_TO_OBJ,
  NATIVE_SWAP_GLOBALS,
  LOAD_NAME,
  LOAD_GLOBAL,
  LOAD_BUILD_CLASS,
  LOAD_ATTR,
  LOAD_METHOD,
  LOAD_SUPER_METHOD,
  STORE_NAME,
  STORE_GLOBAL,
  STORE_ATTR,
  OBJ_SUBSCR,
  OBJ_IS_TRUE,
  UNARY_OP,
  BINARY_OP,
  BUILD_TUPLE,
  BUILD_LIST,
  BUILD_MAP,
  BUILD_SET,
  STORE_SET,
  LIST_APPEND,
  STORE_MAP,
  MAKE_FUNCTION_FROM_PROTO_FUN,
  NATIVE_CALL_FUNCTION_N_KW,
  CALL_METHOD_N_KW,
  CALL_METHOD_N_KW_VAR,
  NATIVE_GETITER,
  NATIVE_ITERNEXT,
  NLR_PUSH,
  NLR_POP,
  NATIVE_RAISE,
  IMPORT_NAME,
  IMPORT_FROM,
  IMPORT_ALL,
  NEW_SLICE,
  UNPACK_SEQUENCE,
  UNPACK_EX,
  DELETE_NAME,
  DELETE_GLOBAL,
  NEW_CLOSURE,
  ARG_CHECK_NUM_SIG,
  SETUP_CODE_STATE,
  SMALL_INT_FLOOR_DIVIDE,
  SMALL_INT_MODULO,
  NATIVE_YIELD_FROM,
  SETJMP,
}

// value types: low nibble is the runtime's native type number
enum VT {
  PYOBJ = 0,
  BOOL = 1,
  INT = 2,
  UINT = 3,
  PTR = 4,
  PTR8 = 5,
  PTR16 = 6,
  PTR32 = 7,
  PTR_NONE = 0x50 | 4,
  UNBOUND = 0x60,
  BUILTIN_CAST = 0x70,
}

function vtypeName(vt: number): string {
  switch (vt) {
    case VT.PYOBJ:
      return 'object';
    case VT.BOOL:
      return 'bool';
    case VT.INT:
      return 'int';
    case VT.UINT:
      return 'uint';
    case VT.PTR:
      return 'ptr';
    case VT.PTR8:
      return 'ptr8';
    case VT.PTR16:
      return 'ptr16';
    case VT.PTR32:
      return 'ptr32';
    default:
      return 'None';
  }
}

/** Viper annotation names and their native types (runtime0.h MP_NATIVE_TYPE_*). */
export const NATIVE_TYPE_BY_NAME: ReadonlyMap<string, number> = new Map([
  ['object', 0],
  ['bool', 1],
  ['int', 2],
  ['uint', 3],
  ['ptr', 4],
  ['ptr8', 5],
  ['ptr16', 6],
  ['ptr32', 7],
]);

enum SK {
  VALUE,
  REG,
  IMM,
}

interface StackInfo {
  vtype: number;
  kind: SK;
  /** register number (REG) or immediate value (IMM) */
  data: number;
  /** an IMM beyond what a number holds exactly (64-bit targets): the exact value; data approximates it */
  wide?: bigint | undefined;
}

/** Immediates below this magnitude stay numbers: their object encoding 2n+1 is still exact. */
const EXACT_IMM_LIMIT = 2 ** 52;

const MAX_REGS_FOR_LOCAL_VARS = 2;

// target struct layouts, in words
const SIZEOF_CODE_STATE = 5;
const OFFSETOF_CODE_STATE_STATE = 5;
const OFFSETOF_CODE_STATE_FUN_BC = 0;
const OFFSETOF_CODE_STATE_IP = 1;
const OFFSETOF_CODE_STATE_SP = 2;
const OFFSETOF_CODE_STATE_N_STATE = 3;
const OFFSETOF_OBJ_FUN_BC_CONTEXT = 1;
const OFFSETOF_OBJ_FUN_BC_CHILD_TABLE = 2;
const OFFSETOF_MODULE_CONTEXT_QSTR_TABLE = 2;
const OFFSETOF_MODULE_CONTEXT_OBJ_TABLE = 3;
const OFFSETOF_MODULE_CONTEXT_GLOBALS = 1;
const NLR_BUF_IDX_RET_VAL = 1;

const LOCAL_IDX_EXC_VAL = NLR_BUF_IDX_RET_VAL;

const MP_OBJ_SENTINEL = 4;
const VM_RETURN_NORMAL = 0;
const VM_RETURN_YIELD = 1;
const VM_RETURN_EXCEPTION = 2;

const SCOPE_FLAG_REFGLOBALS = 0x10;
const SCOPE_FLAG_HASCONSTS = 0x20;
const SCOPE_FLAG_VIPERRET_POS = 6;
const ID_FLAG_VIPER_TYPE_POS = 4;

const UNWIND_LABEL_UNUSED = 0x7fff;
const UNWIND_LABEL_DO_FINAL_UNWIND = 0x7ffe;

interface ExcEntry {
  label: number;
  isFinally: boolean;
  unwindLabel: number;
  isActive: boolean;
}

/** A constant viper index (only its low 32 bits reach the instruction, as in the reference). */
function immIndex(s: StackInfo): number {
  return s.wide !== undefined ? Number(BigInt.asIntN(32, s.wide)) : s.data;
}

/** Raised where the reference's native emitter stops on a failed assertion. */
function unsupported(what: string): CompileError {
  return new CompileError('NotImplementedError', `native emitter: ${what}`);
}

/** -march values and whether the target is Thumb-only (M profile); ARMv6 runs ARM-state code. */
const THUMB_ARCHS: ReadonlySet<string> = new Set(['armv6m', 'armv7m', 'armv7em', 'armv7emsp', 'armv7emdp']);

/** The assembler for a -march value NativeEmitter.supportsArch accepts. */
function assemblerFor(arch: string, archFlags: number): NativeAssembler {
  if (THUMB_ARCHS.has(arch)) return new ThumbNativeAssembler({ armEntryTrampoline: false, armv7m: arch !== 'armv6m' });
  if (arch === 'x64') return new X64Assembler();
  if (arch === 'x86') return new X86Assembler();
  if (arch === 'rv32imc') return new Rv32NativeAssembler(archFlags);
  if (arch === 'xtensa' || arch === 'xtensawin') return new XtensaNativeAssembler(arch === 'xtensawin');
  return new ArmAssembler();
}

/** The target's register roles plus the ones the emitter derives from them (with .mpy saving on). */
interface EmitterRegs extends NativeRegs {
  readonly GENERATOR_STATE: number;
  readonly QSTR_TABLE: number;
  readonly LOCAL_LAST: number;
}

export class NativeEmitter implements Emitter {
  /** The -march values this emitter generates code for. */
  static supportsArch(arch: string): boolean {
    return (
      arch === 'armv6' || arch === 'x64' || arch === 'x86' || arch === 'rv32imc' || arch === 'xtensa' || arch === 'xtensawin' || THUMB_ARCHS.has(arch)
    );
  }

  /** the compile error this pass produced (a later one replaces an earlier one, as upstream) */
  error: { kind: CompileErrorKind; message: string } | null = null;

  private readonly as: NativeAssembler;
  private readonly reg: EmitterRegs;
  /** where this function's own arguments arrive and its result leaves (REG_PARENT_*: differs on windowed Xtensa) */
  private readonly parent: { readonly RET: number; readonly ARG_1: number; readonly ARG_2: number; readonly ARG_3: number; readonly ARG_4: number };
  private readonly regLocalTable: readonly number[];
  private readonly wordSize: number;
  /** x64/x86: shifts through CL, viper stores from a fixed register */
  private readonly x86Family: boolean;
  // frame slots after the nlr buffer (their indices depend on the target's nlr_buf_t)
  private readonly sizeofNlrBuf: number;
  private readonly localIdxExcHandlerPc: number;
  private readonly localIdxExcHandlerUnwind: number;
  private readonly localIdxThrowVal: number;
  private readonly localIdxRetVal: number;
  private pass: Pass = Pass.Scope;
  private doViperTypes = false;
  private scope!: Scope;
  private localVtype: number[] = [];
  private stack: StackInfo[] = [];
  private stackSize = 0;
  private savedStackVtype = VT.PYOBJ as number;
  private excStack: ExcEntry[] = [];
  private preludeOffset = 0;
  private preludePtrIndex = 0;
  private startOffset = 0;
  private nState = 0;
  private codeStateStart = 0;
  private stackStart = 0;
  private nInfo = 0;
  private nCell = 0;
  private exitLabel = 0;
  /** labels the emitter makes for itself live above the compiler's */
  private nextOwnLabel = 0;

  constructor(
    private readonly tables: ModuleTables,
    private readonly rawCodeOf: (s: Scope) => MutableRawCode,
    private readonly firstOwnLabel: number,
    /** upstream writes type errors straight into the compiler's error slot, which it checks between statements */
    private readonly reportError: (err: { kind: CompileErrorKind; message: string }) => void,
    /** -march: one of the archs supportsArch accepts */
    arch: string,
    /** -march-flags (RISC-V: the Zba/Zcmp extension bits the code may use) */
    archFlags = 0,
  ) {
    this.as = assemblerFor(arch, archFlags);
    const t = this.as.nativeTarget;
    this.reg = { ...t.regs, GENERATOR_STATE: t.regs.LOCAL_2, QSTR_TABLE: t.regs.LOCAL_3, LOCAL_LAST: t.regs.LOCAL_2 };
    this.regLocalTable = [t.regs.LOCAL_1, t.regs.LOCAL_2];
    this.parent = t.parentRegs ?? t.regs;
    this.wordSize = t.wordSize;
    this.x86Family = t.shiftCountReg !== null;
    this.sizeofNlrBuf = t.nlrBufWords;
    this.localIdxExcHandlerPc = t.nlrBufIdxLocal1;
    this.localIdxExcHandlerUnwind = t.nlrBufWords + 1;
    this.localIdxThrowVal = t.nlrBufWords + 2;
    this.localIdxRetVal = t.nlrBufWords;
  }

  // global names are resolved to qstr-table entries only when code uses them
  // (a viper cast like int(x) uses none), so the compiler's cached index is ours
  private readonly globalNames: string[] = [];
  private readonly globalNameIds = new Map<string, number>();

  qstrIndex(q: string): number {
    let i = this.globalNameIds.get(q);
    if (i === undefined) {
      i = this.globalNames.length;
      this.globalNames.push(q);
      this.globalNameIds.set(q, i);
    }
    return i;
  }

  globalOpAt(nameIndex: number, kind: IdOpGlobal, op: 'load' | 'store' | 'delete'): void {
    const q = this.globalNames[nameIndex]!;
    if (op === 'load') this.loadGlobal(q, kind);
    else if (op === 'store') this.storeGlobal(q, kind);
    else this.deleteGlobal(q, kind);
  }

  private newLabels(n: number): number {
    const l = this.nextOwnLabel;
    this.nextOwnLabel += n;
    return l;
  }

  private viperError(message: string): void {
    this.error = { kind: 'ViperTypeError', message };
    this.reportError(this.error);
  }

  private get isGenerator(): boolean {
    return (this.scope.scopeFlags & ScopeFlag.GENERATOR) !== 0;
  }

  private needFunObj(): boolean {
    return this.scope.excStackSize > 0 || (this.scope.scopeFlags & (SCOPE_FLAG_REFGLOBALS | SCOPE_FLAG_HASCONSTS)) !== 0;
  }

  private needGlobalExcHandler(): boolean {
    return (
      this.scope.excStackSize > 0 || (this.scope.scopeFlags & (ScopeFlag.GENERATOR | SCOPE_FLAG_REFGLOBALS)) !== 0
    );
  }

  private canUseRegsForLocals(): boolean {
    return this.scope.excStackSize === 0 && !this.isGenerator;
  }

  private localIdxFunObj(): number {
    return this.codeStateStart + OFFSETOF_CODE_STATE_FUN_BC;
  }

  private localIdxOldGlobals(): number {
    return this.codeStateStart + OFFSETOF_CODE_STATE_IP;
  }

  private localIdxGenPc(): number {
    return this.codeStateStart + OFFSETOF_CODE_STATE_IP;
  }

  private localIdxLocalVar(localNum: number): number {
    return this.stackStart + this.nState - 1 - localNum;
  }

  // --- state/frame access ------------------------------------------------------

  private movRegConst(reg: number, constVal: number): void {
    this.as.loadRegRegOffset(reg, this.reg.FUN_TABLE, constVal);
  }

  private movStateReg(localNum: number, reg: number): void {
    if (this.isGenerator) this.as.storeRegRegOffset(reg, this.reg.GENERATOR_STATE, localNum);
    else this.as.movLocalReg(localNum, reg);
  }

  private movRegState(reg: number, localNum: number): void {
    if (this.isGenerator) this.as.loadRegRegOffset(reg, this.reg.GENERATOR_STATE, localNum);
    else this.as.movRegLocal(reg, localNum);
  }

  private movRegStateAddr(reg: number, localNum: number): void {
    if (this.isGenerator) {
      this.as.movRegImm(reg, localNum * this.wordSize);
      this.as.addRegReg(reg, this.reg.GENERATOR_STATE);
    } else {
      this.as.movRegLocalAddr(reg, localNum);
    }
  }

  private movRegQstr(reg: number, q: string): void {
    this.as.load16RegRegOffset(reg, this.reg.QSTR_TABLE, this.tables.useQstr(q));
  }

  private movRegQstrObj(reg: number, q: string): void {
    this.loadRegWithObject(reg, { kind: 'str', value: q });
  }

  private movLocalNull(localNum: number, regTemp: number): void {
    const zero = this.as.nativeTarget.zeroReg;
    if (zero !== undefined) {
      this.as.movLocalReg(localNum, zero);
      return;
    }
    this.as.clrReg(regTemp);
    this.as.movLocalReg(localNum, regTemp);
  }

  // --- pass control ----------------------------------------------------------

  startPass(pass: Pass, scope: Scope): void {
    this.pass = pass;
    this.doViperTypes = scope.emitOptions === 3; // EmitOpt.Viper
    this.stackSize = 0;
    this.scope = scope;
    this.error = null;
    this.nextOwnLabel = this.firstOwnLabel;
    this.excStack = [];

    const numLocals = scope.numLocals;
    this.localVtype = new Array<number>(Math.max(numLocals, 0)).fill(VT.PYOBJ);
    let numArgs = scope.numPosArgs + scope.numKwonlyArgs;
    if (scope.scopeFlags & ScopeFlag.VARARGS) numArgs += 1;
    if (scope.scopeFlags & ScopeFlag.VARKEYWORDS) numArgs += 1;
    for (let i = 0; i < numArgs; i++) this.localVtype[i] = VT.PYOBJ;
    if (this.doViperTypes) {
      for (const id of scope.ids) {
        if (id.flags & ID_FLAG_IS_PARAM) this.localVtype[id.localNum] = id.flags >> ID_FLAG_VIPER_TYPE_POS;
      }
    }
    for (let i = numArgs; i < numLocals; i++) this.localVtype[i] = this.doViperTypes ? VT.UNBOUND : VT.PYOBJ;
    for (const si of this.stack) {
      si.kind = SK.VALUE;
      si.vtype = VT.UNBOUND;
    }

    this.as.startNativePass(pass === Pass.Emit);
    const as = this.as;

    this.codeStateStart = 0;
    if (this.needGlobalExcHandler()) {
      this.codeStateStart = this.sizeofNlrBuf + 1;
      if (this.isGenerator) this.codeStateStart += 2;
      else if (scope.excStackSize > 0) this.codeStateStart += 1;
    }

    const funTableOff = this.tables.useConst(FUN_TABLE_CONST as unknown as ConstObj);
    const entryLabels = this.newLabels(6);

    if (this.doViperTypes) {
      this.nState = scope.numLocals + scope.stackSize;
      let numLocalsInRegs = 0;
      if (this.canUseRegsForLocals()) {
        numLocalsInRegs = Math.min(scope.numLocals, MAX_REGS_FOR_LOCAL_VARS);
        if (scope.numPosArgs >= MAX_REGS_FOR_LOCAL_VARS + 1) numLocalsInRegs--;
      }
      if (this.needGlobalExcHandler()) this.stackStart = this.codeStateStart + 2;
      else if (scope.scopeFlags & SCOPE_FLAG_HASCONSTS) this.stackStart = this.codeStateStart + 1;
      else this.stackStart = this.codeStateStart;

      as.entry(this.stackStart + this.nState - numLocalsInRegs);
      // x86: the function object comes on the stack
      as.movArgToReg?.(0, this.parent.ARG_1);
      as.loadRegRegOffset(this.reg.FUN_TABLE, this.parent.ARG_1, OFFSETOF_OBJ_FUN_BC_CONTEXT);
      as.loadRegRegOffset(this.reg.QSTR_TABLE, this.reg.FUN_TABLE, OFFSETOF_MODULE_CONTEXT_QSTR_TABLE);
      as.loadRegRegOffset(this.reg.FUN_TABLE, this.reg.FUN_TABLE, OFFSETOF_MODULE_CONTEXT_OBJ_TABLE);
      as.loadRegRegOffset(this.reg.FUN_TABLE, this.reg.FUN_TABLE, funTableOff);
      if (this.needFunObj()) as.movLocalReg(this.localIdxFunObj(), this.parent.ARG_1);

      // n_args, n_kw and the args array
      if (as.movArgToReg) {
        as.movArgToReg(1, this.reg.ARG_1);
        as.movArgToReg(2, this.reg.ARG_2);
        as.movArgToReg(3, this.reg.LOCAL_LAST);
      } else {
        as.movRegReg(this.reg.ARG_1, this.parent.ARG_2);
        as.movRegReg(this.reg.ARG_2, this.parent.ARG_3);
        as.movRegReg(this.reg.LOCAL_LAST, this.parent.ARG_4);
      }

      // argument count check, calling the runtime's checker only on mismatch
      as.jumpIfRegNonzero(this.reg.ARG_2, entryLabels + 4, true);
      as.movRegImm(this.reg.ARG_3, scope.numPosArgs);
      as.jumpIfRegEq(this.reg.ARG_1, this.reg.ARG_3, entryLabels + 5);
      as.labelAssign(entryLabels + 4);
      as.movRegImm(this.reg.ARG_3, ((scope.numPosArgs << 17) | (scope.numPosArgs << 1)) >>> 0);
      as.callInd(F.ARG_CHECK_NUM_SIG);
      as.labelAssign(entryLabels + 5);

      for (let i = 0; i < scope.numPosArgs; i++) {
        let r = this.reg.ARG_1;
        as.loadRegRegOffset(this.reg.ARG_1, this.reg.LOCAL_LAST, i);
        if (this.localVtype[i] !== VT.PYOBJ) {
          this.callWithImmArg(F.CONVERT_OBJ_TO_NATIVE, this.localVtype[i]!, this.reg.ARG_2);
          r = this.reg.RET;
        }
        if (
          i < MAX_REGS_FOR_LOCAL_VARS &&
          this.canUseRegsForLocals() &&
          (i !== MAX_REGS_FOR_LOCAL_VARS - 1 || scope.numPosArgs === MAX_REGS_FOR_LOCAL_VARS)
        ) {
          as.movRegReg(this.regLocalTable[i]!, r);
        } else {
          this.movStateReg(this.localIdxLocalVar(i), r);
        }
      }
      if (scope.numPosArgs >= MAX_REGS_FOR_LOCAL_VARS + 1 && this.canUseRegsForLocals()) {
        as.movRegLocal(this.reg.LOCAL_LAST, this.localIdxLocalVar(MAX_REGS_FOR_LOCAL_VARS - 1));
      }

      this.globalExcEntry(entryLabels);
    } else {
      this.nState = scope.numLocals + scope.stackSize;
      // first word: index of the prelude pointer in the child table
      as.dataWord(this.preludePtrIndex);

      if (this.isGenerator) {
        as.dataWord(this.startOffset);
        as.entry(this.codeStateStart);
        this.codeStateStart = 0;
        this.stackStart = SIZEOF_CODE_STATE;
        // the code state, and the value thrown in (x86: both from the stack)
        if (as.movArgToReg) {
          as.movArgToReg(0, this.reg.GENERATOR_STATE);
          as.movArgToReg(1, this.reg.ARG_2);
        } else {
          as.movRegReg(this.reg.GENERATOR_STATE, this.parent.ARG_1);
        }
        as.movLocalReg(this.localIdxThrowVal, this.parent.ARG_2);
        as.loadRegRegOffset(this.reg.TEMP0, this.reg.GENERATOR_STATE, this.localIdxFunObj());
        as.loadRegRegOffset(this.reg.TEMP0, this.reg.TEMP0, OFFSETOF_OBJ_FUN_BC_CONTEXT);
        as.loadRegRegOffset(this.reg.QSTR_TABLE, this.reg.TEMP0, OFFSETOF_MODULE_CONTEXT_QSTR_TABLE);
        as.loadRegRegOffset(this.reg.TEMP0, this.reg.TEMP0, OFFSETOF_MODULE_CONTEXT_OBJ_TABLE);
        as.loadRegRegOffset(this.reg.FUN_TABLE, this.reg.TEMP0, funTableOff);
      } else {
        this.stackStart = this.codeStateStart + SIZEOF_CODE_STATE;
        as.entry(this.stackStart + this.nState);
        if (as.movArgToReg) {
          // x86: mp_setup_code_state's arguments from the stack into the argument registers
          as.movArgToReg(0, this.reg.ARG_1);
          as.movArgToReg(1, this.reg.ARG_2);
          as.movArgToReg(2, this.reg.ARG_3);
          as.movArgToReg(3, this.reg.ARG_4);
        }
        as.loadRegRegOffset(this.reg.FUN_TABLE, this.parent.ARG_1, OFFSETOF_OBJ_FUN_BC_CONTEXT);
        as.loadRegRegOffset(this.reg.QSTR_TABLE, this.reg.FUN_TABLE, OFFSETOF_MODULE_CONTEXT_QSTR_TABLE);
        as.loadRegRegOffset(this.reg.FUN_TABLE, this.reg.FUN_TABLE, OFFSETOF_MODULE_CONTEXT_OBJ_TABLE);
        as.loadRegRegOffset(this.reg.FUN_TABLE, this.reg.FUN_TABLE, funTableOff);
        as.movLocalReg(this.localIdxFunObj(), this.parent.ARG_1);
        as.movRegImm(this.reg.ARG_1, this.nState);
        this.movStateReg(this.codeStateStart + OFFSETOF_CODE_STATE_N_STATE, this.reg.ARG_1);
        as.movRegLocalAddr(this.reg.ARG_1, this.codeStateStart);
        // the remaining arguments of mp_setup_code_state, where the call registers differ
        if (this.reg.ARG_2 !== this.parent.ARG_2) as.movRegReg(this.reg.ARG_2, this.parent.ARG_2);
        if (this.reg.ARG_3 !== this.parent.ARG_3) as.movRegReg(this.reg.ARG_3, this.parent.ARG_3);
        if (this.reg.ARG_4 !== this.parent.ARG_4) as.movRegReg(this.reg.ARG_4, this.parent.ARG_4);
        // upstream loads this call's target into r4 on Thumb (r3 still holds an argument)
        as.callIndVia(F.SETUP_CODE_STATE, this.reg.LOCAL_1);
      }

      this.globalExcEntry(entryLabels);

      if (this.canUseRegsForLocals()) {
        for (let i = 0; i < MAX_REGS_FOR_LOCAL_VARS && i < scope.numLocals; i++) {
          as.movRegLocal(this.regLocalTable[i]!, this.localIdxLocalVar(i));
        }
      }
      for (const id of scope.ids) {
        if (id.kind === IdKind.Cell) this.localVtype[id.localNum] = VT.PYOBJ;
      }
    }
  }

  endPass(): boolean {
    this.globalExcExit();
    const as = this.as;
    const scope = this.scope;

    if (!this.doViperTypes) {
      this.preludeOffset = as.codeOffset;
      this.preludePtrIndex = this.tables.ctCurChild;

      // prelude signature, as for bytecode but with no exception stack
      const put = (byte: number): void => as.dataByte(byte);
      encodePreludeSignature({
        nState: this.nState,
        nExcStack: 0,
        flags: scope.scopeFlags & ScopeFlag.ALL_SIG,
        nPosArgs: scope.numPosArgs,
        nKwonlyArgs: scope.numKwonlyArgs,
        nDefPosArgs: scope.numDefPosArgs,
      }, put);
      encodePreludeSize(this.nInfo, this.nCell, put);

      const infoStart = as.codeOffset;
      as.encodeUint(this.tables.useQstr(scope.simpleName));
      const nArgs = scope.numPosArgs + scope.numKwonlyArgs;
      for (let i = 0; i < nArgs; i++) {
        let q = '*';
        for (const id of scope.ids) {
          if (id.flags & ID_FLAG_IS_PARAM && id.localNum === i) {
            q = id.name;
            break;
          }
        }
        as.encodeUint(this.tables.useQstr(q));
      }
      this.nInfo = as.codeOffset - infoStart;

      const cellStart = as.codeOffset;
      for (const id of scope.ids) {
        if (id.kind === IdKind.Cell) as.dataByte(id.localNum & 0xff);
      }
      this.nCell = as.codeOffset - cellStart;
    }
    as.endNativePass?.();

    if (this.stackSize !== 0 && this.error === null) throw unsupported('stack not balanced at end of function');

    if (this.pass === Pass.Emit) {
      const rc = this.rawCodeOf(scope) as unknown as {
        kind: string;
        funData: Uint8Array;
        children: unknown[];
        preludeOffset?: number;
      };
      rc.kind = this.doViperTypes ? 'viper' : 'native';
      rc.funData = as.getCode().slice();
      rc.children = this.tables.children.slice(0, this.tables.ctCurChild);
      // the reference keeps the prelude offset in 16 bits
      if (!this.doViperTypes) rc.preludeOffset = this.preludeOffset & 0xffff;
    }
    return true;
  }

  // --- virtual stack ------------------------------------------------------------

  private si(i: number): StackInfo {
    // only reachable after a type error unbalanced the stack: the pass is already failing
    if (i < 0) return { vtype: VT.PYOBJ, kind: SK.VALUE, data: 0 };
    let s = this.stack[i];
    if (s === undefined) {
      for (let k = this.stack.length; k <= i; k++) this.stack.push({ vtype: VT.UNBOUND, kind: SK.VALUE, data: 0 });
      s = this.stack[i]!;
    }
    return s;
  }

  private adjustStack(delta: number): void {
    if (this.stackSize + delta < 0) {
      if (this.error !== null) delta = -this.stackSize;
      else throw unsupported('stack underflow');
    }
    this.stackSize += delta;
    if (this.pass > Pass.Scope && this.stackSize > this.scope.stackSize) this.scope.stackSize = this.stackSize;
  }

  adjustStackSize(delta: number): void {
    for (let i = 0; i < delta; i++) {
      const s = this.si(this.stackSize + i);
      s.kind = SK.VALUE;
      s.vtype = delta === 1 ? this.savedStackVtype : VT.PYOBJ;
    }
    this.adjustStack(delta);
  }

  setSourceLine(_line: number): void {
    // native code carries no line numbers
  }

  private peekStack(depth: number): StackInfo {
    return this.si(this.stackSize - 1 - depth);
  }

  private peekVtype(depth: number): number {
    return this.doViperTypes ? this.peekStack(depth).vtype : VT.PYOBJ;
  }

  private needRegSingle(reg: number, skipStackPos: number): void {
    const skip = this.stackSize - skipStackPos;
    for (let i = 0; i < this.stackSize; i++) {
      if (i !== skip) {
        const s = this.si(i);
        if (s.kind === SK.REG && s.data === reg) {
          s.kind = SK.VALUE;
          this.movStateReg(this.stackStart + i, s.data);
        }
      }
    }
  }

  private needRegAll(): void {
    for (let i = 0; i < this.stackSize; i++) {
      const s = this.si(i);
      if (s.kind === SK.REG) {
        s.kind = SK.VALUE;
        this.movStateReg(this.stackStart + i, s.data);
      }
    }
  }

  private loadRegStackImm(reg: number, s: StackInfo, convertToPyobj: boolean): number {
    if (s.wide !== undefined && (s.vtype === VT.INT || s.vtype === VT.UINT)) {
      // a small int too large for a number (only with a 63-bit small int on x64)
      const asObj = convertToPyobj || !this.doViperTypes;
      this.as.movRegImm64!(reg, asObj ? BigInt.asIntN(64, s.wide * 2n + 1n) : s.wide);
      return asObj ? VT.PYOBJ : s.vtype;
    }
    if (!convertToPyobj && this.doViperTypes) {
      this.as.movRegImm(reg, s.data);
      return s.vtype;
    }
    if (s.vtype === VT.PYOBJ) {
      this.as.movRegImm(reg, s.data);
    } else if (s.vtype === VT.BOOL) {
      this.movRegConst(reg, F.CONST_FALSE_OBJ + s.data);
    } else if (s.vtype === VT.INT || s.vtype === VT.UINT) {
      // the object encoding of a small int, wrapped to the machine word
      const obj = s.data * 2 + 1;
      this.as.movRegImm(reg, this.wordSize === 4 ? obj | 0 : obj);
    } else if (s.vtype === VT.PTR_NONE) {
      this.movRegConst(reg, F.CONST_NONE_OBJ);
    } else {
      throw new CompileError('NotImplementedError', 'conversion to object');
    }
    return VT.PYOBJ;
  }

  private needStackSettled(): void {
    this.needRegAll();
    for (let i = 0; i < this.stackSize; i++) {
      const s = this.si(i);
      if (s.kind === SK.IMM) {
        s.kind = SK.VALUE;
        s.vtype = this.loadRegStackImm(this.reg.TEMP1, s, false);
        this.movStateReg(this.stackStart + i, this.reg.TEMP1);
      }
    }
  }

  /** pos 1 is the top of the stack */
  private accessStack(pos: number, regDest: number): number {
    this.needRegSingle(regDest, pos);
    const s = this.si(this.stackSize - pos);
    let vtype = s.vtype;
    switch (s.kind) {
      case SK.VALUE:
        this.movRegState(regDest, this.stackStart + this.stackSize - pos);
        break;
      case SK.REG:
        if (s.data !== regDest) this.as.movRegReg(regDest, s.data);
        break;
      case SK.IMM:
        vtype = this.loadRegStackImm(regDest, s, false);
        break;
    }
    return vtype;
  }

  private foldStackTop(regDest: number): void {
    const below = this.si(this.stackSize - 2);
    const top = this.si(this.stackSize - 1);
    below.vtype = top.vtype;
    below.kind = top.kind;
    below.data = top.data;
    below.wide = top.wide;
    if (below.kind === SK.VALUE) {
      this.movRegState(regDest, this.stackStart + this.stackSize - 1);
      below.kind = SK.REG;
      below.data = regDest;
    }
    this.adjustStack(-1);
  }

  /** Pops into a register: the one already holding it unless that is notR1/notR2. */
  private prePopRegFlexible(regDest: number, notR1: number, notR2: number): { vtype: number; reg: number } {
    const s = this.peekStack(0);
    let vtype: number;
    let reg = regDest;
    if (s.kind === SK.REG && s.data !== notR1 && s.data !== notR2) {
      vtype = s.vtype;
      reg = s.data;
      this.needRegSingle(reg, 1);
    } else {
      vtype = this.accessStack(1, regDest);
    }
    this.adjustStack(-1);
    return { vtype, reg };
  }

  private prePopDiscard(): void {
    this.adjustStack(-1);
  }

  private prePopReg(reg: number): number {
    const vt = this.accessStack(1, reg);
    this.adjustStack(-1);
    return vt;
  }

  private postTopSetVtype(vtype: number): void {
    this.si(this.stackSize - 1).vtype = vtype;
  }

  private postPushReg(vtype: number, reg: number): void {
    const s = this.si(this.stackSize);
    s.vtype = vtype;
    s.kind = SK.REG;
    s.data = reg;
    this.adjustStack(1);
  }

  private postPushImm(vtype: number, imm: number, wide?: bigint): void {
    const s = this.si(this.stackSize);
    s.vtype = vtype;
    s.kind = SK.IMM;
    s.data = imm;
    s.wide = wide;
    this.adjustStack(1);
  }

  private call(fun: F): void {
    this.needRegAll();
    this.as.callInd(fun);
  }

  private callWithImmArg(fun: F, val: number, reg: number): void {
    this.needRegAll();
    this.as.movRegImm(reg, val);
    this.as.callInd(fun);
  }

  private callWith2ImmArgs(fun: F, val1: number, reg1: number, val2: number, reg2: number): void {
    this.needRegAll();
    this.as.movRegImm(reg1, val1);
    this.as.movRegImm(reg2, val2);
    this.as.callInd(fun);
  }

  private callWithQstrArg(fun: F, q: string, reg: number): void {
    this.needRegAll();
    this.movRegQstr(reg, q);
    this.as.callInd(fun);
  }

  private getStackPointerForPop(regDest: number, nPop: number): void {
    this.needRegAll();
    for (let i = 0; i < nPop; i++) {
      const s = this.si(this.stackSize - 1 - i);
      if (s.kind === SK.IMM) {
        s.kind = SK.VALUE;
        s.vtype = this.loadRegStackImm(regDest, s, true);
        this.movStateReg(this.stackStart + this.stackSize - 1 - i, regDest);
      }
    }
    for (let i = 0; i < nPop; i++) {
      const s = this.si(this.stackSize - 1 - i);
      if (s.vtype !== VT.PYOBJ) {
        const localNum = this.stackStart + this.stackSize - 1 - i;
        this.movRegState(this.reg.ARG_1, localNum);
        this.callWithImmArg(F.CONVERT_NATIVE_TO_OBJ, s.vtype, this.reg.ARG_2);
        this.movStateReg(localNum, this.reg.RET);
        s.vtype = VT.PYOBJ;
      }
    }
    this.adjustStack(-nPop);
    this.movRegStateAddr(regDest, this.stackStart + this.stackSize);
  }

  private getStackPointerForPush(regDest: number, nPush: number): void {
    this.needRegAll();
    for (let i = 0; i < nPush; i++) {
      const s = this.si(this.stackSize + i);
      s.kind = SK.VALUE;
      s.vtype = VT.PYOBJ;
    }
    this.movRegStateAddr(regDest, this.stackStart + this.stackSize);
    this.adjustStack(nPush);
  }

  // --- exception handler stack -------------------------------------------------------

  private pushExcStack(label: number, isFinally: boolean): void {
    this.excStack.push({ label, isFinally, unwindLabel: UNWIND_LABEL_UNUSED, isActive: true });
    this.as.movRegPcrel(this.reg.RET, label);
    this.as.movLocalReg(this.localIdxExcHandlerPc, this.reg.RET);
  }

  private leaveExcStack(startOfHandler: boolean): void {
    const n = this.excStack.length;
    if (n === 0) throw unsupported('exception stack underflow');
    this.excStack[n - 1]!.isActive = false;
    let i = n - 2;
    while (i >= 0 && !this.excStack[i]!.isActive) i--;
    if (i < 0) {
      if (startOfHandler) return; // the global handler already cleared it
      this.as.clrReg(this.reg.RET);
    } else {
      this.as.movRegPcrel(this.reg.RET, this.excStack[i]!.label);
    }
    this.as.movLocalReg(this.localIdxExcHandlerPc, this.reg.RET);
  }

  private popExcStack(): ExcEntry {
    const e = this.excStack.pop();
    if (e === undefined) throw unsupported('exception stack underflow');
    return e;
  }

  private loadRegWithObject(reg: number, obj: ConstObj): void {
    this.scope.scopeFlags |= SCOPE_FLAG_HASCONSTS;
    const off = this.tables.useConst(obj);
    this.movRegState(this.reg.TEMP0, this.localIdxFunObj());
    this.as.loadRegRegOffset(this.reg.TEMP0, this.reg.TEMP0, OFFSETOF_OBJ_FUN_BC_CONTEXT);
    this.as.loadRegRegOffset(this.reg.TEMP0, this.reg.TEMP0, OFFSETOF_MODULE_CONTEXT_OBJ_TABLE);
    this.as.loadRegRegOffset(reg, this.reg.TEMP0, off);
  }

  private loadRegWithChild(reg: number, rc: MutableRawCode): void {
    const off = this.tables.allocChild(rc);
    this.movRegState(this.reg.TEMP0, this.localIdxFunObj());
    this.as.loadRegRegOffset(this.reg.TEMP0, this.reg.TEMP0, OFFSETOF_OBJ_FUN_BC_CHILD_TABLE);
    this.as.loadRegRegOffset(reg, this.reg.TEMP0, off);
  }

  labelAssign(label: number): void {
    let isFinally = false;
    const n = this.excStack.length;
    if (n > 0) {
      const e = this.excStack[n - 1]!;
      isFinally = e.isFinally && e.label === label;
    }
    if (isFinally) {
      this.accessStack(1, this.reg.TEMP0);
      this.as.movLocalReg(LOCAL_IDX_EXC_VAL, this.reg.TEMP0);
    }
    this.needStackSettled();
    this.as.labelAssign(label);
    if (isFinally) this.leaveExcStack(false);
  }

  private globalExcEntry(labels: number): void {
    const as = this.as;
    this.exitLabel = labels;
    if (!this.needGlobalExcHandler()) return;
    const nlrLabel = labels + 1;
    const startLabel = labels + 2;
    const globalExceptLabel = labels + 3;
    const gen = this.isGenerator;

    if (!gen) {
      this.movRegState(this.reg.ARG_1, this.localIdxFunObj());
      as.loadRegRegOffset(this.reg.ARG_1, this.reg.ARG_1, OFFSETOF_OBJ_FUN_BC_CONTEXT);
      as.loadRegRegOffset(this.reg.ARG_1, this.reg.ARG_1, OFFSETOF_MODULE_CONTEXT_GLOBALS);
      this.call(F.NATIVE_SWAP_GLOBALS);
      this.movStateReg(this.localIdxOldGlobals(), this.reg.RET);
    }

    if (this.scope.excStackSize === 0) {
      if (!gen) as.jumpIfRegZero(this.reg.RET, startLabel, false);
      as.movRegLocalAddr(this.reg.ARG_1, 0);
      this.call(F.NLR_PUSH);
      this.nlrSetjmp();
      as.jumpIfRegZero(this.reg.RET, startLabel, true);
    } else {
      this.movLocalNull(this.localIdxExcHandlerUnwind, this.reg.TEMP0);
      as.movLocalReg(LOCAL_IDX_EXC_VAL, as.nativeTarget.zeroReg ?? this.reg.TEMP0);
      as.movRegPcrel(this.reg.LOCAL_1, startLabel);
      this.labelAssign(nlrLabel);
      as.movRegLocalAddr(this.reg.ARG_1, 0);
      this.call(F.NLR_PUSH);
      this.nlrSetjmp();
      as.jumpIfRegNonzero(this.reg.RET, globalExceptLabel, true);
      this.movLocalNull(this.localIdxExcHandlerPc, this.reg.TEMP0);
      as.jumpReg(this.reg.LOCAL_1);
      this.labelAssign(globalExceptLabel);
      as.movRegLocal(this.reg.LOCAL_1, this.localIdxExcHandlerPc);
      as.jumpIfRegNonzero(this.reg.LOCAL_1, nlrLabel, false);
    }

    if (!gen) {
      this.movRegState(this.reg.ARG_1, this.localIdxOldGlobals());
      this.call(F.NATIVE_SWAP_GLOBALS);
    }

    if (gen) {
      as.movRegLocal(this.reg.TEMP0, LOCAL_IDX_EXC_VAL);
      as.storeRegRegOffset(this.reg.TEMP0, this.reg.GENERATOR_STATE, OFFSETOF_CODE_STATE_STATE);
      as.movRegImm(this.parent.RET, VM_RETURN_EXCEPTION);
      as.exit();
    } else {
      as.movRegLocal(this.reg.ARG_1, LOCAL_IDX_EXC_VAL);
      this.call(F.NATIVE_RAISE);
    }

    this.labelAssign(startLabel);

    if (gen) {
      this.movRegState(this.reg.TEMP0, this.localIdxGenPc());
      as.jumpReg(this.reg.TEMP0);
      this.startOffset = as.codeOffset;
      as.movRegLocal(this.reg.ARG_1, this.localIdxThrowVal);
      this.movLocalNull(this.localIdxThrowVal, this.reg.ARG_2);
      this.call(F.NATIVE_RAISE);
    }
  }

  /** Windowed Xtensa: setjmp on the jmp_buf inside the nlr buffer just pushed. */
  private nlrSetjmp(): void {
    if (!this.as.nativeTarget.nlrSetjmp) return;
    this.as.movRegLocalAddr(this.reg.ARG_1, 2);
    this.call(F.SETJMP);
  }

  private globalExcExit(): void {
    const as = this.as;
    this.labelAssign(this.exitLabel);
    if (this.needGlobalExcHandler()) {
      const gen = this.isGenerator;
      if (!gen) {
        this.movRegState(this.reg.ARG_1, this.localIdxOldGlobals());
        if (this.scope.excStackSize === 0) as.jumpIfRegZero(this.reg.ARG_1, this.exitLabel + 1, false);
        this.call(F.NATIVE_SWAP_GLOBALS);
      }
      this.call(F.NLR_POP);
      if (!gen && this.scope.excStackSize === 0) this.labelAssign(this.exitLabel + 1);
      as.movRegLocal(this.parent.RET, this.localIdxRetVal);
    }
    as.exit();
  }

  // --- imports, constants, names ------------------------------------------------------

  importOp(q: string, kind: ImportKind): void {
    if (kind === ImportKind.Name) {
      // fromlist and level are always objects: read them with viper typing off
      const orig = this.doViperTypes;
      this.doViperTypes = false;
      this.prePopReg(this.reg.ARG_2);
      this.prePopReg(this.reg.ARG_3);
      this.doViperTypes = orig;
      this.callWithQstrArg(F.IMPORT_NAME, q, this.reg.ARG_1);
      this.postPushReg(VT.PYOBJ, this.reg.RET);
    } else if (kind === ImportKind.From) {
      this.accessStack(1, this.reg.ARG_1);
      this.callWithQstrArg(F.IMPORT_FROM, q, this.reg.ARG_2);
      this.postPushReg(VT.PYOBJ, this.reg.RET);
    } else {
      this.prePopReg(this.reg.ARG_1);
      this.call(F.IMPORT_ALL);
    }
  }

  loadConstTok(tok: Tok): void {
    if (tok === Tok.Ellipsis) {
      this.loadConstObj({ kind: 'ellipsis' });
    } else if (tok === Tok.KwNone) {
      this.postPushImm(VT.PTR_NONE, 0);
    } else {
      this.postPushImm(VT.BOOL, tok === Tok.KwFalse ? 0 : 1);
    }
  }

  loadConstSmallInt(arg: bigint): void {
    const v = BigInt.asIntN(this.wordSize * 8, arg);
    const n = Number(v);
    if (Math.abs(n) < EXACT_IMM_LIMIT) this.postPushImm(VT.INT, n);
    else this.postPushImm(VT.INT, n, v);
  }

  loadConstStr(q: string): void {
    this.needRegSingle(this.reg.TEMP0, 0);
    this.movRegQstrObj(this.reg.TEMP0, q);
    this.postPushReg(VT.PYOBJ, this.reg.TEMP0);
  }

  loadConstObj(obj: ConstObj): void {
    this.needRegSingle(this.reg.TEMP0, 0);
    this.loadRegWithObject(this.reg.TEMP0, obj);
    this.postPushReg(VT.PYOBJ, this.reg.TEMP0);
  }

  loadNull(): void {
    this.postPushImm(VT.PYOBJ, 0);
  }

  private loadFast(name: string, localNum: number): void {
    const vtype = this.localVtype[localNum] ?? VT.PYOBJ;
    if (vtype === VT.UNBOUND) this.viperError(`local '${name}' used before type known`);
    if (localNum < MAX_REGS_FOR_LOCAL_VARS && this.canUseRegsForLocals()) {
      this.postPushReg(vtype, this.regLocalTable[localNum]!);
    } else {
      this.needRegSingle(this.reg.TEMP0, 0);
      this.movRegState(this.reg.TEMP0, this.localIdxLocalVar(localNum));
      this.postPushReg(vtype, this.reg.TEMP0);
    }
  }

  loadLocal(localNum: number, kind: IdOpLocal, name = ''): void {
    if (kind === IdOpLocal.Fast) {
      this.loadFast(name, localNum);
    } else {
      this.needRegSingle(this.reg.RET, 0);
      this.loadFast(name, localNum);
      const { reg } = this.prePopRegFlexible(this.reg.RET, -1, -1);
      this.as.loadRegRegOffset(this.reg.RET, reg, 1);
      this.postPushReg(VT.PYOBJ, this.reg.RET);
    }
  }

  loadGlobal(q: string, kind: IdOpGlobal): void {
    if (kind === IdOpGlobal.Global && this.doViperTypes) {
      const nt = NATIVE_TYPE_BY_NAME.get(q);
      if (nt !== undefined && nt >= 1) {
        this.postPushImm(VT.BUILTIN_CAST, nt);
        return;
      }
    }
    this.callWithQstrArg(F.LOAD_NAME + kind, q, this.reg.ARG_1);
    this.postPushReg(VT.PYOBJ, this.reg.RET);
  }

  loadMethod(q: string, isSuper: boolean): void {
    if (isSuper) {
      this.getStackPointerForPop(this.reg.ARG_2, 3);
      this.getStackPointerForPush(this.reg.ARG_2, 2);
      this.callWithQstrArg(F.LOAD_SUPER_METHOD, q, this.reg.ARG_1);
    } else {
      this.prePopReg(this.reg.ARG_1);
      this.getStackPointerForPush(this.reg.ARG_3, 2);
      this.callWithQstrArg(F.LOAD_METHOD, q, this.reg.ARG_2);
    }
  }

  loadBuildClass(): void {
    this.call(F.LOAD_BUILD_CLASS);
    this.postPushReg(VT.PYOBJ, this.reg.RET);
  }

  subscr(kind: SubscrKind): void {
    if (kind === SubscrKind.Load) this.loadSubscr();
    else if (kind === SubscrKind.Store) this.storeSubscr();
    else {
      this.prePopReg(this.reg.ARG_2);
      this.prePopReg(this.reg.ARG_1);
      this.callWithImmArg(F.OBJ_SUBSCR, 0, this.reg.ARG_3);
    }
  }

  private loadSubscr(): void {
    let vtypeBase = this.peekVtype(1);
    if (vtypeBase === VT.PYOBJ) {
      const vtypeIndex = this.peekVtype(0);
      if (vtypeIndex === VT.PYOBJ) {
        this.prePopReg(this.reg.ARG_2);
      } else {
        this.prePopReg(this.reg.ARG_1);
        this.callWithImmArg(F.CONVERT_NATIVE_TO_OBJ, vtypeIndex, this.reg.ARG_2);
        this.as.movRegReg(this.reg.ARG_2, this.reg.RET);
      }
      this.prePopReg(this.reg.ARG_1);
      this.callWithImmArg(F.OBJ_SUBSCR, MP_OBJ_SENTINEL, this.reg.ARG_3);
      this.postPushReg(VT.PYOBJ, this.reg.RET);
      return;
    }
    const top = this.peekStack(0);
    const as = this.as;
    if (top.vtype === VT.INT && top.kind === SK.IMM) {
      const index = immIndex(top);
      this.prePopDiscard();
      const p = this.prePopRegFlexible(this.reg.ARG_1, this.reg.ARG_2, this.reg.ARG_2);
      vtypeBase = p.vtype;
      this.needRegSingle(this.reg.RET, 0);
      switch (vtypeBase) {
        case VT.PTR8:
          as.load8RegRegOffset(this.reg.RET, p.reg, index);
          break;
        case VT.PTR16:
          as.load16RegRegOffset(this.reg.RET, p.reg, index);
          break;
        case VT.PTR32:
          as.load32RegRegOffset(this.reg.RET, p.reg, index);
          break;
        default:
          this.viperError(`can't load from '${vtypeName(vtypeBase)}'`);
      }
    } else {
      const p = this.prePopRegFlexible(this.reg.ARG_2, this.reg.ARG_1, this.reg.ARG_1);
      vtypeBase = this.prePopReg(this.reg.ARG_1);
      this.needRegSingle(this.reg.RET, 0);
      if (p.vtype !== VT.INT && p.vtype !== VT.UINT) {
        this.viperError(`can't load with '${vtypeName(p.vtype)}' index`);
      }
      switch (vtypeBase) {
        case VT.PTR8:
          as.load8RegRegReg(this.reg.RET, this.reg.ARG_1, p.reg);
          break;
        case VT.PTR16:
          as.load16RegRegReg(this.reg.RET, this.reg.ARG_1, p.reg);
          break;
        case VT.PTR32:
          as.load32RegRegReg(this.reg.RET, this.reg.ARG_1, p.reg);
          break;
        default:
          this.viperError(`can't load from '${vtypeName(vtypeBase)}'`);
      }
    }
    this.postPushReg(VT.INT, this.reg.RET);
  }

  private storeSubscr(): void {
    let vtypeBase = this.peekVtype(1);
    const as = this.as;
    if (vtypeBase === VT.PYOBJ) {
      const vtypeIndex = this.peekVtype(0);
      const vtypeValue = this.peekVtype(2);
      if (vtypeIndex !== VT.PYOBJ || vtypeValue !== VT.PYOBJ) {
        this.getStackPointerForPop(this.reg.ARG_1, 3);
        this.adjustStack(3);
      }
      this.prePopReg(this.reg.ARG_2);
      this.prePopReg(this.reg.ARG_1);
      this.prePopReg(this.reg.ARG_3);
      this.call(F.OBJ_SUBSCR);
      return;
    }
    const top = this.peekStack(0);
    if (top.vtype === VT.INT && top.kind === SK.IMM) {
      const index = immIndex(top);
      this.prePopDiscard();
      const b = this.prePopRegFlexible(this.reg.ARG_1, this.reg.ARG_2, this.reg.ARG_3);
      vtypeBase = b.vtype;
      // x86: the value always goes to REG_ARG_3 (byte stores need a low register)
      const v = this.x86Family
        ? { vtype: this.prePopReg(this.reg.ARG_3), reg: this.reg.ARG_3 }
        : this.prePopRegFlexible(this.reg.ARG_3, b.reg, this.reg.ARG_2);
      if (v.vtype !== VT.BOOL && v.vtype !== VT.INT && v.vtype !== VT.UINT) {
        this.viperError(`can't store '${vtypeName(v.vtype)}'`);
      }
      switch (vtypeBase) {
        case VT.PTR8:
          as.store8RegRegOffset(v.reg, b.reg, index);
          break;
        case VT.PTR16:
          as.store16RegRegOffset(v.reg, b.reg, index);
          break;
        case VT.PTR32:
          as.store32RegRegOffset(v.reg, b.reg, index);
          break;
        default:
          this.viperError(`can't store to '${vtypeName(vtypeBase)}'`);
      }
    } else {
      const ix = this.prePopRegFlexible(this.reg.ARG_2, this.reg.ARG_1, this.reg.ARG_3);
      vtypeBase = this.prePopReg(this.reg.ARG_1);
      if (ix.vtype !== VT.INT && ix.vtype !== VT.UINT) {
        this.viperError(`can't store with '${vtypeName(ix.vtype)}' index`);
      }
      const v = this.x86Family
        ? { vtype: this.prePopReg(this.reg.ARG_3), reg: this.reg.ARG_3 }
        : this.prePopRegFlexible(this.reg.ARG_3, this.reg.ARG_1, ix.reg);
      if (v.vtype !== VT.BOOL && v.vtype !== VT.INT && v.vtype !== VT.UINT) {
        this.viperError(`can't store '${vtypeName(v.vtype)}'`);
      }
      switch (vtypeBase) {
        case VT.PTR8:
          as.store8RegRegReg(v.reg, this.reg.ARG_1, ix.reg);
          break;
        case VT.PTR16:
          as.store16RegRegReg(v.reg, this.reg.ARG_1, ix.reg);
          break;
        case VT.PTR32:
          as.store32RegRegReg(v.reg, this.reg.ARG_1, ix.reg);
          break;
        default:
          this.viperError(`can't store to '${vtypeName(vtypeBase)}'`);
      }
    }
  }

  attr(q: string, kind: AttrKind): void {
    if (kind === AttrKind.Load) {
      this.prePopReg(this.reg.ARG_1);
      this.callWithQstrArg(F.LOAD_ATTR, q, this.reg.ARG_2);
      this.postPushReg(VT.PYOBJ, this.reg.RET);
    } else if (kind === AttrKind.Store) {
      const vtypeVal = this.peekVtype(1);
      if (vtypeVal === VT.PYOBJ) {
        this.prePopReg(this.reg.ARG_1);
        this.prePopReg(this.reg.ARG_3);
      } else {
        const vt = this.accessStack(2, this.reg.ARG_1);
        this.callWithImmArg(F.CONVERT_NATIVE_TO_OBJ, vt, this.reg.ARG_2);
        this.as.movRegReg(this.reg.ARG_3, this.reg.RET);
        this.prePopReg(this.reg.ARG_1);
        this.adjustStack(-1);
      }
      this.callWithQstrArg(F.STORE_ATTR, q, this.reg.ARG_2);
    } else {
      this.prePopReg(this.reg.ARG_1);
      this.as.clrReg(this.reg.ARG_3);
      this.callWithQstrArg(F.STORE_ATTR, q, this.reg.ARG_2);
    }
  }

  private storeFast(name: string, localNum: number): void {
    let vtype: number;
    if (localNum < MAX_REGS_FOR_LOCAL_VARS && this.canUseRegsForLocals()) {
      vtype = this.prePopReg(this.regLocalTable[localNum]!);
    } else {
      vtype = this.prePopReg(this.reg.TEMP0);
      this.movStateReg(this.localIdxLocalVar(localNum), this.reg.TEMP0);
    }
    const cur = this.localVtype[localNum];
    if (cur === VT.UNBOUND) {
      this.localVtype[localNum] = vtype;
    } else if (cur !== vtype) {
      this.viperError(`local '${name}' has type '${vtypeName(cur ?? 0)}' but source is '${vtypeName(vtype)}'`);
    }
  }

  storeLocal(localNum: number, kind: IdOpLocal, name = ''): void {
    if (kind === IdOpLocal.Fast) {
      this.storeFast(name, localNum);
      return;
    }
    this.needRegSingle(this.reg.TEMP0, 0);
    this.needRegSingle(this.reg.TEMP1, 0);
    this.loadFast(name, localNum);
    const base = this.prePopRegFlexible(this.reg.TEMP0, -1, -1);
    const src = this.prePopRegFlexible(this.reg.TEMP1, base.reg, base.reg);
    this.as.storeRegRegOffset(src.reg, base.reg, 1);
  }

  storeGlobal(q: string, kind: IdOpGlobal): void {
    if (kind === IdOpGlobal.Name) {
      const vt = this.prePopReg(this.reg.ARG_2);
      if (vt !== VT.PYOBJ) throw unsupported(`cannot store a '${vtypeName(vt)}' to a module-level name`);
    } else {
      const vt = this.peekVtype(0);
      if (vt === VT.PYOBJ) {
        this.prePopReg(this.reg.ARG_2);
      } else {
        this.prePopReg(this.reg.ARG_1);
        this.callWithImmArg(F.CONVERT_NATIVE_TO_OBJ, vt, this.reg.ARG_2);
        this.as.movRegReg(this.reg.ARG_2, this.reg.RET);
      }
    }
    this.callWithQstrArg(F.STORE_NAME + kind, q, this.reg.ARG_1);
  }

  deleteLocal(localNum: number, kind: IdOpLocal, name = ''): void {
    if (kind === IdOpLocal.Fast) {
      // deleting just drops the reference (the slot becomes None)
      this.loadConstTok(Tok.KwNone);
      this.storeFast(name, localNum);
    }
  }

  deleteGlobal(q: string, kind: IdOpGlobal): void {
    this.callWithQstrArg(F.DELETE_NAME + kind, q, this.reg.ARG_1);
  }

  // --- stack shuffles ---------------------------------------------------------------

  dupTop(): void {
    const p = this.prePopRegFlexible(this.reg.TEMP0, -1, -1);
    this.postPushReg(p.vtype, p.reg);
    this.postPushReg(p.vtype, p.reg);
  }

  dupTopTwo(): void {
    const v0 = this.prePopReg(this.reg.TEMP0);
    const v1 = this.prePopReg(this.reg.TEMP1);
    this.postPushReg(v1, this.reg.TEMP1);
    this.postPushReg(v0, this.reg.TEMP0);
    this.postPushReg(v1, this.reg.TEMP1);
    this.postPushReg(v0, this.reg.TEMP0);
  }

  popTop(): void {
    this.prePopDiscard();
  }

  rotTwo(): void {
    const v0 = this.prePopReg(this.reg.TEMP0);
    const v1 = this.prePopReg(this.reg.TEMP1);
    this.postPushReg(v0, this.reg.TEMP0);
    this.postPushReg(v1, this.reg.TEMP1);
  }

  rotThree(): void {
    const v0 = this.prePopReg(this.reg.TEMP0);
    const v1 = this.prePopReg(this.reg.TEMP1);
    const v2 = this.prePopReg(this.reg.TEMP2);
    this.postPushReg(v0, this.reg.TEMP0);
    this.postPushReg(v2, this.reg.TEMP2);
    this.postPushReg(v1, this.reg.TEMP1);
  }

  // --- control flow ---------------------------------------------------------------------

  jump(label: number): void {
    this.needStackSettled();
    this.as.jump(label);
    this.as.suppressCode();
  }

  private jumpHelper(cond: boolean, label: number, pop: boolean): void {
    let vtype = this.peekVtype(0);
    if (vtype === VT.PYOBJ) {
      this.prePopReg(this.reg.ARG_1);
      if (!pop) this.adjustStack(1);
      this.call(F.OBJ_IS_TRUE);
    } else {
      vtype = this.prePopReg(this.reg.RET);
      if (!pop) this.adjustStack(1);
      if (!(vtype === VT.BOOL || vtype === VT.INT || vtype === VT.UINT)) {
        this.viperError(`can't implicitly convert '${vtypeName(vtype)}' to 'bool'`);
      }
    }
    if (!pop) this.savedStackVtype = vtype;
    this.needStackSettled();
    if (cond) this.as.jumpIfRegNonzero(this.reg.RET, label, vtype === VT.PYOBJ);
    else this.as.jumpIfRegZero(this.reg.RET, label, vtype === VT.PYOBJ);
    if (!pop) this.adjustStack(-1);
  }

  popJumpIf(cond: boolean, label: number): void {
    this.jumpHelper(cond, label, true);
  }

  jumpIfOrPop(cond: boolean, label: number): void {
    this.jumpHelper(cond, label, false);
  }

  unwindJump(label: number, exceptDepth: number): void {
    if (exceptDepth > 0) {
      let firstFinally: ExcEntry | null = null;
      let prevFinally: ExcEntry | null = null;
      let i = this.excStack.length - 1;
      for (; exceptDepth > 0; exceptDepth--, i--) {
        const e = this.excStack[i]!;
        if (e.isFinally && e.isActive) {
          if (firstFinally === null) firstFinally = e;
          if (prevFinally !== null) prevFinally.unwindLabel = e.label;
          prevFinally = e;
        }
      }
      if (prevFinally === null) {
        if (i < 0) this.as.clrReg(this.reg.RET);
        else this.as.movRegPcrel(this.reg.RET, this.excStack[i]!.label);
        this.as.movLocalReg(this.localIdxExcHandlerPc, this.reg.RET);
      } else {
        prevFinally.unwindLabel = UNWIND_LABEL_DO_FINAL_UNWIND;
        this.as.movRegPcrel(this.reg.RET, label & ~BREAK_FROM_FOR);
        this.as.movLocalReg(this.localIdxExcHandlerUnwind, this.reg.RET);
        this.as.movRegImm(this.reg.RET, 0);
        this.as.movLocalReg(LOCAL_IDX_EXC_VAL, this.reg.RET);
        label = firstFinally!.label;
      }
    }
    this.jump(label & ~BREAK_FROM_FOR);
  }

  setupBlock(label: number, kind: SetupBlockKind): void {
    if (kind === SetupBlockKind.With) {
      this.accessStack(1, this.reg.ARG_1);
      this.getStackPointerForPush(this.reg.ARG_3, 2);
      this.callWithQstrArg(F.LOAD_METHOD, '__exit__', this.reg.ARG_2);
      this.prePopReg(this.reg.ARG_3);
      this.prePopReg(this.reg.ARG_2);
      const vt = this.prePopReg(this.reg.ARG_1);
      this.postPushReg(vt, this.reg.ARG_2);
      this.postPushReg(vt, this.reg.ARG_3);
      this.getStackPointerForPush(this.reg.ARG_3, 2);
      this.callWithQstrArg(F.LOAD_METHOD, '__enter__', this.reg.ARG_2);
      this.getStackPointerForPop(this.reg.ARG_3, 2);
      this.callWith2ImmArgs(F.CALL_METHOD_N_KW, 0, this.reg.ARG_1, 0, this.reg.ARG_2);
      this.postPushReg(VT.PYOBJ, this.reg.RET);
      this.needStackSettled();
      this.pushExcStack(label, true);
      this.dupTop();
    } else {
      this.needStackSettled();
      this.pushExcStack(label, kind === SetupBlockKind.Finally);
    }
  }

  withCleanup(label: number): void {
    const l = this.newLabels(3);
    const as = this.as;
    this.leaveExcStack(false);
    this.adjustStack(-1);
    this.labelAssign(l + 2);
    this.postPushImm(VT.PTR_NONE, 0);
    this.postPushImm(VT.PTR_NONE, 0);
    this.postPushImm(VT.PTR_NONE, 0);
    this.getStackPointerForPop(this.reg.ARG_3, 5);
    this.callWith2ImmArgs(F.CALL_METHOD_N_KW, 3, this.reg.ARG_1, 0, this.reg.ARG_2);
    this.jump(l);
    as.labelAssign(label);
    this.leaveExcStack(true);
    this.adjustStackSize(2);
    as.movRegLocal(this.reg.ARG_1, LOCAL_IDX_EXC_VAL);
    as.jumpIfRegZero(this.reg.ARG_1, l + 2, false);
    as.loadRegRegOffset(this.reg.ARG_2, this.reg.ARG_1, 0);
    this.postPushReg(VT.PYOBJ, this.reg.ARG_2);
    this.postPushReg(VT.PYOBJ, this.reg.ARG_1);
    this.postPushImm(VT.PTR_NONE, 0);
    this.getStackPointerForPop(this.reg.ARG_3, 5);
    this.callWith2ImmArgs(F.CALL_METHOD_N_KW, 3, this.reg.ARG_1, 0, this.reg.ARG_2);
    // __exit__'s result is obj_is_true's argument
    if (this.reg.ARG_1 !== this.reg.RET) as.movRegReg(this.reg.ARG_1, this.reg.RET);
    this.call(F.OBJ_IS_TRUE);
    as.jumpIfRegZero(this.reg.RET, l + 1, true);
    this.labelAssign(l);
    this.movLocalNull(LOCAL_IDX_EXC_VAL, this.reg.TEMP0);
    this.labelAssign(l + 1);
    this.adjustStack(1);
  }

  asyncWithSetupFinally(labelAexitNoExc: number, labelFinallyBlock: number, labelRetUnwindJump: number): void {
    this.adjustStackSize(1);
    this.rotTwo();
    this.loadConstTok(Tok.KwNone);
    this.rotTwo();
    this.jump(labelAexitNoExc);
    this.adjustStackSize(-1);
    this.labelAssign(labelFinallyBlock);
    this.prePopDiscard();
    this.as.movRegLocal(this.reg.ARG_1, LOCAL_IDX_EXC_VAL);
    this.postPushReg(VT.PYOBJ, this.reg.ARG_1);
    this.as.jumpIfRegZero(this.reg.ARG_1, labelRetUnwindJump, false);
  }

  endFinally(): void {
    const l = this.newLabels(1);
    this.prePopDiscard();
    this.as.movRegLocal(this.reg.ARG_1, LOCAL_IDX_EXC_VAL);
    this.call(F.NATIVE_RAISE);
    const e = this.popExcStack();
    if (e.unwindLabel !== UNWIND_LABEL_UNUSED) {
      this.as.movRegLocal(this.reg.RET, this.localIdxExcHandlerUnwind);
      this.as.jumpIfRegZero(this.reg.RET, l, false);
      if (e.unwindLabel === UNWIND_LABEL_DO_FINAL_UNWIND) this.as.jumpReg(this.reg.RET);
      else this.jump(e.unwindLabel);
      this.labelAssign(l);
    }
  }

  getIter(useStack: boolean): void {
    this.prePopReg(this.reg.ARG_1);
    if (useStack) {
      this.getStackPointerForPush(this.reg.ARG_2, ITER_BUF_NSLOTS);
      this.call(F.NATIVE_GETITER);
    } else {
      this.as.movRegImm(this.reg.ARG_2, 0);
      this.call(F.NATIVE_GETITER);
      this.postPushReg(VT.PYOBJ, this.reg.RET);
    }
  }

  forIter(label: number): void {
    this.getStackPointerForPop(this.reg.ARG_1, ITER_BUF_NSLOTS);
    this.adjustStack(ITER_BUF_NSLOTS);
    this.call(F.NATIVE_ITERNEXT);
    this.as.jumpIfRegZero(this.reg.RET, label, false);
    this.postPushReg(VT.PYOBJ, this.reg.RET);
  }

  forIterEnd(): void {
    this.adjustStack(-ITER_BUF_NSLOTS);
  }

  popExceptJump(label: number, withinExcHandler = false): void {
    if (withinExcHandler) this.movLocalNull(LOCAL_IDX_EXC_VAL, this.reg.TEMP0);
    else this.leaveExcStack(false);
    this.jump(label);
  }

  // --- operators ----------------------------------------------------------------------------

  unaryOp(op: UnaryOp): void {
    let vtype = this.peekVtype(0);
    if (vtype === VT.INT || vtype === VT.UINT) {
      if (op === UnaryOp.Positive) {
        // nothing to do
      } else if (op === UnaryOp.Negative) {
        const p = this.prePopRegFlexible(this.reg.RET, this.reg.RET, this.reg.RET);
        this.as.negReg(p.reg);
        this.postPushReg(p.vtype, p.reg);
      } else if (op === UnaryOp.Invert) {
        if (this.as.notReg) {
          const p = this.prePopRegFlexible(this.reg.RET, this.reg.RET, this.reg.RET);
          this.as.notReg(p.reg);
          this.postPushReg(p.vtype, p.reg);
        } else {
          // no NOT instruction: xor with all ones
          const p = this.prePopRegFlexible(this.reg.RET, this.reg.ARG_1, this.reg.RET);
          this.as.movRegImm(this.reg.ARG_1, -1);
          this.as.xorRegReg(p.reg, this.reg.ARG_1);
          this.postPushReg(p.vtype, p.reg);
        }
      } else {
        this.viperError("'not' not implemented");
      }
    } else if (vtype === VT.PYOBJ) {
      vtype = this.prePopReg(this.reg.ARG_2);
      this.callWithImmArg(F.UNARY_OP, op, this.reg.ARG_1);
      this.postPushReg(VT.PYOBJ, this.reg.RET);
    } else {
      this.viperError(`can't do unary op of '${vtypeName(vtype)}'`);
    }
  }

  binaryOp(op: BinaryOp): void {
    let vtypeLhs = this.peekVtype(1);
    let vtypeRhs = this.peekVtype(0);
    const as = this.as;
    const isIntLike = (v: number): boolean => v === VT.INT || v === VT.UINT;
    if (isIntLike(vtypeLhs) && isIntLike(vtypeRhs)) {
      if (op >= BinaryOp.InplaceOr && op <= BinaryOp.InplacePower) op += BinaryOp.Or - BinaryOp.InplaceOr;
      const countReg = as.nativeTarget.shiftCountReg;
      if (countReg !== null && (op === BinaryOp.Lshift || op === BinaryOp.Rshift)) {
        // x86 shifts by CL: the count goes there, the value to REG_RET
        vtypeRhs = this.prePopReg(countReg);
        vtypeLhs = this.prePopReg(this.reg.RET);
        if (op === BinaryOp.Lshift) as.lslRegReg(this.reg.RET, countReg);
        else if (vtypeLhs === VT.UINT) as.lsrRegReg(this.reg.RET, countReg);
        else as.asrRegReg(this.reg.RET, countReg);
        this.postPushReg(vtypeLhs, this.reg.RET);
        return;
      }
      if (op === BinaryOp.FloorDivide || op === BinaryOp.Modulo) {
        vtypeRhs = this.prePopReg(this.reg.ARG_2);
        vtypeLhs = this.prePopReg(this.reg.ARG_1);
        if (vtypeLhs !== VT.INT) this.viperError('div/mod not implemented for uint');
        this.call(op === BinaryOp.FloorDivide ? F.SMALL_INT_FLOOR_DIVIDE : F.SMALL_INT_MODULO);
        this.postPushReg(VT.INT, this.reg.RET);
        return;
      }
      const rhs = this.prePopRegFlexible(this.reg.ARG_3, this.reg.RET, this.reg.ARG_2);
      vtypeRhs = rhs.vtype;
      vtypeLhs = this.prePopReg(this.reg.ARG_2);
      const r = rhs.reg;
      if (op === BinaryOp.Lshift || op === BinaryOp.Rshift) {
        if (op === BinaryOp.Lshift) as.lslRegReg(this.reg.ARG_2, r);
        else if (vtypeLhs === VT.UINT) as.lsrRegReg(this.reg.ARG_2, r);
        else as.asrRegReg(this.reg.ARG_2, r);
        this.postPushReg(vtypeLhs, this.reg.ARG_2);
        return;
      }
      if (op === BinaryOp.Or) {
        as.orRegReg(this.reg.ARG_2, r);
        this.postPushReg(vtypeLhs, this.reg.ARG_2);
      } else if (op === BinaryOp.Xor) {
        as.xorRegReg(this.reg.ARG_2, r);
        this.postPushReg(vtypeLhs, this.reg.ARG_2);
      } else if (op === BinaryOp.And) {
        as.andRegReg(this.reg.ARG_2, r);
        this.postPushReg(vtypeLhs, this.reg.ARG_2);
      } else if (op === BinaryOp.Add) {
        as.addRegReg(this.reg.ARG_2, r);
        this.postPushReg(vtypeLhs, this.reg.ARG_2);
      } else if (op === BinaryOp.Subtract) {
        as.subRegReg(this.reg.ARG_2, r);
        this.postPushReg(vtypeLhs, this.reg.ARG_2);
      } else if (op === BinaryOp.Multiply) {
        as.mulRegReg(this.reg.ARG_2, r);
        this.postPushReg(vtypeLhs, this.reg.ARG_2);
      } else if (op >= BinaryOp.Less && op <= BinaryOp.NotEqual) {
        if (vtypeLhs !== vtypeRhs) this.viperError('comparison of int and uint');
        const opIdx = op - BinaryOp.Less + (vtypeLhs === VT.UINT ? 0 : 6);
        this.needRegSingle(this.reg.RET, 0);
        as.setRegFromCompare(this.reg.RET, this.reg.ARG_2, r, opIdx);
        this.postPushReg(VT.BOOL, this.reg.RET);
      } else {
        this.adjustStack(1);
        // the reference names the operator through a table this build leaves empty
        this.viperError('binary op  not implemented');
      }
    } else if (vtypeLhs === VT.PYOBJ && vtypeRhs === VT.PYOBJ) {
      this.prePopReg(this.reg.ARG_3);
      this.prePopReg(this.reg.ARG_2);
      let invert = false;
      if (op === BinaryOp.NotIn) {
        invert = true;
        op = BinaryOp.In;
      } else if (op === BinaryOp.IsNot) {
        invert = true;
        op = BinaryOp.Is;
      }
      this.callWithImmArg(F.BINARY_OP, op, this.reg.ARG_1);
      if (invert) {
        as.movRegReg(this.reg.ARG_2, this.reg.RET);
        this.callWithImmArg(F.UNARY_OP, UnaryOp.Not, this.reg.ARG_1);
      }
      this.postPushReg(VT.PYOBJ, this.reg.RET);
    } else {
      this.adjustStack(-1);
      this.viperError(`can't do binary op between '${vtypeName(vtypeLhs)}' and '${vtypeName(vtypeRhs)}'`);
    }
  }

  // --- containers, functions, calls --------------------------------------------------------------

  build(nArgs: number, kind: BuildKind): void {
    if (kind === BuildKind.Slice) {
      const vts: number[] = [];
      if (nArgs === 2) {
        vts.push(this.prePopReg(this.reg.ARG_2), this.prePopReg(this.reg.ARG_1));
        this.movRegConst(this.reg.ARG_3, F.CONST_NONE_OBJ);
      } else {
        vts.push(this.prePopReg(this.reg.ARG_3), this.prePopReg(this.reg.ARG_2), this.prePopReg(this.reg.ARG_1));
      }
      if (vts.some((v) => v !== VT.PYOBJ)) throw unsupported('slice bounds must be objects');
      this.call(F.NEW_SLICE);
      this.postPushReg(VT.PYOBJ, this.reg.RET);
      return;
    }
    if (kind === BuildKind.Tuple || kind === BuildKind.List || kind === BuildKind.Set) {
      this.getStackPointerForPop(this.reg.ARG_2, nArgs);
    }
    this.callWithImmArg(F.BUILD_TUPLE + kind, nArgs, this.reg.ARG_1);
    this.postPushReg(VT.PYOBJ, this.reg.RET);
  }

  storeMap(): void {
    const k = this.prePopReg(this.reg.ARG_2);
    const v = this.prePopReg(this.reg.ARG_3);
    const m = this.prePopReg(this.reg.ARG_1);
    if (k !== VT.PYOBJ || v !== VT.PYOBJ || m !== VT.PYOBJ) throw unsupported('map item is not an object');
    this.call(F.STORE_MAP);
    this.postPushReg(VT.PYOBJ, this.reg.RET);
  }

  storeComp(kind: ScopeKind, collectionStackIndex: number): void {
    let f: F;
    if (kind === ScopeKind.ListComp || kind === ScopeKind.SetComp) {
      const vt = this.prePopReg(this.reg.ARG_2);
      if (vt !== VT.PYOBJ) throw unsupported('comprehension item is not an object');
      f = kind === ScopeKind.ListComp ? F.LIST_APPEND : F.STORE_SET;
    } else {
      const k = this.prePopReg(this.reg.ARG_2);
      const v = this.prePopReg(this.reg.ARG_3);
      if (k !== VT.PYOBJ || v !== VT.PYOBJ) throw unsupported('comprehension item is not an object');
      f = F.STORE_MAP;
    }
    this.accessStack(collectionStackIndex, this.reg.ARG_1);
    this.call(f);
  }

  unpackSequence(nArgs: number): void {
    this.prePopReg(this.reg.ARG_1);
    this.getStackPointerForPush(this.reg.ARG_3, nArgs);
    this.callWithImmArg(F.UNPACK_SEQUENCE, nArgs, this.reg.ARG_2);
  }

  unpackEx(nLeft: number, nRight: number): void {
    this.prePopReg(this.reg.ARG_1);
    this.getStackPointerForPush(this.reg.ARG_3, nLeft + nRight + 1);
    this.callWithImmArg(F.UNPACK_EX, nLeft | (nRight << 8), this.reg.ARG_2);
  }

  makeFunction(scope: Scope, nPosDefaults: number, nKwDefaults: number): void {
    this.movRegState(this.reg.ARG_2, this.localIdxFunObj());
    this.as.loadRegRegOffset(this.reg.ARG_2, this.reg.ARG_2, OFFSETOF_OBJ_FUN_BC_CONTEXT);
    if (nPosDefaults === 0 && nKwDefaults === 0) {
      this.needRegAll();
      this.as.movRegImm(this.reg.ARG_3, 0);
    } else {
      this.getStackPointerForPop(this.reg.ARG_3, 2);
      this.needRegAll();
    }
    this.loadRegWithChild(this.reg.ARG_1, this.rawCodeOf(scope));
    this.as.callInd(F.MAKE_FUNCTION_FROM_PROTO_FUN);
    this.postPushReg(VT.PYOBJ, this.reg.RET);
  }

  makeClosure(scope: Scope, nClosedOver: number, nPosDefaults: number, nKwDefaults: number): void {
    this.movRegState(this.reg.ARG_2, this.localIdxFunObj());
    this.as.loadRegRegOffset(this.reg.ARG_2, this.reg.ARG_2, OFFSETOF_OBJ_FUN_BC_CONTEXT);
    const hasDefaults = nPosDefaults !== 0 || nKwDefaults !== 0;
    if (!hasDefaults) {
      this.needRegAll();
      this.as.movRegImm(this.reg.ARG_3, 0);
    } else {
      this.getStackPointerForPop(this.reg.ARG_3, 2 + nClosedOver);
      this.adjustStack(2 + nClosedOver);
      this.needRegAll();
    }
    this.loadRegWithChild(this.reg.ARG_1, this.rawCodeOf(scope));
    this.as.callInd(F.MAKE_FUNCTION_FROM_PROTO_FUN);
    // on ARM REG_ARG_1 is REG_RET: the function object is already in place
    if (this.reg.ARG_1 !== this.reg.RET) this.as.movRegReg(this.reg.ARG_1, this.reg.RET);
    this.as.movRegImm(this.reg.ARG_2, nClosedOver);
    this.getStackPointerForPop(this.reg.ARG_3, nClosedOver);
    if (hasDefaults) this.adjustStack(-2);
    this.as.callInd(F.NEW_CLOSURE);
    this.postPushReg(VT.PYOBJ, this.reg.RET);
  }

  callFunction(nPositional: number, nKeyword: number, starFlags: number): void {
    const vtypeFun = this.peekVtype(nPositional + 2 * nKeyword);
    if (vtypeFun === VT.BUILTIN_CAST) {
      if (nPositional !== 1 || nKeyword !== 0 || starFlags) throw unsupported('a viper cast takes one argument');
      const vtypeCast = this.peekStack(1).data;
      switch (this.peekVtype(0)) {
        case VT.PYOBJ:
          this.prePopReg(this.reg.ARG_1);
          this.prePopDiscard();
          this.callWithImmArg(F.CONVERT_OBJ_TO_NATIVE, vtypeCast, this.reg.ARG_2);
          this.postPushReg(vtypeCast, this.reg.RET);
          break;
        case VT.BOOL:
        case VT.INT:
        case VT.UINT:
        case VT.PTR:
        case VT.PTR8:
        case VT.PTR16:
        case VT.PTR32:
        case VT.PTR_NONE:
          this.foldStackTop(this.reg.ARG_1);
          this.postTopSetVtype(vtypeCast);
          break;
        default:
          throw new CompileError('NotImplementedError', 'casting');
      }
      return;
    }
    if (vtypeFun !== VT.PYOBJ) throw unsupported('call of a non-object');
    if (starFlags) {
      this.getStackPointerForPop(this.reg.ARG_3, nPositional + 2 * nKeyword + 2);
      this.callWith2ImmArgs(F.CALL_METHOD_N_KW_VAR, 0, this.reg.ARG_1, nPositional | (nKeyword << 8), this.reg.ARG_2);
    } else {
      if (nPositional !== 0 || nKeyword !== 0) this.getStackPointerForPop(this.reg.ARG_3, nPositional + 2 * nKeyword);
      this.prePopReg(this.reg.ARG_1);
      this.callWithImmArg(F.NATIVE_CALL_FUNCTION_N_KW, nPositional | (nKeyword << 8), this.reg.ARG_2);
    }
    this.postPushReg(VT.PYOBJ, this.reg.RET);
  }

  callMethod(nPositional: number, nKeyword: number, starFlags: number): void {
    if (starFlags) {
      this.getStackPointerForPop(this.reg.ARG_3, nPositional + 2 * nKeyword + 3);
      this.callWith2ImmArgs(F.CALL_METHOD_N_KW_VAR, 1, this.reg.ARG_1, nPositional | (nKeyword << 8), this.reg.ARG_2);
    } else {
      this.getStackPointerForPop(this.reg.ARG_3, 2 + nPositional + 2 * nKeyword);
      this.callWith2ImmArgs(F.CALL_METHOD_N_KW, nPositional, this.reg.ARG_1, nKeyword, this.reg.ARG_2);
    }
    this.postPushReg(VT.PYOBJ, this.reg.RET);
  }

  returnValue(): void {
    const as = this.as;
    if (this.isGenerator) {
      this.getStackPointerForPop(this.reg.TEMP0, 1);
      this.movStateReg(OFFSETOF_CODE_STATE_SP, this.reg.TEMP0);
      as.movRegImm(this.reg.TEMP0, VM_RETURN_NORMAL);
      as.movLocalReg(this.localIdxRetVal, this.reg.TEMP0);
      this.unwindJump(this.exitLabel, this.excStack.length);
      return;
    }
    if (this.doViperTypes) {
      const returnVtype = this.scope.scopeFlags >> SCOPE_FLAG_VIPERRET_POS;
      if (this.peekVtype(0) === VT.PTR_NONE) {
        this.prePopDiscard();
        if (returnVtype === VT.PYOBJ) this.movRegConst(this.parent.RET, F.CONST_NONE_OBJ);
        else as.movRegImm(this.reg.ARG_1, 0);
      } else {
        const vtype = this.prePopReg(returnVtype === VT.PYOBJ ? this.parent.RET : this.reg.ARG_1);
        if (vtype !== returnVtype) {
          this.viperError(`return expected '${vtypeName(returnVtype)}' but got '${vtypeName(vtype)}'`);
        }
      }
      if (returnVtype !== VT.PYOBJ) {
        this.callWithImmArg(F.CONVERT_NATIVE_TO_OBJ, returnVtype, this.reg.ARG_2);
        if (this.reg.RET !== this.parent.RET) as.movRegReg(this.parent.RET, this.reg.RET);
      }
    } else {
      this.prePopReg(this.parent.RET);
    }
    if (this.needGlobalExcHandler()) as.movLocalReg(this.localIdxRetVal, this.parent.RET);
    this.unwindJump(this.exitLabel, this.excStack.length);
  }

  raiseVarargs(nArgs: number): void {
    if (nArgs !== 1) throw unsupported('bare raise or raise-from is not supported in native code');
    const vt = this.prePopReg(this.reg.ARG_1);
    if (vt !== VT.PYOBJ) this.viperError('must raise an object');
    this.call(F.NATIVE_RAISE);
    this.as.suppressCode();
  }

  yieldOp(kind: YieldKind): void {
    if (this.doViperTypes) throw new CompileError('NotImplementedError', 'native yield');
    const l = this.newLabels(kind === YieldKind.From ? 3 : 1);
    const as = this.as;
    this.scope.scopeFlags |= ScopeFlag.GENERATOR;
    this.needStackSettled();
    if (kind === YieldKind.From) {
      this.jump(l + 2);
      this.labelAssign(l + 1);
    }
    this.getStackPointerForPop(this.reg.TEMP0, 1);
    this.movStateReg(OFFSETOF_CODE_STATE_SP, this.reg.TEMP0);
    as.movRegImm(this.reg.TEMP0, VM_RETURN_YIELD);
    as.movLocalReg(this.localIdxRetVal, this.reg.TEMP0);
    as.movRegPcrel(this.reg.TEMP0, l);
    this.movStateReg(this.localIdxGenPc(), this.reg.TEMP0);
    as.jump(this.exitLabel);
    as.labelAssign(l);
    for (let i = this.excStack.length - 1; i >= 0; i--) {
      const e = this.excStack[i]!;
      if (e.isActive) {
        as.movRegPcrel(this.reg.RET, e.label);
        as.movLocalReg(this.localIdxExcHandlerPc, this.reg.RET);
        break;
      }
    }
    this.adjustStackSize(1);
    if (kind === YieldKind.Value) {
      as.movRegLocal(this.reg.ARG_1, this.localIdxThrowVal);
      this.movLocalNull(this.localIdxThrowVal, this.reg.ARG_2);
      this.call(F.NATIVE_RAISE);
    } else {
      this.labelAssign(l + 2);
      as.movRegLocal(this.reg.ARG_3, this.localIdxThrowVal);
      as.movRegImm(this.reg.ARG_2, 0);
      as.movLocalReg(this.localIdxThrowVal, this.reg.ARG_2);
      this.prePopReg(this.reg.ARG_2);
      this.accessStack(1, this.reg.ARG_1);
      this.postPushReg(VT.PYOBJ, this.reg.ARG_3);
      this.getStackPointerForPop(this.reg.ARG_3, 1);
      this.call(F.NATIVE_YIELD_FROM);
      as.jumpIfRegNonzero(this.reg.RET, l + 1, true);
      this.adjustStackSize(1);
      this.foldStackTop(this.reg.ARG_1);
    }
  }

  startExceptHandler(): void {
    this.leaveExcStack(true);
    this.as.movRegLocal(this.reg.TEMP0, LOCAL_IDX_EXC_VAL);
    this.postPushReg(VT.PYOBJ, this.reg.TEMP0);
  }

  endExceptHandler(): void {
    // nothing: the handler's value was already accounted for
  }
}
