// SHF_MERGE sections (gcc's .rodata.str1.1, .rodata.cst8, ...): duplicate
// strings and constants stored once, string tails shared, references moved
// with their bytes. GNU ld is the oracle: every image must be identical to
// arm-none-eabi-ld + objcopy with the same layout. Besides hand-written and
// gcc-built cases, a seeded generator produces objects that mix string and
// constant sections, alignments, padding, empty strings, labels, global
// symbols and every kind of reference GNU ld accepts into merged sections.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { link } from '../../link/linker.ts';
import { defineLayout, section, input, keep, mark, type Layout } from '../../link/layout.ts';
import { LinkError } from '../../link/errors.ts';
import { generateMergeCase } from './merge-gen.ts';
import { HAVE_BINUTILS, HAVE_GCC, assemble, firstDifference, referenceImage, relocationTypes, run, scratch, warnSkip } from './toolchain.ts';

const V7 = ['-mcpu=cortex-a7'];

function layoutWith(rodata: string[][]): Layout {
  return defineLayout({
    entry: '_start',
    loadAddress: 0x8000,
    memory: { RAM: { origin: 0x8000, length: 0x100000 } },
    sections: [
      section('.text', {}, [keep('.text.boot'), input('.text', '.text.*')]),
      ...rodata.map((statements, i) => section(i === 0 ? '.rodata' : `.rodata${i}`, {}, statements.map((p) => input(p)))),
      section('.data', { align: 4 }, [input('.data', '.data.*')]),
      section('.mpi_romfs', { align: 4 }, [mark('_mpi_romfs_start'), keep('.mpi_romfs'), mark('_mpi_romfs_end')]),
      section('.bss', { noload: true }, [input('.bss', '.bss.*', 'COMMON')]),
    ],
  });
}

const ROMFS = new Uint8Array([1, 2, 3, 4, 5]);

function linkBoth(dir: string, layout: Layout, objects: string[]): { ours: Uint8Array; ref: Uint8Array; rodataSize: number } {
  const ref = referenceImage(dir, layout, objects, ROMFS);
  const img = link({ layout, objects: objects.map((o) => ({ name: o, bytes: readFileSync(o) })), romfs: ROMFS });
  let rodataSize = 0;
  for (const o of img.placement.outputs) if (o.name.startsWith('.rodata') && o.present) rodataSize += o.size;
  return { ours: img.image, ref, rodataSize };
}

const START = `
  .section .text.boot,"ax"
  .global _start
_start: b .
`;

describe.skipIf(!HAVE_BINUTILS)('merged string sections: identical to GNU ld', () => {
  warnSkip('SHF_MERGE identity tests', HAVE_BINUTILS);

  it('stores a string once, shares tails, keeps each string in the section that had it first', () => {
    const dir = scratch();
    const a = assemble(dir, 'a', `${START}
  .section .rodata.str1.1,"aMS",%progbits,1
greeting: .asciz "hello world"
  .asciz "abc"
  .asciz "xyz"
  .section .rodata.mid,"a"
  .word 0x11223344
  .section .rodata.late.str1.1,"aMS",%progbits,1
  .asciz "world"
late: .asciz "new"
  .asciz "abc"
  .text
  .word greeting, .rodata.str1.1+12, .rodata.str1.1+16, late
`);
    const b = assemble(dir, 'b', `
  .section .rodata.str1.1,"aMS",%progbits,1
  .asciz "qq"
  .asciz "xyz"
  .asciz "hello world"
  .text
  .word .rodata.str1.1+3, .rodata.str1.1+8
`);
    const layout = layoutWith([['.rodata.str1.1', '.rodata.mid', '.rodata.late.str1.1']]);
    const { ours, ref, rodataSize } = linkBoth(dir, layout, [a, b]);
    expect(firstDifference(ours, ref)).toBe('identical');
    // 12+4+4 + 4 + 6+4+4 + 3+4+12 bytes of input; merged: "hello world" "abc" "xyz" "qq" | word | "new"
    expect(rodataSize).toBe(12 + 4 + 4 + 3 + 4 + 4);
  });

  it('refuses a branch into a merged section as GNU ld does', () => {
    const dir = scratch();
    const a = assemble(dir, 'a', `${START}
  .section .rodata.str1.1,"aMS",%progbits,1
  .asciz "xyz"
s: .asciz "abc"
  .text
  bl s
`);
    expect(relocationTypes(a).has('R_ARM_CALL')).toBe(true);
    const layout = layoutWith([['.rodata.str1.1']]);
    expect(() => link({ layout, objects: [{ name: a, bytes: readFileSync(a) }] })).toThrow(LinkError);
    expect(() => link({ layout, objects: [{ name: a, bytes: readFileSync(a) }] })).toThrow(/R_ARM_CALL relocation against merged section \.rodata\.str1\.1/);
  });
});

