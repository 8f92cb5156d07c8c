// GNU ld's Cortex-A8 erratum fix, on by default for ARMv7-A (RPI2) links: a
// 32-bit Thumb-2 branch that straddles a 4 KB page boundary after a 32-bit
// non-branch instruction and targets the page it starts in is sent through a
// veneer. Images must be identical to GNU ld's: hand-placed sites of every
// branch kind, then generated Thumb-2 code dense in such sites.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { link } from '../../link/linker.ts';
import { defineLayout, section, input, keep, mark } from '../../link/layout.ts';
import { generateA8Case } from './a8-gen.ts';
import { HAVE_BINUTILS, assemble, firstDifference, referenceImage, scratch, warnSkip } from './toolchain.ts';

const V7 = ['-mcpu=cortex-a7'];
const layout = defineLayout({
  entry: '_start',
  loadAddress: 0x8000,
  memory: { RAM: { origin: 0x8000, length: 0x1000000 } },
  sections: [
    section('.text', {}, [keep('.text.boot'), input('.text', '.text.*')]),
    section('.rodata', {}, [input('.rodata', '.rodata.*')]),
    section('.mpi_romfs', { align: 4 }, [mark('_mpi_romfs_start'), keep('.mpi_romfs'), mark('_mpi_romfs_end')]),
  ],
});
const ROMFS = new Uint8Array([9, 8, 7]);
const START = `
  .section .text.boot,"ax"
  .arm
  .global _start
_start: b .
`;

function compare(sources: string[]): { image: Uint8Array; kinds: string[] } {
  const dir = scratch();
  const objs = sources.map((src, i) => assemble(dir, `f${i}`, src, V7));
  const ref = referenceImage(dir, layout, objs, ROMFS);
  const img = link({ layout, objects: objs.map((o) => ({ name: o, bytes: readFileSync(o) })), romfs: ROMFS });
  expect(firstDifference(img.image, ref), `objects in ${dir}`).toBe('identical');
  const fixes = [...(img.stubs?.a8.values() ?? [])].flat().sort((a, b) => a.section.address + a.offset - (b.section.address + b.offset));
  return { image: img.image, kinds: fixes.map((f) => f.type) };
}

describe.skipIf(!HAVE_BINUTILS)('Cortex-A8 erratum veneers: identical to GNU ld', () => {
  warnSkip('Cortex-A8 erratum tests', HAVE_BINUTILS);

  it('B.W, Bcc.W and BL sites get veneers; a target in the next page does not', () => {
    // .text.a starts at 0x8004, so section offset 0xffa is address 0x8ffe
    const { kinds } = compare([` .syntax unified
${START}
  .section .text.a,"ax"
  .thumb
  .thumb_func
  .global f
f:
back:
  nop
  .org 0xff6
  mov.w r0, #1
  b.w back
  .org 0x1ff6
  ldr.w r1, [r2]
  bne.w next
next:
  .org 0x2f00
  .thumb_func
near: bx lr
  .org 0x2ff6
  add.w r0, r0, #1
  bl near
  .org 0x3f00
cond:
  .org 0x3ff6
  add.w r0, r0, #1
  bgt.w cond
  bx lr
`]);
    expect(kinds).toEqual(['a8_veneer_b', 'a8_veneer_bl', 'a8_veneer_b_cond']);
  });

  it('a BL to ARM code at a site gets the ARM-state BLX veneer', () => {
    const { kinds } = compare([` .syntax unified
${START}
  .section .text.arm,"ax"
  .arm
  .global armf
  .type armf, %function
armf: bx lr
  .section .text.t,"ax"
  .thumb
  .thumb_func
t0:
  nop
  .org 0xff2
  add.w r0, r0, #1
  bl armf
  .org 0x1ff2
  add.w r0, r0, #1
  blx armf
  bx lr
`]);
    expect(kinds).toEqual(['a8_veneer_blx']);
  });

  const generatedKinds = new Set<string>();
  for (let seed = 1; seed <= 30; seed++) {
    it(`generated Thumb-2 code, seed ${seed}`, () => {
      for (const k of compare(generateA8Case(seed, START)).kinds) generatedKinds.add(k);
    });
  }
  it('the generated cases hit erratum sites of several kinds', () => {
    expect(generatedKinds.has('a8_veneer_b') && generatedKinds.has('a8_veneer_b_cond')).toBe(true);
  });
});
