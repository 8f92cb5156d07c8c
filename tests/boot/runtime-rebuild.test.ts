// The committed probe runtime objects are what its sources build to: CI
// rebuilds them with Debian's arm-none-eabi toolchain and compares bytes.
import { describe, expect, it } from 'vitest';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, tempDir } from '../helpers/cli.ts';
import { missingTools, skipReason } from './probe.ts';

const RUNTIME = join(ROOT, 'fixtures/runtime');
const skip = skipReason('probe runtime rebuild', missingTools(['arm-none-eabi-gcc', 'arm-none-eabi-ld', 'make']));

describe('fixtures/runtime', () => {
  it.skipIf(skip !== undefined)('rebuilds byte-identical to prebuilt/rpi1.o and prebuilt/rpi2.o', () => {
    // build a copy elsewhere: the objects must not depend on where the sources live
    const dir = tempDir('mpi-runtime-');
    cpSync(RUNTIME, dir, { recursive: true, filter: (p) => !p.includes('/prebuilt') && !p.includes('/build') });
    const r = spawnSync('make', ['-s', '-C', dir, 'BUILD=' + join(dir, 'obj'), 'OUT=' + join(dir, 'out'), 'all'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const board of ['rpi1', 'rpi2']) {
      expect(readFileSync(join(dir, 'out', `${board}.o`)).equals(readFileSync(join(RUNTIME, 'prebuilt', `${board}.o`))), board).toBe(true);
    }
  });
});
