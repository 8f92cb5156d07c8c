// Parser: tokens -> parse tree, a table-driven port of the reference parser
// (py/parse.c). It is iterative (explicit rule and result stacks), so deep
// nesting cannot overflow the JS stack.
//
// The tree has the reference's exact shape, which the compiler depends on:
// - tokens inside `and` rules are dropped except names;
// - `andIdent` rules with a single non-empty argument collapse into it;
// - single-item lists are not wrapped;
// - parentheses around a single expression disappear;
// - constant expressions are folded as they are reduced (arithmetic,
//   and/or/not, `const()` definitions, `math.pi` style module constants,
//   tuples of constants), and lone constant statements become `pass`.
//
// Folding follows the reference's runtime object by object: an int is a
// host small int or a big-int object (see constfold.ts; a big int is a
// constant node even when its value fits), and a constant keeps its
// identity where the reference's object does (`math.nan` is one shared
// object, a const() name stands for its value's object, unary + returns its
// operand), which the constant table's de-duplication relies on.
import { selectRules, type RuleDef, type RuleName } from '../grammar/rules.ts';
import { CompileError } from './errors.ts';
import { Lexer } from './lexer.ts';
import type { CompileOptions, CompilerFeatures } from './options.ts';
import { CONST_ELLIPSIS, CONST_FALSE, CONST_NONE, CONST_TRUE, type ConstObj } from './objects.ts';
import { BinaryOp, UnaryOp } from './ops.ts';
import type { ParseNode, PnId, PnStruct, PnToken } from './parsenode.ts';
import { NumberSyntaxError, parseFloatLiteral, parseIntegerLiteral } from './parsenum.ts';
import { binaryOpMaybe, constIsTrue, isBigIntObject, unaryOp, type NumObj } from './constfold.ts';
import { Tok } from './tokens.ts';
import type { QstrPool } from '../qstr/pool.ts';

// Strings up to this many bytes are interned; longer ones only if already in the pool.
const INTERN_STRING_MAX_LEN = 10;

// The reference keeps its rule stack on a 2 MB heap and grows it 16 entries
// (16 bytes each) at a time; growing past this size is where it runs out of
// memory on pathologically nested input. Reproduced so such input fails the
// same way instead of exhausting our memory.
const RULE_STACK_LIMIT = 129904;
const RULE_STACK_FAIL_MESSAGE = 'memory allocation failed, allocating 2078720 bytes';

// ---- grammar tables, built once per feature combination ----

const ACT_OR = 1;
const ACT_AND = 2;
const ACT_LIST = 3;
const ARG_TOK = 1;
const ARG_RULE = 2;
const ARG_OPT = 3;

interface Tables {
  readonly names: readonly string[];
  readonly act: Uint8Array; // ACT_*
  readonly n: Uint8Array;
  readonly ident: Uint8Array;
  readonly blank: Uint8Array;
  /** all rules' args, encoded as kind << 12 | value; rule r's start at argBase[r] */
  readonly argFlat: Uint16Array;
  readonly argBase: Uint16Array;
  readonly id: ReadonlyMap<string, number>;
  /** per (rule, token): 0 not known yet, 1 the rule fails cleanly on that token, 2 it may not (see failsCleanly) */
  readonly cleanFail: Uint8Array;
  /** per (rule, token): where the rule's descent starts in `descents`, DESCENT_UNKNOWN or DESCENT_NONE */
  readonly descentAt: Int32Array;
  /** descents: a length, then (rule, arg index) pairs */
  readonly descents: number[];
}

// A rule "fails cleanly" on a token when trying it with that token as the
// current one ends in a plain backtrack: no token matches anywhere in the
// attempt, nothing is pushed on the result stack and no syntax error is
// raised, only rule-stack entries come and go. The parser skips such
// attempts and acts on their failure directly, which is the same as running
// them, as long as the rule stack is far from its limit (the attempt's
// transient entries could otherwise reach it).
const CLEAN_FAIL_UNKNOWN = 0;
const CLEAN_FAIL_YES = 1;
const CLEAN_FAIL_NO = 2;
const CLEAN_FAIL_IN_PROGRESS = 3;
// An attempt pushes at most two entries per level of rule nesting it goes
// through; the grammar nests far less than this deep without consuming a token.
const CLEAN_FAIL_MAX_NESTING = 200;
const SKIP_STACK_MARGIN = 2 * CLEAN_FAIL_MAX_NESTING + 8;

// A rule freshly pushed with a given current token goes through a fixed
// series of steps until some rule takes that token: each rule on the way
// pushes itself back (to continue after its child) and then its child.
// The rule-stack entries this leaves are a function of (rule, token), so
// the parser writes them in one go instead of looping through the rules
// ("the descent"). It stops at the first rule that will act on the token
// (or on an optional part that is missing), which is left to the main loop,
// and is only used far from the rule stack's limit, like the skipping of
// clean failures.
const DESCENT_UNKNOWN = -1;
const DESCENT_NONE = -2;

