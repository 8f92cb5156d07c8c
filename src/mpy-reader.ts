// A strict .mpy v6 reader: header, qstr table, constant table and the
// raw-code tree with decoded preludes, line tables and bytecode. Native code
// is kept as an opaque blob with its format-level metadata parsed. Any
// corrupt or truncated input raises MpyFormatError naming the byte offset and
// what was expected there; no other exception escapes `readMpy`.
import {
  ArgFormat,
  CHILD_OPS,
  Op,
  decodeOp,
  isDecodeFailure,
  type DecodedOp,
} from './bytecode-ops.ts';
import { parseDecimalFloat } from './float-repr.ts';
import {
  CodeKind,
  MPY_FEATURE_ARCH_FLAGS,
  MPY_MAGIC,
  MPY_SUB_VERSION,
  MPY_VERSION,
  NATIVE_ARCHS,
  PersistentObj,
  SCOPE_FLAG_VIPERBSS,
  SCOPE_FLAG_VIPERRELOC,
  SCOPE_FLAG_VIPERRODATA,
} from './mpy-format.ts';
import { bytesToByteString } from './objects.ts';
import { STATIC_QSTRS } from '../qstr/static.ts';

export class MpyFormatError extends Error {
  constructor(
    readonly offset: number,
    readonly expected: string,
    readonly file?: string,
  ) {
    super(`${file !== undefined ? file + ': ' : ''}offset ${offset}: expected ${expected}`);
    this.name = 'MpyFormatError';
  }
}

export interface MpyHeader {
  readonly version: number;
  /** the feature byte as stored */
  readonly feature: number;
  readonly subVersion: number;
  /** native architecture number (0: bytecode only) */
  readonly arch: number;
  readonly archName: string;
  readonly smallIntBits: number;
  readonly archFlags?: number;
}

export interface MpyQstr {
  readonly value: string; // byte string
  /** static qstr number when stored by number */
  readonly staticIndex?: number;
  readonly offset: number;
}

/** A constant-table entry; numbers keep the exact text stored in the file. */
export type MpyConst =
  | { readonly kind: 'funtable' }
  | { readonly kind: 'none' }
  | { readonly kind: 'false' }
  | { readonly kind: 'true' }
  | { readonly kind: 'ellipsis' }
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'bytes'; readonly value: string }
  | { readonly kind: 'int'; readonly text: string; readonly value: bigint }
  | { readonly kind: 'float'; readonly text: string; readonly value: number }
  | { readonly kind: 'complex'; readonly text: string; readonly real: number; readonly imag: number }
  | { readonly kind: 'tuple'; readonly items: readonly MpyConst[] };

export interface LineEntry {
  /** bytecode offset (relative to the first opcode) where this line starts */
  readonly bcOffset: number;
  readonly line: number;
}

export interface Prelude {
  readonly nState: number;
  readonly nExcStack: number;
  readonly scopeFlags: number;
  readonly nPosArgs: number;
  readonly nKwonlyArgs: number;
  readonly nDefPosArgs: number;
  readonly nInfo: number;
  readonly nCell: number;
  /** qstr-table index of the function's name */
  readonly simpleName: number;
  /** qstr-table indices of the positional then keyword-only argument names */
  readonly argNames: readonly number[];
  /** offsets within funData */
  readonly sourceInfoStart: number;
  readonly lineInfoStart: number;
  readonly lineInfoEnd: number;
  readonly opcodesStart: number;
  readonly cells: readonly number[];
  readonly lines: readonly LineEntry[];
}

export type KindName = 'bytecode' | 'native' | 'viper' | 'asm';
const KIND_NAMES: readonly KindName[] = ['bytecode', 'native', 'viper', 'asm'];

export interface NativeReloc {
  /** word index the adjustment starts at, in text (or rodata when inRodata) */
  readonly addr?: number;
  readonly inRodata?: boolean;
  /** what gets added: text/rodata/bss base, qstr table, obj table, fun table, or fun-table entry */
  readonly dest: string;
  readonly count: number;
}

