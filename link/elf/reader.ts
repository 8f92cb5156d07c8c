// Reads an ELF32 little-endian ARM file: header, section headers, symbol
// tables and relocation tables. Everything is bounds-checked so a truncated or
// corrupt file gives a LinkError naming the file and the bad field, never a
// RangeError from deep inside.
import { LinkError, hex } from '../errors.ts';
import {
  ELFCLASS32, ELFDATA2LSB, EM_ARM, EHDR_SIZE, SHDR_SIZE, SYM_SIZE, SHN_XINDEX, SectionType,
} from './format.ts';

export interface ElfSectionHeader {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly addralign: number;
  readonly entsize: number;
}

export interface ElfSymbol {
  readonly index: number;
  readonly name: string;
  readonly value: number;
  readonly size: number;
  /** st_info >> 4 */
  readonly binding: number;
  /** st_info & 15 */
  readonly type: number;
  readonly other: number;
  /** section index (SHN_XINDEX already resolved) */
  readonly shndx: number;
}

export interface ElfRelocation {
  readonly offset: number;
  readonly type: number;
  readonly symbol: number;
  /** explicit addend for RELA; undefined for REL (addend is in the section bytes) */
  readonly addend: number | undefined;
}

export interface ElfFile {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly type: number;
  readonly flags: number;
  readonly entry: number;
  readonly sections: readonly ElfSectionHeader[];
  /** symbols of the (single) SHT_SYMTAB, index 0 included; empty if none */
  readonly symbols: readonly ElfSymbol[];
  /** index of the SHT_SYMTAB section, 0 if none */
  readonly symtabIndex: number;
  /** index of the section-name string table */
  readonly shstrndx: number;
}

function fail(path: string, what: string): never {
  throw new LinkError(`${path}: corrupt ELF: ${what}`);
}

/** A NUL-terminated name from a string table (names are byte strings: latin1 keeps every byte). */
function readName(bytes: Uint8Array, start: number, end: number, off: number, path: string, what: string): string {
  const at = start + off;
  if (off < 0 || at >= end) fail(path, `${what} name offset ${hex(off)} outside its string table`);
  let stop = at;
  while (stop < end && bytes[stop] !== 0) stop++;
  if (stop >= end) fail(path, `${what} name at ${hex(off)} is not terminated`);
  return Buffer.from(bytes.buffer, bytes.byteOffset + at, stop - at).toString('latin1');
}

