// Constant objects: the values the parser folds, the compiler puts in a
// module's constant table, and the .mpy writer serialises.
//
// Text is carried as *byte strings*: JS strings whose every char code is one
// byte (0..255) of the UTF-8 source. MicroPython works on bytes, accepts
// invalid UTF-8 inside string literals, and the .mpy format stores byte
// lengths, so decoding to UTF-16 would lose information. Convert with
// `bytesToByteString` / `byteStringToBytes` at the edges only.
export type ConstObj =
  | { readonly kind: 'none' }
  | { readonly kind: 'false' }
  | { readonly kind: 'true' }
  | { readonly kind: 'ellipsis' }
  | { readonly kind: 'str'; readonly value: string } // byte string
  | { readonly kind: 'bytes'; readonly value: string } // byte string
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'complex'; readonly real: number; readonly imag: number }
  | { readonly kind: 'tuple'; readonly items: readonly ConstObj[] };

export const CONST_NONE: ConstObj = { kind: 'none' };
export const CONST_FALSE: ConstObj = { kind: 'false' };
export const CONST_TRUE: ConstObj = { kind: 'true' };
export const CONST_ELLIPSIS: ConstObj = { kind: 'ellipsis' };

/** Latin-1 view of raw bytes: one char per byte, lossless. */
export function bytesToByteString(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  const CHUNK = 0x8000;
  for (let i = start; i < end; i += CHUNK) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + CHUNK)) as unknown as number[]);
  }
  return out;
}

export function byteStringToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** UTF-16 text (e.g. a file name from the command line) to a byte string. */
export function textToByteString(text: string): string {
  return bytesToByteString(new TextEncoder().encode(text));
}

/** Byte string to UTF-16 text for display; invalid UTF-8 becomes U+FFFD. */
export function byteStringToText(s: string): string {
  return new TextDecoder().decode(byteStringToBytes(s));
}

/**
 * The runtime's native function table as a module constant: native code
 * finds it through the constant table (saved as its own tag in .mpy).
 */
export interface FunTableConst {
  readonly kind: 'funtable';
}
export const FUN_TABLE_CONST: FunTableConst = Object.freeze({ kind: 'funtable' as const });
