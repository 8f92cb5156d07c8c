// The qstr hash stored in the generated header and used by the runtime's
// qstr lookup: djb2 (h = h * 33 ^ byte, starting at 5381) over the UTF-8
// bytes, truncated to the configured number of hash bytes. 0 means "not
// computed" to the runtime, so a hash that truncates to 0 becomes 1.
// With 0 hash bytes the runtime keeps no hashes, but the header still
// carries one: a 16-bit hash, as the reference script writes.

/** Number of hash bytes a build stores per qstr (MICROPY_QSTR_BYTES_IN_HASH). */
export type HashBytes = 0 | 1 | 2;

/** Hash of a byte string (char codes 0..255) or of raw bytes. */
export function qstrHash(data: string | Uint8Array, hashBytes: HashBytes): number {
  // Only the low 16 bits survive the mask, and *33 / xor never carry
  // information downwards, so 32-bit wrap-around arithmetic is exact.
  let h = 5381;
  if (typeof data === 'string') {
    for (let i = 0; i < data.length; i++) h = Math.imul(h, 33) ^ data.charCodeAt(i);
  } else {
    for (let i = 0; i < data.length; i++) h = Math.imul(h, 33) ^ data[i]!;
  }
  const mask = hashBytes === 1 ? 0xff : 0xffff;
  return h & mask || 1;
}
