// Just enough ELF32/ELF64 little-endian reading for `mpi inspect`: section
// headers and symbol tables, with bounds checks that turn into clean errors.

export class ElfFormatError extends Error {}

export interface ElfSection {
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
}

export interface ElfSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  readonly shndx: number;
}

export interface ElfInfo {
  readonly is64: boolean;
  readonly type: number;
  readonly machine: number;
  readonly entry: number;
  readonly sections: readonly ElfSection[];
  readonly symbols: readonly ElfSymbol[];
}

const SHT_SYMTAB = 2;
const SHT_NOBITS = 8;

export function isElf(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46;
}

export function readElf(data: Uint8Array): ElfInfo {
  if (!isElf(data) || data.length < 52) throw new ElfFormatError('not an ELF file (bad magic or too short)');
  const is64 = data[4] === 2;
  if (data[5] !== 1) throw new ElfFormatError('only little-endian ELF files are supported');
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const need = (off: number, n: number, what: string): void => {
    if (off < 0 || off + n > data.length) throw new ElfFormatError(`${what} at offset ${off} lies outside the ${data.length}-byte file`);
  };
  const word = (off: number): number => (is64 ? Number(dv.getBigUint64(off, true)) : dv.getUint32(off, true));
  need(0, is64 ? 64 : 52, 'the ELF header');
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  const entry = word(24);
  const shoff = is64 ? Number(dv.getBigUint64(40, true)) : dv.getUint32(32, true);
  const shentsize = dv.getUint16(is64 ? 58 : 46, true);
  const shnum = dv.getUint16(is64 ? 60 : 48, true);
  const shstrndx = dv.getUint16(is64 ? 62 : 50, true);
  if (shnum === 0) return { is64, type, machine, entry, sections: [], symbols: [] };
  need(shoff, shentsize * shnum, 'the section header table');
  interface RawSec {
    nameOff: number;
    type: number;
    flags: number;
    addr: number;
    offset: number;
    size: number;
    link: number;
    entsize: number;
  }
  const raw: RawSec[] = [];
  for (let i = 0; i < shnum; i++) {
    const b = shoff + i * shentsize;
    raw.push(
      is64
        ? {
            nameOff: dv.getUint32(b, true),
            type: dv.getUint32(b + 4, true),
            flags: Number(dv.getBigUint64(b + 8, true)),
            addr: Number(dv.getBigUint64(b + 16, true)),
            offset: Number(dv.getBigUint64(b + 24, true)),
            size: Number(dv.getBigUint64(b + 32, true)),
            link: dv.getUint32(b + 40, true),
            entsize: Number(dv.getBigUint64(b + 56, true)),
          }
        : {
            nameOff: dv.getUint32(b, true),
            type: dv.getUint32(b + 4, true),
            flags: dv.getUint32(b + 8, true),
            addr: dv.getUint32(b + 12, true),
            offset: dv.getUint32(b + 16, true),
            size: dv.getUint32(b + 20, true),
            link: dv.getUint32(b + 24, true),
            entsize: dv.getUint32(b + 36, true),
          },
    );
  }
  const cstr = (tableIdx: number, off: number): string => {
    const t = raw[tableIdx];
    if (!t) throw new ElfFormatError(`string table section ${tableIdx} does not exist`);
    const start = t.offset + off;
    need(start, 0, 'a name in a string table');
    let end = start;
    const limit = Math.min(data.length, t.offset + t.size);
    while (end < limit && data[end] !== 0) end++;
    return new TextDecoder().decode(data.subarray(start, end));
  };
  const sections: ElfSection[] = raw.map((s) => {
    if (s.type !== SHT_NOBITS) need(s.offset, s.size, 'section contents');
    return { name: shstrndx < shnum ? cstr(shstrndx, s.nameOff) : '', type: s.type, flags: s.flags, addr: s.addr, offset: s.offset, size: s.size };
  });
  const symbols: ElfSymbol[] = [];
  for (const s of raw) {
    if (s.type !== SHT_SYMTAB) continue;
    const ent = s.entsize || (is64 ? 24 : 16);
    for (let p = s.offset; p + ent <= s.offset + s.size; p += ent) {
      if (is64) {
        symbols.push({
          name: cstr(s.link, dv.getUint32(p, true)),
          shndx: dv.getUint16(p + 6, true),
          value: Number(dv.getBigUint64(p + 8, true)),
          size: Number(dv.getBigUint64(p + 16, true)),
        });
      } else {
        symbols.push({
          name: cstr(s.link, dv.getUint32(p, true)),
          value: dv.getUint32(p + 4, true),
          size: dv.getUint32(p + 8, true),
          shndx: dv.getUint16(p + 14, true),
        });
      }
    }
  }
  return { is64, type, machine, entry, sections, symbols };
}

/** File offset of a virtual address inside a section with contents, if any. */
export function fileOffsetOfAddress(elf: ElfInfo, addr: number): number | undefined {
  for (const s of elf.sections) {
    if (s.type === SHT_NOBITS || s.addr === 0 || s.size === 0) continue;
    if (addr >= s.addr && addr < s.addr + s.size) return s.offset + (addr - s.addr);
  }
  return undefined;
}
