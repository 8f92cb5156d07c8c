// MicroPython bytecode opcode numbers (mpy v6). The numbering is part of the
// .mpy format: the runtime decodes these exact byte values.

const BASE_QSTR_O = 0x10;
const BASE_VINT_E = 0x20;
const BASE_VINT_O = 0x30;
const BASE_JUMP_E = 0x40;
const BASE_BYTE_O = 0x50;
const BASE_BYTE_E = 0x60;

export const Op = {
  LOAD_CONST_FALSE: BASE_BYTE_O + 0x00,
  LOAD_CONST_NONE: BASE_BYTE_O + 0x01,
  LOAD_CONST_TRUE: BASE_BYTE_O + 0x02,
  LOAD_CONST_SMALL_INT: BASE_VINT_E + 0x02,
  LOAD_CONST_STRING: BASE_QSTR_O + 0x00,
  LOAD_CONST_OBJ: BASE_VINT_E + 0x03,
  LOAD_NULL: BASE_BYTE_O + 0x03,

  LOAD_FAST_N: BASE_VINT_E + 0x04,
  LOAD_DEREF: BASE_VINT_E + 0x05,
  LOAD_NAME: BASE_QSTR_O + 0x01,
  LOAD_GLOBAL: BASE_QSTR_O + 0x02,
  LOAD_ATTR: BASE_QSTR_O + 0x03,
  LOAD_METHOD: BASE_QSTR_O + 0x04,
  LOAD_SUPER_METHOD: BASE_QSTR_O + 0x05,
  LOAD_BUILD_CLASS: BASE_BYTE_O + 0x04,
  LOAD_SUBSCR: BASE_BYTE_O + 0x05,

  STORE_FAST_N: BASE_VINT_E + 0x06,
  STORE_DEREF: BASE_VINT_E + 0x07,
  STORE_NAME: BASE_QSTR_O + 0x06,
  STORE_GLOBAL: BASE_QSTR_O + 0x07,
  STORE_ATTR: BASE_QSTR_O + 0x08,
  STORE_SUBSCR: BASE_BYTE_O + 0x06,

  DELETE_FAST: BASE_VINT_E + 0x08,
  DELETE_DEREF: BASE_VINT_E + 0x09,
  DELETE_NAME: BASE_QSTR_O + 0x09,
  DELETE_GLOBAL: BASE_QSTR_O + 0x0a,

  DUP_TOP: BASE_BYTE_O + 0x07,
  DUP_TOP_TWO: BASE_BYTE_O + 0x08,
  POP_TOP: BASE_BYTE_O + 0x09,
  ROT_TWO: BASE_BYTE_O + 0x0a,
  ROT_THREE: BASE_BYTE_O + 0x0b,

  UNWIND_JUMP: BASE_JUMP_E + 0x00,
  JUMP: BASE_JUMP_E + 0x02,
  POP_JUMP_IF_TRUE: BASE_JUMP_E + 0x03,
  POP_JUMP_IF_FALSE: BASE_JUMP_E + 0x04,
  JUMP_IF_TRUE_OR_POP: BASE_JUMP_E + 0x05,
  JUMP_IF_FALSE_OR_POP: BASE_JUMP_E + 0x06,
  SETUP_WITH: BASE_JUMP_E + 0x07,
  SETUP_EXCEPT: BASE_JUMP_E + 0x08,
  SETUP_FINALLY: BASE_JUMP_E + 0x09,
  POP_EXCEPT_JUMP: BASE_JUMP_E + 0x0a,
  FOR_ITER: BASE_JUMP_E + 0x0b,
  WITH_CLEANUP: BASE_BYTE_O + 0x0c,
  END_FINALLY: BASE_BYTE_O + 0x0d,
  GET_ITER: BASE_BYTE_O + 0x0e,
  GET_ITER_STACK: BASE_BYTE_O + 0x0f,

  BUILD_TUPLE: BASE_VINT_E + 0x0a,
  BUILD_LIST: BASE_VINT_E + 0x0b,
  BUILD_MAP: BASE_VINT_E + 0x0c,
  STORE_MAP: BASE_BYTE_E + 0x02,
  BUILD_SET: BASE_VINT_E + 0x0d,
  BUILD_SLICE: BASE_VINT_E + 0x0e,
  STORE_COMP: BASE_VINT_E + 0x0f,
  UNPACK_SEQUENCE: BASE_VINT_O + 0x00,
  UNPACK_EX: BASE_VINT_O + 0x01,

  RETURN_VALUE: BASE_BYTE_E + 0x03,
  RAISE_LAST: BASE_BYTE_E + 0x04,
  RAISE_OBJ: BASE_BYTE_E + 0x05,
  RAISE_FROM: BASE_BYTE_E + 0x06,
  YIELD_VALUE: BASE_BYTE_E + 0x07,
  YIELD_FROM: BASE_BYTE_E + 0x08,

  MAKE_FUNCTION: BASE_VINT_O + 0x02,
  MAKE_FUNCTION_DEFARGS: BASE_VINT_O + 0x03,
  MAKE_CLOSURE: BASE_VINT_E + 0x00,
  MAKE_CLOSURE_DEFARGS: BASE_VINT_E + 0x01,
  CALL_FUNCTION: BASE_VINT_O + 0x04,
  CALL_FUNCTION_VAR_KW: BASE_VINT_O + 0x05,
  CALL_METHOD: BASE_VINT_O + 0x06,
  CALL_METHOD_VAR_KW: BASE_VINT_O + 0x07,

  IMPORT_NAME: BASE_QSTR_O + 0x0b,
  IMPORT_FROM: BASE_QSTR_O + 0x0c,
  IMPORT_STAR: BASE_BYTE_E + 0x09,

  // opcode ranges with the operand folded into the opcode byte
  LOAD_CONST_SMALL_INT_MULTI: 0x70,
  LOAD_FAST_MULTI: 0xb0,
  STORE_FAST_MULTI: 0xc0,
  UNARY_OP_MULTI: 0xd0,
  BINARY_OP_MULTI: 0xd7,
} as const;

