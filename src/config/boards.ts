// Boards and profiles: what a config starts from before its own settings.
//
// A config with a "board" describes a Raspberry Pi runtime: the board fixes
// the target facts (32-bit ARM, AAPCS C types) and presets what the link
// contract needs from the runtime. A config without a board describes the
// reference compiler's own build (mpy-cross v1.28.0, as its mpconfigport.h
// sets it up): that is what the golden feature sets are expressed against
// ("settings that differ from the reference's defaults").
//
// Native code: mpy-cross has no armv7-A target. What a runtime accepts is
// decided by how its C code was compiled (upstream persistentcode.h):
//   - ARM (A32) state, which arm-none-eabi-gcc produces by default for both
//     ARM1176JZF-S and Cortex-A7, accepts exactly `armv6` .mpy code (emitted
//     with ARM instructions that both cores execute);
//   - a Thumb-1 build (ARMv6 -mthumb) accepts `armv6m`;
//   - a Thumb-2 build (Cortex-A7 -mthumb, VFPv4 double) accepts the Thumb
//     family from `armv6m` up to `armv7emdp` (ARMv7-A Thumb-2 has the DSP
//     and VFP instructions the armv7em* emitters use).
// So `armv6` is the native arch of both boards; RPI2 may choose a Thumb
// arch with compiler.arch when its runtime is a Thumb-2 build.
import type { Board } from './types.ts';
import type { NativeArch } from '../options.ts';
import type { RomLevel, TargetFact } from './catalogue.ts';

export interface BoardInfo {
  readonly board: Board;
  readonly soc: string;
  readonly core: string;
  readonly isa: string;
  readonly peripheralBase: number;
  readonly loadAddress: number;
  /** the .mpy arch of a runtime built in ARM state (the default) */
  readonly nativeArch: NativeArch;
  /** every arch a runtime for this core could be built to accept */
  readonly possibleArchs: readonly NativeArch[];
  /** default layout spec, relative to the package root */
  readonly layout: string;
}

export const BOARDS: Readonly<Record<Board, BoardInfo>> = {
  RPI1: {
    board: 'RPI1',
    soc: 'BCM2835',
    core: 'ARM1176JZF-S',
    isa: 'ARMv6',
    peripheralBase: 0x20000000,
    loadAddress: 0x8000,
    nativeArch: 'armv6',
    possibleArchs: ['armv6', 'armv6m'],
    layout: 'link/layouts/rpi1.ts',
  },
  RPI2: {
    board: 'RPI2',
    soc: 'BCM2836',
    core: 'Cortex-A7',
    isa: 'ARMv7-A',
    peripheralBase: 0x3f000000,
    loadAddress: 0x8000,
    nativeArch: 'armv6',
    possibleArchs: ['armv6', 'armv6m', 'armv7m', 'armv7em', 'armv7emsp', 'armv7emdp'],
    layout: 'link/layouts/rpi2.ts',
  },
};

export const BOARD_NAMES = Object.keys(BOARDS) as Board[];

/** A preset option value: an expression (or C text for ctext options) and why it is set. */
export interface PresetEntry {
  readonly value: string;
  readonly why: string;
}

export interface Profile {
  /** 'mpy-cross' or the board name; shown as the origin of preset values */
  readonly name: 'mpy-cross' | Board;
  readonly defaultLevel: RomLevel;
  readonly facts: Readonly<Record<TargetFact, number>>;
  readonly preset: Readonly<Record<string, PresetEntry>>;
}

const ARM32_FACTS = {
  TARGET_WORD_BYTES: 4,
  // AAPCS: long double is double
  TARGET_LONG_DOUBLE_WIDER: 0,
  // arm-none-eabi-gcc without -mfp16-format has no _Float16
  TARGET_HAS_FLT16: 0,
  TARGET_PLAT_EXEC_HOOKS: 0,
  MP_SSIZE_MAX: 2147483647,
} as const;

const ROMFS = 'frozen code lives in a ROMFS mounted at /rom (link contract)';
const PI_PRESET: Readonly<Record<string, PresetEntry>> = {
  MICROPY_ENABLE_GC: { value: '1', why: 'a bare-metal heap; finalisers (EXTRA level and up) need the GC' },
  MICROPY_FLOAT_IMPL: { value: 'MICROPY_FLOAT_IMPL_DOUBLE', why: 'the core has a double-precision VFP' },
  MICROPY_LONGINT_IMPL: { value: 'MICROPY_LONGINT_IMPL_MPZ', why: 'arbitrary-precision ints, as on the host' },
  MICROPY_VFS: { value: '1', why: ROMFS },
  MICROPY_VFS_ROM: { value: '1', why: ROMFS },
  MICROPY_READER_VFS: { value: '1', why: ROMFS },
  MICROPY_PERSISTENT_CODE_LOAD: { value: '1', why: '.mpy files in the ROMFS are imported' },
};

const MPY_CROSS_WHY = 'mpy-cross/mpconfigport.h of the reference build';
const fromMpyCross = (values: Record<string, string>): Record<string, PresetEntry> =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v, why: MPY_CROSS_WHY }]));

