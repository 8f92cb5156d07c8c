// A growable byte buffer backed by one Uint8Array that doubles on demand,
// so writers append bytes without allocating per byte.

export class ByteBuf {
  private buf: Uint8Array;
  private len = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.len;
  }

  private reserve(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): this {
    if (this.len === this.buf.length) this.reserve(1);
    this.buf[this.len++] = b & 0xff;
    return this;
  }

  bytes(data: Uint8Array): this {
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  /** Appends a byte string (one char code 0..255 per byte). */
  byteString(s: string): this {
    this.reserve(s.length);
    const b = this.buf;
    let p = this.len;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.len = p;
    return this;
  }

  /**
   * Appends an unsigned integer in the .mpy variable-length encoding:
   * 7 bits per byte, most significant group first, high bit = "more follows".
   */
  varuint(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varuint out of range: ${n}`);
    // count the 7-bit groups first so bytes can be written in order
    let groups = 1;
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) groups++;
    this.reserve(groups);
    const b = this.buf;
    let v = n;
    for (let i = groups - 1; i >= 0; i--) {
      b[this.len + i] = (v % 128) | (i === groups - 1 ? 0 : 0x80);
      v = Math.floor(v / 128);
    }
    this.len += groups;
    return this;
  }

  /** Little-endian unsigned 16/32-bit helpers (ROMFS, ELF writers). */
  u16le(n: number): this {
    return this.byte(n).byte(n >>> 8);
  }

  u32le(n: number): this {
    return this.byte(n).byte(n >>> 8).byte(n >>> 16).byte(n >>> 24);
  }

  /** Overwrites one already-written byte. */
  setByte(offset: number, b: number): void {
    if (offset < 0 || offset >= this.len) throw new RangeError(`setByte offset ${offset} out of range`);
    this.buf[offset] = b & 0xff;
  }

  /** A copy of the written bytes, exactly `length` long. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  /** A view of the written bytes (invalidated by further appends). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}
