// The README's example: the firmware `mpi link` builds from it, run on the
// host by `mpi run`, prints what its sources print in the same VM.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, runBin, tempDir } from '../helpers/cli.ts';

const EXAMPLE = join(ROOT, 'fixtures/example');

describe('bundled example', () => {
  it('firmware.img runs like the sources it was built from', () => {
    const out = join(tempDir(), 'firmware.img');
    const link = runBin('mpi', ['link', '--config', join(EXAMPLE, 'mpconfig.json'), '-o', out]);
    expect(link.stderr).toBe('');
    expect(link.status).toBe(0);

    const fromImage = runBin('mpi', ['run', out]);
    const fromSources = runBin('mpi', ['run', join(EXAMPLE, 'app')]);
    expect(fromImage.status).toBe(0);
    expect(fromSources.status).toBe(0);
    expect(fromImage.stdout.toString()).not.toBe('');
    expect(fromImage.stdout.toString()).toBe(fromSources.stdout.toString());
  });
});
