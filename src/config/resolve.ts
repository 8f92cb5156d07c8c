// ConfigInput -> ResolvedConfig: evaluate the options, apply the rules a
// runtime build would enforce, and derive the compile and link settings.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompilerFeatures, NativeArch } from '../options.ts';
import { BOARDS, PROFILES, type Profile } from './boards.ts';
import { CATALOGUE, ROM_LEVELS, type RomLevel } from './catalogue.ts';
import { configError, type ConfigSource } from './errors.ts';
import { evaluateOptions, publicValue, type Evaluation, type RawValue } from './evaluate.ts';
import type { LinkSettings, OptionOrigin, ResolvedConfig } from './types.ts';
import type { ConfigInput } from './validate.ts';

/** The CompilerFeatures switches, in the order of src/options.ts. */
export const FEATURE_NAMES: readonly (keyof CompilerFeatures)[] = [
  'MICROPY_COMP_CONST_FOLDING',
  'MICROPY_COMP_CONST',
  'MICROPY_COMP_MODULE_CONST',
  'MICROPY_COMP_CONST_FLOAT',
  'MICROPY_COMP_CONST_TUPLE',
  'MICROPY_COMP_CONST_LITERAL',
  'MICROPY_COMP_DOUBLE_TUPLE_ASSIGN',
  'MICROPY_COMP_TRIPLE_TUPLE_ASSIGN',
  'MICROPY_COMP_RETURN_IF_EXPR',
  'MICROPY_COMP_ALLOW_TOP_LEVEL_AWAIT',
  'MICROPY_PY_ASYNC_AWAIT',
  'MICROPY_PY_ASSIGN_EXPR',
  'MICROPY_PY_FSTRINGS',
  'MICROPY_PY_TSTRINGS',
  'MICROPY_ENABLE_DOC_STRING',
  'MICROPY_PY_BUILTINS_FLOAT',
  'MICROPY_PY_BUILTINS_COMPLEX',
  'MICROPY_PY_BUILTINS_STR_UNICODE',
];

/** mpy-cross's default -msmall-int-bits */
const MPY_CROSS_SMALL_INT_BITS = 31;

export function profileOf(input: Pick<ConfigInput, 'board'>): Profile {
  return PROFILES[input.board ?? 'mpy-cross'];
}

/** Rules the runtime's build enforces (its #errors), plus one of ours (complex needs float). */
const RULES: readonly { when: (e: Evaluation) => boolean; option: string; message: string }[] = [
  {
    when: (e) => e.num('MICROPY_OBJ_REPR') === 2 && !e.num('MICROPY_PY_BUILTINS_FLOAT'),
    option: 'MICROPY_OBJ_REPR',
    message: 'MICROPY_OBJ_REPR_C needs floats (MICROPY_FLOAT_IMPL is NONE)',
  },
  {
    when: (e) => e.num('MICROPY_OBJ_REPR') === 3 && e.num('MICROPY_FLOAT_IMPL') !== 2,
    option: 'MICROPY_OBJ_REPR',
    message: 'MICROPY_OBJ_REPR_D needs MICROPY_FLOAT_IMPL_DOUBLE',
  },
  {
    when: (e) => !!e.num('MICROPY_MEM_STATS') && !e.num('MICROPY_MALLOC_USES_ALLOCATED_SIZE'),
    option: 'MICROPY_MEM_STATS',
    message: 'MICROPY_MEM_STATS needs MICROPY_MALLOC_USES_ALLOCATED_SIZE',
  },
  {
    when: (e) => !!e.num('MICROPY_ENABLE_FINALISER') && !e.num('MICROPY_ENABLE_GC'),
    option: 'MICROPY_ENABLE_FINALISER',
    message: 'MICROPY_ENABLE_FINALISER needs MICROPY_ENABLE_GC',
  },
  ...['MICROPY_PY_SYS_PATH', 'MICROPY_PY_SYS_PS1_PS2', 'MICROPY_PY_SYS_TRACEBACKLIMIT'].map((opt) => ({
    when: (e: Evaluation) => !!e.num('MICROPY_PY_SYS') && !!e.num(opt) && !e.num('MICROPY_PY_SYS_ATTR_DELEGATION'),
    option: opt,
    message: `${opt} needs MICROPY_PY_SYS_ATTR_DELEGATION`,
  })),
  {
    when: (e) => !!e.num('MICROPY_PY_SYS') && !!e.num('MICROPY_PY_SYS_ATTR_DELEGATION') && !e.num('MICROPY_MODULE_ATTR_DELEGATION'),
    option: 'MICROPY_PY_SYS_ATTR_DELEGATION',
    message: 'MICROPY_PY_SYS_ATTR_DELEGATION needs MICROPY_MODULE_ATTR_DELEGATION',
  },
  {
    when: (e) => !!e.num('MICROPY_PY_SYS_SETTRACE') && !e.num('MICROPY_PERSISTENT_CODE_SAVE'),
    option: 'MICROPY_PY_SYS_SETTRACE',
    message: 'MICROPY_PY_SYS_SETTRACE needs MICROPY_PERSISTENT_CODE_SAVE',
  },
  {
    when: (e) => !!e.num('MICROPY_PY_BUILTINS_COMPLEX') && !e.num('MICROPY_PY_BUILTINS_FLOAT'),
    option: 'MICROPY_PY_BUILTINS_COMPLEX',
    message: 'complex numbers need floats (MICROPY_FLOAT_IMPL is NONE)',
  },
];

