// The layout spec: a typed equivalent of the linker script a bare-metal image
// needs. A spec module default-exports `defineLayout({...})`; `mpi layout
// emit-ld` prints the GNU ld script with the same meaning, and the linker
// places sections exactly as GNU ld does with that script.
//
// Deliberate limits (so the spec and the emitted script cannot disagree):
// every output section lives in a memory region (its address is the region's
// next free byte, or `address` for the first one), and inside a section the
// location counter only moves forward (`alignTo`, `skip`).

/** An address expression over constants, symbols, sections and regions. */
export type Expr =
  | number
  | { readonly op: 'dot' }
  | { readonly op: 'symbol'; readonly name: string }
  | { readonly op: 'addr' | 'sizeof' | 'end'; readonly section: string }
  | { readonly op: 'origin' | 'length'; readonly region: string }
  | { readonly op: '+' | '-' | '*' | '/' | '&' | '|'; readonly a: Expr; readonly b: Expr }
  | { readonly op: 'align'; readonly value: Expr; readonly to: number };

export type SortOrder = 'name' | 'init_priority';

/** Input sections matched by name patterns (`*`, `?`, `[..]`), in input order unless sorted. */
export interface InputSpec {
  readonly kind: 'input';
  readonly patterns: readonly string[];
  /** kept by section garbage collection (GNU ld KEEP) */
  readonly keep: boolean;
  readonly sort?: SortOrder;
}

/** `symbol = expr`; inside a section, `expr` sees `dot` as the current address. */
export interface AssignSpec {
  readonly kind: 'assign';
  readonly symbol: string;
  readonly value: Expr;
}

/** Moves the location counter inside an output section: `. = ALIGN(n)` or `. = . + n`. */
export interface MoveSpec {
  readonly kind: 'align' | 'skip';
  readonly amount: number;
}

export type SectionItem = InputSpec | AssignSpec | MoveSpec;

export interface OutputSectionSpec {
  readonly kind: 'section';
  readonly name: string;
  /** memory region; defaults to the layout's first region */
  readonly region?: string;
  /** minimum alignment of the section's start */
  readonly align?: number;
  /** allocate space but load nothing (NOLOAD) */
  readonly noload?: boolean;
  /** byte used to fill gaps inside this section (defaults to the layout's fill) */
  readonly fill?: number;
  readonly contents: readonly SectionItem[];
}

export interface MemoryRegion {
  readonly origin: number;
  readonly length: number;
  /** GNU ld region attributes, e.g. 'rwx' */
  readonly attributes?: string;
}

export interface LayoutInit {
  /** the entry symbol (ENTRY) */
  readonly entry: string;
  /** address of the first byte of the image; the first output section starts here */
  readonly loadAddress: number;
  readonly memory: Readonly<Record<string, MemoryRegion>>;
  /** output sections and top-level symbol assignments, in address order */
  readonly sections: readonly (OutputSectionSpec | AssignSpec)[];
  /** input section patterns thrown away (/DISCARD/) */
  readonly discard?: readonly string[];
  /** fill byte for gaps inside sections (default 0) */
  readonly fill?: number;
  /** free text printed as a comment at the top of the emitted script */
  readonly description?: string;
}

export interface Layout extends LayoutInit {
  readonly kind: 'mpi-layout';
  readonly discard: readonly string[];
  readonly fill: number;
}

function checkName(what: string, name: string): void {
  if (!/^[A-Za-z_.$][A-Za-z0-9_.$]*$/.test(name)) throw new Error(`layout: invalid ${what} name '${name}'`);
}

function checkPattern(p: string): void {
  if (!/^[A-Za-z0-9_.$*?[\]\-]+$/.test(p)) throw new Error(`layout: invalid section pattern '${p}'`);
}

