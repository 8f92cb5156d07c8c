// A strict reader of MicroPython ROMFS images: a tree of records, each a
// varuint kind, a varuint payload length, and the payload. The image is one
// filesystem record (kind 0x14a6b1, bytes d2 cd 31) whose payload holds
// directory (4) and file (5) records; a file's payload names it and holds a
// verbatim (2) or pointer (3) data record. Padding (1) and unknown kinds are
// skipped, kind 0 means corruption.

export const ROMFS_KIND_FILESYSTEM = 0x14a6b1;
export const ROMFS_HEADER = Uint8Array.of(0xd2, 0xcd, 0x31);
const KIND_UNUSED = 0;
const KIND_DATA_VERBATIM = 2;
const KIND_DATA_POINTER = 3;
const KIND_DIRECTORY = 4;
const KIND_FILE = 5;

export class RomfsFormatError extends Error {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {
    super(`ROMFS offset ${offset}: expected ${expected}`);
    this.name = 'RomfsFormatError';
  }
}

export interface RomfsEntry {
  /** path inside the filesystem, '/'-separated, no leading slash (text decoded from UTF-8) */
  readonly path: string;
  readonly kind: 'dir' | 'file';
  /** offset of the entry's record from the start of the image */
  readonly offset: number;
  /** files: offset and size of the data from the start of the image */
  readonly dataOffset?: number;
  readonly size?: number;
  readonly data?: Uint8Array;
}

export interface Romfs {
  /** bytes the filesystem record occupies (header + payload) */
  readonly size: number;
  /** depth-first, in stored order */
  readonly entries: readonly RomfsEntry[];
}

interface Record {
  kind: number;
  start: number;
  payload: number;
  end: number;
}

function varuint(img: Uint8Array, pos: number, limit: number, what: string): { value: number; next: number } {
  let v = 0;
  let p = pos;
  for (let i = 0; ; i++) {
    if (p >= limit) throw new RomfsFormatError(p, `${what} (data ends)`);
    if (i >= 8) throw new RomfsFormatError(pos, `a shorter varuint for ${what}`);
    const b = img[p++]!;
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) return { value: v, next: p };
  }
}

function record(img: Uint8Array, pos: number, limit: number, what: string): Record {
  const k = varuint(img, pos, limit, `the kind of ${what}`);
  const l = varuint(img, k.next, limit, `the length of ${what}`);
  if (l.value > limit - l.next) {
    throw new RomfsFormatError(pos, `${what} of ${l.value} bytes within its container (${limit - l.next} left)`);
  }
  if (k.value === KIND_UNUSED) throw new RomfsFormatError(pos, `a record kind other than 0 (corrupt) for ${what}`);
  return { kind: k.value, start: pos, payload: l.next, end: l.next + l.value };
}

const utf8 = new TextDecoder();

/** Parses the ROMFS image starting at `img[0]`. Throws RomfsFormatError on corruption. */
export function readRomfs(img: Uint8Array): Romfs {
  if (img.length < 4) throw new RomfsFormatError(0, `a ROMFS image of at least 4 bytes, got ${img.length}`);
  const fs = record(img, 0, img.length, 'the filesystem record');
  if (fs.kind !== ROMFS_KIND_FILESYSTEM) throw new RomfsFormatError(0, 'the ROMFS header bytes d2 cd 31');
  const entries: RomfsEntry[] = [];
  walk(img, fs.payload, fs.end, fs.payload, '', entries, 0);
  return { size: fs.end, entries };
}

function walk(img: Uint8Array, pos: number, end: number, fsBase: number, dir: string, out: RomfsEntry[], depth: number): void {
  if (depth > 64) throw new RomfsFormatError(pos, 'directories nested at most 64 deep');
  let p = pos;
  while (p < end) {
    const r = record(img, p, end, 'a directory entry');
    if (r.kind === KIND_DIRECTORY || r.kind === KIND_FILE) {
      const n = varuint(img, r.payload, r.end, 'the name length');
      if (n.value > r.end - n.next) throw new RomfsFormatError(n.next, `a ${n.value}-byte name inside its record`);
      const name = utf8.decode(img.subarray(n.next, n.next + n.value));
      if (name === '' || name.includes('/')) throw new RomfsFormatError(n.next, `a file name without '/', found ${JSON.stringify(name)}`);
      const path = dir + name;
      const inner = n.next + n.value;
      if (r.kind === KIND_DIRECTORY) {
        out.push({ path, kind: 'dir', offset: r.start });
        walk(img, inner, r.end, fsBase, path + '/', out, depth + 1);
      } else {
        const d = fileData(img, inner, r.end, fsBase, path);
        out.push({ path, kind: 'file', offset: r.start, dataOffset: d.offset, size: d.size, data: img.subarray(d.offset, d.offset + d.size) });
      }
    }
    p = r.end;
  }
}

function fileData(img: Uint8Array, pos: number, end: number, fsBase: number, path: string): { offset: number; size: number } {
  let p = pos;
  while (p < end) {
    const r = record(img, p, end, `a data record of ${path}`);
    if (r.kind === KIND_DATA_VERBATIM) return { offset: r.payload, size: r.end - r.payload };
    if (r.kind === KIND_DATA_POINTER) {
      const size = varuint(img, r.payload, r.end, `the data size of ${path}`);
      const off = varuint(img, size.next, r.end, `the data offset of ${path}`);
      const abs = fsBase + off.value;
      if (abs + size.value > img.length) throw new RomfsFormatError(r.start, `data of ${path} inside the image`);
      return { offset: abs, size: size.value };
    }
    p = r.end;
  }
  throw new RomfsFormatError(pos, `a data record for file ${path}`);
}

/** Offsets where the ROMFS header bytes occur in `data`. */
export function findRomfsHeaders(data: Uint8Array): number[] {
  const out: number[] = [];
  let i = data.indexOf(0xd2);
  while (i >= 0 && i + 2 < data.length) {
    if (data[i + 1] === 0xcd && data[i + 2] === 0x31) out.push(i);
    i = data.indexOf(0xd2, i + 1);
  }
  return out;
}