describe.skipIf(!HAVE_GCC)('gcc string literals repeated across files', () => {
  warnSkip('gcc SHF_MERGE identity tests', HAVE_GCC);
  const FILE_A = `
const char *names[] = { "alpha", "beta", "gamma", "delta", "beta", "ta" };
extern const char *other(int);
const char *pick(int i) { return i > 5 ? other(i) : names[i]; }
const char *tail(void) { return "amma"; }
int sum(const int *v) { return v[0] * 3 + v[1]; }
`;
  const FILE_B = `
const char *other(int i) {
  switch (i) { case 6: return "gamma"; case 7: return "a"; case 8: return "alphabet"; default: return "delta"; }
}
long long wide(long long v) { return v * 0x123456789LL; }
`;
  const cases: { name: string; flags: string[]; relocation?: string }[] = [
    { name: 'ARM -O2 (ARMv6)', flags: ['-mcpu=arm1176jzf-s', '-marm', '-O2'] },
    { name: 'Thumb-2 -O2 with MOVW/MOVT (ARMv7)', flags: ['-mcpu=cortex-a7', '-mthumb', '-O2'], relocation: 'R_ARM_THM_MOVW_ABS_NC' },
    { name: 'ARM -Os, one section per function (ARMv7)', flags: ['-mcpu=cortex-a7', '-marm', '-Os', '-ffunction-sections', '-fdata-sections'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const dir = scratch();
      const objs = [['a', FILE_A], ['b', FILE_B]].map(([n, src]) => {
        writeFileSync(join(dir, `${n}.c`), src!);
        run('arm-none-eabi-gcc', [...c.flags, '-mfloat-abi=soft', '-ffreestanding', '-c', join(dir, `${n}.c`), '-o', join(dir, `${n}.o`)]);
        return join(dir, `${n}.o`);
      });
      const boot = assemble(dir, 'boot', START);
      if (c.relocation) expect(relocationTypes(objs[0]!).has(c.relocation)).toBe(true);
      const merged = run('arm-none-eabi-readelf', ['-SW', objs[0]!]);
      expect(merged).toMatch(/\.rodata[.\w]*\.str1\.\d+ +PROGBITS .* AMS /);
      const layout = layoutWith([['.rodata', '.rodata.*']]);
      const { ours, ref } = linkBoth(dir, layout, [boot, ...objs]);
      expect(firstDifference(ours, ref)).toBe('identical');
    });
  }
});

describe.skipIf(!HAVE_BINUTILS)('generated merge cases: identical to GNU ld', () => {
  warnSkip('generated SHF_MERGE identity tests', HAVE_BINUTILS);
  for (let seed = 1; seed <= 60; seed++) {
    it(`seed ${seed}`, () => {
      const g = generateMergeCase(seed, START);
      const dir = scratch();
      const objs = g.files.map((src, i) => assemble(dir, `f${i}`, src, V7));
      const layout = layoutWith(g.rodata);
      const { ours, ref } = linkBoth(dir, layout, objs);
      expect(firstDifference(ours, ref), `sources in ${dir}`).toBe('identical');
    });
  }
});
