import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateQstrHeader } from '../../qstr/cli.ts';
import { QstrInputError } from '../../qstr/config.ts';
import { scanCSource, scanPythonSource } from '../../qstr/scan.ts';
import { tempDir } from '../helpers/cli.ts';

const enc = (s: string): Uint8Array => Buffer.from(s, 'utf8');

describe('scanning C sources', () => {
  it('finds MP_QSTR_ names, also in #if-disabled code, but not in comments or strings', () => {
    const src = [
      '#include "py/obj.h"',
      'static mp_obj_t f(void) { return MP_OBJ_NEW_QSTR(MP_QSTR_alpha); }',
      '#if 0',
      '  x = MP_QSTR_disabled_code;',
      '#endif',
      '// MP_QSTR_line_comment',
      '/* MP_QSTR_block_comment',
      '   still comment */ int y = MP_QSTR_after_comment;',
      'const char *s = "MP_QSTR_in_string \\" MP_QSTR_still_string"; char c = \'"\';',
      'int z = xMP_QSTR_not_a_name + MP_QSTR_utf_hyphen_8 + MP_QSTR__lt_module_gt_;',
      '',
    ].join('\n');
    const r = scanCSource(enc(src), 'mod.c');
    expect(r.names.map((n) => [n.qstr, n.place.line])).toEqual([
      ['alpha', 2],
      ['disabled_code', 4],
      ['after_comment', 8],
      ['utf-8', 10],
      ['<module>', 10],
    ]);
  });

  it('takes Q(...) lines as qstrdefs headers write them', () => {
    const r = scanCSource(enc('// comment Q(no)\nQ(<lambda>)\n  Q(a b)\nQ(\\n)\n#define Q(x) x\n'), 'qstrdefs.h');
    expect(r.qLines.map((q) => q.qstr)).toEqual(['<lambda>', 'a b', '\n']);
  });
});

describe('scanning Python sources', () => {
  it('collects names, dotted import names and short str literals', () => {
    const src = [
      'import a.b.c as d',
      'from pkg.sub import thing',
      'def fn(arg):',
      '    s = "short one"',
      "    t = 'this literal is too long to intern'",
      "    u = b'bytes'",
      '    return s',
      '',
    ].join('\n');
    const found = scanPythonSource(enc(src), 'm.py').map((f) => f.qstr);
    for (const q of ['a', 'b', 'c', 'd', 'a.b.c', 'pkg', 'sub', 'pkg.sub', 'thing', 'fn', 'arg', 's', 't', 'u', 'short one']) {
      expect(found, q).toContain(q);
    }
    expect(found).not.toContain('this literal is too long to intern');
    expect(found).not.toContain('bytes');
    expect(found).not.toContain('import');
  });

  it('reports a file it cannot tokenize with its line', () => {
    expect(() => scanPythonSource(enc('x = 1\ny = "unterminated\n'), 'bad.py')).toThrow(QstrInputError);
    try {
      scanPythonSource(enc('x = 1\ny = "unterminated\n'), 'bad.py');
    } catch (err) {
      expect((err as Error).message).toMatch(/^bad\.py:2: /);
    }
  });
});

describe('scan mode header', () => {
  it('merges globbed C and Python files; Q lines decide a name\'s spelling', async () => {
    const dir = tempDir('mpi-qstr-scan-');
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'src', 'a.c'), 'int v = MP_QSTR_sensor + MP_QSTR__lt_stdin_gt_ + MP_QSTR__lt_thing_gt_;\n');
    writeFileSync(join(dir, 'src', 'defs.h'), 'Q(<thing>)\n');
    writeFileSync(join(dir, 'lib', 'main.py'), 'import sensor\nsensor.read_value("ok")\n');
    const h = await generateQstrHeader([], { scan: [join(dir, 'src/**/*.[ch]'), join(dir, 'lib/**/*.py')] });
    const lines = h.split('\n').filter((l) => l.startsWith('QDEF1'));
    expect(lines.map((l) => /MP_QSTR_(\w+)/.exec(l)![1])).toEqual([
      '_lt_stdin_gt_', '_lt_thing_gt_', 'ok', 'read_value', 'sensor',
    ]);
    expect(h).toContain('"<thing>"');
    expect(h).toContain('"<stdin>"');
    // scan alone uses MicroPython's defaults: 2 hash bytes, so some hash is > 255
    expect(lines.some((l) => Number(/, (\d+), /.exec(l)![1]) > 255)).toBe(true);
  });

  it('fails on a glob that matches nothing', async () => {
    await expect(generateQstrHeader([], { scan: [join(tempDir(), 'nothing/*.c')] })).rejects.toThrow(/matches no files/);
  });
});