function isPow2(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

function checkExprRefs(e: Expr, layout: LayoutInit, sections: Set<string>): void {
  if (typeof e === 'number') {
    if (!Number.isInteger(e) || e < -0x80000000 || e > 0xffffffff) throw new Error(`layout: constant ${e} is not a 32-bit integer`);
    return;
  }
  switch (e.op) {
    case 'dot': return;
    case 'symbol': checkName('symbol', e.name); return;
    case 'addr': case 'sizeof': case 'end':
      if (!sections.has(e.section)) throw new Error(`layout: expression refers to unknown section ${e.section}`);
      return;
    case 'origin': case 'length':
      if (!(e.region in layout.memory)) throw new Error(`layout: expression refers to unknown memory region ${e.region}`);
      return;
    case 'align':
      if (!isPow2(e.to)) throw new Error(`layout: ALIGN(${e.to}) is not a power of two`);
      checkExprRefs(e.value, layout, sections);
      return;
    default:
      checkExprRefs(e.a, layout, sections);
      checkExprRefs(e.b, layout, sections);
  }
}

/** Validates a layout and fills in defaults. Throws Error with a `layout:` message on mistakes. */
export function defineLayout(init: LayoutInit): Layout {
  checkName('entry symbol', init.entry);
  const regions = Object.keys(init.memory);
  if (regions.length === 0) throw new Error('layout: at least one memory region is needed');
  for (const [name, r] of Object.entries(init.memory)) {
    checkName('memory region', name);
    if (!Number.isInteger(r.origin) || r.origin < 0 || !Number.isInteger(r.length) || r.length < 0 || r.origin + r.length > 2 ** 32) {
      throw new Error(`layout: memory region ${name} does not fit in 32-bit addresses`);
    }
    if (r.attributes !== undefined && !/^!?[rwxaliRWXALI]*$/.test(r.attributes)) throw new Error(`layout: memory region ${name}: bad attributes '${r.attributes}'`);
  }
  const names = new Set<string>();
  for (const s of init.sections) if (s.kind === 'section') names.add(s.name);
  let sectionCount = 0;
  for (const s of init.sections) {
    if (s.kind === 'assign') {
      checkName('symbol', s.symbol);
      checkExprRefs(s.value, init, names);
      continue;
    }
    sectionCount++;
    checkName('section', s.name);
    if (s.region !== undefined && !(s.region in init.memory)) throw new Error(`layout: section ${s.name} uses unknown memory region ${s.region}`);
    if (s.align !== undefined && !isPow2(s.align)) throw new Error(`layout: section ${s.name}: alignment ${s.align} is not a power of two`);
    if (s.fill !== undefined && !(Number.isInteger(s.fill) && s.fill >= 0 && s.fill <= 255)) throw new Error(`layout: section ${s.name}: fill must be a byte`);
    for (const item of s.contents) {
      if (item.kind === 'input') {
        if (item.patterns.length === 0) throw new Error(`layout: section ${s.name}: input without patterns`);
        item.patterns.forEach(checkPattern);
      } else if (item.kind === 'assign') {
        checkName('symbol', item.symbol);
        checkExprRefs(item.value, init, names);
      } else if (item.kind === 'align' && !isPow2(item.amount)) {
        throw new Error(`layout: section ${s.name}: alignTo(${item.amount}) is not a power of two`);
      } else if (item.kind === 'skip' && !(Number.isInteger(item.amount) && item.amount >= 0)) {
        throw new Error(`layout: section ${s.name}: skip(${item.amount}) must be a non-negative integer`);
      }
    }
  }
  if (sectionCount === 0) throw new Error('layout: no output sections');
  const first = init.sections.find((s): s is OutputSectionSpec => s.kind === 'section')!;
  const firstRegion = init.memory[first.region ?? regions[0]!]!;
  if (init.loadAddress < firstRegion.origin || init.loadAddress >= firstRegion.origin + firstRegion.length) {
    throw new Error(`layout: load address 0x${init.loadAddress.toString(16)} is outside the first section's memory region`);
  }
  const fill = init.fill ?? 0;
  if (!(Number.isInteger(fill) && fill >= 0 && fill <= 255)) throw new Error('layout: fill must be a byte');
  (init.discard ?? []).forEach(checkPattern);
  return { ...init, kind: 'mpi-layout', discard: init.discard ?? [], fill };
}

// ---- builders: what a spec module writes ----

export function section(name: string, options: Omit<OutputSectionSpec, 'kind' | 'name' | 'contents'>, contents: readonly SectionItem[]): OutputSectionSpec {
  return { kind: 'section', name, ...options, contents };
}

/** Input sections whose names match any of `patterns` (`COMMON` = common symbols). */
export function input(...patterns: string[]): InputSpec {
  return { kind: 'input', patterns, keep: false };
}

/** Like `input`, but the sections are kept even if nothing refers to them. */
export function keep(first: string | InputSpec, ...more: string[]): InputSpec {
  if (typeof first === 'object') return { ...first, keep: true };
  return { kind: 'input', patterns: [first, ...more], keep: true };
}

export function sortByName(...patterns: string[]): InputSpec {
  return { kind: 'input', patterns, keep: false, sort: 'name' };
}

/** Sorted by the numeric suffix (`.init_array.00100`), as constructor priorities need. */
export function sortByInitPriority(...patterns: string[]): InputSpec {
  return { kind: 'input', patterns, keep: false, sort: 'init_priority' };
}

export function assign(symbol: string, value: Expr): AssignSpec {
  return { kind: 'assign', symbol, value };
}

/** `symbol = .` at this point of a section. */
export function mark(symbol: string): AssignSpec {
  return assign(symbol, dot);
}

export function alignTo(amount: number): MoveSpec {
  return { kind: 'align', amount };
}

export function skip(amount: number): MoveSpec {
  return { kind: 'skip', amount };
}

export const dot: Expr = { op: 'dot' };
export const sym = (name: string): Expr => ({ op: 'symbol', name });
export const addr = (section: string): Expr => ({ op: 'addr', section });
export const sizeOf = (section: string): Expr => ({ op: 'sizeof', section });
export const end = (section: string): Expr => ({ op: 'end', section });
export const origin = (region: string): Expr => ({ op: 'origin', region });
export const length = (region: string): Expr => ({ op: 'length', region });
export const add = (a: Expr, b: Expr): Expr => ({ op: '+', a, b });
export const sub = (a: Expr, b: Expr): Expr => ({ op: '-', a, b });
export const align = (value: Expr, to: number): Expr => ({ op: 'align', value, to });

export function isLayout(x: unknown): x is Layout {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'mpi-layout';
}
