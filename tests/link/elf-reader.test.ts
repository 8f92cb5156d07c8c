// The ELF reader (elfy for the header and section headers, our own symbol and
// relocation decoding) on hand-built files: what binutils writes must read
// back exactly, and a corrupt file must give a one-line LinkError, never a
// crash from inside a parser.
import { describe, expect, it } from 'vitest';
import { readElf, readRelocations } from '../../link/elf/reader.ts';
import { LinkError } from '../../link/errors.ts';

interface Sec {
  name: string; // byte string
  type: number;
  flags?: number;
  addr?: number;
  data?: Uint8Array;
  size?: number; // NOBITS
  link?: number;
  info?: number;
  align?: number;
  entsize?: number;
}

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** An ELF32 LE ARM ET_REL. Section 0 and .shstrtab (last) are added here. */
function buildElf(secs: Sec[], opts: { extended?: boolean } = {}): Uint8Array {
  const all: Sec[] = [{ name: '', type: 0 }, ...secs];
  let names = '\0';
  const nameOff = all.map((s) => {
    if (s.name === '') return 0;
    const o = names.length;
    names += s.name + '\0';
    return o;
  });
  const shstrOff = names.length;
  names += '.shstrtab\0';
  all.push({ name: '.shstrtab', type: 3, data: latin1(names) });
  nameOff.push(shstrOff);
  const offsets: number[] = [];
  let off = 52;
  for (const s of all) {
    off = (off + 3) & ~3;
    offsets.push(off);
    if (s.data) off += s.data.length;
  }
  const shoff = (off + 3) & ~3;
  const out = new Uint8Array(shoff + all.length * 40);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1], 0);
  dv.setUint16(16, 1, true);
  dv.setUint16(18, 40, true);
  dv.setUint32(20, 1, true);
  dv.setUint32(32, shoff, true);
  dv.setUint32(36, 0x05000000, true);
  dv.setUint16(40, 52, true);
  dv.setUint16(46, 40, true);
  const shstrndx = all.length - 1;
  dv.setUint16(48, opts.extended ? 0 : all.length, true);
  dv.setUint16(50, opts.extended ? 0xffff : shstrndx, true);
  all.forEach((s, i) => {
    if (s.data) out.set(s.data, offsets[i]);
    const b = shoff + i * 40;
    dv.setUint32(b, nameOff[i]!, true);
    dv.setUint32(b + 4, s.type, true);
    dv.setUint32(b + 8, s.flags ?? 0, true);
    dv.setUint32(b + 12, s.addr ?? 0, true);
    dv.setUint32(b + 16, i === 0 ? 0 : offsets[i]!, true);
    dv.setUint32(b + 20, s.data ? s.data.length : (s.size ?? 0), true);
    dv.setUint32(b + 24, s.link ?? 0, true);
    dv.setUint32(b + 28, s.info ?? 0, true);
    dv.setUint32(b + 32, s.align ?? 0, true);
    dv.setUint32(b + 36, s.entsize ?? 0, true);
  });
  if (opts.extended) {
    // e_shnum / e_shstrndx that do not fit live in section header 0
    dv.setUint32(shoff + 20, all.length, true);
    dv.setUint32(shoff + 24, shstrndx, true);
  }
  return out;
}

function sym(name: number, value: number, size: number, info: number, shndx: number): number[] {
  const b = new DataView(new ArrayBuffer(16));
  b.setUint32(0, name, true);
  b.setUint32(4, value, true);
  b.setUint32(8, size, true);
  b.setUint8(12, info);
  b.setUint16(14, shndx, true);
  return [...new Uint8Array(b.buffer)];
}

function rel(offset: number, symbol: number, type: number): number[] {
  const b = new DataView(new ArrayBuffer(8));
  b.setUint32(0, offset, true);
  b.setUint32(4, (symbol << 8) | type, true);
  return [...new Uint8Array(b.buffer)];
}

// .text.\xe9t\xe9: a section name that is not valid UTF-8 must keep its bytes
const SAMPLE: Sec[] = [
  { name: '.text.\xe9t\xe9', type: 1, flags: 0x6, data: new Uint8Array(8), align: 4 },
  { name: '.ARM.exidx.text', type: 0x70000001, flags: 0x82, data: new Uint8Array(8), link: 1, align: 4 },
  // SHF_ARM_PURECODE (0x20000000) and SHF_EXCLUDE (0x80000000): bits elfy has no names for
  { name: '.text.pure', type: 1, flags: 0xa0000006, data: new Uint8Array(4), align: 4 },
  { name: '.bss', type: 8, flags: 0x3, size: 0x100, align: 8 },
  {
    name: '.symtab', type: 2, link: 6, info: 2, align: 4, entsize: 16,
    data: Uint8Array.from([...sym(0, 0, 0, 0, 0), ...sym(1, 0, 0, 0x03, 1), ...sym(8, 4, 4, 0x12, 1), ...sym(13, 0, 0, 0x10, 0)]),
  },
  { name: '.strtab', type: 3, data: latin1('\0$a.loc\0main\0ext\0') },
  { name: '.rel.text.\xe9t\xe9', type: 9, flags: 0x40, link: 5, info: 1, entsize: 8, align: 4, data: Uint8Array.from([...rel(0, 3, 28), ...rel(4, 2, 2)]) },
];

