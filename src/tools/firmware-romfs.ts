// Finding the ROMFS inside a firmware file: an ELF names it with the
// `_mpi_romfs_start/_end` symbols; a raw image is scanned for the ROMFS
// header bytes (d2 cd 31) and the first candidate that parses wins.
import { fileOffsetOfAddress, isElf, readElf, type ElfInfo } from './elf-info.ts';
import { findRomfsHeaders, readRomfs, RomfsFormatError, type Romfs } from './romfs-read.ts';

export interface LocatedRomfs {
  /** offset of the ROMFS image in the file */
  readonly offset: number;
  readonly romfs: Romfs;
  /** the ROMFS bytes (entries' offsets are relative to this) */
  readonly image: Uint8Array;
  /** how it was found */
  readonly via: 'elf-symbols' | 'scan';
  /** size of the reserved region (ELF symbols only) */
  readonly regionSize?: number;
  readonly elf?: ElfInfo;
}

export class FirmwareError extends Error {}

export function locateRomfs(data: Uint8Array): LocatedRomfs {
  let elf: ElfInfo | undefined;
  if (isElf(data)) {
    elf = readElf(data);
    const start = elf.symbols.find((s) => s.name === '_mpi_romfs_start');
    const end = elf.symbols.find((s) => s.name === '_mpi_romfs_end');
    if (start && end) {
      const off = fileOffsetOfAddress(elf, start.value);
      const regionSize = end.value - start.value;
      if (off === undefined) throw new FirmwareError(`_mpi_romfs_start (0x${start.value.toString(16)}) is not inside a section with contents`);
      if (regionSize < 0 || off + regionSize > data.length) throw new FirmwareError(`the ROMFS region (${regionSize} bytes at file offset ${off}) does not fit the file`);
      const image = data.subarray(off, off + regionSize);
      try {
        return { offset: off, romfs: readRomfs(image), image, via: 'elf-symbols', regionSize, elf };
      } catch (e) {
        if (e instanceof RomfsFormatError) throw new FirmwareError(`ROMFS at file offset ${off}: ${e.message}`);
        throw e;
      }
    }
  }
  const candidates = findRomfsHeaders(data);
  if (candidates.length === 0) throw new FirmwareError('no ROMFS found (no d2 cd 31 header bytes)');
  let firstError: RomfsFormatError | undefined;
  let firstAt = 0;
  for (const off of candidates) {
    try {
      const romfs = readRomfs(data.subarray(off));
      return { offset: off, romfs, image: data.subarray(off, off + romfs.size), via: 'scan', elf };
    } catch (e) {
      if (!(e instanceof RomfsFormatError)) throw e;
      if (!firstError) {
        firstError = e;
        firstAt = off;
      }
    }
  }
  throw new FirmwareError(`ROMFS header at file offset ${firstAt} but the image is damaged: ${firstError!.message}`);
}
