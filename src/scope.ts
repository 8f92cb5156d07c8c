// Scopes (module, class, function, lambda, comprehensions) and the
// identifiers they see. Mirrors upstream's scope rules: which names are
// locals, cells (closed over by an inner scope), free (owned by an outer
// scope) or globals, and the numbering of locals in the frame.
import type { MutableRawCode } from './emitter.ts';
import type { ParseNode, PnStruct } from './parsenode.ts';

export enum ScopeKind {
  Module,
  Class,
  Lambda,
  ListComp,
  DictComp,
  SetComp,
  GenExpr,
  Function,
}

export function scopeIsFuncLike(kind: ScopeKind): boolean {
  return kind >= ScopeKind.Lambda;
}

export function scopeIsCompLike(kind: ScopeKind): boolean {
  return kind >= ScopeKind.ListComp && kind <= ScopeKind.GenExpr;
}

export enum IdKind {
  Undecided,
  GlobalImplicit,
  GlobalImplicitAssigned,
  GlobalExplicit,
  /** in a function f: written and only referenced by f */
  Local,
  /** in a function f: read/written by children of f */
  Cell,
  /** in a function f: belongs to an enclosing scope */
  Free,
}

export const ID_FLAG_IS_PARAM = 0x01;
export const ID_FLAG_IS_STAR_PARAM = 0x02;
export const ID_FLAG_IS_DBL_STAR_PARAM = 0x04;

/** How the code of a scope is to be emitted (upstream MP_EMIT_OPT_*). */
export enum EmitOpt {
  None,
  Bytecode,
  NativePython,
  Viper,
  Asm,
}

export class IdInfo {
  kind: IdKind;
  flags = 0;
  /** frame slot: for locals their number, for cells/free vars the closed-over slot */
  localNum = 0;
  /** position in the scope's `ids` (kept up to date when params are reordered) */
  index = 0;
  /** the name's index in the module's qstr table once a global access used it, else -1 */
  qstrIndex = -1;
  constructor(
    readonly name: string,
    kind: IdKind,
  ) {
    this.kind = kind;
  }
}

/** Names that are casts, not globals, in viper code (native types int and above). */
const VIPER_CASTS: ReadonlySet<string> = new Set(['int', 'uint', 'ptr', 'ptr8', 'ptr16', 'ptr32']);

const SIMPLE_NAMES: Partial<Record<ScopeKind, string>> = {
  [ScopeKind.Module]: '<module>',
  [ScopeKind.Lambda]: '<lambda>',
  [ScopeKind.ListComp]: '<listcomp>',
  [ScopeKind.DictComp]: '<dictcomp>',
  [ScopeKind.SetComp]: '<setcomp>',
  [ScopeKind.GenExpr]: '<genexpr>',
};

export class Scope {
  parent: Scope | null = null;
  readonly simpleName: string;
  scopeFlags = 0;
  numPosArgs = 0;
  numKwonlyArgs = 0;
  numDefPosArgs = 0;
  numLocals = 0;
  stackSize = 0;
  excStackSize = 0;
  /** identifiers in order of first appearance (order matters for numbering) */
  readonly ids: IdInfo[] = [];
  private readonly byName = new Map<string, IdInfo>();
  /** where the bytecode emitter's log of this scope's scope pass is (-1: not logged) */
  scopePassOperandStart = -1;
  scopePassOperandEnd = -1;
  /** the code object this scope compiles to (filled by its final emit pass) */
  readonly rawCode: MutableRawCode = { kind: 'bytecode', funData: new Uint8Array(0), children: [] };

  constructor(
    readonly kind: ScopeKind,
    readonly pn: ParseNode,
    public emitOptions: EmitOpt,
  ) {
    if (kind === ScopeKind.Function || kind === ScopeKind.Class) {
      const name = (pn as PnStruct).args[0];
      if (name === null || name.kind !== 'id') throw new Error('scope: def/class without a name');
      this.simpleName = name.name;
    } else {
      this.simpleName = SIMPLE_NAMES[kind]!;
    }
  }

  find(name: string): IdInfo | undefined {
    return this.byName.get(name);
  }

  findOrAdd(name: string, kind: IdKind): IdInfo {
    let id = this.byName.get(name);
    if (id === undefined) {
      id = new IdInfo(name, kind);
      id.index = this.ids.length;
      this.ids.push(id);
      this.byName.set(name, id);
    }
    return id;
  }

  findGlobal(name: string): IdInfo | undefined {
    let s: Scope = this;
    while (s.parent !== null) s = s.parent;
    return s.find(name);
  }

  /**
   * If `id` (an implicit global here) is bound in an enclosing function-like
   * scope, make it a free variable here and close it over in the parents.
   */
  checkToCloseOver(id: IdInfo): void {
    if (this.parent === null) return;
    for (let s: Scope = this.parent; s.parent !== null; s = s.parent) {
      const id2 = s.find(id.name);
      if (id2 !== undefined) {
        if (id2.kind === IdKind.Local || id2.kind === IdKind.Cell || id2.kind === IdKind.Free) {
          id.kind = IdKind.Free;
          this.closeOverInParents(id.name);
        }
        break;
      }
    }
  }

