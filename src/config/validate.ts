// mpconfig.json -> a typed ConfigInput, or a ConfigError naming the JSON path.
// Hand-written rather than driven by mpconfig.schema.json: the checks need the
// catalogue (unknown option names with did-you-mean, per-option types), and a
// schema library's messages are not the one-line messages we promise. The
// schema is kept for editors; tests check the two agree on the fixtures.
import { NATIVE_ARCHS, type EmitKind, type NativeArch } from '../options.ts';
import { BOARD_NAMES } from './boards.ts';
import { OPTIONS, ROM_LEVELS, type OptionSpec, type RomLevel } from './catalogue.ts';
import { configError, didYouMean, type ConfigSource } from './errors.ts';
import type { RawValue } from './evaluate.ts';
import type { Board } from './types.ts';
import { memberPath } from './jsonloc.ts';

export interface ConfigInput {
  board?: Board;
  romLevel?: RomLevel;
  /** options set by "features", type-checked, as raw values */
  features: Map<string, RawValue>;
  compiler: { smallIntBits?: number; optimize?: number; emit?: EmitKind; arch?: NativeArch };
  qstr: { bytesInHash?: number; bytesInLen?: number };
  link?: { runtime?: string; layout?: string; freeze?: string[]; output?: string; elf?: boolean; map?: boolean };
}

export const TOP_KEYS = ['$schema', 'board', 'romLevel', 'features', 'compiler', 'qstr', 'link'] as const;
const COMPILER_KEYS = ['smallIntBits', 'optimize', 'emit', 'arch'] as const;
const QSTR_KEYS = ['bytesInHash', 'bytesInLen'] as const;
const LINK_KEYS = ['runtime', 'layout', 'freeze', 'output', 'elf', 'map'] as const;
const EMITS: readonly EmitKind[] = ['bytecode', 'native', 'viper'];

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}

export function validateConfig(json: unknown, src: ConfigSource): ConfigInput {
  const err = (path: string, msg: string) => configError(src, path, msg);

  const object = (v: unknown, path: string, keys: readonly string[], noun = 'key'): Record<string, unknown> => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw err(path, `expected an object, found ${describe(v)}`);
    }
    const obj = v as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      if (!keys.includes(k)) throw err(memberPath(path, k), `unknown ${noun}${didYouMean(k, keys)}`);
    }
    return obj;
  };
  const oneOf = <T extends string>(v: unknown, path: string, allowed: readonly T[]): T => {
    if (typeof v !== 'string') throw err(path, `expected one of ${allowed.join(', ')}, found ${describe(v)}`);
    if (!(allowed as readonly string[]).includes(v)) {
      throw err(path, `unknown value "${v}"${didYouMean(v, allowed)}; expected one of ${allowed.join(', ')}`);
    }
    return v as T;
  };
  const integer = (v: unknown, path: string, min: number, max: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw err(path, `expected an integer, found ${describe(v)}`);
    if (v < min || v > max) throw err(path, `${v} is out of range ${min}..${max}`);
    return v;
  };
  const string = (v: unknown, path: string): string => {
    if (typeof v !== 'string' || v === '') throw err(path, `expected a non-empty string, found ${describe(v)}`);
    return v;
  };
  const boolean = (v: unknown, path: string): boolean => {
    if (typeof v !== 'boolean') throw err(path, `expected true or false, found ${describe(v)}`);
    return v;
  };

  const root = object(json, '', TOP_KEYS);
  const input: ConfigInput = { features: new Map(), compiler: {}, qstr: {} };
  if (root.$schema !== undefined) string(root.$schema, '$schema');
  if (root.board !== undefined) input.board = oneOf(root.board, 'board', BOARD_NAMES);
  if (root.romLevel !== undefined) input.romLevel = oneOf(root.romLevel, 'romLevel', Object.keys(ROM_LEVELS) as RomLevel[]);

  if (root.features !== undefined) {
    const features = object(root.features, 'features', [...OPTIONS.keys(), 'MICROPY_CONFIG_ROM_LEVEL'], 'option');
    for (const [name, v] of Object.entries(features)) {
      const path = memberPath('features', name);
      if (name === 'MICROPY_CONFIG_ROM_LEVEL') throw err(path, 'set the ROM level with "romLevel"');
      input.features.set(name, optionValue(OPTIONS.get(name)!, v, path, err));
    }
  }

  if (root.compiler !== undefined) {
    const c = object(root.compiler, 'compiler', COMPILER_KEYS);
    if (c.smallIntBits !== undefined) input.compiler.smallIntBits = integer(c.smallIntBits, 'compiler.smallIntBits', 2, 64);
    if (c.optimize !== undefined) input.compiler.optimize = integer(c.optimize, 'compiler.optimize', 0, 3);
    if (c.emit !== undefined) input.compiler.emit = oneOf(c.emit, 'compiler.emit', EMITS);
    if (c.arch !== undefined) input.compiler.arch = oneOf(c.arch, 'compiler.arch', NATIVE_ARCHS);
  }

  if (root.qstr !== undefined) {
    const q = object(root.qstr, 'qstr', QSTR_KEYS);
    if (q.bytesInHash !== undefined) input.qstr.bytesInHash = integer(q.bytesInHash, 'qstr.bytesInHash', 0, 2);
    if (q.bytesInLen !== undefined) input.qstr.bytesInLen = integer(q.bytesInLen, 'qstr.bytesInLen', 1, 2);
  }

  if (root.link !== undefined) {
    const l = object(root.link, 'link', LINK_KEYS);
    const link: NonNullable<ConfigInput['link']> = {};
    if (l.runtime !== undefined) link.runtime = string(l.runtime, 'link.runtime');
    if (l.layout !== undefined) link.layout = string(l.layout, 'link.layout');
    if (l.output !== undefined) link.output = string(l.output, 'link.output');
    if (l.elf !== undefined) link.elf = boolean(l.elf, 'link.elf');
    if (l.map !== undefined) link.map = boolean(l.map, 'link.map');
    if (l.freeze !== undefined) {
      if (!Array.isArray(l.freeze)) throw err('link.freeze', `expected an array of folders, found ${describe(l.freeze)}`);
      link.freeze = l.freeze.map((f, i) => string(f, memberPath('link.freeze', i)));
    }
    input.link = link;
  }
  return input;
}

