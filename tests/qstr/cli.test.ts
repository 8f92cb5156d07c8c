import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, STACK_TRACE, runBin, tempDir } from '../helpers/cli.ts';
import { goldenVectors } from './golden.ts';

const built = existsSync(join(ROOT, 'dist', 'mpi.js'));
if (!built) console.warn('SKIPPING mpi qstr CLI tests: dist/mpi.js is missing (run `npm run build`)');

describe.skipIf(!built)('mpi qstr', () => {
  it('prints the reference header for every golden vector', () => {
    for (const v of goldenVectors()) {
      const r = runBin('mpi', ['qstr', v.inPath]);
      expect(r.stderr, v.name).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.equals(v.expected), v.name).toBe(true);
    }
  });

  it('writes -o files whole, and - means stdout', () => {
    const v = goldenVectors()[0]!;
    const dir = tempDir('mpi-qstr-');
    const out = join(dir, 'qstrdefs.generated.h');
    expect(runBin('mpi', ['qstr', v.inPath, '-o', out]).status).toBe(0);
    expect(readFileSync(out).equals(v.expected)).toBe(true);
    expect(readdirSync(dir)).toEqual(['qstrdefs.generated.h']);
    expect(runBin('mpi', ['qstr', v.inPath, '-o', '-']).stdout.equals(v.expected)).toBe(true);
  });

  it('reports bad input as file:line with exit 1 and writes nothing', () => {
    const dir = tempDir('mpi-qstr-');
    const input = join(dir, 'bad.i');
    writeFileSync(input, 'QCFG(BYTES_IN_LEN, (1))\nQCFG(BYTES_IN_HASH, (1))\nQ(' + 'y'.repeat(300) + ')\n');
    const out = join(dir, 'out.h');
    const r = runBin('mpi', ['qstr', input, '-o', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^mpi: ${input.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: qstr is too long`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(readdirSync(dir)).toEqual(['bad.i']);
  });

  it('reports a missing input file cleanly', () => {
    const r = runBin('mpi', ['qstr', '/nonexistent/defs.i']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^mpi: \/nonexistent\/defs\.i: cannot read input/);
  });

  it('explains scan mode in --help', () => {
    const r = runBin('mpi', ['qstr', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toMatch(/--scan/);
    expect(r.stdout.toString()).toMatch(/#if-disabled/);
  });
});
