// Bytecode emitter: turns the compiler's abstract operations into mpy v6
// bytecode plus its prelude/code-info, for one scope per pass. The compiler
// runs the same calls over several passes (scope, stack size, code size,
// emit); jump encodings can only shrink between passes, and the emit pass is
// repeated until the code size is stable.
import { Op, SMALL_INT_MULTI_EXCESS, SMALL_INT_MULTI_NUM, ITER_BUF_NSLOTS, ScopeFlag, encodePreludeSignature, encodePreludeSize } from './bytecode.ts';
import { CompileError } from './errors.ts';
import type { ConstObj } from './objects.ts';
import { BinaryOp, UnaryOp } from './ops.ts';
import type { RawCode } from './rawcode.ts';
import { ID_FLAG_IS_PARAM, IdKind, Scope, ScopeKind } from './scope.ts';
import { Tok } from './tokens.ts';

export enum Pass {
  Scope = 1,
  StackSize = 2,
  CodeSize = 3,
  Emit = 4,
}

/** A raw code whose contents are filled in when its scope's emit pass completes. */
export interface MutableRawCode {
  kind: 'bytecode';
  funData: Uint8Array;
  children: RawCode[];
}

export const BREAK_FROM_FOR = 0x8000;

export enum IdOpGlobal {
  Name = 0,
  Global = 1,
}
export enum IdOpLocal {
  Fast = 0,
  Deref = 1,
}
export enum SubscrKind {
  Load,
  Store,
  Delete,
}
export enum AttrKind {
  Load,
  Store,
  Delete,
}
export enum BuildKind {
  Tuple = 0,
  List = 1,
  Map = 2,
  Set = 3,
  Slice = 4,
}
export enum ImportKind {
  Name = 0,
  From = 1,
  Star = 2,
}
export enum SetupBlockKind {
  With = 0,
  Except = 1,
  Finally = 2,
}
export enum YieldKind {
  Value = 0,
  From = 1,
}
export const STAR_FLAG_SINGLE = 0x01;
export const STAR_FLAG_DOUBLE = 0x02;

// ---------------------------------------------------------------------------
// Module-wide tables shared by all scopes (upstream: mp_emit_common_t)

/**
 * Key under which two constants are "strictly equal" in upstream's sense:
 * the same object, or the same type and an equal value (0.0 and -0.0
 * distinct for floats; tuples item by item, each item strictly equal). A
 * value that equals nothing but itself (a float or complex with a NaN) is
 * keyed by the identity of its object, `objectId`.
 */
function constKey(o: ConstObj, objectId: (o: ConstObj) => number): string {
  switch (o.kind) {
    case 'none':
    case 'false':
    case 'true':
    case 'ellipsis':
      return o.kind;
    case 'str':
      return 's' + o.value.length + ':' + o.value;
    case 'bytes':
      return 'b' + o.value.length + ':' + o.value;
    case 'int':
      return 'i' + o.value.toString();
    case 'float':
      if (Number.isNaN(o.value)) return '#' + objectId(o);
      return 'f' + (Object.is(o.value, -0) ? '-0' : String(o.value));
    case 'complex': {
      // complex equality is plain numeric equality of both parts (0.0 == -0.0)
      if (Number.isNaN(o.real) || Number.isNaN(o.imag)) return '#' + objectId(o);
      return 'c' + String(o.real === 0 ? 0 : o.real) + ',' + String(o.imag === 0 ? 0 : o.imag);
    }
    case 'tuple': {
      let k = 't' + o.items.length + '(';
      for (const item of o.items) {
        const ik = constKey(item, objectId);
        k += ik.length + ':' + ik;
      }
      return k + ')';
    }
  }
}

export class ModuleTables {
  pass: Pass = Pass.Scope;
  /** children made (MAKE_FUNCTION/CLOSURE) by the scope currently being emitted */
  ctCurChild = 0;
  children: (MutableRawCode | null)[] = [];
  readonly qstrs: string[] = [];
  private readonly qstrIndex = new Map<string, number>();
  readonly consts: ConstObj[] = [];
  private readonly constByKey = new Map<string, number>();
  private readonly constByIdentity = new Map<ConstObj, number>();
  /** identity numbers of the objects that only equal themselves (NaNs) */
  private readonly objectIds = new Map<ConstObj, number>();
  private readonly objectId = (o: ConstObj): number => {
    let id = this.objectIds.get(o);
    if (id === undefined) {
      id = this.objectIds.size;
      this.objectIds.set(o, id);
    }
    return id;
  };

