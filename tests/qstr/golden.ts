// Reads the qstr golden vectors (../shared/golden/qstr): *.in.h inputs and
// the headers the reference generator printed for them.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from '../helpers/cli.ts';

export const QSTR_GOLDEN = resolve(ROOT, '../shared/golden/qstr');

export interface GoldenQdef {
  pool: 0 | 1;
  ident: string;
  hash: number;
  length: number;
  /** The qstr as a byte string (the header's \xNN escapes decoded). */
  qstr: string;
}

export interface GoldenVector {
  name: string;
  inPath: string;
  expected: Buffer;
  bytesInLen: number;
  bytesInHash: number;
  qdefs: GoldenQdef[];
}

export function goldenVectors(): GoldenVector[] {
  return readdirSync(QSTR_GOLDEN)
    .filter((f) => f.endsWith('.in.h'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.in.h'.length);
      const inPath = join(QSTR_GOLDEN, f);
      const input = readFileSync(inPath, 'latin1');
      const expected = readFileSync(join(QSTR_GOLDEN, `${name}.out.h`));
      const cfg = (key: string): number => Number(new RegExp(`^QCFG\\(${key}, \\((\\d)\\)\\)`, 'm').exec(input)![1]);
      const qdefs: GoldenQdef[] = [];
      for (const line of expected.toString('latin1').split('\n')) {
        const m = /^QDEF([01])\(MP_QSTR(\w*), (\d+), (\d+), "(.*)"\)$/.exec(line);
        if (!m || m[2] === 'null') continue;
        qdefs.push({
          pool: Number(m[1]) as 0 | 1,
          ident: m[2]!.slice(1),
          hash: Number(m[3]),
          length: Number(m[4]),
          qstr: m[5]!.replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
        });
      }
      return { name, inPath, expected, bytesInLen: cfg('BYTES_IN_LEN'), bytesInHash: cfg('BYTES_IN_HASH'), qdefs };
    });
}
