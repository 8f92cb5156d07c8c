// SHF_MERGE input sections (gcc's .rodata.str1.1, .rodata.cst8, ...): equal
// strings and constants stored once, and strings that are the tail of a longer
// one pointing into it. GNU ld 2.40's rules (bfd/merge.c), because the image
// must come out byte-identical:
//  - sections are merged in groups of the same output section, entity size,
//    alignment and string-ness, in input order (file, then section index);
//  - each entry stays in the section that recorded it first, in the order it
//    was first seen; a later, more aligned copy replaces an earlier one;
//  - suffix sharing picks hosts by sorting the strings from their last byte;
//  - a section left with no entries of its own is emptied (it keeps its place
//    but takes no space and no alignment padding);
//  - references are moved with the entry they point into.
import { LinkError, hex } from './errors.ts';
import { SHF_MERGE, SHF_STRINGS } from './elf/format.ts';
import type { InputSection, ObjectFile } from './input-files.ts';
import type { OutputSection } from './output-sections.ts';

const SHF_EXCLUDE = 0x80000000;

/** One distinct string (terminator included) or constant of a group. */
interface Entry {
  readonly bytes: Uint8Array;
  len: number;
  /** required alignment; 0 once replaced by a more aligned copy or hosted by a longer string */
  alignment: number;
  /** the section whose merged contents hold it */
  owner: MergedSection;
  /** offset in the owner's merged contents */
  index: number;
  /** the longer string this one is the tail of */
  host: Entry | undefined;
}

class MergeGroup {
  /** entries in the order they were first recorded */
  readonly entries: Entry[] = [];
  readonly byContent = new Map<string, Entry>();
  readonly members: MergedSection[] = [];
  /** the entries that occupy bytes, in output order (set once merged) */
  live: Entry[] = [];

  constructor(
    readonly strings: boolean,
    readonly entsize: number,
    readonly align: number,
    readonly output: OutputSection,
  ) {}

  add(bytes: Uint8Array, alignment: number, sec: MergedSection): Entry {
    const key = contentKey(bytes);
    const found = this.byContent.get(key);
    if (found) {
      if (found.alignment >= alignment) return found;
      // A copy at a stricter alignment is needed: the earlier one is dropped.
      found.len = 0;
      found.alignment = 0;
    }
    const e: Entry = { bytes, len: bytes.length, alignment, owner: sec, index: 0, host: undefined };
    this.byContent.set(key, e);
    this.entries.push(e);
    return e;
  }

  lookup(bytes: Uint8Array): Entry | undefined {
    return this.byContent.get(contentKey(bytes));
  }
}

/** Merge state of one input section that took part. */
export class MergedSection {
  /** the section's bytes as read, with room for a missing final terminator */
  readonly original: Uint8Array;
  readonly rawSize: number;
  newSize = 0;
  /** first entry it holds; undefined if all its entries live elsewhere (the section is emptied) */
  first: Entry | undefined;

  constructor(readonly section: InputSection, readonly group: MergeGroup) {
    this.rawSize = section.size;
    this.original = new Uint8Array(section.size + (group.strings ? group.entsize : 0));
    this.original.set(section.data.subarray(0, section.size));
  }

  /** Where a byte of the original section ended up: the section holding it now and the offset in it. */
  locate(offset: number): { section: InputSection; offset: number } {
    const g = this.group;
    if (offset < 0 || offset >= this.rawSize) {
      // GNU ld: the end of the section (or beyond, with a warning) maps to its new end.
      return { section: this.section, offset: this.first ? this.newSize : 0 };
    }
    const es = g.entsize;
    let start: number;
    if (!g.strings) {
      start = Math.floor(offset / es) * es;
    } else if (es === 1) {
      start = offset;
      while (start > 0 && this.original[start - 1] !== 0) start--;
    } else {
      start = Math.floor(offset / es) * es - es;
      while (start >= 0 && !isZeroChar(this.original, start, es)) start -= es;
      start += es;
    }
    let e = g.lookup(this.entryBytes(start));
    if (!e) {
      // Only padding between strings can miss; GNU ld then points at the end of the first entry.
      e = g.live[0];
      if (!e) throw new LinkError(`${this.section}: offset ${hex(offset)} of a merged section has no entry`);
      start = (Math.floor(offset / es) + 1) * es - e.len;
    }
    return { section: e.owner.section, offset: e.index + (offset - start) };
  }

