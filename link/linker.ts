// The link driver: input files -> symbol resolution -> placement -> ARM
// fix-ups (.ARM.exidx) -> relocation -> output section bytes. Pure: takes
// bytes, returns bytes; writing files is the caller's business.
import { LinkError, hex } from './errors.ts';
import { SectionType, SHF_ALLOC, SHF_WRITE, SHF_LINK_ORDER } from './elf/format.ts';
import { mergeArmAttributes } from './elf/attributes.ts';
import { readObjectFile, makeBinaryObject, discardDuplicateGroups, BranchType, type ObjectFile, type InputSection } from './input-files.ts';
import { SymbolTable } from './symbol-table.ts';
import { allocateCommons, assignAddresses, assignSections, type OutputSection, type Placement } from './output-sections.ts';
import { fixExidxCoverage } from './arch/arm-exidx.ts';
import { armTarget, type ArmTarget } from './arch/arm.ts';
import { planStubs, type StubPlan } from './arch/arm-stubs.ts';
import { buildOutputSection } from './relocations.ts';
import { mergeSections } from './merge-sections.ts';
import type { Layout } from './layout.ts';

/** The section name of the frozen ROMFS image, as the reference's romfs.o names it. */
export const ROMFS_SECTION = '.mpi_romfs';

export interface LinkInputFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface LinkRequest {
  readonly layout: Layout;
  /** relocatable runtime objects, in command-line order */
  readonly objects: readonly LinkInputFile[];
  /** ROMFS image placed as input section `.mpi_romfs` of a file after the objects */
  readonly romfs?: Uint8Array;
}

export interface LinkedImage {
  readonly layout: Layout;
  readonly files: readonly ObjectFile[];
  readonly placement: Placement;
  readonly symbols: SymbolTable;
  /** bytes of each present output section, by name (NOBITS sections: zeros, not in the image) */
  readonly contents: ReadonlyMap<string, Uint8Array>;
  readonly entry: number;
  readonly target: ArmTarget;
  /** first address of the raw image and its bytes (objcopy -O binary equivalent) */
  readonly imageAddress: number;
  readonly image: Uint8Array;
  readonly stubs: StubPlan | undefined;
}

export function link(req: LinkRequest): LinkedImage {
  const files: ObjectFile[] = req.objects.map((f) => readObjectFile(f.bytes, f.name));
  if (req.romfs) files.push(makeBinaryObject('romfs.o', ROMFS_SECTION, req.romfs, SHF_ALLOC | SHF_WRITE));

  const duplicates = discardDuplicateGroups(files);
  const symbols = new SymbolTable();
  for (const f of files) symbols.add(f);
  const commons = allocateCommons(symbols);

  const layout = req.layout;
  const placement = assignSections(layout, files, commons);
  placement.discarded.unshift(...duplicates);
  // GNU ld merges strings and constants once sections are placed and before any address exists.
  mergeSections(files);
  assignAddresses(layout, placement, symbols);
  const target = armTarget(mergeArmAttributes(files.map((f) => f.attributes)));
  // .ARM.exidx edits, stubs and link-order sorting all need a first set of addresses,
  // in this order (GNU ld's after_allocation).
  fixExidxCoverage(files);
  const stubs = planStubs(files, placement, target, () => assignAddresses(layout, placement, symbols));
  sortLinkOrder(placement);
  assignAddresses(layout, placement, symbols);

  const entrySym = symbols.get(layout.entry);
  if (!entrySym || entrySym.isUndefined) throw new LinkError(`entry symbol \`${layout.entry}' is not defined`);
  const entry = (entrySym.address | (entrySym.branchType === BranchType.TO_THUMB ? 1 : 0)) >>> 0;

  const contents = new Map<string, Uint8Array>();
  for (const o of placement.outputs) {
    if (!o.present) continue;
    contents.set(o.name, buildOutputSection(o, o.spec.fill ?? layout.fill, target, stubs));
  }
  const { address, image } = rawImage(placement.outputs, contents);
  return { layout, files, placement, symbols, contents, entry, target, imageAddress: address, image, stubs };
}

/**
 * Orders the input sections of output sections that hold only SHF_LINK_ORDER
 * sections (.ARM.exidx) by the address of the section each one describes.
 */
function sortLinkOrder(placement: Placement): void {
  for (const o of placement.outputs) {
    const inputs = [...o.inputs()];
    if (inputs.length < 2) continue;
    const ordered = inputs.filter((s) => (s.flags & SHF_LINK_ORDER) && s.linkedTo);
    if (ordered.length === 0) continue;
    if (ordered.length !== inputs.length) {
      const other = inputs.find((s) => !((s.flags & SHF_LINK_ORDER) && s.linkedTo))!;
      throw new LinkError(`section ${o.name} mixes ordered (${ordered[0]}) and unordered (${other}) input sections`);
    }
    const key = (s: InputSection): [number, number] => {
      const l = s.linkedTo!;
      return l.output && !l.discarded ? [l.address, l.size] : [0, 0];
    };
    const sorted = [...inputs].sort((a, b) => {
      const [pa, sa] = key(a);
      const [pb, sb] = key(b);
      return pa - pb || sa - sb;
    });
    // Put them back in the same slots of the item list.
    let k = 0;
    for (let i = 0; i < o.items.length; i++) {
      if (o.items[i]!.kind === 'input') o.items[i] = { kind: 'input', section: sorted[k++]! };
    }
  }
}

/** objcopy -O binary: from the lowest loaded section to the end of the highest; gaps are zero. */
export function rawImage(outputs: readonly OutputSection[], contents: ReadonlyMap<string, Uint8Array>): { address: number; image: Uint8Array } {
  const loaded = outputs.filter((o) => o.isLoaded && o.size > 0);
  if (loaded.length === 0) return { address: 0, image: new Uint8Array(0) };
  const lo = Math.min(...loaded.map((o) => o.address));
  const hi = Math.max(...loaded.map((o) => o.address + o.size));
  const image = new Uint8Array(hi - lo);
  for (const o of loaded) image.set(contents.get(o.name)!, o.address - lo);
  return { address: lo, image };
}

export function describeAddress(a: number): string {
  return hex(a, 8);
}

export { SectionType };
