import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { QstrInputError, resolveQstrConfig } from '../../qstr/config.ts';
import { QstrDefinitions, readQstrDefinitions, renderQstrHeader } from '../../qstr/makeqstrdata.ts';
import { STATIC_QSTRS } from '../../qstr/static.ts';
import { goldenVectors } from './golden.ts';

function header(input: string | Buffer, file = 'qstr.i'): string {
  const defs = new QstrDefinitions();
  readQstrDefinitions(typeof input === 'string' ? Buffer.from(input, 'utf8') : input, file, defs);
  return renderQstrHeader(defs, resolveQstrConfig(defs.settings));
}

function qdefLines(h: string): string[] {
  return h.split('\n').filter((l) => l.startsWith('QDEF'));
}

/** The QDEF lines after the null qstr and the static block. */
function dynamicLines(h: string): string[] {
  return qdefLines(h).slice(1 + STATIC_QSTRS.length);
}

const CFG = 'QCFG(BYTES_IN_LEN, (1))\nQCFG(BYTES_IN_HASH, (2))\n';

describe('generated qstr header', () => {
  for (const v of goldenVectors()) {
    it(`is byte-identical to the reference for ${v.name}`, () => {
      const out = header(readFileSync(v.inPath), v.inPath);
      expect(Buffer.from(out, 'latin1').equals(v.expected)).toBe(true);
      expect(out).toBe(v.expected.toString('latin1'));
    });
  }

  it('starts with the null qstr and the static qstrs in ABI order', () => {
    const lines = qdefLines(header(CFG + 'Q(zzz)\n'));
    expect(lines[0]).toBe('QDEF0(MP_QSTRnull, 0, 0, "")');
    expect(lines[1]).toMatch(/^QDEF0\(MP_QSTR_, \d+, 0, ""\)$/);
    expect(lines[2]).toMatch(/^QDEF0\(MP_QSTR___dir__, /);
    expect(lines[STATIC_QSTRS.length]).toMatch(/^QDEF0\(MP_QSTR_zip, /);
    expect(lines.slice(1, 1 + STATIC_QSTRS.length).every((l) => l.startsWith('QDEF0('))).toBe(true);
  });

  it('sorts the other qstrs by their bytes and lists each once', () => {
    const lines = dynamicLines(header(CFG + 'Q(b)\nQ(a)\nQ(é)\nQ(Z)\nQ(_x)\nQ(b)\nQ(zip)\nQ(__init__)\nQ(a)\n'));
    expect(lines.map((l) => /MP_QSTR_(\w*)/.exec(l)![1])).toEqual(['Z', '_x', 'a', 'b', '_eacute_']);
  });

  it('treats two spellings with the same MP_QSTR_ name as one, the first read winning', () => {
    const first = dynamicLines(header(CFG + 'Q(a-b)\nQ(a_hyphen_b)\n'));
    expect(first).toEqual([expect.stringMatching(/^QDEF1\(MP_QSTR_a_hyphen_b, \d+, 3, "a-b"\)$/)]);
    const second = dynamicLines(header(CFG + 'Q(a_hyphen_b)\nQ(a-b)\n'));
    expect(second).toEqual([expect.stringMatching(/^QDEF1\(MP_QSTR_a_hyphen_b, \d+, 10, "a_hyphen_b"\)$/)]);
  });

  it('puts operator and scope names in the unsorted pool (QDEF0)', () => {
    const lines = dynamicLines(header(CFG + 'Q(__add__)\nQ(<lambda>)\nQ(abc)\n'));
    expect(lines).toEqual([
      expect.stringMatching(/^QDEF0\(MP_QSTR__lt_lambda_gt_, \d+, 8, "<lambda>"\)$/),
      expect.stringMatching(/^QDEF0\(MP_QSTR___add__, /),
      expect.stringMatching(/^QDEF1\(MP_QSTR_abc, /),
    ]);
  });

  it('spells non-printable, quote and backslash qstrs as \\x bytes', () => {
    const lines = dynamicLines(header(CFG + 'Q(\\r\\n)\nQ(")\nQ(\\)\nQ(温)\nQ(a b)\n'));
    expect(lines.some((l) => /MP_QSTR__0x0d__0x0a_, \d+, 2, "\\x0d\\x0a"/.test(l))).toBe(true);
    expect(lines.some((l) => /MP_QSTR__quot_, \d+, 1, "\\x22"/.test(l))).toBe(true);
    expect(lines.some((l) => /MP_QSTR__backslash_, \d+, 1, "\\x5c"/.test(l))).toBe(true);
    expect(lines.some((l) => /MP_QSTR__0x6e29_, \d+, 3, "\\xe6\\xb8\\xa9"/.test(l))).toBe(true);
    expect(lines.some((l) => /MP_QSTR_a_space_b, \d+, 3, "a b"/.test(l))).toBe(true);
  });

  it('reads CRLF and CR line ends, surrounding whitespace and parenthesis-free QCFG values', () => {
    const lf = header(CFG + 'Q(alpha)\nQ(beta)\n');
    expect(header('QCFG(BYTES_IN_LEN, 1)\r\nQCFG(BYTES_IN_HASH, (2))\r\n  Q(alpha)  \r\nQ(beta)\r\n')).toBe(lf);
    expect(header('QCFG(BYTES_IN_LEN, (1))\rQCFG(BYTES_IN_HASH, 2)\r\tQ(alpha)\rQ(beta)')).toBe(lf);
  });

  it('skips C declarations a preprocessor leaves and takes the last QCFG of a name', () => {
    const out = header('typedef int x;\nQCFG(BYTES_IN_HASH, (1))\n# 1 "file.c"\n' + CFG + 'extern int Q;\nQ(gamma)\n');
    expect(out).toBe(header(CFG + 'Q(gamma)\n'));
  });

  it('stays fast on large inputs', () => {
    const lines: string[] = [CFG];
    for (let i = 0; i < 100_000; i++) lines.push(`Q(name_${(i * 7919) % 100_000})`, 'int x;');
    const t0 = performance.now();
    const out = header(lines.join('\n'));
    const ms = performance.now() - t0;
    expect(dynamicLines(out)).toHaveLength(100_000);
    expect(ms).toBeLessThan(10_000);
  });
});

describe('errors in qstr definitions', () => {
  function errorOf(input: string | Buffer, file = 'defs.i'): string {
    try {
      header(input, file);
    } catch (err) {
      expect(err).toBeInstanceOf(QstrInputError);
      return (err as Error).message;
    }
    throw new Error('no error');
  }

  it('rejects a qstr longer than the length bytes allow, naming its line', () => {
    expect(errorOf(CFG + 'Q(ok)\nQ(' + 'x'.repeat(256) + ')\n')).toMatch(/^defs\.i:4: qstr is too long: 256 bytes/);
    // 255 bytes fit in one length byte; 256 fit in two
    expect(() => header(CFG + 'Q(' + 'x'.repeat(255) + ')\n')).not.toThrow();
    expect(() => header('QCFG(BYTES_IN_LEN, (2))\nQCFG(BYTES_IN_HASH, (2))\nQ(' + 'x'.repeat(256) + ')\n')).not.toThrow();
    // length counts UTF-8 bytes
    expect(errorOf(CFG + 'Q(' + 'é'.repeat(128) + ')\n')).toMatch(/^defs\.i:3: qstr is too long: 256 bytes/);
  });

  it('rejects malformed Q and QCFG lines', () => {
    expect(errorOf(CFG + 'Q(abc\n')).toMatch(/^defs\.i:3: malformed Q line/);
    expect(errorOf(CFG + 'Q(abc) x\n')).toMatch(/^defs\.i:3: malformed Q line/);
    expect(errorOf('QCFG(BYTES_IN_LEN)\n' + CFG)).toMatch(/^defs\.i:1: malformed QCFG line/);
  });

  it('rejects QCFG values other than 0/1/2 (hash) and 1/2 (length)', () => {
    expect(errorOf('QCFG(BYTES_IN_LEN, (1))\nQCFG(BYTES_IN_HASH, (3))\n')).toMatch(/^defs\.i:2: QCFG BYTES_IN_HASH must be 0, 1 or 2/);
    expect(errorOf('QCFG(BYTES_IN_LEN, (0))\nQCFG(BYTES_IN_HASH, (1))\n')).toMatch(/^defs\.i:1: QCFG BYTES_IN_LEN must be 1 or 2/);
    expect(errorOf('QCFG(BYTES_IN_LEN, (x))\nQCFG(BYTES_IN_HASH, (1))\n')).toMatch(/^defs\.i:1: /);
  });

  it('rejects input without QCFG lines or with one missing', () => {
    expect(errorOf('Q(abc)\n')).toMatch(/no QCFG lines/);
    expect(errorOf('QCFG(BYTES_IN_LEN, (1))\nQ(abc)\n')).toMatch(/BYTES_IN_HASH/);
  });

  it('rejects text that is not UTF-8, naming its line', () => {
    expect(errorOf(Buffer.concat([Buffer.from(CFG + 'Q(a)\nQ('), Buffer.from([0xff]), Buffer.from(')\n')]))).toBe(
      'defs.i:4: not valid UTF-8',
    );
  });
});
