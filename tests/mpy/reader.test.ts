// The .mpy reader on every golden file, on every truncation, and on corrupt
// input: it must decode what the reference wrote and reject anything else
// with an MpyFormatError that names the offset, never a JS crash.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MpyFormatError, readMpy, sourceLineAt, type MpyFile, type MpyRawCode } from '../../src/mpy-reader.ts';
import { goldenFeatureMpyFiles, goldenMpyFiles } from './golden-files.ts';

const all = [...goldenMpyFiles(), ...goldenFeatureMpyFiles()];
const load = (variant: string, name: string): Uint8Array => {
  const g = all.find((x) => x.variant === variant && x.name === name);
  if (!g) throw new Error(`no golden ${variant}/${name}`);
  return new Uint8Array(readFileSync(g.path));
};

function expectFormatError(data: Uint8Array, offset?: number, text?: RegExp): MpyFormatError {
  let caught: unknown;
  try {
    readMpy(data);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(MpyFormatError);
  const err = caught as MpyFormatError;
  expect(err.offset).toBeGreaterThanOrEqual(0);
  if (offset !== undefined) expect(err.offset).toBe(offset);
  if (text) expect(err.message).toMatch(text);
  return err;
}

function walk(rc: MpyRawCode, f: (rc: MpyRawCode) => void): void {
  f(rc);
  rc.children.forEach((c) => walk(c, f));
}

describe('readMpy on the golden vectors', () => {
  it('reads every golden .mpy (compile and feature sets, native variants included)', () => {
    expect(all.length).toBeGreaterThan(1500);
    const failures: string[] = [];
    let natives = 0;
    for (const g of all) {
      try {
        const f = readMpy(new Uint8Array(readFileSync(g.path)), { file: g.name });
        walk(f.root, (rc) => {
          if (rc.kind !== 'bytecode') natives++;
        });
      } catch (e) {
        failures.push(`${g.variant}/${g.name}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(natives).toBeGreaterThan(1000);
  });

  it('rejects truncations with an offset at or before the cut', () => {
    // every cut for files up to 512 bytes; for larger ones the first and last
    // 50 cuts plus 50 spread over the middle (the reader demands bytes in
    // file order, so every prefix fails the same way; a one-off full sweep of
    // all 3.6 million cuts agreed)
    let rejected = 0;
    const accepted: string[] = [];
    for (const g of all) {
      const data = new Uint8Array(readFileSync(g.path));
      const n = data.length;
      const cuts = new Set<number>();
      if (n <= 512) for (let k = 0; k < n; k++) cuts.add(k);
      else {
        for (let k = 0; k < 50; k++) cuts.add(k).add(n - 1 - k);
        for (let k = 0; k < 50; k++) cuts.add(Math.floor((k * n) / 50));
      }
      for (const k of cuts) {
        try {
          readMpy(data.subarray(0, k));
          accepted.push(`${g.variant}/${g.name} cut at ${k}`);
        } catch (e) {
          if (!(e instanceof MpyFormatError) || e.offset < 0 || e.offset > k) throw e;
          rejected++;
        }
      }
    }
    expect(accepted).toEqual([]);
    expect(rejected).toBeGreaterThan(100_000);
  });

  it('decodes the module of a known program', () => {
    const f: MpyFile = readMpy(load('base', '001_int_small.mpy'));
    expect(f.header).toMatchObject({ version: 6, arch: 0, archName: 'none', smallIntBits: 31 });
    expect(f.qstrs[0]!.value).toBe('001_int_small.py');
    expect(f.qstrs[1]!.value).toBe('<module>');
    expect(f.qstrs[1]!.staticIndex).toBeDefined();
    const root = f.root;
    expect(root.kind).toBe('bytecode');
    expect(f.qstrs[root.prelude!.simpleName]!.value).toBe('<module>');
    expect(root.ops!.at(-1)!.name).toBe('RETURN_VALUE');
    // the first statement is on line 2 of the source (line 1 is a comment)
    const firstStore = root.ops!.find((o) => o.name === 'STORE_NAME')!;
    expect(sourceLineAt(root.prelude!, firstStore.offset - root.prelude!.opcodesStart)).toBeGreaterThan(1);
  });

  it('reads native headers and the native prelude', () => {
    const f = readMpy(load('armv6-native', '001_int_small.mpy'));
    expect(f.header).toMatchObject({ arch: 3, archName: 'armv6', subVersion: 3 });
    expect(f.root.kind).toBe('native');
    expect(f.root.prelude!.opcodesStart).toBe(f.root.funData.length);
    const x = readMpy(load('x64-native', '001_int_small.mpy'));
    expect(x.header.archName).toBe('x64');
    expect(x.consts[0]).toEqual({ kind: 'funtable' });
  });

  it('finds native preludes whose stored offset wrapped at 64 KiB', () => {
    const f = readMpy(load('x64-native', 'c022_long_jumps.mpy'));
    const wrapped: MpyRawCode[] = [];
    walk(f.root, (rc) => {
      if (rc.actualPreludeOffset !== undefined) wrapped.push(rc);
    });
    expect(wrapped.length).toBeGreaterThan(0);
    for (const rc of wrapped) expect(rc.actualPreludeOffset! % 0x10000).toBe(rc.preludeOffset);
  });

  it('decodes big small-ints of -msmall-int-bits=63 exactly', () => {
    const f = readMpy(load('sib63', '003_int_boundaries.mpy'));
    expect(f.header.smallIntBits).toBe(63);
    const bigs: bigint[] = [];
    walk(f.root, (rc) => rc.ops?.forEach((o) => o.bigArg !== undefined && bigs.push(o.bigArg)));
    expect(bigs.length).toBeGreaterThan(0);
    for (const b of bigs) expect(b > 2n ** 53n || b < -(2n ** 53n)).toBe(true);
  });
});

describe('readMpy on corrupt input', () => {
  const good = load('base', '001_int_small.mpy');
  const mutate = (f: (d: Uint8Array) => void): Uint8Array => {
    const d = good.slice();
    f(d);
    return d;
  };

  it('rejects a wrong magic, version or architecture at the header byte', () => {
    expectFormatError(mutate((d) => (d[0] = 0x43)), 0, /magic/);
    expectFormatError(mutate((d) => (d[1] = 5)), 1, /version 6/);
    expectFormatError(mutate((d) => (d[2] = (3 << 2) | 1)), 2, /sub-version/);
    expectFormatError(mutate((d) => (d[2] = 30 << 2)), 2, /architecture/);
  });

  it('rejects an empty file and trailing bytes', () => {
    expectFormatError(new Uint8Array(0), 0, /magic/);
    const longer = new Uint8Array(good.length + 3);
    longer.set(good);
    expectFormatError(longer, good.length, /end of the file/);
    expect(readMpy(longer, { allowTrailing: true }).size).toBe(good.length);
  });

  it('rejects a bad qstr index inside the bytecode at the argument', () => {
    const f = readMpy(good);
    const op = f.root.ops!.find((o) => o.name === 'STORE_NAME')!;
    const at = f.root.funDataOffset + op.offset + 1;
    expect(op.size).toBe(2);
    const d = mutate((x) => (x[at] = 0x7f));
    expectFormatError(d, at, /qstr index below/);
  });

  it('rejects an unassigned opcode', () => {
    const f = readMpy(good);
    const at = f.root.funDataOffset + f.root.ops!.at(-1)!.offset;
    expectFormatError(mutate((d) => (d[at] = 0x00)), at, /opcode/);
  });

  it('never throws anything but MpyFormatError for single-byte corruption', () => {
    const small = load('base', '025_lambda.mpy');
    for (let i = 0; i < small.length; i++) {
      for (const v of [0x00, 0x7f, 0x80, 0xff, small[i]! ^ 0x01]) {
        const d = small.slice();
        d[i] = v;
        try {
          readMpy(d);
        } catch (e) {
          if (!(e instanceof MpyFormatError) || e.offset < 0) throw e;
        }
      }
    }
  });
});
