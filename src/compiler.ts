// The compiler proper: walks the parse tree once per pass for every scope
// (scope pass: find names and nested scopes; then stack-size, code-size and
// emit passes through the bytecode emitter) and produces the module's raw
// code tree plus its qstr and constant tables. Every rule and message
// follows upstream py/compile.c so the output is byte-identical.
import { ScopeFlag } from './bytecode.ts';
import { constIsTrue } from './constfold.ts';
import {
  AttrKind,
  BREAK_FROM_FOR,
  BuildKind,
  BytecodeEmitter,
  IdOpGlobal,
  IdOpLocal,
  ImportKind,
  ModuleTables,
  Pass,
  SetupBlockKind,
  STAR_FLAG_DOUBLE,
  STAR_FLAG_SINGLE,
  SubscrKind,
  YieldKind,
} from './emitter.ts';
import { CompileError, RecursionLimitError, type CompileErrorKind } from './errors.ts';
import { BinaryOp, UnaryOp } from './ops.ts';
import type { CompileOptions } from './options.ts';
import type { ParseNode, PnConst, PnStruct } from './parsenode.ts';
import type { CompiledModule, RawCodeAsm } from './rawcode.ts';
import {
  EmitOpt,
  ID_FLAG_IS_DBL_STAR_PARAM,
  ID_FLAG_IS_PARAM,
  ID_FLAG_IS_STAR_PARAM,
  IdKind,
  type IdInfo,
  Scope,
  ScopeKind,
  scopeIsCompLike,
} from './scope.ts';
import { Tok } from './tokens.ts';
import { NativeEmitter, NATIVE_TYPE_BY_NAME, type Emitter } from './emit-native.ts';
import { ASM_RETURN_TYPE_SIGS, ASM_TYPE_SIG_INT, parseNodeInt } from './emit-inline-thumb.ts';
import { inlineAssemblerFor, type InlineAssembler } from './emit-inline.ts';

/** What the compiler needs from the qstr pool (it only reads/interns names). */
export interface QstrInterner {
  intern(s: string): unknown;
}

const INVALID_LABEL = 0xffff;

// viper native types (runtime0.h MP_NATIVE_TYPE_*): NATIVE_TYPE_BY_NAME
const NATIVE_TYPE_OBJ = 0;
const ID_FLAG_VIPER_TYPE_POS = 4;
const SCOPE_FLAG_VIPERRET_POS = 6;
// flags only the native emitters read
const SCOPE_FLAG_REFGLOBALS = 0x10;
const SCOPE_FLAG_HASCONSTS = 0x20;

enum AssignKind {
  Store,
  AugLoad,
  AugStore,
}

// ---------------------------------------------------------------------------
// parse-node helpers (upstream MP_PARSE_NODE_* macros)

type StructLike = PnStruct | PnConst;

enum IdLogMode {
  Off,
  Record,
  Replay,
}

function isStruct(pn: ParseNode): pn is StructLike {
  return pn !== null && (pn.kind === 'rule' || pn.kind === 'const');
}

function isRule<R extends string>(pn: ParseNode, rule: R): pn is PnStruct & { readonly rule: R } {
  return pn !== null && pn.kind === 'rule' && pn.rule === rule;
}

function structKind(pn: StructLike): string {
  return pn.kind === 'const' ? 'const_object' : pn.rule;
}

function isId(pn: ParseNode): pn is { kind: 'id'; name: string } {
  return pn !== null && pn.kind === 'id';
}

function isLeaf(pn: ParseNode): boolean {
  return pn !== null && (pn.kind === 'int' || pn.kind === 'id' || pn.kind === 'str' || pn.kind === 'tok');
}

function isToken(pn: ParseNode, tok: Tok): boolean {
  return pn !== null && pn.kind === 'tok' && pn.tok === tok;
}

function isSmallInt(pn: ParseNode): pn is { kind: 'int'; value: bigint } {
  return pn !== null && pn.kind === 'int';
}

/** The name of an identifier leaf; '' for anything else (only reached after an error). */
function leafName(pn: ParseNode): string {
  return pn !== null && pn.kind === 'id' ? pn.name : '';
}

function lineOf(pn: StructLike): number {
  return pn.line;
}

function args(pn: ParseNode): ParseNode[] {
  return pn !== null && pn.kind === 'rule' ? pn.args : [];
}

function arg(pn: ParseNode, i: number): ParseNode {
  return pn !== null && pn.kind === 'rule' ? (pn.args[i] ?? null) : null;
}

/** A node of the given list rule gives its items; any other node is a list of one. */
function extractList(pn: ParseNode, rule: string): ParseNode[] {
  if (pn === null) return [];
  if (pn.kind === 'rule' && pn.rule === rule) return pn.args;
  return [pn];
}

function testlistCompHasCompFor(pns: PnStruct): boolean {
  return pns.args.length === 2 && isRule(pns.args[1] ?? null, 'comp_for');
}

// ---------------------------------------------------------------------------

class Compiler {
  private pass: Pass = Pass.Scope;
  private haveStar = false;
  private error: { kind: CompileErrorKind; message: string } | null = null;
  private errorLine = 0;
  private nextLabel = 0;
  private numDictParams = 0;
  private numDefaultParams = 0;
  private breakLabel = INVALID_LABEL;
  private continueLabel = INVALID_LABEL;
  private curExceptLevel = 0;
  private breakContinueExceptLevel = 0;
  private readonly scopes: Scope[] = [];
  private scopeCur!: Scope;
  // Identifier lookups of a scope's stack-size pass, replayed by its
  // code-size and emit passes (which look up the same names in the same
  // order; each replayed entry is checked by identity of the name string,
  // the one from the parse node, and a difference falls back to lookups).
  private readonly idLogNames: string[] = [];
  private readonly idLogIds: IdInfo[] = [];
  private idLogMode = IdLogMode.Off;
  private idLogPos = 0;
  /** scope created for a def/class/lambda/comprehension node in the scope pass */
  private readonly scopeOfNode = new WeakMap<PnStruct, Scope>();
  private readonly tables: ModuleTables;
  /** the emitter of the scope being compiled: bytecode, or native for native/viper scopes */
  private emit: Emitter;
  private readonly bcEmit: BytecodeEmitter;
  private nativeEmit: NativeEmitter | null = null;
  /** the Thumb inline assembler, made for the first asm function and shared by the rest (as upstream) */
  private inlineAsm: InlineAssembler | null = null;
  private readonly features: CompileOptions['features'];
  private readonly constBoolFromObjects: boolean;

  constructor(
    private readonly options: CompileOptions,
    private readonly pool: QstrInterner | undefined,
  ) {
    this.features = options.features;
    this.constBoolFromObjects = this.features.MICROPY_COMP_CONST_TUPLE || this.features.MICROPY_COMP_CONST;
    this.tables = new ModuleTables(options.sourceName);
    this.bcEmit = new BytecodeEmitter(this.tables, options.optimize, (s) => s.rawCode);
    this.emit = this.bcEmit;
  }

  // --- errors ---------------------------------------------------------------

  private setErrorLine(pn: ParseNode): void {
    if (this.errorLine === 0 && isStruct(pn)) this.errorLine = lineOf(pn);
  }

  private syntaxError(pn: ParseNode, message: string, kind: CompileErrorKind = 'SyntaxError'): void {
    if (this.error === null) {
      this.error = { kind, message };
      this.setErrorLine(pn);
    }
  }

  private newLabel(): number {
    return this.nextLabel++;
  }

  private increaseExceptLevel(label: number, kind: SetupBlockKind): void {
    this.emit.setupBlock(label, kind);
    this.curExceptLevel += 1;
    if (this.curExceptLevel > this.scopeCur.excStackSize) this.scopeCur.excStackSize = this.curExceptLevel;
  }

  private decreaseExceptLevel(): void {
    this.curExceptLevel -= 1;
    this.emit.endFinally();
  }

  private newScope(kind: ScopeKind, pn: PnStruct, emitOptions: EmitOpt): Scope {
    const s = new Scope(kind, pn, emitOptions);
    s.parent = this.scopes.length === 0 ? null : this.scopeCur;
    this.scopes.push(s);
    return s;
  }

  private scopeFor(pns: PnStruct): Scope {
    const s = this.scopeOfNode.get(pns);
    if (s === undefined) throw new Error('compiler: scope missing for node ' + pns.rule);
    return s;
  }

  private applyToSingleOrList(pn: ParseNode, listRule: string, f: (pn: ParseNode) => void): void {
    if (isRule(pn, listRule)) {
      for (const n of pn.args) f(n);
    } else if (pn !== null) {
      f(pn);
    }
  }

  private compileGenericAllNodes(pns: PnStruct): void {
    for (const n of pns.args) {
      this.compileNode(n);
      if (this.error !== null) {
        // give the error a line if it has none yet
        this.setErrorLine(n);
        return;
      }
    }
  }

  // --- identifiers ----------------------------------------------------------

  private idOp(name: string, op: 'load' | 'store' | 'delete'): void {
    let id: IdInfo | undefined;
    if (this.idLogMode === IdLogMode.Replay && this.idLogNames[this.idLogPos] === name) {
      id = this.idLogIds[this.idLogPos++]!;
    } else {
      if (this.idLogMode === IdLogMode.Replay) this.idLogMode = IdLogMode.Off;
      id = this.scopeCur.find(name);
      if (id === undefined) throw new Error(`compiler: identifier ${name} unknown after scope pass`);
      if (this.idLogMode === IdLogMode.Record) {
        this.idLogNames.push(name);
        this.idLogIds.push(id);
      }
    }
    const e = this.emit;
    if (id.kind === IdKind.GlobalImplicit || id.kind === IdKind.GlobalImplicitAssigned || id.kind === IdKind.GlobalExplicit) {
      const k = id.kind === IdKind.GlobalExplicit ? IdOpGlobal.Global : IdOpGlobal.Name;
      // the qstr index is fixed at first use: remember it instead of looking it up every pass
      if (id.qstrIndex < 0) id.qstrIndex = e.qstrIndex(name);
      e.globalOpAt(id.qstrIndex, k, op);
    } else {
      const k = id.kind === IdKind.Local ? IdOpLocal.Fast : IdOpLocal.Deref;
      if (op === 'load') e.loadLocal(id.localNum, k, name);
      else if (op === 'store') e.storeLocal(id.localNum, k, name);
      else e.deleteLocal(id.localNum, k, name);
    }
  }

  private loadId(name: string): void {
    if (this.pass === Pass.Scope) this.scopeCur.idForLoad(name);
    else this.idOp(name, 'load');
  }

  private storeId(name: string): void {
    if (this.pass === Pass.Scope) this.scopeCur.idForModification(name);
    else this.idOp(name, 'store');
  }

  private deleteId(name: string): void {
    if (this.pass === Pass.Scope) this.scopeCur.idForModification(name);
    else this.idOp(name, 'delete');
  }

  // --- constants --------------------------------------------------------------

  /** Whether pn is a constant whose truth value is `value` (upstream parse_node_is_const_bool). */
  private isConstBool(pn: ParseNode, value: boolean): boolean {
    if (!this.constBoolFromObjects) {
      return isToken(pn, value ? Tok.KwTrue : Tok.KwFalse) || (isSmallInt(pn) && (pn.value !== 0n) === value);
    }
    if (pn === null) return false;
    switch (pn.kind) {
      case 'int':
        return (pn.value !== 0n) === value;
      case 'str':
        return (pn.value.length > 0) === value;
      case 'tok':
        if (pn.tok === Tok.KwNone || pn.tok === Tok.KwFalse) return value === false;
        if (pn.tok === Tok.KwTrue || pn.tok === Tok.Ellipsis) return value === true;
        return false;
      case 'const':
        return constIsTrue(pn.obj) === value;
      case 'rule':
        // the empty tuple
        return pn.rule === 'atom_paren' && pn.args[0] === null && value === false;
      default:
        return false;
    }
  }

  private isConstFalse(pn: ParseNode): boolean {
    return this.isConstBool(pn, false);
  }

  private isConstTrue(pn: ParseNode): boolean {
    return this.isConstBool(pn, true);
  }

  // --- expressions and statements ----------------------------------------------

  private compileGenericTuple(pns: PnStruct): void {
    for (const n of pns.args) this.compileNode(n);
    this.emit.build(pns.args.length, BuildKind.Tuple);
  }