  constructor(sourceName: string) {
    this.useQstr(sourceName);
  }

  startPass(pass: Pass): void {
    this.pass = pass;
    if (pass === Pass.CodeSize) this.children = new Array<MutableRawCode | null>(this.ctCurChild).fill(null);
    this.ctCurChild = 0;
  }

  /** Index of a qstr in the module's table, adding it on first use. */
  useQstr(q: string): number {
    let i = this.qstrIndex.get(q);
    if (i === undefined) {
      i = this.qstrs.length;
      this.qstrs.push(q);
      this.qstrIndex.set(q, i);
    }
    return i;
  }

  /**
   * Index of a constant: the first strictly-equal entry, else a new one.
   * The same object always matches (upstream compares pointers first), so
   * e.g. every `math.nan` shares one entry while a folded NaN gets its own.
   */
  useConst(obj: ConstObj): number {
    const byId = this.constByIdentity.get(obj);
    if (byId !== undefined) return byId;
    const key = constKey(obj, this.objectId);
    let i = this.constByKey.get(key);
    if (i === undefined) {
      i = this.consts.length;
      this.consts.push(obj);
      this.constByKey.set(key, i);
    }
    this.constByIdentity.set(obj, i);
    return i;
  }

  allocChild(rc: MutableRawCode): number {
    if (this.pass === Pass.Emit) this.children[this.ctCurChild] = rc;
    return this.ctCurChild++;
  }
}

// ---------------------------------------------------------------------------

/** Raised (as a RuntimeError without location) when a jump does not fit. */
export function bytecodeOverflow(): CompileError {
  return new CompileError('RuntimeError', 'bytecode overflow');
}

/** The qstr/constant table operands of one pass, in order, with their indices. */
interface OperandLog {
  readonly keys: (string | ConstObj)[];
  readonly indices: number[];
}

export class BytecodeEmitter {
  private pass: Pass = Pass.Scope;
  /** dead code after an unconditional jump/return/raise is not written */
  private suppress = false;
  private stackSize = 0;
  private scope!: Scope;
  private lastSourceLineOffset = 0;
  private lastSourceLine = 1;
  private labelOffsets: Int32Array = new Int32Array(0);
  private codeInfoOffset = 0;
  private codeInfoSize = 0;
  private bytecodeOffset = 0;
  private bytecodeSize = 0;
  private code: Uint8Array = new Uint8Array(0);
  private overflow = false;
  private nInfo = 0;
  private nCell = 0;

  // Every pass over a scope asks the module tables for the same qstrs and
  // constants in the same order. A pass records the answers, the next pass
  // replays them, checking each key by identity, and goes back to table
  // lookups at the first difference: the scope pass records for the
  // stack-size pass (which records again, as the scope pass may differ),
  // and that one for the code-size and emit passes. This saves a hash
  // lookup per operand per pass on big modules.
  // The scope pass logs all scopes into one log (a span per scope); the
  // other passes log one scope at a time.
  private readonly scopePassLog: OperandLog = { keys: [], indices: [] };
  private readonly lastPassLog: OperandLog = { keys: [], indices: [] };
  private replayFrom: OperandLog | null = null;
  private replayPos = 0;
  private replayEnd = 0;
  private recordTo: OperandLog | null = null;

  constructor(
    private readonly tables: ModuleTables,
    /** -O level: 3 drops line numbers */
    private readonly optimize: number,
    private readonly rawCodeOf: (s: Scope) => MutableRawCode,
  ) {}

  setMaxNumLabels(n: number): void {
    this.labelOffsets = new Int32Array(n);
  }

  // --- low-level writers ----------------------------------------------------

  private ciByte(b: number): void {
    if (this.pass === Pass.Emit) this.code[this.codeInfoOffset] = b;
    this.codeInfoOffset++;
  }

  private ciUint(val: number): void {
    const n = uintLen(val);
    if (this.pass === Pass.Emit) writeUint(this.code, this.codeInfoOffset, val, n);
    this.codeInfoOffset += n;
  }

