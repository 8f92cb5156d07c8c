// Link-time checks: can the configured runtime run this frozen code?
// They mirror what the runtime's .mpy loader would refuse or fail on at
// import time (upstream persistentcode.c and the constant parsers), so a
// bad image is refused when it is built, not when it boots.
import { NATIVE_ARCHS, type NativeArch } from '../options.ts';
import { runtimeAcceptsArch } from './boards.ts';
import type { ResolvedConfig } from './types.ts';

/** What the checks need to know about one .mpy (filled from src/mpy-reader.ts by the linker). */
export interface FrozenMpyInfo {
  /** the file as shown to the user (its path in the freeze folder) */
  file: string;
  version: number;
  subVersion: number;
  /** native arch of the code; undefined (or 'none') for bytecode only */
  arch?: string;
  /** architecture flags word, when the header announces one */
  archFlags?: number;
  smallIntBits: number;
  /** kinds of raw code present anywhere in the module */
  codeKinds: ReadonlySet<'bytecode' | 'native' | 'viper' | 'asm'>;
  hasFloatConst: boolean;
  hasComplexConst: boolean;
  /** int constants (the .mpy holds only those that did not fit a small int when compiled) */
  intConsts: readonly bigint[];
  /**
   * native functions whose prelude lies past 64 KiB of machine code and whose
   * stored prelude offset therefore wrapped (the reference keeps it in 16 bits)
   */
  wrappedNativePreludes?: readonly { preludeOffset: number; storedOffset: number }[];
}

export interface FrozenProblem {
  file: string;
  reason: string;
}

const MPY_VERSION = 6;
const MPY_SUB_VERSION = 3;

/** Everything wrong with one frozen .mpy for this runtime (empty: fine). */
export function checkFrozenMpy(config: ResolvedConfig, mpy: FrozenMpyInfo): FrozenProblem[] {
  const o = config.options;
  const problems: string[] = [];
  const native = mpy.arch !== undefined && mpy.arch !== 'none';

  if (mpy.version !== MPY_VERSION) {
    problems.push(`.mpy version ${mpy.version}, but the runtime (MicroPython v1.28) loads version ${MPY_VERSION}`);
  }
  if (native && mpy.subVersion !== MPY_SUB_VERSION) {
    problems.push(`native code of .mpy sub-version ${mpy.subVersion}, but the runtime's native ABI is ${MPY_VERSION}.${MPY_SUB_VERSION}`);
  }
  if (mpy.smallIntBits > config.runtimeSmallIntBits) {
    problems.push(
      `compiled for ${mpy.smallIntBits}-bit small ints, but the runtime's small ints have ${config.runtimeSmallIntBits} bits (${String(o.MICROPY_OBJ_REPR)}); recompile with smallIntBits <= ${config.runtimeSmallIntBits}`,
    );
  }
  if (native) {
    if (!o.MICROPY_PERSISTENT_CODE_LOAD_NATIVE) {
      problems.push(`holds ${mpy.arch} machine code, but the runtime cannot load native code (MICROPY_PERSISTENT_CODE_LOAD_NATIVE is 0)`);
    } else {
      const runtimeArch = config.compile.arch;
      if (!(NATIVE_ARCHS as readonly string[]).includes(mpy.arch!)) {
        problems.push(`unknown native arch ${mpy.arch}`);
      } else if (runtimeArch === undefined || !runtimeAcceptsArch(runtimeArch, mpy.arch as NativeArch)) {
        problems.push(`holds ${mpy.arch} machine code, but the runtime runs ${runtimeArch ?? 'no native'} code`);
      }
    }
  }
  if (mpy.archFlags !== undefined && mpy.archFlags !== 0 && mpy.arch !== 'rv32imc') {
    problems.push(`has architecture flags (0x${mpy.archFlags.toString(16)}), which only rv32imc code may carry`);
  }
  const machineKinds = [...mpy.codeKinds].filter((k) => k !== 'bytecode');
  if (machineKinds.length > 0 && !o.MICROPY_ENABLE_NATIVE_CODE && !o.MICROPY_EMIT_INLINE_ASM) {
    problems.push(`holds ${machineKinds.join('/')} functions, but the runtime has no native code support`);
  }
  if (mpy.hasFloatConst && !o.MICROPY_PY_BUILTINS_FLOAT) {
    problems.push('has float constants, but the runtime has no floats (MICROPY_FLOAT_IMPL is NONE)');
  }
  if (mpy.hasComplexConst && !o.MICROPY_PY_BUILTINS_COMPLEX) {
    problems.push('has complex constants, but the runtime has no complex numbers (MICROPY_PY_BUILTINS_COMPLEX is 0)');
  }
  const bigProblem = bigIntProblem(config, mpy.intConsts);
  if (bigProblem !== undefined) problems.push(bigProblem);
  // The runtime's loader trusts the stored offset, so it would decode machine
  // code as the prelude: the file is corrupt, whatever the config.
  const wrapped = mpy.wrappedNativePreludes ?? [];
  if (wrapped.length > 0) {
    const w = wrapped[0]!;
    problems.push(
      `has ${wrapped.length === 1 ? 'a native function' : `${wrapped.length} native functions`} over 64 KiB ` +
        `(prelude at byte ${w.preludeOffset}, stored as ${w.storedOffset}: mpy-cross keeps that offset in 16 bits), so the file is corrupt; split the function`,
    );
  }
  return problems.map((reason) => ({ file: mpy.file, reason }));
}