export interface MpyRawCode {
  readonly kind: KindName;
  /** file offset of the kind/length varuint */
  readonly offset: number;
  /** file offset of the first byte of funData */
  readonly funDataOffset: number;
  readonly funData: Uint8Array;
  /** bytecode and native: the decoded prelude */
  readonly prelude?: Prelude;
  /** native: offset of the prelude inside funData */
  readonly preludeOffset?: number;
  /**
   * native: where the prelude really is when that differs from the stored
   * offset (the reference stores the offset in 16 bits, so code over 64 KiB wraps)
   */
  readonly actualPreludeOffset?: number;
  /** viper/asm: stored scope flags */
  readonly scopeFlags?: number;
  readonly asmNPosArgs?: number;
  readonly asmTypeSig?: number;
  readonly rodata?: Uint8Array;
  readonly bssSize?: number;
  readonly relocs?: readonly NativeReloc[];
  /** bytecode only: every instruction, offsets relative to funData */
  readonly ops?: readonly DecodedOp[];
  readonly children: readonly MpyRawCode[];
}

export interface MpyFile {
  readonly header: MpyHeader;
  readonly qstrs: readonly MpyQstr[];
  readonly consts: readonly MpyConst[];
  readonly root: MpyRawCode;
  readonly size: number;
}

export interface ReadOptions {
  /** name used in error messages */
  file?: string;
  /** accept bytes after the root raw code (the runtime ignores them); default false */
  allowTrailing?: boolean;
}

const MAX_DEPTH = 256;
const MAX_VARUINT_BYTES = 8; // 56 bits: beyond what any field can be

class Cursor {
  pos = 0;
  constructor(
    readonly data: Uint8Array,
    readonly file: string | undefined,
  ) {}

  fail(expected: string, at = this.pos): never {
    throw new MpyFormatError(at, expected, this.file);
  }

  u8(what: string): number {
    if (this.pos >= this.data.length) this.fail(`${what} (file ends)`);
    return this.data[this.pos++]!;
  }

  varuint(what: string): number {
    const start = this.pos;
    let v = 0;
    for (let i = 0; ; i++) {
      if (i >= MAX_VARUINT_BYTES) this.fail(`${what} (a shorter variable-length integer)`, start);
      const b = this.u8(what);
      v = v * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) return v;
    }
  }

  bytes(n: number, what: string): Uint8Array {
    if (n > this.data.length - this.pos) this.fail(`${n} bytes of ${what} (file ends after ${this.data.length - this.pos})`);
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** Reads and validates a whole .mpy file. Throws MpyFormatError only. */
export function readMpy(data: Uint8Array, options: ReadOptions = {}): MpyFile {
  try {
    return readMpyUnchecked(data, options);
  } catch (err) {
    if (err instanceof MpyFormatError) throw err;
    // a reader bug must still surface as a clean format error, not a JS crash
    throw new MpyFormatError(-1, `a readable file (internal reader error: ${(err as Error)?.message ?? String(err)})`, options.file);
  }
}

function readMpyUnchecked(data: Uint8Array, options: ReadOptions): MpyFile {
  const c = new Cursor(data, options.file);
  const magic = c.u8("the magic byte 'M'");
  if (magic !== MPY_MAGIC) c.fail(`the magic byte 'M' (0x4d), found 0x${magic.toString(16).padStart(2, '0')}`, 0);
  const version = c.u8('the format version');
  if (version !== MPY_VERSION) c.fail(`format version ${MPY_VERSION}, found ${version}`, 1);
  const feature = c.u8('the feature byte');
  const arch = (feature >> 2) & 0x2f;
  const subVersion = feature & 3;
  if (arch >= NATIVE_ARCHS.length) c.fail(`a known native architecture, found number ${arch}`, 2);
  if (arch !== 0 && subVersion !== MPY_SUB_VERSION) c.fail(`native sub-version ${MPY_SUB_VERSION}, found ${subVersion}`, 2);
  const smallIntBits = c.u8('the small-int bit count');
  if (smallIntBits < 8 || smallIntBits > 64) c.fail(`a small-int bit count in 8..64, found ${smallIntBits}`, 3);
  let archFlags: number | undefined;
  if ((feature & MPY_FEATURE_ARCH_FLAGS) !== 0) archFlags = c.varuint('the architecture flags');
  const header: MpyHeader = { version, feature, subVersion, arch, archName: NATIVE_ARCHS[arch]!, smallIntBits, archFlags };

  const nQstr = c.varuint('the qstr count');
  const nObj = c.varuint('the constant count');
  if (nQstr === 0) c.fail('at least one qstr (the source file name)');

  const qstrs: MpyQstr[] = [];
  for (let i = 0; i < nQstr; i++) qstrs.push(readQstr(c, i));
  const consts: MpyConst[] = [];
  for (let i = 0; i < nObj; i++) consts.push(readConst(c, `constant ${i}`, 0));

  const ctx: TreeContext = { nQstr, nObj, isNativeFile: arch !== 0 };
  const root = readRawCode(c, ctx, 0);
  if (!options.allowTrailing && c.pos !== data.length) {
    c.fail(`the end of the file after the module's code (${data.length - c.pos} extra bytes)`);
  }
  return { header, qstrs, consts, root, size: c.pos };
}

function readQstr(c: Cursor, i: number): MpyQstr {
  const offset = c.pos;
  const v = c.varuint(`qstr ${i}`);
  if (v & 1) {
    const n = Math.floor(v / 2);
    if (n < 1 || n > STATIC_QSTRS.length) c.fail(`a static qstr number in 1..${STATIC_QSTRS.length} for qstr ${i}, found ${n}`, offset);
    return { value: STATIC_QSTRS[n - 1]!, staticIndex: n, offset };
  }
  const len = v / 2;
  const bytes = c.bytes(len, `qstr ${i}`);
  const nulAt = c.pos;
  if (c.u8(`the terminating NUL of qstr ${i}`) !== 0) c.fail(`the terminating NUL of qstr ${i}`, nulAt);
  return { value: bytesToByteString(bytes), offset };
}

const INT_TEXT = /^-?[0-9]+$/;

function parseFloatText(text: string): number | undefined {
  let s = text;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s.startsWith('-');
    s = s.slice(1);
  }
  let v: number;
  if (s === 'inf') v = Infinity;
  else if (s === 'nan') v = NaN;
  else {
    if (!/^[0-9]*\.?[0-9]*(e[-+]?[0-9]+)?$/.test(s) || !/[0-9]/.test(s.replace(/e.*/, ''))) return undefined;
    const r = parseDecimalFloat(s);
    if (r === undefined || r.end !== s.length) return undefined;
    v = r.value;
  }
  return neg ? -v : v;
}

