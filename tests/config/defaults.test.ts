// Defaults: our catalogue's expressions against the values the C compiler
// computes from upstream's headers (fixtures/configs/oracle, made by gcc and
// arm-none-eabi-gcc, see fixtures/configs/README.md), at every ROM level; and
// the golden feature sets, which must resolve to the reference's switches
// with exactly the README's changes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveConfig } from '../../src/config/index.ts';
import { CATALOGUE, ENUM_CONSTANTS, ROM_LEVELS } from '../../src/config/catalogue.ts';
import { MPY_CROSS_FEATURES } from '../../src/options.ts';
import { compilerDifferences } from '../../src/config/resolve.ts';

const root = join(import.meta.dirname, '../..');
const dir = join(root, 'fixtures/configs');
const oracle = JSON.parse(readFileSync(join(dir, 'oracle/mpconfig-defaults.json'), 'utf8')) as {
  names: string[];
  profiles: Record<string, Record<string, (number | null)[]>>;
};

function asNumber(v: number | boolean | string | undefined): number | undefined {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return ENUM_CONSTANTS.get(v)?.[1];
  return v;
}

describe('defaults agree with the C preprocessor on upstream mpconfig.h', () => {
  it('covers every numeric catalogue option', () => {
    const numeric = CATALOGUE.filter((s) => s.type !== 'ctext').map((s) => s.name);
    expect([...oracle.names].sort()).toEqual(numeric.sort());
  });

  for (const [profile, levels] of Object.entries(oracle.profiles)) {
    for (const level of Object.keys(ROM_LEVELS)) {
      it(`${profile} at ${level}`, () => {
        const json = profile === 'mpy-cross' ? { romLevel: level } : { board: profile, romLevel: level };
        const cfg = resolveConfig(json, 'oracle.json');
        const expected = levels[level]!;
        const mismatches: string[] = [];
        oracle.names.forEach((name, i) => {
          const want = expected[i];
          if (want === null || want === undefined) return;
          const got = asNumber(cfg.options[name]);
          if (got !== want) mismatches.push(`${name}: C says ${want}, we say ${got}`);
        });
        expect(mismatches).toEqual([]);
      });
    }
  }

  // a few options spelled out, so a regenerated oracle cannot hide a regression
  it('follows the level thresholds of a few well-known options', () => {
    const at = (level: string) => resolveConfig({ board: 'RPI1', romLevel: level }, 'x.json').options;
    expect(at('MINIMUM').MICROPY_COMP_CONST_FOLDING).toBe(false);
    expect(at('CORE_FEATURES').MICROPY_COMP_CONST_FOLDING).toBe(true);
    expect(at('BASIC_FEATURES').MICROPY_PY_FSTRINGS).toBe(false);
    expect(at('EXTRA_FEATURES').MICROPY_PY_FSTRINGS).toBe(true);
    expect(at('EXTRA_FEATURES').MICROPY_PY_TSTRINGS).toBe(false);
    expect(at('FULL_FEATURES').MICROPY_PY_TSTRINGS).toBe(true);
    expect(at('MINIMUM').MICROPY_QSTR_BYTES_IN_HASH).toBe(0);
    expect(at('CORE_FEATURES').MICROPY_QSTR_BYTES_IN_HASH).toBe(1);
    expect(at('EXTRA_FEATURES').MICROPY_QSTR_BYTES_IN_HASH).toBe(2);
    expect(at('CORE_FEATURES').MICROPY_ERROR_REPORTING).toBe('MICROPY_ERROR_REPORTING_NORMAL');
    expect(at('FULL_FEATURES').MICROPY_ERROR_REPORTING).toBe('MICROPY_ERROR_REPORTING_DETAILED');
    expect(at('EVERYTHING').MICROPY_PY_SYS_GETSIZEOF).toBe(true);
    expect(at('FULL_FEATURES').MICROPY_PY_SYS_GETSIZEOF).toBe(false);
  });

  it('recomputes dependent defaults when an option is set', () => {
    const o = resolveConfig({ board: 'RPI1', features: { MICROPY_PY_FSTRINGS: false } }, 'x.json').options;
    expect(o.MICROPY_PY_TSTRINGS).toBe(false);
    const f = resolveConfig({ board: 'RPI1', features: { MICROPY_FLOAT_IMPL: 'NONE' } }, 'x.json').options;
    expect(f.MICROPY_PY_BUILTINS_FLOAT).toBe(false);
    expect(f.MICROPY_PY_BUILTINS_COMPLEX).toBe(false);
    const e = resolveConfig({ board: 'RPI1', features: { MICROPY_EPOCH_IS_1970: true } }, 'x.json').options;
    expect(e.MICROPY_EPOCH_IS_2000).toBe(false);
    const b = resolveConfig({ board: 'RPI1', features: { MICROPY_OBJ_REPR: 'B' } }, 'x.json');
    expect(b.runtimeSmallIntBits).toBe(30);
    expect(b.compile.smallIntBits).toBe(30);
    expect(b.options.MICROPY_PY_TIME_TICKS_PERIOD).toBe(2 ** 29);
  });
});