  private cIfCond(pn: ParseNode, jumpIf: boolean, label: number): void {
    if (this.isConstFalse(pn)) {
      if (jumpIf === false) this.emit.jump(label);
      return;
    } else if (this.isConstTrue(pn)) {
      if (jumpIf === true) this.emit.jump(label);
      return;
    } else if (pn !== null && pn.kind === 'rule') {
      const n = pn.args.length;
      const isOr = pn.rule === 'or_test';
      if (isOr || pn.rule === 'and_test') {
        // or with jump-if-false and and with jump-if-true need a local label
        if (isOr !== jumpIf) {
          const label2 = this.newLabel();
          for (let i = 0; i < n - 1; i++) this.cIfCond(pn.args[i] ?? null, !jumpIf, label2);
          this.cIfCond(pn.args[n - 1] ?? null, jumpIf, label);
          this.emit.labelAssign(label2);
        } else {
          for (let i = 0; i < n; i++) this.cIfCond(pn.args[i] ?? null, jumpIf, label);
        }
        return;
      } else if (pn.rule === 'not_test_2') {
        this.cIfCond(pn.args[0] ?? null, !jumpIf, label);
        return;
      }
    }
    this.compileNode(pn);
    this.emit.popJumpIf(jumpIf, label);
  }

  private cAssignAtomExpr(pns: PnStruct, assignKind: AssignKind): void {
    if (assignKind !== AssignKind.AugStore) this.compileNode(pns.args[0] ?? null);

    let pns1 = pns.args[1] ?? null;
    if (pns1 !== null && pns1.kind === 'rule') {
      if (pns1.rule === 'atom_expr_trailers') {
        const n = pns1.args.length;
        if (assignKind !== AssignKind.AugStore) {
          for (let i = 0; i < n - 1; i++) this.compileNode(pns1.args[i] ?? null);
        }
        pns1 = pns1.args[n - 1] ?? null;
      }
      if (isRule(pns1, 'trailer_bracket')) {
        if (assignKind === AssignKind.AugStore) {
          this.emit.rotThree();
          this.emit.subscr(SubscrKind.Store);
        } else {
          this.compileNode(pns1.args[0] ?? null);
          if (assignKind === AssignKind.AugLoad) {
            this.emit.dupTopTwo();
            this.emit.subscr(SubscrKind.Load);
          } else {
            this.emit.subscr(SubscrKind.Store);
          }
        }
        return;
      } else if (isRule(pns1, 'trailer_period')) {
        const attr = leafName(pns1.args[0] ?? null);
        if (assignKind === AssignKind.AugLoad) {
          this.emit.dupTop();
          this.emit.attr(attr, AttrKind.Load);
        } else {
          if (assignKind === AssignKind.AugStore) this.emit.rotTwo();
          this.emit.attr(attr, AttrKind.Store);
        }
        return;
      }
    }
    this.syntaxError(pns, "can't assign to expression");
  }

  private cAssignTuple(nodes: ParseNode[]): void {
    const numTail = nodes.length;
    let haveStarIndex = -1;
    for (let i = 0; i < numTail; i++) {
      if (isRule(nodes[i] ?? null, 'star_expr')) {
        if (haveStarIndex === -1) {
          this.emit.unpackEx(i, numTail - i - 1);
          haveStarIndex = i;
        } else {
          this.syntaxError(nodes[i] ?? null, 'multiple *x in assignment');
          return;
        }
      }
    }
    if (haveStarIndex === -1) this.emit.unpackSequence(numTail);
    for (let i = 0; i < numTail; i++) {
      if (i === haveStarIndex) this.cAssign(arg(nodes[i] ?? null, 0), AssignKind.Store);
      else this.cAssign(nodes[i] ?? null, AssignKind.Store);
    }
  }

  /** Assigns the top of the stack to pn. */
  private cAssign(pn: ParseNode, assignKind: AssignKind): void {
    if (pn === null) {
      // only after an error (e.g. a bare star)
      return;
    }
    if (isLeaf(pn)) {
      if (isId(pn)) {
        if (assignKind === AssignKind.AugLoad) this.loadId(pn.name);
        else this.storeId(pn.name);
        return;
      }
      this.syntaxError(pn, "can't assign to expression");
      return;
    }
    const pns = pn as StructLike;
    if (pns.kind === 'rule') {
      switch (pns.rule) {
        case 'atom_expr_normal':
          this.cAssignAtomExpr(pns, assignKind);
          return;
        case 'testlist_star_expr':
        case 'exprlist':
          if (assignKind !== AssignKind.Store) break;
          this.cAssignTuple(pns.args);
          return;
        case 'atom_paren': {
          const inner = pns.args[0] ?? null;
          if (inner === null) break; // empty tuple
          if (assignKind !== AssignKind.Store) break;
          if (inner.kind === 'rule' && testlistCompHasCompFor(inner)) break;
          this.cAssignTuple(args(inner));
          return;
        }
        case 'atom_bracket': {
          if (assignKind !== AssignKind.Store) break;
          const inner = pns.args[0] ?? null;
          if (inner === null) {
            this.cAssignTuple([]);
          } else if (isRule(inner, 'testlist_comp')) {
            if (testlistCompHasCompFor(inner)) break;
            this.cAssignTuple(inner.args);
          } else {
            this.cAssignTuple([inner]);
          }
          return;
        }
        default:
          break;
      }
    }
    this.syntaxError(pn, "can't assign to expression");
  }

  /**
   * Makes a function/closure for this_scope. The stack holds the positional
   * defaults tuple and/or keyword defaults dict when their counts are > 0.
   */
  private closeOverVariablesEtc(thisScope: Scope, nPosDefaults: number, nKwDefaults: number): void {
    if (nKwDefaults > 0) thisScope.scopeFlags |= ScopeFlag.DEFKWARGS;
    thisScope.numDefPosArgs = nPosDefaults;
    // making a function references the current globals
    this.scopeCur.scopeFlags |= SCOPE_FLAG_REFGLOBALS | SCOPE_FLAG_HASCONSTS;

    // load closed-over variables in the order of the outer scope
    let nfree = 0;
    if (this.scopeCur.kind !== ScopeKind.Module) {
      // thisScope's parent is scopeCur
      for (const id2 of thisScope.freeVarsInParentOrder()) {
        this.emit.loadLocal(this.scopeCur.find(id2.name)!.localNum, IdOpLocal.Fast, id2.name);
        nfree += 1;
      }
    }

    if (nfree === 0) this.emit.makeFunction(thisScope, nPosDefaults, nKwDefaults);
    else this.emit.makeClosure(thisScope, nfree, nPosDefaults, nKwDefaults);
  }

  private compileFuncdefLambdefParam(pn: ParseNode): void {
    const kind = isId(pn) ? '' : isStruct(pn) ? structKind(pn) : '?';
    if (kind === 'typedargslist_star' || kind === 'varargslist_star') {
      this.haveStar = true;
    } else if (kind === 'typedargslist_dbl_star' || kind === 'varargslist_dbl_star') {
      // nothing to evaluate
    } else {
      let pnId: ParseNode;
      let pnEqual: ParseNode;
      if (kind === '') {
        pnId = pn;
        pnEqual = null;
      } else if (kind === 'typedargslist_name') {
        pnId = arg(pn, 0);
        pnEqual = arg(pn, 2);
      } else {
        pnId = arg(pn, 0);
        pnEqual = arg(pn, 1);
      }

      if (pnEqual === null) {
        // parser allows a non-default param after default ones; the compiler does not
        if (!this.haveStar && this.numDefaultParams !== 0) {
          this.syntaxError(pn, 'non-default argument follows default argument');
          return;
        }
      } else if (this.haveStar) {
        this.numDictParams += 1;
        // keyword-only defaults go into a dict built by the bytecode
        if (this.numDictParams === 1) {
          // positional defaults tuple (or NULL) must go below the dict
          if (this.numDefaultParams > 0) this.emit.build(this.numDefaultParams, BuildKind.Tuple);
          else this.emit.loadNull();
          this.emit.build(0, BuildKind.Map);
        }
        this.compileNode(pnEqual);
        this.emit.loadConstStr(leafName(pnId));
        this.emit.storeMap();
      } else {
        this.numDefaultParams += 1;
        this.compileNode(pnEqual);
      }
    }
  }

  private compileFuncdefLambdef(scope: Scope, pnParams: ParseNode, listRule: string): void {
    // default values may contain lambdas which come back here: save state
    const origHaveStar = this.haveStar;
    const origNumDictParams = this.numDictParams;
    const origNumDefaultParams = this.numDefaultParams;

    this.haveStar = false;
    this.numDictParams = 0;
    this.numDefaultParams = 0;
    this.applyToSingleOrList(pnParams, listRule, (p) => this.compileFuncdefLambdefParam(p));

    if (this.error !== null) return;

    if (this.numDefaultParams > 0 && this.numDictParams === 0) {
      this.emit.build(this.numDefaultParams, BuildKind.Tuple);
      this.emit.loadNull(); // no keyword defaults
    }

    this.closeOverVariablesEtc(scope, this.numDefaultParams, this.numDictParams);

    this.haveStar = origHaveStar;
    this.numDictParams = origNumDictParams;
    this.numDefaultParams = origNumDefaultParams;
  }

  /** Leaves the function object on the stack and returns its name. */
  private compileFuncdefHelper(pns: PnStruct, emitOptions: EmitOpt): string {
    if (this.pass === Pass.Scope) {
      this.scopeOfNode.set(pns, this.newScope(ScopeKind.Function, pns, emitOptions));
    }
    const fscope = this.scopeFor(pns);
    this.compileFuncdefLambdef(fscope, pns.args[1] ?? null, 'typedargslist');
    return fscope.simpleName;
  }

  /** Leaves the class object on the stack and returns its name. */
  private compileClassdefHelper(pns: PnStruct, emitOptions: EmitOpt): string {
    if (this.pass === Pass.Scope) {
      this.scopeOfNode.set(pns, this.newScope(ScopeKind.Class, pns, emitOptions));
    }
    this.emit.loadBuildClass();
    const cscope = this.scopeFor(pns);
    this.closeOverVariablesEtc(cscope, 0, 0);
    this.emit.loadConstStr(cscope.simpleName);

    // "class C():" gives an empty classdef_2 node
    let parents = pns.args[1] ?? null;
    if (isRule(parents, 'classdef_2')) parents = null;
    this.compileTrailerParenHelper(parents, false, 2);
    return cscope.simpleName;
  }

  /** Returns true for a @micropython.xxx decorator (even an invalid one). */
  private compileBuiltInDecorator(nameNodes: ParseNode[], emitOptions: { value: EmitOpt }): boolean {
    if (leafName(nameNodes[0] ?? null) !== 'micropython') return false;

    if (nameNodes.length !== 2) {
      this.syntaxError(nameNodes[0] ?? null, 'invalid micropython decorator');
      return true;
    }

    const attr = leafName(nameNodes[1] ?? null);
    if (attr === 'bytecode') {
      emitOptions.value = EmitOpt.Bytecode;
    } else if (attr === 'native') {
      emitOptions.value = EmitOpt.NativePython;
    } else if (attr === 'viper') {
      emitOptions.value = EmitOpt.Viper;
    } else if (attr === 'asm_thumb' || attr === 'asm_xtensa' || attr === 'asm_rv32') {
      emitOptions.value = EmitOpt.Asm;
    } else {
      this.syntaxError(nameNodes[1] ?? null, 'invalid micropython decorator');
    }

    if (emitOptions.value === EmitOpt.NativePython || emitOptions.value === EmitOpt.Viper) {
      if (!nativeArchSupported(this.options.arch)) this.syntaxError(nameNodes[1] ?? null, 'invalid arch');
    } else if (emitOptions.value === EmitOpt.Asm) {
      if (!asmArchSupported(this.options.arch)) this.syntaxError(nameNodes[1] ?? null, 'invalid arch');
    }
    return true;
  }