function descentOf(t: Tables, rule: number, tok: number): number {
  const key = rule * Tok.NumberOf + tok;
  const at = t.descentAt[key]!;
  if (at !== DESCENT_UNKNOWN) return at;
  const pairs: number[] = [];
  let cur = rule;
  let found = false;
  for (let nesting = 0; nesting <= CLEAN_FAIL_MAX_NESTING; nesting++) {
    const a0 = t.argBase[cur]!;
    const n = t.n[cur]!;
    const act = t.act[cur]!;
    let next = -1;
    if (act === ACT_OR) {
      for (let i = 0; i < n; i++) {
        const arg = t.argFlat[a0 + i]!;
        if (arg >> 12 === ARG_TOK) {
          if ((arg & 0xfff) === tok) break; // cur takes the token
        } else if (!failsCleanly(t, arg & 0xfff, tok)) {
          if (i + 1 < n) pairs.push(cur, i + 1);
          next = arg & 0xfff;
          break;
        }
      }
    } else if ((act === ACT_AND || act === ACT_LIST) && n > 0) {
      const arg = t.argFlat[a0]!;
      if (arg >> 12 !== ARG_TOK && !failsCleanly(t, arg & 0xfff, tok)) {
        pairs.push(cur, 1);
        next = arg & 0xfff;
      }
    }
    if (next < 0) {
      // cur acts on the token itself (or fails): the main loop takes over here
      pairs.push(cur, 0);
      found = true;
      break;
    }
    cur = next;
  }
  let result = DESCENT_NONE;
  if (found && pairs.length > 2) {
    result = t.descents.length;
    t.descents.push(pairs.length / 2, ...pairs);
  }
  t.descentAt[key] = result;
  return result;
}

function failsCleanly(t: Tables, rule: number, tok: number, nesting = 0): boolean {
  const key = rule * Tok.NumberOf + tok;
  const known = t.cleanFail[key]!;
  if (known === CLEAN_FAIL_YES) return true;
  if (known !== CLEAN_FAIL_UNKNOWN) return false; // no, or a cycle: be conservative
  if (nesting > CLEAN_FAIL_MAX_NESTING) throw new Error('grammar: rules nest too deeply without consuming a token');
  t.cleanFail[key] = CLEAN_FAIL_IN_PROGRESS;
  const a0 = t.argBase[rule]!;
  const n = t.n[rule]!;
  const act = t.act[rule]!;
  let clean: boolean;
  if (act === ACT_OR) {
    // every alternative must fail cleanly
    clean = true;
    for (let i = 0; i < n && clean; i++) {
      const arg = t.argFlat[a0 + i]!;
      if (arg >> 12 === ARG_TOK) clean = (arg & 0xfff) !== tok;
      else clean = failsCleanly(t, arg & 0xfff, tok, nesting + 1);
    }
  } else if (act === ACT_AND || act === ACT_LIST) {
    // only the first argument is tried; an optional first part of an `and`
    // that fails records an empty result, which is not clean
    const arg = t.argFlat[a0]!;
    if (n === 0) clean = false;
    else if (arg >> 12 === ARG_TOK) clean = (arg & 0xfff) !== tok;
    else if (act === ACT_AND && arg >> 12 === ARG_OPT) clean = false;
    else clean = failsCleanly(t, arg & 0xfff, tok, nesting + 1);
  } else {
    clean = false;
  }
  t.cleanFail[key] = clean ? CLEAN_FAIL_YES : CLEAN_FAIL_NO;
  return clean;
}

const tableCache = new Map<string, Tables>();

function tablesFor(f: Readonly<CompilerFeatures>): Tables {
  const key = `${f.MICROPY_PY_ASYNC_AWAIT ? 1 : 0}${f.MICROPY_PY_ASSIGN_EXPR ? 1 : 0}`;
  const cached = tableCache.get(key);
  if (cached) return cached;
  const { rules, ids } = selectRules({ asyncAwait: f.MICROPY_PY_ASYNC_AWAIT, assignExpr: f.MICROPY_PY_ASSIGN_EXPR });
  const count = rules.length;
  const names: string[] = [];
  const act = new Uint8Array(count);
  const n = new Uint8Array(count);
  const ident = new Uint8Array(count);
  const blank = new Uint8Array(count);
  const flat: number[] = [];
  const argBase = new Uint16Array(count);
  rules.forEach((d: RuleDef | null, i) => {
    names.push(d === null ? 'const_object' : d.name);
    argBase[i] = flat.length;
    if (d === null) return;
    if (d.act.kind === 'or') {
      act[i] = ACT_OR;
      n[i] = d.act.n;
    } else if (d.act.kind === 'and') {
      act[i] = ACT_AND;
      n[i] = d.act.n;
      ident[i] = d.act.ident ? 1 : 0;
      blank[i] = d.act.blank ? 1 : 0;
    } else {
      act[i] = ACT_LIST;
      n[i] = d.act.n;
    }
    for (const a of d.args) {
      if (a.kind === 'tok') {
        flat.push((ARG_TOK << 12) | a.tok);
      } else {
        const r = ids.get(a.rule);
        if (r === undefined) throw new Error(`grammar: unknown rule ${a.rule}`);
        flat.push(((a.kind === 'rule' ? ARG_RULE : ARG_OPT) << 12) | r);
      }
    }
  });
  const t: Tables = { names, act, n, ident, blank, argFlat: Uint16Array.from(flat), argBase, id: ids,
    cleanFail: new Uint8Array(count * Tok.NumberOf),
    descentAt: new Int32Array(count * Tok.NumberOf).fill(DESCENT_UNKNOWN),
    descents: [],
  };
  tableCache.set(key, t);
  return t;
}

