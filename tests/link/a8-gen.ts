// A seeded generator of Thumb-2 objects (with some ARM code and literal data)
// dense in Cortex-A8 erratum sites: mostly 32-bit instructions, many short
// branches back into the same 4 KB page, calls between sections and files,
// calls from Thumb to ARM functions (BLX, or interworking stubs for B.W).
import { rng } from '../helpers/rng.ts';

const NON_BRANCH_32 = ['mov.w r0, #1', 'add.w r0, r0, #1', 'ldr.w r1, [r2]', 'orr.w r3, r3, #4', 'str.w r1, [r2, #8]'];
const SHORT = ['nop', 'movs r0, #1', 'adds r1, r1, r2', 'mov r2, r3'];
const CONDS = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'hi', 'ls', 'ge', 'lt', 'gt', 'le'];

/** Assembly sources (one per file) for `arm-none-eabi-as -mcpu=cortex-a7`. */
export function generateA8Case(seed: number, start: string): string[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const nfiles = 1 + Math.floor(r() * 2);
  const thumbFuncs: string[] = [];
  const armFuncs: string[] = [];
  for (let f = 0; f < nfiles; f++) {
    for (let k = 0; k < 3; k++) thumbFuncs.push(`tf${f}_${k}`);
    armFuncs.push(`af${f}`);
  }
  const files: string[] = [];
  let label = 0;
  for (let f = 0; f < nfiles; f++) {
    const out: string[] = [' .syntax unified'];
    if (f === 0) out.push(start);
    // ARM functions, called from Thumb code
    out.push(` .section .text.arm${f},"ax"`, ' .arm', ` .global af${f}`, ` .type af${f}, %function`, `af${f}:`, ' mov r0, #2', ' bx lr');
    for (let k = 0; k < 3; k++) {
      out.push(` .section .text.t${f}_${k},"ax"`, ' .thumb', ' .balign 2');
      const fn = `tf${f}_${k}`;
      out.push(` .global ${fn}`, ' .thumb_func', ` .type ${fn}, %function`, `${fn}:`);
      const labels: string[] = [];
      // about 3 to 5 pages of code
      const n = 3000 + Math.floor(r() * 2000);
      let bytes = 0;
      let i = 0;
      while (bytes < n * 2) {
        i++;
        if (r() < 0.15) {
          const l = `.L${label++}`;
          out.push(`${l}:`);
          labels.push(l);
        }
        const x = r();
        if (x < 0.15) {
          out.push(` ${pick(SHORT)}`);
          bytes += 2;
        } else if (x < 0.6) {
          out.push(` ${pick(NON_BRANCH_32)}`);
          bytes += 4;
        } else if (x < 0.985) {
          const y = r();
          const near = labels.length ? labels[Math.max(0, labels.length - 1 - Math.floor(r() * 6))]! : fn;
          if (y < 0.35) out.push(` b.w ${near}`);
          else if (y < 0.7) out.push(` b${pick(CONDS)}.w ${near}`);
          else if (y < 0.85) out.push(` bl ${r() < 0.5 ? pick(thumbFuncs) : fn}`);
          else if (y < 0.93) out.push(` bl ${pick(armFuncs)}`);
          else if (y < 0.97) out.push(` blx ${pick(armFuncs)}`);
          else out.push(` b.w ${r() < 0.5 ? pick(thumbFuncs) : pick(armFuncs)}`);
          bytes += 4;
        } else {
          // a literal word: a data span ($d) inside the code
          out.push(' .balign 4', ` .word ${Math.floor(r() * 0xffffffff)}`);
          bytes += 6;
        }
        if (i % 997 === 0) out.push(' .ltorg');
      }
      out.push(' bx lr');
    }
    files.push(out.join('\n') + '\n');
  }
  return files;
}