  /** The entity starting at `p`: a whole string with its terminator, or one constant. */
  entryBytes(p: number): Uint8Array {
    const es = this.group.entsize;
    if (!this.group.strings) return this.original.subarray(p, p + es);
    let q = p;
    if (es === 1) {
      while (this.original[q] !== 0) q++;
      return this.original.subarray(p, q + 1);
    }
    while (!isZeroChar(this.original, q, es)) q += es;
    return this.original.subarray(p, q + es);
  }
}

function isZeroChar(b: Uint8Array, p: number, es: number): boolean {
  for (let i = 0; i < es; i++) if (b[p + i] !== 0) return false;
  return true;
}

function contentKey(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode.apply(null, b.subarray(i, i + 8192) as unknown as number[]);
  return s;
}

const alignUp = (v: number, a: number): number => (a <= 1 ? v : Math.ceil(v / a) * a);

/** GNU ld's conditions for a section to be merged at all; the others are linked as they are. */
function canMerge(s: InputSection): boolean {
  if (!(s.flags & SHF_MERGE) || !s.output || s.discarded || s.isNoBits) return false;
  if (s.size === 0 || s.entsize === 0 || (s.flags & SHF_EXCLUDE) || s.size % s.entsize !== 0) return false;
  if (s.hasRelocations) return false;
  const align = s.align;
  const strings = (s.flags & SHF_STRINGS) !== 0;
  // Characters smaller than the alignment must be a power of two in size (strings only);
  // entities larger than it must be a multiple of it.
  if (s.entsize < align && ((s.entsize & (s.entsize - 1)) || !strings)) return false;
  if (s.entsize > align && s.entsize & (align - 1)) return false;
  return true;
}

/**
 * Merges the SHF_MERGE sections of a placed link. Afterwards owner sections
 * hold their merged bytes, emptied sections are marked `mergedAway`, and
 * every non-section symbol defined in a merged section points at the new
 * place of its byte.
 */
export function mergeSections(files: readonly ObjectFile[]): void {
  const groups: MergeGroup[] = [];
  for (const f of files) {
    for (const s of f.sections) {
      if (!s || !canMerge(s)) continue;
      const strings = (s.flags & SHF_STRINGS) !== 0;
      let g = groups.find((x) => x.strings === strings && x.entsize === s.entsize && x.align === s.align && x.output === s.output);
      if (!g) groups.push((g = new MergeGroup(strings, s.entsize, s.align, s.output!)));
      const m = new MergedSection(s, g);
      g.members.push(m);
      s.merge = m;
    }
  }
  for (const g of groups) {
    let padTo = 1;
    for (const m of g.members) {
      record(g, m);
      if (padTo) {
        padTo = g.align;
        if (m.rawSize & (padTo - 1)) padTo = 0;
      }
    }
    const last = g.strings ? assignStrings(g) : assignConstants(g);
    if (padTo) last.newSize = alignUp(last.newSize, padTo);
    const contents = emit(g);
    for (const m of g.members) {
      const s = m.section;
      s.size = m.first ? m.newSize : 0;
      s.data = contents.get(m) ?? new Uint8Array(0);
      s.mergedAway = !m.first;
    }
  }
  relocateSymbols(files);
}

function record(g: MergeGroup, m: MergedSection): void {
  const buf = m.original;
  const end = m.rawSize;
  const es = g.entsize;
  if (!g.strings) {
    for (let p = 0; p < end; p += es) g.add(buf.subarray(p, p + es), 1, m);
    return;
  }
  const mask = g.align - 1;
  let sawPadding = false;
  let p = 0;
  while (p < end) {
    // A string is as aligned as its offset allows, up to the section's alignment.
    let eltAlign = p & -p;
    if (eltAlign === 0 || eltAlign > mask) eltAlign = mask + 1;
    const e = g.add(m.entryBytes(p), eltAlign, m);
    p += e.bytes.length;
    // Runs of empty characters after a string are padding; GNU ld records one
    // empty string per section, for the first aligned one.
    while (p < end && isZeroChar(buf, p, es)) {
      if (!sawPadding && (p & mask) === 0) {
        sawPadding = true;
        g.add(buf.subarray(p, p + es), mask + 1, m);
      }
      p += es;
    }
  }
}