// ---- node helpers ----

function isStruct(pn: ParseNode, rule: RuleName): boolean {
  return pn !== null && pn.kind === 'rule' && pn.rule === rule;
}

/** Is this node a compile-time constant (the reference's mp_parse_node_is_const)? */
export function isConstNode(pn: ParseNode): boolean {
  if (pn === null) return false;
  switch (pn.kind) {
    case 'int':
    case 'str':
    case 'const':
      return true;
    case 'tok':
      return pn.tok === Tok.KwNone || pn.tok === Tok.KwFalse || pn.tok === Tok.KwTrue || pn.tok === Tok.Ellipsis;
    case 'id':
      return false;
    case 'rule':
      return pn.rule === 'atom_paren' && pn.args[0] === null;
  }
}

/** The value of a node for which `isConstNode` holds. */
export function constNodeValue(pn: ParseNode): ConstObj {
  if (pn === null) throw new Error('constNodeValue: null');
  switch (pn.kind) {
    case 'int':
      return { kind: 'int', value: pn.value };
    case 'str':
      return { kind: 'str', value: pn.value };
    case 'const':
      return pn.obj;
    case 'tok':
      if (pn.tok === Tok.KwNone) return CONST_NONE;
      if (pn.tok === Tok.KwFalse) return CONST_FALSE;
      if (pn.tok === Tok.KwTrue) return CONST_TRUE;
      return CONST_ELLIPSIS;
    default:
      return { kind: 'tuple', items: [] };
  }
}

/** True if the node is a constant whose truth value is true (mp_parse_node_is_const_true). */
export function isConstTrue(pn: ParseNode): boolean {
  return isConstNode(pn) && constIsTrue(constNodeValue(pn));
}
/** True if the node is a constant whose truth value is false (mp_parse_node_is_const_false). */
export function isConstFalse(pn: ParseNode): boolean {
  return isConstNode(pn) && !constIsTrue(constNodeValue(pn));
}

function numberOf(pn: ParseNode, allowFloat: boolean): NumObj | undefined {
  if (pn === null) return undefined;
  if (pn.kind === 'int') return { kind: 'int', value: pn.value };
  if (pn.kind === 'const') {
    const o = pn.obj;
    if (o.kind === 'int' || (allowFloat && o.kind === 'float')) return o;
  }
  return undefined;
}

// The math module's constants are static objects in the reference: every
// `math.nan` folds to the same object, which matters where identity does
// (a NaN equals only itself when the constant table is de-duplicated).
const mathConst = (value: number): NumObj => Object.freeze({ kind: 'float', value });
const MATH_CONSTANTS: ReadonlyMap<string, NumObj> = new Map([
  ['e', mathConst(Math.E)],
  ['pi', mathConst(Math.PI)],
  ['tau', mathConst(2 * Math.PI)],
  ['inf', mathConst(Infinity)],
  ['nan', mathConst(NaN)],
]);

// Token leaves carry no position, so one shared instance per token kind will do.
const TOKEN_LEAVES: readonly PnToken[] = Array.from({ length: Tok.NumberOf }, (_, tok) => ({ kind: 'tok', tok }));

// ---- the parser ----

class Parser {
  private readonly t: Tables;
  private readonly lex: Lexer;
  private readonly f: Readonly<CompilerFeatures>;
  private readonly smallIntBits: number;
  /** the target's small ints are -limit .. limit-1 (computed on first use: any bit count is accepted) */
  private smallIntLimit: bigint | undefined;
  /** int literals in -limit .. limit-1 are small-int leaves for sure (target range within the host's small ints) */
  private readonly literalLeafLimit: bigint;
  private readonly pool: QstrPool;
  // rule stack: (rule id, arg index, line) triples in a typed array
  private rs: Int32Array = new Int32Array(3 * 64);
  private rsTop = 0; // number of entries
  private readonly res: ParseNode[] = [];
  private readonly consts = new Map<string, ConstObj>();
  private readonly idLeaves = new Map<string, PnId>();