/** Complex text as the saver writes it: "Nj" or "(R+Ij)" / "(R-Ij)". */
function parseComplexText(text: string): { real: number; imag: number } | undefined {
  if (text.startsWith('(') && text.endsWith('j)')) {
    const body = text.slice(1, -2);
    // split at the sign that starts the imaginary part (not one after an 'e')
    for (let i = body.length - 1; i > 0; i--) {
      const ch = body[i];
      if ((ch === '+' || ch === '-') && body[i - 1] !== 'e') {
        const real = parseFloatText(body.slice(0, i));
        const imag = parseFloatText(body.slice(i));
        if (real === undefined || imag === undefined) return undefined;
        return { real, imag };
      }
    }
    return undefined;
  }
  if (text.endsWith('j')) {
    const imag = parseFloatText(text.slice(0, -1));
    return imag === undefined ? undefined : { real: 0, imag };
  }
  return undefined;
}

function readConst(c: Cursor, what: string, depth: number): MpyConst {
  if (depth > MAX_DEPTH) c.fail(`less deeply nested tuples in ${what}`);
  const tagAt = c.pos;
  const tag = c.u8(`the type tag of ${what}`);
  switch (tag) {
    case PersistentObj.FunTable:
      return { kind: 'funtable' };
    case PersistentObj.None:
      return { kind: 'none' };
    case PersistentObj.False:
      return { kind: 'false' };
    case PersistentObj.True:
      return { kind: 'true' };
    case PersistentObj.Ellipsis:
      return { kind: 'ellipsis' };
    case PersistentObj.Tuple: {
      const n = c.varuint(`the length of tuple ${what}`);
      const items: MpyConst[] = [];
      for (let i = 0; i < n; i++) items.push(readConst(c, `item ${i} of ${what}`, depth + 1));
      return { kind: 'tuple', items };
    }
    case PersistentObj.Str:
    case PersistentObj.Bytes: {
      const n = c.varuint(`the length of ${what}`);
      const value = bytesToByteString(c.bytes(n, what));
      const nulAt = c.pos;
      if (c.u8(`the terminating NUL of ${what}`) !== 0) c.fail(`the terminating NUL of ${what}`, nulAt);
      return { kind: tag === PersistentObj.Str ? 'str' : 'bytes', value };
    }
    case PersistentObj.Int:
    case PersistentObj.Float:
    case PersistentObj.Complex: {
      const n = c.varuint(`the length of ${what}`);
      const textAt = c.pos;
      const text = bytesToByteString(c.bytes(n, what));
      if (tag === PersistentObj.Int) {
        if (!INT_TEXT.test(text)) c.fail(`decimal integer text for ${what}, found ${JSON.stringify(text)}`, textAt);
        return { kind: 'int', text, value: BigInt(text) };
      }
      if (tag === PersistentObj.Float) {
        const value = parseFloatText(text);
        if (value === undefined) c.fail(`float text for ${what}, found ${JSON.stringify(text)}`, textAt);
        return { kind: 'float', text, value };
      }
      const z = parseComplexText(text);
      if (z === undefined) c.fail(`complex text for ${what}, found ${JSON.stringify(text)}`, textAt);
      return { kind: 'complex', text, real: z.real, imag: z.imag };
    }
    default:
      return c.fail(`a constant type tag 0..10 for ${what}, found ${tag}`, tagAt);
  }
}

