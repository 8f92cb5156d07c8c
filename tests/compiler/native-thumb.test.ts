// @micropython.native / @micropython.viper for the Thumb targets (ARMv6-M,
// ARMv7-M and the ARMv7E-M variants). The WebAssembly VM cannot run Thumb
// code, so these check structure (.mpy header, code kinds, viper type
// errors), the machine code against GNU binutils as an independent decoder
// (ARMv6-M stays Thumb-1, entry/exit save and restore the same registers),
// the Thumb encoders the native emitter adds against GNU as, and the golden
// armv7m-native vectors of the reference compiler.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMpy } from '../../src/mpy-reader.ts';
import type { NativeArch } from '../../src/options.ts';
import * as T from '../../src/asm-thumb.ts';
import { warnSkip } from '../link/toolchain.ts';
import { compileManifest, haveGolden, runEntry } from '../conformance/golden.ts';
import { compileError } from './helpers.ts';
import { expectViperErrors, haveTools, machineCode, mpyFor, nativeSample, scratchDirs, textSection, VIPER_ERRORS } from './native-helpers.ts';

const THUMB_ARCHS = ['armv6m', 'armv7m', 'armv7em', 'armv7emsp', 'armv7emdp'] as const satisfies readonly NativeArch[];
/** MP_NATIVE_ARCH_* numbers (py/persistentcode.h), stored in the header's feature byte */
const ARCH_NUMBER: Record<(typeof THUMB_ARCHS)[number], number> = {
  armv6m: 4,
  armv7m: 5,
  armv7em: 6,
  armv7emsp: 7,
  armv7emdp: 8,
};

const HAVE_BINUTILS = haveTools('arm-none-eabi-as', 'arm-none-eabi-objdump', 'arm-none-eabi-objcopy');

/** add (native), checksum (viper) */
const SAMPLE = nativeSample();


describe('Thumb native/viper .mpy structure', () => {
  for (const arch of THUMB_ARCHS) {
    it(`${arch}: header names the arch, functions are native and viper code`, () => {
      const m = readMpy(mpyFor(SAMPLE, arch));
      expect(m.header.arch).toBe(ARCH_NUMBER[arch]);
      expect(m.header.archName).toBe(arch);
      expect(m.header.archFlags).toBeUndefined();
      expect(m.root.kind).toBe('bytecode');
      expect(m.root.children.map((c) => c.kind)).toEqual(['native', 'viper']);
      const viper = m.root.children[1]!;
      expect(viper.funData.length % 2).toBe(0);
    });

    it(`${arch}: -X emit=native compiles the module body to native code`, () => {
      const m = readMpy(mpyFor('x = 1\ndef f():\n    return x\n', arch, 'native'));
      expect(m.root.kind).toBe('native');
      expect(m.root.children[0]!.kind).toBe('native');
    });
  }

  it('the five Thumb archs differ only where upstream makes them differ', () => {
    const code = (arch: NativeArch): string => Buffer.from(machineCode(readMpy(mpyFor(SAMPLE, arch)).root.children[1]!)).toString('hex');
    // Thumb-1 (no movw/ite/b.w) for ARMv6-M, the same Thumb-2 code for every ARMv7-M variant
    expect(code('armv6m')).not.toBe(code('armv7m'));
    for (const arch of ['armv7em', 'armv7emsp', 'armv7emdp'] as const) expect(code(arch)).toBe(code('armv7m'));
    // ARMv6 is ARM-state code, not Thumb
    expect(code('armv6')).not.toBe(code('armv7m'));
  });
});

describe('viper type errors on Thumb targets', () => {
  // message and line as upstream's emitnative.c reports them (last error of the pass wins)
  const V = VIPER_ERRORS;
  const cases = [V.localTypeChange, V.usedBeforeTypeKnown, V.compareIntUint, V.loadFromInt, V.divModUint, V.addIntObject, V.storeObjectPtr16, V.returnObject];
  for (const arch of THUMB_ARCHS) {
    it(`${arch}: messages and lines`, () => {
      expectViperErrors(cases, arch);
    });
  }

  it('more than 255 words of locals: Thumb cannot address them sp-relative (ARMv6 can)', () => {
    const names = Array.from({ length: 300 }, (_, i) => `v${i}`);
    const src = '@micropython.native\ndef f():\n' + names.map((n, i) => `    ${n} = ${i}\n`).join('') + '    return v0\n';
    for (const arch of THUMB_ARCHS) {
      expect(compileError(src, { arch })).toBe('NotImplementedError: too many locals for native method\n');
    }
    expect(() => mpyFor(src, 'armv6')).not.toThrow();
  });
});