  // rule ids the parser treats specially
  private readonly R: Record<
    | 'atom' | 'atom_paren' | 'testlist_comp' | 'testlist_comp_3b' | 'testlist_comp_3c' | 'or_test' | 'and_test'
    | 'not_test_2' | 'expr' | 'xor_expr' | 'and_expr' | 'power' | 'shift_expr' | 'arith_expr' | 'term'
    | 'factor_2' | 'expr_stmt' | 'atom_expr_normal' | 'testlist_star_expr' | 'testlist' | 'subscriptlist'
    | 'pass_stmt' | 'file_input',
    number
  >;

  constructor(source: Uint8Array, options: CompileOptions, pool: QstrPool) {
    this.f = options.features;
    this.t = tablesFor(this.f);
    this.pool = pool;
    this.smallIntBits = options.smallIntBits;
    this.literalLeafLimit = options.smallIntBits - 1 <= 62 ? 1n << BigInt(options.smallIntBits - 1) : 1n << 62n;
    const id = (name: string): number => {
      const v = this.t.id.get(name);
      if (v === undefined) throw new Error(`grammar: no rule ${name}`);
      return v;
    };
    this.R = {
      atom: id('atom'), atom_paren: id('atom_paren'), testlist_comp: id('testlist_comp'),
      testlist_comp_3b: id('testlist_comp_3b'), testlist_comp_3c: id('testlist_comp_3c'),
      or_test: id('or_test'), and_test: id('and_test'), not_test_2: id('not_test_2'), expr: id('expr'),
      xor_expr: id('xor_expr'), and_expr: id('and_expr'), power: id('power'), shift_expr: id('shift_expr'),
      arith_expr: id('arith_expr'), term: id('term'), factor_2: id('factor_2'), expr_stmt: id('expr_stmt'),
      atom_expr_normal: id('atom_expr_normal'), testlist_star_expr: id('testlist_star_expr'),
      testlist: id('testlist'), subscriptlist: id('subscriptlist'), pass_stmt: id('pass_stmt'),
      file_input: id('file_input'),
    };
    // The reference interns the source name when it creates the lexer, so
    // a long string literal equal to it counts as "already interned".
    pool.intern(options.sourceName);
    this.lex = new Lexer(source, { features: this.f, optimize: options.optimize });
  }

  /**
   * Room for `k` more rule-stack entries above `top` (the main loop keeps
   * the stack top in a local and writes the entries itself). Fails as the
   * reference does when the stack would outgrow its limit.
   */
  private reserveRules(top: number, k: number): Int32Array {
    if (top + k > RULE_STACK_LIMIT) throw new CompileError('MemoryError', RULE_STACK_FAIL_MESSAGE);
    let rs = this.rs;
    if (3 * (top + k) > rs.length) {
      const grown = new Int32Array(rs.length * 2);
      grown.set(rs);
      this.rs = rs = grown;
    }
    return rs;
  }
  /**
   * Pushes `child` as a fresh rule at `top` (room for one entry is already
   * there), or, far from the stack limit, its whole descent. Returns the new
   * top; the stack array may have grown (this.rs).
   */
  private pushFresh(top: number, child: number, tok: number, line: number): number {
    let rs = this.rs;
    if (top < RULE_STACK_LIMIT - SKIP_STACK_MARGIN) {
      const t = this.t;
      const at = descentOf(t, child, tok);
      if (at >= 0) {
        const d = t.descents;
        const len = d[at]!;
        rs = this.reserveRules(top, len);
        for (let k = 0, p = at + 1; k < len; k++, p += 2) {
          rs[3 * top] = d[p]!;
          rs[3 * top + 1] = d[p + 1]!;
          rs[3 * top + 2] = line;
          top += 1;
        }
        return top;
      }
    }
    rs[3 * top] = child;
    rs[3 * top + 1] = 0;
    rs[3 * top + 2] = line;
    return top + 1;
  }

  private peekRule(n: number): number {
    return this.rs[3 * (this.rsTop - 1 - n)]!;
  }
  private peek(pos: number): ParseNode {
    return this.res[this.res.length - 1 - pos]!;
  }
  private pop(): ParseNode {
    return this.res.pop()!;
  }

  /**
   * Constant node, or a small-int leaf for a host small int that fits the
   * target's small ints (a big-int object stays a constant whatever its value).
   */
  private constOptimised(line: number, obj: ConstObj): ParseNode {
    if (obj.kind === 'int' && !isBigIntObject(obj)) {
      const lim = (this.smallIntLimit ??= 1n << BigInt(this.smallIntBits - 1));
      if (obj.value >= -lim && obj.value < lim) return { kind: 'int', value: obj.value };
    }
    return { kind: 'const', obj, line };
  }

  private syntaxError(msg: string, line: number): CompileError {
    return new CompileError('SyntaxError', msg, line);
  }

