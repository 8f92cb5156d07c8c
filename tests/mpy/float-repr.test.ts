// Float and complex repr against texts the reference mpy-cross wrote: the
// golden .mpy constant tables, and a table of literals compiled by the
// reference (fixtures/float-repr-reference.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { complexRepr, floatRepr, parseDecimalFloat } from '../../src/float-repr.ts';
import { readMpy, type MpyConst } from '../../src/mpy-reader.ts';
import { goldenMpyFiles } from './golden-files.ts';

function literalValue(lit: string): number {
  const neg = lit.startsWith('-');
  const r = parseDecimalFloat(neg ? lit.slice(1) : lit);
  if (r === undefined) throw new Error(`unparsable literal ${lit}`);
  return neg ? -r.value : r.value;
}

describe('floatRepr against the reference compiler', () => {
  const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/float-repr-reference.json'), 'utf8')) as {
    pairs: [string, string][];
  };

  it('parses each literal and prints exactly what the reference stored', () => {
    const mismatches = fixture.pairs
      .map(([lit, ref]) => ({ lit, ref, got: floatRepr(literalValue(lit)) }))
      .filter((m) => m.got !== m.ref);
    expect(mismatches).toEqual([]);
    expect(fixture.pairs.length).toBeGreaterThan(1500);
  });

  it('reproduces the reference quirks', () => {
    const ref = new Map(fixture.pairs);
    // not-correctly-rounded parse, 19-digit fallback forms, underflow, overflow
    expect(ref.get('0.07')).toBe('0.07000000000000001');
    expect(floatRepr(literalValue('0.07'))).toBe('0.07000000000000001');
    expect(ref.get('1e-323')).toBe('0.988131291682493e-323');
    expect(floatRepr(literalValue('1e-323'))).toBe('0.988131291682493e-323');
    expect(floatRepr(literalValue('2.4703282292062327e-324'))).toBe('0.0');
    expect(floatRepr(literalValue('1.7976931348623159e308'))).toBe('inf');
  });

  it('prints notation switches, signs and specials like MicroPython', () => {
    expect(floatRepr(1e16)).toBe('1e+16');
    expect(floatRepr(1e15)).toBe('1000000000000000.0');
    expect(floatRepr(0.0001)).toBe('0.0001');
    expect(floatRepr(0.00001)).toBe('1e-05');
    expect(floatRepr(1e100)).toBe('1e+100');
    expect(floatRepr(-0)).toBe('-0.0');
    expect(floatRepr(0)).toBe('0.0');
    expect(floatRepr(Infinity)).toBe('inf');
    expect(floatRepr(-Infinity)).toBe('-inf');
    expect(floatRepr(NaN)).toBe('nan');
    expect(floatRepr(-1.5)).toBe('-1.5');
  });
});

describe('float and complex constants of the golden files', () => {
  it('re-renders every float/complex constant text from its parsed value', () => {
    let count = 0;
    const bad: string[] = [];
    const visit = (c: MpyConst, where: string): void => {
      if (c.kind === 'tuple') c.items.forEach((i) => visit(i, where));
      else if (c.kind === 'float') {
        count++;
        if (floatRepr(c.value) !== c.text) bad.push(`${where}: ${c.text} -> ${floatRepr(c.value)}`);
      } else if (c.kind === 'complex') {
        count++;
        if (complexRepr(c.real, c.imag) !== c.text) bad.push(`${where}: ${c.text} -> ${complexRepr(c.real, c.imag)}`);
      }
    };
    for (const g of goldenMpyFiles()) {
      const f = readMpy(readFileSync(g.path), { file: g.name });
      f.consts.forEach((c) => visit(c, `${g.variant}/${g.name}`));
    }
    expect(bad).toEqual([]);
    expect(count).toBeGreaterThan(100);
  });

  it('golden 005_float_literals holds the texts the reference printed', () => {
    const g = goldenMpyFiles().find((x) => x.variant === 'base' && x.name === '005_float_literals.mpy')!;
    const texts = readMpy(readFileSync(g.path)).consts.flatMap((c) => (c.kind === 'float' ? [c.text] : []));
    // the literals of the case, in source order, as the reference stored them
    const fromSource = ['0.0', '1.0', '.5', '5.', '3.14159', '1e10', '1e-10', '1.5e+3', '2.5E-3', '1_000.000_1', '123456789.123456789', '1e308', '5e-324', '2.2250738585072014e-308'];
    for (const lit of fromSource) expect(texts).toContain(floatRepr(literalValue(lit)));
  });
});

describe('complexRepr', () => {
  it('uses the bare imaginary form when the real part is zero', () => {
    expect(complexRepr(0, 1)).toBe('1j');
    expect(complexRepr(0, 0)).toBe('0j');
    expect(complexRepr(0, -0)).toBe('-0j');
    expect(complexRepr(-0, 2.5)).toBe('2.5j');
    expect(complexRepr(0, Infinity)).toBe('infj');
    expect(complexRepr(0, 1e16)).toBe('1e+16j');
  });
  it('parenthesises with an explicit sign otherwise', () => {
    expect(complexRepr(1, 2)).toBe('(1+2j)');
    expect(complexRepr(-1, -2)).toBe('(-1-2j)');
    expect(complexRepr(1.5, 0)).toBe('(1.5+0j)');
    expect(complexRepr(Infinity, 0)).toBe('(inf+0j)');
    expect(complexRepr(NaN, NaN)).toBe('(nan+nanj)');
    expect(complexRepr(1e20, -1e-20)).toBe('(1e+20-1e-20j)');
  });
});