  private ciQstr(q: string): void {
    this.ciUint(this.qstrOperand(q));
  }

  /** Module table index of a qstr operand (see scopePassLog). */
  private qstrOperand(q: string): number {
    let i: number;
    const from = this.replayFrom;
    if (from !== null && this.replayPos < this.replayEnd && from.keys[this.replayPos] === q) {
      i = from.indices[this.replayPos++]!;
    } else {
      this.replayFrom = null;
      i = this.tables.useQstr(q);
    }
    const to = this.recordTo;
    if (to !== null) {
      to.keys.push(q);
      to.indices.push(i);
    }
    return i;
  }

  /** Module table index of a constant operand (see scopePassLog). */
  private constOperand(obj: ConstObj): number {
    let i: number;
    const from = this.replayFrom;
    if (from !== null && this.replayPos < this.replayEnd && from.keys[this.replayPos] === obj) {
      i = from.indices[this.replayPos++]!;
    } else {
      this.replayFrom = null;
      i = this.tables.useConst(obj);
    }
    const to = this.recordTo;
    if (to !== null) {
      to.keys.push(obj);
      to.indices.push(i);
    }
    return i;
  }

  private writeLineInfo(bytesToSkip: number, linesToSkip: number): void {
    while (bytesToSkip > 0 || linesToSkip > 0) {
      if (bytesToSkip === 0 && linesToSkip >= LINE_INFO_MAX_LINES) {
        // a run of whole 2-byte "skip 2047 lines" entries (a function far
        // down a big file starts with one per 2047 lines): written at once
        const full = Math.floor(linesToSkip / LINE_INFO_MAX_LINES);
        if (this.pass === Pass.Emit) {
          const code = this.code;
          for (let k = 0, at = this.codeInfoOffset; k < full; k++, at += 2) {
            code[at] = 0x80 | ((LINE_INFO_MAX_LINES >> 4) & 0x70);
            code[at + 1] = LINE_INFO_MAX_LINES & 0xff;
          }
        }
        this.codeInfoOffset += 2 * full;
        linesToSkip -= full * LINE_INFO_MAX_LINES;
        continue;
      }
      let b: number;
      let l: number;
      if (linesToSkip <= 6 || bytesToSkip > 0xf) {
        // 0b0LLBBBBB
        b = Math.min(bytesToSkip, 0x1f);
        l = b < bytesToSkip ? 0 : Math.min(linesToSkip, 0x3);
        this.ciByte(b | (l << 5));
      } else {
        // 0b1LLLBBBB 0bLLLLLLLL
        b = Math.min(bytesToSkip, 0xf);
        l = Math.min(linesToSkip, LINE_INFO_MAX_LINES);
        this.ciByte(0x80 | b | ((l >> 4) & 0x70));
        this.ciByte(l & 0xff);
      }
      bytesToSkip -= b;
      linesToSkip -= l;
    }
  }

  /** Reserve n bytecode bytes; returns the write position or -1 if not writing. */
  private bcReserve(n: number): number {
    if (this.suppress) return -1;
    const at = this.bytecodeOffset;
    this.bytecodeOffset += n;
    return this.pass === Pass.Emit ? this.codeInfoSize + at : -1;
  }

  private rawByte(b: number): void {
    const at = this.bcReserve(1);
    if (at >= 0) this.code[at] = b;
  }

  private byte(stackAdj: number, b: number): void {
    this.adjustStackSize(stackAdj);
    this.rawByte(b);
  }

  private byteUint(stackAdj: number, b: number, val: number): void {
    this.byte(stackAdj, b);
    const n = uintLen(val);
    const at = this.bcReserve(n);
    if (at >= 0) writeUint(this.code, at, val, n);
  }

