// mpconfig.json validation: valid fixtures load, invalid ones fail with one
// line naming the file, the line and the JSON path; the shipped JSON Schema
// is generated from the catalogue and agrees with the validator on the fixtures.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, resolveConfig } from '../../src/config/index.ts';
import { schemaText } from '../../src/config/schema.ts';

const root = join(import.meta.dirname, '../..');
const dir = join(root, 'fixtures/configs');
const cases = JSON.parse(readFileSync(join(dir, 'invalid/cases.json'), 'utf8')) as { file: string; expect: string[] }[];

describe('valid configs', () => {
  for (const f of readdirSync(join(dir, 'valid'))) {
    it(`loads ${f}`, () => {
      const cfg = loadConfig(join(dir, 'valid', f));
      expect(cfg.file).toBe(join(dir, 'valid', f));
      expect(Object.keys(cfg.options).length).toBeGreaterThan(300);
    });
  }

  it('reads every part of a full config', () => {
    const cfg = loadConfig(join(dir, 'valid/rpi2-extra.json'));
    expect(cfg.board).toBe('RPI2');
    expect(cfg.romLevel).toBe('EXTRA_FEATURES');
    expect(cfg.options.MICROPY_FLOAT_IMPL).toBe('MICROPY_FLOAT_IMPL_FLOAT');
    expect(cfg.options.MICROPY_ERROR_REPORTING).toBe('MICROPY_ERROR_REPORTING_TERSE');
    expect(cfg.options.MICROPY_ALLOC_PARSE_INTERN_STRING_LEN).toBe(12);
    expect(cfg.options.MICROPY_VM_HOOK_LOOP).toBe('');
    expect(cfg.compile.features.MICROPY_COMP_CONST_FOLDING).toBe(false);
    expect(cfg.compile.optimize).toBe(2);
    expect(cfg.qstr).toEqual({ bytesInHash: 1, bytesInLen: 1 });
    // link paths are relative to the config file
    expect(cfg.link).toEqual({
      runtime: join(root, 'fixtures/runtime/prebuilt/rpi2.o'),
      layout: join(root, 'link/layouts/rpi2.ts'),
      freeze: [join(dir, 'valid/app'), join(dir, 'valid/lib')],
      output: join(dir, 'valid/out/firmware.img'),
      elf: true,
      map: true,
    });
    expect(cfg.origins.MICROPY_COMP_CONST_FOLDING!.kind).toBe('set');
    expect(cfg.origins.MICROPY_VFS_ROM!.kind).toBe('profile');
    expect(cfg.origins.MICROPY_PY_FSTRINGS!.kind).toBe('set');
    expect(cfg.origins.MICROPY_PY_TSTRINGS!.kind).toBe('level');
    expect(cfg.origins.MICROPY_PY_BUILTINS_STR_UNICODE_CHECK!.kind).toBe('derived');
    expect(cfg.origins.MICROPY_ALLOC_PATH_MAX!.kind).toBe('default');
    expect(cfg.origins.MICROPY_PY_ASYNC_AWAIT!.kind).toBe('level');
  });

  it('gives a board its native arch only when the runtime loads native code', () => {
    expect(loadConfig(join(dir, 'valid/rpi1-minimal.json')).compile.arch).toBeUndefined();
    const native = loadConfig(join(dir, 'valid/rpi1-native.json'));
    expect(native.compile.arch).toBe('armv6');
    expect(native.compile.emit).toBe('native');
    expect(loadConfig(join(dir, 'valid/rpi2-thumb.json')).compile.arch).toBe('armv7emdp');
  });
});

