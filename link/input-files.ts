// Input files as the linker sees them: sections that can be placed, and the
// symbols the relocations of those sections refer to.
import { LinkError, hex } from './errors.ts';
import { readElf, readRelocations, sectionBytes, type ElfFile, type ElfRelocation } from './elf/reader.ts';
import {
  ElfType, SectionType, SymbolBinding, SymbolType, SHF_ALLOC, SHF_LINK_ORDER,
  SHN_ABS, SHN_COMMON, SHN_UNDEF, SHN_LORESERVE,
} from './elf/format.ts';
import { parseArmAttributes, type ArmAttributes } from './elf/attributes.ts';
import type { OutputSection } from './output-sections.ts';
import type { MergedSection } from './merge-sections.ts';

/** How a branch to a symbol must treat it (GNU ld's ST_BRANCH_*). */
export enum BranchType {
  /** an ARM function: Thumb callers must switch state */
  TO_ARM,
  /** a Thumb function (STT_FUNC with bit 0 set) */
  TO_THUMB,
  /** a section symbol: the branch is taken as written */
  LONG,
  /** any other symbol (labels, objects, absolute values) */
  UNKNOWN,
}

export class InputSection {
  /** where this section landed; undefined until placed (and for discarded sections) */
  output: OutputSection | undefined;
  /** offset inside its output section */
  outputOffset = 0;
  discarded = false;
  /** the section this one describes (SHF_LINK_ORDER: .ARM.exidx -> its code) */
  linkedTo: InputSection | undefined;
  /** for code sections: the .ARM.exidx section that describes it */
  exidx: InputSection | undefined;
  /** size after linker edits (.ARM.exidx entries merged or added) */
  size: number;
  relocations: readonly ElfRelocation[] = [];
  /** linker-made sections (stubs) produce their bytes once addresses are final */
  synthesize: (() => Uint8Array) | undefined;
  /** sh_entsize: the entity size of SHF_MERGE sections */
  entsize = 0;
  /** true if a relocation section applies to it (GNU ld never merges those) */
  hasRelocations = false;
  /** set for SHF_MERGE sections that were merged with others */
  merge: MergedSection | undefined;
  /** merged, and left with no entries of its own: placed with no size and no alignment */
  mergedAway = false;

  constructor(
    readonly file: ObjectFile,
    readonly index: number,
    readonly name: string,
    readonly type: number,
    readonly flags: number,
    public align: number,
    public data: Uint8Array,
    size: number,
  ) {
    this.size = size;
  }

  get isNoBits(): boolean {
    return this.type === SectionType.NOBITS;
  }

  get address(): number {
    // Reached when something refers into a section that takes no memory (not SHF_ALLOC).
    if (!this.output) throw new LinkError(`${this.file.name}: section ${this.name} is referenced but is not loaded into memory (not allocatable)`);
    return (this.output.address + this.outputOffset) >>> 0;
  }

  toString(): string {
    return `${this.file.name}(${this.name})`;
  }
}

export type SymbolDefinition =
  | { readonly kind: 'section'; readonly section: InputSection; readonly offset: number }
  | { readonly kind: 'absolute'; readonly value: number }
  | { readonly kind: 'common'; readonly size: number; readonly align: number }
  | { readonly kind: 'undefined' };

/** One symbol: a file-local one, or the table's single entry for a global name. */
export class LinkSymbol {
  /** set once a layout assignment or COMMON allocation gives it a final value */
  assigned: number | undefined;
  /** COMMON symbols get a synthetic section when allocated */
  constructor(
    readonly name: string,
    public binding: SymbolBinding,
    public type: number,
    public def: SymbolDefinition,
    public branchType: BranchType,
    public size: number,
    public file: ObjectFile | undefined,
    /** true if some reference to it is not weak (a strong undefined reference) */
    public strongRef = false,
  ) {}

  get isUndefined(): boolean {
    return this.def.kind === 'undefined' && this.assigned === undefined;
  }

  get isSectionSymbol(): boolean {
    return this.type === SymbolType.SECTION;
  }

  get isWeakUndefined(): boolean {
    return this.isUndefined && !this.strongRef;
  }

