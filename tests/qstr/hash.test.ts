import { describe, expect, it } from 'vitest';
import { qstrHash } from '../../qstr/hash.ts';
import { goldenVectors } from './golden.ts';

// Unbounded-precision djb2 as written in the spec: h = h * 33 ^ b from 5381.
function bigDjb2(s: string): bigint {
  let h = 5381n;
  for (let i = 0; i < s.length; i++) h = (h * 33n) ^ BigInt(s.charCodeAt(i));
  return h;
}

describe('qstr hash', () => {
  it('matches every hash of every golden header (0, 1 and 2 hash bytes)', () => {
    let checked = 0;
    for (const v of goldenVectors()) {
      for (const q of v.qdefs) {
        expect(qstrHash(q.qstr, v.bytesInHash as 0 | 1 | 2), `${v.name}: ${q.ident}`).toBe(q.hash);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1500);
  });

  it('keeps 16 bits when a build stores no hash, 8 bits with one byte', () => {
    const s = 'read_temperature';
    const full = bigDjb2(s);
    expect(qstrHash(s, 0)).toBe(Number(full & 0xffffn) || 1);
    expect(qstrHash(s, 2)).toBe(Number(full & 0xffffn) || 1);
    expect(qstrHash(s, 1)).toBe(Number(full & 0xffn) || 1);
  });

  it('stays exact for long inputs (32-bit wrap-around does not disturb the low bits)', () => {
    const s = 'x'.repeat(1000) + '\xff\x80';
    expect(qstrHash(s, 2)).toBe(Number(bigDjb2(s) & 0xffffn) || 1);
  });

  it('never returns 0: a hash that masks to 0 becomes 1', () => {
    // find short strings whose true hash masks to zero
    let found8: string | undefined;
    let found16: string | undefined;
    for (let i = 0; i < 2_000_000 && (!found8 || !found16); i++) {
      const s = 'k' + i.toString(36);
      const h = bigDjb2(s);
      if (!found8 && (h & 0xffn) === 0n) found8 = s;
      if (!found16 && (h & 0xffffn) === 0n) found16 = s;
    }
    expect(found8).toBeDefined();
    expect(found16).toBeDefined();
    expect(qstrHash(found8!, 1)).toBe(1);
    expect(qstrHash(found16!, 2)).toBe(1);
    expect(qstrHash(found16!, 0)).toBe(1);
  });

  it('hashes raw bytes and byte strings alike', () => {
    expect(qstrHash(new Uint8Array([0xc3, 0xa9]), 2)).toBe(qstrHash('\xc3\xa9', 2));
  });
});