  private pushToken(ruleId: number): void {
    const lex = this.lex;
    let pn: ParseNode;
    switch (lex.tokKind) {
      case Tok.Name: {
        // one leaf per distinct name, shared by its occurrences (leaves are
        // immutable): fewer objects, and later lookups see one string object
        const text = lex.tokText;
        let leaf = this.idLeaves.get(text);
        if (leaf === undefined) {
          this.pool.intern(text);
          leaf = { kind: 'id', name: text };
          this.idLeaves.set(text, leaf);
        }
        const c = ruleId === this.R.atom ? this.consts.get(leaf.name) : undefined;
        pn = c !== undefined ? this.constOptimised(lex.tokLine, c) : leaf;
        break;
      }
      case Tok.Integer: {
        let v: bigint;
        try {
          v = parseIntegerLiteral(lex.tokText);
        } catch (e) {
          if (e instanceof NumberSyntaxError) throw this.syntaxError(e.message, lex.tokLine);
          throw e;
        }
        // a literal in the small-int range is a fresh (not big) int: the
        // node constOptimised would make, without its checks
        const lim = this.literalLeafLimit;
        pn = v >= -lim && v < lim ? { kind: 'int', value: v } : this.constOptimised(lex.tokLine, { kind: 'int', value: v });
        break;
      }
      case Tok.FloatOrImag: {
        let o: ConstObj;
        try {
          o = parseFloatLiteral(lex.tokText, true);
        } catch (e) {
          if (e instanceof NumberSyntaxError) throw this.syntaxError(e.message, lex.tokLine);
          throw e;
        }
        pn = { kind: 'const', obj: o, line: lex.tokLine };
        break;
      }
      case Tok.String: {
        const s = lex.tokText;
        let interned: boolean;
        if (s.length <= INTERN_STRING_MAX_LEN) {
          this.pool.intern(s);
          interned = true;
        } else {
          interned = this.pool.has(s);
        }
        pn = interned ? { kind: 'str', value: s } : { kind: 'const', obj: { kind: 'str', value: s }, line: lex.tokLine };
        break;
      }
      case Tok.Bytes:
        pn = { kind: 'const', obj: { kind: 'bytes', value: lex.tokText }, line: lex.tokLine };
        break;
      default:
        pn = TOKEN_LEAVES[lex.tokKind]!;
    }
    this.res.push(pn);
  }

  // ---- folding ----

  /** or/and with constant operands, and `not <const>`. Returns true if fully folded. */
  private foldLogical(ruleId: number, numArgs: { v: number }): boolean {
    const R = this.R;
    const res = this.res;
    if (ruleId === R.or_test || ruleId === R.and_test) {
      const isOr = ruleId === R.or_test;
      let copyTo = numArgs.v;
      for (let i = copyTo; i > 0; ) {
        const pn = this.peek(--i);
        res[res.length - copyTo] = pn;
        if (i === 0) break; // the last operand is always kept
        if (isOr) {
          if (isConstTrue(pn)) break;
          else if (!isConstFalse(pn)) copyTo -= 1;
        } else {
          if (isConstFalse(pn)) break;
          else if (!isConstTrue(pn)) copyTo -= 1;
        }
      }
      copyTo -= 1; // now the number of entries to drop
      for (let i = 0; i < copyTo; ++i) this.pop();
      numArgs.v -= copyTo;
      return numArgs.v === 1;
    } else if (ruleId === R.not_test_2) {
      const pn = this.peek(0);
      let out: ParseNode;
      if (isConstFalse(pn)) out = TOKEN_LEAVES[Tok.KwTrue]!;
      else if (isConstTrue(pn)) out = TOKEN_LEAVES[Tok.KwFalse]!;
      else return false;
      this.pop();
      this.res.push(out);
      return true;
    }
    return false;
  }

