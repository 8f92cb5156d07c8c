// Branches beyond direct reach: GNU ld puts long-branch veneers in the stub
// section of the caller's group (ARM B/BL +-32 MB, Thumb-2 BL +-16 MB,
// Thumb-1 BL +-4 MB, Thumb-2 Bcc.W +-1 MB), also when the call changes
// state. Calls between ARM and Thumb functions in both directions across
// gaps of several sizes, on ARMv6 (no BLX from ld) and ARMv7-A; every image
// must be identical to GNU ld's, and where GNU ld cannot reach, we fail too.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { link } from '../../link/linker.ts';
import { LinkError } from '../../link/errors.ts';
import { defineLayout, section, input, keep, mark } from '../../link/layout.ts';
import { HAVE_BINUTILS, assemble, firstDifference, referenceImage, scratch, warnSkip } from './toolchain.ts';

const layout = defineLayout({
  entry: '_start',
  loadAddress: 0x8000,
  memory: { RAM: { origin: 0x8000, length: 0x8000000 } },
  sections: [
    section('.text', {}, [keep('.text.boot'), input('.text.a', '.text.pad', '.text.b')]),
    section('.mpi_romfs', { align: 4 }, [mark('_mpi_romfs_start'), keep('.mpi_romfs'), mark('_mpi_romfs_end')]),
  ],
});

function source(gap: number, thumb2: boolean): string {
  return ` .syntax unified
 .section .text.boot,"ax"
 .arm
 .global _start
_start: b .
 .section .text.a,"ax"
 .arm
 .type arm_a, %function
arm_a:
 bl arm_b
 bl thumb_b
 b arm_b
 b thumb_b
 bx lr
 .thumb
 .thumb_func
 .type thumb_a, %function
thumb_a:
 bl thumb_b
 bl arm_b
${thumb2 ? ' b.w thumb_b\n b.w arm_b\n bne.w thumb_b\n' : ''} bx lr
 .section .text.pad,"ax"
 .space ${gap}
 .section .text.b,"ax"
 .arm
 .global arm_b
 .type arm_b, %function
arm_b:
 bl arm_a
 bl thumb_a
 bx lr
 .thumb
 .global thumb_b
 .thumb_func
 .type thumb_b, %function
thumb_b:
 bl thumb_a
 bl arm_a
 bx lr
`;
}

const ROMFS = new Uint8Array([1]);
const cpus = [
  { cpu: 'arm1176jzf-s', thumb2: false },
  { cpu: 'cortex-a7', thumb2: true },
];
const gaps = [0x100, 0x180000, 0x500000, 0x1100000, 0x2100000];

describe.skipIf(!HAVE_BINUTILS)('long-branch veneers: identical to GNU ld', () => {
  warnSkip('long-branch veneer tests', HAVE_BINUTILS);
  for (const { cpu, thumb2 } of cpus) {
    for (const gap of gaps) {
      it(`${cpu}, callers and callees 0x${gap.toString(16)} bytes apart`, () => {
        const dir = scratch();
        const o = assemble(dir, 'far', source(gap, thumb2), [`-mcpu=${cpu}`]);
        const objects = [{ name: o, bytes: readFileSync(o) }];
        let ref: Uint8Array | undefined;
        try {
          ref = referenceImage(dir, layout, [o], ROMFS);
        } catch {
          // GNU ld cannot link it either (a Bcc.W whose veneer is out of its reach too)
          expect(() => link({ layout, objects, romfs: ROMFS })).toThrow(LinkError);
          expect(() => link({ layout, objects, romfs: ROMFS })).toThrow(/out of range/);
          return;
        }
        const img = link({ layout, objects, romfs: ROMFS });
        expect(firstDifference(img.image, ref)).toBe('identical');
        if (gap > 0x400000) expect(img.stubs?.stubs.length ?? 0).toBeGreaterThan(0);
      });
    }
  }
});
