// mpi dis / inspect / run and the ROMFS reader, on the golden vectors and on
// small trees made here.
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMpy } from '../../src/mpy-reader.ts';
import { disassembleJson, disassembleText } from '../../src/tools/dis.ts';
import { FirmwareError, locateRomfs } from '../../src/tools/firmware-romfs.ts';
import { readRomfs, RomfsFormatError } from '../../src/tools/romfs-read.ts';
import { inspectText } from '../../src/tools/cli.ts';
import { runOnVm, type RunFile } from '../../src/tools/run.ts';

const SHARED = resolve(import.meta.dirname, '../../../shared/golden');
const ROMFS_DIR = join(SHARED, 'romfs');
const golden = (variant: string, name: string): Uint8Array => new Uint8Array(readFileSync(join(SHARED, 'compile/expected', variant, name)));

function treeFiles(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const f = join(d, n);
      if (statSync(f).isDirectory()) walk(f);
      else out.set(relative(root, f).split(sep).join('/'), readFileSync(f));
    }
  };
  walk(root);
  return out;
}

describe('mpi dis', () => {
  it('lists opcodes with decoded arguments and source lines', () => {
    const f = readMpy(golden('base', '025_lambda.mpy'));
    const text = disassembleText(f, '025_lambda.mpy');
    expect(text).toContain('source_file: 025_lambda.py');
    expect(text).toContain('header: 4d:06:00:1f');
    // line 2 of the case is `add = lambda a, b: a + b`
    expect(text).toMatch(/^\s+0 32:00\s+2 {2}MAKE_FUNCTION 0 <lambda>$/m);
    expect(text).toMatch(/^\s+2 16:\w\w\s+2 {2}STORE_NAME add$/m);
    expect(text).toContain('BINARY_OP 27 __add__');
    expect(text).toContain('args: [a, b]');
    expect(text).toMatch(/RETURN_VALUE$/m);
    // deterministic
    expect(disassembleText(f, '025_lambda.mpy')).toBe(text);
  });

  it('shows constants, jumps and native code', () => {
    const floats = disassembleText(readMpy(golden('base', '005_float_literals.mpy')), 'x');
    expect(floats).toContain('LOAD_CONST_OBJ 14 inf');
    expect(floats).toContain('float 2.2250738585072014e-308');
    const loops = disassembleText(readMpy(golden('base', '044_unpack_for.mpy')), 'x');
    expect(loops).toMatch(/FOR_ITER \d+ -> \d+/);
    expect(loops).toMatch(/JUMP -?\d+ -> \d+/);
    const native = disassembleText(readMpy(golden('armv6-native', '001_int_small.mpy')), 'x');
    expect(native).toContain('arch: armv6');
    expect(native).toMatch(/function <module> \(native, \d+ bytes/);
    expect(native).toContain('0: funtable <fun_table>');
  });

  it('gives the same facts as JSON', () => {
    const j = disassembleJson(readMpy(golden('base', '025_lambda.mpy')), 'f') as {
      header: { version: number; arch: string };
      qstrs: { value: string }[];
      root: { name: string; ops: { name: string; line: number; text?: string }[]; children: { prelude: { args: string[] } }[] };
    };
    expect(j.header).toMatchObject({ version: 6, arch: 'none' });
    expect(j.qstrs[0]!.value).toBe('025_lambda.py');
    expect(j.root.name).toBe('<module>');
    expect(j.root.ops[1]).toMatchObject({ name: 'STORE_NAME', line: 2, text: 'add' });
    expect(j.root.children[0]!.prelude.args).toEqual(['a', 'b']);
    expect(() => JSON.stringify(j)).not.toThrow();
  });
});

describe('ROMFS reader', () => {
  const images = readdirSync(ROMFS_DIR).filter((n) => n.endsWith('.romfs'));

  it('lists exactly the files of each golden tree with their contents', () => {
    expect(images.length).toBeGreaterThan(3);
    for (const img of images) {
      const fs = readRomfs(new Uint8Array(readFileSync(join(ROMFS_DIR, img))));
      const expected = treeFiles(join(ROMFS_DIR, 'trees', img.replace(/\.romfs$/, '')));
      const files = fs.entries.filter((e) => e.kind === 'file');
      expect(files.map((e) => e.path).sort()).toEqual([...expected.keys()].sort());
      for (const e of files) expect(Buffer.from(e.data!).equals(expected.get(e.path)!)).toBe(true);
    }
  });

  it('rejects every truncation of a golden image', () => {
    const data = new Uint8Array(readFileSync(join(ROMFS_DIR, 'app.romfs')));
    for (let k = 0; k < data.length; k++) {
      expect(() => readRomfs(data.subarray(0, k))).toThrow(RomfsFormatError);
    }
  });

  it('finds the ROMFS inside a raw image by its header', () => {
    const romfs = new Uint8Array(readFileSync(join(ROMFS_DIR, 'app.romfs')));
    const img = new Uint8Array(5000 + romfs.length + 100);
    img.fill(0xe1, 0, 5000); // code-like filler before
    img.set(romfs, 5000);
    const loc = locateRomfs(img);
    expect(loc.offset).toBe(5000);
    expect(loc.via).toBe('scan');
    expect(loc.romfs.entries.some((e) => e.path === 'main.mpy')).toBe(true);
  });
});

describe('mpi inspect', () => {
  const romfs = new Uint8Array(readFileSync(join(ROMFS_DIR, 'app.romfs')));

  it('lists files with sizes and checks every .mpy', () => {
    const r = inspectText('app.romfs', romfs);
    expect(r.ok).toBe(true);
    expect(r.text).toMatch(/lib\/sensor\.mpy\s+817\s+mpy v6 arch none sib 31, \d+ functions, ok/);
    expect(r.text).toMatch(/data\/config\.json\s+29/);
  });

  it('flags a corrupt .mpy inside the image', () => {
    const bad = romfs.slice();
    const loc = locateRomfs(bad);
    const main = loc.romfs.entries.find((e) => e.path === 'main.mpy')!;
    bad[loc.offset + main.dataOffset! + 1] = 9; // version byte
    const r = inspectText('bad.img', bad);
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/main\.mpy\s+\d+\s+INVALID: offset 1: expected format version 6, found 9/);
  });

  it('reports a truncated image cleanly', () => {
    const img = new Uint8Array(3000);
    img.set(romfs.subarray(0, 1500), 1000);
    expect(() => locateRomfs(img)).toThrow(FirmwareError);
    expect(() => locateRomfs(img)).toThrow(/ROMFS header at file offset 1000 but the image is damaged/);
    expect(() => locateRomfs(new Uint8Array(100))).toThrow(/no ROMFS found/);
  });
});