export function readElf(bytes: Uint8Array, path: string): ElfFile {
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new LinkError(`${path}: not an ELF file`);
  }
  if (bytes.length < EHDR_SIZE) fail(path, `file is ${bytes.length} bytes, shorter than an ELF header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cls = bytes[4]!;
  const data = bytes[5]!;
  const machine = dv.getUint16(18, data === ELFDATA2LSB);
  if (cls !== ELFCLASS32 || data !== ELFDATA2LSB || machine !== EM_ARM) {
    const desc = `${cls === 2 ? 'ELF64' : cls === 1 ? 'ELF32' : `class ${cls}`} ${data === 2 ? 'big-endian' : 'little-endian'} machine ${machine}`;
    throw new LinkError(`${path}: not ELF32 little-endian ARM (found ${desc})`);
  }
  const type = dv.getUint16(16, true);
  const entry = dv.getUint32(24, true);
  const shoff = dv.getUint32(32, true);
  const flags = dv.getUint32(36, true);
  const shentsize = dv.getUint16(46, true);
  let shnum = dv.getUint16(48, true);
  let shstrndx = dv.getUint16(50, true);
  if (shoff === 0) fail(path, 'no section header table');
  if (shentsize !== SHDR_SIZE) fail(path, `e_shentsize is ${shentsize}, expected ${SHDR_SIZE}`);
  if (shoff + SHDR_SIZE > bytes.length) fail(path, `section header table at ${hex(shoff)} is past the end of the file`);
  // Extended numbering: counts that do not fit live in section header 0.
  if (shnum === 0) shnum = dv.getUint32(shoff + 20, true);
  if (shstrndx === SHN_XINDEX) shstrndx = dv.getUint32(shoff + 24, true);
  if (shoff + shnum * SHDR_SIZE > bytes.length) {
    fail(path, `section header table (${shnum} entries at ${hex(shoff)}) is past the end of the file`);
  }
  if (shstrndx >= shnum) fail(path, `section name table index ${shstrndx} out of range`);

  const raw: Omit<ElfSectionHeader, 'name'>[] = [];
  const nameOffsets: number[] = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * SHDR_SIZE;
    nameOffsets.push(dv.getUint32(o, true));
    const h = {
      index: i,
      type: dv.getUint32(o + 4, true),
      flags: dv.getUint32(o + 8, true),
      addr: dv.getUint32(o + 12, true),
      offset: dv.getUint32(o + 16, true),
      size: dv.getUint32(o + 20, true),
      link: dv.getUint32(o + 24, true),
      info: dv.getUint32(o + 28, true),
      addralign: dv.getUint32(o + 32, true),
      entsize: dv.getUint32(o + 36, true),
    };
    if (i > 0 && h.type !== SectionType.NOBITS && h.type !== SectionType.NULL && h.offset + h.size > bytes.length) {
      fail(path, `section ${i} (${hex(h.offset)}+${hex(h.size)}) is past the end of the file`);
    }
    raw.push(h);
  }
  const shstr = raw[shstrndx]!;
  const sections: ElfSectionHeader[] = raw.map((h, i) => ({
    ...h,
    name: i === 0 ? '' : readName(bytes, shstr.offset, shstr.offset + shstr.size, nameOffsets[i]!, path, `section ${i}`),
  }));

  const symtab = sections.find((s) => s.type === SectionType.SYMTAB);
  const symbols: ElfSymbol[] = [];
  if (symtab) {
    if (symtab.entsize !== SYM_SIZE && symtab.entsize !== 0) fail(path, `symbol table entry size ${symtab.entsize}`);
    if (symtab.link >= shnum) fail(path, `symbol table string table index ${symtab.link} out of range`);
    const str = sections[symtab.link]!;
    const shndxSec = sections.find((s) => s.type === SectionType.SYMTAB_SHNDX && s.link === symtab.index);
    const count = Math.floor(symtab.size / SYM_SIZE);
    for (let i = 0; i < count; i++) {
      const o = symtab.offset + i * SYM_SIZE;
      const info = bytes[o + 12]!;
      let shndx = dv.getUint16(o + 14, true);
      if (shndx === SHN_XINDEX && shndxSec) shndx = dv.getUint32(shndxSec.offset + i * 4, true);
      symbols.push({
        index: i,
        name: readName(bytes, str.offset, str.offset + str.size, dv.getUint32(o, true), path, `symbol ${i}`),
        value: dv.getUint32(o + 4, true),
        size: dv.getUint32(o + 8, true),
        binding: info >> 4,
        type: info & 15,
        other: bytes[o + 13]!,
        shndx,
      });
    }
  }
  return { path, bytes, type, flags, entry, sections, symbols, symtabIndex: symtab?.index ?? 0, shstrndx };
}

/** The relocations of one SHT_REL or SHT_RELA section. */
export function readRelocations(elf: ElfFile, sec: ElfSectionHeader): ElfRelocation[] {
  const isRela = sec.type === SectionType.RELA;
  const size = isRela ? 12 : 8;
  if (sec.entsize !== 0 && sec.entsize !== size) fail(elf.path, `${sec.name}: relocation entry size ${sec.entsize}`);
  const dv = new DataView(elf.bytes.buffer, elf.bytes.byteOffset, elf.bytes.byteLength);
  const out: ElfRelocation[] = [];
  const count = Math.floor(sec.size / size);
  for (let i = 0; i < count; i++) {
    const o = sec.offset + i * size;
    const info = dv.getUint32(o + 4, true);
    const symbol = info >>> 8;
    if (symbol >= elf.symbols.length) {
      fail(elf.path, `${sec.name}: relocation ${i} names symbol ${symbol}, table has ${elf.symbols.length}`);
    }
    out.push({ offset: dv.getUint32(o, true), type: info & 0xff, symbol, addend: isRela ? dv.getInt32(o + 8, true) : undefined });
  }
  return out;
}

/** The bytes of a section (empty for NOBITS). */
export function sectionBytes(elf: ElfFile, sec: ElfSectionHeader): Uint8Array {
  if (sec.type === SectionType.NOBITS) return new Uint8Array(0);
  return elf.bytes.subarray(sec.offset, sec.offset + sec.size);
}