  private compileDecorated(pns: PnStruct): void {
    const decorators = extractList(pns.args[0] ?? null, 'decorators');
    const emitOptions = { value: this.scopeCur.emitOptions };

    let numBuiltIn = 0;
    for (const dec of decorators) {
      const nameNodes = extractList(arg(dec, 0), 'dotted_name');
      if (this.compileBuiltInDecorator(nameNodes, emitOptions)) {
        numBuiltIn += 1;
      } else {
        this.compileNode(nameNodes[0] ?? null);
        for (let j = 1; j < nameNodes.length; j++) this.emit.attr(leafName(nameNodes[j] ?? null), AttrKind.Load);
        const callArgs = arg(dec, 1);
        if (callArgs !== null) this.compileNode(callArgs);
      }
    }

    const body = pns.args[1] as PnStruct;
    let bodyName: string;
    if (body.rule === 'funcdef') {
      bodyName = this.compileFuncdefHelper(body, emitOptions.value);
    } else if (body.rule === 'async_funcdef') {
      const pns0 = body.args[0] as PnStruct;
      bodyName = this.compileFuncdefHelper(pns0, emitOptions.value);
      this.scopeFor(pns0).scopeFlags |= ScopeFlag.GENERATOR;
    } else {
      bodyName = this.compileClassdefHelper(body, emitOptions.value);
    }

    for (let i = 0; i < decorators.length - numBuiltIn; i++) this.emit.callFunction(1, 0, 0);

    this.storeId(bodyName);
  }

  private compileFuncdef(pns: PnStruct): void {
    const fname = this.compileFuncdefHelper(pns, this.scopeCur.emitOptions);
    this.storeId(fname);
  }

  private cDelStmt(pn: ParseNode): void {
    if (isId(pn)) {
      this.deleteId(pn.name);
      return;
    }
    if (isRule(pn, 'atom_expr_normal')) {
      this.compileNode(pn.args[0] ?? null);
      let pns1 = pn.args[1] ?? null;
      if (pns1 !== null && pns1.kind === 'rule') {
        if (pns1.rule === 'atom_expr_trailers') {
          const n = pns1.args.length;
          for (let i = 0; i < n - 1; i++) this.compileNode(pns1.args[i] ?? null);
          pns1 = pns1.args[n - 1] ?? null;
        }
        if (isRule(pns1, 'trailer_bracket')) {
          this.compileNode(pns1.args[0] ?? null);
          this.emit.subscr(SubscrKind.Delete);
          return;
        } else if (isRule(pns1, 'trailer_period')) {
          this.emit.attr(leafName(pns1.args[0] ?? null), AttrKind.Delete);
          return;
        }
      }
    } else if (isRule(pn, 'atom_paren')) {
      const inner = pn.args[0] ?? null;
      if (inner !== null && inner.kind === 'rule' && !testlistCompHasCompFor(inner)) {
        for (const n of inner.args) this.cDelStmt(n);
        return;
      }
      pn = inner;
    }
    this.syntaxError(pn, "can't delete expression");
  }

  private compileDelStmt(pns: PnStruct): void {
    this.applyToSingleOrList(pns.args[0] ?? null, 'exprlist', (p) => this.cDelStmt(p));
  }

  private compileBreakContStmt(pns: PnStruct): void {
    const label = pns.rule === 'break_stmt' ? this.breakLabel : this.continueLabel;
    if (label === INVALID_LABEL) {
      this.syntaxError(pns, "'break'/'continue' outside loop");
    }
    this.emit.unwindJump(label, this.curExceptLevel - this.breakContinueExceptLevel);
  }

  private compileReturnStmt(pns: PnStruct): void {
    if (this.scopeCur.kind !== ScopeKind.Function) {
      this.syntaxError(pns, "'return' outside function");
      return;
    }
    const value = pns.args[0] ?? null;
    if (value === null) {
      this.emit.loadConstTok(Tok.KwNone);
    } else if (this.features.MICROPY_COMP_RETURN_IF_EXPR && isRule(value, 'test_if_expr')) {
      // return a if c else b: two returns, like CPython
      const ifElse = value.args[1] ?? null;
      const lFail = this.newLabel();
      this.cIfCond(arg(ifElse, 0), false, lFail);
      this.compileNode(value.args[0] ?? null);
      this.emit.returnValue();
      this.emit.labelAssign(lFail);
      this.compileNode(arg(ifElse, 1));
    } else {
      this.compileNode(value);
    }
    this.emit.returnValue();
  }

  private compileYieldStmt(pns: PnStruct): void {
    this.compileNode(pns.args[0] ?? null);
    this.emit.popTop();
  }

  private compileRaiseStmt(pns: PnStruct): void {
    const a = pns.args[0] ?? null;
    if (a === null) {
      this.emit.raiseVarargs(0);
    } else if (isRule(a, 'raise_stmt_arg')) {
      this.compileNode(a.args[0] ?? null);
      this.compileNode(a.args[1] ?? null);
      this.emit.raiseVarargs(2);
    } else {
      this.compileNode(a);
      this.emit.raiseVarargs(1);
    }
  }

  /** Emits IMPORT_NAME for pn; returns the name to bind (the base name of a.b.c). */
  private doImportName(pn: ParseNode): string {
    let isAs = false;
    let qBase = '';
    if (isRule(pn, 'dotted_as_name')) {
      qBase = leafName(pn.args[1] ?? null);
      pn = pn.args[0] ?? null;
      isAs = true;
    }
    if (pn === null) {
      // from . import x: import the empty name
      qBase = '';
      this.emit.importOp('', ImportKind.Name);
    } else if (isId(pn)) {
      if (!isAs) qBase = pn.name;
      this.emit.importOp(pn.name, ImportKind.Name);
    } else {
      const parts = args(pn);
      if (!isAs) qBase = leafName(parts[0] ?? null);
      const full = parts.map((p) => leafName(p)).join('.');
      this.pool?.intern(full);
      this.emit.importOp(full, ImportKind.Name);
      if (isAs) {
        for (let i = 1; i < parts.length; i++) this.emit.attr(leafName(parts[i] ?? null), AttrKind.Load);
      }
    }
    return qBase;
  }

  private compileDottedAsName(pn: ParseNode): void {
    this.emit.loadConstSmallInt(0n); // level 0
    this.emit.loadConstTok(Tok.KwNone); // not importing from anything
    const qBase = this.doImportName(pn);
    this.storeId(qBase);
  }

  private compileImportName(pns: PnStruct): void {
    this.applyToSingleOrList(pns.args[0] ?? null, 'dotted_as_names', (p) => this.compileDottedAsName(p));
  }

  private compileImportFrom(pns: PnStruct): void {
    let source = pns.args[0] ?? null;

    // leading dots/ellipses give the relative import level
    let importLevel = 0;
    let pnRel: ParseNode | undefined;
    if ((source !== null && source.kind === 'tok') || isRule(source, 'one_or_more_period_or_ellipsis')) {
      pnRel = source;
      source = null;
    } else if (isRule(source, 'import_from_2b')) {
      pnRel = source.args[0] ?? null;
      source = source.args[1] ?? null;
    }
    if (pnRel !== undefined) {
      for (const n of extractList(pnRel, 'one_or_more_period_or_ellipsis')) {
        importLevel += isToken(n, Tok.DelPeriod) ? 1 : 3;
      }
    }

    if (isToken(pns.args[1] ?? null, Tok.OpStar)) {
      if (this.scopeCur.kind !== ScopeKind.Module) {
        this.syntaxError(pns, 'import * not at module level');
        return;
      }
      this.emit.loadConstSmallInt(BigInt(importLevel));
      this.emit.loadConstStr('*');
      this.emit.build(1, BuildKind.Tuple);
      this.doImportName(source);
      this.emit.importOp('', ImportKind.Star);
    } else {
      this.emit.loadConstSmallInt(BigInt(importLevel));
      const names = extractList(pns.args[1] ?? null, 'import_as_names');
      for (const n of names) this.emit.loadConstStr(leafName(arg(n, 0)));
      this.emit.build(names.length, BuildKind.Tuple);
      this.doImportName(source);
      for (const n of names) {
        const id2 = leafName(arg(n, 0));
        this.emit.importOp(id2, ImportKind.From);
        const asName = arg(n, 1);
        this.storeId(asName === null ? id2 : leafName(asName));
      }
      this.emit.popTop();
    }
  }

  private declareGlobal(pn: ParseNode, idInfo: IdInfo): void {
    if (idInfo.kind !== IdKind.Undecided && idInfo.kind !== IdKind.GlobalExplicit) {
      this.syntaxError(pn, 'identifier redefined as global');
      return;
    }
    idInfo.kind = IdKind.GlobalExplicit;
    const g = this.scopeCur.findGlobal(idInfo.name);
    if (g !== undefined) g.kind = IdKind.GlobalExplicit;
  }

  private declareNonlocal(pn: ParseNode, idInfo: IdInfo): void {
    if (idInfo.kind === IdKind.Undecided) {
      idInfo.kind = IdKind.GlobalImplicit;
      this.scopeCur.checkToCloseOver(idInfo);
      if (idInfo.kind === IdKind.GlobalImplicit) this.syntaxError(pn, 'no binding for nonlocal found');
    } else if (idInfo.kind !== IdKind.Free) {
      this.syntaxError(pn, 'identifier redefined as nonlocal');
    }
  }

  private declareGlobalOrNonlocal(pn: ParseNode, idInfo: IdInfo, isGlobal: boolean): void {
    if (isGlobal) this.declareGlobal(pn, idInfo);
    else this.declareNonlocal(pn, idInfo);
  }

  private compileGlobalNonlocalStmt(pns: PnStruct): void {
    if (this.pass !== Pass.Scope) return;
    const isGlobal = pns.rule === 'global_stmt';
    if (!isGlobal && this.scopeCur.kind === ScopeKind.Module) {
      this.syntaxError(pns, "can't declare nonlocal in outer code");
      return;
    }
    for (const n of extractList(pns.args[0] ?? null, 'name_list')) {
      const idInfo = this.scopeCur.findOrAdd(leafName(n), IdKind.Undecided);
      this.declareGlobalOrNonlocal(pns, idInfo, isGlobal);
    }
  }

  private compileAssertStmt(pns: PnStruct): void {
    // -O1 and above drop assertions
    if (this.options.optimize !== 0) return;
    const lEnd = this.newLabel();
    this.cIfCond(pns.args[0] ?? null, true, lEnd);
    this.emit.loadGlobal('AssertionError', IdOpGlobal.Global);
    const msg = pns.args[1] ?? null;
    if (msg !== null) {
      this.compileNode(msg);
      this.emit.callFunction(1, 0, 0);
    }
    this.emit.raiseVarargs(1);
    this.emit.labelAssign(lEnd);
  }

  private compileIfStmt(pns: PnStruct): void {
    const lEnd = this.newLabel();
    const [cond, body, elifs, elseBlock] = [pns.args[0] ?? null, pns.args[1] ?? null, pns.args[2] ?? null, pns.args[3] ?? null];

    done: {
      if (!this.isConstFalse(cond)) {
        const lFail = this.newLabel();
        this.cIfCond(cond, false, lFail);
        this.compileNode(body);
        if (this.isConstTrue(cond)) break done;
        if (!(elifs === null && elseBlock === null)) this.emit.jump(lEnd);
        this.emit.labelAssign(lFail);
      }

      for (const elif of extractList(elifs, 'if_stmt_elif_list')) {
        const econd = arg(elif, 0);
        if (!this.isConstFalse(econd)) {
          const lFail = this.newLabel();
          this.cIfCond(econd, false, lFail);
          this.compileNode(arg(elif, 1));
          if (this.isConstTrue(econd)) break done;
          this.emit.jump(lEnd);
          this.emit.labelAssign(lFail);
        }
      }

      this.compileNode(elseBlock);
    }
    this.emit.labelAssign(lEnd);
  }

  /** Saves the loop labels, installs fresh ones; returns a restore function. */
  private startBreakContinueBlock(): { breakLabel: number; continueLabel: number; end: () => void } {
    const oldBreak = this.breakLabel;
    const oldContinue = this.continueLabel;
    const oldLevel = this.breakContinueExceptLevel;
    const breakLabel = this.newLabel();
    const continueLabel = this.newLabel();
    this.breakLabel = breakLabel;
    this.continueLabel = continueLabel;
    this.breakContinueExceptLevel = this.curExceptLevel;
    return {
      breakLabel,
      continueLabel,
      end: () => {
        this.breakLabel = oldBreak;
        this.continueLabel = oldContinue;
        this.breakContinueExceptLevel = oldLevel;
      },
    };
  }