/** bfd's strrevcmp: compares strings (without terminators) from their last character. */
function compareFromEnd(a: Entry, b: Entry): number {
  const la = a.len;
  const lb = b.len;
  let i = la - 1;
  let j = lb - 1;
  for (let l = Math.min(la, lb); l > 0; l--, i--, j--) {
    const d = a.bytes[i]! - b.bytes[j]!;
    if (d !== 0) return d;
  }
  return la - lb;
}

function isTailOf(host: Entry, e: Entry): boolean {
  if (host.len <= e.len) return false;
  const off = host.len - e.len;
  for (let i = 0; i < e.len; i++) if (host.bytes[off + i] !== e.bytes[i]) return false;
  return true;
}

function assignStrings(g: MergeGroup): MergedSection {
  const es = g.entsize;
  const sorted: Entry[] = [];
  let common = 0; // the alignment all strings share, or -1
  for (const e of g.entries) {
    if (!e.alignment) continue;
    sorted.push(e);
    e.len -= es;
    if (common !== e.alignment) common = common === 0 ? e.alignment : -1;
  }
  if (common !== -1 && common > es) {
    const a = common - 1;
    sorted.sort((x, y) => (x.len & a) - (y.len & a) || compareFromEnd(x, y));
  } else {
    sorted.sort(compareFromEnd);
  }
  // Walk from the greatest: each string that is the tail of the current host
  // (at a compatible alignment) is stored inside it.
  let host = sorted[sorted.length - 1]!;
  host.len += es;
  for (let k = sorted.length - 2; k >= 0; k--) {
    const e = sorted[k]!;
    e.len += es;
    if (host.alignment >= e.alignment && ((host.len - e.len) & (e.alignment - 1)) === 0 && isTailOf(host, e)) {
      e.host = host;
      e.alignment = 0;
    } else {
      host = e;
    }
  }

  let cur = g.entries[0]!.owner;
  let size = 0;
  for (const e of g.entries) {
    if (e.owner !== cur) {
      cur.newSize = size;
      cur = e.owner;
    }
    if (!e.alignment) continue;
    if (!cur.first) {
      cur.first = e;
      size = 0;
    }
    size = alignUp(size, e.alignment);
    e.index = size;
    size += e.len;
  }
  cur.newSize = size;

  g.live = [];
  for (const e of g.entries) {
    if (e.alignment) {
      g.live.push(e);
    } else if (e.len && e.host) {
      e.owner = e.host.owner;
      e.alignment = e.host.alignment;
      e.index = e.host.index + (e.host.len - e.len);
    }
  }
  return cur;
}

function assignConstants(g: MergeGroup): MergedSection {
  let cur: MergedSection | undefined;
  let size = 0;
  for (const e of g.entries) {
    if (!e.owner.first) {
      if (cur) cur.newSize = size;
      e.owner.first = e;
      size = 0;
    }
    size = alignUp(size, e.alignment);
    e.index = size;
    size += e.len;
    cur = e.owner;
  }
  cur!.newSize = size;
  g.live = g.entries;
  return cur!;
}

/** The merged bytes of each owner section: its entries in order, each at its alignment, zero padded. */
function emit(g: MergeGroup): Map<MergedSection, Uint8Array> {
  const out = new Map<MergedSection, Uint8Array>();
  let buf = new Uint8Array(0);
  let owner: MergedSection | undefined;
  let off = 0;
  for (const e of g.live) {
    if (e.owner !== owner) {
      owner = e.owner;
      buf = new Uint8Array(owner.newSize);
      out.set(owner, buf);
      off = 0;
    }
    off = alignUp(off, e.alignment);
    if (off + e.len > buf.length) throw new LinkError(`${owner.section}: merged contents overflow the section`);
    buf.set(e.bytes.subarray(0, e.len), off);
    off += e.len;
  }
  return out;
}

/** Symbols (other than section symbols) defined in merged sections follow their bytes. */
function relocateSymbols(files: readonly ObjectFile[]): void {
  const done = new Set<object>();
  for (const f of files) {
    for (const s of f.symbols) {
      if (done.has(s)) continue;
      done.add(s);
      if (s.def.kind !== 'section' || !s.def.section.merge || s.isSectionSymbol) continue;
      const to = s.def.section.merge.locate(s.def.offset);
      s.def = { kind: 'section', section: to.section, offset: to.offset };
    }
  }
}
