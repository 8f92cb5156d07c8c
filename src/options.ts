// Compile options: the command-line flags plus the compiler-relevant
// MICROPY_* switches of the runtime the code is compiled for.

/** The upstream config switches the lexer, parser and compiler consult. */
export interface CompilerFeatures {
  MICROPY_COMP_CONST_FOLDING: boolean;
  MICROPY_COMP_CONST: boolean;
  MICROPY_COMP_MODULE_CONST: boolean;
  MICROPY_COMP_CONST_FLOAT: boolean;
  MICROPY_COMP_CONST_TUPLE: boolean;
  MICROPY_COMP_CONST_LITERAL: boolean;
  MICROPY_COMP_DOUBLE_TUPLE_ASSIGN: boolean;
  MICROPY_COMP_TRIPLE_TUPLE_ASSIGN: boolean;
  MICROPY_COMP_RETURN_IF_EXPR: boolean;
  MICROPY_COMP_ALLOW_TOP_LEVEL_AWAIT: boolean;
  MICROPY_PY_ASYNC_AWAIT: boolean;
  MICROPY_PY_ASSIGN_EXPR: boolean;
  MICROPY_PY_FSTRINGS: boolean;
  MICROPY_PY_TSTRINGS: boolean;
  MICROPY_ENABLE_DOC_STRING: boolean;
  MICROPY_PY_BUILTINS_FLOAT: boolean;
  MICROPY_PY_BUILTINS_COMPLEX: boolean;
  MICROPY_PY_BUILTINS_STR_UNICODE: boolean;
}

/** The settings of the reference mpy-cross v1.28.0 build (mpy-cross/mpconfigport.h). */
export const MPY_CROSS_FEATURES: Readonly<CompilerFeatures> = Object.freeze({
  MICROPY_COMP_CONST_FOLDING: true,
  MICROPY_COMP_CONST: true,
  MICROPY_COMP_MODULE_CONST: true,
  MICROPY_COMP_CONST_FLOAT: true,
  MICROPY_COMP_CONST_TUPLE: true,
  MICROPY_COMP_CONST_LITERAL: true,
  MICROPY_COMP_DOUBLE_TUPLE_ASSIGN: true,
  MICROPY_COMP_TRIPLE_TUPLE_ASSIGN: true,
  MICROPY_COMP_RETURN_IF_EXPR: true,
  MICROPY_COMP_ALLOW_TOP_LEVEL_AWAIT: false,
  MICROPY_PY_ASYNC_AWAIT: true,
  MICROPY_PY_ASSIGN_EXPR: true,
  MICROPY_PY_FSTRINGS: true,
  MICROPY_PY_TSTRINGS: true,
  MICROPY_ENABLE_DOC_STRING: false,
  MICROPY_PY_BUILTINS_FLOAT: true,
  MICROPY_PY_BUILTINS_COMPLEX: true,
  MICROPY_PY_BUILTINS_STR_UNICODE: true,
});

export type EmitKind = 'bytecode' | 'native' | 'viper';

export interface CompileOptions {
  /** Source name stored in the .mpy and used in error messages (byte string). */
  sourceName: string;
  /** -O level: 0..3 */
  optimize: number;
  /** -msmall-int-bits (default 31) */
  smallIntBits: number;
  /** -X emit= */
  emit: EmitKind;
  /** -march= (undefined: none given) */
  arch?: NativeArch;
  /** -march-flags (RISC-V extension bits); written to the .mpy header when not 0 */
  archFlags?: number;
  features: Readonly<CompilerFeatures>;
}

export function defaultCompileOptions(sourceName: string): CompileOptions {
  return { sourceName, optimize: 0, smallIntBits: 31, emit: 'bytecode', features: MPY_CROSS_FEATURES };
}

/** Architectures mpy-cross's -march accepts (`host` is resolved to one of these). */
export const NATIVE_ARCHS = [
  'x86', 'x64', 'armv6', 'armv6m', 'armv7m', 'armv7em', 'armv7emsp', 'armv7emdp',
  'xtensa', 'xtensawin', 'rv32imc', 'rv64imc', 'debug',
] as const;
export type NativeArch = (typeof NATIVE_ARCHS)[number];