interface TreeContext {
  readonly nQstr: number;
  readonly nObj: number;
  readonly isNativeFile: boolean;
}

function readRawCode(c: Cursor, ctx: TreeContext, depth: number): MpyRawCode {
  if (depth > MAX_DEPTH) c.fail('less deeply nested functions');
  const offset = c.pos;
  const kindLen = c.varuint('a raw code header (kind and length)');
  const kindNum = kindLen % 4;
  const hasChildren = (kindLen & 4) !== 0;
  const funLen = Math.floor(kindLen / 8);
  const kind = KIND_NAMES[kindNum]!;
  if (kindNum !== CodeKind.Bytecode && !ctx.isNativeFile) c.fail(`bytecode in a file with no native architecture, found ${kind} code`, offset);
  const funDataOffset = c.pos;
  const funData = c.bytes(funLen, kind === 'bytecode' ? 'the bytecode of a function' : `the ${kind} machine code of a function`);

  let prelude: Prelude | undefined;
  let preludeOffset: number | undefined;
  let scopeFlags: number | undefined;
  let asmNPosArgs: number | undefined;
  let asmTypeSig: number | undefined;
  let rodata: Uint8Array | undefined;
  let bssSize: number | undefined;
  if (kindNum === CodeKind.NativePy) {
    const at = c.pos;
    preludeOffset = c.varuint('the prelude offset of native code');
    if (preludeOffset >= funLen) c.fail(`a prelude offset below the code length ${funLen}, found ${preludeOffset}`, at);
  } else if (kindNum === CodeKind.NativeViper || kindNum === CodeKind.NativeAsm) {
    scopeFlags = c.varuint(`the scope flags of ${kind} code`);
    if (kindNum === CodeKind.NativeAsm) {
      asmNPosArgs = c.varuint('the argument count of asm code');
      asmTypeSig = c.varuint('the type signature of asm code');
    } else {
      const rodataSize = (scopeFlags & SCOPE_FLAG_VIPERRODATA) !== 0 ? c.varuint('the rodata size of viper code') : 0;
      if ((scopeFlags & SCOPE_FLAG_VIPERBSS) !== 0) bssSize = c.varuint('the bss size of viper code');
      if ((scopeFlags & SCOPE_FLAG_VIPERRODATA) !== 0) rodata = c.bytes(rodataSize, 'viper rodata');
    }
  }

  const children: MpyRawCode[] = [];
  if (hasChildren) {
    const nChildren = c.varuint('the child count');
    for (let i = 0; i < nChildren; i++) children.push(readRawCode(c, ctx, depth + 1));
  }

  let relocs: NativeReloc[] | undefined;
  if (kindNum === CodeKind.NativeViper && scopeFlags !== undefined && (scopeFlags & SCOPE_FLAG_VIPERRELOC) !== 0) {
    relocs = readRelocs(c);
  }

  let ops: DecodedOp[] | undefined;
  let actualPreludeOffset: number | undefined;
  if (kindNum === CodeKind.Bytecode) {
    prelude = decodePrelude(c, funData, funDataOffset, 0, ctx, kind);
    ops = decodeBytecode(c, funData, funDataOffset, prelude, ctx, children.length);
  } else if (kindNum === CodeKind.NativePy) {
    ({ prelude, actualPreludeOffset } = decodeNativePrelude(c, funData, funDataOffset, preludeOffset!, ctx));
  }
  return {
    kind,
    offset,
    funDataOffset,
    funData,
    prelude,
    preludeOffset,
    actualPreludeOffset,
    scopeFlags,
    asmNPosArgs,
    asmTypeSig,
    rodata,
    bssSize,
    relocs,
    ops,
    children,
  };
}