export const PROFILES: Readonly<Record<'mpy-cross' | Board, Profile>> = {
  'mpy-cross': {
    name: 'mpy-cross',
    // mpy-cross does not set a level: mpconfig.h's own default applies
    defaultLevel: 'CORE_FEATURES',
    // the reference is a 64-bit x86 Linux program built with gcc
    facts: {
      TARGET_WORD_BYTES: 8,
      TARGET_LONG_DOUBLE_WIDER: 1,
      TARGET_HAS_FLT16: 1,
      TARGET_ARM_ISA_THUMB: 0,
      TARGET_PLAT_EXEC_HOOKS: 0,
      // SSIZE_MAX is not visible where mpconfig.h compares it (checked with the
      // host gcc), so the #if sees 0: no pre-1970/post-2100 time support
      MP_SSIZE_MAX: 0,
    },
    preset: fromMpyCross({
      MICROPY_ALLOC_PATH_MAX: '4096', // PATH_MAX of Linux
      MICROPY_PERSISTENT_CODE_LOAD: '0',
      MICROPY_PERSISTENT_CODE_LOAD_NATIVE: '0',
      MICROPY_PERSISTENT_CODE_SAVE: '1',
      MICROPY_PERSISTENT_CODE_SAVE_FILE: '1',
      MICROPY_EMIT_X64: '1',
      MICROPY_EMIT_X86: '1',
      MICROPY_EMIT_THUMB: '1',
      MICROPY_EMIT_INLINE_THUMB: '1',
      MICROPY_EMIT_ARM: '1',
      MICROPY_EMIT_XTENSA: '1',
      MICROPY_EMIT_INLINE_XTENSA: '1',
      MICROPY_EMIT_XTENSAWIN: '1',
      MICROPY_EMIT_RV32: '1',
      MICROPY_EMIT_INLINE_RV32: '1',
      MICROPY_EMIT_NATIVE_DEBUG: '1',
      MICROPY_DYNAMIC_COMPILER: '1',
      MICROPY_COMP_CONST_FOLDING: '1',
      MICROPY_COMP_MODULE_CONST: '1',
      MICROPY_COMP_CONST: '1',
      MICROPY_COMP_CONST_FLOAT: '1',
      MICROPY_COMP_DOUBLE_TUPLE_ASSIGN: '1',
      MICROPY_COMP_TRIPLE_TUPLE_ASSIGN: '1',
      MICROPY_COMP_RETURN_IF_EXPR: '1',
      MICROPY_READER_POSIX: '1',
      MICROPY_ENABLE_GC: '1',
      MICROPY_STACK_CHECK: '1',
      MICROPY_HELPER_LEXER_UNIX: '1',
      MICROPY_LONGINT_IMPL: 'MICROPY_LONGINT_IMPL_MPZ',
      MICROPY_ENABLE_SOURCE_LINE: '1',
      MICROPY_ENABLE_DOC_STRING: '0',
      MICROPY_ERROR_REPORTING: 'MICROPY_ERROR_REPORTING_DETAILED',
      MICROPY_WARNINGS: '1',
      MICROPY_FLOAT_IMPL: 'MICROPY_FLOAT_IMPL_DOUBLE',
      MICROPY_CPYTHON_COMPAT: '1',
      MICROPY_USE_INTERNAL_PRINTF: '0',
      MICROPY_PY_FSTRINGS: '1',
      MICROPY_PY_TSTRINGS: '1',
      MICROPY_PY_BUILTINS_STR_UNICODE: '1',
      MICROPY_MODULE___FILE__: '0',
      MICROPY_PY_ARRAY: '0',
      MICROPY_PY_ATTRTUPLE: '0',
      MICROPY_PY_COLLECTIONS: '0',
      MICROPY_PY_MATH: 'MICROPY_COMP_CONST_FLOAT',
      MICROPY_PY_MATH_CONSTANTS: 'MICROPY_COMP_CONST_FLOAT',
      MICROPY_PY_CMATH: '0',
      MICROPY_PY_GC: '0',
      MICROPY_PY_IO: '0',
      MICROPY_PY_SYS: '0',
    }),
  },
  RPI1: {
    name: 'RPI1',
    defaultLevel: 'FULL_FEATURES',
    // ARMv6 has Thumb-1 only
    facts: { ...ARM32_FACTS, TARGET_ARM_ISA_THUMB: 1 },
    preset: PI_PRESET,
  },
  RPI2: {
    name: 'RPI2',
    defaultLevel: 'FULL_FEATURES',
    facts: { ...ARM32_FACTS, TARGET_ARM_ISA_THUMB: 2 },
    preset: PI_PRESET,
  },
};

/** Does a runtime whose own arch is `runtimeArch` accept .mpy code for `arch`? (upstream's arch test) */
export function runtimeAcceptsArch(runtimeArch: NativeArch, arch: NativeArch): boolean {
  const thumb: readonly NativeArch[] = ['armv6m', 'armv7m', 'armv7em', 'armv7emsp', 'armv7emdp'];
  const r = thumb.indexOf(runtimeArch);
  // a Thumb runtime takes the Thumb family up to its own arch
  if (r >= 0) return thumb.indexOf(arch) >= 0 && thumb.indexOf(arch) <= r;
  return arch === runtimeArch;
}
