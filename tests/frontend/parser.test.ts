import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, isConstFalse, isConstTrue } from '../../src/parser.ts';
import { CompileError } from '../../src/errors.ts';
import { defaultCompileOptions, MPY_CROSS_FEATURES, type CompileOptions, type CompilerFeatures } from '../../src/options.ts';
import type { ParseNode } from '../../src/parsenode.ts';
import type { ConstObj } from '../../src/objects.ts';
import { Tok } from '../../src/tokens.ts';
import { QstrPool } from '../../qstr/pool.ts';

const GOLDEN = join(__dirname, '../../../shared/golden/compile');

function opts(o: { optimize?: number; smallIntBits?: number; features?: Partial<CompilerFeatures> } = {}): CompileOptions {
  return {
    ...defaultCompileOptions('t.py'),
    optimize: o.optimize ?? 0,
    smallIntBits: o.smallIntBits ?? 31,
    features: { ...MPY_CROSS_FEATURES, ...o.features },
  };
}

function tree(src: string, o: Parameters<typeof opts>[0] = {}, pool = new QstrPool()): ParseNode {
  return parse(new TextEncoder().encode(src), opts(o), pool);
}

function fmtConst(c: ConstObj): string {
  switch (c.kind) {
    case 'int':
      return `${c.value}`;
    case 'float':
      return `${Object.is(c.value, -0) ? '-0' : c.value}f`;
    case 'complex':
      return `${c.real}+${c.imag}j`;
    case 'str':
      return JSON.stringify(c.value);
    case 'bytes':
      return `b${JSON.stringify(c.value)}`;
    case 'tuple':
      return `(${c.items.map(fmtConst).join(' ')})`;
    default:
      return c.kind;
  }
}

/** Compact s-expression: rule(args), id, int, "str", tok Kind, <const>. */
function sx(pn: ParseNode): string {
  if (pn === null) return 'NULL';
  switch (pn.kind) {
    case 'int':
      return `${pn.value}`;
    case 'id':
      return pn.name;
    case 'str':
      return JSON.stringify(pn.value);
    case 'tok':
      return `tok:${Tok[pn.tok]}`;
    case 'const':
      return `<${fmtConst(pn.obj)}>`;
    case 'rule':
      return `${pn.rule}(${pn.args.map(sx).join(' ')})`;
  }
}

describe('parser: tree shapes (derived from the grammar rules)', () => {
  it('collapses a one-statement module to the statement', () => {
    expect(sx(tree('x = 1 + y\n'))).toBe('expr_stmt(x arith_expr(1 tok:OpPlus y))');
  });

  it('lists several statements under file_input_2', () => {
    expect(sx(tree('a\nb\n'))).toBe('file_input_2(expr_stmt(a NULL) expr_stmt(b NULL))');
  });

  it('gives an empty module an empty file_input', () => {
    expect(sx(tree(''))).toBe('file_input(NULL)');
  });

  it('keeps parentheses only for tuples and ()', () => {
    expect(sx(tree('(a)\n'))).toBe('expr_stmt(a NULL)');
    expect(sx(tree('x = (a, b)\n'))).toBe('expr_stmt(x atom_paren(testlist_comp(a b)))');
    expect(sx(tree('x = (a,)\n'))).toBe('expr_stmt(x atom_paren(testlist_comp(a)))');
    expect(sx(tree('x = ()\n'))).toBe('expr_stmt(x atom_paren(NULL))');
    expect(sx(tree('x = [a, b]\n'))).toBe('expr_stmt(x atom_bracket(testlist_comp(a b)))');
    expect(sx(tree('x = (a for a in b)\n'))).toBe('expr_stmt(x atom_paren(testlist_comp(a comp_for(a b NULL NULL))))');
  });

  it('shapes calls with positional, star and keyword arguments', () => {
    expect(sx(tree('f(a, *b, c=1)\n'))).toBe(
      'expr_stmt(atom_expr_normal(f trailer_paren(arglist(a arglist_star(b) argument(c 1)))) NULL)',
    );
  });

  it('adds the blank slot to funcdef and keeps the NAME', () => {
    expect(sx(tree('def f(a, b=2): return a\n'))).toBe(
      'funcdef(f typedargslist(a typedargslist_name(b NULL 2)) NULL return_stmt(a) NULL)',
    );
  });

  it('builds constant tuples for assignments, returns and subscripts', () => {
    expect(sx(tree('x = 1, "a", None\n'))).toBe('expr_stmt(x <(1 "a" none)>)');
    expect(sx(tree('x = (1, (2, 3))\n'))).toBe('expr_stmt(x <(1 (2 3))>)');
    expect(sx(tree('x[1, 2]\n'))).toBe('expr_stmt(atom_expr_normal(x trailer_bracket(<(1 2)>)) NULL)');
    expect(sx(tree('x = 1, y\n'))).toBe('expr_stmt(x testlist_star_expr(1 y))');
  });

  it('replaces lone constant statements (doc strings) with pass', () => {
    expect(sx(tree('"doc"\n1\nx\n'))).toBe('file_input_2(pass_stmt() pass_stmt() expr_stmt(x NULL))');
    expect(sx(tree('"doc"\n', { features: { MICROPY_ENABLE_DOC_STRING: true } }))).toBe('expr_stmt("doc" NULL)');
  });
});

