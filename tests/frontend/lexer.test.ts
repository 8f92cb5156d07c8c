import { describe, expect, it } from 'vitest';
import { Lexer } from '../../src/lexer.ts';
import { CompileError } from '../../src/errors.ts';
import { MPY_CROSS_FEATURES, type CompilerFeatures } from '../../src/options.ts';
import { Tok } from '../../src/tokens.ts';

function bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Token stream as `Kind` or `Kind:text` strings, up to and including End. */
function tokens(src: string | Uint8Array, opts: { optimize?: number; features?: Partial<CompilerFeatures> } = {}): string[] {
  const lex = new Lexer(typeof src === 'string' ? bytes(src) : src, {
    features: { ...MPY_CROSS_FEATURES, ...opts.features },
    optimize: opts.optimize ?? 0,
  });
  const out: string[] = [];
  for (let guard = 0; guard < 10000; guard++) {
    const kind = Tok[lex.tokKind]!;
    const withText = [Tok.Name, Tok.Integer, Tok.FloatOrImag, Tok.String, Tok.Bytes].includes(lex.tokKind);
    out.push(withText ? `${kind}:${lex.tokText}` : kind);
    if (lex.tokKind === Tok.End) break;
    lex.next();
  }
  return out;
}

describe('lexer: layout', () => {
  it('emits INDENT/DEDENT around a block and a final NEWLINE without trailing newline', () => {
    expect(tokens('if x:\n    y\nz')).toEqual([
      'KwIf', 'Name:x', 'DelColon', 'Newline', 'Indent', 'Name:y', 'Newline', 'Dedent', 'Name:z', 'Newline', 'End',
    ]);
  });

  it('counts a tab as advancing to the next multiple of 8 columns', () => {
    // a tab and 8 spaces are the same indent level: no DEDENT_MISMATCH, no extra INDENT
    expect(tokens('if x:\n\ta\n        b\n')).toEqual([
      'KwIf', 'Name:x', 'DelColon', 'Newline', 'Indent', 'Name:a', 'Newline', 'Name:b', 'Newline', 'Dedent', 'End',
    ]);
  });

  it('reports an unindent to an unknown level', () => {
    expect(tokens('if x:\n    a\n  b\n')).toContain('DedentMismatch');
  });

  it('treats CR and CRLF as newlines', () => {
    expect(tokens('a\r\nb\rc')).toEqual(['Name:a', 'Newline', 'Name:b', 'Newline', 'Name:c', 'Newline', 'End']);
  });

  it('joins lines inside brackets and after a backslash', () => {
    expect(tokens('f(a,\n  b) + \\\n c\n')).toEqual([
      'Name:f', 'DelParenOpen', 'Name:a', 'DelComma', 'Name:b', 'DelParenClose', 'OpPlus', 'Name:c', 'Newline', 'End',
    ]);
  });

  it('turns an indented first token into INDENT', () => {
    expect(tokens('  x = 1\n')[0]).toBe('Indent');
  });
});

describe('lexer: names, keywords, operators', () => {
  it('maps __debug__ to True at -O0 and False otherwise', () => {
    expect(tokens('__debug__')[0]).toBe('KwTrue');
    expect(tokens('__debug__', { optimize: 1 })[0]).toBe('KwFalse');
  });

  it('treats async/await as names when async support is off', () => {
    expect(tokens('async await')[0]).toBe('KwAsync');
    expect(tokens('async await', { features: { MICROPY_PY_ASYNC_AWAIT: false } }).slice(0, 2)).toEqual(['Name:async', 'Name:await']);
  });

  it('keeps UTF-8 identifiers as raw bytes', () => {
    expect(tokens('café')[0]).toBe('Name:caf\xc3\xa9');
  });

  it('matches the longest operator', () => {
    expect(tokens('a **= b // c ->d := e != f ... .g <<= 1')).toEqual([
      'Name:a', 'DelDblStarEqual', 'Name:b', 'OpDblSlash', 'Name:c', 'DelMinusMore', 'Name:d', 'OpAssign', 'Name:e',
      'OpNotEqual', 'Name:f', 'Ellipsis', 'DelPeriod', 'Name:g', 'DelDblLessEqual', 'Integer:1', 'Newline', 'End',
    ]);
  });

  it('makes a lone "!" or "$" an invalid token', () => {
    expect(tokens('!')[0]).toBe('Invalid');
    expect(tokens('$')[0]).toBe('Invalid');
  });
});

describe('lexer: numbers', () => {
  it('classifies integers, floats and imaginary numbers and drops underscores', () => {
    expect(tokens('1_000 0x1F 0b101 1e5 1.5 .5 1j 0xe 1E-3')).toEqual([
      'Integer:1000', 'Integer:0x1F', 'Integer:0b101', 'FloatOrImag:1e5', 'FloatOrImag:1.5', 'FloatOrImag:.5',
      'FloatOrImag:1j', 'Integer:0xe', 'FloatOrImag:1e-3', 'Newline', 'End',
    ]);
  });
});

