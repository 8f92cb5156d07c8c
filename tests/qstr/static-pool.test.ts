import { describe, expect, it } from 'vitest';
import { QstrPool } from '../../qstr/pool.ts';
import { LAST_STATIC_QSTR, STATIC_QSTRS, staticQstrIndex } from '../../qstr/static.ts';
import { goldenVectors } from './golden.ts';

describe('static qstrs', () => {
  it('number the static qstrs as the reference build does (null is 0, then the fixed list up to "zip")', () => {
    const h1 = goldenVectors().find((v) => v.name === 'mpycross.h1l1')!;
    // qstr n is the n-th QDEF0 line after MP_QSTRnull
    for (let n = 1; n <= LAST_STATIC_QSTR; n++) {
      expect(staticQstrIndex(h1.qdefs[n - 1]!.qstr), h1.qdefs[n - 1]!.ident).toBe(n);
    }
    expect(h1.qdefs[LAST_STATIC_QSTR - 1]!.qstr).toBe('zip');
    expect(staticQstrIndex('')).toBe(1);
    expect(staticQstrIndex('__dir__')).toBe(2);
    expect(staticQstrIndex('\n')).toBe(3);
  });

  it('knows nothing past the static list', () => {
    const h1 = goldenVectors().find((v) => v.name === 'mpycross.h1l1')!;
    for (const q of h1.qdefs.slice(LAST_STATIC_QSTR)) {
      if (!STATIC_QSTRS.includes(q.qstr)) expect(staticQstrIndex(q.qstr), q.ident).toBeUndefined();
    }
    expect(staticQstrIndex('__add__')).toBeUndefined();
    expect(staticQstrIndex('zip2')).toBeUndefined();
  });
});

describe('QstrPool', () => {
  it('starts with every qstr of the reference mpy-cross build', () => {
    const h1 = goldenVectors().find((v) => v.name === 'mpycross.h1l1')!;
    const pool = new QstrPool();
    for (const q of h1.qdefs) expect(pool.has(q.qstr), q.ident).toBe(true);
  });

  it('does not know other strings until they are interned, per pool', () => {
    const pool = new QstrPool();
    expect(pool.has('a_long_user_string')).toBe(false);
    pool.intern('a_long_user_string');
    expect(pool.has('a_long_user_string')).toBe(true);
    expect(new QstrPool().has('a_long_user_string')).toBe(false);
  });
});