describe('parser: constant folding', () => {
  const value = (src: string, o: Parameters<typeof opts>[0] = {}): string => {
    const t = tree(`x = ${src}\n`, o);
    if (t === null || t.kind !== 'rule') throw new Error('no expr_stmt');
    return sx(t.args[1]!);
  };

  it('folds integer arithmetic with Python semantics', () => {
    expect(value('1 + 2 * 3 - 4')).toBe('3');
    expect(value('-(2 ** 3)')).toBe('-8');
    expect(value('7 // -2')).toBe('-4');
    expect(value('-7 % 3')).toBe('2');
    expect(value("~5 & 0xff | 1 << 4 ^ 3")).toBe(`${(~5 & 0xff) | ((1 << 4) ^ 3)}`);
    expect(value('2 ** 100')).toBe('<1267650600228229401496703205376>');
  });

  it('folds to floats where Python would', () => {
    expect(value('1 / 2')).toBe('<0.5f>');
    expect(value('2 ** -1')).toBe('<0.5f>');
    expect(value('7.0 // 2')).toBe('<3f>');
    expect(value('-7.5 % 2')).toBe('<0.5f>');
    expect(value('(-7) ** -2')).toBe(`<${1 / 49}f>`);
    // the C library's pow is correctly rounded where JS engines' Math.pow may not be
    expect(value('2 ** -0.5')).toBe('<0.7071067811865476f>');
    expect(value('100 ** 0.25')).toBe('<3.1622776601683795f>');
    expect(value('2 ** 0.75')).toBe('<1.681792830507429f>');
    // C's pow: 1 to any power (even NaN) and -1 to an infinite power are 1
    expect(value('1 ** (1e400 - 1e400)')).toBe('<1f>');
    expect(value('1.0 ** 1e400')).toBe('<1f>');
    expect(value('(-1) ** -1e400')).toBe('<1f>');
  });

  it('leaves expressions the runtime would reject unfolded', () => {
    expect(value('1 / 0')).toBe('term(1 tok:OpSlash 0)');
    expect(value('1 << -1')).toBe('shift_expr(1 tok:OpDblLess -1)');
    expect(value('1 + x')).toBe('arith_expr(1 tok:OpPlus x)');
    expect(value('(-8) ** 0.5')).toBe('power(-8 <0.5f>)'); // complex result
    expect(value('~1.5')).toBe('factor_2(tok:OpTilde <1.5f>)');
    expect(value('1 @ 2')).toBe('term(1 tok:OpAt 2)');
  });

  it('does not fold float operands when MICROPY_COMP_CONST_FLOAT is off', () => {
    expect(value('1.5 * 2', { features: { MICROPY_COMP_CONST_FLOAT: false } })).toBe('term(<1.5f> tok:OpStar 2)');
  });

  it('folds nothing when MICROPY_COMP_CONST_FOLDING is off', () => {
    expect(value('1 + 2', { features: { MICROPY_COMP_CONST_FOLDING: false } })).toBe('arith_expr(1 tok:OpPlus 2)');
  });

  it('folds and/or/not on constants', () => {
    expect(value('not 0')).toBe('tok:KwTrue');
    expect(value('a or 0 or b')).toBe('or_test(a b)');
    expect(value('0 or a')).toBe('a');
    expect(value('1 or a')).toBe('1');
    expect(value('a and 1 and b')).toBe('and_test(a b)');
    expect(value('"" and a')).toBe('""');
  });

  it('folds math constants with line 0', () => {
    const t = tree('x = math.pi\n');
    expect(sx(t)).toBe(`expr_stmt(x <${Math.PI}f>)`);
    if (t?.kind === 'rule' && t.args[1]?.kind === 'const') expect(t.args[1].line).toBe(0);
    else expect.unreachable();
    expect(value('math.sqrt')).toBe('atom_expr_normal(math trailer_period(sqrt))');
  });

  it('puts ints outside the target small-int range in constant nodes', () => {
    expect(value('1073741823')).toBe('1073741823');
    expect(value('1073741824')).toBe('<1073741824>');
    expect(value('-1073741824')).toBe('-1073741824');
    expect(value('1073741824', { smallIntBits: 63 })).toBe('1073741824');
  });

  // The 64-bit reference has 63-bit host small ints: 2**62 is a big int there.
  // Unary - and ~ on a big int give a big int even when the value fits, unary
  // + gives the same object; binary operations normalise to small ints.
  it('keeps unary results of big ints as constant objects even when they fit', () => {
    const sib63 = { smallIntBits: 63 };
    expect(value('-(4611686018427387904)', sib63)).toBe('<-4611686018427387904>');
    expect(value('~(-(4611686018427387904))', sib63)).toBe('<4611686018427387903>');
    expect(value('+(-(4611686018427387904))', sib63)).toBe('<-4611686018427387904>');
    expect(value('~-~-(4611686018427387904)', sib63)).toBe('<4611686018427387902>');
    expect(value('-(4611686018427387904) + 0', sib63)).toBe('-4611686018427387904');
    expect(value('(-(4611686018427387904)) * 1', sib63)).toBe('-4611686018427387904');
    // small ints stay small: -MIN overflows into a big int, ~ always fits
    expect(value('-(-4611686018427387904)', sib63)).toBe('<4611686018427387904>');
    expect(value('~(4611686018427387903)', sib63)).toBe('-4611686018427387904');
    // below 63 bits the host small int -2**30 fits the target
    expect(value('-(1073741824)')).toBe('-1073741824');
    expect(value('-(-(1 << 62))')).toBe('<4611686018427387904>');
  });

  it('keeps a big int a big int through const() names', () => {
    const src = 'from micropython import const\n_B = const(-(4611686018427387904))\nx = _B\ny = _B + 0\nz = (_B, 1)\n';
    expect(sx(tree(src, { smallIntBits: 63 }))).toBe(
      'file_input_2(import_from(micropython import_as_name(const NULL)) pass_stmt() expr_stmt(x <-4611686018427387904>) ' +
        'expr_stmt(y -4611686018427387904) expr_stmt(z <(-4611686018427387904 1)>))',
    );
  });

  it('parses float literals exactly as the reference (80-bit scaling, then double)', () => {
    expect(value('0.1')).toBe('<0.1f>');
    expect(value('1e23')).toBe('<1e+23f>');
    expect(value('2.5j')).toBe('<0+2.5j>');
    expect(value('1e400')).toBe('<Infinityf>');
    expect(value('4.9e-324')).toBe('<5e-324f>');
  });
});

