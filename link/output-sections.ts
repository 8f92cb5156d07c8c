// Places input sections into the layout's output sections and gives every
// output section, input section and layout symbol its address, following the
// rules GNU ld applies to the emitted script: first matching statement wins,
// input order within a statement (unless sorted), each input section aligned
// to its own alignment, empty output sections dropped unless they assign a
// symbol, sections start at their region's next free byte.
import { LinkError, hex } from './errors.ts';
import { SectionType, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE } from './elf/format.ts';
import { InputSection, ObjectFile, type LinkSymbol } from './input-files.ts';
import type { SymbolTable } from './symbol-table.ts';
import { bfdHash } from './arch/arm-stubs.ts';
import type { AssignSpec, Expr, InputSpec, Layout, MoveSpec, OutputSectionSpec } from './layout.ts';

/** One piece of an output section, in order. */
export type Placed =
  | { readonly kind: 'input'; readonly section: InputSection }
  | { readonly kind: 'assign'; readonly spec: AssignSpec }
  | { readonly kind: 'move'; readonly spec: MoveSpec };

export class OutputSection {
  address = 0;
  size = 0;
  /** SHT_PROGBITS if anything in it has bytes to load, SHT_NOBITS otherwise */
  type: number = SectionType.NOBITS;
  flags = SHF_ALLOC;
  align = 1;
  /** false for sections GNU ld would not create (no inputs, no assignments) */
  present = false;
  readonly items: Placed[] = [];
  readonly regionName: string;

  constructor(readonly spec: OutputSectionSpec, readonly index: number, layout: Layout) {
    this.regionName = spec.region ?? Object.keys(layout.memory)[0]!;
  }

  get name(): string {
    return this.spec.name;
  }

  get isLoaded(): boolean {
    return this.present && this.type !== SectionType.NOBITS;
  }

  *inputs(): IterableIterator<InputSection> {
    for (const it of this.items) if (it.kind === 'input') yield it.section;
  }
}

export interface RegionUsage {
  readonly name: string;
  readonly origin: number;
  readonly length: number;
  used: number;
}

// ---- pattern matching (GNU ld wildcards: * ? [...]) ----

const patternCache = new Map<string, RegExp | string>();