describe('invalid configs', () => {
  for (const c of cases) {
    it(`rejects ${c.file}`, () => {
      const path = join(dir, 'invalid', c.file);
      let error: unknown;
      try {
        loadConfig(path);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const msg = (error as Error).message;
      expect(msg.startsWith(path)).toBe(true);
      expect(msg).not.toContain('\n');
      for (const piece of c.expect) expect(msg).toContain(piece);
    });
  }

  it('names the file as given and the JSON path, also for parsed JSON', () => {
    expect(() => resolveConfig({ features: { MICROPY_FOO_BARR: 1 } }, 'mpconfig.json')).toThrow(
      /^mpconfig\.json: features\.MICROPY_FOO_BARR: unknown option$/,
    );
    expect(() => resolveConfig({ features: { MICROPY_PY_FSTRING: 1 } }, 'mpconfig.json')).toThrow(
      'mpconfig.json: features.MICROPY_PY_FSTRING: unknown option (did you mean MICROPY_PY_FSTRINGS?)',
    );
    expect(() => resolveConfig({ link: { freeze: ['a', 7] }, board: 'RPI1' }, 'x.json')).toThrow(
      'x.json: link.freeze[1]: expected a non-empty string, found number 7',
    );
  });

  it('reports unreadable files in one line', () => {
    expect(() => loadConfig(join(dir, 'no-such.json'))).toThrow(/no-such\.json: cannot read: no such file$/);
  });
});

// A small JSON Schema (draft-07 subset) checker: enough for the keywords our schema uses.
type S = Record<string, unknown>;
function schemaErrors(schema: S, v: unknown, path = ''): string[] {
  const errs: string[] = [];
  if (schema.enum && !(schema.enum as unknown[]).some((e) => e === v)) errs.push(`${path}: not in enum`);
  const t = schema.type;
  if (t === 'object') {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return [`${path}: not an object`];
    const props = (schema.properties ?? {}) as Record<string, S>;
    for (const [k, x] of Object.entries(v)) {
      if (props[k]) errs.push(...schemaErrors(props[k]!, x, `${path}.${k}`));
      else if (schema.additionalProperties === false) errs.push(`${path}.${k}: not allowed`);
    }
  } else if (t === 'array') {
    if (!Array.isArray(v)) return [`${path}: not an array`];
    v.forEach((x, i) => errs.push(...schemaErrors(schema.items as S, x, `${path}[${i}]`)));
  } else if (t === 'integer') {
    if (!Number.isInteger(v)) return [`${path}: not an integer`];
    if (schema.minimum !== undefined && (v as number) < (schema.minimum as number)) errs.push(`${path}: below minimum`);
    if (schema.maximum !== undefined && (v as number) > (schema.maximum as number)) errs.push(`${path}: above maximum`);
  } else if (t === 'string') {
    if (typeof v !== 'string') return [`${path}: not a string`];
    if (schema.minLength !== undefined && v.length < (schema.minLength as number)) errs.push(`${path}: too short`);
  } else if (t === 'boolean' && typeof v !== 'boolean') {
    errs.push(`${path}: not a boolean`);
  }
  return errs;
}

describe('mpconfig.schema.json', () => {
  const shipped = readFileSync(join(root, 'mpconfig.schema.json'), 'utf8');
  const schema = JSON.parse(shipped) as S;

  it('is the catalogue-generated schema (run `mpi config schema -o mpconfig.schema.json` after catalogue changes)', () => {
    expect(shipped).toBe(schemaText());
  });

  it('accepts every valid fixture and every golden feature set', () => {
    for (const sub of ['valid', 'golden-features']) {
      for (const f of readdirSync(join(dir, sub))) {
        const json = JSON.parse(readFileSync(join(dir, sub, f), 'utf8'));
        expect(schemaErrors(schema, json), `${sub}/${f}`).toEqual([]);
      }
    }
  });

  it('rejects the invalid fixtures that are wrong in shape (not in meaning)', () => {
    // these fail on types, names or ranges, which a schema can express; the
    // others (arch vs board, option rules, bad JSON) need the resolver
    const shapeErrors = [
      'unknown-option.json', 'wrong-type.json', 'null-value.json', 'unknown-top-key.json', 'bad-board.json',
      'bad-level.json', 'derived-option.json', 'bad-choice.json', 'int-range.json', 'int-not-integer.json',
      'freeze-not-array.json', 'rom-level-as-feature.json', 'not-an-object.json', 'unknown-option-prefix.json',
    ];
    for (const f of shapeErrors) {
      const json = JSON.parse(readFileSync(join(dir, 'invalid', f), 'utf8'));
      expect(schemaErrors(schema, json).length, f).toBeGreaterThan(0);
    }
  });
});
