// ROMFS writer: byte-identical to upstream's writer on the golden trees, and
// images that an independent reader (written here from extmod/vfs_rom.c's
// format) decodes back to the input tree.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { buildRomfs, buildRomfsFromDir } from '../../link/romfs/writer.ts';
import { registerRomfsCommands } from '../../link/romfs/cli.ts';
import { UserError } from '../../src/cli/run.ts';
import { ROOT, STACK_TRACE, runBin, tempDir } from '../helpers/cli.ts';

const GOLDEN = resolve(ROOT, '../shared/golden/romfs');
const goldenNames = readdirSync(join(GOLDEN, 'trees')).sort();

type Tree = Map<string, Uint8Array | Tree>;

/** Decodes a ROMFS image; checks the header, lengths and even size. */
function readRomfs(img: Uint8Array): Tree {
  let pos = 0;
  const uint = (): number => {
    let v = 0;
    for (;;) {
      const b = img[pos++];
      if (b === undefined) throw new Error('truncated varuint');
      v = v * 128 + (b & 0x7f);
      if (!(b & 0x80)) return v;
    }
  };
  expect(img.length % 2).toBe(0);
  expect(uint()).toBe(0x14a6b1);
  const len = uint();
  expect(pos + len).toBe(img.length);
  const records = (end: number): Tree => {
    const tree: Tree = new Map();
    let prev: string | undefined;
    while (pos < end) {
      const kind = uint();
      const plen = uint();
      const pend = pos + plen;
      const nlen = uint();
      const name = Buffer.from(img.subarray(pos, pos + nlen)).toString('latin1');
      pos += nlen;
      if (prev !== undefined) expect(Buffer.compare(Buffer.from(prev, 'latin1'), Buffer.from(name, 'latin1'))).toBe(-1);
      prev = name;
      if (kind === 4) {
        tree.set(name, records(pend));
      } else if (kind === 5) {
        expect(uint()).toBe(2);
        const dlen = uint();
        expect(pos + dlen).toBe(pend);
        tree.set(name, img.subarray(pos, pend));
        pos = pend;
      } else {
        throw new Error(`unexpected record kind ${kind}`);
      }
      expect(pos).toBe(pend);
    }
    return tree;
  };
  return records(img.length);
}

function flatten(tree: Tree, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of tree) {
    const p = prefix + name;
    if (v instanceof Map) {
      out[p + '/'] = 'dir';
      Object.assign(out, flatten(v, p + '/'));
    } else {
      out[p] = Buffer.from(v).toString('hex');
    }
  }
  return out;
}

function flattenDisk(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = prefix + e.name;
    if (e.isDirectory()) {
      out[p + '/'] = 'dir';
      Object.assign(out, flattenDisk(join(dir, e.name), p + '/'));
    } else {
      out[p] = readFileSync(join(dir, e.name)).toString('hex');
    }
  }
  return out;
}

async function runRomfsCli(args: string[]): Promise<void> {
  const program = new Command('mpi').exitOverride();
  registerRomfsCommands(program);
  const out = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    await program.parseAsync(['romfs', ...args], { from: 'user' });
  } finally {
    process.stdout.write = out;
  }
}

describe('golden ROMFS vectors', () => {
  it('has vectors to check', () => {
    expect(goldenNames.length).toBeGreaterThanOrEqual(6);
  });
  for (const name of goldenNames) {
    it(`${name}: buildRomfsFromDir is byte-identical to the reference image`, () => {
      const expected = readFileSync(join(GOLDEN, `${name}.romfs`));
      const got = buildRomfsFromDir(join(GOLDEN, 'trees', name));
      expect(got.length).toBe(expected.length);
      expect(Buffer.compare(Buffer.from(got), expected)).toBe(0);
    });
    it(`${name}: decodes back to the tree on disk`, () => {
      const img = readFileSync(join(GOLDEN, `${name}.romfs`));
      expect(flatten(readRomfs(img))).toEqual(flattenDisk(join(GOLDEN, 'trees', name)));
    });
  }
  it('`mpi romfs DIR -o FILE` writes the reference image', async () => {
    const tmp = tempDir();
    const out = join(tmp, 'app.romfs');
    await runRomfsCli([join(GOLDEN, 'trees', 'app'), '-o', out]);
    expect(Buffer.compare(readFileSync(out), readFileSync(join(GOLDEN, 'app.romfs')))).toBe(0);
    expect(readdirSync(tmp)).toEqual(['app.romfs']);
  });
});