/** Type-check one option value from JSON and convert it to the evaluator's form. */
export function optionValue(
  spec: OptionSpec,
  v: unknown,
  path: string,
  err: (path: string, msg: string) => Error,
): RawValue {
  if (spec.derived) {
    throw err(path, `cannot be set: it is computed from other options (${spec.defaultText})`);
  }
  if (v === null) {
    const hint = spec.type === 'bool' ? '0/false or 1/true' : spec.type === 'int' ? 'an integer' : 'a string';
    throw err(path, `null is not a value; write ${hint} (or remove the key to get the default)`);
  }
  switch (spec.type) {
    case 'bool':
      if (v === true || v === 1) return 1;
      if (v === false || v === 0) return 0;
      throw err(path, `expected true/false or 1/0, found ${describe(v)}`);
    case 'int': {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw err(path, `expected an integer, found ${describe(v)}`);
      const min = spec.min ?? 0;
      const max = spec.max ?? Number.MAX_SAFE_INTEGER;
      if (v < min || v > max) throw err(path, `${v} is out of range ${min}..${max}`);
      return v;
    }
    case 'choice': {
      if (typeof v !== 'string') throw err(path, `expected one of ${spec.choices.join(', ')}, found ${describe(v)}`);
      // the full constant name, or just its last part ("DOUBLE" for MICROPY_FLOAT_IMPL_DOUBLE)
      const prefix = `${spec.name}_`;
      const full = v.startsWith(prefix) ? v : prefix + v;
      const i = spec.choices.indexOf(full);
      if (i < 0) {
        throw err(path, `unknown value "${v}"${didYouMean(full, spec.choices)}; expected one of ${spec.choices.join(', ')}`);
      }
      return i;
    }
    case 'ctext':
      if (typeof v !== 'string') throw err(path, `expected C text as a string, found ${describe(v)}`);
      if (/[\n\r]/.test(v)) throw err(path, 'C text must be one line');
      return v;
  }
}
