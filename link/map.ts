// The map file: where every output section, input section and symbol
// landed, and how full each memory region is (like `ld --print-memory-usage`).
import type { LinkedImage } from './linker.ts';
import { SymbolBinding, SymbolType } from './elf/format.ts';

const h8 = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');

function human(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`;
  return `${n} B`;
}

/** The `ld --print-memory-usage` table. */
export function memoryUsage(img: LinkedImage): string {
  const lines = ['Memory region         Used Size  Region Size  %age Used'];
  for (const r of img.placement.regions.values()) {
    const pct = r.length ? ((r.used / r.length) * 100).toFixed(2) : '0.00';
    lines.push(`${(r.name + ':').padStart(16)} ${human(r.used).padStart(12)} ${human(r.length).padStart(12)} ${(pct + '%').padStart(10)}`);
  }
  return lines.join('\n');
}

export function buildMap(img: LinkedImage): string {
  const out: string[] = [];
  out.push('Memory Configuration', '', 'Name             Origin             Length');
  for (const [name, r] of Object.entries(img.layout.memory)) out.push(`${name.padEnd(16)} ${h8(r.origin)}         ${h8(r.length)}`);
  out.push('', `Entry point: ${img.layout.entry} = ${h8(img.entry)}`, '', 'Linker script and memory map', '');

  // Named symbols by the input section they live in.
  const bySection = new Map<object, { name: string; value: number }[]>();
  for (const f of img.files) {
    for (const s of f.symbols) {
      if (!s.name || s.type === SymbolType.SECTION || s.type === SymbolType.FILE || s.name.startsWith('$')) continue;
      if (s.binding === SymbolBinding.LOCAL && s.type !== SymbolType.FUNC && s.type !== SymbolType.OBJECT) continue;
      if (s.def.kind !== 'section' || s.def.section.discarded || !s.def.section.output) continue;
      let list = bySection.get(s.def.section);
      if (!list) bySection.set(s.def.section, (list = []));
      if (!list.some((x) => x.name === s.name)) list.push({ name: s.name, value: s.address });
    }
  }
  for (const o of img.placement.outputs) {
    if (!o.present) continue;
    out.push(`${o.name.padEnd(16)}${h8(o.address)} ${h8(o.size)}${o.isLoaded ? '' : ' (NOLOAD)'}`);
    for (const it of o.items) {
      if (it.kind === 'input') {
        const s = it.section;
        if (s.mergedAway) continue;
        const label = ` ${s.name}`;
        out.push(`${label.length > 15 ? label + '\n' + ' '.repeat(16) : label.padEnd(16)}${h8(s.address)} ${h8(s.size)} ${s.file.name}`);
        if (s.merge && s.merge.rawSize !== s.size) out.push(`${' '.repeat(27)}${h8(s.merge.rawSize)} (size before merging)`);
        const syms = (bySection.get(s) ?? []).sort((a, b) => a.value - b.value || (a.name < b.name ? -1 : 1));
        for (const x of syms) out.push(`${' '.repeat(16)}${h8(x.value)}            ${x.name}`);
      } else if (it.kind === 'assign') {
        const sym = img.symbols.get(it.spec.symbol);
        out.push(`${' '.repeat(16)}${h8(sym?.address ?? 0)}            ${it.spec.symbol} = ...`);
      }
    }
    out.push('');
  }
  const discarded = img.placement.discarded;
  if (discarded.length) {
    out.push('Discarded input sections', '');
    for (const s of discarded) out.push(` ${s.name.padEnd(15)}${h8(0)} ${h8(s.size)} ${s.file.name}`);
    out.push('');
  }
  out.push('Layout symbols', '');
  for (const st of img.layout.sections) {
    if (st.kind === 'assign') out.push(`${' '.repeat(16)}${h8(img.symbols.get(st.symbol)?.address ?? 0)}            ${st.symbol}`);
  }
  out.push('', memoryUsage(img), '');
  return out.join('\n');
}