  /** opcode + signed var-int (7 bits a byte, big-endian, sign in bit 6 of the first) */
  private byteInt(stackAdj: number, b: number, num: bigint): void {
    this.byte(stackAdj, b);
    if (num >= -MAX_SAFE_BIG && num <= MAX_SAFE_BIG) {
      // exact in a double: no BigInt arithmetic needed
      let v = Number(num);
      let n = 1;
      for (let lo = -64, hi = 63; v < lo || v > hi; lo *= 128, hi = hi * 128 + 127) n++;
      const at = this.bcReserve(n);
      if (at >= 0) {
        for (let i = n - 1; i >= 0; i--) {
          const q = Math.floor(v / 128);
          this.code[at + i] = (v - q * 128) | (i < n - 1 ? 0x80 : 0);
          v = q;
        }
      }
      return;
    }
    const groups: number[] = [];
    do {
      groups.push(Number(num & 0x7fn));
      num >>= 7n;
    } while (num !== 0n && num !== -1n);
    const top = groups[groups.length - 1]!;
    if (num === -1n && (top & 0x40) === 0) groups.push(0x7f);
    else if (num === 0n && (top & 0x40) !== 0) groups.push(0);
    const at = this.bcReserve(groups.length);
    if (at >= 0) {
      for (let i = 0; i < groups.length; i++) {
        const g = groups[groups.length - 1 - i]!;
        this.code[at + i] = i < groups.length - 1 ? g | 0x80 : g;
      }
    }
  }

  private byteQstr(stackAdj: number, b: number, q: string): void {
    this.byteUint(stackAdj, b, this.qstrOperand(q));
  }

  private byteObj(stackAdj: number, b: number, obj: ConstObj): void {
    this.byteUint(stackAdj, b, this.constOperand(obj));
  }

  private byteChild(stackAdj: number, b: number, rc: MutableRawCode): void {
    this.byteUint(stackAdj, b, this.tables.allocChild(rc));
  }

  /**
   * A jump to a label, relative to the end of the instruction. Before the
   * code size is known the offset takes 2 bytes; afterwards 1 byte if it fits.
   */
  private byteLabel(stackAdj: number, b: number, label: number): void {
    this.adjustStackSize(stackAdj);
    if (this.suppress) return;
    const isSigned = b <= Op.POP_JUMP_IF_FALSE;
    let encodingSize = 1;
    let offset = 0;
    if (this.pass >= Pass.CodeSize) {
      offset = this.labelOffsets[label]! - this.bytecodeOffset - 2;
      if ((isSigned && offset >= -64 && offset <= 63) || (!isSigned && offset >= 0 && offset <= 127)) {
        encodingSize = 0;
      }
      offset -= encodingSize;
    }
    const at = this.bcReserve(2 + encodingSize);
    if (encodingSize === 0) {
      if (isSigned) offset += 0x40;
      if (at >= 0) {
        this.code[at] = b;
        this.code[at + 1] = offset;
      }
    } else {
      if (isSigned) offset += 0x4000;
      if (this.pass === Pass.Emit && !(offset >= 0 && offset <= 0x7fff)) this.overflow = true;
      if (at >= 0) {
        this.code[at] = b;
        this.code[at + 1] = 0x80 | (offset & 0x7f);
        this.code[at + 2] = (offset >> 7) & 0xff;
      }
    }
  }

  // --- pass control ---------------------------------------------------------