  /** final address (Thumb bit not included) */
  get address(): number {
    if (this.assigned !== undefined) return this.assigned >>> 0;
    switch (this.def.kind) {
      case 'section': {
        const s = this.def.section;
        if (s.discarded) return 0;
        return (s.address + this.def.offset) >>> 0;
      }
      case 'absolute':
        return this.def.value >>> 0;
      default:
        return 0;
    }
  }
}

/** A section group (SHT_GROUP): COMDAT groups are kept once per signature. */
export interface SectionGroup {
  readonly signature: string;
  readonly comdat: boolean;
  readonly members: readonly InputSection[];
}

export class ObjectFile {
  readonly sections: (InputSection | undefined)[] = [];
  readonly groups: SectionGroup[] = [];
  /** symbol index -> symbol (globals replaced by the symbol table's entry) */
  readonly symbols: LinkSymbol[] = [];
  readonly attributes: ArmAttributes | undefined;

  constructor(readonly name: string, readonly elf: ElfFile | undefined, attributes?: ArmAttributes) {
    this.attributes = attributes;
  }

  /** The sections a layout can place (allocatable, not relocation/symbol tables). */
  get placeable(): InputSection[] {
    return this.sections.filter((s): s is InputSection => s !== undefined && (s.flags & SHF_ALLOC) !== 0);
  }
}

function branchTypeOf(type: number, value: number): BranchType {
  if (type === SymbolType.FUNC) return value & 1 ? BranchType.TO_THUMB : BranchType.TO_ARM;
  if (type === SymbolType.ARM_TFUNC) return BranchType.TO_THUMB;
  if (type === SymbolType.SECTION) return BranchType.LONG;
  return BranchType.UNKNOWN;
}

/** Reads a relocatable object (ET_REL) into sections and raw symbols (globals not yet resolved). */
export function readObjectFile(bytes: Uint8Array, name: string): ObjectFile {
  const elf = readElf(bytes, name);
  if (elf.type !== ElfType.REL) {
    throw new LinkError(`${name}: expected a relocatable object (ET_REL), found ELF type ${elf.type}`);
  }
  const attrSec = elf.sections.find((s) => s.type === SectionType.ARM_ATTRIBUTES);
  const file = new ObjectFile(name, elf, attrSec ? parseArmAttributes(sectionBytes(elf, attrSec)) : undefined);
  for (const h of elf.sections) {
    if (h.index === 0 || h.type === SectionType.REL || h.type === SectionType.RELA || h.type === SectionType.SYMTAB ||
        h.type === SectionType.STRTAB || h.type === SectionType.SYMTAB_SHNDX || h.type === SectionType.GROUP) {
      file.sections.push(undefined);
      continue;
    }
    const data = sectionBytes(elf, h);
    const sec = new InputSection(file, h.index, h.name, h.type, h.flags, Math.max(1, h.addralign), data, h.size);
    sec.entsize = h.entsize;
    file.sections.push(sec);
  }
  for (const h of elf.sections) {
    if (h.type !== SectionType.REL && h.type !== SectionType.RELA) continue;
    const target = file.sections[h.info];
    if (!target) continue; // relocations of non-placeable sections (none expected)
    if (h.link !== elf.symtabIndex) throw new LinkError(`${name}: ${h.name}: relocations refer to symbol table ${h.link}`);
    target.relocations = readRelocations(elf, h);
    target.hasRelocations = true;
    for (const r of target.relocations) {
      if (r.offset >= target.size && target.size > 0 || (target.size === 0 && r.offset > 0)) {
        throw new LinkError(`${name}: ${h.name}: relocation at ${hex(r.offset)} is outside ${target.name} (size ${hex(target.size)})`);
      }
    }
  }
  for (const s of file.sections) {
    if (!s) continue;
    const h = elf.sections[s.index]!;
    if (h.flags & SHF_LINK_ORDER && h.link > 0) {
      const to = file.sections[h.link];
      if (!to) throw new LinkError(`${name}: section ${h.name} is linked to section ${h.link}, which does not exist`);
      s.linkedTo = to;
      if (s.type === SectionType.ARM_EXIDX) to.exidx = s;
    }
  }
  for (const sym of elf.symbols) {
    let def: SymbolDefinition;
    if (sym.shndx === SHN_UNDEF) def = { kind: 'undefined' };
    else if (sym.shndx === SHN_ABS) def = { kind: 'absolute', value: sym.value };
    else if (sym.shndx === SHN_COMMON) def = { kind: 'common', size: sym.size, align: Math.max(1, sym.value) };
    else if (sym.shndx >= SHN_LORESERVE && sym.shndx < 0xffff) {
      throw new LinkError(`${name}: symbol ${sym.name} is in reserved section ${hex(sym.shndx)}`);
    } else {
      const sec = file.sections[sym.shndx];
      if (!sec) {
        if (sym.type === SymbolType.SECTION || sym.binding === SymbolBinding.LOCAL) {
          // Section symbols of relocation or string tables: never targets of relocations we apply.
          def = { kind: 'absolute', value: 0 };
        } else {
          throw new LinkError(`${name}: symbol ${sym.name} is defined in section ${sym.shndx}, which does not exist`);
        }
      } else {
        const isFunc = sym.type === SymbolType.FUNC;
        def = { kind: 'section', section: sec, offset: isFunc ? sym.value & ~1 : sym.value };
      }
    }
    const value = sym.value;
    const symName = sym.type === SymbolType.SECTION ? (file.sections[sym.shndx]?.name ?? '') : sym.name;
    file.symbols.push(new LinkSymbol(symName, sym.binding, sym.type === SymbolType.ARM_TFUNC ? SymbolType.FUNC : sym.type,
      def, branchTypeOf(sym.type, value), sym.size, file, sym.binding !== SymbolBinding.WEAK));
  }
  for (const h of elf.sections) {
    if (h.type !== SectionType.GROUP) continue;
    const words = sectionBytes(elf, h);
    if (words.length < 4 || words.length % 4) throw new LinkError(`${name}: section group ${h.name} is corrupt`);
    const dv = new DataView(words.buffer, words.byteOffset, words.byteLength);
    const members: InputSection[] = [];
    for (let k = 4; k < words.length; k += 4) {
      const m = file.sections[dv.getUint32(k, true)];
      if (m) members.push(m);
    }
    const sig = elf.symbols[h.info];
    if (!sig) throw new LinkError(`${name}: section group ${h.name} names symbol ${h.info}, which does not exist`);
    // A section symbol as signature stands for the section's name (as GNU ld reads it).
    const signature = sig.type === SymbolType.SECTION ? (elf.sections[sig.shndx]?.name ?? '') : sig.name;
    file.groups.push({ signature, comdat: (dv.getUint32(0, true) & GRP_COMDAT) !== 0, members });
  }
  return file;
}