describe('parser: const()', () => {
  it('substitutes constants, drops private ones and keeps public assignments', () => {
    const src = 'from micropython import const\nX = const(5)\n_Y = const(6)\nz = X + _Y\n';
    expect(sx(tree(src))).toBe(
      'file_input_2(import_from(micropython import_as_name(const NULL)) expr_stmt(X 5) pass_stmt() expr_stmt(z 11))',
    );
  });

  it('accepts constant tuples and strings', () => {
    expect(sx(tree('A = const((1, "s"))\nb = A\n'))).toBe('file_input_2(expr_stmt(A <(1 "s")>) expr_stmt(b <(1 "s")>))');
  });

  it('reports a non-constant value at the line of the call', () => {
    expect(() => tree('x = 1\n\nA = const(x)\n')).toThrowError(CompileError);
    try {
      tree('x = 1\n\nA = const(x)\n');
    } catch (e) {
      expect((e as CompileError).format('t.py')).toBe(
        'Traceback (most recent call last):\n  File "t.py", line 3\nSyntaxError: not a constant\n',
      );
    }
  });
});

describe('parser: string interning', () => {
  it('interns short strings, and long ones only if already known', () => {
    const pool = new QstrPool();
    expect(sx(tree('x = "0123456789"\n', {}, pool))).toBe('expr_stmt(x "0123456789")');
    expect(pool.has('0123456789')).toBe(true);
    expect(sx(tree('x = "0123456789a"\n', {}, pool))).toBe('expr_stmt(x <"0123456789a">)');
    expect(pool.has('0123456789a')).toBe(false);
    // a built-in qstr longer than 10 bytes
    expect(sx(tree('x = "NotImplementedError"\n'))).toBe('expr_stmt(x "NotImplementedError")');
    // names are interned, which makes a later equal long string a qstr
    expect(sx(tree('abcdefghijklm = 1\ny = "abcdefghijklm"\n'))).toBe(
      'file_input_2(expr_stmt(abcdefghijklm 1) expr_stmt(y "abcdefghijklm"))',
    );
  });

  it('treats the source name as interned', () => {
    const t = parse(new TextEncoder().encode('x = "module_name.py"\n'), { ...opts(), sourceName: 'module_name.py' }, new QstrPool());
    expect(sx(t)).toBe('expr_stmt(x "module_name.py")');
  });
});

