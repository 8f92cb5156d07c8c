// One case per ARM relocation type (and per interworking situation): a tiny
// hand-written object is linked by mpi's linker and by GNU ld with the same
// layout; the images must be identical. Each case also checks that the
// object really holds the relocation it is about.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { link } from '../../link/linker.ts';
import { defineLayout, section, input, keep, mark } from '../../link/layout.ts';
import { HAVE_BINUTILS, assemble, firstDifference, referenceImage, relocationTypes, scratch, warnSkip } from './toolchain.ts';

const layout = defineLayout({
  entry: '_start',
  loadAddress: 0x8000,
  memory: { RAM: { origin: 0x8000, length: 0x100000 } },
  sections: [
    section('.text', {}, [keep('.text.boot'), input('.text', '.text.*')]),
    section('.rodata', {}, [input('.rodata', '.rodata.*')]),
    section('.data', { align: 4 }, [input('.data', '.data.*')]),
    section('.mpi_romfs', { align: 4 }, [mark('_mpi_romfs_start'), keep('.mpi_romfs'), mark('_mpi_romfs_end')]),
    section('.bss', { noload: true }, [input('.bss', '.bss.*', 'COMMON')]),
  ],
});

const V6 = ['-mcpu=arm1176jzf-s'];
const V7 = ['-mcpu=cortex-a7'];

const START = `
  .section .text.boot,"ax"
  .arm
  .global _start
  .type _start, %function
_start:
  b .
`;
const ARM_FUNCS = `
  .section .text.armfuncs,"ax"
  .arm
  .global arm_fn
  .type arm_fn, %function
arm_fn: bx lr
  .global arm_fn2
  .type arm_fn2, %function
arm_fn2: mov r0, #1
  bx lr
`;
const THUMB_FUNCS = `
  .section .text.thumbfuncs,"ax"
  .thumb
  .syntax unified
  .global thumb_fn
  .thumb_func
  .type thumb_fn, %function
thumb_fn: bx lr
  .global thumb_fn2
  .thumb_func
  .type thumb_fn2, %function
thumb_fn2: movs r0, #2
  bx lr
`;

interface Case {
  name: string;
  flags: string[];
  /** the code under test; START, ARM_FUNCS and THUMB_FUNCS are linked alongside */
  source: string;
  relocs: string[];
}

