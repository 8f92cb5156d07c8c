// The bundled example (fixtures/example): `mpi link --config` builds a
// firmware image of it (and an ELF on request) that boots the probe runtime
// on both boards; the probe reports every frozen file as the host builds it
// (.py compiled with the options the config implies).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildRomfs, collectDir, type RomfsEntry } from '../../link/romfs/writer.ts';
import { compile } from '../../src/compile.ts';
import { loadConfig } from '../../src/config/index.ts';
import { ROOT } from '../helpers/cli.ts';
import { BOARDS, QEMU, expectedFiles, missingTools, mpiLink, parseReport, runQemu, skipReason, tempDir, type BoardName } from './probe.ts';

const EXAMPLE = join(ROOT, 'fixtures/example');
const CONFIGS = { RPI1: 'mpconfig.json', RPI2: 'mpconfig.rpi2.json' } as const;
const skip = skipReason('example boot test', missingTools([QEMU]));

/** The frozen tree as the link contract describes it: .py compiled (source
 * name = path in the freeze folder), everything else copied. */
function freeze(configFile: string): { entries: RomfsEntry[]; board: 'RPI1' | 'RPI2'; runtime: string } {
  const config = loadConfig(configFile);
  if (!config.link || !config.board) throw new Error(`${configFile}: no link settings`);
  const entries: RomfsEntry[] = [];
  for (const folder of config.link.freeze) {
    for (const e of collectDir(folder).entries) {
      if (e.path.endsWith('.py')) {
        entries.push({ path: e.path.replace(/\.py$/, '.mpy'), data: compile(e.data, { ...config.compile, sourceName: e.path }) });
      } else {
        entries.push(e);
      }
    }
  }
  return { entries, board: config.board, runtime: config.link.runtime };
}

describe('fixtures/example', () => {
  for (const [board, file] of Object.entries(CONFIGS) as ['RPI1' | 'RPI2', string][]) {
    it(`${file} links the ${board} probe runtime and freezes main.py and the lib/blinker package`, () => {
      const f = freeze(join(EXAMPLE, file));
      expect(f.board).toBe(board);
      expect(f.runtime).toBe(BOARDS[board].runtime);
      expect(f.entries.map((e) => e.path).sort()).toEqual(['lib/blinker/__init__.mpy', 'lib/blinker/pattern.mpy', 'main.mpy']);
    });

    it.skipIf(skip !== undefined)(`${board}: mpi link --config ${file} makes an image and an ELF that boot and report the frozen files`, () => {
      const { entries } = freeze(join(EXAMPLE, file));
      const out = join(tempDir(), 'firmware.img');
      mpiLink(['--config', join(EXAMPLE, file), '-o', out, '--elf']);
      for (const how of ['-bios', '-kernel'] as const) {
        const run = runQemu(board as BoardName, how === '-bios' ? out : out.replace(/\.img$/, '.elf'), 30_000, how);
        expect(run.timedOut, how).toBe(false);
        expect(run.status, run.output).toBe(0);
        const rep = parseReport(run.output);
        expect(rep.link, how).toBe('ok');
        expect(rep.files, how).toEqual(expectedFiles(entries));
        expect([...rep.mpy.entries()].filter(([, m]) => !m.ok), how).toEqual([]);
        expect(rep.mpy.size, how).toBe(3);
        expect(rep.end?.status, how).toBe('OK');
      }
    });
  }
});