  private compileWhileStmt(pns: PnStruct): void {
    const blk = this.startBreakContinueBlock();
    const cond = pns.args[0] ?? null;
    if (!this.isConstFalse(cond)) {
      const topLabel = this.newLabel();
      if (!this.isConstTrue(cond)) this.emit.jump(blk.continueLabel);
      this.emit.labelAssign(topLabel);
      this.compileNode(pns.args[1] ?? null);
      this.emit.labelAssign(blk.continueLabel);
      this.cIfCond(cond, true, topLabel);
    }
    // break/continue in the else block belong to an outer loop
    blk.end();
    this.compileNode(pns.args[2] ?? null);
    this.emit.labelAssign(blk.breakLabel);
  }

  /**
   * for var in range(start, end, step) without building a range object:
   * the loop value (and end, if not a small-int constant) live on the stack.
   */
  private compileForStmtOptimisedRange(
    pnVar: ParseNode,
    pnStart: ParseNode,
    pnEnd: ParseNode,
    pnStep: ParseNode,
    pnBody: ParseNode,
    pnElse: ParseNode,
  ): void {
    const blk = this.startBreakContinueBlock();
    const topLabel = this.newLabel();
    const entryLabel = this.newLabel();

    const endOnStack = !isSmallInt(pnEnd);
    if (endOnStack) this.compileNode(pnEnd);
    this.compileNode(pnStart);

    this.emit.jump(entryLabel);
    this.emit.labelAssign(topLabel);

    this.emit.dupTop();
    this.cAssign(pnVar, AssignKind.Store);

    this.compileNode(pnBody);

    this.emit.labelAssign(blk.continueLabel);

    this.compileNode(pnStep);
    this.emit.binaryOp(BinaryOp.InplaceAdd);

    this.emit.labelAssign(entryLabel);

    if (endOnStack) {
      this.emit.dupTopTwo();
      this.emit.rotTwo();
    } else {
      this.emit.dupTop();
      this.compileNode(pnEnd);
    }
    const step = isSmallInt(pnStep) ? pnStep.value : 0n;
    this.emit.binaryOp(step >= 0n ? BinaryOp.Less : BinaryOp.More);
    this.emit.popJumpIf(true, topLabel);

    blk.end();

    // the else block runs with the loop values popped, as it may break/continue
    let endLabel = 0;
    if (pnElse !== null) {
      this.emit.popTop();
      if (endOnStack) this.emit.popTop();
      this.compileNode(pnElse);
      endLabel = this.newLabel();
      this.emit.jump(endLabel);
      this.emit.adjustStackSize(1 + (endOnStack ? 1 : 0));
    }

    this.emit.labelAssign(blk.breakLabel);
    this.emit.popTop();
    if (endOnStack) this.emit.popTop();
    if (pnElse !== null) this.emit.labelAssign(endLabel);
  }

  private compileForStmt(pns: PnStruct): void {
    const [pnVar, pnIter, pnBody, pnElse] = [pns.args[0] ?? null, pns.args[1] ?? null, pns.args[2] ?? null, pns.args[3] ?? null];
    if (isId(pnVar) && isRule(pnIter, 'atom_expr_normal')) {
      const base = pnIter.args[0] ?? null;
      const trailer = pnIter.args[1] ?? null;
      if (isId(base) && base.name === 'range' && isRule(trailer, 'trailer_paren')) {
        const rangeArgs = extractList(trailer.args[0] ?? null, 'arglist');
        const nArgs = rangeArgs.length;
        let start: ParseNode = null;
        let end: ParseNode = null;
        let step: ParseNode = null;
        let optimize = false;
        if (nArgs >= 1 && nArgs <= 3) {
          optimize = true;
          if (nArgs === 1) {
            start = { kind: 'int', value: 0n };
            end = rangeArgs[0] ?? null;
            step = { kind: 'int', value: 1n };
          } else if (nArgs === 2) {
            start = rangeArgs[0] ?? null;
            end = rangeArgs[1] ?? null;
            step = { kind: 'int', value: 1n };
          } else {
            start = rangeArgs[0] ?? null;
            end = rangeArgs[1] ?? null;
            step = rangeArgs[2] ?? null;
            // the step must be a non-zero small-int constant
            if (!isSmallInt(step) || step.value === 0n) optimize = false;
          }
          // start and end must be plain expressions
          for (const a of [start, end]) {
            if (optimize && isStruct(a)) {
              const k = structKind(a);
              if (k === 'arglist_star' || k === 'arglist_dbl_star' || k === 'argument') optimize = false;
            }
          }
        }
        if (optimize) {
          this.compileForStmtOptimisedRange(pnVar, start, end, step, pnBody, pnElse);
          return;
        }
      }
    }

    const blk = this.startBreakContinueBlock();
    this.breakLabel |= BREAK_FROM_FOR;
    const popLabel = this.newLabel();

    this.compileNode(pnIter);
    this.emit.getIter(true);
    this.emit.labelAssign(blk.continueLabel);
    this.emit.forIter(popLabel);
    this.cAssign(pnVar, AssignKind.Store);
    this.compileNode(pnBody);
    this.emit.jump(blk.continueLabel);
    this.emit.labelAssign(popLabel);
    this.emit.forIterEnd();

    blk.end();
    this.compileNode(pnElse);
    this.emit.labelAssign(blk.breakLabel);
  }

  private compileTryExcept(pnBody: ParseNode, excepts: ParseNode[], pnElse: ParseNode): void {
    const l1 = this.newLabel();
    const successLabel = this.newLabel();

    this.increaseExceptLevel(l1, SetupBlockKind.Except);
    this.compileNode(pnBody);
    this.emit.popExceptJump(successLabel, false);

    this.emit.labelAssign(l1);
    this.emit.startExceptHandler();
    // the raised exception is on the stack now

    const l2 = this.newLabel();

    for (let i = 0; i < excepts.length; i++) {
      const pnsExcept = excepts[i] ?? null;
      let exceptionLocal: string | null = null;
      const endFinallyLabel = this.newLabel();

      let excExpr = arg(pnsExcept, 0);
      if (excExpr === null) {
        // catch-all handler
        if (i + 1 !== excepts.length) {
          this.syntaxError(pnsExcept, "default 'except' must be last");
          this.decreaseExceptLevel();
          return;
        }
      } else {
        if (isRule(excExpr, 'try_stmt_as_name')) {
          exceptionLocal = leafName(excExpr.args[1] ?? null);
          excExpr = excExpr.args[0] ?? null;
        }
        this.emit.dupTop();
        this.compileNode(excExpr);
        this.emit.binaryOp(BinaryOp.ExceptionMatch);
        this.emit.popJumpIf(false, endFinallyLabel);
      }

      if (exceptionLocal === null) this.emit.popTop();
      else this.storeId(exceptionLocal);

      // "except E as e" wraps its body in try/finally that deletes e
      let l3 = 0;
      if (exceptionLocal !== null) {
        l3 = this.newLabel();
        this.increaseExceptLevel(l3, SetupBlockKind.Finally);
      }
      this.compileNode(arg(pnsExcept, 1));
      if (exceptionLocal !== null) {
        this.emit.loadConstTok(Tok.KwNone);
        this.emit.labelAssign(l3);
        this.emit.adjustStackSize(1); // possible return value
        this.emit.loadConstTok(Tok.KwNone);
        this.storeId(exceptionLocal);
        this.deleteId(exceptionLocal);
        this.emit.adjustStackSize(-1);
        this.decreaseExceptLevel();
      }

      this.emit.popExceptJump(l2, true);
      this.emit.labelAssign(endFinallyLabel);
      this.emit.adjustStackSize(1); // the exception instance
    }

    this.decreaseExceptLevel();
    this.emit.endExceptHandler();

    this.emit.labelAssign(successLabel);
    this.compileNode(pnElse);
    this.emit.labelAssign(l2);
  }

  private compileTryFinally(pnBody: ParseNode, excepts: ParseNode[], pnElse: ParseNode, pnFinally: ParseNode): void {
    const lFinallyBlock = this.newLabel();
    this.increaseExceptLevel(lFinallyBlock, SetupBlockKind.Finally);

    if (excepts.length === 0) {
      this.emit.adjustStackSize(3); // possible UNWIND_JUMP state
      this.compileNode(pnBody);
      this.emit.adjustStackSize(-3);
    } else {
      this.compileTryExcept(pnBody, excepts, pnElse);
    }

    // normal exit from the try part: None on the stack
    this.emit.loadConstTok(Tok.KwNone);

    // +1: the finally may run as part of a return, with the value on the stack
    this.emit.labelAssign(lFinallyBlock);
    this.emit.adjustStackSize(1);
    this.compileNode(pnFinally);
    this.emit.adjustStackSize(-1);

    this.decreaseExceptLevel();
  }

  private compileTryStmt(pns: PnStruct): void {
    const pns2 = pns.args[1] ?? null;
    if (isRule(pns2, 'try_stmt_finally')) {
      this.compileTryFinally(pns.args[0] ?? null, [], null, pns2.args[0] ?? null);
    } else if (isRule(pns2, 'try_stmt_except_and_more')) {
      const excepts = extractList(pns2.args[0] ?? null, 'try_stmt_except_list');
      const fin = pns2.args[2] ?? null;
      if (fin === null) {
        this.compileTryExcept(pns.args[0] ?? null, excepts, pns2.args[1] ?? null);
      } else {
        this.compileTryFinally(pns.args[0] ?? null, excepts, pns2.args[1] ?? null, arg(fin, 0));
      }
    } else {
      const excepts = extractList(pns2, 'try_stmt_except_list');
      this.compileTryExcept(pns.args[0] ?? null, excepts, null);
    }
  }

  private compileWithStmtHelper(nodes: ParseNode[], idx: number, body: ParseNode): void {
    if (idx === nodes.length) {
      this.compileNode(body);
      return;
    }
    const lEnd = this.newLabel();
    const item = nodes[idx] ?? null;
    if (isRule(item, 'with_item')) {
      this.compileNode(item.args[0] ?? null);
      this.increaseExceptLevel(lEnd, SetupBlockKind.With);
      this.cAssign(item.args[1] ?? null, AssignKind.Store);
    } else {
      this.compileNode(item);
      this.increaseExceptLevel(lEnd, SetupBlockKind.With);
      this.emit.popTop();
    }
    this.compileWithStmtHelper(nodes, idx + 1, body);
    this.emit.withCleanup(lEnd);
    this.decreaseExceptLevel();
  }

  private compileWithStmt(pns: PnStruct): void {
    const nodes = extractList(pns.args[0] ?? null, 'with_stmt_list');
    this.compileWithStmtHelper(nodes, 0, pns.args[1] ?? null);
  }

  private compileYieldFrom(): void {
    this.emit.getIter(false);
    this.emit.loadConstTok(Tok.KwNone);
    this.emit.yieldOp(YieldKind.From);
  }

  private compileAwaitObjectMethod(method: string): void {
    this.emit.loadMethod(method, false);
    this.emit.callMethod(0, 0, 0);
    this.compileYieldFrom();
  }

  private compileAsyncForStmt(pns: PnStruct): void {
    const whileElseLabel = this.newLabel();
    const tryExceptionLabel = this.newLabel();
    const tryElseLabel = this.newLabel();
    const tryFinallyLabel = this.newLabel();

    this.compileNode(pns.args[1] ?? null);
    this.emit.loadMethod('__aiter__', false);
    this.emit.callMethod(0, 0, 0);

    const blk = this.startBreakContinueBlock();
    this.emit.labelAssign(blk.continueLabel);

    this.increaseExceptLevel(tryExceptionLabel, SetupBlockKind.Except);
    this.emit.dupTop();
    this.compileAwaitObjectMethod('__anext__');
    this.cAssign(pns.args[0] ?? null, AssignKind.Store);
    this.emit.popExceptJump(tryElseLabel, false);

    this.emit.labelAssign(tryExceptionLabel);
    this.emit.startExceptHandler();
    this.emit.dupTop();
    this.emit.loadGlobal('StopAsyncIteration', IdOpGlobal.Global);
    this.emit.binaryOp(BinaryOp.ExceptionMatch);
    this.emit.popJumpIf(false, tryFinallyLabel);
    this.emit.popTop();
    this.emit.popExceptJump(whileElseLabel, true);

    this.emit.labelAssign(tryFinallyLabel);
    this.emit.adjustStackSize(1); // the exception is on the stack here
    this.decreaseExceptLevel();
    this.emit.endExceptHandler();

    this.emit.labelAssign(tryElseLabel);
    this.compileNode(pns.args[2] ?? null);
    this.emit.jump(blk.continueLabel);
    blk.end();

    this.emit.labelAssign(whileElseLabel);
    this.compileNode(pns.args[3] ?? null);

    this.emit.labelAssign(blk.breakLabel);
    this.emit.popTop();
  }

