// What a user sees when the inputs are wrong: one-line errors naming the
// file, symbol, section and offset, and no output written.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { link } from '../../link/linker.ts';
import { readObjectFile } from '../../link/input-files.ts';
import { collectFrozen } from '../../link/firmware.ts';
import { LinkError } from '../../link/errors.ts';
import { UserError } from '../../src/cli/run.ts';
import { defineLayout, section, input, keep, mark } from '../../link/layout.ts';
import { resolveConfig } from '../../src/config/index.ts';
import { HAVE_BINUTILS, assemble, scratch, warnSkip } from './toolchain.ts';

const START = ' .section .text.boot,"ax"\n .global _start\n_start: b .\n';

function layoutWith(ramLength: number, extra: Partial<Parameters<typeof defineLayout>[0]> = {}) {
  return defineLayout({
    entry: '_start',
    loadAddress: 0x8000,
    memory: { RAM: { origin: 0x8000, length: ramLength } },
    sections: [
      section('.text', {}, [keep('.text.boot'), input('.text', '.text.*')]),
      section('.data', {}, [input('.data', '.data.*')]),
      section('.mpi_romfs', {}, [mark('_mpi_romfs_start'), keep('.mpi_romfs'), mark('_mpi_romfs_end')]),
      section('.bss', { noload: true }, [input('.bss', '.bss.*')]),
    ],
    ...extra,
  });
}

function linkError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LinkError);
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected a LinkError');
}

describe('input validation (no tools needed)', () => {
  it('rejects a file that is not ELF', () => {
    expect(linkError(() => readObjectFile(new TextEncoder().encode('hello world, not an object'), 'rt.o'))).toBe('rt.o: not an ELF file');
  });
  const config = resolveConfig({ board: 'RPI2' }, 'mpconfig.json');
  it('rejects a missing freeze folder', () => {
    expect(linkError(() => collectFrozen(['/nonexistent/frozen'], config))).toBe('/nonexistent/frozen: freeze folder does not exist');
  });
  it('rejects a .mpy for another version', () => {
    const dir = scratch();
    writeFileSync(`${dir}/old.mpy`, new Uint8Array([0x4d, 5, 0, 31]));
    expect(linkError(() => collectFrozen([dir], config))).toMatch(/old\.mpy: \.mpy version 5, but the runtime \(MicroPython v1\.28\) loads version 6$/);
  });
  it('rejects a damaged .mpy, saying where', () => {
    const dir = scratch();
    writeFileSync(`${dir}/cut.mpy`, new Uint8Array([0x4d, 6, 0, 31, 2]));
    expect(linkError(() => collectFrozen([dir], config))).toMatch(/cut\.mpy: not a valid \.mpy file: offset \d+: expected /);
  });
});

describe.skipIf(!HAVE_BINUTILS)('link errors', () => {
  warnSkip('link error tests', HAVE_BINUTILS);
  const obj = (src: string): { name: string; bytes: Uint8Array } => {
    const dir = scratch();
    const start = assemble(dir, 'start', START + src);
    return { name: 'rt.o', bytes: readFileSync(start) };
  };

  it('names ELF32 LE ARM as the requirement', () => {
    const good = obj('').bytes;
    const elf64 = Uint8Array.from(good); elf64[4] = 2;
    expect(linkError(() => readObjectFile(elf64, 'x.o'))).toMatch(/^x\.o: not ELF32 little-endian ARM \(found ELF64/);
    const big = Uint8Array.from(good); big[5] = 2;
    expect(linkError(() => readObjectFile(big, 'x.o'))).toMatch(/^x\.o: not ELF32 little-endian ARM \(found ELF32 big-endian/);
  });

  it('reports a truncated object as corrupt', () => {
    const good = obj('').bytes;
    expect(linkError(() => readObjectFile(good.subarray(0, 120), 'cut.o'))).toMatch(/^cut\.o: corrupt ELF: /);
  });

  it('names an undefined symbol with its section and offset', () => {
    const o = obj(' .section .text.main,"ax"\n nop\n bl nowhere\n');
    expect(linkError(() => link({ layout: layoutWith(0x10000), objects: [o] })))
      .toBe("rt.o(.text.main+0x4): reference to `nowhere': undefined symbol `nowhere' (not defined by the runtime or the layout)");
  });

  it('names an unsupported relocation', () => {
    const o = obj(' .data\n .word 0\n .word _start(GOT)\n');
    expect(linkError(() => link({ layout: layoutWith(0x10000), objects: [o] }))).toMatch(/^rt\.o\(\.data\+0x4\): reference to `_start': unsupported relocation/);
  });

  it('reports a memory region overflow in bytes', () => {
    const o = obj(' .data\n .space 100\n');
    // .text is 4 bytes, .data 100: 104 bytes in a 64-byte region
    expect(linkError(() => link({ layout: layoutWith(64), objects: [o] }))).toBe('section .data overflows memory region RAM by 40 bytes');
  });

  it('reports overlapping sections', () => {
    const o = obj(' .data\n .space 16\n');
    const layout = defineLayout({
      entry: '_start', loadAddress: 0x8000,
      memory: { ROM: { origin: 0x8000, length: 0x100 }, RAM: { origin: 0x8002, length: 0x100 } },
      sections: [
        section('.text', { region: 'ROM' }, [keep('.text.boot')]),
        section('.data', { region: 'RAM' }, [input('.data')]),
      ],
    });
    expect(linkError(() => link({ layout, objects: [o] }))).toMatch(/^section \.text \[0x8000\.\.0x8004\) overlaps section \.data \[0x8002\.\.0x8012\) by 2 bytes$/);
  });

  it('refuses a reference from loaded code into a section that is not loaded', () => {
    const o = obj(' .section .notes,""\nnote: .word 1\n .text\n .word note\n');
    expect(linkError(() => link({ layout: layoutWith(0x10000), objects: [o] }))).toMatch(/^rt\.o: section \.notes is referenced but is not loaded into memory/);
  });

  it('refuses sections the layout does not place', () => {
    const o = obj(' .section .mystery,"a"\n .word 1\n');
    expect(linkError(() => link({ layout: layoutWith(0x10000), objects: [o] }))).toMatch(/^rt\.o: section \.mystery \(0x4 bytes\) is not placed by the layout/);
  });

  it('fails when the entry symbol is missing', () => {
    const dir = scratch();
    const o = assemble(dir, 'x', ' .text\n nop\n');
    expect(linkError(() => link({ layout: layoutWith(0x10000), objects: [{ name: 'x.o', bytes: readFileSync(o) }] }))).toBe("entry symbol `_start' is not defined");
  });
});