const cases: Case[] = [
  { name: 'R_ARM_ABS32 (data, ARM and Thumb targets, addend)', flags: V6, relocs: ['R_ARM_ABS32'],
    source: ' .data\n .word arm_fn\n .word thumb_fn\n .word arm_fn2 + 12\n .word _mpi_romfs_end - 4\n' },
  { name: 'R_ARM_REL32', flags: V6, relocs: ['R_ARM_REL32'], source: ' .data\n .word arm_fn - .\n .word thumb_fn - . + 8\n' },
  { name: 'R_ARM_TARGET1 (= ABS32 on bare metal)', flags: V6, relocs: ['R_ARM_TARGET1'],
    source: ' .data\n .reloc ., R_ARM_TARGET1, thumb_fn\n .word 0\n .reloc ., R_ARM_TARGET1, arm_fn2\n .word 4\n' },
  { name: 'R_ARM_PREL31', flags: V6, relocs: ['R_ARM_PREL31'],
    source: ' .section .rodata.t,"a"\n .reloc ., R_ARM_PREL31, arm_fn2\n .word 0x80000000\n .reloc ., R_ARM_PREL31, thumb_fn\n .word 0\n' },
  { name: 'R_ARM_NONE and R_ARM_V4BX (nothing to patch)', flags: V6, relocs: ['R_ARM_NONE', 'R_ARM_V4BX'],
    source: ' .section .text.x,"ax"\n .arm\n .reloc ., R_ARM_NONE, arm_fn\n .reloc ., R_ARM_V4BX, 0\n bx lr\n' },
  { name: 'R_ARM_ABS16', flags: V6, relocs: ['R_ARM_ABS16'], source: ' .data\n .hword arm_fn2 + 2\n .hword 0\n' },
  { name: 'R_ARM_CALL ARM->ARM, forward and backward', flags: V6, relocs: ['R_ARM_CALL'],
    source: ' .section .text.a,"ax"\n .arm\n .global caller\ncaller:\n bl arm_fn\n bl arm_fn2\n bl _start\n' },
  { name: 'R_ARM_JUMP24 ARM->ARM (B, conditional B)', flags: V6, relocs: ['R_ARM_JUMP24'],
    source: ' .section .text.a,"ax"\n .arm\n b arm_fn\n bne arm_fn2\n bgt _start\n' },
  { name: 'R_ARM_CALL ARM->Thumb on ARMv7 (BL becomes BLX)', flags: V7, relocs: ['R_ARM_CALL'],
    source: ' .section .text.a,"ax"\n .arm\n bl thumb_fn\n bl thumb_fn2\n blx arm_fn\n' },
  { name: 'R_ARM_CALL ARM->Thumb on ARMv6 (GNU ld veneer: --fix-arm1176 forbids BLX)', flags: V6, relocs: ['R_ARM_CALL'],
    source: ' .section .text.a,"ax"\n .arm\n bl thumb_fn\n bl thumb_fn2\n bl thumb_fn\n' },
  { name: 'R_ARM_JUMP24 ARM->Thumb (veneer) on ARMv7', flags: V7, relocs: ['R_ARM_JUMP24'],
    source: ' .section .text.a,"ax"\n .arm\n b thumb_fn\n beq thumb_fn2\n' },
  { name: 'R_ARM_CALL / JUMP24 to an undefined weak symbol on ARMv6 (MOV r0, r0)', flags: V6, relocs: ['R_ARM_CALL', 'R_ARM_JUMP24'],
    source: ' .weak missing\n .section .text.a,"ax"\n .arm\n bl missing\n blne missing\n b missing\n .data\n .word missing\n' },
  { name: 'R_ARM_CALL to an undefined weak symbol on ARMv7 (NOP)', flags: V7, relocs: ['R_ARM_CALL'],
    source: ' .weak missing\n .section .text.a,"ax"\n .arm\n bl missing\n' },
  { name: 'R_ARM_MOVW_ABS_NC / R_ARM_MOVT_ABS', flags: V7, relocs: ['R_ARM_MOVW_ABS_NC', 'R_ARM_MOVT_ABS'],
    source: ' .section .text.a,"ax"\n .arm\n movw r0, #:lower16:thumb_fn\n movt r0, #:upper16:thumb_fn\n movw r1, #:lower16:(arm_fn2 + 0x7ff0)\n movt r1, #:upper16:(arm_fn2 + 0x7ff0)\n' },
  { name: 'R_ARM_THM_CALL Thumb->Thumb', flags: V6, relocs: ['R_ARM_THM_CALL'],
    source: ' .section .text.t,"ax"\n .thumb\n .syntax unified\n bl thumb_fn\n bl thumb_fn2\n' },
  { name: 'R_ARM_THM_CALL Thumb->ARM on ARMv7 (BL becomes BLX, word-aligned target)', flags: V7, relocs: ['R_ARM_THM_CALL'],
    source: ' .section .text.t,"ax"\n .thumb\n .syntax unified\n nop\n bl arm_fn\n bl arm_fn2\n blx thumb_fn\n' },
  { name: 'R_ARM_THM_CALL Thumb->ARM on ARMv6 (veneer)', flags: V6, relocs: ['R_ARM_THM_CALL'],
    source: ' .section .text.t,"ax"\n .thumb\n .syntax unified\n bl arm_fn\n bl arm_fn2\n' },
  { name: 'R_ARM_THM_CALL to an undefined weak symbol (Thumb-1 and Thumb-2)', flags: V6, relocs: ['R_ARM_THM_CALL'],
    source: ' .weak missing\n .section .text.t,"ax"\n .thumb\n .syntax unified\n bl missing\n' },
  { name: 'R_ARM_THM_CALL to an undefined weak symbol on ARMv7 (NOP.W)', flags: V7, relocs: ['R_ARM_THM_CALL'],
    source: ' .weak missing\n .section .text.t,"ax"\n .thumb\n .syntax unified\n bl missing\n' },
  { name: 'R_ARM_THM_JUMP24 Thumb->Thumb and Thumb->ARM (veneer)', flags: V7, relocs: ['R_ARM_THM_JUMP24'],
    source: ' .section .text.t,"ax"\n .thumb\n .syntax unified\n b.w thumb_fn\n b.w arm_fn\n' },
  { name: 'R_ARM_THM_JUMP19 (conditional B.W across sections)', flags: V7, relocs: ['R_ARM_THM_JUMP19'],
    source: ' .section .text.t,"ax"\n .thumb\n .syntax unified\n beq.w thumb_fn\n bne.w thumb_fn2\n' },
  { name: 'R_ARM_THM_MOVW_ABS_NC / R_ARM_THM_MOVT_ABS', flags: V7, relocs: ['R_ARM_THM_MOVW_ABS_NC', 'R_ARM_THM_MOVT_ABS'],
    source: ' .section .text.t,"ax"\n .thumb\n .syntax unified\n movw r0, #:lower16:arm_fn2\n movt r0, #:upper16:arm_fn2\n movw r2, #:lower16:(thumb_fn + 0x1234)\n movt r2, #:upper16:(thumb_fn + 0x1234)\n' },
  { name: 'R_ARM_THM_JUMP11 / R_ARM_THM_JUMP8 (short Thumb branches)', flags: V7, relocs: ['R_ARM_THM_JUMP11', 'R_ARM_THM_JUMP8'],
    source: ' .section .text.thumbfuncs2,"ax"\n .thumb\n .syntax unified\n b.n thumb_fn\n beq.n thumb_fn2\n nop\n' },
];

describe.skipIf(!HAVE_BINUTILS)('ARM relocations: byte-identical with GNU ld', () => {
  warnSkip('relocation tests', HAVE_BINUTILS);
  for (const c of cases) {
    it(c.name, () => {
      const dir = scratch();
      const objs = [
        assemble(dir, 'start', START, c.flags),
        assemble(dir, 'case', c.source, c.flags),
        assemble(dir, 'armfuncs', ARM_FUNCS, c.flags),
        assemble(dir, 'thumbfuncs', THUMB_FUNCS, c.flags),
      ];
      const types = relocationTypes(objs[1]!);
      for (const r of c.relocs) expect(types, `object should hold ${r}`).toContain(r);
      const romfs = new Uint8Array([0xd2, 0xcd, 0x31, 0x00]);
      const ref = referenceImage(dir, layout, objs, romfs);
      const ours = link({ layout, objects: objs.map((o) => ({ name: o, bytes: readFileSync(o) })), romfs }).image;
      expect(firstDifference(ours, ref)).toBe('identical');
      expect(Buffer.from(ours).equals(Buffer.from(ref))).toBe(true);
    });
  }
});
