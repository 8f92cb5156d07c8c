// Bytecode emission: operand encodings, jump sizing, stack depth, the
// constant table's de-duplication, and the -O / small-int-bits options.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.ts';
import { CompileError } from '../../src/errors.ts';
import { GOLDEN, haveGolden } from '../conformance/golden.ts';
import { build, code, opcodeBytes, opNames } from './helpers.ts';

/** The bytes that load one integer constant at module level. */
function intLoadBytes(src: string, smallIntBits?: number): number[] {
  const m = build(`x = ${src}\n`, smallIntBits ? { smallIntBits } : {});
  const bytes = opcodeBytes(m.root);
  return bytes.slice(0, bytes.length - 4); // drop STORE_NAME x, LOAD_CONST_NONE, RETURN_VALUE
}

describe('small int operands', () => {
  it('folds -16..47 into the opcode byte', () => {
    expect(intLoadBytes('-16')).toEqual([0x70]);
    expect(intLoadBytes('0')).toEqual([0x80]);
    expect(intLoadBytes('47')).toEqual([0xaf]);
  });

  it('uses a signed var-int beyond that, with a sign byte when bit 6 disagrees', () => {
    expect(intLoadBytes('48')).toEqual([0x22, 0x30]);
    expect(intLoadBytes('63')).toEqual([0x22, 0x3f]);
    expect(intLoadBytes('64')).toEqual([0x22, 0x80, 0x40]);
    expect(intLoadBytes('-17')).toEqual([0x22, 0x6f]);
    expect(intLoadBytes('-64')).toEqual([0x22, 0x40]);
    expect(intLoadBytes('-65')).toEqual([0x22, 0xff, 0x3f]);
    expect(intLoadBytes('1073741823')).toEqual([0x22, 0x83, 0xff, 0xff, 0xff, 0x7f]);
  });

  it('puts ints beyond -msmall-int-bits in the constant table', () => {
    expect(intLoadBytes('1073741824')).toEqual([0x23, 0x00]);
    expect(build('x = 1073741824\n').consts).toHaveLength(1);
    expect(build('x = 1073741824\n', { smallIntBits: 63 }).consts).toHaveLength(0);
  });
});

