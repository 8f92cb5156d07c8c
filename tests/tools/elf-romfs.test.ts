// `mpi inspect` on an ELF: the ROMFS is found through _mpi_romfs_start/_end.
// The ELF is assembled here byte by byte (ELF32 LE, ARM) so the test needs no toolchain.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../src/tools/elf-info.ts';
import { locateRomfs } from '../../src/tools/firmware-romfs.ts';
import { inspectText } from '../../src/tools/cli.ts';

const ROMFS = new Uint8Array(readFileSync(join(resolve(import.meta.dirname, '../../../shared/golden/romfs'), 'app.romfs')));

/** An ET_EXEC with .text (code then a reserved ROMFS region) at 0x8000 and the two symbols. */
function buildElf(romfs: Uint8Array, codeSize: number, regionSize: number): Uint8Array {
  const text = new Uint8Array(codeSize + regionSize);
  text.fill(0xe1, 0, codeSize);
  text.set(romfs, codeSize);
  const strtab = '\0_mpi_romfs_start\0_mpi_romfs_end\0_start\0';
  const shstr = '\0.text\0.symtab\0.strtab\0.shstrtab\0';
  const sym = (name: number, value: number, shndx: number): number[] => {
    const b = new DataView(new ArrayBuffer(16));
    b.setUint32(0, name, true);
    b.setUint32(4, value, true);
    b.setUint32(8, 0, true);
    b.setUint8(12, 0x10); // global, no type
    b.setUint16(14, shndx, true);
    return [...new Uint8Array(b.buffer)];
  };
  const symtab = Uint8Array.from([
    ...new Array(16).fill(0),
    ...sym(1, 0x8000 + codeSize, 1),
    ...sym(18, 0x8000 + codeSize + regionSize, 1),
    ...sym(33, 0x8000, 1),
  ]);
  const parts: Uint8Array[] = [text, symtab, new TextEncoder().encode(strtab), new TextEncoder().encode(shstr)];
  const offsets: number[] = [];
  let off = 52;
  for (const p of parts) {
    offsets.push(off);
    off += p.length;
  }
  const shoff = (off + 3) & ~3;
  const total = shoff + 5 * 40;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1], 0);
  dv.setUint16(16, 2, true); // ET_EXEC
  dv.setUint16(18, 40, true); // EM_ARM
  dv.setUint32(20, 1, true);
  dv.setUint32(24, 0x8000, true);
  dv.setUint32(32, shoff, true);
  dv.setUint16(40, 52, true);
  dv.setUint16(46, 40, true);
  dv.setUint16(48, 5, true);
  dv.setUint16(50, 4, true);
  parts.forEach((p, i) => out.set(p, offsets[i]));
  const sh = (i: number, name: number, type: number, flags: number, addr: number, o: number, size: number, link: number, entsize: number): void => {
    const b = shoff + i * 40;
    dv.setUint32(b, name, true);
    dv.setUint32(b + 4, type, true);
    dv.setUint32(b + 8, flags, true);
    dv.setUint32(b + 12, addr, true);
    dv.setUint32(b + 16, o, true);
    dv.setUint32(b + 20, size, true);
    dv.setUint32(b + 24, link, true);
    dv.setUint32(b + 36, entsize, true);
  };
  sh(1, 1, 1, 0x6, 0x8000, offsets[0]!, text.length, 0, 0);
  sh(2, 7, 2, 0, 0, offsets[1]!, symtab.length, 3, 16);
  sh(3, 15, 3, 0, 0, offsets[2]!, parts[2]!.length, 0, 0);
  sh(4, 23, 3, 0, 0, offsets[3]!, parts[3]!.length, 0, 0);
  return out;
}

describe('ELF firmware', () => {
  it('reads sections and symbols', () => {
    const elf = readElf(buildElf(ROMFS, 64, 4096));
    expect(elf.sections.map((s) => s.name)).toEqual(['', '.text', '.symtab', '.strtab', '.shstrtab']);
    expect(elf.symbols.find((s) => s.name === '_mpi_romfs_start')!.value).toBe(0x8000 + 64);
  });

  it('locates the ROMFS through the symbols, even with a decoy header in the code', () => {
    const romfs = ROMFS;
    const elfBytes = buildElf(romfs, 64, 4096);
    // a decoy header in the code area must not be picked: the symbols win
    elfBytes.set([0xd2, 0xcd, 0x31, 0x00], 52 + 8);
    const loc = locateRomfs(elfBytes);
    expect(loc.via).toBe('elf-symbols');
    expect(loc.offset).toBe(52 + 64);
    expect(loc.regionSize).toBe(4096);
    const r = inspectText('firmware.elf', elfBytes);
    expect(r.ok).toBe(true);
    expect(r.text).toMatch(/ELF32 executable, machine 40, entry 0x8000/);
    expect(r.text).toMatch(/\.text\s+0x00008000\s+4160\s+AX/);
    expect(r.text).toMatch(/ROMFS at file offset 116 .* of a 4096-byte region \[_mpi_romfs_start\/_end\]/);
  });

  it('says so when the region holds no valid ROMFS', () => {
    const elfBytes = buildElf(ROMFS.subarray(0, 100), 64, 4096);
    expect(() => locateRomfs(elfBytes)).toThrow(/ROMFS at file offset 116/);
  });
});
