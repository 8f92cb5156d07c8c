// Produces the bytes of each output section: input section contents copied
// at their offsets, gaps filled, then every relocation resolved and applied.
// The architecture-specific patching is in arch/arm.ts.
import { LinkError, hex } from './errors.ts';
import { SectionType } from './elf/format.ts';
import { BranchType, type InputSection, type LinkSymbol } from './input-files.ts';
import type { OutputSection } from './output-sections.ts';
import { applyArmRelocation, isSupported, readMergeAddend, relocationName, writeMergeAddend, R, type ArmTarget } from './arch/arm.ts';
import { a8BranchToVeneer, type Stub, type StubPlan } from './arch/arm-stubs.ts';
import { editedExidx } from './arch/arm-exidx.ts';
import type { ElfRelocation } from './elf/reader.ts';

function symbolLabel(s: LinkSymbol): string {
  return s.name || '(unnamed)';
}

export function buildOutputSection(o: OutputSection, fillByte: number, target: ArmTarget, stubs?: StubPlan): Uint8Array {
  const buf = new Uint8Array(o.size);
  if (o.type === SectionType.NOBITS) return buf;
  if (fillByte !== 0) buf.fill(fillByte);
  const dv = new DataView(buf.buffer);
  for (const sec of o.inputs()) {
    if (sec.isNoBits) {
      // zero-initialised space inside a loaded section
      buf.fill(0, sec.outputOffset, sec.outputOffset + sec.size);
      continue;
    }
    if (sec.synthesize) {
      buf.set(sec.synthesize(), sec.outputOffset);
      continue;
    }
    const edited = sec.type === SectionType.ARM_EXIDX ? editedExidx(sec) : undefined;
    buf.set(edited ? edited.data : sec.data, sec.outputOffset);
    applyRelocations(sec, edited ? edited.relocations : sec.relocations, buf, dv, target, stubs?.redirect.get(sec));
    // Cortex-A8 erratum sites: the branch (relocated or not) now goes to its veneer.
    for (const fix of stubs?.a8.get(sec) ?? []) {
      const insn = a8BranchToVeneer(fix);
      dv.setUint16(sec.outputOffset + fix.offset, insn >>> 16, true);
      dv.setUint16(sec.outputOffset + fix.offset + 2, insn & 0xffff, true);
    }
  }
  return buf;
}

function applyRelocations(sec: InputSection, relocs: readonly ElfRelocation[], buf: Uint8Array, dv: DataView, target: ArmTarget, redirect: Map<number, Stub> | undefined): void {
  const base = sec.address;
  const symbols = sec.file.symbols;
  for (const r of relocs) {
    const sym = symbols[r.symbol]!;
    const where = (): string => `${sec.file.name}(${sec.name}+${hex(r.offset)})${r.symbol ? `: reference to \`${symbolLabel(sym)}'` : ''}`;
    if (!isSupported(r.type)) throw new LinkError(`${where()}: unsupported relocation ${relocationName(r.type)}`);
    const fieldSize = r.type === R.ABS8 ? 1 : r.type === R.ABS16 || r.type === R.THM_JUMP11 || r.type === R.THM_JUMP8 ? 2 : r.type === R.NONE || r.type === R.V4BX ? 0 : 4;
    if (r.offset + fieldSize > sec.size) {
      throw new LinkError(`${where()}: relocation field is outside the section`);
    }
    let weakUndefined = false;
    if (r.symbol !== 0 && sym.isUndefined) {
      if (sym.isWeakUndefined) weakUndefined = true;
      else throw new LinkError(`${where()}: undefined symbol \`${symbolLabel(sym)}' (not defined by the runtime or the layout)`);
    }
    if (sym.def.kind === 'section' && sym.def.section.discarded && sym.assigned === undefined) {
      throw new LinkError(`${where()}: symbol \`${symbolLabel(sym)}' is in discarded section ${sym.def.section.name}`);
    }
    let addend = r.addend;
    if (r.symbol !== 0 && sym.isSectionSymbol && sym.def.kind === 'section' && sym.def.section.merge) {
      addend = retargetIntoMerged(r, sym, sec.outputOffset + r.offset, dv, where);
    }
    const stub = redirect?.get(r.offset);
    if (stub) {
      applyArmRelocation({
        type: r.type, buf, dv, at: sec.outputOffset + r.offset, P: (base + r.offset) >>> 0,
        S: (stub.section.address + stub.offset) >>> 0, branchType: stub.branchType, weakUndefined: false, addend: r.addend, where,
      }, target);
      continue;
    }
    applyArmRelocation({
      type: r.type,
      buf,
      dv,
      at: sec.outputOffset + r.offset,
      P: (base + r.offset) >>> 0,
      S: r.symbol === 0 ? 0 : sym.address,
      branchType: r.symbol === 0 ? BranchType.UNKNOWN : sym.assigned !== undefined ? BranchType.UNKNOWN : sym.branchType,
      weakUndefined,
      addend,
      where,
    }, target);
  }
}

/**
 * A reference to a merged section through its section symbol names a byte of
 * the original section (symbol + addend); GNU ld rewrites the addend so the
 * reference lands on that byte's merged copy, which may now live in another
 * section. Returns the addend to apply (undefined: read it from the field).
 */
function retargetIntoMerged(r: ElfRelocation, sym: LinkSymbol, at: number, dv: DataView, where: () => string): number | undefined {
  const def = sym.def as { kind: 'section'; section: InputSection; offset: number };
  const merged = def.section.merge!;
  const S = sym.address;
  if (r.addend !== undefined) {
    const to = merged.locate(def.offset + r.addend);
    return (to.section.address + to.offset - S) | 0;
  }
  const A = readMergeAddend(r.type, dv, at);
  if (A === undefined) {
    throw new LinkError(`${where()}: ${relocationName(r.type)} relocation against merged section ${def.section.name} (SHF_MERGE); GNU ld refuses it too`);
  }
  const to = merged.locate(def.offset + A);
  writeMergeAddend(r.type, dv, at, (to.section.address + to.offset - S) | 0);
  return undefined;
}