describe('buildRomfs', () => {
  it('implies folders from paths and sorts entries by name regardless of input order', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const entries = [
      { path: 'lib/pkg/mod.mpy', data: enc('M') },
      { path: 'main.py', data: enc('print(1)\n') },
      { path: 'lib/pkg/__init__.py', data: enc('') },
      { path: 'Z.txt', data: enc('upper sorts first') },
    ];
    const a = buildRomfs(entries);
    const b = buildRomfs([...entries].reverse());
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    const tree = readRomfs(a);
    expect([...tree.keys()]).toEqual(['Z.txt', 'lib', 'main.py']);
    expect(flatten(tree)).toEqual({
      'Z.txt': Buffer.from('upper sorts first').toString('hex'),
      'lib/': 'dir',
      'lib/pkg/': 'dir',
      'lib/pkg/__init__.py': '',
      'lib/pkg/mod.mpy': Buffer.from('M').toString('hex'),
      'main.py': Buffer.from('print(1)\n').toString('hex'),
    });
  });

  it('keeps every image even-sized across varuint length boundaries', () => {
    for (const n of [0, 1, 2, 3, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 16370, 16380, 16383, 16384, 16385]) {
      const img = buildRomfs([{ path: 'f', data: new Uint8Array(n).fill(7) }]);
      expect(img.length % 2).toBe(0);
      expect(readRomfs(img).get('f')).toEqual(new Uint8Array(n).fill(7));
    }
  });

  it('an empty tree is just the header', () => {
    expect(Array.from(buildRomfs([]))).toEqual([0xd2, 0xcd, 0x31, 0x00]);
  });

  it('rejects bad paths, duplicates and file/folder clashes with a clean error', () => {
    const d = new Uint8Array(1);
    for (const bad of ['/abs', 'a//b', 'a/../b', './a', 'a/', '']) {
      expect(() => buildRomfs([{ path: bad, data: d }])).toThrow(UserError);
    }
    expect(() => buildRomfs([{ path: 'a', data: d }, { path: 'a', data: d }])).toThrow(/duplicate file 'a'/);
    expect(() => buildRomfs([{ path: 'a', data: d }, { path: 'a/b', data: d }])).toThrow(UserError);
    expect(() => buildRomfs([{ path: 'a/b', data: d }, { path: 'a', data: d }])).toThrow(UserError);
  });
});

describe('buildRomfsFromDir', () => {
  it('keeps dot files and empty folders, as mpremote does', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.hidden'), 'h');
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib', 'x.py'), 'x = 1\n');
    const tree = flatten(readRomfs(buildRomfsFromDir(dir)));
    expect(tree).toEqual(flattenDisk(dir));
    expect(Object.keys(tree)).toEqual(['.hidden', 'empty/', 'lib/', 'lib/x.py']);
  });

  it('follows symbolic links and reports broken ones and loops cleanly', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'f.txt'), 'data');
    symlinkSync('real', join(dir, 'alias'));
    expect(Object.keys(flatten(readRomfs(buildRomfsFromDir(dir))))).toEqual(['alias/', 'alias/f.txt', 'real/', 'real/f.txt']);
    symlinkSync('..', join(dir, 'real', 'up'));
    expect(() => buildRomfsFromDir(dir)).toThrow(/symbolic link loop/);
    const broken = tempDir();
    symlinkSync(join(broken, 'nowhere'), join(broken, 'dead'));
    expect(() => buildRomfsFromDir(broken)).toThrow(/dead: .*broken symbolic link/);
  });

  it('the CLI reports a missing folder and an unwritable output without writing anything', async () => {
    const tmp = tempDir();
    await expect(runRomfsCli([join(tmp, 'missing'), '-o', join(tmp, 'o.romfs')])).rejects.toThrow(/missing: no such file or folder/);
    await expect(runRomfsCli([join(GOLDEN, 'trees', 'single'), '-o', join(tmp, 'nodir', 'o.romfs')])).rejects.toThrow(
      /cannot write: folder does not exist/,
    );
    expect(existsSync(join(tmp, 'o.romfs'))).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('mpi romfs (built CLI)', () => {
  it('writes the reference image, defaults the output to DIR.romfs, and fails with one clean line', () => {
    const tmp = tempDir();
    const tree = join(tmp, 'app');
    mkdirSync(tree);
    for (const f of readdirSync(join(GOLDEN, 'trees', 'single'))) writeFileSync(join(tree, f), readFileSync(join(GOLDEN, 'trees', 'single', f)));
    const ok = runBin('mpi', ['romfs', tree]);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(Buffer.compare(readFileSync(join(tmp, 'app.romfs')), readFileSync(join(GOLDEN, 'single.romfs')))).toBe(0);

    const missing = runBin('mpi', ['romfs', join(tmp, 'nope'), '-o', join(tmp, 'x.romfs')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^mpi: .*nope: no such file or folder/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).not.toMatch(STACK_TRACE);
    expect(existsSync(join(tmp, 'x.romfs'))).toBe(false);
  });
});
