// A small C-preprocessor-like expression language for option defaults.
// Defaults in the catalogue are written as text ("level >= EXTRA",
// "MICROPY_PY_FSTRINGS && level >= FULL", "a ? b : c") and compiled once to
// closures. Evaluation is lazy and memoised by the resolver, so options are
// computed in dependency order without a separate sort, and `?:`, `&&`, `||`
// short-circuit like the preprocessor does (that is what breaks the apparent
// cycle between the two MICROPY_EPOCH_IS_* options).

/** How an expression sees the world: names resolve to integers. */
export interface ExprEnv {
  /** value of a name (option, enum constant, level name, target fact) */
  lookup(name: string): number;
  /** `defined(NAME)`: was the option set explicitly (by a profile or the config)? */
  isDefined(name: string): boolean;
}

export type CompiledExpr = (env: ExprEnv) => number;

export interface ParsedExpr {
  readonly text: string;
  readonly eval: CompiledExpr;
  /** every name the expression may read (for dependency listings and checks) */
  readonly names: readonly string[];
}

export class ExprSyntaxError extends Error {}

type Tok = { kind: 'num'; value: number } | { kind: 'name'; value: string } | { kind: 'op'; value: string };

const OPS = ['<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '?', ':', '(', ')', '!', '~', '-', '+', '*', '/', '%', '<', '>', '&', '|', '^'];

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*/.exec(text.slice(i));
    if (num) {
      const body = num[1]!;
      const value = /^0[xX]/.test(body) ? parseInt(body.slice(2), 16) : body.length > 1 && body[0] === '0' ? parseInt(body, 8) : parseInt(body, 10);
      toks.push({ kind: 'num', value });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (name) {
      toks.push({ kind: 'name', value: name[0] });
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (op === undefined) throw new ExprSyntaxError(`unexpected character '${c}' in '${text}'`);
    toks.push({ kind: 'op', value: op });
    i += op.length;
  }
  return toks;
}

// Binary operators by C precedence, loosest first.
const BINARY_LEVELS: readonly (readonly string[])[] = [
  ['||'],
  ['&&'],
  ['|'],
  ['^'],
  ['&'],
  ['==', '!='],
  ['<', '<=', '>', '>='],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '%'],
];

function binary(op: string, a: CompiledExpr, b: CompiledExpr): CompiledExpr {
  switch (op) {
    case '||': return (e) => (a(e) !== 0 || b(e) !== 0 ? 1 : 0);
    case '&&': return (e) => (a(e) !== 0 && b(e) !== 0 ? 1 : 0);
    case '|': return (e) => a(e) | b(e);
    case '^': return (e) => a(e) ^ b(e);
    case '&': return (e) => a(e) & b(e);
    case '==': return (e) => (a(e) === b(e) ? 1 : 0);
    case '!=': return (e) => (a(e) !== b(e) ? 1 : 0);
    case '<': return (e) => (a(e) < b(e) ? 1 : 0);
    case '<=': return (e) => (a(e) <= b(e) ? 1 : 0);
    case '>': return (e) => (a(e) > b(e) ? 1 : 0);
    case '>=': return (e) => (a(e) >= b(e) ? 1 : 0);
    // shifts as arithmetic so 64-bit-ish widths (1 << 46) stay exact
    case '<<': return (e) => a(e) * 2 ** b(e);
    case '>>': return (e) => Math.floor(a(e) / 2 ** b(e));
    case '+': return (e) => a(e) + b(e);
    case '-': return (e) => a(e) - b(e);
    case '*': return (e) => a(e) * b(e);
    case '/': return (e) => Math.trunc(a(e) / b(e));
    case '%': return (e) => a(e) % b(e);
  }
  throw new ExprSyntaxError(`unknown operator ${op}`);
}

/** Parse an expression once; throws ExprSyntaxError on malformed text. */
export function parseExpr(text: string): ParsedExpr {
  const toks = tokenize(text);
  const names = new Set<string>();
  let pos = 0;
  const peekOp = (): string | undefined => {
    const t = toks[pos];
    return t?.kind === 'op' ? t.value : undefined;
  };
  const expectOp = (op: string): void => {
    if (peekOp() !== op) throw new ExprSyntaxError(`expected '${op}' in '${text}'`);
    pos++;
  };

  const conditional = (): CompiledExpr => {
    const cond = binaryLevel(0);
    if (peekOp() !== '?') return cond;
    pos++;
    const yes = conditional();
    expectOp(':');
    const no = conditional();
    return (e) => (cond(e) !== 0 ? yes(e) : no(e));
  };

  const binaryLevel = (level: number): CompiledExpr => {
    if (level === BINARY_LEVELS.length) return unary();
    let left = binaryLevel(level + 1);
    for (;;) {
      const op = peekOp();
      if (op === undefined || !BINARY_LEVELS[level]!.includes(op)) return left;
      pos++;
      left = binary(op, left, binaryLevel(level + 1));
    }
  };

  const unary = (): CompiledExpr => {
    const op = peekOp();
    if (op === '!' || op === '-' || op === '~' || op === '+') {
      pos++;
      const inner = unary();
      if (op === '!') return (e) => (inner(e) === 0 ? 1 : 0);
      if (op === '-') return (e) => -inner(e);
      if (op === '~') return (e) => ~inner(e);
      return inner;
    }
    return primary();
  };

  const primary = (): CompiledExpr => {
    const t = toks[pos++];
    if (t === undefined) throw new ExprSyntaxError(`unexpected end of '${text}'`);
    if (t.kind === 'num') {
      const v = t.value;
      return () => v;
    }
    if (t.kind === 'op') {
      if (t.value !== '(') throw new ExprSyntaxError(`unexpected '${t.value}' in '${text}'`);
      const inner = conditional();
      expectOp(')');
      return inner;
    }
    if (t.value === 'defined') {
      expectOp('(');
      const arg = toks[pos++];
      if (arg?.kind !== 'name') throw new ExprSyntaxError(`defined() needs a name in '${text}'`);
      expectOp(')');
      const name = arg.value;
      return (e) => (e.isDefined(name) ? 1 : 0);
    }
    const name = t.value;
    names.add(name);
    return (e) => e.lookup(name);
  };

  const compiled = conditional();
  if (pos !== toks.length) throw new ExprSyntaxError(`trailing text in '${text}'`);
  return { text, eval: compiled, names: [...names] };
}