  private foldConstants(ruleId: number, numArgs: number): boolean {
    const R = this.R;
    const allowFloat = this.f.MICROPY_COMP_CONST_FLOAT;
    let arg0: NumObj | undefined;
    if (ruleId === R.expr || ruleId === R.xor_expr || ruleId === R.and_expr || ruleId === R.power) {
      arg0 = numberOf(this.peek(numArgs - 1), allowFloat);
      if (arg0 === undefined) return false;
      const op =
        ruleId === R.expr ? BinaryOp.Or : ruleId === R.xor_expr ? BinaryOp.Xor : ruleId === R.and_expr ? BinaryOp.And : BinaryOp.Power;
      for (let i = numArgs - 2; i >= 0; --i) {
        const arg1 = numberOf(this.peek(i), allowFloat);
        if (arg1 === undefined) return false;
        arg0 = binaryOpMaybe(op, arg0, arg1);
        if (arg0 === undefined) return false;
      }
    } else if (ruleId === R.shift_expr || ruleId === R.arith_expr || ruleId === R.term) {
      arg0 = numberOf(this.peek(numArgs - 1), allowFloat);
      if (arg0 === undefined) return false;
      for (let i = numArgs - 2; i >= 1; i -= 2) {
        const arg1 = numberOf(this.peek(i - 1), allowFloat);
        if (arg1 === undefined) return false;
        const tokNode = this.peek(i);
        if (tokNode === null || tokNode.kind !== 'tok') return false;
        const op = (BinaryOp.Lshift + (tokNode.tok - Tok.OpDblLess)) as BinaryOp;
        arg0 = binaryOpMaybe(op, arg0, arg1);
        if (arg0 === undefined) return false;
      }
    } else if (ruleId === R.factor_2) {
      arg0 = numberOf(this.peek(0), allowFloat);
      if (arg0 === undefined) return false;
      const tokNode = this.peek(1);
      if (tokNode === null || tokNode.kind !== 'tok') return false;
      if (tokNode.tok === Tok.OpTilde) {
        if (arg0.kind !== 'int') return false;
        arg0 = unaryOp(UnaryOp.Invert, arg0);
      } else {
        arg0 = unaryOp(tokNode.tok === Tok.OpPlus ? UnaryOp.Positive : UnaryOp.Negative, arg0);
      }
    } else if (ruleId === R.expr_stmt && this.f.MICROPY_COMP_CONST) {
      return this.foldConstDefinition();
    } else if (ruleId === R.atom_expr_normal && this.f.MICROPY_COMP_MODULE_CONST) {
      const pn0 = this.peek(1);
      const pn1 = this.peek(0);
      if (!(pn0 !== null && pn0.kind === 'id' && isStruct(pn1, 'trailer_period'))) return false;
      const attr = (pn1 as PnStruct).args[0]!;
      if (attr === null || attr.kind !== 'id') return false;
      // the reference's table of foldable modules: only `math` in this build
      const mathAvailable = this.f.MICROPY_PY_BUILTINS_FLOAT && this.f.MICROPY_COMP_CONST_FLOAT;
      if (!(mathAvailable && pn0.name === 'math')) return false;
      arg0 = MATH_CONSTANTS.get(attr.name);
      if (arg0 === undefined) return false;
    } else {
      return false;
    }
    for (let i = numArgs; i > 0; i--) this.pop();
    this.res.push(this.constOptimised(0, arg0));
    return true;
  }

  /** `NAME = const(value)`: records the constant. Returns true if the statement was replaced. */
  private foldConstDefinition(): boolean {
    const pn1 = this.peek(0);
    if (pn1 === null || isStruct(pn1, 'expr_stmt_augassign') || isStruct(pn1, 'expr_stmt_assign_list')) return false;
    const pn0 = this.peek(1);
    if (pn0 === null || pn0.kind !== 'id' || !isStruct(pn1, 'atom_expr_normal')) return false;
    const call = pn1 as PnStruct;
    const callee = call.args[0]!;
    if (!(callee !== null && callee.kind === 'id' && callee.name === 'const' && isStruct(call.args[1]!, 'trailer_paren'))) {
      return false;
    }
    const trailer = call.args[1] as PnStruct;
    const value = trailer.args[0] ?? null;
    if (!isConstNode(value)) throw this.syntaxError('not a constant', call.line);
    this.consts.set(pn0.name, constNodeValue(value));
    if (pn0.name.charCodeAt(0) === 0x5f) {
      // private constant: no assignment is emitted
      this.pop();
      this.pop();
      this.pushResultRule(0, this.R.pass_stmt, 0);
      return true;
    }
    this.pop();
    this.res.push(value);
    return false;
  }

  /** Replaces `numArgs` constant results with one tuple constant, if all are constant. */
  private buildTupleFromStack(line: number, numArgs: number): boolean {
    for (let i = numArgs; i > 0; ) {
      if (!isConstNode(this.peek(--i))) return false;
    }
    const items: ConstObj[] = new Array(numArgs);
    for (let i = numArgs; i > 0; ) items[--i] = constNodeValue(this.pop());
    this.res.push({ kind: 'const', obj: { kind: 'tuple', items }, line });
    return true;
  }

  private buildTuple(line: number, ruleId: number, numArgs: number): boolean {
    const R = this.R;
    if (ruleId === R.testlist_comp && this.peekRule(0) === R.atom_paren) {
      // "(a,)"
      return this.buildTupleFromStack(line, numArgs);
    }
    if (ruleId === R.testlist_comp_3c && this.peekRule(2) === R.atom_paren) {
      // "(a, b)": the pending testlist_comp_3b and testlist_comp rules are done too
      if (this.buildTupleFromStack(line, numArgs)) {
        this.rsTop -= 2;
        return true;
      }
    }
    if (ruleId === R.testlist_star_expr || ruleId === R.testlist || ruleId === R.subscriptlist) {
      // "x = a, b", "return a, b", "for x in a, b", "x[a, b]"
      return this.buildTupleFromStack(line, numArgs);
    }
    return false;
  }

  /** pushResultRule for the main loop, which holds the rule-stack top in a local: returns the new top. */
  private reduceRule(top: number, line: number, ruleId: number, numArgs: number): number {
    this.rsTop = top;
    this.pushResultRule(line, ruleId, numArgs);
    return this.rsTop;
  }

