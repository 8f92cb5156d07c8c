// An already-linked runtime (ET_EXEC) with a reserved frozen region: the
// ROMFS is written into _mpi_romfs_start .. _mpi_romfs_end (rest zeroed),
// then the raw image is made the way objcopy -O binary makes it.
import { LinkError, hex } from './errors.ts';
import { readElf, type ElfFile } from './elf/reader.ts';
import { SectionType, SHF_ALLOC } from './elf/format.ts';

export interface PatchedExecutable {
  readonly regionStart: number;
  readonly regionEnd: number;
  readonly image: Uint8Array;
  readonly imageAddress: number;
  /** the input ELF with the region's bytes replaced */
  readonly elf: Uint8Array;
}

function symbol(elf: ElfFile, name: string): number {
  const s = elf.symbols.find((x) => x.name === name && x.shndx !== 0);
  if (!s) throw new LinkError(`${elf.path}: executable runtime does not define \`${name}' (the reserved frozen region)`);
  return s.value;
}

export function patchExecutable(bytes: Uint8Array, path: string, romfs: Uint8Array): PatchedExecutable {
  const elf = readElf(bytes, path);
  const start = symbol(elf, '_mpi_romfs_start');
  const end = symbol(elf, '_mpi_romfs_end');
  if (end < start) throw new LinkError(`${path}: _mpi_romfs_end (${hex(end)}) is below _mpi_romfs_start (${hex(start)})`);
  if (romfs.length > end - start) {
    throw new LinkError(`ROMFS (${romfs.length} bytes) overflows the reserved region ${hex(start)}..${hex(end)} of ${path} by ${romfs.length - (end - start)} bytes`);
  }
  const loaded = elf.sections.filter((s) => s.flags & SHF_ALLOC && s.type !== SectionType.NOBITS && s.size > 0);
  const holder = loaded.find((s) => start >= s.addr && end <= s.addr + s.size);
  if (!holder && end > start) {
    throw new LinkError(`${path}: the reserved region ${hex(start)}..${hex(end)} is not inside one loaded (PROGBITS) section`);
  }
  const out = new Uint8Array(bytes);
  if (holder) {
    const at = holder.offset + (start - holder.addr);
    out.fill(0, at, at + (end - start));
    out.set(romfs, at);
  }
  if (loaded.length === 0) throw new LinkError(`${path}: executable has no loaded sections`);
  const lo = Math.min(...loaded.map((s) => s.addr));
  const hi = Math.max(...loaded.map((s) => s.addr + s.size));
  const image = new Uint8Array(hi - lo);
  for (const s of loaded) image.set(out.subarray(s.offset, s.offset + s.size), s.addr - lo);
  return { regionStart: start, regionEnd: end, image, imageAddress: lo, elf: out };
}
