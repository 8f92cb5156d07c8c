// `mpi link` shows a spinner naming its stages only on an interactive
// terminal; piped output and CI logs get none of it.
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { linkProgress, wantsSpinner, type LinkStage, type ProgressStream } from '../../link/progress.ts';
import { registerLinkCommands } from '../../link/cli.ts';
import { scratch } from './toolchain.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const runtime = join(ROOT, 'fixtures', 'runtime', 'prebuilt', 'rpi2.o');

/** A terminal-like stream that records what is written to it. */
function terminal(isTTY: boolean): { stream: ProgressStream; text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as Writable & { isTTY?: boolean; columns?: number; cursorTo?: unknown; moveCursor?: unknown; clearLine?: unknown };
  w.isTTY = isTTY;
  w.columns = 100;
  w.cursorTo = () => true;
  w.moveCursor = () => true;
  w.clearLine = () => true;
  return { stream: w, text: () => chunks.join('') };
}

const STAGES: LinkStage[] = [
  { stage: 'compile', done: 0, total: 3 },
  { stage: 'compile', done: 3, total: 3 },
  { stage: 'romfs', files: 4 },
  { stage: 'link' },
  { stage: 'write' },
];

describe('link progress', () => {
  it('is shown only on a terminal outside CI', () => {
    expect(wantsSpinner(terminal(true).stream, {})).toBe(true);
    expect(wantsSpinner(terminal(false).stream, {})).toBe(false);
    expect(wantsSpinner(terminal(true).stream, { CI: 'true' })).toBe(false);
    expect(wantsSpinner(terminal(true).stream, { TERM: 'dumb' })).toBe(false);
    // a pseudo-terminal without a size: ora would loop forever clearing lines
    const sizeless = terminal(true).stream;
    sizeless.columns = 0;
    expect(wantsSpinner(sizeless, {})).toBe(false);
  });

  it('names every stage on a terminal', () => {
    const t = terminal(true);
    const p = linkProgress(t.stream, {});
    for (const s of STAGES) p.update(s);
    p.stop();
    expect(t.text()).toMatch(/compiling 3 frozen modules \(0\/3\)/);
    expect(t.text()).toMatch(/compiling 3 frozen modules \(3\/3\)/);
    expect(t.text()).toMatch(/building the ROMFS \(4 files\)/);
    expect(t.text()).toMatch(/linking/);
    expect(t.text()).toMatch(/writing/);
  });

  it('writes nothing when piped or in CI', () => {
    for (const [tty, env] of [[false, {}], [true, { CI: '1' }]] as const) {
      const t = terminal(tty);
      const p = linkProgress(t.stream, env);
      for (const s of STAGES) p.update(s);
      p.stop();
      expect(t.text()).toBe('');
    }
  });

  it.skipIf(!existsSync(runtime))('mpi link with a piped stderr prints no progress', async () => {
    const dir = scratch('mpi-progress-');
    mkdirSync(join(dir, 'frozen'));
    writeFileSync(join(dir, 'frozen', 'main.py'), 'print(1)\n');
    const config = join(dir, 'mpconfig.json');
    writeFileSync(config, JSON.stringify({ board: 'RPI2', link: { runtime, freeze: ['frozen'], output: 'firmware.img' } }));
    expect(process.stderr.isTTY).not.toBe(true);
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => { err.push(String(s)); return true; }) as typeof process.stderr.write;
    try {
      const program = new Command('mpi').exitOverride();
      registerLinkCommands(program);
      await program.parseAsync(['node', 'mpi', 'link', '--config', config, '--quiet']);
    } finally {
      process.stderr.write = write;
    }
    expect(err.join('')).toBe('');
    expect(existsSync(join(dir, 'firmware.img'))).toBe(true);
  });
});