describe('jumps', () => {
  /** A while loop whose body is n one-byte-ish statements. */
  function loop(n: number): string {
    return 'def f(y):\n    while y:\n' + '        y = y.a\n'.repeat(n) + '    return y\n';
  }

  it('lands every jump on an instruction and uses 1 offset byte exactly when it fits', () => {
    for (let n = 1; n < 60; n++) {
      const f = code(build(loop(n)), 'f');
      const starts = new Set(f.ops!.map((o) => o.offset));
      for (const op of f.ops!) {
        if (op.target === undefined) continue;
        expect(starts.has(op.target) || op.target === f.funData.length).toBe(true);
        const rel = op.target - (op.offset + op.size);
        const signed = op.opcode <= 0x44; // UNWIND_JUMP..POP_JUMP_IF_FALSE
        const fitsShort = signed ? rel >= -64 && rel <= 63 : rel >= 0 && rel <= 127;
        // the jump opcode takes 2 bytes with a 1-byte offset, 3 otherwise
        const extra = op.extra === undefined ? 0 : 1;
        expect(op.size - extra).toBe(fitsShort ? 2 : 3);
      }
    }
  });

  it.skipIf(!haveGolden)('reports a backward jump beyond 2**14 as RuntimeError without location', () => {
    const file = join(GOLDEN, 'compile/errors/e140_jump_just_over_limit.py');
    expect(existsSync(file)).toBe(true);
    let err: unknown;
    try {
      compile(readFileSync(file), { sourceName: 'e140_jump_just_over_limit.py' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CompileError);
    expect((err as CompileError).format('e140_jump_just_over_limit.py')).toBe('RuntimeError: bytecode overflow\n');
  });
});

describe('stack and state size', () => {
  it('counts the deepest stack use plus locals', () => {
    // module: no locals; f(a, b, c) needs f, a, b, c on the stack
    expect(build('f(a, b, c)\n').root.prelude!.nState).toBe(4);
    // 2 locals + [x, y, z] building a 3-element list
    const f = code(build('def f(x, y):\n    return [x, y, x]\n'), 'f');
    expect(f.prelude!.nState).toBe(5);
  });

  it('reserves the exception stack for nested try blocks', () => {
    const m = build('def f():\n    try:\n        try:\n            g()\n        finally:\n            h()\n    except E:\n        pass\n');
    expect(code(m, 'f').prelude!.nExcStack).toBe(2);
  });
});

describe('constant table', () => {
  it('shares strictly equal constants, keeping 0.0/-0.0 and 1.0/1 apart', () => {
    const m = build('a = 1.5\nb = 1.5\nc = -0.0\nd = 0.0\ne = -0.0\nf = (1.0, 2)\ng = (1, 2)\nh = (1.0, 2)\ni = 2j\nj = 2j\n');
    const kinds = m.consts.map((c) => (c.kind === 'tuple' ? 'tuple' : c.kind === 'float' ? c.text : c.kind));
    expect(kinds).toEqual(['1.5', '-0.0', '0.0', 'tuple', 'tuple', 'complex']);
  });

  // A NaN equals only itself: constants share an entry when they are the
  // same object (math.nan is one static object, so is a const() value),
  // while every folded NaN is a new object with its own entry.
  it('shares a NaN constant only when it is the same object', () => {
    const kinds = (src: string): string[] =>
      build(src).consts.map((c) => (c.kind === 'tuple' ? 'tuple' : c.kind === 'float' ? c.text : c.kind));
    expect(kinds('import math\na = math.nan\nb = math.nan\nc = +math.nan\n')).toEqual(['nan']);
    expect(kinds('import math\na = -math.nan\nb = -math.nan\n')).toEqual(['nan', 'nan']);
    expect(kinds('a = 1e400 - 1e400\nb = 1e400 - 1e400\n')).toEqual(['nan', 'nan']);
    expect(kinds('_N = const(1e400 - 1e400)\na = _N\nb = _N\nc = 1e400 - 1e400\n')).toEqual(['nan', 'nan']);
    expect(kinds('import math\n_N = const(math.nan)\na = _N\nb = math.nan\n')).toEqual(['nan']);
    // tuples compare item by item, each item by identity first
    expect(kinds('import math\na = (math.nan, 1)\nb = (math.nan, 1)\nc = (-math.nan, 1)\n')).toEqual(['tuple', 'tuple']);
    expect(kinds('import math\na = math.inf\nb = math.inf\nc = 1e400\n')).toEqual(['inf']);
  });

  it('stays fast on a module with very many constants', () => {
    const src = Array.from({ length: 20000 }, (_, i) => `x${i % 10} = ${i}.5\n`).join('');
    const t0 = Date.now();
    const m = build(src);
    expect(m.consts).toHaveLength(20000);
    expect(Date.now() - t0).toBeLessThan(15000);
  });
});

describe('optimisation levels', () => {
  const src = 'def f(x):\n    assert x, "no"\n    return __debug__\n';

  it('keeps assertions at -O0 and drops them from -O1', () => {
    expect(opNames(code(build(src), 'f'))).toContain('RAISE_OBJ');
    expect(opNames(code(build(src, { optimize: 1 }), 'f'))).not.toContain('RAISE_OBJ');
  });

  it('records line numbers except at -O3', () => {
    const many = 'a = 1\n\nb = 2\n\n\nc = 3\n';
    expect(build(many).root.prelude!.lines.length).toBeGreaterThan(0);
    expect(build(many, { optimize: 3 }).root.prelude!.lines).toEqual([]);
  });
});

describe('scale', () => {
  it('stays linear with thousands of closures in one scope', () => {
    // every method closes over the class cell (__class__): a per-closure scan
    // of the enclosing scope would make this quadratic
    const n = 8000;
    const src = 'class C(B):\n' + Array.from({ length: n }, (_, i) => `    def m${i}(self): return super().m${i}()\n`).join('');
    const t0 = Date.now();
    const m = build(src);
    expect(m.root.children[0]!.children).toHaveLength(n);
    expect(Date.now() - t0).toBeLessThan(8000);
  });
});

describe('deep nesting', () => {
  it('compiles or fails cleanly, never with a JS stack overflow', () => {
    for (const n of [500, 3000]) {
      const src = 'x = ' + 'f('.repeat(n) + 'a' + ')'.repeat(n) + '\n';
      try {
        const m = build(src);
        expect(m.root.ops!.filter((o) => o.name.startsWith('CALL_FUNCTION'))).toHaveLength(n);
      } catch (e) {
        expect(e).toBeInstanceOf(CompileError);
      }
    }
  });
});
