// Produces the bytes of each output section: input section contents copied
// at their offsets, gaps filled, then every relocation resolved and applied.
// The architecture-specific patching is in arch/arm.ts.
import { LinkError, hex } from './errors.ts';
import { SectionType } from './elf/format.ts';
import { BranchType, type InputSection, type LinkSymbol } from './input-files.ts';
import type { OutputSection } from './output-sections.ts';
import { applyArmRelocation, isSupported, relocationName, type ArmTarget } from './arch/arm.ts';
import { editedExidx } from './arch/arm-exidx.ts';
import type { ElfRelocation } from './elf/reader.ts';

function symbolLabel(s: LinkSymbol): string {
  return s.name || '(unnamed)';
}

export function buildOutputSection(o: OutputSection, fillByte: number, target: ArmTarget): Uint8Array {
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
    const edited = sec.type === SectionType.ARM_EXIDX ? editedExidx(sec) : undefined;
    buf.set(edited ? edited.data : sec.data, sec.outputOffset);
    applyRelocations(sec, edited ? edited.relocations : sec.relocations, buf, dv, target);
  }
  return buf;
}

function applyRelocations(sec: InputSection, relocs: readonly ElfRelocation[], buf: Uint8Array, dv: DataView, target: ArmTarget): void {
  const base = sec.address;
  const symbols = sec.file.symbols;
  for (const r of relocs) {
    const sym = symbols[r.symbol]!;
    const where = (): string => `${sec.file.name}(${sec.name}+${hex(r.offset)})${r.symbol ? `: reference to \`${symbolLabel(sym)}'` : ''}`;
    if (!isSupported(r.type)) throw new LinkError(`${where()}: unsupported relocation ${relocationName(r.type)}`);
    const size = r.type >= 0 ? 4 : 4;
    if (r.offset + (r.type === 8 ? 1 : r.type === 5 || r.type === 102 || r.type === 103 ? 2 : size) > sec.size) {
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
    applyArmRelocation({
      type: r.type,
      buf,
      dv,
      at: sec.outputOffset + r.offset,
      P: (base + r.offset) >>> 0,
      S: r.symbol === 0 ? 0 : sym.address,
      branchType: r.symbol === 0 ? BranchType.UNKNOWN : sym.assigned !== undefined ? BranchType.UNKNOWN : sym.branchType,
      weakUndefined,
      addend: r.addend,
      where,
    }, target);
  }
}