  private compileAsyncWithStmtHelper(nodes: ParseNode[], idx: number, body: ParseNode): void {
    if (idx === nodes.length) {
      this.compileNode(body);
      return;
    }
    const lFinallyBlock = this.newLabel();
    const lAexitNoExc = this.newLabel();
    const lRetUnwindJump = this.newLabel();
    const lEnd = this.newLabel();
    const e = this.emit;

    const item = nodes[idx] ?? null;
    if (isRule(item, 'with_item')) {
      this.compileNode(item.args[0] ?? null);
      e.dupTop();
      this.compileAwaitObjectMethod('__aenter__');
      this.cAssign(item.args[1] ?? null, AssignKind.Store);
    } else {
      this.compileNode(item);
      e.dupTop();
      this.compileAwaitObjectMethod('__aenter__');
      e.popTop();
    }

    this.increaseExceptLevel(lFinallyBlock, SetupBlockKind.Finally);
    e.adjustStackSize(3);
    this.compileAsyncWithStmtHelper(nodes, idx + 1, body);
    e.adjustStackSize(-3);

    e.asyncWithSetupFinally(lAexitNoExc, lFinallyBlock, lRetUnwindJump);

    // exception propagating: call __aexit__, then swallow or re-raise
    e.dupTop();
    e.rotThree();
    e.rotTwo();
    e.loadMethod('__aexit__', false);
    e.rotThree();
    e.rotThree();
    e.dupTop();
    e.attr('__class__', AttrKind.Load); // type(exc)
    e.rotTwo();
    e.loadConstTok(Tok.KwNone); // traceback
    e.callMethod(3, 0, 0);
    this.compileYieldFrom();
    e.popJumpIf(false, lEnd);
    e.popTop();
    e.loadConstTok(Tok.KwNone);
    e.jump(lEnd);
    e.adjustStackSize(2);

    // return/unwind jump, and normal exit: call __aexit__(None, None, None)
    e.labelAssign(lRetUnwindJump);
    e.rotThree();
    e.rotThree();
    e.labelAssign(lAexitNoExc);
    e.loadMethod('__aexit__', false);
    e.loadConstTok(Tok.KwNone);
    e.dupTop();
    e.dupTop();
    e.callMethod(3, 0, 0);
    this.compileYieldFrom();
    e.popTop();
    e.adjustStackSize(-1);

    e.labelAssign(lEnd);
    this.decreaseExceptLevel();
  }

  private compileAsyncWithStmt(pns: PnStruct): void {
    const nodes = extractList(pns.args[0] ?? null, 'with_stmt_list');
    this.compileAsyncWithStmtHelper(nodes, 0, pns.args[1] ?? null);
  }

  private compileAsyncStmt(pns: PnStruct): void {
    const pns0 = pns.args[0] as PnStruct;
    if (pns0.rule === 'funcdef') {
      this.compileFuncdef(pns0);
      this.scopeFor(pns0).scopeFlags |= ScopeFlag.GENERATOR;
      return;
    }
    // async for/with only inside an async function
    if (!(this.scopeCur.scopeFlags & ScopeFlag.GENERATOR)) {
      this.syntaxError(pns0, 'async for/with outside async function');
      return;
    }
    if (pns0.rule === 'for_stmt') this.compileAsyncForStmt(pns0);
    else this.compileAsyncWithStmt(pns0);
  }

  private compileExprStmt(pns: PnStruct): void {
    let pnRhs = pns.args[1] ?? null;
    const lhs = pns.args[0] ?? null;
    if (pnRhs === null) {
      // an expression statement: a lonely constant compiles to nothing
      if ((isLeaf(lhs) && !isId(lhs)) || (lhs !== null && lhs.kind === 'const')) return;
      this.compileNode(lhs);
      this.emit.popTop();
      return;
    }
    if (pnRhs.kind === 'rule') {
      const kind = pnRhs.rule;
      if (kind === 'annassign') {
        const value = pnRhs.args[1] ?? null;
        if (value === null) {
          // "x: T" declares x as a local inside a function; the annotation is ignored
          if (this.scopeCur.kind === ScopeKind.Function && isId(lhs)) {
            this.scopeCur.findOrAdd(lhs.name, IdKind.Local);
          }
          return;
        }
        pnRhs = value;
      } else if (kind === 'expr_stmt_augassign') {
        this.cAssign(lhs, AssignKind.AugLoad);
        this.compileNode(pnRhs.args[1] ?? null);
        const tok = pnRhs.args[0] ?? null;
        const t = tok !== null && tok.kind === 'tok' ? tok.tok : Tok.DelPipeEqual;
        this.emit.binaryOp(BinaryOp.InplaceOr + (t - Tok.DelPipeEqual));
        this.cAssign(lhs, AssignKind.AugStore);
        return;
      } else if (kind === 'expr_stmt_assign_list') {
        const rhs = pnRhs.args.length - 1;
        this.compileNode(pnRhs.args[rhs] ?? null);
        // like CPython, store the left-most target first
        if (rhs > 0) this.emit.dupTop();
        this.cAssign(lhs, AssignKind.Store);
        for (let i = 0; i < rhs; i++) {
          if (i + 1 < rhs) this.emit.dupTop();
          this.cAssign(pnRhs.args[i] ?? null, AssignKind.Store);
        }
        return;
      }
    }

    // plain assignment
    if (
      this.features.MICROPY_COMP_DOUBLE_TUPLE_ASSIGN &&
      isRule(pnRhs, 'testlist_star_expr') &&
      isRule(lhs, 'testlist_star_expr')
    ) {
      const n = lhs.args.length;
      const triple = this.features.MICROPY_COMP_TRIPLE_TUPLE_ASSIGN;
      // a, b = c, d (and a, b, c = d, e, f) without building a tuple
      if (
        n === pnRhs.args.length &&
        (n === 2 || (triple && n === 3)) &&
        !lhs.args.some((x) => isRule(x, 'star_expr'))
      ) {
        this.compileNode(pnRhs.args[0] ?? null);
        this.compileNode(pnRhs.args[1] ?? null);
        if (n === 3) {
          this.compileNode(pnRhs.args[2] ?? null);
          this.emit.rotThree();
        }
        this.emit.rotTwo();
        this.cAssign(lhs.args[0] ?? null, AssignKind.Store);
        this.cAssign(lhs.args[1] ?? null, AssignKind.Store);
        if (n === 3) this.cAssign(lhs.args[2] ?? null, AssignKind.Store);
        return;
      }
    }
    this.compileNode(pnRhs);
    this.cAssign(lhs, AssignKind.Store);
  }

  private compileTestIfExpr(pns: PnStruct): void {
    const ifElse = pns.args[1] ?? null;
    const lFail = this.newLabel();
    const lEnd = this.newLabel();
    this.cIfCond(arg(ifElse, 0), false, lFail);
    this.compileNode(pns.args[0] ?? null);
    this.emit.jump(lEnd);
    this.emit.labelAssign(lFail);
    this.emit.adjustStackSize(-1);
    this.compileNode(arg(ifElse, 1));
    this.emit.labelAssign(lEnd);
  }

  private compileLambdef(pns: PnStruct): void {
    if (this.pass === Pass.Scope) {
      this.scopeOfNode.set(pns, this.newScope(ScopeKind.Lambda, pns, this.scopeCur.emitOptions));
    }
    this.compileFuncdefLambdef(this.scopeFor(pns), pns.args[0] ?? null, 'varargslist');
  }

  private compileNamedexprHelper(pnName: ParseNode, pnExpr: ParseNode): void {
    if (!isId(pnName)) this.syntaxError(pnName, "can't assign to expression");
    this.compileNode(pnExpr);
    this.emit.dupTop();
    const target = leafName(pnName);

    // in a comprehension, := binds in the enclosing scope (PEP 572),
    // honouring global/nonlocal declarations there
    if (this.pass === Pass.Scope && scopeIsCompLike(this.scopeCur.kind)) {
      const parent = this.scopeCur.parent!;
      const idParent = parent.idForModification(target);
      if (idParent.kind === IdKind.GlobalExplicit) {
        this.scopeCur.findOrAdd(target, IdKind.GlobalExplicit);
      } else {
        const idInfo = this.scopeCur.findOrAdd(target, IdKind.Undecided);
        const isGlobal = parent.parent === null;
        if (!isGlobal && idInfo.kind === IdKind.GlobalImplicit) {
          // already referenced; reset so it gets closed over below
          idInfo.kind = IdKind.Undecided;
        }
        this.declareGlobalOrNonlocal(pnName, idInfo, isGlobal);
      }
    }

    this.storeId(target);
  }

  private compileNamedexpr(pns: PnStruct): void {
    this.compileNamedexprHelper(pns.args[0] ?? null, pns.args[1] ?? null);
  }

  private compileOrAndTest(pns: PnStruct): void {
    const cond = pns.rule === 'or_test';
    const lEnd = this.newLabel();
    const n = pns.args.length;
    for (let i = 0; i < n; i++) {
      this.compileNode(pns.args[i] ?? null);
      if (i + 1 < n) this.emit.jumpIfOrPop(cond, lEnd);
    }
    this.emit.labelAssign(lEnd);
  }

  private compileNotTest2(pns: PnStruct): void {
    this.compileNode(pns.args[0] ?? null);
    this.emit.unaryOp(UnaryOp.Not);
  }

  private compileComparison(pns: PnStruct): void {
    const n = pns.args.length;
    this.compileNode(pns.args[0] ?? null);
    const multi = n > 3;
    let lFail = 0;
    if (multi) lFail = this.newLabel();
    for (let i = 1; i + 1 < n; i += 2) {
      this.compileNode(pns.args[i + 1] ?? null);
      if (i + 2 < n) {
        this.emit.dupTop();
        this.emit.rotThree();
      }
      const opNode = pns.args[i] ?? null;
      if (opNode !== null && opNode.kind === 'tok') {
        if (opNode.tok === Tok.KwIn) this.emit.binaryOp(BinaryOp.In);
        else this.emit.binaryOp(BinaryOp.Less + (opNode.tok - Tok.OpLess));
      } else if (isRule(opNode, 'comp_op_not_in')) {
        this.emit.binaryOp(BinaryOp.NotIn);
      } else {
        // comp_op_is, with a "not" node for "is not"
        this.emit.binaryOp(arg(opNode, 0) === null ? BinaryOp.Is : BinaryOp.IsNot);
      }
      if (i + 2 < n) this.emit.jumpIfOrPop(false, lFail);
    }
    if (multi) {
      const lEnd = this.newLabel();
      this.emit.jump(lEnd);
      this.emit.labelAssign(lFail);
      this.emit.adjustStackSize(1);
      this.emit.rotTwo();
      this.emit.popTop();
      this.emit.labelAssign(lEnd);
    }
  }

  private compileStarExpr(pns: PnStruct): void {
    this.syntaxError(pns, '*x must be assignment target');
  }

  private compileBinaryOp(pns: PnStruct): void {
    const op = pns.rule === 'expr' ? BinaryOp.Or : pns.rule === 'xor_expr' ? BinaryOp.Xor : BinaryOp.And;
    this.compileNode(pns.args[0] ?? null);
    for (let i = 1; i < pns.args.length; i++) {
      this.compileNode(pns.args[i] ?? null);
      this.emit.binaryOp(op);
    }
  }

  private compileTerm(pns: PnStruct): void {
    const n = pns.args.length;
    this.compileNode(pns.args[0] ?? null);
    for (let i = 1; i + 1 < n; i += 2) {
      this.compileNode(pns.args[i + 1] ?? null);
      const tok = pns.args[i] ?? null;
      const t = tok !== null && tok.kind === 'tok' ? tok.tok : Tok.OpDblLess;
      this.emit.binaryOp(BinaryOp.Lshift + (t - Tok.OpDblLess));
    }
  }