const scratchDir = scratchDirs();

interface DisasmLine {
  offset: number;
  /** the instruction's halfwords as objdump shows them ("b5fe" or "f8d7 30c8") */
  hex: string;
  text: string;
}

function disassemble(code: Uint8Array): DisasmLine[] {
  const dir = scratchDir('mpy-native-thumb-');
  const bin = join(dir, 'code.bin');
  writeFileSync(bin, code);
  const r = spawnSync('arm-none-eabi-objdump', ['-D', '-b', 'binary', '-m', 'arm', '--disassembler-options=force-thumb', bin], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`objdump failed: ${r.stderr}`);
  const out: DisasmLine[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f]{4}(?: [0-9a-f]{4})?)\s*\t(.*)$/.exec(line);
    if (m) out.push({ offset: parseInt(m[1]!, 16), hex: m[2]!, text: m[3]!.replace(/\s*@.*$/, '').replace(/\s+/g, ' ').trim() });
  }
  return out;
}

const PUSH_RE = /^push \{(r\d(?:, r\d)*), lr\}$/;

function checkEntryExit(lines: DisasmLine[]): void {
  const push = PUSH_RE.exec(lines[0]!.text);
  expect(push, lines[0]!.text).not.toBeNull();
  // upstream's ASM_ENTRY saves r4-r7 (r1-r3 only pad the frame to 8 bytes) and ASM_EXIT pops the same list into pc
  expect(push![1]).toMatch(/r4, r5, r6, r7$/);
  expect(lines.some((l) => l.text === `pop {${push![1]}, pc}`)).toBe(true);
}