export function resolveInput(input: ConfigInput, absFile: string, src: ConfigSource): ResolvedConfig {
  const err = (path: string, msg: string) => configError(src, path, msg);
  const profile = profileOf(input);
  const romLevel: RomLevel = input.romLevel ?? profile.defaultLevel;

  // "qstr" is a friendlier spelling of two options; both spellings must agree
  const set = new Map<string, RawValue>(input.features);
  const qstrAlias = [
    ['bytesInHash', 'MICROPY_QSTR_BYTES_IN_HASH'],
    ['bytesInLen', 'MICROPY_QSTR_BYTES_IN_LEN'],
  ] as const;
  for (const [key, option] of qstrAlias) {
    const v = input.qstr[key];
    if (v === undefined) continue;
    const other = set.get(option);
    if (other !== undefined && other !== v) throw err(`qstr.${key}`, `${v} conflicts with features.${option} = ${other}`);
    set.set(option, v);
  }

  const ev = evaluateOptions(profile, ROM_LEVELS[romLevel], set);
  for (const rule of RULES) {
    if (rule.when(ev)) {
      const path = input.features.has(rule.option) ? `features.${rule.option}` : 'features';
      throw err(path, `${rule.message} (ROM level ${romLevel}${input.board ? `, board ${input.board}` : ', mpy-cross profile'})`);
    }
  }

  const options: Record<string, number | boolean | string> = { MICROPY_CONFIG_ROM_LEVEL: `MICROPY_CONFIG_ROM_LEVEL_${romLevel}` };
  const origins: Record<string, OptionOrigin> = {
    MICROPY_CONFIG_ROM_LEVEL:
      input.romLevel !== undefined
        ? { kind: 'set', detail: 'romLevel' }
        : { kind: 'profile', detail: `${profile.name}: its default level` },
  };
  for (const spec of CATALOGUE) {
    options[spec.name] = publicValue(spec, ev.values.get(spec.name)!);
    origins[spec.name] = ev.origins.get(spec.name)!;
  }

  const features = Object.fromEntries(FEATURE_NAMES.map((n) => [n, ev.num(n) !== 0])) as unknown as CompilerFeatures;
  const runtimeSmallIntBits = ev.num('MP_SMALL_INT_BITS');
  const loadsNative = ev.num('MICROPY_PERSISTENT_CODE_LOAD_NATIVE') !== 0;

  // compile settings for frozen code
  const c = input.compiler;
  let arch: NativeArch | undefined = c.arch;
  if (input.board !== undefined) {
    const board = BOARDS[input.board];
    if (arch === undefined && loadsNative) arch = board.nativeArch;
    if (arch !== undefined && !board.possibleArchs.includes(arch)) {
      throw err('compiler.arch', `${arch} code cannot run on ${board.board} (${board.core}); use ${board.possibleArchs.join(' or ')}`);
    }
    if (c.arch !== undefined && !loadsNative) {
      throw err(
        'compiler.arch',
        'the runtime cannot load native code (MICROPY_PERSISTENT_CODE_LOAD_NATIVE is 0): enable MICROPY_EMIT_ARM (or MICROPY_EMIT_THUMB) in "features", or drop compiler.arch',
      );
    }
  }
  const emit = c.emit ?? 'bytecode';
  if (emit !== 'bytecode' && arch === undefined) throw err('compiler.emit', `${emit} code needs an architecture (compiler.arch)`);
  const smallIntBits = c.smallIntBits ?? (input.board !== undefined ? runtimeSmallIntBits : MPY_CROSS_SMALL_INT_BITS);
  if (input.board !== undefined && smallIntBits > runtimeSmallIntBits) {
    throw err(
      'compiler.smallIntBits',
      `${smallIntBits} is more than the runtime's small ints hold (${runtimeSmallIntBits} bits with ${String(options.MICROPY_OBJ_REPR)}); the runtime would refuse the .mpy files`,
    );
  }

  const resolved: ResolvedConfig = {
    file: absFile,
    romLevel,
    options,
    origins,
    compile: { optimize: c.optimize ?? 0, smallIntBits, emit, arch, features },
    qstr: { bytesInHash: ev.num('MICROPY_QSTR_BYTES_IN_HASH'), bytesInLen: ev.num('MICROPY_QSTR_BYTES_IN_LEN') },
    runtimeSmallIntBits,
  };
  if (input.board !== undefined) resolved.board = input.board;
  if (input.link !== undefined) resolved.link = resolveLink(input, absFile, err);
  return resolved;
}

