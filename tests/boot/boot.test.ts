// Boot test: `mpi link` freezes a tree of known files (golden .mpy, .py
// sources it compiles, data) with the probe runtime; the image boots in QEMU
// on both boards and the probe reports every file with the size and CRC-32
// the host computed, and every .mpy passes its C structural checker. The
// probe's own self-test (broken .mpy files are caught) links with GNU ld.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildRomfs, type RomfsEntry } from '../../link/romfs/writer.ts';
import { compile } from '../../src/compile.ts';
import { loadConfig } from '../../src/config/index.ts';
import { ROOT } from '../helpers/cli.ts';
import {
  BOARDS, GNU_LD, OBJCOPY, QEMU, expectedFiles, linkWithGnuLd, missingTools, mpiLink, parseReport, pseudoRandomBytes,
  runQemu, skipReason, tempDir, writeTree, type BoardName, type ProbeReport,
} from './probe.ts';

const GOLDEN = resolve(ROOT, '../shared/golden/compile');
const LOAD_ADDRESS = 0x8000;
const skip = skipReason('boot test', missingTools([QEMU]));
const skipSelfTest = skipReason('probe checker self-test', missingTools([GNU_LD, OBJCOPY, QEMU]));

function goldenFiles(from: string, ext: string, dest: string, keep: (size: number) => boolean = () => true): RomfsEntry[] {
  const dir = join(GOLDEN, from);
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext) && keep(statSync(join(dir, f)).size))
    .map((f) => ({ path: `${dest}/${f}`, data: readFileSync(join(dir, f)) }));
}

function dataFiles(): RomfsEntry[] {
  const enc = (s: string) => new TextEncoder().encode(s);
  return [
    { path: 'main.py', data: enc('import app\napp.run()\n') },
    { path: 'data/empty.bin', data: new Uint8Array(0) },
    { path: 'data/one.bin', data: pseudoRandomBytes(1, 1) },
    { path: 'data/b127.bin', data: pseudoRandomBytes(127, 2) },
    { path: 'data/b128.bin', data: pseudoRandomBytes(128, 3) },
    { path: 'data/b16385.bin', data: pseudoRandomBytes(16385, 4) },
    { path: 'data/b70001.bin', data: pseudoRandomBytes(70001, 5) },
    { path: 'data/a/b/c/d/e/deep.txt', data: enc('deep\n') },
    { path: 'data/with space.txt', data: enc('a name with a space\n') },
    { path: 'data/caf\u00e9.txt', data: enc('utf-8 name\n') },
  ];
}

/** The probe prints path bytes; compare as byte strings. */
function asByteString(path: string): string {
  return Buffer.from(path, 'utf8').toString('latin1');
}

function checkReport(board: BoardName, rep: ProbeReport, entries: readonly RomfsEntry[], romfs: Uint8Array): void {
  expect(rep.fault, 'the probe faulted').toBeUndefined();
  expect(rep.board).toBe(BOARDS[board].probeName);
  expect(rep.link).toBe('ok');
  expect(rep.romfsError).toBeUndefined();
  expect(rep.romfsSize).toBeGreaterThanOrEqual(romfs.length);
  const want = new Map([...expectedFiles(entries)].map(([p, v]) => [asByteString(p), v]));
  expect(new Map([...rep.files].sort())).toEqual(new Map([...want].sort()));
  const mpys = entries.filter((e) => e.path.endsWith('.mpy')).map((e) => asByteString('/' + e.path));
  const failed = [...rep.mpy].filter(([, m]) => !m.ok).map(([p, m]) => `${p} ${m.detail}`);
  expect(failed).toEqual([]);
  expect([...rep.mpy.keys()].sort()).toEqual(mpys.sort());
  expect(rep.end?.status).toBe('OK');
  expect(Number(rep.end?.files)).toBe(entries.length);
  expect(Number(rep.end?.bytes)).toBe(entries.reduce((n, e) => n + e.data.length, 0));
  expect(Number(rep.end?.mpy_ok)).toBe(mpys.length);
  expect(rep.unknown).toEqual([]);
}

/** What the freeze folder holds: data, reference .mpy files, .py sources. */
const SOURCE_TREE: RomfsEntry[] = [
  ...dataFiles(),
  ...goldenFiles('expected/base', '.mpy', 'lib/golden'),
  ...goldenFiles('expected/O3', '.mpy', 'lib/golden_o3'),
  ...goldenFiles('expected/armv6-viper', '.mpy', 'lib/viper'),
  // Native functions over 64 KiB come out of the reference with a wrong
  // prelude offset (it keeps the offset in 16 bits); files under 64 KiB
  // cannot hold one.
  ...goldenFiles('expected/armv6-native', '.mpy', 'lib/native', (size) => size < 0x10000),
  ...goldenFiles('cases', '.py', 'lib/src'),
];