/**
 * A native prelude sits at the end of the machine code. When the stored
 * offset does not lead to a valid prelude and the code is over 64 KiB, the
 * offset was truncated to 16 bits by the writer: look for the prelude at the
 * same offset modulo 64 KiB that decodes and ends exactly at the code's end.
 */
function decodeNativePrelude(
  c: Cursor,
  fun: Uint8Array,
  base: number,
  stored: number,
  ctx: TreeContext,
): { prelude: Prelude; actualPreludeOffset?: number } {
  let firstError: MpyFormatError | undefined;
  const at = (off: number): Prelude | undefined => {
    try {
      const prelude = decodePrelude(c, fun, base, off, ctx, 'native');
      if (prelude.opcodesStart === fun.length) return prelude;
      firstError ??= new MpyFormatError(base + prelude.opcodesStart, `the native prelude to end at the end of the code (byte ${fun.length})`, c.file);
    } catch (e) {
      if (!(e instanceof MpyFormatError)) throw e;
      firstError ??= e;
    }
    return undefined;
  };
  const direct = at(stored);
  if (direct) return { prelude: direct };
  for (let cand = stored + 0x10000; cand < fun.length; cand += 0x10000) {
    const p = at(cand);
    if (p) return { prelude: p, actualPreludeOffset: cand };
  }
  throw firstError!;
}

function readRelocs(c: Cursor): NativeReloc[] {
  const out: NativeReloc[] = [];
  for (;;) {
    let op = c.u8('a relocation entry or the 0xff end marker');
    if (op === 0xff) return out;
    let addr: number | undefined;
    let inRodata: boolean | undefined;
    if (op & 1) {
      const a = c.varuint('a relocation address');
      addr = Math.floor(a / 2);
      inRodata = (a & 1) !== 0;
    }
    op >>= 1;
    let count = 1;
    let dest: string;
    if (op <= 5) {
      if (op & 1) count = c.varuint('a relocation count');
      dest = ['text', 'rodata', 'bss'][op >> 1] ?? 'invalid';
      if (dest === 'invalid') c.fail('a relocation destination');
    } else if (op === 6) dest = 'qstr_table';
    else if (op === 7) dest = 'obj_table';
    else if (op === 8) dest = 'fun_table';
    else dest = `fun_table[${op - 9}]`;
    out.push({ addr, inRodata, dest, count });
  }
}