  startPass(pass: Pass, scope: Scope): void {
    this.pass = pass;
    // the scope pass runs over all scopes first; then each scope gets its
    // stack-size, code-size and emit passes in a row
    if (pass === Pass.Scope) {
      this.replayFrom = null;
      this.recordTo = this.scopePassLog;
      scope.scopePassOperandStart = this.scopePassLog.keys.length;
    } else if (pass === Pass.StackSize) {
      if (scope.scopePassOperandEnd >= 0) {
        this.replayFrom = this.scopePassLog;
        this.replayPos = scope.scopePassOperandStart;
        this.replayEnd = scope.scopePassOperandEnd;
      } else {
        this.replayFrom = null;
      }
      this.lastPassLog.keys.length = 0;
      this.lastPassLog.indices.length = 0;
      this.recordTo = this.lastPassLog;
    } else {
      this.replayFrom = this.lastPassLog;
      this.replayPos = 0;
      this.replayEnd = this.lastPassLog.keys.length;
      this.recordTo = null;
    }
    this.stackSize = 0;
    this.suppress = false;
    this.scope = scope;
    this.lastSourceLineOffset = 0;
    this.lastSourceLine = 1;
    this.bytecodeOffset = 0;
    this.codeInfoOffset = 0;
    this.overflow = false;

    // prelude signature: state size, exception stack size, flags, arg counts
    const put = (byte: number): void => this.ciByte(byte);
    encodePreludeSignature({
      // at least one state slot: an exception propagating out is stored there
      nState: Math.max(1, scope.numLocals + scope.stackSize),
      nExcStack: scope.excStackSize,
      flags: scope.scopeFlags & ScopeFlag.ALL_SIG,
      nPosArgs: scope.numPosArgs,
      nKwonlyArgs: scope.numKwonlyArgs,
      nDefPosArgs: scope.numDefPosArgs,
    }, put);

    // prelude size: code-info size and number of cells (known from the previous pass)
    if (pass >= Pass.CodeSize) encodePreludeSize(this.nInfo, this.nCell, put);

    this.nInfo = this.codeInfoOffset;

    this.ciQstr(scope.simpleName);

    // argument names, to match positional args given as keywords; slots that
    // are not parameters (closed-over variables) get the name "*"
    const nArgs = scope.numPosArgs + scope.numKwonlyArgs;
    if (nArgs > 0) {
      const paramAt: (string | undefined)[] = new Array(nArgs).fill(undefined);
      for (const id of scope.ids) {
        if (id.flags & ID_FLAG_IS_PARAM && id.localNum < nArgs && paramAt[id.localNum] === undefined) paramAt[id.localNum] = id.name;
      }
      for (let i = 0; i < nArgs; i++) this.ciQstr(paramAt[i] ?? '*');
    }
  }

  /** Returns false when the emit pass must be run again (code size changed). */
  endPass(): boolean {
    if (this.pass === Pass.Scope) {
      this.scope.scopePassOperandEnd = this.scopePassLog.keys.length;
      return true;
    }

    this.nInfo = this.codeInfoOffset - this.nInfo;
    this.writeCellSection();

    if (this.pass === Pass.CodeSize) {
      this.codeInfoSize = this.codeInfoOffset;
      this.bytecodeSize = this.bytecodeOffset;
      this.code = new Uint8Array(this.codeInfoSize + this.bytecodeSize);
    } else if (this.pass === Pass.Emit) {
      if (this.codeInfoOffset !== this.codeInfoSize || this.bytecodeOffset !== this.bytecodeSize) {
        // shrank: run the emit pass again with the new sizes
        this.codeInfoSize = this.codeInfoOffset;
        this.bytecodeSize = this.bytecodeOffset;
        return false;
      }
      if (this.overflow) throw bytecodeOverflow();
      const rc = this.rawCodeOf(this.scope);
      rc.funData = this.code.subarray(0, this.codeInfoSize + this.bytecodeSize);
      rc.children = this.tables.children.slice(0, this.tables.ctCurChild) as RawCode[];
    }
    return true;
  }

  /**
   * The closure section: locals to be turned into cells. (A loop of its own:
   * V8 compiles a long-running loop on the fly when it first meets one, and
   * code after such a loop in the same function would then deoptimize on
   * every later call.)
   */
  private writeCellSection(): void {
    this.nCell = 0;
    for (const id of this.scope.ids) {
      if (id.kind === IdKind.Cell) {
        this.ciByte(id.localNum & 0xff);
        this.nCell++;
      }
    }
  }

  adjustStackSize(delta: number): void {
    if (this.pass === Pass.Scope) return;
    this.stackSize += delta;
    if (this.stackSize > this.scope.stackSize) this.scope.stackSize = this.stackSize;
  }

  setSourceLine(line: number): void {
    if (this.optimize >= 3) return; // -O3 drops line numbers
    if (line > this.lastSourceLine) {
      const bytesToSkip = this.bytecodeOffset - this.lastSourceLineOffset;
      const linesToSkip = line - this.lastSourceLine;
      this.writeLineInfo(bytesToSkip, linesToSkip);
      this.lastSourceLineOffset = this.bytecodeOffset;
      this.lastSourceLine = line;
    }
  }

  labelAssign(label: number): void {
    this.suppress = false;
    if (this.pass === Pass.Scope) return;
    this.labelOffsets[label] = this.bytecodeOffset;
  }

  // --- operations -------------------------------------------------------------

  importOp(q: string, kind: ImportKind): void {
    const stackAdj = kind === ImportKind.From ? 1 : -1;
    if (kind === ImportKind.Star) this.byte(stackAdj, Op.IMPORT_STAR);
    else this.byteQstr(stackAdj, Op.IMPORT_NAME + kind, q);
  }

