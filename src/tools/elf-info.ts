// The ELF view `mpi inspect` needs (section headers and symbols), read by the
// linker's reader (link/elf/reader.ts) so there is one ELF decoder in the
// project. Firmware files are ELF32 little-endian (ARM); any machine is
// accepted here since inspecting only reads tables.
import { ElfReadError, readElf as readElfFile } from '../../link/elf/reader.ts';
import { SectionType } from '../../link/elf/format.ts';

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
  /** always false: only ELF32 is read (kept so callers can say which class) */
  readonly is64: boolean;
  readonly type: number;
  readonly machine: number;
  readonly entry: number;
  readonly sections: readonly ElfSection[];
  readonly symbols: readonly ElfSymbol[];
}

export function isElf(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46;
}

export function readElf(data: Uint8Array): ElfInfo {
  try {
    const elf = readElfFile(data, 'ELF', { anyMachine: true });
    return { is64: false, type: elf.type, machine: elf.machine, entry: elf.entry, sections: elf.sections, symbols: elf.symbols };
  } catch (e) {
    // callers put the file's name in front; the reader's message names the problem only
    if (e instanceof ElfReadError) throw new ElfFormatError(e.detail);
    throw e;
  }
}

/** File offset of a virtual address inside a section with contents, if any. */
export function fileOffsetOfAddress(elf: ElfInfo, addr: number): number | undefined {
  for (const s of elf.sections) {
    if (s.type === SectionType.NOBITS || s.addr === 0 || s.size === 0) continue;
    if (addr >= s.addr && addr < s.addr + s.size) return s.offset + (addr - s.addr);
  }
  return undefined;
}