describe('parser: constant truth helpers', () => {
  it('classifies constants by truth value', () => {
    expect(isConstTrue({ kind: 'int', value: 3n })).toBe(true);
    expect(isConstFalse({ kind: 'str', value: '' })).toBe(true);
    expect(isConstFalse({ kind: 'id', name: 'x' })).toBe(false);
    expect(isConstTrue({ kind: 'id', name: 'x' })).toBe(false);
  });
});

describe('parser: robustness', () => {
  it('parses 8000 nested parentheses without exhausting the JS stack', () => {
    const n = 8000;
    expect(sx(tree(`x = ${'('.repeat(n)}1${')'.repeat(n)}\n`))).toBe('expr_stmt(x 1)');
  });

  it('fails like the reference (MemoryError) on 100k nested parentheses', () => {
    const n = 100000;
    try {
      tree(`x = ${'('.repeat(n)}1${')'.repeat(n)}\n`);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CompileError);
      expect((e as CompileError).format('t.py')).toBe('MemoryError: memory allocation failed, allocating 2078720 bytes\n');
    }
  });
});

interface ManifestEntry {
  input: string;
  variant: string;
  rc: number;
  stderr?: string;
}

describe('parser: golden parse errors (text and line as the reference prints them)', () => {
  const manifest = JSON.parse(readFileSync(join(GOLDEN, 'manifest.json'), 'utf8')) as { entries: ManifestEntry[] };
  // Parse-stage errors: a traceback without a scope name, or the lexer's bare NotImplementedError.
  const parseErrors = manifest.entries.filter(
    (e) =>
      e.variant === 'base' &&
      e.rc === 1 &&
      e.stderr !== undefined &&
      ((/File "[^"]*", line \d+\n/.test(e.stderr) && !/, in /.test(e.stderr)) || e.stderr.startsWith('NotImplementedError')),
  );

  it('has parse-error vectors to check', () => {
    expect(parseErrors.length).toBeGreaterThan(20);
  });

  for (const entry of parseErrors) {
    it(entry.input, () => {
      const name = basename(entry.input);
      const src = new Uint8Array(readFileSync(join(GOLDEN, entry.input)));
      let got = '';
      try {
        parse(src, { ...opts(), sourceName: name }, new QstrPool());
      } catch (e) {
        if (!(e instanceof CompileError)) throw e;
        got = e.format(name);
      }
      expect(got).toBe(entry.stderr);
    });
  }
});

interface FeatureEntry {
  set: string;
  features: Record<string, unknown>;
  input: string;
  rc: number;
  stderr?: string;
}

describe('parser: golden feature variants (parse stage)', () => {
  const FEATURES = join(__dirname, '../../../shared/golden/features');
  const manifest = JSON.parse(readFileSync(join(FEATURES, 'manifest.json'), 'utf8')) as { entries: FeatureEntry[] };
  const isParseError = (stderr: string): boolean => /File "[^"]*", line \d+\n/.test(stderr) && !/, in /.test(stderr);

  // The sets' settings as the features README lists them (the manifest's
  // per-entry `features` field names only the first switch of each set).
  const SETS: Record<string, Partial<CompilerFeatures>> = {
    nofold: { MICROPY_COMP_CONST_FOLDING: false },
    noassignopt: {
      MICROPY_COMP_DOUBLE_TUPLE_ASSIGN: false,
      MICROPY_COMP_TRIPLE_TUPLE_ASSIGN: false,
      MICROPY_COMP_RETURN_IF_EXPR: false,
    },
    docstr: { MICROPY_ENABLE_DOC_STRING: true },
    nofeat: { MICROPY_PY_FSTRINGS: false, MICROPY_PY_TSTRINGS: false, MICROPY_PY_ASYNC_AWAIT: false, MICROPY_PY_ASSIGN_EXPR: false },
    nofloat: { MICROPY_COMP_CONST_FLOAT: false },
  };

  for (const entry of manifest.entries) {
    it(`${entry.set}: ${entry.input}`, () => {
      const features = SETS[entry.set];
      if (features === undefined) throw new Error(`unknown feature set ${entry.set}: add it to SETS`);
      const name = basename(entry.input);
      const src = new Uint8Array(readFileSync(join(FEATURES, '..', entry.input)));
      let got = '';
      try {
        parse(src, { ...opts({ features }), sourceName: name }, new QstrPool());
      } catch (e) {
        if (!(e instanceof CompileError)) throw e;
        got = e.format(name);
      }
      if (entry.rc === 1 && entry.stderr !== undefined && isParseError(entry.stderr)) expect(got).toBe(entry.stderr);
      else expect(got).toBe('');
    });
  }
});
