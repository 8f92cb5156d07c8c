// Global symbol resolution across input files, with GNU ld's precedence:
// strong definition > weak definition > common (largest wins) > undefined.
// A symbol is weak-undefined only if every reference to it is weak.
import { LinkError } from './errors.ts';
import { SymbolBinding } from './elf/format.ts';
import { BranchType, LinkSymbol, type ObjectFile } from './input-files.ts';

function rank(s: LinkSymbol): number {
  switch (s.def.kind) {
    case 'undefined': return 0;
    case 'common': return 1;
    default: return s.binding === SymbolBinding.WEAK ? 2 : 3;
  }
}

export class SymbolTable {
  private readonly byName = new Map<string, LinkSymbol>();

  get(name: string): LinkSymbol | undefined {
    return this.byName.get(name);
  }

  all(): IterableIterator<LinkSymbol> {
    return this.byName.values();
  }

  /** Merges the global symbols of `file` into the table and points the file's entries at the table's. */
  add(file: ObjectFile): void {
    const syms = file.symbols;
    for (let i = 0; i < syms.length; i++) {
      const s = syms[i]!;
      if (s.binding === SymbolBinding.LOCAL || i === 0) continue;
      const prev = this.byName.get(s.name);
      if (!prev) {
        this.byName.set(s.name, s);
        continue;
      }
      syms[i] = prev;
      const strongRef = prev.strongRef || (s.def.kind === 'undefined' && s.binding !== SymbolBinding.WEAK);
      const rp = rank(prev);
      const rs = rank(s);
      if (rp === 3 && rs === 3) {
        throw new LinkError(`multiple definition of \`${s.name}': ${file.name} and ${prev.file?.name ?? 'the layout'}`);
      }
      if (rs === 1 && rp === 1) {
        // Two commons: the larger size and alignment win, as GNU ld does.
        const a = prev.def as { size: number; align: number };
        const b = s.def as { size: number; align: number };
        prev.def = { kind: 'common', size: Math.max(a.size, b.size), align: Math.max(a.align, b.align) };
        prev.size = Math.max(prev.size, s.size);
      } else if (rs > rp) {
        prev.def = s.def;
        prev.binding = s.binding;
        prev.type = s.type;
        prev.branchType = s.branchType;
        prev.size = s.size;
        prev.file = s.file;
      }
      prev.strongRef = strongRef;
    }
    // A weak undefined first seen, then a strong reference elsewhere, must become strong.
    for (const s of syms) {
      if (s.def.kind === 'undefined' && s.binding === SymbolBinding.GLOBAL) s.strongRef = true;
    }
  }

  /** Adds (or overrides with) a symbol defined by the layout; its value is set later. */
  defineByLayout(name: string): LinkSymbol {
    let s = this.byName.get(name);
    if (!s) {
      s = new LinkSymbol(name, SymbolBinding.GLOBAL, 0, { kind: 'absolute', value: 0 }, BranchType.UNKNOWN, 0, undefined, false);
      this.byName.set(name, s);
    }
    return s;
  }
}