describe('mpi run', () => {
  const collect = async (files: RunFile[], argv: string[], extra: { mainFile?: string; timeoutSeconds?: number } = {}) => {
    const out: number[] = [];
    const err: number[] = [];
    const r = await runOnVm({ files, argv, ...extra, stdout: (c) => out.push(...c), stderr: (c) => err.push(...c) });
    return { ...r, out: Buffer.from(out).toString(), err: Buffer.from(err).toString() };
  };
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  const tree: RunFile[] = [
    {
      path: 'main.py',
      data: enc(
        'import sys, helper\nprint(helper.twice(21), sys.argv[1:])\n' +
          'if sys.argv[1:] == ["fail"]:\n    raise ValueError("boom")\n' +
          'if sys.argv[1:] == ["exit"]:\n    sys.exit(7)\n',
      ),
    },
    { path: 'lib/helper.py', data: enc('def twice(x):\n    return 2 * x\n') },
  ];

  it('runs main with /rom/lib on sys.path and passes arguments', async () => {
    const r = await collect(tree, ['main', 'a', 'b']);
    expect(r.out).toBe("42 ['a', 'b']\n");
    expect(r.exitCode).toBe(0);
    expect(r.startupMs).toBeLessThan(5000);
  });

  it('exits 1 with a traceback on an uncaught exception, and with sys.exit codes', async () => {
    const f = await collect(tree, ['main', 'fail']);
    expect(f.exitCode).toBe(1);
    expect(f.err).toMatch(/File "\/rom\/main.py", line 4/);
    expect(f.err).toContain('ValueError: boom');
    expect((await collect(tree, ['main', 'exit'])).exitCode).toBe(7);
  });

  it('runs frozen .mpy files from a golden ROMFS image', async () => {
    const romfs = readRomfs(new Uint8Array(readFileSync(join(ROMFS_DIR, 'app.romfs'))));
    const files = romfs.entries.filter((e) => e.kind === 'file').map((e) => ({ path: e.path, data: e.data! }));
    const r = await collect(files, ['main']);
    expect(r.exitCode).toBe(0);
    expect(r.out.length).toBeGreaterThan(0);
  });

  it('runs a given file as __main__ and stops at the timeout', async () => {
    const d = mkdtempSync(join(tmpdir(), 'mpi-run-'));
    mkdirSync(join(d, 'lib'));
    writeFileSync(join(d, 'script.py'), 'print(__name__)\n');
    const r = await collect([{ path: 'script.py', data: new Uint8Array(readFileSync(join(d, 'script.py'))) }], ['script.py'], { mainFile: 'script.py' });
    expect(r.out).toBe('__main__\n');
    const t = await collect([{ path: 'main.py', data: enc('while True:\n    pass\n') }], ['main'], { timeoutSeconds: 0.5 });
    expect(t.timedOut).toBe(true);
    expect(t.exitCode).toBe(124);
  });
});
