// Reads an ELF32 little-endian ARM file: header, section headers (parsed by
// the elfy package), symbol tables and relocation tables (decoded here).
// Everything is bounds-checked so a truncated or corrupt file gives a
// LinkError naming the file and the bad field, never a RangeError from deep
// inside.
import elfy, { type ElfyHeader, type ElfySection } from 'elfy';
import { LinkError, hex } from '../errors.ts';
import { EM_ARM, EHDR_SIZE, SHDR_SIZE, SYM_SIZE, SHN_XINDEX, SectionType } from './format.ts';

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
  readonly machine: number;
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

/** A LinkError about one ELF file; `detail` is the message without the file's name. */
export class ElfReadError extends LinkError {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

function fail(path: string, what: string): never {
  throw new ElfReadError(path, `corrupt ELF: ${what}`);
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

// elfy parses the ELF header and the section headers. We call its Parser's
// header and section-header steps rather than elfy.parse(), because parse()
// also decodes program headers (not needed, and it throws on some valid
// inputs), resolves section names as UTF-8 (names here are byte strings),
// asserts on an unusual section-name table, and ignores extended section
// numbering (e_shnum 0). Names, symbols and relocations are decoded here.
const elfyParser = new elfy.Parser();

/** elfy reports numbers by name where its tables know them: map names back. */
function invert(table: Readonly<Record<number, string>>): ReadonlyMap<string, number> {
  return new Map(Object.entries(table).map(([k, v]) => [v, Number(k)]));
}
const TYPE_BY_NAME = invert(elfy.constants.type);
const MACHINE_BY_NAME = invert(elfy.constants.machine);
const SECTION_TYPE_BY_NAME = invert(elfy.constants.sectType);
const SECTION_FLAG_BY_NAME = invert(elfy.constants.sectFlags);

/** Runs an elfy step; whatever it throws on bad input becomes a corrupt-ELF LinkError. */
function withElfy<T>(path: string, what: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof LinkError) throw err;
    fail(path, `${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function word32(path: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) fail(path, `${what} is not a 32-bit value (${String(v)})`);
  return v;
}

/** An elfy section header back to the numbers of the file, validated. */
function fromElfy(path: string, i: number, s: ElfySection): { nameOffset: number; header: Omit<ElfSectionHeader, 'name'> } {
  const what = `section ${i}`;
  const type = typeof s.type === 'number' ? s.type : SECTION_TYPE_BY_NAME.get(s.type);
  if (type === undefined) fail(path, `${what}: unknown section type ${String(s.type)}`);
  let flags = 0;
  for (const key of Object.keys(s.flags ?? {})) {
    // a flag elfy has no name for is keyed by its bit value (bit 31 as a negative int32)
    const bit = SECTION_FLAG_BY_NAME.get(key) ?? Number(key);
    if (!Number.isInteger(bit) || bit === 0) fail(path, `${what}: unreadable flag ${key}`);
    flags = (flags | bit) >>> 0;
  }
  return {
    nameOffset: word32(path, `${what} name offset`, s.name),
    header: {
      index: i,
      type: word32(path, `${what} type`, type),
      flags,
      addr: word32(path, `${what} address`, s.addr),
      offset: word32(path, `${what} offset`, s.off),
      size: word32(path, `${what} size`, s.size),
      link: word32(path, `${what} link`, s.link),
      info: word32(path, `${what} info`, s.info),
      addralign: word32(path, `${what} alignment`, s.addralign),
      entsize: word32(path, `${what} entry size`, s.entsize),
    },
  };
}

export interface ReadElfOptions {
  /** accept any e_machine (ELF32 little-endian still required): for inspecting, not linking */
  readonly anyMachine?: boolean;
}

export function readElf(bytes: Uint8Array, path: string, { anyMachine = false }: ReadElfOptions = {}): ElfFile {
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfReadError(path, 'not an ELF file');
  }
  if (bytes.length < EHDR_SIZE) fail(path, `file is ${bytes.length} bytes, shorter than an ELF header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: ElfyHeader | undefined;
  try {
    header = elfyParser.parseHeader(buf);
  } catch {
    header = undefined; // elfy refuses classes and byte orders it does not know: described below
  }
  // elfy names e_machine and e_type only for the values in its tables; the raw
  // field is read for the others (only error messages need them).
  const machine = (header?.machine !== undefined ? MACHINE_BY_NAME.get(header.machine) : undefined) ?? dv.getUint16(18, bytes[5] !== 2);
  if (header === undefined || header.class !== '32' || header.endian !== 'lsb' || (machine !== EM_ARM && !anyMachine)) {
    const cls = header?.class === '64' ? 'ELF64' : header?.class === '32' ? 'ELF32' : `class ${bytes[4]}`;
    const endian = header?.endian ?? (bytes[5] === 1 ? 'lsb' : bytes[5] === 2 ? 'msb' : undefined);
    const order = endian === 'msb' ? 'big-endian' : endian === 'lsb' ? 'little-endian' : `byte order ${bytes[5]}`;
    throw new ElfReadError(path, `not ELF32 little-endian${anyMachine ? '' : ' ARM'} (found ${cls} ${order} machine ${machine})`);
  }
  const type = (header.type !== undefined ? TYPE_BY_NAME.get(header.type) : undefined) ?? dv.getUint16(16, true);
  const entry = word32(path, 'e_entry', header.entry);
  const shoff = word32(path, 'e_shoff', header.shoff);
  const flags = word32(path, 'e_flags', header.flags);
  const shentsize = header.shentsize;
  let shnum = header.shnum;
  let shstrndx = header.shstrndx;
  if (shoff === 0) fail(path, 'no section header table');
  if (shentsize !== SHDR_SIZE) fail(path, `e_shentsize is ${shentsize}, expected ${SHDR_SIZE}`);
  if (shoff + SHDR_SIZE > bytes.length) fail(path, `section header table at ${hex(shoff)} is past the end of the file`);
  // Extended numbering: counts that do not fit live in section header 0.
  if (shnum === 0 || shstrndx === SHN_XINDEX) {
    const first = withElfy(path, 'section header 0', () => elfyParser.parseSection(buf.subarray(shoff, shoff + SHDR_SIZE), header, buf));
    if (shnum === 0) shnum = word32(path, 'section count in section header 0', first.size);
    if (shstrndx === SHN_XINDEX) shstrndx = word32(path, 'section name table index in section header 0', first.link);
  }
  if (shoff + shnum * SHDR_SIZE > bytes.length) {
    fail(path, `section header table (${shnum} entries at ${hex(shoff)}) is past the end of the file`);
  }
  if (shstrndx >= shnum) fail(path, `section name table index ${shstrndx} out of range`);

  const parsed = withElfy(path, 'section headers', () => elfyParser.parseSections(buf, { ...header, shnum }));
  if (parsed.length !== shnum) fail(path, `expected ${shnum} section headers, read ${parsed.length}`);
  const raw: Omit<ElfSectionHeader, 'name'>[] = [];
  const nameOffsets: number[] = [];
  for (let i = 0; i < shnum; i++) {
    const { nameOffset, header: h } = fromElfy(path, i, parsed[i]!);
    if (i > 0 && h.type !== SectionType.NOBITS && h.type !== SectionType.NULL && h.offset + h.size > bytes.length) {
      fail(path, `section ${i} (${hex(h.offset)}+${hex(h.size)}) is past the end of the file`);
    }
    nameOffsets.push(nameOffset);
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
    if (shndxSec && shndxSec.size < count * 4) fail(path, `extended section index table holds ${Math.floor(shndxSec.size / 4)} entries, the symbol table ${count}`);
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
  return { path, bytes, type, machine, flags, entry, sections, symbols, symtabIndex: symtab?.index ?? 0, shstrndx };
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
