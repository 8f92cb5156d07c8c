// Byte identity with GNU ld on realistic runtimes: C compiled by
// arm-none-eabi-gcc -O2/-Os for ARM1176 (RPI1) and Cortex-A7 (RPI2), in ARM
// and Thumb state, combined with `ld -r` with libgcc (division, soft-float,
// 64-bit helpers: .ARM.exidx/.ARM.extab and unwinder references), linked
// with the shipped layouts. Also the project's probe runtime objects.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { link } from '../../link/linker.ts';
import { BUILTIN_LAYOUTS } from '../../link/load-layout.ts';
import { HAVE_BINUTILS, HAVE_GCC, firstDifference, referenceImage, relocationTypes, run, scratch, warnSkip } from './toolchain.ts';

const SRC = join(import.meta.dirname, 'runtimes');
const romfs = (n: number): Uint8Array => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + 7) & 0xff;
  return b;
};

function compare(layoutName: 'rpi1' | 'rpi2', obj: string, rom: Uint8Array): { size: number } {
  const layout = BUILTIN_LAYOUTS[layoutName]!;
  const dir = scratch();
  const ref = referenceImage(dir, layout, [obj], rom);
  const ours = link({ layout, objects: [{ name: obj, bytes: readFileSync(obj) }], romfs: rom }).image;
  expect(firstDifference(ours, ref)).toBe('identical');
  return { size: ours.length };
}

interface Variant { name: string; layout: 'rpi1' | 'rpi2'; cflags: string[] }
const variants: Variant[] = [
  { name: 'RPI1 ARM -O2', layout: 'rpi1', cflags: ['-mcpu=arm1176jzf-s', '-marm', '-O2'] },
  { name: 'RPI1 Thumb -Os', layout: 'rpi1', cflags: ['-mcpu=arm1176jzf-s', '-mthumb', '-Os'] },
  { name: 'RPI2 ARM -O2 with unwind tables', layout: 'rpi2', cflags: ['-mcpu=cortex-a7', '-marm', '-O2', '-funwind-tables'] },
  { name: 'RPI2 Thumb-2 -Os', layout: 'rpi2', cflags: ['-mcpu=cortex-a7', '-mthumb', '-Os'] },
  { name: 'RPI2 Thumb-2 -O2 with unwind tables', layout: 'rpi2', cflags: ['-mcpu=cortex-a7', '-mthumb', '-O2', '-funwind-tables'] },
];

describe.skipIf(!HAVE_GCC)('gcc-built runtimes + libgcc: byte-identical with GNU ld', () => {
  warnSkip('gcc runtime identity tests', HAVE_GCC);
  for (const v of variants) {
    it(v.name, () => {
      const dir = scratch();
      const common = ['-ffreestanding', '-fno-builtin', '-fno-tree-loop-distribute-patterns', '-mtp=soft', '-ffunction-sections', '-fdata-sections', '-mfloat-abi=soft', ...v.cflags];
      run('arm-none-eabi-gcc', [...common, '-c', join(SRC, 'main.c'), '-o', join(dir, 'main.o')]);
      run('arm-none-eabi-gcc', [...common, '-fcommon', '-c', join(SRC, 'extra.c'), '-o', join(dir, 'extra.o')]);
      run('arm-none-eabi-gcc', [v.cflags[0]!, '-c', join(SRC, 'boot.S'), '-o', join(dir, 'boot.o')]);
      const libgcc = run('arm-none-eabi-gcc', [...v.cflags, '-print-libgcc-file-name']).trim();
      const obj = join(dir, 'runtime.o');
      run('arm-none-eabi-ld', ['-r', '-o', obj, join(dir, 'boot.o'), join(dir, 'main.o'), join(dir, 'extra.o'), libgcc]);
      const types = relocationTypes(obj);
      expect(types.has('R_ARM_PREL31'), 'runtime should carry .ARM.exidx (libgcc unwinder)').toBe(true);
      compare(v.layout, obj, romfs(1234));
      compare(v.layout, obj, romfs(2));
    });
  }
});