describe.skipIf(!HAVE_BINUTILS)('Thumb native code decoded by GNU objdump', () => {
  it('ARMv6-M: only 16-bit Thumb-1 instructions; entry pushes and exit pops the same registers', () => {
    const m = readMpy(mpyFor(SAMPLE, 'armv6m'));
    for (const rc of m.root.children) {
      const lines = disassemble(machineCode(rc));
      expect(lines.length).toBeGreaterThan(10);
      const wide = lines.filter((l) => l.hex.includes(' ') || /undefined|\.inst|\.word/.test(l.text));
      expect(wide, wide.map((l) => `${l.offset.toString(16)}: ${l.hex} ${l.text}`).join('\n')).toEqual([]);
      checkEntryExit(lines);
      // runtime calls go through the function table in r7 (ASM_CALL_IND: ldr r3, [r7, #4*n]; blx r3)
      expect(lines.some((l) => l.text === 'blx r3')).toBe(true);
    }
  });

  it('ARMv7-M: Thumb-2 forms where upstream allows them (b.w forward jumps, ite for comparisons)', () => {
    const m = readMpy(mpyFor(SAMPLE, 'armv7m'));
    const lines = disassemble(machineCode(m.root.children[1]!));
    checkEntryExit(lines);
    expect(lines.some((l) => l.text.startsWith('b.w '))).toBe(true);
    // p[i] < 10 is a signed comparison: ite lt, then the two movs
    expect(lines.some((l) => l.text === 'ite lt')).toBe(true);
  });

  it('a jump beyond the 2 KiB reach of b.n: ARMv6-M adds an inline offset to pc through r1, ARMv7-M uses b.w', () => {
    const body = Array.from({ length: 400 }, (_, i) => `        x = x + ${i}\n`).join('');
    const src = `@micropython.native\ndef f(x):\n    while x < 10:\n${body}    return x\n`;
    const v6m = disassemble(machineCode(readMpy(mpyFor(src, 'armv6m')).root.children[0]!));
    expect(v6m.some((l) => l.text === 'add pc, r1')).toBe(true);
    const v7m = disassemble(machineCode(readMpy(mpyFor(src, 'armv7m')).root.children[0]!));
    expect(v7m.some((l) => l.text === 'add pc, r1')).toBe(false);
    expect(v7m.some((l) => l.text.startsWith('b.w '))).toBe(true);
  });

  it('a frame over 127 words: ARMv6-M subtracts in 127-word steps, ARMv7-M in one subw', () => {
    const names = Array.from({ length: 140 }, (_, i) => `v${i}`);
    const src = '@micropython.native\ndef f():\n' + names.map((n, i) => `    ${n} = ${i}\n`).join('') + '    return v139\n';
    const entry = (arch: NativeArch): string[] =>
      disassemble(machineCode(readMpy(mpyFor(src, arch)).root.children[0]!)).slice(0, 4).map((l) => l.text);
    const v6m = entry('armv6m');
    expect(v6m[1]).toBe('sub sp, #508');
    expect(v6m[2]).toMatch(/^sub sp, #\d+$/);
    const v7m = entry('armv7m');
    expect(v7m[1]).toMatch(/^subw sp, sp, #\d+$/);
  });
});

// --- the Thumb encoders the native emitter adds, against GNU as ------------------------------------

function gasHalfwords(march: string, source: string): number[] {
  const dir = scratchDir('mpy-native-thumb-as-');
  writeFileSync(join(dir, 'f.s'), `.syntax unified\n.thumb\n${source}\n`);
  const as = spawnSync('arm-none-eabi-as', [`-march=${march}`, '-mthumb', join(dir, 'f.s'), '-o', join(dir, 'f.o')], { encoding: 'utf8' });
  if (as.status !== 0) throw new Error(`arm-none-eabi-as failed:\n${as.stderr}`);
  const b = textSection('arm-none-eabi-objcopy', join(dir, 'f.o'), join(dir, 'f.bin'));
  const hw: number[] = [];
  for (let i = 0; i + 1 < b.length; i += 2) hw.push(b[i]! | (b[i + 1]! << 8));
  return hw;
}

type Case = [asm: string, halfwords: number[]];

/** Instructions both ARMv6-M and ARMv7-M have, encoded by our encoders. */
function thumb1Cases(): Case[] {
  const c: Case[] = [];
  for (const [rd, rs] of [[0, 1], [3, 7], [7, 0]] as const) {
    c.push([`mov r${rd}, r${rs}`, [T.encodeMovRegReg(rd, rs)]]);
    c.push([`ldr r${rd}, [r${rs}, r${(rd + 1) & 7}]`, [T.encodeFormat7_8(T.FORMAT_7_LDR, rd, rs, (rd + 1) & 7)]]);
    c.push([`ldrb r${rd}, [r${rs}, r2]`, [T.encodeFormat7_8(T.FORMAT_7_LDR | T.FORMAT_7_BYTE_TRANSFER, rd, rs, 2)]]);
    c.push([`ldrh r${rd}, [r${rs}, r2]`, [T.encodeFormat7_8(T.FORMAT_8_LDRH, rd, rs, 2)]]);
    c.push([`str r${rd}, [r${rs}, r1]`, [T.encodeFormat7_8(T.FORMAT_7_STR, rd, rs, 1)]]);
    c.push([`strb r${rd}, [r${rs}, r1]`, [T.encodeFormat7_8(T.FORMAT_7_STR | T.FORMAT_7_BYTE_TRANSFER, rd, rs, 1)]]);
    c.push([`strh r${rd}, [r${rs}, r1]`, [T.encodeFormat7_8(T.FORMAT_8_STRH, rd, rs, 1)]]);
    c.push([`sxth r${rd}, r${rs}`, [T.encodeFormat11(T.FORMAT_11_SXTH, rd, rs)]]);
  }
  for (const [load, size, mn] of [[true, 0, 'ldrb'], [true, 1, 'ldrh'], [true, 2, 'ldr'], [false, 0, 'strb'], [false, 1, 'strh'], [false, 2, 'str']] as const) {
    for (const imm5 of [0, 1, 17, 31]) {
      c.push([`${mn} r3, [r6, #${imm5 << size}]`, [T.encodeLdrStrImm5(load, size, 3, 6, imm5)]]);
    }
  }
  for (const w of [0, 1, 200, 255]) {
    c.push([`str r2, [sp, #${4 * w}]`, [T.encodeSpRelative(T.OP_STR_TO_SP, 2, w)]]);
    c.push([`ldr r5, [sp, #${4 * w}]`, [T.encodeSpRelative(T.OP_LDR_FROM_SP, 5, w)]]);
    c.push([`add r1, sp, #${4 * w}`, [T.encodeSpRelative(T.OP_ADD_REG_SP, 1, w)]]);
  }
  c.push(['push {r1, r4, r5, r6, r7, lr}', [T.encodePush(0xf2, true)]]);
  c.push(['push {r1, r2, r3, r4, r5, r6, r7, lr}', [T.encodePush(0xfe, true)]]);
  c.push(['pop {r1, r2, r3, r4, r5, r6, r7, pc}', [T.encodePop(0xfe, true)]]);
  c.push(['push {r4}', [T.encodePush(1 << 4, false)]]);
  c.push(['pop {r2}', [T.encodePop(1 << 2, false)]]);
  for (const r of [0, 3, 4]) c.push([`blx r${r}`, [T.encodeBlx(r)]]);
  c.push(['add r0, pc', [T.encodeFormat5(T.FORMAT_5_ADD, 0, T.REG_PC)]]);
  c.push(['add pc, r1', [T.encodeFormat5(T.FORMAT_5_ADD, T.REG_PC, 1)]]);
  c.push(['negs r2, r2', [T.encodeFormat4(T.FORMAT_4_NEG, 2, 2)]]);
  c.push(['muls r1, r2, r1', [T.encodeFormat4(T.FORMAT_4_MUL, 1, 2)]]);
  return c;
}

/** Thumb-2 forms the native emitter uses on ARMv7-M. */
function thumb2Cases(): Case[] {
  const c: Case[] = [];
  for (const [load, size, mn] of [[true, 0, 'ldrb.w'], [true, 1, 'ldrh.w'], [true, 2, 'ldr.w'], [false, 0, 'strb.w'], [false, 1, 'strh.w'], [false, 2, 'str.w']] as const) {
    for (const imm12 of [128, 1000, 4092]) c.push([`${mn} r3, [r7, #${imm12}]`, T.encodeLdrStrW(load, size, 3, 7, imm12)]);
  }
  for (const cond of [T.ThumbCond.EQ, T.ThumbCond.NE, T.ThumbCond.CS, T.ThumbCond.CC, T.ThumbCond.HI, T.ThumbCond.LS, T.ThumbCond.GE, T.ThumbCond.LT, T.ThumbCond.GT, T.ThumbCond.LE]) {
    const names = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le'];
    const inv = names[cond ^ 1]!;
    // the then/else moves inside the IT block are the 16-bit non-flag-setting movs
    c.push([`ite ${names[cond]}\nmov${names[cond]} r0, #1\nmov${inv} r0, #0`, [T.encodeIte(cond), 0x2001, 0x2000]]);
  }
  // b.w with the reference's J1 = J2 = 1 encoding, forward and backward
  for (const gap of [2048, 100000]) {
    const hw = T.encodeBW(gap);
    c.push([`b.w 1f\n.space ${gap}\n1:`, [...hw, ...new Array<number>(gap / 2).fill(0)]]);
  }
  c.push([`1:\n.space 3000\nb.w 1b`, [...new Array<number>(1500).fill(0), ...T.encodeBW(-3004)]]);
  return c;
}

function checkAgainstGas(march: string, cases: Case[]): void {
  const want = cases.flatMap(([, hw]) => hw);
  const got = gasHalfwords(march, cases.map(([asm]) => asm).join('\n'));
  const fmt = (hw: number[]): string => hw.map((h) => h.toString(16).padStart(4, '0')).join(' ');
  // compare case by case for a readable failure
  let at = 0;
  for (const [asm, hw] of cases) {
    expect(fmt(got.slice(at, at + hw.length)), asm).toBe(fmt(hw));
    at += hw.length;
  }
  expect(got.length).toBe(want.length);
}

describe.skipIf(!HAVE_BINUTILS)('Thumb encoders of the native emitter vs GNU as', () => {
  it('Thumb-1 forms assemble like arm-none-eabi-as -march=armv6-m', () => checkAgainstGas('armv6-m', thumb1Cases()));
  it('Thumb-2 forms assemble like arm-none-eabi-as -march=armv7-m', () => checkAgainstGas('armv7-m', thumb2Cases()));
});

warnSkip('Thumb native code checks against GNU binutils', HAVE_BINUTILS);

describe.skipIf(!haveGolden)('golden armv7m-native vectors (../shared/golden)', () => {
  if (!haveGolden) {
    console.warn('SKIPPED: ../shared/golden not found; armv7m-native conformance was NOT checked');
    return;
  }
  it('every vector is identical, or the reference aborted and ours fails cleanly', () => {
    const entries = compileManifest().filter((e) => e.group === 'armv7m-native');
    expect(entries.length).toBeGreaterThan(100);
    let identical = 0;
    const failures: string[] = [];
    for (const e of entries) {
      const v = runEntry(e);
      if (v.identical) identical++;
      else if (!(v.referenceCrashed && v.detail === '')) failures.push(`${e.input}: ${v.detail}`);
    }
    expect(failures).toEqual([]);
    console.log(`armv7m-native: ${identical}/${entries.length} identical (rest: reference aborts, ours fails cleanly)`);
  });
});
