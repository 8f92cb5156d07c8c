// The compile cache: unchanged frozen modules are not compiled again, any
// input that changes the output changes the key, a damaged cache is ignored
// and rebuilt, and the image is the same with or without it.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { CACHE_DIR_NAME, CompileCache, compilerVersion } from '../../link/compile-cache.ts';
import { collectFrozen } from '../../link/firmware.ts';
import { registerLinkCommands } from '../../link/cli.ts';
import { compile } from '../../src/compile.ts';
import { resolveConfig } from '../../src/config/index.ts';
import { scratch } from './toolchain.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const runtime = join(ROOT, 'fixtures', 'runtime', 'prebuilt', 'rpi2.o');
const config = resolveConfig({ board: 'RPI2' }, 'mpconfig.json');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function tree(files: Record<string, string>): string {
  const dir = scratch('mpi-cache-src-');
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

const FILES = {
  'main.py': 'import lib.a\nprint(lib.a.f(2))\n',
  'lib/a.py': 'def f(x):\n    return x * 3\n',
  'lib/b.py': 'B = "b" * 4\n',
};

describe('compile cache', () => {
  it('recompiles only the changed module, with the same bytes as a fresh compile', () => {
    const src = tree(FILES);
    const cacheDir = join(scratch(), CACHE_DIR_NAME);
    const first = new CompileCache(cacheDir, config);
    const a = collectFrozen([src], config, { cache: first });
    expect(first.stats).toMatchObject({ hits: 0, misses: 3 });
    // nothing is saved until the link has succeeded
    expect(existsSync(cacheDir)).toBe(false);
    first.flush();
    expect(readFileSync(join(cacheDir, '.gitignore'), 'utf8')).toBe('*\n');

    writeFileSync(join(src, 'lib/b.py'), 'B = "c" * 4\n');
    const second = new CompileCache(cacheDir, config);
    const b = collectFrozen([src], config, { cache: second });
    second.flush();
    expect(second.stats).toMatchObject({ hits: 2, misses: 1 });
    for (const m of b.modules) {
      const text = readFileSync(join(src, m.path.replace(/\.mpy$/, '.py')));
      expect(Buffer.from(m.data).equals(Buffer.from(compile(text, { ...config.compile, sourceName: m.path.replace(/\.mpy$/, '.py') })))).toBe(true);
    }
    expect(a.modules.find((m) => m.path === 'main.mpy')!.data).toEqual(b.modules.find((m) => m.path === 'main.mpy')!.data);
  });

  it('keys on source bytes, source name, every option and feature, and the compiler version', () => {
    const dir = scratch();
    const base = new CompileCache(dir, config, 'v1');
    const k = base.key(enc('x = 1\n'), 'main.py');
    expect(new CompileCache(dir, config, 'v1').key(enc('x = 1\n'), 'main.py')).toBe(k);
    expect(base.key(enc('x = 2\n'), 'main.py')).not.toBe(k);
    // the same text under another path compiles to other bytes (the name is inside)
    expect(base.key(enc('x = 1\n'), 'lib/main.py')).not.toBe(k);
    // a part boundary cannot shift: ("ab", "c") and ("a", "bc") differ
    expect(base.key(enc('c'), 'ab')).not.toBe(base.key(enc('bc'), 'a'));
    expect(new CompileCache(dir, config, 'v2').key(enc('x = 1\n'), 'main.py')).not.toBe(k);
    const variants = [
      resolveConfig({ board: 'RPI2', compiler: { optimize: 2 } }, 'mpconfig.json'),
      resolveConfig({ board: 'RPI2', features: { MICROPY_PY_BUILTINS_COMPLEX: false } }, 'mpconfig.json'),
      resolveConfig({ board: 'RPI2', features: { MICROPY_EMIT_ARM: true } }, 'mpconfig.json'),
    ];
    for (const v of variants) {
      expect(JSON.stringify(v.compile)).not.toBe(JSON.stringify(config.compile));
      expect(new CompileCache(dir, v, 'v1').key(enc('x = 1\n'), 'main.py')).not.toBe(k);
    }
    expect(compilerVersion()).toMatch(/^mpy-cross-ts \S+ \([0-9a-f]{16}\)$/);
  });

  it('ignores damaged entries and rebuilds them', () => {
    const src = tree(FILES);
    const cacheDir = join(scratch(), CACHE_DIR_NAME);
    const cache = new CompileCache(cacheDir, config);
    const clean = collectFrozen([src], config, { cache });
    cache.flush();
    const entries = readdirSync(cacheDir).filter((f) => f.endsWith('.mpy')).sort();
    expect(entries).toHaveLength(3);
    // truncated, garbage, and a flipped payload byte
    writeFileSync(join(cacheDir, entries[0]!), readFileSync(join(cacheDir, entries[0]!)).subarray(0, 10));
    writeFileSync(join(cacheDir, entries[1]!), 'not a cache entry');
    const third = readFileSync(join(cacheDir, entries[2]!));
    third[third.length - 1] ^= 0xff;
    writeFileSync(join(cacheDir, entries[2]!), third);
    const again = new CompileCache(cacheDir, config);
    const rebuilt = collectFrozen([src], config, { cache: again });
    again.flush();
    expect(again.stats).toMatchObject({ hits: 0, misses: 3 });
    expect(rebuilt.modules.map((m) => m.data)).toEqual(clean.modules.map((m) => m.data));
    const healed = new CompileCache(cacheDir, config);
    collectFrozen([src], config, { cache: healed });
    expect(healed.stats).toMatchObject({ hits: 3, misses: 0 });
  });
});

describe.skipIf(!existsSync(runtime))('mpi link with the cache', () => {
  /** Runs `mpi` in-process; returns what it printed (stdout and stderr). */
  async function mpi(...args: string[]): Promise<string> {
    const log: string[] = [];
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    const capture = ((s: string) => { log.push(String(s)); return true; }) as typeof process.stdout.write;
    process.stdout.write = capture;
    process.stderr.write = capture;
    try {
      const program = new Command('mpi').exitOverride();
      registerLinkCommands(program);
      await program.parseAsync(['node', 'mpi', ...args]);
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
    return log.join('');
  }
  function project(): { dir: string; cfg: string } {
    const dir = scratch('mpi-cache-link-');
    const src = tree(FILES);
    const cfg = join(dir, 'mpconfig.json');
    writeFileSync(cfg, JSON.stringify({ board: 'RPI2', link: { runtime, freeze: [src], output: 'out/firmware.img' } }));
    mkdirSync(join(dir, 'out'));
    return { dir, cfg };
  }

  it('gives the same image as a link without it, and says what it reused', async () => {
    const { dir, cfg } = project();
    await mpi('link', '--config', cfg, '--no-cache', '-o', join(dir, 'out', 'plain.img'));
    expect(existsSync(join(dir, 'out', CACHE_DIR_NAME))).toBe(false);
    const first = await mpi('link', '--config', cfg);
    expect(first).toMatch(/\(3 compiled\)/);
    const second = await mpi('link', '--config', cfg);
    expect(second).toMatch(/\(3 compiled, 3 of them unchanged \(from the compile cache\)\)/);
    expect(readFileSync(join(dir, 'out', 'firmware.img')).equals(readFileSync(join(dir, 'out', 'plain.img')))).toBe(true);
  });

  it('links anyway when the cache cannot be written, and makes no folder for a missing output folder', async () => {
    const { dir, cfg } = project();
    writeFileSync(join(dir, 'out', CACHE_DIR_NAME), 'a file where the folder would go');
    const out = await mpi('link', '--config', cfg);
    expect(out).toMatch(/note: compile cache not saved: /);
    expect(existsSync(join(dir, 'out', 'firmware.img'))).toBe(true);

    rmSync(join(dir, 'out'), { recursive: true });
    mkdirSync(join(dir, 'out'));
    // a link that fails saves nothing, not even cache entries
    writeFileSync(join(dir, 'a_fine.py'), 'y = 2\n'); // compiled before the broken one
    writeFileSync(join(dir, 'broken.py'), 'x = (\n');
    await expect(mpi('link', '--config', cfg, '--freeze', dir)).rejects.toThrow(/broken\.py:\d+: SyntaxError/);
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
    rmSync(join(dir, 'out'), { recursive: true });
    await expect(mpi('link', '--config', cfg)).rejects.toThrow(/firmware\.img: cannot write/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
