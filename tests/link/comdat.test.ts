// COMDAT section groups (C++ inline functions, template instances, vtables):
// two files carrying the same groups link with one copy of each, the first
// in input order, and the image is identical to GNU ld's, whether the files
// come as they are, in the other order, or combined with `ld -r` first.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { link } from '../../link/linker.ts';
import { BUILTIN_LAYOUTS } from '../../link/load-layout.ts';
import { HAVE_GCC, firstDifference, referenceImage, run, scratch, warnSkip } from './toolchain.ts';

const SRC = join(import.meta.dirname, 'runtimes');
const HAVE_GXX = HAVE_GCC && spawnSync('arm-none-eabi-g++', ['--version'], { stdio: 'ignore' }).status === 0;
const ROMFS = new Uint8Array([1, 2, 3]);

describe.skipIf(!HAVE_GXX)('COMDAT groups: identical to GNU ld', () => {
  warnSkip('COMDAT tests (arm-none-eabi-g++)', HAVE_GXX);
  const boards = [
    { board: 'rpi1' as const, flags: ['-mcpu=arm1176jzf-s', '-marm'] },
    { board: 'rpi2' as const, flags: ['-mcpu=cortex-a7', '-mthumb'] },
  ];
  for (const { board, flags } of boards) {
    it(`${board}: duplicate groups from two C++ files`, () => {
      const dir = scratch();
      const cxx = [...flags, '-O2', '-fno-exceptions', '-fno-rtti', '-ffunction-sections', '-fdata-sections', '-fno-threadsafe-statics', '-fno-use-cxa-atexit', '-I', SRC];
      const a = join(dir, 'a.o');
      const b = join(dir, 'b.o');
      const boot = join(dir, 'boot.o');
      run('arm-none-eabi-g++', [...cxx, '-c', join(SRC, 'cxx-a.cpp'), '-o', a]);
      run('arm-none-eabi-g++', [...cxx, '-c', join(SRC, 'cxx-b.cpp'), '-o', b]);
      run('arm-none-eabi-gcc', [flags[0]!, '-c', join(SRC, 'boot.S'), '-o', boot]);
      const combined = join(dir, 'ab.o');
      run('arm-none-eabi-ld', ['-r', '-o', combined, a, b]);
      // the same groups really are in both files
      const groupsOf = (o: string): string[] => [...run('arm-none-eabi-readelf', ['-gW', o]).matchAll(/COMDAT group section \[ *\d+\] `\.group' \[(\S+)\]/g)].map((m) => m[1]!);
      const shared = groupsOf(a).filter((g) => groupsOf(b).includes(g));
      expect(shared.length).toBeGreaterThanOrEqual(3);
      const layout = BUILTIN_LAYOUTS[board]!;
      for (const objects of [[boot, a, b], [boot, b, a], [boot, combined]]) {
        const img = link({ layout, objects: objects.map((o) => ({ name: o, bytes: readFileSync(o) })), romfs: ROMFS });
        const ref = referenceImage(scratch(), layout, objects, ROMFS);
        expect(firstDifference(img.image, ref), objects.join(' ')).toBe('identical');
      }
    });
  }
});