describe('readElf', () => {
  it('reads section headers, symbols and relocations exactly', () => {
    const elf = readElf(buildElf(SAMPLE), 'a.o');
    expect(elf.type).toBe(1);
    expect(elf.flags).toBe(0x05000000);
    expect(elf.sections.map((s) => s.name)).toEqual(['', '.text.\xe9t\xe9', '.ARM.exidx.text', '.text.pure', '.bss', '.symtab', '.strtab', '.rel.text.\xe9t\xe9', '.shstrtab']);
    expect(elf.sections.map((s) => s.type)).toEqual([0, 1, 0x70000001, 1, 8, 2, 3, 9, 3]);
    expect(elf.sections.map((s) => s.flags)).toEqual([0, 0x6, 0x82, 0xa0000006, 0x3, 0, 0, 0x40, 0]);
    expect(elf.sections[4]!.size).toBe(0x100);
    expect(elf.sections[2]!.link).toBe(1);
    expect(elf.sections[5]!).toMatchObject({ info: 2, entsize: 16, addralign: 4 });
    expect(elf.symtabIndex).toBe(5);
    expect(elf.symbols.map((s) => [s.name, s.value, s.size, s.binding, s.type, s.shndx])).toEqual([
      ['', 0, 0, 0, 0, 0],
      ['$a.loc', 0, 0, 0, 3, 1],
      ['main', 4, 4, 1, 2, 1],
      ['ext', 0, 0, 1, 0, 0],
    ]);
    expect(readRelocations(elf, elf.sections[7]!)).toEqual([
      { offset: 0, type: 28, symbol: 3, addend: undefined },
      { offset: 4, type: 2, symbol: 2, addend: undefined },
    ]);
  });

  it('follows extended section numbering (e_shnum 0, e_shstrndx SHN_XINDEX)', () => {
    const plain = readElf(buildElf(SAMPLE), 'a.o');
    const ext = readElf(buildElf(SAMPLE, { extended: true }), 'a.o');
    expect(ext.sections.map((s) => s.name)).toEqual(plain.sections.map((s) => s.name));
    expect(ext.symbols).toEqual(plain.symbols);
  });

  it('names what is wrong with the header', () => {
    const good = buildElf(SAMPLE);
    const withByte = (at: number, v: number): Uint8Array => {
      const b = good.slice();
      b[at] = v;
      return b;
    };
    const msg = (b: Uint8Array): string => {
      try {
        readElf(b, 'x.o');
      } catch (e) {
        expect(e).toBeInstanceOf(LinkError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(msg(good.subarray(0, 3))).toBe('x.o: not an ELF file');
    expect(msg(good.subarray(0, 40))).toBe('x.o: corrupt ELF: file is 40 bytes, shorter than an ELF header');
    expect(msg(withByte(4, 2))).toMatch(/^x\.o: not ELF32 little-endian ARM \(found ELF64 little-endian machine 40\)$/);
    expect(msg(withByte(4, 7))).toMatch(/^x\.o: not ELF32 little-endian ARM \(found class 7 little-endian machine 40\)$/);
    expect(msg(withByte(5, 2))).toMatch(/^x\.o: not ELF32 little-endian ARM \(found ELF32 big-endian machine 10240\)$/);
    expect(msg(withByte(18, 3))).toMatch(/^x\.o: not ELF32 little-endian ARM \(found ELF32 little-endian machine 3\)$/);
    expect(msg(withByte(18, 250))).toMatch(/machine 250\)$/);
    expect(msg(withByte(46, 32))).toBe('x.o: corrupt ELF: e_shentsize is 32, expected 40');
    expect(msg(withByte(48, 200))).toMatch(/^x\.o: corrupt ELF: section header table \(200 entries at 0x[0-9a-f]+\) is past the end of the file$/);
    expect(msg(withByte(50, 99))).toBe('x.o: corrupt ELF: section name table index 99 out of range');
  });

  it('gives only LinkErrors on truncated or damaged files', () => {
    const good = buildElf(SAMPLE);
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const tryRead = (b: Uint8Array): void => {
      try {
        const elf = readElf(b, 'fuzz.o');
        for (const s of elf.sections) if (s.type === 9 || s.type === 4) readRelocations(elf, s);
      } catch (e) {
        if (!(e instanceof LinkError)) throw new Error(`not a LinkError: ${String(e)}`);
        expect((e as Error).message).toMatch(/^fuzz\.o: /);
        expect((e as Error).message).not.toMatch(/\n/);
      }
    };
    for (let n = 0; n < good.length; n++) tryRead(good.subarray(0, n));
    const shoff = new DataView(good.buffer).getUint32(32, true);
    for (let i = 0; i < 3000; i++) {
      const b = good.slice();
      // damage the header, the section headers, or anywhere
      const region = rand(3);
      const at = region === 0 ? rand(52) : region === 1 ? shoff + rand(good.length - shoff) : rand(good.length);
      b[at] = rand(256);
      if (rand(2)) b[at + 1 < b.length ? at + 1 : at] = 0xff;
      tryRead(b);
    }
  });
});