function resolveLink(input: ConfigInput, absFile: string, err: (path: string, msg: string) => Error): LinkSettings {
  const l = input.link!;
  if (input.board === undefined) throw err('link', 'linking needs a "board" (RPI1 or RPI2)');
  if (l.runtime === undefined) throw err('link', 'missing "runtime" (the runtime ELF to link)');
  const base = dirname(absFile);
  return {
    runtime: resolve(base, l.runtime),
    layout: l.layout !== undefined ? resolve(base, l.layout) : join(packageRoot(), BOARDS[input.board].layout),
    freeze: (l.freeze ?? []).map((f) => resolve(base, f)),
    output: resolve(base, l.output ?? 'firmware.img'),
    elf: l.elf ?? false,
    map: l.map ?? false,
  };
}

let cachedRoot: string | undefined;
/** The folder holding this package's package.json (works from src/ and from the bundle). */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'mpy-cross-ts') return (cachedRoot = dir);
      } catch {
        // not ours; keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) return (cachedRoot = process.cwd());
    dir = up;
  }
}

// Unmodelled switches that change what upstream's compiler emits (line info,
// folded module constants, interned strings, error texts, ...).
const OUTPUT_AFFECTING_UNMODELLED = [
  'MICROPY_ENABLE_SOURCE_LINE',
  'MICROPY_PY_BUILTINS_SET',
  'MICROPY_PY_BUILTINS_SLICE',
  'MICROPY_CPYTHON_COMPAT',
  'MICROPY_ERROR_REPORTING',
  'MICROPY_PY_MATH',
  'MICROPY_PY_UCTYPES',
  'MICROPY_PY_ERRNO',
  'MICROPY_PY_COLLECTIONS_ORDEREDDICT',
  'MICROPY_ALLOC_PARSE_INTERN_STRING_LEN',
  'MICROPY_PY_SYS_SETTRACE',
  'MICROPY_LONGINT_IMPL',
] as const;

let referenceOptions: Readonly<Record<string, unknown>> | undefined;

/**
 * Options where this runtime's own compiler would behave unlike the reference
 * mpy-cross in ways CompilerFeatures does not model. Frozen code is compiled
 * as the reference compiles it (the link contract), so these are notes, not errors.
 */
export function compilerDifferences(config: ResolvedConfig): { name: string; value: unknown; reference: unknown }[] {
  if (referenceOptions === undefined) {
    const src: ConfigSource = { display: '(reference)', lineOf: () => undefined };
    referenceOptions = resolveInput({ features: new Map(), compiler: {}, qstr: {} }, '/(reference)', src).options;
  }
  const ref = referenceOptions;
  return OUTPUT_AFFECTING_UNMODELLED.filter((n) => config.options[n] !== ref[n]).map((n) => ({
    name: n,
    value: config.options[n],
    reference: ref[n],
  }));
}