  private closeOverInParents(name: string): void {
    for (let s = this.parent!; ; s = s.parent!) {
      const id = s.findOrAdd(name, IdKind.Undecided);
      if (id.kind === IdKind.Undecided) {
        // not declared here: free here too, keep searching outwards
        id.kind = IdKind.Free;
      } else {
        if (id.kind === IdKind.Local) id.kind = IdKind.Cell;
        return;
      }
    }
  }

  /** Name lookup in the scope pass: unknown names start as implicit globals. */
  idForLoad(name: string): void {
    this.findOrAdd(name, IdKind.GlobalImplicit);
  }

  /** Name binding in the scope pass: a function-like scope makes it a local. */
  idForModification(name: string): IdInfo {
    const id = this.findOrAdd(name, IdKind.GlobalImplicit);
    if (id.kind === IdKind.GlobalImplicit) {
      // in a class/module, mark it so it is not closed over
      id.kind = scopeIsFuncLike(this.kind) ? IdKind.Local : IdKind.GlobalImplicitAssigned;
    }
    return id;
  }

  /**
   * This scope's free variables that are cells or free variables of the
   * parent, in the parent's identifier order (the order closures are passed
   * in). Linear in this scope's size, so many closures in one big scope stay cheap.
   */
  freeVarsInParentOrder(): IdInfo[] {
    const parent = this.parent;
    if (parent === null) return [];
    const found: [number, IdInfo][] = [];
    for (const id of this.ids) {
      if (id.kind !== IdKind.Free) continue;
      const pid = parent.find(id.name);
      if (pid !== undefined && (pid.kind === IdKind.Cell || pid.kind === IdKind.Free)) found.push([pid.index, id]);
    }
    found.sort((a, b) => a[0] - b[0]);
    return found.map((f) => f[1]);
  }

  /**
   * After the scope pass: settle kinds and number the frame slots. Free vars
   * come first (in the parent's order), then params, other locals, then cells.
   */
  computeThings(): void {
    // each loop is a function of its own: V8 compiles a loop on the fly
    // while the module scope's (long) first run is in it, and code after
    // the loop in the same function would then deoptimize on every later call
    if (this.scopeFlags & 0x04 /* VARARGS */) this.moveStarParam();
    this.numLocals = 0;
    this.numberParamsAndLocals();
    this.numberCells();
    if (this.parent !== null) this.numberFreeVars();
  }

  /** The *args parameter goes after all other positional/keyword params (but before **kw). */
  private moveStarParam(): void {
    const ids = this.ids;
    let paramIdx = -1;
    for (let i = ids.length - 1; i >= 0; i--) {
      const id = ids[i]!;
      if (id.flags & ID_FLAG_IS_STAR_PARAM) {
        if (paramIdx >= 0) {
          const tmp = ids[paramIdx]!;
          ids[paramIdx] = id;
          ids[i] = tmp;
          id.index = paramIdx;
          tmp.index = i;
        }
        break;
      } else if (paramIdx < 0 && id.flags === ID_FLAG_IS_PARAM) {
        paramIdx = i;
      }
    }
  }

  private numberParamsAndLocals(): void {
    const funcLike = scopeIsFuncLike(this.kind);
    for (const id of this.ids) {
      // a class's __class__ is not a local; if used it becomes a cell
      if (this.kind === ScopeKind.Class && id.name === '__class__') continue;
      if (funcLike && id.kind === IdKind.GlobalImplicit) id.kind = IdKind.GlobalExplicit;
      // native code must know whether it touches globals (viper casts like int(x) do not)
      if (id.kind === IdKind.GlobalExplicit && !(this.emitOptions === EmitOpt.Viper && VIPER_CASTS.has(id.name))) {
        this.scopeFlags |= 0x10 /* REFGLOBALS */;
      }
      // params always take a local slot, even when they are cells
      if (id.kind === IdKind.Local || id.flags & ID_FLAG_IS_PARAM) id.localNum = this.numLocals++;
    }
  }

  private numberCells(): void {
    for (const id of this.ids) {
      if (id.kind === IdKind.Cell && !(id.flags & ID_FLAG_IS_PARAM)) id.localNum = this.numLocals++;
    }
  }

  /** Free vars come first (in the parent's order), shifting the other slots. */
  private numberFreeVars(): void {
    let numFree = 0;
    for (const id2 of this.freeVarsInParentOrder()) id2.localNum = numFree++;
    if (numFree > 0) {
      for (const id of this.ids) {
        if (id.kind !== IdKind.Free || id.flags & ID_FLAG_IS_PARAM) id.localNum += numFree;
      }
      // free vars are passed in like leading positional arguments
      this.numPosArgs += numFree;
      this.numLocals += numFree;
    }
  }

}
