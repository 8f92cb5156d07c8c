// What the compiler produces and the .mpy writer consumes.
import type { ConstObj } from './objects.ts';

export interface RawCodeBytecode {
  readonly kind: 'bytecode';
  /** prelude + code-info + bytecode, final bytes (qstrs already as module qstr-table indices) */
  readonly funData: Uint8Array;
  readonly children: readonly RawCode[];
}

/** Machine code from the native emitter (native: with a bytecode-style prelude; viper: without). */
export interface RawCodeNative {
  readonly kind: 'native' | 'viper';
  readonly funData: Uint8Array;
  readonly children: readonly RawCode[];
  /** native only: offset of the prelude inside funData (the reference keeps 16 bits of it) */
  readonly preludeOffset?: number;
}

/** Machine code of an inline assembler function (no prelude, no children). */
export interface RawCodeAsm {
  kind: 'asm';
  funData: Uint8Array;
  children: readonly RawCode[];
  /** number of positional args and return type signature (MP_NATIVE_TYPE_*) */
  asmNPosArgs: number;
  asmTypeSig: number;
}

export type RawCode = RawCodeBytecode | RawCodeNative | RawCodeAsm;

export interface CompiledModule {
  /** The module's qstr table, byte strings in index order; entry 0 is the source name. */
  readonly qstrs: readonly string[];
  /** The module's constant-object table in index order. */
  readonly consts: readonly ConstObj[];
  readonly root: RawCode;
}