/** What the ROMFS must hold: .py compiled (source name = path in the tree) with the config's options. */
function frozenEntries(configFile: string, tree: readonly RomfsEntry[]): RomfsEntry[] {
  const options = loadConfig(configFile).compile;
  return tree.map((e) =>
    e.path.endsWith('.py') ? { path: e.path.replace(/\.py$/, '.mpy'), data: compile(e.data, { ...options, sourceName: e.path }) } : e,
  );
}

describe.skipIf(skip !== undefined)('images made by mpi link boot the probe runtime in QEMU', () => {
  for (const board of ['RPI1', 'RPI2'] as const) {
    it(`${board}: the probe reports every frozen file's size and CRC-32, and every .mpy passes the C checker`, () => {
      const dir = tempDir();
      writeTree(join(dir, 'tree'), SOURCE_TREE);
      const config = join(dir, 'mpconfig.json');
      writeFileSync(
        config,
        JSON.stringify({
          board,
          romLevel: 'EVERYTHING',
          features: { MICROPY_PERSISTENT_CODE_LOAD_NATIVE: true },
          link: { runtime: BOARDS[board].runtime, freeze: ['tree'], output: 'firmware.img' },
        }),
      );
      mpiLink(['--config', config]);
      const entries = frozenEntries(config, SOURCE_TREE);
      const romfs = buildRomfs(entries);
      const run = runQemu(board, join(dir, 'firmware.img'));
      expect(run.timedOut, `QEMU timed out; output:\n${run.output.slice(-2000)}`).toBe(false);
      expect(run.status, run.output.slice(-2000)).toBe(0);
      const rep = parseReport(run.output);
      checkReport(board, rep, entries, romfs);
      // the image holds exactly the ROMFS the host builds of the same files
      const image = readFileSync(join(dir, 'firmware.img'));
      const at = rep.romfsAddress! - LOAD_ADDRESS;
      expect(Buffer.compare(image.subarray(at, at + romfs.length), Buffer.from(romfs))).toBe(0);
    });
  }
});

describe.skipIf(skipSelfTest !== undefined)('probe runtime self-test (GNU ld link)', () => {
  it('the C checker rejects broken and incompatible .mpy files', () => {
    const good = readFileSync(join(GOLDEN, 'expected/base/026_func_defaults.mpy'));
    const withByte = (at: number, value: number) => {
      const b = Uint8Array.from(good);
      b[at] = value;
      return b;
    };
    const bad: Record<string, { data: Uint8Array; why: RegExp }> = {
      'bad/truncated.mpy': { data: good.subarray(0, good.length - 1), why: /truncated|runs past/ },
      'bad/trailing.mpy': { data: Uint8Array.from([...good, 0]), why: /trailing bytes/ },
      'bad/magic.mpy': { data: withByte(0, 0x43), why: /not a \.mpy/ },
      'bad/version5.mpy': { data: withByte(1, 5), why: /version/ },
      'bad/sib63.mpy': { data: readFileSync(join(GOLDEN, 'expected/sib63/026_func_defaults.mpy')), why: /small ints wider/ },
      'bad/armv7m.mpy': { data: readFileSync(join(GOLDEN, 'expected/armv7m-native/026_func_defaults.mpy')), why: /another architecture/ },
      'bad/no_qstrs.mpy': { data: withByte(4, 0), why: /./ },
    };
    expect(good[4]! > 0 && good[4]! < 0x80, 'the sample needs a one-byte, non-zero qstr count').toBe(true);
    const entries: RomfsEntry[] = [{ path: 'ok.mpy', data: good }, ...Object.entries(bad).map(([path, v]) => ({ path, data: v.data }))];
    const run = runQemu('RPI2', linkWithGnuLd('RPI2', buildRomfs(entries), tempDir()));
    expect(run.status, run.output.slice(-2000)).toBe(0);
    const rep = parseReport(run.output);
    expect(rep.mpy.get('/ok.mpy')?.ok).toBe(true);
    for (const [path, v] of Object.entries(bad)) {
      const got = rep.mpy.get('/' + path);
      expect(got?.ok, `${path}: ${got?.detail}`).toBe(false);
      expect(got?.detail, path).toMatch(v.why);
    }
    expect(rep.end?.status).toBe('FAIL');
    expect(Number(rep.end?.mpy_fail)).toBe(Object.keys(bad).length);
  });
});
