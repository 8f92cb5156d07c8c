// Layout specs: loaded from a user's .ts file at run time, validated, and
// printed as a GNU ld script that GNU ld accepts and that gives the same image.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLayout } from '../../link/load-layout.ts';
import { emitLdScript } from '../../link/script.ts';
import { defineLayout, section, input } from '../../link/layout.ts';
import { link } from '../../link/linker.ts';
import { HAVE_BINUTILS, assemble, firstDifference, referenceImage, scratch, warnSkip } from './toolchain.ts';

const SPEC = `
import { defineLayout, section, input, keep, mark, alignTo, skip, assign, sym, add, sub, origin, length, end } from 'mpy-cross-ts/layout';
export default defineLayout({
  entry: '_start',
  loadAddress: 0x10000,
  memory: { RAM: { origin: 0x10000, length: 0x4000 } },
  fill: 0xa5,
  sections: [
    section('.text', { fill: 0xff }, [keep('.text.boot'), alignTo(32), input('.text', '.text.*')]),
    section('.rodata', { align: 64 }, [input('.rodata', '.rodata.*'), skip(3)]),
    section('.data', {}, [mark('data_start'), input('.data', '.data.*'), alignTo(16), mark('data_end')]),
    section('.mpi_romfs', { align: 8 }, [mark('_mpi_romfs_start'), keep('.mpi_romfs'), mark('_mpi_romfs_end')]),
    section('.bss', { noload: true, align: 8 }, [input('.bss', '.bss.*', 'COMMON')]),
    assign('_estack', add(origin('RAM'), length('RAM'))),
    assign('data_size', sub(sym('data_end'), sym('data_start'))),
    assign('text_end', end('.text')),
  ],
  discard: ['.comment'],
});
`;

describe('layout specs', () => {
  it('loads a .ts spec that imports the layout API', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'board.ts'), SPEC);
    const layout = await loadLayout(join(dir, 'board.ts'));
    expect(layout.loadAddress).toBe(0x10000);
    const ld = emitLdScript(layout);
    expect(ld).toContain('ENTRY(_start)');
    expect(ld).toMatch(/\.text 0x10000 :\n  \{\n    KEEP\(\*\(\.text\.boot\)\)\n    \. = ALIGN\(0x20\);/);
    expect(ld).toContain('} > RAM =0xff');
    expect(ld).toContain('/DISCARD/ : { *(.comment) }');
  });

  it('refuses imports other than the layout API, naming the file', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'bad.ts'), `import fs from 'node:fs';\nfs.existsSync('x');\n${SPEC}`);
    await expect(loadLayout(join(dir, 'bad.ts'))).rejects.toThrow(/bad\.ts: a layout spec may import only the layout API/);
  });

  it('reports a spec mistake with the spec file name', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'oops.ts'), SPEC.replace("region: 'RAM'", '').replace("section('.rodata', { align: 64 }", "section('.rodata', { align: 48 }"));
    await expect(loadLayout(join(dir, 'oops.ts'))).rejects.toThrow(/oops\.ts: section \.rodata: alignment 48 is not a power of two/);
  });

  it('validates regions and names', () => {
    expect(() => defineLayout({ entry: '_start', loadAddress: 0, memory: {}, sections: [] })).toThrow(/at least one memory region/);
    expect(() => defineLayout({ entry: '_start', loadAddress: 0x8000, memory: { RAM: { origin: 0x8000, length: 16 } },
      sections: [section('.text', { region: 'ROM' }, [input('.text')])] })).toThrow(/unknown memory region ROM/);
  });
});

describe.skipIf(!HAVE_BINUTILS)('a custom layout gives the image GNU ld gives with its emitted script', () => {
  warnSkip('custom layout identity test', HAVE_BINUTILS);
  it('fill bytes, alignments, skips, expressions', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'board.ts'), SPEC);
    const layout = await loadLayout(join(dir, 'board.ts'));
    const obj = assemble(dir, 'rt', `
 .section .text.boot,"ax"
 .global _start
_start: ldr r0, =data_size
 ldr r1, =text_end
 ldr r2, =_estack
 b .
 .text
 .align 4
f: bx lr
 .section .rodata.x,"a"
 .byte 1, 2, 3
 .data
 .word f, data_start
 .bss
 .space 40
 .comm shared, 12, 4
`);
    const romfs = new Uint8Array([0xd2, 0xcd, 0x31, 0x05, 0, 0]);
    const ref = referenceImage(dir, layout, [obj], romfs);
    const ours = link({ layout, objects: [{ name: obj, bytes: readFileSync(obj) }], romfs }).image;
    expect(firstDifference(ours, ref)).toBe('identical');
  });
});