/** Bounded little reader over funData that reports file offsets. */
function decodePrelude(
  c: Cursor,
  fun: Uint8Array,
  base: number,
  start: number,
  ctx: TreeContext,
  kind: string,
): Prelude {
  let p = start;
  const byte = (what: string): number => {
    if (p >= fun.length) c.fail(`${what} inside the ${fun.length}-byte ${kind} code`, base + p);
    return fun[p++]!;
  };
  // signature: xSSSSEAA then xFSSKAED groups
  let z = byte('the prelude signature');
  let S = (z >> 3) & 0xf;
  let E = (z >> 2) & 1;
  let F = 0;
  let A = z & 3;
  let K = 0;
  let D = 0;
  for (let n = 0; z & 0x80; n++) {
    if (n > 8) c.fail('a shorter prelude signature', base + p);
    z = byte('the rest of the prelude signature');
    S += ((z & 0x30) >> 4) * 2 ** (4 + 2 * n);
    E += ((z & 0x02) >> 1) * 2 ** (1 + n);
    F += ((z & 0x40) >> 6) * 2 ** n;
    A += ((z & 0x04) >> 2) * 2 ** (2 + n);
    K += ((z & 0x08) >> 3) * 2 ** n;
    D += (z & 0x01) * 2 ** n;
  }
  S += 1;
  // size: xIIIIIIC groups
  let I = 0;
  let C = 0;
  for (let n = 0; ; n++) {
    if (n > 8) c.fail('a shorter prelude size', base + p);
    z = byte('the prelude size');
    C += (z & 1) * 2 ** n;
    I += ((z & 0x7e) >> 1) * 2 ** (6 * n);
    if (!(z & 0x80)) break;
  }
  const sourceInfoStart = p;
  const opcodesStart = sourceInfoStart + I + C;
  if (opcodesStart > fun.length) {
    c.fail(`source info (${I} bytes) and closure cells (${C}) within the ${fun.length}-byte ${kind} code`, base + sourceInfoStart);
  }
  const infoEnd = sourceInfoStart + I;
  const qstrArg = (what: string): number => {
    const at = p;
    let v = 0;
    for (let i = 0; ; i++) {
      if (p >= infoEnd) c.fail(`${what} inside the ${I}-byte source info`, base + p);
      if (i >= MAX_VARUINT_BYTES) c.fail(`a shorter ${what}`, base + at);
      const b = fun[p++]!;
      v = v * 128 + (b & 0x7f);
      if (!(b & 0x80)) break;
    }
    if (v >= ctx.nQstr) c.fail(`${what} to index the ${ctx.nQstr}-entry qstr table, found ${v}`, base + at);
    return v;
  };
  const simpleName = qstrArg('the function name qstr');
  const argNames: number[] = [];
  for (let i = 0; i < A + K; i++) argNames.push(qstrArg(`the name qstr of argument ${i}`));
  const lineInfoStart = p;
  const lines: LineEntry[] = [];
  let bc = 0;
  let line = 1;
  while (p < infoEnd) {
    const b0 = fun[p]!;
    let bcInc: number;
    let lineInc: number;
    if ((b0 & 0x80) === 0) {
      bcInc = b0 & 0x1f;
      lineInc = b0 >> 5;
      p += 1;
    } else {
      if (p + 1 >= infoEnd) c.fail('the second byte of a line-number entry', base + p + 1);
      bcInc = b0 & 0xf;
      lineInc = ((b0 << 4) & 0x700) | fun[p + 1]!;
      p += 2;
    }
    bc += bcInc;
    line += lineInc;
    lines.push({ bcOffset: bc, line });
  }
  const cells: number[] = Array.from(fun.subarray(infoEnd, opcodesStart));
  return {
    nState: S,
    nExcStack: E,
    scopeFlags: F,
    nPosArgs: A,
    nKwonlyArgs: K,
    nDefPosArgs: D,
    nInfo: I,
    nCell: C,
    simpleName,
    argNames,
    sourceInfoStart,
    lineInfoStart,
    lineInfoEnd: infoEnd,
    opcodesStart,
    cells,
    lines,
  };
}

function decodeBytecode(
  c: Cursor,
  fun: Uint8Array,
  base: number,
  prelude: Prelude,
  ctx: TreeContext,
  nChildren: number,
): DecodedOp[] {
  const ops: DecodedOp[] = [];
  let p = prelude.opcodesStart;
  while (p < fun.length) {
    const r = decodeOp(fun, p, fun.length);
    if (isDecodeFailure(r)) c.fail(r.expected, base + r.offset);
    const argAt = base + p + 1;
    if (r.format === ArgFormat.Qstr && r.arg! >= ctx.nQstr) {
      c.fail(`a qstr index below ${ctx.nQstr} for ${r.name}, found ${r.arg}`, argAt);
    }
    if (r.opcode === Op.LOAD_CONST_OBJ && r.arg! >= ctx.nObj) {
      c.fail(`a constant index below ${ctx.nObj} for ${r.name}, found ${r.arg}`, argAt);
    }
    if (CHILD_OPS.has(r.opcode) && r.arg! >= nChildren) {
      c.fail(`a child index below ${nChildren} for ${r.name}, found ${r.arg}`, argAt);
    }
    if (r.target !== undefined && (r.target < prelude.opcodesStart || r.target > fun.length)) {
      c.fail(`a jump target inside the function's bytecode for ${r.name}`, argAt);
    }
    ops.push(r);
    p += r.size;
  }
  return ops;
}

/** Source line of a bytecode offset (relative to the first opcode), as the runtime computes it. */
export function sourceLineAt(prelude: Prelude, bcOffset: number): number {
  // entries hold cumulative offsets: the last one starting at or before bcOffset wins
  let line = 1;
  for (const e of prelude.lines) {
    if (bcOffset < e.bcOffset) break;
    line = e.line;
  }
  return line;
}