/** An int constant the runtime's int implementation cannot hold, if any. */
function bigIntProblem(config: ResolvedConfig, ints: readonly bigint[]): string | undefined {
  const impl = config.options.MICROPY_LONGINT_IMPL;
  if (impl === 'MICROPY_LONGINT_IMPL_MPZ') return undefined;
  const bits = BigInt(config.runtimeSmallIntBits);
  const [lo, hi, what] =
    impl === 'MICROPY_LONGINT_IMPL_LONGLONG'
      ? [-(1n << 63n), (1n << 63n) - 1n, '64-bit long ints (MICROPY_LONGINT_IMPL_LONGLONG)']
      : [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n, `small ints only (MICROPY_LONGINT_IMPL_NONE, ${bits} bits)`];
  const bad = ints.find((v) => v < lo || v > hi);
  return bad === undefined ? undefined : `has the int constant ${bad}, but the runtime has ${what}`;
}

/** Problems with the config itself for a link that freezes code (empty: fine). */
export function checkFreezeSupport(config: ResolvedConfig, freezesMpy: boolean): string[] {
  const o = config.options;
  const out: string[] = [];
  if (!o.MICROPY_VFS_ROM) out.push('frozen code goes into a ROMFS, but MICROPY_VFS_ROM is 0');
  if (freezesMpy && !o.MICROPY_PERSISTENT_CODE_LOAD) out.push('frozen .mpy files need MICROPY_PERSISTENT_CODE_LOAD');
  return out;
}

/** Minimal structural view of src/mpy-reader.ts's MpyFile (kept local so this module stands alone). */
export interface MpyFileLike {
  header: { version: number; subVersion: number; archName: string; smallIntBits: number; archFlags?: number };
  consts: readonly MpyConstLike[];
  root: MpyRawCodeLike;
}
type MpyConstLike = { kind: string; value?: unknown; items?: readonly MpyConstLike[] };
interface MpyRawCodeLike {
  kind: 'bytecode' | 'native' | 'viper' | 'asm';
  children: readonly MpyRawCodeLike[];
  /** native: the prelude offset as stored */
  preludeOffset?: number;
  /** native: where the prelude really is, when the stored offset wrapped at 64 KiB */
  actualPreludeOffset?: number;
}

/** Summarise a parsed .mpy for checkFrozenMpy. */
export function frozenInfo(file: string, mpy: MpyFileLike): FrozenMpyInfo {
  const kinds = new Set<FrozenMpyInfo['codeKinds'] extends ReadonlySet<infer K> ? K : never>();
  const wrapped: { preludeOffset: number; storedOffset: number }[] = [];
  const walk = (rc: MpyRawCodeLike): void => {
    kinds.add(rc.kind);
    if (rc.actualPreludeOffset !== undefined) wrapped.push({ preludeOffset: rc.actualPreludeOffset, storedOffset: rc.preludeOffset ?? rc.actualPreludeOffset % 0x10000 });
    rc.children.forEach(walk);
  };
  walk(mpy.root);
  let hasFloat = false;
  let hasComplex = false;
  const ints: bigint[] = [];
  const visit = (c: MpyConstLike): void => {
    if (c.kind === 'float') hasFloat = true;
    else if (c.kind === 'complex') hasComplex = true;
    else if (c.kind === 'int' && typeof c.value === 'bigint') ints.push(c.value);
    else if (c.kind === 'tuple') c.items?.forEach(visit);
  };
  mpy.consts.forEach(visit);
  return {
    file,
    version: mpy.header.version,
    subVersion: mpy.header.subVersion,
    arch: mpy.header.archName,
    archFlags: mpy.header.archFlags,
    smallIntBits: mpy.header.smallIntBits,
    codeKinds: kinds,
    hasFloatConst: hasFloat,
    hasComplexConst: hasComplex,
    intConsts: ints,
    wrappedNativePreludes: wrapped,
  };
}
