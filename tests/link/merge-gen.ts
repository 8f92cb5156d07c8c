// A seeded generator of objects with SHF_MERGE sections for the linker's
// identity tests: string and constant sections of several entity sizes and
// alignments, few distinct pieces (so duplicates and shared tails are common),
// padding, labels, global symbols, and references of every kind GNU ld
// accepts into merged sections, at every offset of an entry.
import { rng } from '../helpers/rng.ts';

// Few distinct pieces, so duplicates and shared tails are frequent.
const WORDS = ['', 'a', 'o', 'lo', 'llo', 'hello', 'world', 'd', 'ld', 'xyz', 'yz', 'z', 'abc', 'bc', 'c', 'hello world'];

interface Kind { readonly name: string; readonly flags: string; readonly entsize: number; readonly align: number; readonly strings: boolean }
const KINDS: Kind[] = [
  { name: 'str1.1', flags: 'aMS', entsize: 1, align: 1, strings: true },
  { name: 'str1.4', flags: 'aMS', entsize: 1, align: 4, strings: true },
  { name: 'str2.2', flags: 'aMS', entsize: 2, align: 2, strings: true },
  { name: 'cst4', flags: 'aM', entsize: 4, align: 4, strings: false },
  { name: 'cst8', flags: 'aM', entsize: 8, align: 8, strings: false },
];

export interface Generated { readonly files: string[]; readonly rodata: string[][] }

/** Assembly sources (cortex-a7) and the .rodata output sections of one generated case. */
export function generateMergeCase(seed: number, start: string): Generated {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const nfiles = 1 + Math.floor(r() * 3);
  const groups = ['p', 'q', 'r'];
  const files: string[] = [];
  let label = 0;
  let global = 0;
  const globals: string[] = [];
  for (let f = 0; f < nfiles; f++) {
    const out: string[] = [];
    const refs: string[] = [];
    const nsec = 1 + Math.floor(r() * 4);
    for (let k = 0; k < nsec; k++) {
      const kind = pick(KINDS);
      const secName = `.rodata.${pick(groups)}.${kind.name}`;
      out.push(`  .section ${secName},"${kind.flags}",%progbits,${kind.entsize}`);
      out.push(`  .balign ${kind.align}`);
      const n = 1 + Math.floor(r() * 6);
      for (let i = 0; i < n; i++) {
        const l = `.L${label++}`;
        if (r() < 0.15) {
          const g = `g${global++}_${f}`;
          out.push(`  .global ${g}`, `${g}:`);
          globals.push(g);
        }
        out.push(`${l}:`);
        let len: number;
        if (kind.strings) {
          const text = r() < 0.2 ? pick(WORDS) + pick(WORDS) : pick(WORDS);
          if (kind.entsize === 1) out.push(`  .asciz "${text}"`);
          else out.push(`  .short ${[...text].map((c) => c.charCodeAt(0)).concat(0).join(', ')}`);
          len = (text.length + 1) * kind.entsize;
          // gcc aligns each string of a .str1.4 section; sometimes do the same
          if (r() < 0.4) out.push(`  .balign ${kind.align}`);
          if (r() < 0.1) out.push(`  .byte 0${kind.entsize === 2 ? ', 0' : ''}`);
        } else {
          const words = kind.entsize / 4;
          const vals = Array.from({ length: words }, () => pick([0, 1, 0x3f800000, 0x40000000, 0xdeadbeef]));
          out.push(`  .word ${vals.join(', ')}`);
          len = kind.entsize;
        }
        // References: the start, a byte inside, the terminator, the end.
        const off = Math.floor(r() * (len + 1));
        refs.push(`  .word ${l}`, `  .word ${l}+${off}`);
        if (r() < 0.3) refs.push(`  .word ${l}-.`);
        if (r() < 0.3) refs.push(`  movw r0, #:lower16:${l}+${off}`, `  movt r0, #:upper16:${l}+${off}`);
        if (r() < 0.2) refs.push(`  .thumb`, `  movw r1, #:lower16:${l}`, `  movt r1, #:upper16:${l}`, `  .arm`);
      }
      if (r() < 0.15) {
        // A merge section with a relocation in it is linked as it is.
        out.push(`  .word .L${Math.max(0, label - 1)}`);
      }
    }
    if (r() < 0.5) out.push(`  .section .rodata.${pick(groups)}.plain,"a"`, `  .byte ${Math.floor(r() * 256)}, 7, 9`);
    const text = [`  .section .text.f${f},"ax"`, '  .balign 4', ...refs];
    if (f === nfiles - 1) for (const g of globals) text.push(`  .word ${g}`, `  .word ${g}+1`);
    files.push([...(f === 0 ? [start] : []), ...out, ...text, ''].join('\n'));
  }
  // Output sections: sometimes one per group (groups in other output sections never merge together).
  const order = [...groups].sort(() => r() - 0.5);
  const rodata = r() < 0.5
    ? [order.map((g) => `.rodata.${g}.*`)]
    : [[`.rodata.${order[0]}.*`], order.slice(1).map((g) => `.rodata.${g}.*`)];
  return { files, rodata };
}