  private pushResultRule(line: number, ruleId: number, numArgs: number): void {
    const R = this.R;
    if (ruleId === R.atom_paren) {
      const pn = this.peek(0);
      // keep the parens for () and for tuples; otherwise it's just the inner expression
      if (pn !== null && !isStruct(pn, 'testlist_comp')) return;
    } else if (ruleId === R.testlist_comp) {
      const pn = this.peek(0);
      if (isStruct(pn, 'testlist_comp_3b')) {
        // one item with a trailing comma
        this.pop();
        --numArgs;
      } else if (isStruct(pn, 'testlist_comp_3c')) {
        // many items: the 3c node (which took our first item) becomes this node
        const node = pn as PnStruct;
        this.pop();
        this.pop();
        this.res.push({ kind: 'rule', rule: 'testlist_comp', line: node.line, args: node.args });
        return;
      }
    } else if (ruleId === R.testlist_comp_3c) {
      // take in the first item of the enclosing testlist_comp
      ++numArgs;
    }

    if (this.f.MICROPY_COMP_CONST_FOLDING) {
      const na = { v: numArgs };
      if (this.foldLogical(ruleId, na)) return;
      numArgs = na.v;
      if (this.foldConstants(ruleId, numArgs)) return;
    }
    if (this.f.MICROPY_COMP_CONST_TUPLE && this.buildTuple(line, ruleId, numArgs)) return;

    const args: ParseNode[] = new Array(numArgs);
    for (let i = numArgs; i > 0; i--) args[i - 1] = this.pop();
    const node: PnStruct = { kind: 'rule', rule: this.t.names[ruleId] as RuleName, line, args };
    if (ruleId === R.testlist_comp_3c) {
      // stands in for the first item taken from testlist_comp
      this.res.push(node);
    }
    this.res.push(node);
  }

  private failSyntax(): never {
    const lex = this.lex;
    let err: CompileError;
    if (lex.tokKind === Tok.Indent) {
      err = new CompileError('IndentationError', 'unexpected indent', lex.tokLine);
    } else if (lex.tokKind === Tok.DedentMismatch) {
      err = new CompileError('IndentationError', "unindent doesn't match any outer indent level", lex.tokLine);
    } else if (lex.tokKind === Tok.MalformedFstring && this.f.MICROPY_PY_FSTRINGS) {
      err = new CompileError('SyntaxError', 'malformed f-string', lex.tokLine);
    } else {
      err = new CompileError('SyntaxError', 'invalid syntax', lex.tokLine);
    }
    throw err;
  }

