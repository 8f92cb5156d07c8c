import { describe, expect, it } from 'vitest';
import { identToQstr, qstrIdent } from '../../qstr/escape.ts';
import { goldenVectors } from './golden.ts';

const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

describe('MP_QSTR_ identifiers', () => {
  it('match every identifier of the golden headers', () => {
    for (const v of goldenVectors()) {
      for (const q of v.qdefs) expect(qstrIdent(q.qstr), `${v.name}: ${JSON.stringify(q.qstr)}`).toBe(q.ident);
    }
  });

  it('name punctuation, keep letters, digits and underscores', () => {
    expect(qstrIdent('<module>')).toBe('_lt_module_gt_');
    expect(qstrIdent('utf-8')).toBe('utf_hyphen_8');
    expect(qstrIdent('a.b c')).toBe('a_dot_b_space_c');
    expect(qstrIdent('{:#b}')).toBe('_brace_open__colon__hash_b_brace_close_');
    expect(qstrIdent('~')).toBe('_tilde_');
    expect(qstrIdent('@')).toBe('_at_sign_');
    expect(qstrIdent('Ab_9')).toBe('Ab_9');
    expect(qstrIdent('')).toBe('');
  });

  it('escape non-ASCII by code point: HTML entity name or hex', () => {
    expect(qstrIdent(utf8('café'))).toBe('caf_eacute_');
    expect(qstrIdent(utf8('π'))).toBe('_pi_');
    expect(qstrIdent(utf8('温度'))).toBe('_0x6e29__0x5ea6_');
    expect(qstrIdent('\n')).toBe('_0x0a_');
    expect(qstrIdent(utf8('😀'))).toBe('_0x1f600_');
    expect(qstrIdent(utf8('\u02dc'))).toBe('_tilde_');
  });

  it('escape bytes that are not UTF-8 one by one', () => {
    expect(qstrIdent('a\xff')).toBe('a_0xff_');
    expect(qstrIdent('\xc3')).toBe('_0xc3_');
  });
});

describe('reading MP_QSTR_ names back', () => {
  it('decodes punctuation escapes used in MicroPython C code', () => {
    expect(identToQstr('_lt_module_gt_')).toBe('<module>');
    expect(identToQstr('utf_hyphen_8')).toBe('utf-8');
    expect(identToQstr('_slash_rom_slash_lib')).toBe('/rom/lib');
    expect(identToQstr('_brace_open__colon__hash_b_brace_close_')).toBe('{:#b}');
    expect(identToQstr('VCP_plus_MSC')).toBe('VCP+MSC');
    expect(identToQstr('_0x0a_')).toBe('\n');
    expect(identToQstr('_dot__dot__dot__space_')).toBe('... ');
  });

  it('leaves dunder names and ordinary identifiers alone', () => {
    for (const s of ['__lt__', '__hash__', '__and__', 'set_pi_value', 'is_not_empty', 'get_int', 'a__dot__b', 'x_y_z']) {
      expect(identToQstr(s)).toBe(s);
    }
  });

  it('always gives a text whose identifier is the name read', () => {
    for (const s of ['_lt_lambda_gt_', '_0xe9_', 'a_0x41_', '_0x6e29_', '_hyphen', 'hyphen_', '_hyphen__']) {
      expect(qstrIdent(identToQstr(s)), s).toBe(s);
    }
  });
});