/** LOAD_CONST_SMALL_INT_MULTI covers the values -16..47. */
export const SMALL_INT_MULTI_EXCESS = 16;
export const SMALL_INT_MULTI_NUM = 64;

/** Slots a for-loop iterator occupies on the value stack (iter_buf). */
export const ITER_BUF_NSLOTS = 4;

/** Scope flags stored in the prelude signature (runtime0.h). */
export const ScopeFlag = {
  GENERATOR: 0x01,
  VARKEYWORDS: 0x02,
  VARARGS: 0x04,
  DEFKWARGS: 0x08,
  ALL_SIG: 0x0f,
} as const;

/** What a function prelude's signature records (mp_raw_code's n_state etc.). */
export interface PreludeSignature {
  /** locals + value stack (at least 1) */
  readonly nState: number;
  readonly nExcStack: number;
  /** the scope flags that belong to the signature (ScopeFlag.ALL_SIG) */
  readonly flags: number;
  readonly nPosArgs: number;
  readonly nKwonlyArgs: number;
  readonly nDefPosArgs: number;
}

/**
 * The prelude signature in the reference's variable-length packing: the first
 * byte carries the low bits of the state size, exception-stack size and
 * positional-arg count; each further byte one more bit of every field (two of
 * the state size), bit 7 saying another byte follows.
 */
export function encodePreludeSignature(sig: PreludeSignature, put: (byte: number) => void): void {
  let S = sig.nState - 1;
  let E = sig.nExcStack;
  let F = sig.flags;
  let A = sig.nPosArgs;
  let K = sig.nKwonlyArgs;
  let D = sig.nDefPosArgs;
  let z = ((S & 0xf) << 3) | ((E & 1) << 2) | (A & 3);
  S >>>= 4;
  E >>>= 1;
  A >>>= 2;
  while (S | E | F | A | K | D) {
    put(0x80 | z);
    z = ((F & 1) << 6) | ((S & 3) << 4) | ((K & 1) << 3) | ((A & 1) << 2) | ((E & 1) << 1) | (D & 1);
    S >>>= 2;
    E >>>= 1;
    F >>>= 1;
    A >>>= 1;
    K >>>= 1;
    D >>>= 1;
  }
  put(z);
}

/** The prelude size: code-info bytes (6 bits a byte) and closure-cell count (1 bit a byte). */
export function encodePreludeSize(nInfo: number, nCell: number, put: (byte: number) => void): void {
  let I = nInfo;
  let C = nCell;
  do {
    let z = ((I & 0x3f) << 1) | (C & 1);
    C >>>= 1;
    I = Math.floor(I / 64);
    if (C | I) z |= 0x80;
    put(z);
  } while (C | I);
}