  parse(): ParseNode {
    const t = this.t;
    const lex = this.lex;
    const argFlat = t.argFlat;
    const skipBelow = RULE_STACK_LIMIT - SKIP_STACK_MARGIN;
    const keepDocStrings = this.f.MICROPY_ENABLE_DOC_STRING;

    let rs = this.reserveRules(0, 1);
    rs[0] = this.R.file_input;
    rs[1] = 0;
    rs[2] = lex.tokLine;
    let top = 1;
    let backtrack = false;

    while (top > 0) {
      top -= 1;
      const ruleId = rs[3 * top]!;
      let i = rs[3 * top + 1]!;
      const ruleLine = rs[3 * top + 2]!;
      const act = t.act[ruleId]!;
      const a0 = t.argBase[ruleId]!; // this rule's args: argFlat[a0 + k]
      const n = t.n[ruleId]!;

      if (act === ACT_OR) {
        if (i > 0 && !backtrack) continue;
        backtrack = false;
        let descended = false;
        for (; i < n; ++i) {
          const arg = argFlat[a0 + i]!;
          if (arg >> 12 === ARG_TOK) {
            if (lex.tokKind === (arg & 0xfff)) {
              this.pushToken(ruleId);
              lex.next();
              descended = true;
              break;
            }
          } else {
            const child = arg & 0xfff;
            if (top < skipBelow && failsCleanly(t, child, lex.tokKind)) continue;
            if (i + 1 < n) {
              // come back here for the next alternative if the child fails
              rs = this.reserveRules(top, 2);
              rs[3 * top] = ruleId;
              rs[3 * top + 1] = i + 1;
              rs[3 * top + 2] = ruleLine;
              top += 1;
            } else {
              rs = this.reserveRules(top, 1);
            }
            top = this.pushFresh(top, child, lex.tokKind, lex.tokLine);
            rs = this.rs;
            descended = true;
            break;
          }
        }
        if (!descended) backtrack = true;
        continue;
      }

      if (act === ACT_AND) {
        if (backtrack) {
          if (argFlat[a0 + (i - 1)]! >> 12 === ARG_OPT) {
            // an optional part failed: record it as empty and go on
            this.res.push(null);
            backtrack = false;
          } else {
            // a mandatory part failed; fine only if nothing was consumed yet
            if (i > 1) this.failSyntax();
            continue;
          }
        }
        let pending = false;
        for (; i < n; ++i) {
          const arg = argFlat[a0 + i]!;
          if (arg >> 12 === ARG_TOK) {
            const tk = arg & 0xfff;
            if (lex.tokKind === tk) {
              if (tk === Tok.Name) this.pushToken(ruleId);
              lex.next();
            } else {
              if (i > 0) this.failSyntax();
              backtrack = true;
              pending = true;
              break;
            }
          } else {
            const child = arg & 0xfff;
            if (top < skipBelow && failsCleanly(t, child, lex.tokKind)) {
              // as when the child is tried and fails (see the backtrack case above)
              if (arg >> 12 === ARG_OPT) {
                this.res.push(null);
                continue;
              }
              if (i > 0) this.failSyntax();
              backtrack = true;
              pending = true;
              break;
            }
            rs = this.reserveRules(top, 2);
            rs[3 * top] = ruleId;
            rs[3 * top + 1] = i + 1;
            rs[3 * top + 2] = ruleLine;
            top = this.pushFresh(top + 1, child, lex.tokKind, lex.tokLine);
            rs = this.rs;
            pending = true;
            break;
          }
        }
        if (pending) continue;

        // the rule matched: build its node
        if (!keepDocStrings && ruleId === this.R.expr_stmt && this.peek(0) === null) {
          // a lone constant statement (e.g. a doc string) does nothing: make it `pass`
          const p = this.peek(1);
          if (p !== null && (p.kind === 'int' || p.kind === 'str' || p.kind === 'tok' || p.kind === 'const')) {
            this.pop();
            this.pop();
            top = this.reduceRule(top, ruleLine, this.R.pass_stmt, 0);
            continue;
          }
        }

        let count = 0;
        let numNotNil = 0;
        for (let x = n; x > 0; ) {
          --x;
          const arg = argFlat[a0 + x]!;
          if (arg >> 12 === ARG_TOK) {
            if ((arg & 0xfff) === Tok.Name) {
              count += 1;
              numNotNil += 1;
            }
          } else {
            if (this.peek(count) !== null) numNotNil += 1;
            count += 1;
          }
        }
        if (numNotNil === 1 && t.ident[ruleId]) {
          // collapses into its single argument
          let pn: ParseNode = null;
          for (let x = 0; x < count; ++x) {
            const pn2 = this.pop();
            if (pn2 !== null) pn = pn2;
          }
          this.res.push(pn);
        } else {
          if (t.blank[ruleId]) {
            this.res.push(null);
            count += 1;
          }
          top = this.reduceRule(top, ruleLine, ruleId, count);
        }
        continue;
      }

      // ACT_LIST: n=2 item+, n=1 item (sep item)*, n=3 same with optional trailing sep
      let hadTrailingSep = false;
      let doBacktrack = backtrack;
      if (!doBacktrack) {
        let descended = false;
        for (;;) {
          const arg = argFlat[a0 + (i & 1 & n)]!;
          if (arg >> 12 === ARG_TOK) {
            if (lex.tokKind === (arg & 0xfff)) {
              if (!(i & 1 & n)) this.pushToken(ruleId);
              lex.next();
              i += 1;
            } else {
              i += 1;
              backtrack = true;
              doBacktrack = true;
              break;
            }
          } else {
            const child = arg & 0xfff;
            if (top < skipBelow && failsCleanly(t, child, lex.tokKind)) {
              // as when the child is tried and fails
              i += 1;
              backtrack = true;
              doBacktrack = true;
              break;
            }
            rs = this.reserveRules(top, 2);
            rs[3 * top] = ruleId;
            rs[3 * top + 1] = i + 1;
            rs[3 * top + 2] = ruleLine;
            top = this.pushFresh(top + 1, child, lex.tokKind, lex.tokLine);
            rs = this.rs;
            descended = true;
            break;
          }
        }
        if (descended) continue;
      }
      if (doBacktrack) {
        if (n === 2) {
          if (i === 1) continue; // first item failed: propagate
          backtrack = false;
        } else {
          if (i === 1) continue;
          if ((i & 1) === 1) {
            // an item failed after a separator
            if (n === 3) {
              hadTrailingSep = true;
              backtrack = false;
            } else {
              this.failSyntax();
            }
          } else {
            // the separator failed: the list ends here
            backtrack = false;
          }
        }
      }
      i -= 1;
      if (n & 1 && argFlat[a0 + 1]! >> 12 === ARG_TOK) {
        // separators that are tokens are not on the result stack
        i = (i + 1) >> 1;
      }
      if (i === 1) {
        if (hadTrailingSep) top = this.reduceRule(top, ruleLine, ruleId, i);
        // else: a single item is left as it is
      } else {
        top = this.reduceRule(top, ruleLine, ruleId, i);
      }
    }

    if (lex.tokKind !== Tok.End || this.res.length === 0) this.failSyntax();
    return this.res[0]!;
  }
}

/**
 * Parses a module's source bytes (file input). Returns the root node with
 * the reference's shape: `file_input_2` for several statements, the
 * statement itself for one, `file_input(NULL)` for none. Throws CompileError
 * on bad input. Interns into `pool` exactly where the reference interns.
 */
export function parse(source: Uint8Array, options: CompileOptions, pool: QstrPool): ParseNode {
  return new Parser(source, options, pool).parse();
}
