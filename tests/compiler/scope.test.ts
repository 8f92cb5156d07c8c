// Name resolution: locals, parameters, cells, free variables, globals, and
// the compile errors the scope rules raise (with line and scope name).
import { describe, expect, it } from 'vitest';
import { build, code, compileError, opNames, qstrNames } from './helpers.ts';

describe('parameters', () => {
  it('numbers *args after keyword-only parameters, **kw last', () => {
    const m = build('def f(a, *args, b, **kw):\n    c = 1\n    return c\n');
    const p = code(m, 'f').prelude!;
    expect(p.nPosArgs).toBe(1);
    expect(p.nKwonlyArgs).toBe(1);
    // positional then keyword-only names, looked up by local slot
    expect(qstrNames(m, p.argNames)).toEqual(['a', 'b']);
    expect(p.scopeFlags & 0x06).toBe(0x06); // VARARGS | VARKEYWORDS
    // a, b, args, kw, c: c is local 4
    expect(opNames(code(m, 'f'))).toContain('STORE_FAST 4');
  });

  it('counts default positional args and flags keyword defaults', () => {
    const m = build('def f(a, b=1, *, c=2):\n    pass\n');
    const p = code(m, 'f').prelude!;
    expect(p.nDefPosArgs).toBe(1);
    expect(p.scopeFlags & 0x08).toBe(0x08); // DEFKWARGS
    expect(opNames(m.root)).toContain('MAKE_FUNCTION_DEFARGS');
  });
});

describe('closures', () => {
  const src = 'def f(a):\n    b = 1\n    def g():\n        return a + b\n    return g\n';

  it('turns captured variables into cells and passes them as leading args', () => {
    const m = build(src);
    const f = code(m, 'f');
    const g = code(m, 'g');
    // a stays local 0 (a param), g is local 1, the cell b comes after the locals
    expect(f.prelude!.cells).toEqual([0, 2]);
    const mk = f.ops!.find((o) => o.name === 'MAKE_CLOSURE');
    expect(mk?.extra).toBe(2);
    // free vars are the first two (unnamed) positional args of g
    expect(g.prelude!.nPosArgs).toBe(2);
    expect(qstrNames(m, g.prelude!.argNames)).toEqual(['*', '*']);
    expect(opNames(g)).toEqual(expect.arrayContaining(['LOAD_DEREF', 'RETURN_VALUE']));
  });

  it('binds nonlocal to the enclosing function', () => {
    const m = build('def f():\n    x = 1\n    def g():\n        nonlocal x\n        x = 2\n    return g\n');
    expect(opNames(code(m, 'g'))).toContain('STORE_DEREF');
  });

  it('makes super() load __class__ from the class cell and the first parameter', () => {
    const m = build('class A(B):\n    def f(self, x):\n        return super().f(x)\n');
    const f = code(m, 'f');
    expect(opNames(f)).toContain('LOAD_SUPER_METHOD');
    // the class body returns its __class__ cell instead of None
    expect(opNames(code(m, 'A')).slice(-2)).toEqual(['LOAD_FAST 0', 'RETURN_VALUE']);
  });

  it('gives comprehensions their own scope with one unnamed argument', () => {
    const m = build('def f(y):\n    return [x * y for x in y]\n');
    const lc = code(m, '<listcomp>');
    expect(lc.prelude!.nPosArgs).toBe(2); // closed-over y, then the iterator
    // the iterator slot is a plain local, not a named parameter
    expect(qstrNames(m, lc.prelude!.argNames)).toEqual(['*', '*']);
  });
});

describe('globals', () => {
  it('uses LOAD_GLOBAL for names a function does not bind, STORE_GLOBAL for declared ones', () => {
    const m = build('def f():\n    global g\n    g = h\n');
    expect(opNames(code(m, 'f'))).toEqual(['LOAD_GLOBAL', 'STORE_GLOBAL', 'LOAD_CONST_NONE', 'RETURN_VALUE']);
  });

  it('orders the qstr table by first use, scope pass first', () => {
    // the attribute is emitted in the scope pass, name loads/stores only later
    const m = build('x = a.b\n');
    expect(m.qstrs.map((q) => q.value)).toEqual(['t.py', '<module>', 'b', 'a', 'x']);
  });
});

describe('scope errors carry the line and the scope name', () => {
  const cases: [string, string, number, string][] = [
    ['def f():\n    nonlocal x\n', 'no binding for nonlocal found', 2, 'f'],
    ['def f():\n    x = 1\n    global x\n', 'identifier redefined as global', 3, 'f'],
    ['nonlocal x\n', "can't declare nonlocal in outer code", 1, '<module>'],
    ['def f(a, a):\n    pass\n', 'argument name reused', 1, 'f'],
    ['x = 1\nreturn x\n', "'return' outside function", 2, '<module>'],
    ['class A:\n    x = [(yield) for y in z]\n', "'yield' outside function", 2, '<listcomp>'],
    ['def f():\n    from m import *\n', 'import * not at module level', 2, 'f'],
    ['while 1:\n    pass\nbreak\n', "'break'/'continue' outside loop", 3, '<module>'],
  ];
  for (const [src, msg, line, scope] of cases) {
    it(msg, () => {
      expect(compileError(src)).toBe(
        `Traceback (most recent call last):\n  File "t.py", line ${line}, in ${scope}\nSyntaxError: ${msg}\n`,
      );
    });
  }
});

describe('error location', () => {
  // The compiler keeps going after an error; a target without a line of its
  // own gets the line of the next statement compiled in a statement list.
  it('takes the line of the first statement compiled after a line-less error', () => {
    expect(compileError('x = 1\nfor 1 in x:\n    pass\n    y = 2\n')).toBe(
      `Traceback (most recent call last):\n  File "t.py", line 3, in <module>\nSyntaxError: can't assign to expression\n`,
    );
  });

  it('names the comprehension scope an error is found in', () => {
    expect(compileError('x = [1 for (a.b) in y]\nz = [1 for 2 in y]\n')).toBe(
      `Traceback (most recent call last):\n  File "t.py", line 2, in <listcomp>\nSyntaxError: can't assign to expression\n`,
    );
  });

  it('reports a bad viper annotation as ViperTypeError', () => {
    const err = compileError('@micropython.viper\ndef f(x: float):\n    pass\n', { arch: 'armv6' });
    expect(err).toBe(`Traceback (most recent call last):\n  File "t.py", line 2, in f\nViperTypeError: unknown type 'float'\n`);
  });

  it('rejects native decorators when no architecture is given', () => {
    expect(compileError('@micropython.native\ndef f():\n    pass\n')).toBe(
      `Traceback (most recent call last):\n  File "t.py", line 1, in <module>\nSyntaxError: invalid arch\n`,
    );
  });
});
