// Output files: the raw image (what the boot loader loads at the load
// address), and optionally an ELF executable of the same link for
// `qemu-system-arm -kernel` and gdb. Files are written to a temporary name in
// the same folder, then renamed, so a failed run never leaves partial output.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LinkError } from './errors.ts';
import {
  EF_ARM_EABI_VER5, EHDR_SIZE, ElfType, EM_ARM, PF_R, PF_W, PF_X, PHDR_SIZE, PT_LOAD, SHDR_SIZE, SHF_ALLOC,
  SHF_EXECINSTR, SHF_WRITE, SYM_SIZE, SectionType, SymbolBinding, SymbolType, SHN_ABS,
} from './elf/format.ts';
import type { LinkedImage } from './linker.ts';
import { BranchType } from './input-files.ts';

/** Writes all files or none: every file goes to a temp name first, then all are renamed. */
export function writeFilesAtomically(files: readonly { path: string; data: Uint8Array }[]): void {
  const temps: string[] = [];
  try {
    for (const f of files) {
      const tmp = join(dirname(f.path), `.${basename(f.path)}.${process.pid}.tmp`);
      temps.push(tmp);
      let fd: number;
      try {
        fd = openSync(tmp, 'w');
      } catch (err) {
        throw new LinkError(`${f.path}: cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      try {
        let off = 0;
        while (off < f.data.length) off += writeSync(fd, f.data, off, f.data.length - off);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    files.forEach((f, i) => renameSync(temps[i]!, f.path));
  } catch (err) {
    for (const t of temps) {
      try { unlinkSync(t); } catch { /* already renamed or never created */ }
    }
    throw err;
  }
}

class StringTable {
  private readonly parts: Buffer[] = [Buffer.from([0])];
  private size = 1;
  private readonly seen = new Map<string, number>();
  add(s: string): number {
    if (s === '') return 0;
    const known = this.seen.get(s);
    if (known !== undefined) return known;
    const off = this.size;
    const b = Buffer.from(s + '\0', 'latin1');
    this.parts.push(b);
    this.size += b.length;
    this.seen.set(s, off);
    return off;
  }
  bytes(): Uint8Array {
    return Buffer.concat(this.parts);
  }
}

/**
 * An ELF32 executable of the link: one PT_LOAD per allocated output section,
 * section headers, and a symbol table (layout symbols and the runtime's
 * named symbols) so gdb can show names.
 */
export function buildElf(img: LinkedImage): Uint8Array {
  const present = img.placement.outputs.filter((o) => o.present);
  const shstr = new StringTable();
  const str = new StringTable();

  // Symbols: locals first (ELF rule), then globals.
  interface Sym { name: number; value: number; size: number; info: number; shndx: number }
  const locals: Sym[] = [];
  const globals: Sym[] = [];
  const secIndex = new Map<string, number>();
  present.forEach((o, i) => secIndex.set(o.name, i + 1));
  const outputIndexOf = (addr: number): number => {
    for (const o of present) if (addr >= o.address && addr < o.address + Math.max(1, o.size)) return secIndex.get(o.name)!;
    return SHN_ABS;
  };
  for (const f of img.files) {
    for (const s of f.symbols) {
      if (s.binding !== SymbolBinding.LOCAL || !s.name || s.type === SymbolType.SECTION || s.type === SymbolType.FILE) continue;
      if (s.def.kind !== 'section' || !s.def.section.output || s.def.section.discarded) continue;
      if (s.name.startsWith('$')) continue; // mapping symbols
      const value = (s.address | (s.branchType === BranchType.TO_THUMB ? 1 : 0)) >>> 0;
      locals.push({ name: str.add(s.name), value, size: s.size, info: (SymbolBinding.LOCAL << 4) | s.type, shndx: secIndex.get(s.def.section.output.name)! });
    }
  }
  const globalSyms = [...img.symbols.all()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const s of globalSyms) {
    if (s.isUndefined) continue;
    const value = (s.address | (s.assigned === undefined && s.branchType === BranchType.TO_THUMB ? 1 : 0)) >>> 0;
    let shndx = SHN_ABS;
    if (s.assigned !== undefined) shndx = outputIndexOf(s.address);
    else if (s.def.kind === 'section' && s.def.section.output) shndx = secIndex.get(s.def.section.output.name)!;
    globals.push({ name: str.add(s.name), value, size: s.size, info: (s.binding << 4) | (s.assigned !== undefined ? SymbolType.NOTYPE : s.type), shndx });
  }
  const symCount = 1 + locals.length + globals.length;
  const symtab = new Uint8Array(symCount * SYM_SIZE);
  const sdv = new DataView(symtab.buffer);
  [...locals, ...globals].forEach((s, i) => {
    const o = (i + 1) * SYM_SIZE;
    sdv.setUint32(o, s.name, true);
    sdv.setUint32(o + 4, s.value, true);
    sdv.setUint32(o + 8, s.size, true);
    symtab[o + 12] = s.info;
    sdv.setUint16(o + 14, s.shndx, true);
  });
  const strtab = str.bytes();

  // File layout: header, program headers, section contents (page offsets congruent to addresses), tables.
  const loaded = present.filter((o) => o.size > 0);
  const phnum = loaded.length;
  let off = EHDR_SIZE + phnum * PHDR_SIZE;
  const fileOffset = new Map<string, number>();
  for (const o of present) {
    // keep offset % 0x1000 == address % 0x1000 so loaders can map pages
    const want = o.address % 0x1000;
    off = off + ((want - (off % 0x1000) + 0x1000) % 0x1000);
    fileOffset.set(o.name, off);
    if (o.type !== SectionType.NOBITS) off += o.size;
  }
  const symOff = (off + 3) & ~3;
  const strOff = symOff + symtab.length;
  const names = present.map((o) => shstr.add(o.name));
  const symName = shstr.add('.symtab');
  const strName = shstr.add('.strtab');
  const shstrName = shstr.add('.shstrtab');
  const shstrBytes = shstr.bytes();
  const shstrOff = strOff + strtab.length;
  const shOff = (shstrOff + shstrBytes.length + 3) & ~3;
  const shnum = present.length + 4;
  const total = shOff + shnum * SHDR_SIZE;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);

  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0], 0);
  dv.setUint16(16, ElfType.EXEC, true);
  dv.setUint16(18, EM_ARM, true);
  dv.setUint32(20, 1, true);
  dv.setUint32(24, img.entry, true);
  dv.setUint32(28, EHDR_SIZE, true);
  dv.setUint32(32, shOff, true);
  dv.setUint32(36, EF_ARM_EABI_VER5 | 0x200 /* EF_ARM_ABI_FLOAT_SOFT */, true);
  dv.setUint16(40, EHDR_SIZE, true);
  dv.setUint16(42, PHDR_SIZE, true);
  dv.setUint16(44, phnum, true);
  dv.setUint16(46, SHDR_SIZE, true);
  dv.setUint16(48, shnum, true);
  dv.setUint16(50, shnum - 1, true);

  loaded.forEach((o, i) => {
    const p = EHDR_SIZE + i * PHDR_SIZE;
    const nobits = o.type === SectionType.NOBITS;
    dv.setUint32(p, PT_LOAD, true);
    dv.setUint32(p + 4, fileOffset.get(o.name)!, true);
    dv.setUint32(p + 8, o.address, true);
    dv.setUint32(p + 12, o.address, true);
    dv.setUint32(p + 16, nobits ? 0 : o.size, true);
    dv.setUint32(p + 20, o.size, true);
    dv.setUint32(p + 24, PF_R | (o.flags & SHF_WRITE ? PF_W : 0) | (o.flags & SHF_EXECINSTR ? PF_X : 0), true);
    dv.setUint32(p + 28, 4, true);
  });
  for (const o of present) if (o.type !== SectionType.NOBITS) out.set(img.contents.get(o.name)!, fileOffset.get(o.name)!);
  out.set(symtab, symOff);
  out.set(strtab, strOff);
  out.set(shstrBytes, shstrOff);

  const sh = (i: number, name: number, type: number, flags: number, addr: number, offset: number, size: number, link: number, info: number, align: number, entsize: number): void => {
    const o = shOff + i * SHDR_SIZE;
    [name, type, flags, addr, offset, size, link, info, align, entsize].forEach((v, k) => dv.setUint32(o + k * 4, v >>> 0, true));
  };
  present.forEach((o, i) => {
    sh(i + 1, names[i]!, o.type === SectionType.NOBITS ? SectionType.NOBITS : sectionTypeOf(o.name), o.flags | SHF_ALLOC, o.address, fileOffset.get(o.name)!, o.size, 0, 0, o.align, 0);
  });
  const strIndex = present.length + 2;
  sh(present.length + 1, symName, SectionType.SYMTAB, 0, 0, symOff, symtab.length, strIndex, 1 + locals.length, 4, SYM_SIZE);
  sh(strIndex, strName, SectionType.STRTAB, 0, 0, strOff, strtab.length, 0, 0, 1, 0);
  sh(present.length + 3, shstrName, SectionType.STRTAB, 0, 0, shstrOff, shstrBytes.length, 0, 0, 1, 0);
  return out;
}

function sectionTypeOf(name: string): number {
  if (name === '.ARM.exidx') return SectionType.ARM_EXIDX;
  if (name === '.init_array') return SectionType.INIT_ARRAY;
  if (name === '.fini_array') return SectionType.FINI_ARRAY;
  if (name === '.preinit_array') return SectionType.PREINIT_ARRAY;
  return SectionType.PROGBITS;
}
