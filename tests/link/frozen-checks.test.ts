// Prebuilt .mpy files in a freeze folder are checked with the config's
// link-time rules (src/config/checks.ts): a file the configured runtime could
// not load is refused at link time, naming the file and the reason, and
// nothing is written.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { registerLinkCommands } from '../../link/cli.ts';
import { collectFrozen } from '../../link/firmware.ts';
import { compile } from '../../src/compile.ts';
import { resolveConfig } from '../../src/config/index.ts';
import { checkFrozenMpy, frozenInfo } from '../../src/config/checks.ts';
import { readMpy } from '../../src/mpy-reader.ts';
import { scratch } from './toolchain.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const GOLDEN = resolve(ROOT, '..', 'shared', 'golden', 'compile', 'expected');
const prebuilt = (board: string): string => join(ROOT, 'fixtures', 'runtime', 'prebuilt', `${board}.o`);

async function mpi(...args: string[]): Promise<void> {
  const program = new Command('mpi').exitOverride();
  registerLinkCommands(program);
  await program.parseAsync(['node', 'mpi', ...args, '--quiet']);
}

/** A project whose freeze folder holds the given prebuilt files, with the given config settings. */
function project(settings: object, files: Record<string, Uint8Array>): { dir: string; config: string } {
  const dir = scratch('mpi-frozen-check-');
  for (const [path, data] of Object.entries(files)) {
    mkdirSync(join(dir, 'frozen', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'frozen', path), data);
  }
  const config = join(dir, 'mpconfig.json');
  writeFileSync(config, JSON.stringify({ ...settings, link: { runtime: prebuilt('rpi1'), freeze: ['frozen'], output: 'out/firmware.img' } }));
  mkdirSync(join(dir, 'out'));
  return { dir, config };
}

const NO_FLOAT = { board: 'RPI1', romLevel: 'CORE_FEATURES', features: { MICROPY_FLOAT_IMPL: 'NONE', MICROPY_LONGINT_IMPL: 'NONE' } };

describe.skipIf(!existsSync(prebuilt('rpi1')))('mpi link refuses frozen .mpy files the runtime cannot load', () => {
  it('a float constant with floats off: names the file and the reason, writes nothing', async () => {
    const mpy = compile('SCALE = 1.5\n', { sourceName: 'lib/scale.py' });
    const { dir, config } = project(NO_FLOAT, { 'lib/scale.mpy': mpy, 'main.mpy': compile('x = 1\n', { sourceName: 'main.py' }) });
    await expect(mpi('link', '--config', config)).rejects.toThrow(
      /frozen\/lib\/scale\.mpy: has float constants, but the runtime has no floats \(MICROPY_FLOAT_IMPL is NONE\)/,
    );
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
  });

  it('the same file links when the config has floats', async () => {
    const mpy = compile('SCALE = 1.5\n', { sourceName: 'lib/scale.py' });
    const { dir, config } = project({ board: 'RPI1' }, { 'lib/scale.mpy': mpy });
    await mpi('link', '--config', config);
    expect(readdirSync(join(dir, 'out'))).toEqual(['firmware.img']);
  });

  it('an int constant too big for a runtime without long ints', async () => {
    const mpy = compile('BIG = 1 << 40\n', { sourceName: 'big.py' });
    const { dir, config } = project(NO_FLOAT, { 'big.mpy': mpy });
    await expect(mpi('link', '--config', config)).rejects.toThrow(/frozen\/big\.mpy: has the int constant 1099511627776, but the runtime has small ints only/);
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
  });

  it('native code for a runtime without native support', async () => {
    const native = new Uint8Array(readFileSync(join(GOLDEN, 'armv6-native', '001_int_small.mpy')));
    const { dir, config } = project({ board: 'RPI1' }, { 'n.mpy': native });
    await expect(mpi('link', '--config', config)).rejects.toThrow(/frozen\/n\.mpy: holds armv6 machine code, but the runtime cannot load native code/);
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
  });
});

describe('native functions over 64 KiB (the reference wraps the stored prelude offset)', () => {
  const rpi1Native = resolveConfig({ board: 'RPI1', features: { MICROPY_EMIT_ARM: true } }, 'mpconfig.json');
  const longJumps = join(GOLDEN, 'armv6-native', 'c022_long_jumps.mpy');

  it('are refused as corrupt, even when the runtime takes the arch', () => {
    const data = new Uint8Array(readFileSync(longJumps));
    const problems = checkFrozenMpy(rpi1Native, frozenInfo('big.mpy', readMpy(data)));
    expect(problems.map((p) => `${p.file}: ${p.reason}`)).toEqual([
      expect.stringMatching(/^big\.mpy: has (a native function|\d+ native functions) over 64 KiB \(prelude at byte \d+, stored as \d+: mpy-cross keeps that offset in 16 bits\), so the file is corrupt/),
    ]);
    const dir = scratch();
    writeFileSync(join(dir, 'big.mpy'), data);
    expect(() => collectFrozen([dir], rpi1Native)).toThrow(/big\.mpy: has .*native function.* over 64 KiB/);
  });

  it('while smaller native code of that arch is accepted', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'small.mpy'), readFileSync(join(GOLDEN, 'armv6-native', '001_int_small.mpy')));
    expect(collectFrozen([dir], rpi1Native).modules.map((m) => m.path)).toEqual(['small.mpy']);
  });
});
