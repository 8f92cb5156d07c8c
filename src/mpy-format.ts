// Constants of the .mpy v6 container format, shared by the writer, the
// reader and the tools.

export const MPY_MAGIC = 0x4d; // 'M'
export const MPY_VERSION = 6;
export const MPY_SUB_VERSION = 3;
/** Feature-byte bit announcing a varuint of architecture flags after the header. */
export const MPY_FEATURE_ARCH_FLAGS = 0x40;

/** Native architecture numbers as stored in the feature byte (bits 2..). */
export const NATIVE_ARCHS: readonly string[] = [
  'none',
  'x86',
  'x64',
  'armv6',
  'armv6m',
  'armv7m',
  'armv7em',
  'armv7emsp',
  'armv7emdp',
  'xtensa',
  'xtensawin',
  'rv32imc',
  'rv64imc',
  'debug',
];

export function nativeArchNumber(name: string): number | undefined {
  const i = NATIVE_ARCHS.indexOf(name);
  return i < 0 ? undefined : i;
}

/** Tags of the constant-table entries. */
export enum PersistentObj {
  FunTable = 0,
  None = 1,
  False = 2,
  True = 3,
  Ellipsis = 4,
  Str = 5,
  Bytes = 6,
  Int = 7,
  Float = 8,
  Complex = 9,
  Tuple = 10,
}

/** Raw-code kinds as stored in the low two bits of the kind/length varuint. */
export enum CodeKind {
  Bytecode = 0,
  NativePy = 1,
  NativeViper = 2,
  NativeAsm = 3,
}

/** Scope flags that matter to the container format. */
export const SCOPE_FLAG_GENERATOR = 0x01;
export const SCOPE_FLAG_VARKEYWORDS = 0x02;
export const SCOPE_FLAG_VARARGS = 0x04;
export const SCOPE_FLAG_DEFKWARGS = 0x08;
export const SCOPE_FLAG_VIPERRELOC = 0x10;
export const SCOPE_FLAG_VIPERRODATA = 0x20;
export const SCOPE_FLAG_VIPERBSS = 0x40;