  private compileFactor2(pns: PnStruct): void {
    this.compileNode(pns.args[1] ?? null);
    const tok = pns.args[0] ?? null;
    const t = tok !== null && tok.kind === 'tok' ? tok.tok : Tok.OpPlus;
    if (t === Tok.OpTilde) this.emit.unaryOp(UnaryOp.Invert);
    else this.emit.unaryOp(UnaryOp.Positive + (t - Tok.OpPlus));
  }

  private compileAtomExprNormal(pns: PnStruct): void {
    this.compileNode(pns.args[0] ?? null);

    // atom_expr_await may hand over a node without trailers
    const t1 = pns.args[1] ?? null;
    if (t1 === null) return;

    const trail: ParseNode[] = isRule(t1, 'atom_expr_trailers') ? t1.args : [t1];
    const numTrail = trail.length;
    let i = 0;

    const base = pns.args[0] ?? null;
    if (
      this.scopeCur.kind === ScopeKind.Function &&
      isId(base) &&
      base.name === 'super' &&
      isRule(trail[0] ?? null, 'trailer_paren') &&
      arg(trail[0] ?? null, 0) === null
    ) {
      // super() inside a function: pass __class__ and the first argument
      this.loadId('__class__');
      let found = false;
      for (const id of this.scopeCur.ids) {
        if (id.flags & ID_FLAG_IS_PARAM) {
          this.loadId(id.name);
          found = true;
          break;
        }
      }
      if (!found) {
        this.syntaxError(trail[0] ?? null, "super() can't find self");
        return;
      }
      if (numTrail >= 3 && isRule(trail[1] ?? null, 'trailer_period') && isRule(trail[2] ?? null, 'trailer_paren')) {
        // super().f(...) without allocating a super object
        this.emit.loadMethod(leafName(arg(trail[1] ?? null, 0)), true);
        this.compileTrailerParenHelper(arg(trail[2] ?? null, 0), true, 0);
        i = 3;
      } else {
        this.emit.callFunction(2, 0, 0);
        i = 1;
      }
    }

    for (; i < numTrail; i++) {
      if (i + 1 < numTrail && isRule(trail[i] ?? null, 'trailer_period') && isRule(trail[i + 1] ?? null, 'trailer_paren')) {
        // a.f(...) as a method call
        this.emit.loadMethod(leafName(arg(trail[i] ?? null, 0)), false);
        this.compileTrailerParenHelper(arg(trail[i + 1] ?? null, 0), true, 0);
        i += 1;
      } else {
        const t = trail[i] ?? null;
        if (isRule(t, 'trailer_paren')) {
          // what compileNode would do, minus two stack frames per nested call
          this.emit.setSourceLine(t.line);
          this.compileTrailerParenHelper(t.args[0] ?? null, false, 0);
        } else {
          this.compileNode(t);
        }
      }
    }
  }

  private compilePower(pns: PnStruct): void {
    this.compileGenericAllNodes(pns);
    this.emit.binaryOp(BinaryOp.Power);
  }

  private compileTrailerParenHelper(pnArglist: ParseNode, isMethodCall: boolean, nPositionalExtra: number): void {
    const callArgs = extractList(pnArglist, 'arglist');
    let nPositional = nPositionalExtra;
    let nKeyword = 0;
    let starFlags = 0;
    let starArgs = 0n;
    for (let i = 0; i < callArgs.length; i++) {
      const a = callArgs[i] ?? null;
      if (a !== null && a.kind === 'rule' && (a.rule === 'arglist_star' || a.rule === 'arglist_dbl_star' || a.rule === 'argument')) {
        if (a.rule === 'arglist_star') {
          if (starFlags & STAR_FLAG_DOUBLE) {
            this.syntaxError(a, '* arg after **');
            return;
          }
          // the star positions go into a small-int bitmap
          if (i >= this.options.smallIntBits - 1) {
            this.syntaxError(a, 'too many args');
            return;
          }
          starFlags |= STAR_FLAG_SINGLE;
          starArgs |= 1n << BigInt(i);
          this.compileNode(a.args[0] ?? null);
          nPositional++;
        } else if (a.rule === 'arglist_dbl_star') {
          starFlags |= STAR_FLAG_DOUBLE;
          // **kw is passed as a keyword argument with a NULL key
          this.emit.loadNull();
          this.compileNode(a.args[0] ?? null);
          nKeyword++;
        } else {
          const a1 = a.args[1] ?? null;
          if (this.features.MICROPY_PY_ASSIGN_EXPR && isRule(a1, 'argument_3')) {
            this.compileNamedexprHelper(a.args[0] ?? null, a1.args[0] ?? null);
            nPositional++;
          } else if (!isRule(a1, 'comp_for')) {
            if (!isId(a.args[0] ?? null)) {
              this.syntaxError(a, 'LHS of keyword arg must be an id');
              return;
            }
            this.emit.loadConstStr(leafName(a.args[0] ?? null));
            this.compileNode(a1);
            nKeyword++;
          } else {
            this.compileComprehension(a, ScopeKind.GenExpr);
            nPositional++;
          }
        }
      } else {
        if (starFlags & STAR_FLAG_DOUBLE) {
          this.syntaxError(a, 'positional arg after **');
          return;
        }
        if (nKeyword > 0) {
          this.syntaxError(a, 'positional arg after keyword arg');
          return;
        }
        this.compileNode(a);
        nPositional++;
      }
    }

    if (starFlags !== 0) this.emit.loadConstSmallInt(starArgs);

    if (isMethodCall) this.emit.callMethod(nPositional, nKeyword, starFlags);
    else this.emit.callFunction(nPositional, nKeyword, starFlags);
  }

  /** pns: [element expression, comp_for] */
  private compileComprehension(pns: PnStruct, kind: ScopeKind): void {
    const compFor = pns.args[1] as PnStruct;
    if (this.pass === Pass.Scope) {
      this.scopeOfNode.set(compFor, this.newScope(kind, pns, this.scopeCur.emitOptions));
    }
    const thisScope = this.scopeFor(compFor);
    this.closeOverVariablesEtc(thisScope, 0, 0);
    this.compileNode(compFor.args[1] ?? null); // the outermost iterable is evaluated here
    if (kind === ScopeKind.GenExpr) this.emit.getIter(false);
    this.emit.callFunction(1, 0, 0);
  }

  private compileAtomParen(pns: PnStruct): void {
    const inner = pns.args[0] ?? null;
    if (inner === null) {
      this.emit.build(0, BuildKind.Tuple);
    } else if (inner.kind === 'rule' && testlistCompHasCompFor(inner)) {
      this.compileComprehension(inner, ScopeKind.GenExpr);
    } else if (inner.kind === 'rule') {
      this.compileGenericTuple(inner);
    } else {
      throw new Error('compiler: unexpected atom_paren content');
    }
  }

  private compileAtomBracket(pns: PnStruct): void {
    const inner = pns.args[0] ?? null;
    if (inner === null) {
      this.emit.build(0, BuildKind.List);
    } else if (isRule(inner, 'testlist_comp')) {
      if (testlistCompHasCompFor(inner)) {
        this.compileComprehension(inner, ScopeKind.ListComp);
      } else {
        this.compileGenericAllNodes(inner);
        this.emit.build(inner.args.length, BuildKind.List);
      }
    } else {
      this.compileNode(inner);
      this.emit.build(1, BuildKind.List);
    }
  }

  private compileAtomBraceHelper(pns: PnStruct, createMap: boolean): void {
    const pn = pns.args[0] ?? null;
    if (pn === null) {
      if (createMap) this.emit.build(0, BuildKind.Map);
      return;
    }
    if (isRule(pn, 'dictorsetmaker_item')) {
      // dict with one item
      if (createMap) this.emit.build(1, BuildKind.Map);
      this.compileNode(pn);
      this.emit.storeMap();
      return;
    }
    if (isRule(pn, 'dictorsetmaker')) {
      const pns1 = pn.args[1] ?? null;
      if (isRule(pns1, 'dictorsetmaker_list')) {
        const rest = extractList(pns1.args[0] ?? null, 'dictorsetmaker_list2');
        const first = pn.args[0] ?? null;
        const isDict = isRule(first, 'dictorsetmaker_item');
        if (isDict) {
          if (createMap) this.emit.build(1 + rest.length, BuildKind.Map);
          this.compileNode(first);
          this.emit.storeMap();
        } else {
          this.compileNode(first);
        }
        for (const item of rest) {
          const isKeyValue = isRule(item, 'dictorsetmaker_item');
          this.compileNode(item);
          if (isDict) {
            if (!isKeyValue) {
              this.syntaxError(pn, 'expecting key:value for dict');
              return;
            }
            this.emit.storeMap();
          } else if (isKeyValue) {
            this.syntaxError(pn, 'expecting just a value for set');
            return;
          }
        }
        if (!isDict) this.emit.build(1 + rest.length, BuildKind.Set);
      } else {
        // comprehension
        const isDict = isRule(pn.args[0] ?? null, 'dictorsetmaker_item');
        this.compileComprehension(pn, isDict ? ScopeKind.DictComp : ScopeKind.SetComp);
      }
      return;
    }
    // set with one element
    this.compileNode(pn);
    this.emit.build(1, BuildKind.Set);
  }

  private compileAtomBrace(pns: PnStruct): void {
    this.compileAtomBraceHelper(pns, true);
  }

  private compileTrailerParen(pns: PnStruct): void {
    this.compileTrailerParenHelper(pns.args[0] ?? null, false, 0);
  }

  private compileTrailerBracket(pns: PnStruct): void {
    this.compileNode(pns.args[0] ?? null);
    this.emit.subscr(SubscrKind.Load);
  }

  private compileTrailerPeriod(pns: PnStruct): void {
    this.emit.attr(leafName(pns.args[0] ?? null), AttrKind.Load);
  }

  private compileSubscript(pns: PnStruct): void {
    let p: ParseNode = pns;
    if (pns.rule === 'subscript_2') {
      this.compileNode(pns.args[0] ?? null); // start
      p = pns.args[1] ?? null;
    } else {
      this.emit.loadConstTok(Tok.KwNone); // no start
    }
    // p is a subscript_3: ":" [stop] [":" [step]]
    const pn = arg(p, 0);
    if (pn === null) {
      // [?:]
      this.emit.loadConstTok(Tok.KwNone);
      this.emit.build(2, BuildKind.Slice);
    } else if (isRule(pn, 'subscript_3c')) {
      this.emit.loadConstTok(Tok.KwNone);
      const step = pn.args[0] ?? null;
      if (step === null) {
        // [?::]
        this.emit.build(2, BuildKind.Slice);
      } else {
        // [?::x]
        this.compileNode(step);
        this.emit.build(3, BuildKind.Slice);
      }
    } else if (isRule(pn, 'subscript_3d')) {
      this.compileNode(pn.args[0] ?? null);
      const sliceop = pn.args[1] ?? null;
      const step = arg(sliceop, 0);
      if (step === null) {
        // [?:x:]
        this.emit.build(2, BuildKind.Slice);
      } else {
        // [?:x:x]
        this.compileNode(step);
        this.emit.build(3, BuildKind.Slice);
      }
    } else {
      // [?:x]
      this.compileNode(pn);
      this.emit.build(2, BuildKind.Slice);
    }
  }

  private compileDictorsetmakerItem(pns: PnStruct): void {
    // a dict key:value pair; the value is evaluated first
    this.compileNode(pns.args[1] ?? null);
    this.compileNode(pns.args[0] ?? null);
  }

  private compileClassdef(pns: PnStruct): void {
    const cname = this.compileClassdefHelper(pns, this.scopeCur.emitOptions);
    this.storeId(cname);
  }

  private compileYieldExpr(pns: PnStruct): void {
    if (this.scopeCur.kind !== ScopeKind.Function && this.scopeCur.kind !== ScopeKind.Lambda) {
      this.syntaxError(pns, "'yield' outside function");
      return;
    }
    const a = pns.args[0] ?? null;
    if (a === null) {
      this.emit.loadConstTok(Tok.KwNone);
      this.emit.yieldOp(YieldKind.Value);
    } else if (isRule(a, 'yield_arg_from')) {
      this.compileNode(a.args[0] ?? null);
      this.compileYieldFrom();
    } else {
      this.compileNode(a);
      this.emit.yieldOp(YieldKind.Value);
    }
  }