  loadConstTok(tok: Tok): void {
    if (tok === Tok.Ellipsis) this.byteObj(1, Op.LOAD_CONST_OBJ, ELLIPSIS);
    else if (tok === Tok.KwFalse) this.byte(1, Op.LOAD_CONST_FALSE);
    else if (tok === Tok.KwNone) this.byte(1, Op.LOAD_CONST_NONE);
    else if (tok === Tok.KwTrue) this.byte(1, Op.LOAD_CONST_TRUE);
    else throw new Error(`emitter: token ${Tok[tok]} is not a constant`);
  }

  loadConstSmallInt(arg: bigint): void {
    if (arg >= -SMALL_INT_MULTI_EXCESS && arg < SMALL_INT_MULTI_NUM - SMALL_INT_MULTI_EXCESS) {
      this.byte(1, Op.LOAD_CONST_SMALL_INT_MULTI + SMALL_INT_MULTI_EXCESS + Number(arg));
    } else {
      this.byteInt(1, Op.LOAD_CONST_SMALL_INT, arg);
    }
  }

  loadConstStr(q: string): void {
    this.byteQstr(1, Op.LOAD_CONST_STRING, q);
  }

  loadConstObj(obj: ConstObj): void {
    this.byteObj(1, Op.LOAD_CONST_OBJ, obj);
  }

  loadNull(): void {
    this.byte(1, Op.LOAD_NULL);
  }

  loadLocal(localNum: number, kind: IdOpLocal): void {
    if (kind === IdOpLocal.Fast && localNum <= 15) this.byte(1, Op.LOAD_FAST_MULTI + localNum);
    else this.byteUint(1, Op.LOAD_FAST_N + kind, localNum);
  }

  loadGlobal(q: string, kind: IdOpGlobal): void {
    this.byteQstr(1, Op.LOAD_NAME + kind, q);
  }

  /**
   * Global name operations by the name's index in the module's qstr table
   * (from `qstrIndex`), so a caller that remembers the index skips the lookup.
   */
  globalOpAt(qstrIndex: number, kind: IdOpGlobal, op: 'load' | 'store' | 'delete'): void {
    if (op === 'load') this.byteUint(1, Op.LOAD_NAME + kind, qstrIndex);
    else if (op === 'store') this.byteUint(-1, Op.STORE_NAME + kind, qstrIndex);
    else this.byteUint(0, Op.DELETE_NAME + kind, qstrIndex);
  }

  /** The index of `q` in the module's qstr table, adding it on first use. */
  qstrIndex(q: string): number {
    return this.tables.useQstr(q);
  }

  loadMethod(q: string, isSuper: boolean): void {
    this.byteQstr(isSuper ? -1 : 1, isSuper ? Op.LOAD_SUPER_METHOD : Op.LOAD_METHOD, q);
  }

  loadBuildClass(): void {
    this.byte(1, Op.LOAD_BUILD_CLASS);
  }

  subscr(kind: SubscrKind): void {
    if (kind === SubscrKind.Load) {
      this.byte(-1, Op.LOAD_SUBSCR);
    } else {
      if (kind === SubscrKind.Delete) {
        this.loadNull();
        this.rotThree();
      }
      this.byte(-3, Op.STORE_SUBSCR);
    }
  }

  attr(q: string, kind: AttrKind): void {
    if (kind === AttrKind.Load) {
      this.byteQstr(0, Op.LOAD_ATTR, q);
    } else {
      if (kind === AttrKind.Delete) {
        this.loadNull();
        this.rotTwo();
      }
      this.byteQstr(-2, Op.STORE_ATTR, q);
    }
  }

  storeLocal(localNum: number, kind: IdOpLocal): void {
    if (kind === IdOpLocal.Fast && localNum <= 15) this.byte(-1, Op.STORE_FAST_MULTI + localNum);
    else this.byteUint(-1, Op.STORE_FAST_N + kind, localNum);
  }

  deleteLocal(localNum: number, kind: IdOpLocal): void {
    this.byteUint(0, Op.DELETE_FAST + kind, localNum);
  }

