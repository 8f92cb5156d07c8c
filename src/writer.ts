// The .mpy v6.3 writer: serialises a compiled module (qstr table, constant
// table, raw-code tree) the way the reference's persistent-code saver does.
import { ByteBuf } from './bytebuf.ts';
import { complexRepr, floatRepr } from './float-repr.ts';
import {
  CodeKind,
  MPY_FEATURE_ARCH_FLAGS,
  MPY_MAGIC,
  MPY_SUB_VERSION,
  MPY_VERSION,
  PersistentObj,
  nativeArchNumber,
} from './mpy-format.ts';
import type { ConstObj, FunTableConst } from './objects.ts';
import type { CompileOptions } from './options.ts';
import type { CompiledModule, RawCode } from './rawcode.ts';
import { staticQstrIndex } from '../qstr/static.ts';

/**
 * Any machine-code raw code the saver writes: the native emitter's (`RawCodeNative`)
 * plus inline-assembler code, which the compiler does not produce yet.
 */
export interface NativeRawCodeShape {
  readonly kind: 'native' | 'viper' | 'asm';
  readonly funData: Uint8Array;
  readonly children: readonly unknown[];
  /** native: offset of the bytecode-style prelude inside funData */
  readonly preludeOffset?: number;
  /** asm: number of positional args and type signature */
  readonly asmNPosArgs?: number;
  readonly asmTypeSig?: number;
}

type AnyRawCode = RawCode | NativeRawCodeShape;

export { FUN_TABLE_CONST } from './objects.ts';
type AnyConst = ConstObj | FunTableConst;

function codeKindOf(rc: AnyRawCode): CodeKind {
  switch (rc.kind) {
    case 'bytecode':
      return CodeKind.Bytecode;
    case 'native':
      return CodeKind.NativePy;
    case 'viper':
      return CodeKind.NativeViper;
    case 'asm':
      return CodeKind.NativeAsm;
  }
}

function hasNativeCode(rc: AnyRawCode): boolean {
  if (rc.kind !== 'bytecode') return true;
  return rc.children.some((c) => hasNativeCode(c as AnyRawCode));
}

export function writeMpy(module: CompiledModule, options: CompileOptions): Uint8Array {
  const out = new ByteBuf(1024);
  const root = module.root as AnyRawCode;

  // header: magic, version, feature byte (sub-version + arch, only when native code is present), small-int bits
  let feature = 0;
  if (hasNativeCode(root)) {
    const arch = options.arch === undefined ? undefined : nativeArchNumber(options.arch);
    if (arch === undefined || arch === 0) {
      throw new Error(`native code needs a target architecture (got ${options.arch ?? 'none'})`);
    }
    feature = MPY_SUB_VERSION | (arch << 2);
  }
  // -march-flags: a flag bit, and the value right after the small-int bits
  const archFlags = options.archFlags ?? 0;
  if (archFlags) feature |= MPY_FEATURE_ARCH_FLAGS;
  out.byte(MPY_MAGIC).byte(MPY_VERSION).byte(feature).byte(options.smallIntBits);
  if (archFlags) out.varuint(archFlags);

  out.varuint(module.qstrs.length).varuint(module.consts.length);
  for (const q of module.qstrs) writeQstr(out, q);
  for (const c of module.consts as readonly AnyConst[]) writeConst(out, c);
  writeRawCode(out, root);
  return out.toBytes();
}

function writeQstr(out: ByteBuf, q: string): void {
  const n = staticQstrIndex(q);
  if (n !== undefined) {
    out.varuint((n << 1) | 1);
    return;
  }
  out.varuint(q.length << 1).byteString(q).byte(0);
}

function writeConst(out: ByteBuf, c: AnyConst): void {
  switch (c.kind) {
    case 'funtable':
      out.byte(PersistentObj.FunTable);
      return;
    case 'none':
      out.byte(PersistentObj.None);
      return;
    case 'false':
      out.byte(PersistentObj.False);
      return;
    case 'true':
      out.byte(PersistentObj.True);
      return;
    case 'ellipsis':
      out.byte(PersistentObj.Ellipsis);
      return;
    case 'str':
      out.byte(PersistentObj.Str).varuint(c.value.length).byteString(c.value).byte(0);
      return;
    case 'bytes':
      out.byte(PersistentObj.Bytes).varuint(c.value.length).byteString(c.value).byte(0);
      return;
    case 'tuple':
      out.byte(PersistentObj.Tuple).varuint(c.items.length);
      for (const item of c.items) writeConst(out, item);
      return;
    // numbers are stored as their repr text, without a terminator
    case 'int':
      writeText(out, PersistentObj.Int, c.value.toString());
      return;
    case 'float':
      writeText(out, PersistentObj.Float, floatRepr(c.value));
      return;
    case 'complex':
      writeText(out, PersistentObj.Complex, complexRepr(c.real, c.imag));
      return;
  }
}

function writeText(out: ByteBuf, tag: PersistentObj, text: string): void {
  out.byte(tag).varuint(text.length).byteString(text);
}

function writeRawCode(out: ByteBuf, rc: AnyRawCode): void {
  const nChildren = rc.children.length;
  out.varuint(rc.funData.length * 8 + (nChildren !== 0 ? 4 : 0) + codeKindOf(rc));
  out.bytes(rc.funData);
  if (rc.kind === 'native') {
    out.varuint(rc.preludeOffset ?? 0);
  } else if (rc.kind === 'viper' || rc.kind === 'asm') {
    // the saver records no scope flags for these: no rodata/bss/relocations follow
    out.varuint(0);
    if (rc.kind === 'asm') out.varuint(rc.asmNPosArgs ?? 0).varuint(rc.asmTypeSig ?? 0);
  }
  if (nChildren !== 0) {
    out.varuint(nChildren);
    for (const child of rc.children) writeRawCode(out, child as AnyRawCode);
  }
}