  private compileAtomExprAwait(pns: PnStruct): void {
    if (this.scopeCur.kind !== ScopeKind.Function && this.scopeCur.kind !== ScopeKind.Lambda) {
      if (!this.features.MICROPY_COMP_ALLOW_TOP_LEVEL_AWAIT) {
        this.syntaxError(pns, "'await' outside function");
        return;
      }
    }
    this.compileAtomExprNormal(pns);
    this.compileYieldFrom();
  }


  private compileNode(pn: ParseNode): void {
    if (pn === null) return;
    if (pn.kind !== 'rule') {
      this.compileLeaf(pn);
      return;
    }
    this.emit.setSourceLine(pn.line);
    const pns = pn;
    // the rule's compile function (upstream: a table); a switch inline here
    // keeps the recursion shallow for deeply nested expressions
    switch (pns.rule) {
      case 'file_input':
      case 'file_input_2':
      case 'simple_stmt_2':
      case 'pass_stmt':
      case 'suite_block_stmts':
        return this.compileGenericAllNodes(pns);
      case 'decorated':
        return this.compileDecorated(pns);
      case 'funcdef':
        return this.compileFuncdef(pns);
      case 'expr_stmt':
        return this.compileExprStmt(pns);
      case 'testlist_star_expr':
      case 'subscriptlist':
      case 'testlist':
        return this.compileGenericTuple(pns);
      case 'del_stmt':
        return this.compileDelStmt(pns);
      case 'break_stmt':
      case 'continue_stmt':
        return this.compileBreakContStmt(pns);
      case 'return_stmt':
        return this.compileReturnStmt(pns);
      case 'yield_stmt':
        return this.compileYieldStmt(pns);
      case 'raise_stmt':
        return this.compileRaiseStmt(pns);
      case 'import_name':
        return this.compileImportName(pns);
      case 'import_from':
        return this.compileImportFrom(pns);
      case 'global_stmt':
      case 'nonlocal_stmt':
        return this.compileGlobalNonlocalStmt(pns);
      case 'assert_stmt':
        return this.compileAssertStmt(pns);
      case 'async_stmt':
        return this.compileAsyncStmt(pns);
      case 'if_stmt':
        return this.compileIfStmt(pns);
      case 'while_stmt':
        return this.compileWhileStmt(pns);
      case 'for_stmt':
        return this.compileForStmt(pns);
      case 'try_stmt':
        return this.compileTryStmt(pns);
      case 'with_stmt':
        return this.compileWithStmt(pns);
      case 'namedexpr_test':
        return this.compileNamedexpr(pns);
      case 'test_if_expr':
        return this.compileTestIfExpr(pns);
      case 'lambdef':
      case 'lambdef_nocond':
        return this.compileLambdef(pns);
      case 'or_test':
      case 'and_test':
        return this.compileOrAndTest(pns);
      case 'not_test_2':
        return this.compileNotTest2(pns);
      case 'comparison':
        return this.compileComparison(pns);
      case 'star_expr':
        return this.compileStarExpr(pns);
      case 'expr':
      case 'xor_expr':
      case 'and_expr':
        return this.compileBinaryOp(pns);
      case 'shift_expr':
      case 'arith_expr':
      case 'term':
        return this.compileTerm(pns);
      case 'factor_2':
        return this.compileFactor2(pns);
      case 'power':
        return this.compilePower(pns);
      case 'atom_expr_await':
        return this.compileAtomExprAwait(pns);
      case 'atom_expr_normal':
        return this.compileAtomExprNormal(pns);
      case 'atom_paren':
        return this.compileAtomParen(pns);
      case 'atom_bracket':
        return this.compileAtomBracket(pns);
      case 'atom_brace':
        return this.compileAtomBrace(pns);
      case 'trailer_paren':
        return this.compileTrailerParen(pns);
      case 'trailer_bracket':
        return this.compileTrailerBracket(pns);
      case 'trailer_period':
        return this.compileTrailerPeriod(pns);
      case 'subscript_2':
      case 'subscript_3':
        return this.compileSubscript(pns);
      case 'dictorsetmaker_item':
        return this.compileDictorsetmakerItem(pns);
      case 'classdef':
        return this.compileClassdef(pns);
      case 'yield_expr':
        return this.compileYieldExpr(pns);
      default:
        throw new Error(`compiler: no compile function for rule ${pns.rule}`);
    }
  }

  private compileLeaf(pn: Exclude<ParseNode, null | PnStruct>): void {
    switch (pn.kind) {
      case 'int':
        this.emit.loadConstSmallInt(pn.value);
        return;
      case 'id':
        this.loadId(pn.name);
        return;
      case 'str':
        this.emit.loadConstStr(pn.value);
        return;
      case 'tok':
        // a NEWLINE can get through file_input (e.g. a leading blank line)
        if (pn.tok !== Tok.Newline) this.emit.loadConstTok(pn.tok);
        return;
      case 'const':
        this.emit.setSourceLine(pn.line);
        this.emit.loadConstObj(pn.obj);
        return;
    }
  }

  // --- scope bodies --------------------------------------------------------------

  private compileScopeFuncLambdaParam(pn: ParseNode, pnName: string, pnStar: string, pnDblStar: string): void {
    const s = this.scopeCur;
    // **kw must be last
    if (s.scopeFlags & ScopeFlag.VARKEYWORDS) {
      this.syntaxError(pn, 'invalid syntax');
      return;
    }

    let paramName: string | null = null;
    let paramFlag = ID_FLAG_IS_PARAM;
    // the node whose second child is the parameter's annotation, if any
    let annotated: PnStruct | null = null;
    if (isId(pn)) {
      paramName = pn.name;
      if (this.haveStar) s.numKwonlyArgs += 1;
      else s.numPosArgs += 1;
    } else if (pn !== null && pn.kind === 'rule') {
      if (pn.rule === pnName) {
        annotated = pn;
        paramName = leafName(pn.args[0] ?? null);
        if (this.haveStar) s.numKwonlyArgs += 1;
        else s.numPosArgs += 1;
      } else if (pn.rule === pnStar) {
        if (this.haveStar) {
          this.syntaxError(pn, 'invalid syntax');
          return;
        }
        this.haveStar = true;
        paramFlag = ID_FLAG_IS_PARAM | ID_FLAG_IS_STAR_PARAM;
        const a0 = pn.args[0] ?? null;
        if (a0 === null) {
          // bare star: keyword-only marker
        } else if (isId(a0)) {
          s.scopeFlags |= ScopeFlag.VARARGS;
          paramName = a0.name;
        } else {
          // tfpdef: named star with annotation
          s.scopeFlags |= ScopeFlag.VARARGS;
          if (a0.kind === 'rule') annotated = a0;
          paramName = leafName(arg(a0, 0));
        }
      } else if (pn.rule === pnDblStar) {
        annotated = pn;
        paramName = leafName(pn.args[0] ?? null);
        paramFlag = ID_FLAG_IS_PARAM | ID_FLAG_IS_DBL_STAR_PARAM;
        s.scopeFlags |= ScopeFlag.VARKEYWORDS;
      }
    }

    if (paramName !== null) {
      const idInfo = s.findOrAdd(paramName, IdKind.Undecided);
      if (idInfo.kind !== IdKind.Undecided) {
        this.syntaxError(pn, 'argument name reused');
        return;
      }
      idInfo.kind = IdKind.Local;
      idInfo.flags = paramFlag;
      if (s.emitOptions === EmitOpt.Viper && pnName === 'typedargslist_name' && annotated !== null) {
        idInfo.flags |= this.viperTypeAnnotation(annotated.args[1] ?? null) << ID_FLAG_VIPER_TYPE_POS;
      }
    }
  }

  /** The native type a viper annotation names (object when there is none). */
  private viperTypeAnnotation(pn: ParseNode): number {
    if (pn === null) return NATIVE_TYPE_OBJ;
    if (isId(pn)) {
      const t = NATIVE_TYPE_BY_NAME.get(pn.name);
      if (t !== undefined) return t;
      // set unconditionally, like upstream: replaces any earlier error, no line yet
      this.error = { kind: 'ViperTypeError', message: `unknown type '${pn.name}'` };
      return 0;
    }
    this.syntaxError(pn, 'annotation must be an identifier');
    return NATIVE_TYPE_OBJ;
  }

  private compileScopeCompIter(compFor: PnStruct, pnInnerExpr: ParseNode, forDepth: number): void {
    const lTop = this.newLabel();
    const lEnd = this.newLabel();
    this.emit.labelAssign(lTop);
    this.emit.forIter(lEnd);
    this.cAssign(compFor.args[0] ?? null, AssignKind.Store);
    let pnIter = compFor.args[2] ?? null;

    for (;;) {
      if (pnIter === null) {
        // innermost: the element expression
        this.compileNode(pnInnerExpr);
        if (this.scopeCur.kind === ScopeKind.GenExpr) {
          this.emit.yieldOp(YieldKind.Value);
          this.emit.popTop();
        } else {
          this.emit.storeComp(this.scopeCur.kind, 4 * forDepth + 5);
        }
        break;
      } else if (isRule(pnIter, 'comp_if')) {
        this.cIfCond(pnIter.args[0] ?? null, false, lTop);
        pnIter = pnIter.args[1] ?? null;
      } else {
        const compFor2 = pnIter as PnStruct;
        this.compileNode(compFor2.args[1] ?? null);
        this.emit.getIter(true);
        this.compileScopeCompIter(compFor2, pnInnerExpr, forDepth + 1);
        break;
      }
    }

    this.emit.jump(lTop);
    this.emit.labelAssign(lEnd);
    this.emit.forIterEnd();
  }

  private checkForDocString(pn: ParseNode): void {
    if (!this.features.MICROPY_ENABLE_DOC_STRING) return;
    if (isRule(pn, 'expr_stmt')) {
      // a single statement
    } else if (isRule(pn, 'file_input_2')) {
      let first: ParseNode = null;
      for (const n of pn.args) {
        first = n;
        if (!isToken(n, Tok.Newline)) break;
      }
      pn = first;
    } else if (isRule(pn, 'suite_block_stmts')) {
      pn = pn.args[0] ?? null;
    } else {
      return;
    }
    if (isRule(pn, 'expr_stmt')) {
      const a0 = pn.args[0] ?? null;
      if ((a0 !== null && a0.kind === 'str') || (a0 !== null && a0.kind === 'const' && a0.obj.kind === 'str')) {
        this.compileNode(a0);
        this.storeId('__doc__');
      }
    }
  }

