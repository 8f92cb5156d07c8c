// mpy-cross-ts as a Makefile calls it: files in, .mpy out, errors on stderr, exit codes.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBin, tempDir, STACK_TRACE } from '../helpers/cli.ts';
import { GOLDEN, haveGolden } from '../conformance/golden.ts';
import { readMpy } from '../../src/mpy-reader.ts';

const CASES = join(GOLDEN, 'compile/cases');
const ERRORS = join(GOLDEN, 'compile/errors');

function expectCleanFailure(r: { status: number | null; stderr: string }, mention?: string): void {
  expect(r.status).toBe(1);
  expect(r.stderr).not.toMatch(STACK_TRACE);
  expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
  if (mention) expect(r.stderr).toContain(mention);
}

describe('mpy-cross-ts command line', () => {
  it('prints its version and exits 0', () => {
    const r = runBin('mpy-cross-ts', ['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toMatch(/mpy-cross emitting mpy v6\.3/);
  });

  it('with no input says so and exits 1', () => {
    const r = runBin('mpy-cross-ts', []);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('no input file\n');
  });

  it('rejects an unknown option with usage and exit 1', () => {
    const r = runBin('mpy-cross-ts', ['-Z', 'x.py']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("unknown option '-Z'");
    expect(r.stderr).toContain('usage:');
  });

  it('refuses native emission without an arch, as mpy-cross does', () => {
    const r = runBin('mpy-cross-ts', ['-X', 'emit=native', 'x.py']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('arch not specified\n');
  });

  it.skipIf(!haveGolden)('compiles a file next to itself, byte-identical to the reference', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '001_int_small.py'), readFileSync(join(CASES, '001_int_small.py')));
    const r = runBin('mpy-cross-ts', ['001_int_small.py'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, '001_int_small.mpy'))).toEqual(readFileSync(join(GOLDEN, 'compile/expected/base/001_int_small.mpy')));
  });

  it.skipIf(!haveGolden)('-o - writes the .mpy to stdout and nothing else', () => {
    const r = runBin('mpy-cross-ts', ['-O2', '-o', '-', '015_constant_folding.py'], { cwd: CASES });
    expect(r.status).toBe(0);
    expect(r.stdout).toEqual(readFileSync(join(GOLDEN, 'compile/expected/O2/015_constant_folding.mpy')));
  });

  it('-march-flags: RISC-V extensions are recorded in the header and allow their instructions', () => {
    const src = '@micropython.asm_rv32\ndef f(a0, a1):\n    sh1add(a0, a0, a1)\n';
    const without = runBin('mpy-cross-ts', ['-march=rv32imc', '-o', '-', '-'], { input: src });
    expect(without.status).toBe(1);
    expect(without.stderr).toContain("SyntaxError: invalid RV32 instruction 'sh1add'");
    for (const flags of ['zba', '1', '0x1', 'zba,']) {
      const r = runBin('mpy-cross-ts', ['-march=rv32imc', `-march-flags=${flags}`, '-o', '-', '-'], { input: src });
      expect(r.status, flags).toBe(0);
      const mpy = readMpy(new Uint8Array(r.stdout));
      expect(mpy.header.archFlags).toBe(1);
      expect(mpy.header.feature & 0x40).toBe(0x40);
    }
    const plain = runBin('mpy-cross-ts', ['-march=rv32imc', '-march-flags=zba', '-o', '-', '-'], { input: 'x = 1\n' });
    expect(readMpy(new Uint8Array(plain.stdout)).header.archFlags).toBe(1);
    for (const bad of ['zbb', '4', '-1', '', ',zba']) {
      const r = runBin('mpy-cross-ts', ['-march=rv32imc', `-march-flags=${bad}`, '-o', '-', '-'], { input: src });
      expect(r.status, bad).toBe(1);
      expect(r.stderr).toBe('unrecognised arch flags\n');
    }
    const arm = runBin('mpy-cross-ts', ['-march=armv6', '-march-flags=zba', '-o', '-', '-'], { input: src });
    expect(arm.stderr).toBe('unrecognised arch flags\n');
  });

  it('-march=rv64imc has no native emitter, as in mpy-cross: invalid arch for decorators, NotImplementedError for -X emit', () => {
    const decorated = runBin('mpy-cross-ts', ['-march=rv64imc', '-o', '-', '-'], { input: '@micropython.native\ndef f(x):\n    return x\n' });
    expect(decorated.status).toBe(1);
    expect(decorated.stderr).toBe('Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\nSyntaxError: invalid arch\n');
    const emitted = runBin('mpy-cross-ts', ['-march=rv64imc', '-X', 'emit=native', '-o', '-', '-'], { input: 'def f(x):\n    return x\n' });
    expect(emitted.status).toBe(1);
    expect(emitted.stderr).toBe('Traceback (most recent call last):\n  File "<stdin>", line 1, in f\nNotImplementedError: cannot emit native code for this architecture\n');
  });

  it('reads stdin for - and names the source <stdin>', () => {
    const r = runBin('mpy-cross-ts', ['-'], { input: 'x = 1\n' });
    expect(r.status).toBe(0);
    expect(r.stdout.subarray(0, 2).toString('latin1')).toBe('M\x06');
    expect(r.stdout.includes(Buffer.from('<stdin>\0'))).toBe(true);
  });

  it('-s sets the embedded source name', () => {
    const r = runBin('mpy-cross-ts', ['-s', 'lib/helper.py', '-o', '-', '-'], { input: 'y = 2\n' });
    expect(r.status).toBe(0);
    expect(r.stdout.includes(Buffer.from('lib/helper.py\0'))).toBe(true);
  });

  it.skipIf(!haveGolden)('prints a compile error exactly as the reference, exit 1, and writes nothing', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'e015_return_outside.py'), readFileSync(join(ERRORS, 'e015_return_outside.py')));
    const r = runBin('mpy-cross-ts', ['e015_return_outside.py'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'Traceback (most recent call last):\n  File "e015_return_outside.py", line 2, in <module>\nSyntaxError: \'return\' outside function\n',
    );
    expect(readdirSync(dir)).toEqual(['e015_return_outside.py']);
  });

  it('a missing input file: one line naming it, exit 1', () => {
    const r = runBin('mpy-cross-ts', ['no/such/file.py']);
    expectCleanFailure(r, 'no/such/file.py');
  });

  it('a directory as input: one line naming it, exit 1', () => {
    const dir = tempDir();
    const r = runBin('mpy-cross-ts', [dir]);
    expectCleanFailure(r, dir);
  });

  it('an unwritable output path: one line naming it, exit 1, no partial file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.py'), 'x = 1\n');
    writeFileSync(join(dir, 'blocker'), 'not a directory');
    const r = runBin('mpy-cross-ts', ['-o', join(dir, 'blocker', 'a.mpy'), join(dir, 'a.py')]);
    expectCleanFailure(r, 'blocker/a.mpy');
    expect(readdirSync(dir).sort()).toEqual(['a.py', 'blocker']);
  });

  it('compiles several inputs in one call, reports every failure, still writes the good ones', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'a.py'), 'print(1)\n');
    writeFileSync(join(dir, 'lib', 'b.py'), 'def f():\n    return 2\n');
    writeFileSync(join(dir, 'bad.py'), 'x = (\n');
    const r = runBin('mpy-cross-ts', ['a.py', 'bad.py', 'lib/b.py'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('File "bad.py", line');
    expect(existsSync(join(dir, 'a.mpy'))).toBe(true);
    expect(existsSync(join(dir, 'lib', 'b.mpy'))).toBe(true);
    expect(existsSync(join(dir, 'bad.mpy'))).toBe(false);
    // each output is what a single-file call makes
    const single = runBin('mpy-cross-ts', ['-o', '-', 'lib/b.py'], { cwd: dir });
    expect(readFileSync(join(dir, 'lib', 'b.mpy'))).toEqual(single.stdout);
  });

  it('a NUL byte in the source is a syntax error on its line, as in the reference', () => {
    const r = runBin('mpy-cross-ts', ['-o', '-', '-'], { input: Buffer.from('x = 1\n\0y = 2\n', 'latin1') });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('Traceback (most recent call last):\n  File "<stdin>", line 2\nSyntaxError: invalid syntax\n');
  });

  it('invalid UTF-8 inside a string literal is kept byte for byte', () => {
    const r = runBin('mpy-cross-ts', ['-o', '-', '-'], { input: Buffer.from('x = "\xff\xfe"\n', 'latin1') });
    expect(r.status).toBe(0);
    expect(r.stdout.includes(Buffer.from([0xff, 0xfe, 0x00]))).toBe(true);
  });

  it('100k-deep parentheses: compiles or fails cleanly, never crashes', () => {
    const src = 'x = ' + '('.repeat(100_000) + '1' + ')'.repeat(100_000) + '\n';
    const r = runBin('mpy-cross-ts', ['-o', '-', '-'], { input: src, timeoutMs: 120_000 });
    expect(r.stderr).not.toMatch(STACK_TRACE);
    if (r.status !== 0) expectCleanFailure(r);
  });

  it('5,000 nested lists, which the reference compiles, compile too (beyond the default JS stack)', () => {
    const depth = 5000;
    const src = 'x = ' + '['.repeat(depth) + '1' + ']'.repeat(depth) + '\n';
    const r = runBin('mpy-cross-ts', ['-o', '-', '-'], { input: src });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // the module's code builds `depth` one-item lists: BUILD_LIST 1 (0x2b 0x01) once per level
    let builds = 0;
    for (let i = 0; i + 1 < r.stdout.length; i++) if (r.stdout[i] === 0x2b && r.stdout[i + 1] === 0x01) builds++;
    expect(builds).toBeGreaterThanOrEqual(depth);
  });

  it('a 10 MB module compiles', () => {
    const line = 'value_%d = [%d, "text %d", %d.5]\n';
    let src = '';
    for (let i = 0; src.length < 10 * 1024 * 1024; i++) src += line.replaceAll('%d', String(i));
    const r = runBin('mpy-cross-ts', ['-o', '-', '-'], { input: src, timeoutMs: 300_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(1024 * 1024);
  });

  it('same input, same bytes, every run', () => {
    const src = 'def f(a, *b, c=3, **d):\n    return [x * c for x in b if x] + list(d)\nprint(f(1, 2, 3, c=2))\n';
    const a = runBin('mpy-cross-ts', ['-o', '-', '-'], { input: src });
    const b = runBin('mpy-cross-ts', ['-o', '-', '-'], { input: src });
    expect(a.status).toBe(0);
    expect(a.stdout).toEqual(b.stdout);
  });
});