describe('the reference compiler profile', () => {
  it('resolves to the switches of the reference mpy-cross build', () => {
    const cfg = resolveConfig({}, 'mpconfig.json');
    expect(cfg.board).toBeUndefined();
    expect(cfg.compile.features).toEqual(MPY_CROSS_FEATURES);
    expect(cfg.compile.smallIntBits).toBe(31);
    expect(cfg.compile.arch).toBeUndefined();
    expect(cfg.qstr).toEqual({ bytesInHash: 1, bytesInLen: 1 });
  });

  it('lists the unmodelled compiler switches where a runtime differs from the reference', () => {
    expect(compilerDifferences(resolveConfig({ features: { MICROPY_COMP_CONST_FOLDING: 0 } }, 'x.json'))).toEqual([]);
    const names = compilerDifferences(resolveConfig({ board: 'RPI1', romLevel: 'EXTRA_FEATURES' }, 'x.json')).map((d) => d.name);
    expect(names).toContain('MICROPY_PY_ERRNO');
    expect(names).toContain('MICROPY_ERROR_REPORTING');
    expect(names).not.toContain('MICROPY_ENABLE_SOURCE_LINE');
  });

  it('a Raspberry Pi at FULL_FEATURES compiles frozen code as the reference does', () => {
    for (const board of ['RPI1', 'RPI2']) {
      expect(resolveConfig({ board }, 'x.json').compile.features).toEqual(MPY_CROSS_FEATURES);
    }
  });
});

// The golden feature sets: ../shared/golden/features/README.md has a table
// `| set | settings |`; each set is the reference plus those changes.
const goldenReadme = join(root, '../shared/golden/features/README.md');
describe.skipIf(!existsSync(goldenReadme))('golden feature sets (../shared/golden/features)', () => {
  const table = existsSync(goldenReadme) ? readFileSync(goldenReadme, 'utf8') : '';
  const sets = [...table.matchAll(/^\|\s*(\w+)\s*\|\s*(MICROPY_[^|]*?)\s*\|\s*$/gm)].map((m) => ({
    name: m[1]!,
    settings: Object.fromEntries(
      m[2]!.split(',').map((s) => {
        const [k, v] = s.trim().split('=');
        return [k!, v === '1'];
      }),
    ),
  }));

  it('the README lists the five sets', () => {
    expect(sets.map((s) => s.name).sort()).toEqual(['docstr', 'noassignopt', 'nofeat', 'nofloat', 'nofold']);
  });

  for (const set of sets) {
    it(`fixtures/configs/golden-features/${set.name}.json is the reference plus the README's changes`, () => {
      const cfg = loadConfig(join(dir, 'golden-features', `${set.name}.json`));
      expect(cfg.compile.features).toEqual({ ...MPY_CROSS_FEATURES, ...set.settings });
      expect(cfg.compile.smallIntBits).toBe(31);
      expect(cfg.compile.optimize).toBe(0);
    });

    it(`the golden folder's own ${set.name}/mpconfig.json is refused with a clear reason`, () => {
      // it holds `null` for the first option only (see fixtures/configs/README.md)
      const file = join(root, '../shared/golden/features', set.name, 'mpconfig.json');
      expect(() => loadConfig(file)).toThrow(/: features\.MICROPY_\w+: null is not a value/);
    });
  }
});