  /** Runs one pass over one scope; returns false if the emitter wants the emit pass repeated. */
  private compileScope(scope: Scope, pass: Pass): boolean {
    this.pass = pass;
    this.scopeCur = scope;
    this.nextLabel = 0;
    this.tables.startPass(pass);
    this.idLogPos = 0;
    if (pass === Pass.StackSize) {
      this.idLogNames.length = 0;
      this.idLogIds.length = 0;
      this.idLogMode = IdLogMode.Record;
    } else {
      this.idLogMode = pass === Pass.Scope ? IdLogMode.Off : IdLogMode.Replay;
    }
    this.emit.startPass(pass, scope);

    if (pass === Pass.Scope) {
      // maximum stack sizes are computed from here on
      scope.stackSize = 0;
      scope.excStackSize = 0;
    }

    const e = this.emit;
    if (scope.kind === ScopeKind.Module) {
      if (isRule(scope.pn, 'eval_input')) {
        this.compileNode(scope.pn.args[0] ?? null);
        e.returnValue();
      } else {
        this.checkForDocString(scope.pn);
        this.compileNode(scope.pn);
        e.loadConstTok(Tok.KwNone);
        e.returnValue();
      }
    } else if (scope.kind === ScopeKind.Function) {
      const pns = scope.pn as PnStruct;
      // parameters first, so they get the lowest local numbers
      if (pass === Pass.Scope) {
        this.haveStar = false;
        this.applyToSingleOrList(pns.args[1] ?? null, 'typedargslist', (p) =>
          this.compileScopeFuncLambdaParam(p, 'typedargslist_name', 'typedargslist_star', 'typedargslist_dbl_star'),
        );
        if (scope.emitOptions === EmitOpt.Viper) {
          // the return annotation gives the viper return type
          scope.scopeFlags |= this.viperTypeAnnotation(pns.args[2] ?? null) << SCOPE_FLAG_VIPERRET_POS;
        }
      }
      this.compileNode(pns.args[3] ?? null);
      e.loadConstTok(Tok.KwNone);
      e.returnValue();
    } else if (scope.kind === ScopeKind.Lambda) {
      const pns = scope.pn as PnStruct;
      e.setSourceLine(pns.line);
      if (pass === Pass.Scope) {
        this.haveStar = false;
        this.applyToSingleOrList(pns.args[0] ?? null, 'varargslist', (p) =>
          this.compileScopeFuncLambdaParam(p, 'varargslist_name', 'varargslist_star', 'varargslist_dbl_star'),
        );
      }
      this.compileNode(pns.args[1] ?? null);
      // a generator lambda returns None, not its expression's value
      if (scope.scopeFlags & ScopeFlag.GENERATOR) {
        e.popTop();
        e.loadConstTok(Tok.KwNone);
      }
      e.returnValue();
    } else if (scopeIsCompLike(scope.kind)) {
      const pns = scope.pn as PnStruct;
      const compFor = pns.args[1] as PnStruct;
      // the iterator argument gets the empty name, which no user variable can have
      const qstrArg = '';
      if (pass === Pass.Scope) {
        scope.findOrAdd(qstrArg, IdKind.Local);
        scope.numPosArgs = 1;
      }
      e.setSourceLine(pns.line);
      if (scope.kind === ScopeKind.ListComp) e.build(0, BuildKind.List);
      else if (scope.kind === ScopeKind.DictComp) e.build(0, BuildKind.Map);
      else if (scope.kind === ScopeKind.SetComp) e.build(0, BuildKind.Set);

      // 4 iterator slots; a leading NULL says the second one holds the iterator object
      if (scope.kind === ScopeKind.GenExpr) {
        e.loadNull();
        this.loadId(qstrArg);
        e.loadNull();
        e.loadNull();
      } else {
        this.loadId(qstrArg);
        e.getIter(true);
      }

      this.compileScopeCompIter(compFor, pns.args[0] ?? null, 0);

      if (scope.kind === ScopeKind.GenExpr) e.loadConstTok(Tok.KwNone);
      e.returnValue();
    } else {
      // class
      const pns = scope.pn as PnStruct;
      if (pass === Pass.Scope) scope.findOrAdd('__class__', IdKind.Local);
      this.loadId('__name__');
      this.storeId('__module__');
      e.loadConstStr(leafName(pns.args[0] ?? null));
      this.storeId('__qualname__');

      this.checkForDocString(pns.args[2] ?? null);
      this.compileNode(pns.args[2] ?? null);

      const id = scope.find('__class__')!;
      if (id.kind === IdKind.Local) e.loadConstTok(Tok.KwNone);
      else e.loadLocal(id.localNum, IdOpLocal.Fast, '__class__');
      e.returnValue();
    }

    return e.endPass();
  }

  // --- driver ---------------------------------------------------------------------

  compileModule(tree: ParseNode): CompiledModule {
    const moduleEmitOpt = this.options.emit === 'native' ? EmitOpt.NativePython : this.options.emit === 'viper' ? EmitOpt.Viper : EmitOpt.None;
    const moduleScope = this.newScope(ScopeKind.Module, tree as PnStruct, moduleEmitOpt);
    this.scopeCur = moduleScope;

    // scope pass over every scope (new scopes get appended while iterating)
    let maxNumLabels = 0;
    for (let i = 0; i < this.scopes.length && this.error === null; i++) {
      const s = this.scopes[i]!;
      if (s.emitOptions === EmitOpt.Asm) {
        this.compileScopeInlineAsm(s, Pass.Scope);
      } else {
        this.compileScope(s, Pass.Scope);
        // implicit globals may really be variables of an enclosing function
        for (const id of s.ids) {
          if (id.kind === IdKind.GlobalImplicit) s.checkToCloseOver(id);
        }
      }
      if (this.nextLabel > maxNumLabels) maxNumLabels = this.nextLabel;
    }

    for (let i = 0; i < this.scopes.length && this.error === null; i++) this.scopes[i]!.computeThings();

    this.bcEmit.setMaxNumLabels(maxNumLabels);

    for (let i = 0; i < this.scopes.length && this.error === null; i++) {
      const s = this.scopes[i]!;
      if (s.emitOptions === EmitOpt.Asm) {
        // machine code in code-size passes (labels, sizes) and an emit pass
        const sizePasses = inlineAssemblerFor(this.options.arch)?.sizePasses ?? 1;
        for (let k = 0; k < sizePasses; k++) this.compileScopeInlineAsm(s, Pass.CodeSize); // (all of them, as upstream: the line an error is reported at depends on it)
        if (this.error === null) this.compileScopeInlineAsm(s, Pass.Emit);
        continue;
      }
      const native = s.emitOptions === EmitOpt.NativePython || s.emitOptions === EmitOpt.Viper;
      if (native) {
        // (upstream reports this against the scope compiled last, not s)
        if (!nativeArchSupported(this.options.arch)) {
          this.error = { kind: 'NotImplementedError', message: 'cannot emit native code for this architecture' };
          break;
        }
        if (!NativeEmitter.supportsArch(this.options.arch!)) {
          this.error = { kind: 'NotImplementedError', message: 'native code emission is not implemented in this compiler' };
          break;
        }
        this.nativeEmit ??= new NativeEmitter(this.tables, (sc) => sc.rawCode, maxNumLabels, (err) => {
          this.error = err;
        }, this.options.arch!, this.options.archFlags ?? 0);
        this.emit = this.nativeEmit;
      } else {
        this.emit = this.bcEmit;
      }
      this.compileScopeNativeAware(s, Pass.StackSize);
      if (this.error === null) this.compileScopeNativeAware(s, Pass.CodeSize);
      if (this.error === null) {
        while (!this.compileScopeNativeAware(s, Pass.Emit)) {
          // the emitter shrank the code: run the emit pass again
        }
      }
    }

    if (this.error !== null) {
      // no line yet: use the start of the scope being compiled
      this.setErrorLine(this.scopeCur.pn);
      throw new CompileError(this.error.kind, this.error.message, this.errorLine, this.scopeCur.simpleName);
    }

    return {
      qstrs: this.tables.qstrs.slice(),
      consts: this.tables.consts.slice(),
      root: moduleScope.rawCode,
    };
  }

  /** One pass over a scope; a native emitter's error (a viper type error) ends the compile. */
  private compileScopeNativeAware(s: Scope, pass: Pass): boolean {
    const done = this.compileScope(s, pass);
    if (this.emit === this.nativeEmit && this.nativeEmit.error !== null) this.error = this.nativeEmit.error;
    return done;
  }

  /**
   * One pass over an inline assembler function (upstream compile_scope_inline_asm):
   * the scope pass only checks the statements compile.c itself handles
   * (label/align/data shapes); the code-size and emit passes run every
   * instruction through the Thumb inline assembler.
   */
  private compileScopeInlineAsm(scope: Scope, pass: Pass): void {
    this.pass = pass;
    this.scopeCur = scope;
    this.nextLabel = 0;
    if (scope.kind !== ScopeKind.Function) {
      this.syntaxError(null, 'inline assembler must be a function');
      return;
    }
    const arch = this.options.arch;
    const kind = inlineAssemblerFor(arch);
    if (kind === undefined) {
      this.error = { kind: 'NotImplementedError', message: 'inline assembler is not implemented in this compiler' };
      this.errorLine = (scope.pn as PnStruct).line;
      return;
    }
    let asm: InlineAssembler | null = null;
    if (pass > Pass.Scope) {
      asm = this.inlineAsm ??= kind.create(arch!, this.options.archFlags ?? 0);
      asm.startPass(pass === Pass.Emit);
    }

    const pns = scope.pn as PnStruct;
    if (asm !== null && pass === Pass.CodeSize) {
      scope.numPosArgs = asm.countParams(extractList(pns.args[1] ?? null, 'typedargslist'));
      if (asm.error !== null) this.error = { kind: 'SyntaxError', message: asm.error };
      // a repeated code-size pass after a failed one stops here too: the error moves to the def
      if (this.error !== null) {
        this.errorLine = pns.line;
        return;
      }
    }

    let typeSig = ASM_TYPE_SIG_INT;
    const annotation = pns.args[2] ?? null;
    if (annotation !== null) {
      if (isId(annotation)) {
        const sig = ASM_RETURN_TYPE_SIGS.get(annotation.name);
        if (sig === undefined) {
          this.syntaxError(annotation, 'unknown type');
          return;
        }
        typeSig = sig;
      } else {
        // not fatal here: the first instruction below ends the pass with it
        this.syntaxError(annotation, 'return annotation must be an identifier');
      }
    }

    for (const stmt of extractList(pns.args[3] ?? null, 'suite_block_stmts')) {
      if (isRule(stmt, 'pass_stmt')) continue;
      // an instruction is an expression statement NAME(args)
      const call = isRule(stmt, 'expr_stmt') && arg(stmt, 1) === null ? arg(stmt, 0) : null;
      const trailer = isRule(call, 'atom_expr_normal') && isId(arg(call, 0)) ? arg(call, 1) : null;
      if (!isRule(trailer, 'trailer_paren')) {
        this.syntaxError(stmt, 'expecting an assembler instruction');
        return;
      }
      const op = leafName(arg(call, 0));
      const opArgs = extractList(trailer.args[0] ?? null, 'arglist');

      if (op === 'label') {
        const name = opArgs.length === 1 && isId(opArgs[0]!) ? opArgs[0].name : null;
        if (name === null) {
          this.syntaxError(stmt, "'label' requires 1 argument");
          return;
        }
        const label = this.newLabel();
        if (asm !== null && !asm.label(label, name)) {
          this.syntaxError(stmt, 'label redefined');
          return;
        }
      } else if (op === 'align') {
        if (!(opArgs.length === 1 && isSmallInt(opArgs[0]!))) {
          this.syntaxError(stmt, "'align' requires 1 argument");
          return;
        }
        if (asm !== null) asm.align(opArgs[0].value);
      } else if (op === 'data') {
        const first = opArgs[0] ?? null;
        if (!(opArgs.length >= 2 && isSmallInt(first))) {
          this.syntaxError(stmt, "'data' requires at least 2 arguments");
          return;
        }
        if (asm !== null) {
          for (let j = 1; j < opArgs.length; j++) {
            const value = parseNodeInt(opArgs[j]!);
            if (value === null) {
              this.syntaxError(stmt, "'data' requires integer arguments");
              return;
            }
            asm.data(first.value, value);
          }
        }
      } else if (asm !== null) {
        asm.op(op, opArgs);
        if (asm.error !== null) this.error = { kind: 'SyntaxError', message: asm.error };
      }

      if (this.error !== null) {
        // reported at the instruction's argument list
        this.errorLine = trailer.line;
        return;
      }
    }

    if (asm !== null) {
      asm.endPass();
      if (pass === Pass.Emit) {
        const rc = scope.rawCode as unknown as RawCodeAsm;
        rc.kind = 'asm';
        rc.funData = asm.getCode().slice();
        rc.children = [];
        rc.asmNPosArgs = scope.numPosArgs;
        rc.asmTypeSig = typeSig;
      }
    }

    // an annotation error with no instruction after it: reported at the def
    if (this.error !== null) this.errorLine = pns.line;
  }
}

/** Architectures the reference has a native emitter for (-march=...). */
function nativeArchSupported(arch: string | undefined): boolean {
  // -march=rv64imc is accepted by mpy-cross but has no native emitter there
  return arch !== undefined && arch !== '' && arch !== 'none' && arch !== 'rv64imc';
}

/** Architectures the reference has an inline assembler for. */
function asmArchSupported(arch: string | undefined): boolean {
  if (arch === undefined) return false;
  return /^(armv6|armv6m|armv7m|armv7em|armv7emsp|armv7emdp|xtensa|xtensawin|rv32imc)$/.test(arch);
}

/**
 * Compiles a module's parse tree into raw code plus the module's qstr and
 * constant tables. Throws CompileError for errors in the program.
 */
export function compileModule(tree: ParseNode, options: CompileOptions, pool?: QstrInterner): CompiledModule {
  try {
    return new Compiler(options, pool).compileModule(tree);
  } catch (e) {
    // the tree walk is recursive: absurdly deep nesting can exhaust the JS stack
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new RecursionLimitError();
    }
    throw e;
  }
}