// newlib (libc, libm, libnosys) pulled in by a printf/strtod/qsort/time program and combined
// with `ld -r`: a large real-world runtime with many merged string sections.
const newlibBoards: { board: 'rpi1' | 'rpi2'; flags: string[] }[] = [
  { board: 'rpi1', flags: ['-mcpu=arm1176jzf-s', '-marm', '-mfloat-abi=hard', '-mfpu=vfp'] },
  { board: 'rpi2', flags: ['-mcpu=cortex-a7', '-mthumb', '-mfloat-abi=hard', '-mfpu=neon-vfpv4'] },
];
const HAVE_NEWLIB = HAVE_GCC && existsSync(run('arm-none-eabi-gcc', ['-print-file-name=libc.a']).trim());

describe.skipIf(!HAVE_NEWLIB)('newlib runtimes: byte-identical with GNU ld', () => {
  warnSkip('newlib runtime identity tests (apt install libnewlib-arm-none-eabi)', HAVE_NEWLIB);
  for (const { board, flags } of newlibBoards) {
    it(`${board}: libc + libm + libnosys`, () => {
      const dir = scratch();
      run('arm-none-eabi-gcc', [...flags, '-O2', '-c', join(SRC, 'newlib-main.c'), '-o', join(dir, 'main.o')]);
      run('arm-none-eabi-gcc', [flags[0]!, '-c', join(SRC, 'boot.S'), '-o', join(dir, 'boot.o')]);
      const libdir = dirname(run('arm-none-eabi-gcc', [...flags, '-print-file-name=libc.a']).trim());
      const libgcc = run('arm-none-eabi-gcc', [...flags, '-print-libgcc-file-name']).trim();
      const obj = join(dir, 'runtime.o');
      run('arm-none-eabi-ld', ['-r', '-o', obj, join(dir, 'boot.o'), join(dir, 'main.o'), '--start-group',
        join(libdir, 'libc.a'), join(libdir, 'libm.a'), join(libdir, 'libnosys.a'), libgcc, '--end-group']);
      compare(board, obj, romfs(777));
      // The case is about merging: some string section must have shrunk.
      const img = link({ layout: BUILTIN_LAYOUTS[board]!, objects: [{ name: obj, bytes: readFileSync(obj) }] });
      const merged = img.files.flatMap((f) => f.sections).filter((s) => s?.merge);
      expect(merged.some((s) => s!.size < s!.merge!.rawSize)).toBe(true);
    });
  }
});

describe.skipIf(!HAVE_GCC)('common symbols', () => {
  it('are laid out in GNU ld order', () => {
    const dir = scratch();
    run('arm-none-eabi-gcc', ['-mcpu=arm1176jzf-s', '-O2', '-fcommon', '-c', join(SRC, 'commons.c'), '-o', join(dir, 'c.o')]);
    run('arm-none-eabi-gcc', ['-mcpu=arm1176jzf-s', '-c', join(SRC, 'boot.S'), '-o', join(dir, 'boot.o')]);
    const obj = join(dir, 'runtime.o');
    run('arm-none-eabi-ld', ['-r', '-o', obj, join(dir, 'boot.o'), join(dir, 'c.o')]);
    expect(run('arm-none-eabi-nm', [obj]).match(/ C /g)?.length).toBe(7);
    compare('rpi1', obj, romfs(100));
  });
});

describe.skipIf(!HAVE_BINUTILS)('probe runtime objects: byte-identical with GNU ld', () => {
  warnSkip('probe runtime identity tests', HAVE_BINUTILS);
  for (const board of ['rpi1', 'rpi2'] as const) {
    const obj = join(import.meta.dirname, '..', '..', 'fixtures', 'runtime', 'prebuilt', `${board}.o`);
    it.skipIf(!existsSync(obj))(`${board}.o with a ${board} layout`, () => {
      compare(board, obj, romfs(4096));
      compare(board, obj, romfs(31));
    });
  }
});