const GRP_COMDAT = 1;

/**
 * COMDAT groups (C++ inline functions, templates, vtables) are linked once:
 * the first group with a given signature, in input order, is kept and the
 * members of later ones are discarded; a global symbol they define then
 * resolves to the kept copy. Returns the discarded sections.
 */
export function discardDuplicateGroups(files: readonly ObjectFile[]): InputSection[] {
  const seen = new Set<string>();
  const dropped: InputSection[] = [];
  for (const f of files) {
    const before = dropped.length;
    for (const g of f.groups) {
      if (!g.comdat) continue;
      if (!seen.has(g.signature)) {
        seen.add(g.signature);
        continue;
      }
      for (const m of g.members) {
        m.discarded = true;
        dropped.push(m);
      }
    }
    // only this file's symbols can be defined in the sections it just lost
    if (dropped.length === before) continue;
    for (const s of f.symbols) {
      if (s.binding !== SymbolBinding.LOCAL && s.def.kind === 'section' && s.def.section.discarded) s.def = { kind: 'undefined' };
    }
  }
  return dropped;
}

/** A file made of one data section, like `objcopy -I binary ... --rename-section .data=NAME` makes. */
export function makeBinaryObject(name: string, sectionName: string, data: Uint8Array, flags: number): ObjectFile {
  const file = new ObjectFile(name, undefined);
  file.sections.push(undefined);
  file.sections.push(new InputSection(file, 1, sectionName, SectionType.PROGBITS, flags, 1, data, data.length));
  file.symbols.push(new LinkSymbol('', SymbolBinding.LOCAL, SymbolType.NOTYPE, { kind: 'undefined' }, BranchType.UNKNOWN, 0, file));
  return file;
}