  dupTop(): void {
    this.byte(1, Op.DUP_TOP);
  }
  dupTopTwo(): void {
    this.byte(2, Op.DUP_TOP_TWO);
  }
  popTop(): void {
    this.byte(-1, Op.POP_TOP);
  }
  rotTwo(): void {
    this.byte(0, Op.ROT_TWO);
  }
  rotThree(): void {
    this.byte(0, Op.ROT_THREE);
  }

  jump(label: number): void {
    this.byteLabel(0, Op.JUMP, label);
    this.suppress = true;
  }

  popJumpIf(cond: boolean, label: number): void {
    this.byteLabel(-1, cond ? Op.POP_JUMP_IF_TRUE : Op.POP_JUMP_IF_FALSE, label);
  }

  jumpIfOrPop(cond: boolean, label: number): void {
    this.byteLabel(-1, cond ? Op.JUMP_IF_TRUE_OR_POP : Op.JUMP_IF_FALSE_OR_POP, label);
  }

  unwindJump(label: number, exceptDepth: number): void {
    const target = label & ~BREAK_FROM_FOR;
    if (exceptDepth === 0) {
      if (label & BREAK_FROM_FOR) {
        // pop the iterator and its iter_buf slots
        for (let i = 0; i < ITER_BUF_NSLOTS; i++) this.rawByte(Op.POP_TOP);
      }
      this.byteLabel(0, Op.JUMP, target);
    } else {
      this.byteLabel(0, Op.UNWIND_JUMP, target);
      this.rawByte((label & BREAK_FROM_FOR ? 0x80 : 0) | exceptDepth);
    }
    this.suppress = true;
  }

  setupBlock(label: number, kind: SetupBlockKind): void {
    // SETUP_WITH pops the context manager and pushes __exit__, ctx_mgr, as_value
    this.byteLabel(kind === SetupBlockKind.With ? 2 : 0, Op.SETUP_WITH + kind, label);
  }

  withCleanup(label: number): void {
    this.loadConstTok(Tok.KwNone);
    this.labelAssign(label);
    // +2 for calling __exit__, then cancel it and the +2 of SETUP_WITH
    this.byte(2, Op.WITH_CLEANUP);
    this.adjustStackSize(-4);
  }

  asyncWithSetupFinally(labelAexitNoExc: number, labelFinallyBlock: number, labelRetUnwindJump: number): void {
    this.loadConstTok(Tok.KwNone);
    this.rotTwo();
    this.jump(labelAexitNoExc);
    this.labelAssign(labelFinallyBlock);
    this.dupTop();
    this.loadGlobal('BaseException', IdOpGlobal.Global);
    this.binaryOp(BinaryOp.ExceptionMatch);
    this.popJumpIf(false, labelRetUnwindJump);
  }

  endFinally(): void {
    this.byte(-1, Op.END_FINALLY);
  }

  getIter(useStack: boolean): void {
    this.byte(useStack ? ITER_BUF_NSLOTS - 1 : 0, useStack ? Op.GET_ITER_STACK : Op.GET_ITER);
  }

  forIter(label: number): void {
    this.byteLabel(1, Op.FOR_ITER, label);
  }

  forIterEnd(): void {
    this.adjustStackSize(-ITER_BUF_NSLOTS);
  }

  popExceptJump(label: number): void {
    this.byteLabel(0, Op.POP_EXCEPT_JUMP, label);
    this.suppress = true;
  }

  unaryOp(op: UnaryOp): void {
    this.byte(0, Op.UNARY_OP_MULTI + op);
  }

  binaryOp(op: BinaryOp): void {
    let invert = false;
    if (op === BinaryOp.NotIn) {
      invert = true;
      op = BinaryOp.In;
    } else if (op === BinaryOp.IsNot) {
      invert = true;
      op = BinaryOp.Is;
    }
    this.byte(-1, Op.BINARY_OP_MULTI + op);
    if (invert) this.byte(0, Op.UNARY_OP_MULTI + UnaryOp.Not);
  }

  build(nArgs: number, kind: BuildKind): void {
    const stackAdj = kind === BuildKind.Map ? 1 : 1 - nArgs;
    this.byteUint(stackAdj, Op.BUILD_TUPLE + kind, nArgs);
  }

  storeMap(): void {
    this.byte(-2, Op.STORE_MAP);
  }