function compilePattern(p: string): RegExp | string {
  let re = patternCache.get(p);
  if (re !== undefined) return re;
  if (!/[*?[]/.test(p)) {
    re = p;
  } else {
    let src = '^';
    for (let i = 0; i < p.length; i++) {
      const c = p[i]!;
      if (c === '*') src += '.*';
      else if (c === '?') src += '.';
      else if (c === '[') {
        const close = p.indexOf(']', i + 1);
        if (close < 0) src += '\\[';
        else {
          let body = p.slice(i + 1, close);
          if (body.startsWith('!')) body = '^' + body.slice(1);
          src += '[' + body.replace(/\\/g, '\\\\') + ']';
          i = close;
        }
      } else src += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
    re = new RegExp(src + '$', 's');
  }
  patternCache.set(p, re);
  return re;
}

export function matchesPattern(name: string, pattern: string): boolean {
  const re = compilePattern(pattern);
  return typeof re === 'string' ? re === name : re.test(name);
}

/** The number GNU ld sorts `.init_array.NNNNN` / `.ctors.NNNNN` by (SORT_BY_INIT_PRIORITY). */
function initPriority(name: string): number {
  const m = /\.(\d+)$/.exec(name);
  if (!m) return 0xffffffff; // no number: lowest priority, after numbered ones... like ld (65535+)
  const n = Number(m[1]);
  // .ctors/.dtors numbers count downwards from 65535
  if (/^\.(ctors|dtors)\./.test(name)) return 65535 - n;
  return n;
}

// ---- expression evaluation ----

export interface EvalContext {
  dot: number | undefined;
  layout: Layout;
  symbols: SymbolTable;
  outputs: ReadonlyMap<string, OutputSection>;
  /** when false, unknown values evaluate to 0 (first pass) */
  final: boolean;
}

export function evaluate(e: Expr, ctx: EvalContext, where: string): number {
  if (typeof e === 'number') return e >>> 0;
  switch (e.op) {
    case 'dot':
      if (ctx.dot === undefined) throw new LinkError(`layout: ${where}: '.' used outside of a position`);
      return ctx.dot;
    case 'symbol': {
      const s = ctx.symbols.get(e.name);
      if (!s || s.isUndefined) {
        if (!ctx.final) return 0;
        throw new LinkError(`layout: ${where}: undefined symbol \`${e.name}' in expression`);
      }
      return s.address;
    }
    case 'addr': case 'sizeof': case 'end': {
      const o = ctx.outputs.get(e.section)!;
      if (!o.present && ctx.final) {
        throw new LinkError(`layout: ${where}: section ${e.section} is empty and was not created, so it has no ${e.op === 'sizeof' ? 'size' : 'address'}`);
      }
      if (e.op === 'addr') return o.address;
      if (e.op === 'sizeof') return o.size;
      return (o.address + o.size) >>> 0;
    }
    case 'origin': return ctx.layout.memory[e.region]!.origin;
    case 'length': return ctx.layout.memory[e.region]!.length;
    case 'align': {
      const v = evaluate(e.value, ctx, where);
      return (Math.ceil(v / e.to) * e.to) >>> 0;
    }
    default: {
      const a = evaluate(e.a, ctx, where);
      const b = evaluate(e.b, ctx, where);
      switch (e.op) {
        case '+': return (a + b) >>> 0;
        case '-': return (a - b) >>> 0;
        case '*': return Math.imul(a, b) >>> 0;
        case '/':
          if (b === 0) throw new LinkError(`layout: ${where}: division by zero`);
          return Math.floor(a / b) >>> 0;
        case '&': return (a & b) >>> 0;
        case '|': return (a | b) >>> 0;
      }
    }
  }
}

// ---- assignment of input sections to statements ----

interface Statement {
  readonly spec: InputSpec;
  readonly output: OutputSection | 'discard';
  readonly matched: InputSection[];
}

export interface Placement {
  readonly outputs: OutputSection[];
  readonly byName: Map<string, OutputSection>;
  readonly regions: Map<string, RegionUsage>;
  readonly discarded: InputSection[];
}

/**
 * Builds the output sections and assigns every allocatable input section to
 * the first statement that matches it. Unmatched allocatable sections are an
 * error (GNU ld would place these "orphans" by heuristics; a layout must be explicit).
 */
export function assignSections(layout: Layout, files: readonly ObjectFile[], commons: readonly InputSection[]): Placement {
  const outputs: OutputSection[] = [];
  const byName = new Map<string, OutputSection>();
  const statements: Statement[] = [];
  for (const s of layout.sections) {
    if (s.kind !== 'section') continue;
    if (byName.has(s.name)) throw new LinkError(`layout: output section ${s.name} is defined twice`);
    const o = new OutputSection(s, outputs.length, layout);
    outputs.push(o);
    byName.set(s.name, o);
    for (const item of s.contents) if (item.kind === 'input') statements.push({ spec: item, output: o, matched: [] });
  }
  if (layout.discard.length) statements.push({ spec: { kind: 'input', patterns: layout.discard, keep: false }, output: 'discard', matched: [] });

  const orphans: { output: OutputSection; section: InputSection }[] = [];
  const commonStatement = statements.find((st) => st.spec.patterns.includes('COMMON'));
  const cache = new Map<string, Statement | null>();
  const find = (name: string): Statement | undefined => {
    let st = cache.get(name);
    if (st === undefined) {
      st = statements.find((x) => x.spec.patterns.some((p) => p !== 'COMMON' && matchesPattern(name, p))) ?? null;
      cache.set(name, st);
    }
    return st ?? undefined;
  };
  for (const f of files) {
    for (const sec of f.placeable) {
      if (sec.discarded) continue; // a duplicate COMDAT group member
      const st = find(sec.name);
      if (!st) {
        if (sec.size === 0) {
          // Empty sections nobody asked for (as every assembler file has): GNU ld still
          // puts one at the end of the output section of its name, where it can matter
          // (it may close a veneer group); elsewhere it changes nothing.
          const same = byName.get(sec.name);
          if (same) orphans.push({ output: same, section: sec });
          else sec.discarded = true;
          continue;
        }
        throw new LinkError(`${f.name}: section ${sec.name} (${hex(sec.size)} bytes) is not placed by the layout; add a pattern for it (or discard it)`);
      }
      st.matched.push(sec);
    }
    for (const c of commons) {
      if (c.file !== f) continue;
      if (!commonStatement) throw new LinkError(`${f.name}: common symbols need a COMMON input pattern in the layout`);
      commonStatement.matched.push(c);
    }
  }

  const discarded: InputSection[] = [];
  for (const st of statements) {
    if (st.output === 'discard') {
      for (const s of st.matched) { s.discarded = true; discarded.push(s); }
      continue;
    }
    if (st.spec.sort === 'name') {
      st.matched.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } else if (st.spec.sort === 'init_priority') {
      st.matched.sort((a, b) => initPriority(a.name) - initPriority(b.name));
    }
  }
  // Statements contribute their sections where they stand in the section's contents.
  const byStatement = new Map<InputSpec, Statement>();
  for (const st of statements) byStatement.set(st.spec, st);
  for (const o of outputs) {
    for (const item of o.spec.contents) {
      if (item.kind === 'input') {
        for (const sec of byStatement.get(item)!.matched) {
          o.items.push({ kind: 'input', section: sec });
          sec.output = o;
        }
      } else if (item.kind === 'assign') {
        o.items.push({ kind: 'assign', spec: item });
      } else {
        o.items.push({ kind: 'move', spec: item });
      }
    }
    for (const orphan of orphans) {
      if (orphan.output !== o) continue;
      o.items.push({ kind: 'input', section: orphan.section });
      orphan.section.output = o;
    }
    // GNU ld creates an output section if it has input sections or any other command.
    o.present = o.items.length > 0;
    let progbits = false;
    let align = o.spec.align ?? 1;
    let flags = SHF_ALLOC;
    for (const sec of o.inputs()) {
      if (!sec.isNoBits) progbits = true;
      align = Math.max(align, sec.align);
      flags |= sec.flags & (SHF_WRITE | SHF_EXECINSTR);
    }
    o.align = align;
    o.flags = flags;
    o.type = progbits && !o.spec.noload ? SectionType.PROGBITS : SectionType.NOBITS;
  }
  const regions = new Map<string, RegionUsage>();
  for (const [name, r] of Object.entries(layout.memory)) regions.set(name, { name, origin: r.origin, length: r.length, used: 0 });
  return { outputs, byName, regions, discarded };
}

/**
 * Gives addresses to everything: output sections, input sections inside them,
 * and layout symbols. Run twice so expressions may refer forward.
 */
export function assignAddresses(layout: Layout, placement: Placement, symbols: SymbolTable): void {
  for (let pass = 0; pass < 2; pass++) layoutPass(layout, placement, symbols, pass === 1);
}

function alignUp(v: number, a: number): number {
  return a <= 1 ? v : Math.ceil(v / a) * a;
}

function layoutPass(layout: Layout, placement: Placement, symbols: SymbolTable, final: boolean): void {
  const ctx: EvalContext = { dot: layout.loadAddress, layout, symbols, outputs: placement.byName, final };
  const current = new Map<string, number>();
  for (const [name, r] of Object.entries(layout.memory)) current.set(name, r.origin);
  let first = true;
  const setSymbol = (name: string, value: number): void => {
    const s: LinkSymbol = symbols.defineByLayout(name);
    s.assigned = value >>> 0;
  };
  for (const stmt of layout.sections) {
    if (stmt.kind === 'assign') {
      setSymbol(stmt.symbol, evaluate(stmt.value, ctx, `symbol ${stmt.symbol}`));
      continue;
    }
    const o = placement.byName.get(stmt.name)!;
    if (!o.present) {
      first = false;
      continue;
    }
    const regionStart = first ? layout.loadAddress : current.get(o.regionName)!;
    first = false;
    const start = alignUp(regionStart, o.align);
    o.address = start;
    let off = 0;
    for (const it of o.items) {
      if (it.kind === 'input') {
        if (it.section.mergedAway) {
          // GNU ld leaves an emptied merge section where the location counter is, unaligned.
          it.section.outputOffset = off;
          continue;
        }
        off = alignUp(start + off, it.section.align) - start;
        it.section.outputOffset = off;
        off += it.section.size;
      } else if (it.kind === 'assign') {
        ctx.dot = start + off;
        setSymbol(it.spec.symbol, evaluate(it.spec.value, ctx, `${o.name}: symbol ${it.spec.symbol}`));
      } else if (it.spec.kind === 'align') {
        off = alignUp(start + off, it.spec.amount) - start;
      } else {
        off += it.spec.amount;
      }
    }
    o.size = off;
    const end = start + off;
    if (end > 2 ** 32) throw new LinkError(`section ${o.name} ends past the 32-bit address space`);
    current.set(o.regionName, end);
    ctx.dot = end;
  }
  if (final) checkPlacement(layout, placement);
}

function checkPlacement(layout: Layout, placement: Placement): void {
  for (const r of placement.regions.values()) r.used = 0;
  for (const o of placement.outputs) {
    if (!o.present) continue;
    const region = placement.regions.get(o.regionName)!;
    const r = layout.memory[o.regionName]!;
    const end = o.address + o.size;
    if (o.address < r.origin) {
      throw new LinkError(`section ${o.name} at ${hex(o.address)} starts below memory region ${o.regionName} (origin ${hex(r.origin)})`);
    }
    if (end > r.origin + r.length) {
      throw new LinkError(`section ${o.name} overflows memory region ${o.regionName} by ${end - (r.origin + r.length)} bytes`);
    }
    region.used = Math.max(region.used, end - r.origin);
  }
  // Overlap check over everything that occupies addresses.
  const occupied = placement.outputs.filter((o) => o.present && o.size > 0).sort((a, b) => a.address - b.address);
  for (let i = 1; i < occupied.length; i++) {
    const a = occupied[i - 1]!;
    const b = occupied[i]!;
    if (a.address + a.size > b.address) {
      throw new LinkError(`section ${a.name} [${hex(a.address)}..${hex(a.address + a.size)}) overlaps section ${b.name} [${hex(b.address)}..${hex(b.address + b.size)}) by ${a.address + a.size - b.address} bytes`);
    }
  }
}

/**
 * Common symbols become one zero-filled COMMON section per defining file.
 * GNU ld allocates them while walking its global symbol hash table, so their
 * order is the BFD hash order of their names (table of 4051 buckets, grown to
 * the next listed prime when more than 3/4 full).
 */
export function allocateCommons(symbols: SymbolTable): InputSection[] {
  const all = [...symbols.all()];
  const commons = all.filter((s) => s.def.kind === 'common' && s.file);
  if (commons.length === 0) return [];
  let size = 4051;
  for (const p of [4093, 8191, 16381, 32749, 65521, 131071, 262139, 524287, 1048573]) {
    if (all.length > (size * 3) / 4) size = p;
  }
  const bucket = (name: string): number => Number(bfdHash(name) % BigInt(size));
  const firstSeen = new Map(all.map((s, i) => [s, i]));
  // Within a bucket the newest entry comes first.
  commons.sort((a, b) => bucket(a.name) - bucket(b.name) || firstSeen.get(b)! - firstSeen.get(a)!);
  const perFile = new Map<ObjectFile, InputSection>();
  for (const s of commons) {
    const def = s.def as { size: number; align: number };
    let sec = perFile.get(s.file!);
    if (!sec) {
      sec = new InputSection(s.file!, -1, 'COMMON', SectionType.NOBITS, SHF_ALLOC | SHF_WRITE, 1, new Uint8Array(0), 0);
      perFile.set(s.file!, sec);
    }
    const off = alignUp(sec.size, def.align);
    sec.size = off + def.size;
    sec.align = Math.max(sec.align, def.align);
    s.def = { kind: 'section', section: sec, offset: off };
  }
  return [...perFile.values()];
}
