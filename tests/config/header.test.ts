// mpconfigport.h export/import: header -> import -> header is a fixed point,
// imports keep values, and whatever cannot be represented is reported.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig, resolveConfig } from '../../src/config/index.ts';
import { formatHeader, importHeader } from '../../src/config/header.ts';
import { registerConfigCommands } from '../../src/config/cli.ts';

const dir = join(import.meta.dirname, '../../fixtures/configs');
const configs = [
  ...readdirSync(join(dir, 'valid')).map((f) => join(dir, 'valid', f)),
  ...readdirSync(join(dir, 'golden-features')).map((f) => join(dir, 'golden-features', f)),
];

describe('header round trip', () => {
  for (const file of configs) {
    it(`header -> import -> header is a fixed point for ${file.split('/').slice(-2).join('/')}`, () => {
      const cfg = loadConfig(file);
      const h1 = formatHeader(cfg);
      const imported = importHeader(h1);
      expect(imported.reports).toEqual([]);
      const cfg2 = resolveConfig(imported.json, file);
      const h2 = formatHeader(cfg2);
      expect(h2).toBe(h1);
      // and the runtime described is the same one
      expect(cfg2.options).toEqual(cfg.options);
      expect(cfg2.board).toBe(cfg.board);
      expect(cfg2.compile.features).toEqual(cfg.compile.features);
    });
  }

  it('writes what a port header needs', () => {
    const h = formatHeader(loadConfig(join(dir, 'valid/rpi2-extra.json')));
    expect(h).toContain('#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES)\n');
    expect(h).toContain('#define MICROPY_COMP_CONST_FOLDING (0)\n');
    expect(h).toContain('#define MICROPY_FLOAT_IMPL (MICROPY_FLOAT_IMPL_FLOAT)\n');
    expect(h).toContain('#define MICROPY_VFS_ROM (1)\n'); // from the board
    expect(h).toContain('#define MICROPY_QSTR_BYTES_IN_HASH (1)\n'); // from "qstr"
    expect(h).toContain('#define MICROPY_VM_HOOK_LOOP\n');
    // derived options are mpconfig.h's business
    expect(h).not.toContain('MICROPY_PY_BUILTINS_FLOAT');
  });
});

describe('import of hand-written headers', () => {
  const header = [
    '// a port header',
    '#include <stdint.h>',
    '#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_BASIC_FEATURES)',
    '#define MICROPY_ENABLE_GC          (1)',
    '#define MICROPY_FLOAT_IMPL (MICROPY_FLOAT_IMPL_FLOAT) /* single */',
    '#define MICROPY_ALLOC_PATH_MAX (0x100u)',
    '#define MICROPY_PY_MATH (MICROPY_COMP_CONST_FLOAT)',
    '#ifndef MICROPY_HELPER_REPL',
    '#define MICROPY_HELPER_REPL (1)',
    '#endif',
    '#if defined(__thumb2__)',
    '#define MICROPY_EMIT_THUMB (1)',
    '#endif',
    '#define MICROPY_PY_BUILTINS_FLOAT (1)',
    '#define MICROPY_PY_FSTRING (1)',
    '#define MICROPY_WRAP_MP_LOAD_NAME(f) f',
    '#define MICROPY_PORT_BUILTINS \\',
    '    { MP_ROM_QSTR(MP_QSTR_open), MP_ROM_PTR(&mp_builtin_open_obj) },',
    'typedef long mp_off_t;',
  ].join('\n');

  it('keeps the simple defines', () => {
    const { json } = importHeader(header, { board: 'RPI1' });
    expect(json).toEqual({
      board: 'RPI1',
      romLevel: 'BASIC_FEATURES',
      features: {
        MICROPY_ALLOC_PATH_MAX: 256,
        MICROPY_ENABLE_GC: true,
        MICROPY_HELPER_REPL: true,
        MICROPY_FLOAT_IMPL: 'MICROPY_FLOAT_IMPL_FLOAT',
        MICROPY_PORT_BUILTINS: '{ MP_ROM_QSTR(MP_QSTR_open), MP_ROM_PTR(&mp_builtin_open_obj) },',
      },
    });
    expect(resolveConfig(json, 'imported.json').options.MICROPY_FLOAT_IMPL).toBe('MICROPY_FLOAT_IMPL_FLOAT');
  });

  it('reports each line it cannot represent, with its line number', () => {
    const { reports } = importHeader(header, { board: 'RPI1' });
    const byLine = new Map(reports.map((r) => [r.line, r.reason]));
    expect(byLine.get(2)).toMatch(/#include: ignored/);
    expect(byLine.get(7)).toMatch(/depends on MICROPY_COMP_CONST_FLOAT/);
    expect(byLine.get(12)).toMatch(/inside `#if defined\(__thumb2__\)`.*cannot be represented/);
    expect(byLine.get(14)).toMatch(/computed by mpconfig.h/);
    expect(byLine.get(15)).toMatch(/unknown option \(did you mean MICROPY_PY_FSTRINGS\?\)/);
    expect(byLine.get(16)).toMatch(/function-like macro/);
    expect(byLine.get(19)).toMatch(/not a preprocessor directive/);
    expect(reports).toHaveLength(7);
  });
});

describe('mpi config commands', () => {
  afterEach(() => vi.restoreAllMocks());

  async function run(...args: string[]): Promise<{ out: string; err: string }> {
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    const program = new Command('mpi').exitOverride();
    registerConfigCommands(program);
    await program.parseAsync(['node', 'mpi', ...args]);
    vi.restoreAllMocks();
    return { out, err };
  }

  it('resolve shows every option with its origin', async () => {
    const { out } = await run('config', 'resolve', join(dir, 'valid/rpi2-extra.json'));
    expect(out).toMatch(/^# board RPI2: BCM2836, Cortex-A7 \(ARMv7-A\), peripherals at 0x3F000000$/m);
    expect(out).toMatch(/^MICROPY_COMP_CONST_FOLDING\s+0\s+set\s/m);
    expect(out).toMatch(/^MICROPY_VFS_ROM\s+1\s+profile RPI2: /m);
    expect(out).toMatch(/^MICROPY_PY_ASYNC_AWAIT\s+1\s+level\s+level >= CORE/m);
    expect(out.split('\n').filter((l) => l.startsWith('MICROPY_')).length).toBeGreaterThan(340);
  });

  it('header and import write files through the CLI, and agree', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mpi-config-'));
    const h = join(tmp, 'mpconfigport.h');
    const j = join(tmp, 'mpconfig.json');
    await run('config', 'header', join(dir, 'valid/rpi1-native.json'), '-o', h);
    await run('config', 'import', h, '-o', j);
    expect(readdirSync(tmp).sort()).toEqual(['mpconfig.json', 'mpconfigport.h']); // no temp files left
    const again = join(tmp, 'again.h');
    await run('config', 'header', j, '-o', again);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(h, 'utf8'));
    const imported = JSON.parse(readFileSync(j, 'utf8'));
    expect(imported.board).toBe('RPI1');
  });

  it('import --strict refuses a header with unrepresentable lines and writes nothing', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mpi-config-'));
    const h = join(tmp, 'port.h');
    writeFileSync(h, '#define MICROPY_PY_MATH (MICROPY_COMP_CONST_FLOAT)\n');
    await expect(run('config', 'import', h, '--strict', '-o', join(tmp, 'out.json'))).rejects.toThrow(/--strict/);
    expect(readdirSync(tmp)).toEqual(['port.h']);
  });
});