  storeComp(kind: ScopeKind, collectionStackIndex: number): void {
    let n: number;
    let t: number;
    if (kind === ScopeKind.ListComp) {
      n = 0;
      t = 0;
    } else if (kind === ScopeKind.DictComp) {
      n = 1;
      t = 1;
    } else {
      n = 0;
      t = 2;
    }
    // low 2 bits of the argument: collection type
    this.byteUint(-1 - n, Op.STORE_COMP, ((collectionStackIndex + n) << 2) | t);
  }

  unpackSequence(nArgs: number): void {
    this.byteUint(-1 + nArgs, Op.UNPACK_SEQUENCE, nArgs);
  }

  unpackEx(nLeft: number, nRight: number): void {
    this.byteUint(-1 + nLeft + nRight + 1, Op.UNPACK_EX, nLeft | (nRight << 8));
  }

  makeFunction(scope: Scope, nPosDefaults: number, nKwDefaults: number): void {
    const rc = this.rawCodeOf(scope);
    if (nPosDefaults === 0 && nKwDefaults === 0) this.byteChild(1, Op.MAKE_FUNCTION, rc);
    else this.byteChild(-1, Op.MAKE_FUNCTION_DEFARGS, rc);
  }

  makeClosure(scope: Scope, nClosedOver: number, nPosDefaults: number, nKwDefaults: number): void {
    const rc = this.rawCodeOf(scope);
    if (nPosDefaults === 0 && nKwDefaults === 0) {
      this.byteChild(-nClosedOver + 1, Op.MAKE_CLOSURE, rc);
    } else {
      this.byteChild(-2 - nClosedOver + 1, Op.MAKE_CLOSURE_DEFARGS, rc);
    }
    this.rawByte(nClosedOver & 0xff);
  }

  private callHelper(stackAdj: number, base: number, nPositional: number, nKeyword: number, starFlags: number): void {
    if (starFlags) {
      // each kwarg is key + value; plus one object: the star-args bitmap
      stackAdj -= nPositional + 2 * nKeyword + 1;
      this.byteUint(stackAdj, base + 1, (nKeyword << 8) | nPositional);
    } else {
      stackAdj -= nPositional + 2 * nKeyword;
      this.byteUint(stackAdj, base, (nKeyword << 8) | nPositional);
    }
  }

  callFunction(nPositional: number, nKeyword: number, starFlags: number): void {
    this.callHelper(0, Op.CALL_FUNCTION, nPositional, nKeyword, starFlags);
  }

  callMethod(nPositional: number, nKeyword: number, starFlags: number): void {
    this.callHelper(-1, Op.CALL_METHOD, nPositional, nKeyword, starFlags);
  }

  returnValue(): void {
    this.byte(-1, Op.RETURN_VALUE);
    this.suppress = true;
  }

  raiseVarargs(nArgs: number): void {
    this.byte(-nArgs, Op.RAISE_LAST + nArgs);
    this.suppress = true;
  }

  yieldOp(kind: YieldKind): void {
    this.byte(-kind, Op.YIELD_VALUE + kind);
    this.scope.scopeFlags |= ScopeFlag.GENERATOR;
  }

  startExceptHandler(): void {
    // the exception instance, plus 3 for a possible UNWIND_JUMP state
    this.adjustStackSize(4);
  }

  endExceptHandler(): void {
    this.adjustStackSize(-3);
  }
}

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/** Most lines one line-info entry can skip (its 2-byte form). */
const LINE_INFO_MAX_LINES = 0x7ff;

const ELLIPSIS: ConstObj = Object.freeze({ kind: 'ellipsis' }) as ConstObj;

/** Bytes needed for an unsigned var-int (7 bits a byte). */
function uintLen(val: number): number {
  let n = 1;
  while (val >= 0x80) {
    val = Math.floor(val / 128);
    n++;
  }
  return n;
}

/** Unsigned var-int, big-endian 7-bit groups, high bit set on all but the last. */
function writeUint(buf: Uint8Array, at: number, val: number, n: number): void {
  for (let i = n - 1; i >= 0; i--) {
    buf[at + i] = (val & 0x7f) | (i < n - 1 ? 0x80 : 0);
    val = Math.floor(val / 128);
  }
}
