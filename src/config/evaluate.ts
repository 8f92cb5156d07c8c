// Computes every option's effective value from a profile, a ROM level and
// the values a config sets, the way mpconfig.h does after mpconfigport.h:
// an option set explicitly keeps its value, any other takes its default,
// evaluated on demand (so in dependency order) and memoised.
import { CATALOGUE, ENUM_CONSTANTS, LEVEL_NAMES, OPTIONS, TARGET_FACTS, defaultExpr, type OptionSpec } from './catalogue.ts';
import { parseExpr, type ExprEnv, type ParsedExpr } from './expr.ts';
import type { Profile } from './boards.ts';
import type { OptionOrigin } from './types.ts';

/** A value as the evaluator holds it: numbers for bool/int/choice (choice = index), text for ctext. */
export type RawValue = number | string;

export interface Evaluation {
  /** effective value of every catalogue option */
  readonly values: ReadonlyMap<string, RawValue>;
  readonly origins: ReadonlyMap<string, OptionOrigin>;
  /** numeric value of an option (0 for ctext) */
  num(name: string): number;
}

/** Thrown when the catalogue itself is inconsistent (a bug, not a user error). */
export class CatalogueError extends Error {}

const presetCache = new Map<string, ParsedExpr>();
function presetExpr(text: string): ParsedExpr {
  let p = presetCache.get(text);
  if (p === undefined) {
    p = parseExpr(text);
    presetCache.set(text, p);
  }
  return p;
}

/**
 * Evaluate every option.
 * @param set values the config sets (already type-checked), by option name
 */
export function evaluateOptions(profile: Profile, level: number, set: ReadonlyMap<string, RawValue>): Evaluation {
  const values = new Map<string, RawValue>();
  const origins = new Map<string, OptionOrigin>();
  const inProgress = new Set<string>();
  const facts = profile.facts as Readonly<Record<string, number>>;

  const env: ExprEnv = {
    lookup(name) {
      if (OPTIONS.has(name)) {
        const v = valueOf(name);
        if (typeof v === 'string') throw new CatalogueError(`${name} is C text and cannot be used in an expression`);
        return v;
      }
      if (name === 'level') return level;
      const lv = LEVEL_NAMES[name];
      if (lv !== undefined) return lv;
      const en = ENUM_CONSTANTS.get(name);
      if (en !== undefined) return en[1];
      if (name in facts) return facts[name]!;
      throw new CatalogueError(`unknown name ${name} in an option expression`);
    },
    isDefined(name) {
      return set.has(name) || name in profile.preset;
    },
  };

  function valueOf(name: string): RawValue {
    const known = values.get(name);
    if (known !== undefined) return known;
    const spec = OPTIONS.get(name)!;
    if (inProgress.has(name)) throw new CatalogueError(`options depend on each other in a cycle through ${name}`);
    inProgress.add(name);
    let value: RawValue;
    let origin: OptionOrigin;
    const mine = set.get(name);
    const preset = profile.preset[name];
    if (mine !== undefined) {
      value = mine;
      origin = { kind: 'set', detail: 'mpconfig.json' };
    } else if (preset !== undefined) {
      value = spec.type === 'ctext' ? preset.value : normalise(spec, presetExpr(preset.value).eval(env));
      origin = { kind: 'profile', detail: `${profile.name}: ${preset.why}` };
    } else if (spec.type === 'ctext') {
      value = spec.defaultText;
      origin = { kind: 'default', detail: spec.defaultText === '' ? '(empty)' : spec.defaultText };
    } else {
      const expr = defaultExpr(spec);
      value = normalise(spec, expr.eval(env));
      origin = originOfDefault(spec, expr);
    }
    inProgress.delete(name);
    values.set(name, value);
    origins.set(name, origin);
    return value;
  }

  for (const spec of CATALOGUE) valueOf(spec.name);
  return {
    values,
    origins,
    num: (name) => {
      const v = values.get(name);
      return typeof v === 'number' ? v : 0;
    },
  };
}

function normalise(spec: OptionSpec, v: number): number {
  if (spec.type === 'bool') return v !== 0 ? 1 : 0;
  if (spec.type === 'choice' && !(Number.isInteger(v) && v >= 0 && v < spec.choices.length)) {
    throw new CatalogueError(`${spec.name}: default ${v} is not one of its choices`);
  }
  return v;
}

function originOfDefault(spec: OptionSpec, expr: ParsedExpr): OptionOrigin {
  const text = spec.defaultText;
  if (expr.names.includes('level')) return { kind: 'level', detail: text };
  const deps = expr.names.filter((n) => OPTIONS.has(n) || (TARGET_FACTS as readonly string[]).includes(n));
  if (deps.length > 0) return { kind: 'derived', detail: text };
  return { kind: 'default', detail: text };
}

/** The JSON-facing form of a raw value: booleans, numbers, choice names, C text. */
export function publicValue(spec: OptionSpec, v: RawValue): boolean | number | string {
  if (typeof v === 'string') return v;
  if (spec.type === 'bool') return v !== 0;
  if (spec.type === 'choice') return spec.choices[v]!;
  return v;
}