describe('lexer: strings', () => {
  it('concatenates adjacent literals, but not str with bytes', () => {
    expect(tokens(`'a' "b" '''c'''`)[0]).toBe('String:abc');
    expect(tokens(`'a' b'c'`).slice(0, 2)).toEqual(['String:a', 'Bytes:c']);
  });

  it('processes escapes into UTF-8 for str and bytes for bytes', () => {
    expect(tokens(`'\\x41\\101\\u00e9\\n'`)[0]).toBe('String:AA\xc3\xa9\n');
    expect(tokens(`b'\\xff\\u1234'`)[0]).toBe('Bytes:\xff\\u1234');
    expect(tokens(`'\\q'`)[0]).toBe('String:\\q');
  });

  it('keeps backslashes in raw strings', () => {
    expect(tokens(`r'\\n\\''`)[0]).toBe(`String:\\n\\'`);
    expect(tokens(`rb'\\x00'`)[0]).toBe('Bytes:\\x00');
  });

  it('rejects a too-large escape and a bad hex escape', () => {
    expect(tokens(`b'\\u0100'`)[0]).toBe('Bytes:\\u0100');
    expect(tokens(`'\\x4g'`)[0]).toBe('Invalid');
    // the failed hex digit is consumed: here that is the closing quote
    expect(tokens(`'\\x4'`)[0]).toBe('LonelyStringOpen');
    expect(tokens(`'\\U00110000'`)[0]).toBe('Invalid');
  });

  it('marks an unterminated literal', () => {
    expect(tokens(`'abc\n`)[0]).toBe('LonelyStringOpen');
    expect(tokens(`'''abc\n`)[0]).toBe('LonelyStringOpen');
  });

  it('raises NotImplementedError for \\N{...} escapes, without a line', () => {
    try {
      tokens(`x = '\\N{DASH}'`);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CompileError);
      expect((e as CompileError).format('t.py')).toBe('NotImplementedError: unicode name escapes\n');
    }
  });

  it('keeps uppercase prefixes as names (only lowercase prefixes are accepted)', () => {
    expect(tokens(`R'x'`).slice(0, 2)).toEqual(['Name:R', 'String:x']);
  });
});

describe('lexer: f-strings', () => {
  it('rewrites an f-string into a .format() call', () => {
    expect(tokens(`f"{a}b{c!r:>3}"`)).toEqual([
      'String:{}b{!r:>3}', 'DelPeriod', 'Name:format', 'DelParenOpen', 'DelParenOpen', 'Name:a', 'DelParenClose',
      'DelComma', 'DelParenOpen', 'Name:c', 'DelParenClose', 'DelComma', 'DelParenClose', 'Newline', 'End',
    ]);
  });

  it('handles {{ }}, the = specifier and concatenation with plain strings', () => {
    expect(tokens(`'x' f'{{{y=}}}' 'z'`).slice(0, 6)).toEqual([
      'String:x{{y={}}}z', 'DelPeriod', 'Name:format', 'DelParenOpen', 'DelParenOpen', 'Name:y',
    ]);
  });

  it('flags an empty expression as a malformed f-string', () => {
    expect(tokens(`f'{}'`)[0]).toBe('MalformedFstring');
  });

  it('is not a prefix when f-strings are disabled', () => {
    expect(tokens(`f'a'`, { features: { MICROPY_PY_FSTRINGS: false, MICROPY_PY_TSTRINGS: false } }).slice(0, 2)).toEqual([
      'Name:f',
      'String:a',
    ]);
  });
});

describe('lexer: t-strings', () => {
  it('turns a t-string into a call of __template__ with strings and interpolations', () => {
    const toks = tokens(`t'a{x}b'`);
    expect(toks[0]).toBe('Name:__template__');
    // __template__(('a','b',), x, 'x', None, '',)
    expect(toks.slice(1, 4)).toEqual(['DelParenOpen', 'DelParenOpen', 'String:a']);
    expect(toks).toContain('String:x');
  });
});

describe('lexer: bytes in, bytes out', () => {
  it('passes invalid UTF-8 in a string literal through unchanged', () => {
    expect(tokens(new Uint8Array([0x27, 0xff, 0xfe, 0x27]))[0]).toBe('String:\xff\xfe');
  });
  it('turns a NUL byte in the source into an invalid token, not end of input', () => {
    expect(tokens(new Uint8Array([0x61, 0x00, 0x62]))).toEqual(['Name:a', 'Invalid', 'Name:b', 'Newline', 'End']);
  });
});
