// MICROPY_COMP_* / MICROPY_ENABLE_DOC_STRING switches change the code the
// compiler generates; the reference mpy-cross defaults are tested elsewhere.
import { describe, expect, it } from 'vitest';
import { MPY_CROSS_FEATURES, type CompilerFeatures } from '../../src/options.ts';
import type { MpyRawCode } from '../../src/mpy-reader.ts';
import { build, code, opNames } from './helpers.ts';

/** Opcode names with their argument, e.g. "UNPACK_SEQUENCE 2". */
function opsWithArgs(rc: MpyRawCode): string[] {
  return rc.ops!.map((o) => (o.arg === undefined || /\d$/.test(o.name) ? o.name : `${o.name} ${o.arg}`));
}

function withFeatures(f: Partial<CompilerFeatures>) {
  return { features: { ...MPY_CROSS_FEATURES, ...f } };
}

describe('tuple assignment', () => {
  const src = 'def f(a, b, c):\n    a, b = b, a\n    a, b, c = c, b, a\n';

  it('swaps with ROT_TWO / ROT_THREE when enabled', () => {
    const ops = opsWithArgs(code(build(src), 'f'));
    expect(ops).toContain('ROT_TWO');
    expect(ops).toContain('ROT_THREE');
    expect(ops).not.toContain('UNPACK_SEQUENCE 2');
  });

  it('builds and unpacks a tuple when disabled', () => {
    const off = withFeatures({ MICROPY_COMP_DOUBLE_TUPLE_ASSIGN: false, MICROPY_COMP_TRIPLE_TUPLE_ASSIGN: false });
    const ops = opsWithArgs(code(build(src, off), 'f'));
    expect(ops).toEqual(expect.arrayContaining(['BUILD_TUPLE 2', 'UNPACK_SEQUENCE 2', 'BUILD_TUPLE 3', 'UNPACK_SEQUENCE 3']));
  });

  it('keeps the 2-tuple swap but unpacks triples without TRIPLE_TUPLE_ASSIGN', () => {
    const ops = opsWithArgs(code(build(src, withFeatures({ MICROPY_COMP_TRIPLE_TUPLE_ASSIGN: false })), 'f'));
    expect(ops).toContain('ROT_TWO');
    expect(ops).toContain('UNPACK_SEQUENCE 3');
  });
});

describe('return of a conditional expression', () => {
  const src = 'def f(a):\n    return 1 if a else 2\n';
  const returns = (f: Partial<CompilerFeatures>) =>
    opNames(code(build(src, withFeatures(f)), 'f')).filter((o) => o === 'RETURN_VALUE').length;

  it('returns from both branches with RETURN_IF_EXPR', () => {
    // two returns for the branches plus the implicit "return None" is dead code (not emitted)
    expect(returns({})).toBe(2);
  });

  it('joins the branches before one return without it', () => {
    expect(returns({ MICROPY_COMP_RETURN_IF_EXPR: false })).toBe(1);
  });
});

describe('doc strings', () => {
  const src = '"""module doc"""\nclass A:\n    "class doc"\n';

  it('are dropped by default', () => {
    expect(build(src).qstrs.map((q) => q.value)).not.toContain('__doc__');
  });

  it('are stored in __doc__ with MICROPY_ENABLE_DOC_STRING', () => {
    const m = build(src, withFeatures({ MICROPY_ENABLE_DOC_STRING: true }));
    expect(opNames(m.root).slice(0, 2)).toEqual(['LOAD_CONST_STRING', 'STORE_NAME']);
    expect(opNames(code(m, 'A'))).toContain('STORE_NAME');
    expect(m.qstrs.map((q) => q.value)).toContain('__doc__');
  });
});
