// The inline Thumb assembler (@micropython.asm_thumb).
//
// Machine code is checked against an independent oracle, GNU as: every
// instruction form is written once as a Python asm_thumb function and once as
// GNU assembler source, and the function's bytes in our .mpy must equal the
// assembled .text. Where MicroPython always picks one encoding the source
// names it explicitly (.n/.w suffixes, or .inst built from the documented
// bit layout). Error texts and lines follow upstream emitinlinethumb.c /
// compile.c's rules.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.ts';
import { readMpy } from '../../src/mpy-reader.ts';
import type { NativeArch } from '../../src/options.ts';
import { warnSkip } from '../link/toolchain.ts';
import { compileError } from './helpers.ts';
import { asmRawCode as asmCode, haveTools, scratchDirs, textSection } from './native-helpers.ts';

const HAVE_AS = haveTools('arm-none-eabi-as', 'arm-none-eabi-objcopy');

type ThumbArch = 'armv6' | 'armv6m' | 'armv7m' | 'armv7em' | 'armv7emsp' | 'armv7emdp';
const ARCHS: readonly ThumbArch[] = ['armv6', 'armv6m', 'armv7m', 'armv7em', 'armv7emsp', 'armv7emdp'];

/** GNU as CPU/FPU flags for each -march. */
const GAS_FLAGS: Record<ThumbArch, string[]> = {
  armv6: ['-mcpu=arm1176jzf-s'],
  armv6m: ['-mcpu=cortex-m0'],
  armv7m: ['-mcpu=cortex-m3'],
  armv7em: ['-mcpu=cortex-m4', '-mfloat-abi=soft'],
  armv7emsp: ['-mcpu=cortex-m4', '-mfpu=fpv4-sp-d16', '-mfloat-abi=hard'],
  armv7emdp: ['-mcpu=cortex-m7', '-mfpu=fpv5-d16', '-mfloat-abi=hard'],
};

const isV7m = (a: ThumbArch): boolean => a !== 'armv6' && a !== 'armv6m';
const hasFloat = (a: ThumbArch): boolean => a === 'armv7emsp' || a === 'armv7emdp';

/** One instruction (or a few) in both syntaxes. */
interface Pair {
  py: string[];
  gas: string[];
}
const p = (py: string | string[], gas: string | string[]): Pair => ({
  py: typeof py === 'string' ? [py] : py,
  gas: typeof gas === 'string' ? [gas] : gas,
});

const CCS = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le'];
const INVERSE_CC: Record<string, string> = {
  eq: 'ne', ne: 'eq', cs: 'cc', cc: 'cs', mi: 'pl', pl: 'mi', vs: 'vc', vc: 'vs',
  hi: 'ls', ls: 'hi', ge: 'lt', lt: 'ge', gt: 'le', le: 'gt',
};
const LOW = [0, 1, 2, 3, 4, 5, 6, 7];
const ALL = [...LOW, 8, 9, 10, 11, 12, 13, 14, 15];
const hex = (n: number): string => `0x${n.toString(16)}`;

/** Instructions every Thumb target has (ARMv6-M subset). */
function thumb1Pairs(arch: ThumbArch): Pair[] {
  const out: Pair[] = [];
  // ARMv6-M/ARMv6 GNU as spells `nop`/`wfi` as other encodings or lacks them: the T1 hint encodings
  const hint = (name: string, code: number): string => (isV7m(arch) || (arch === 'armv6m' && name === 'wfi') ? name : `.inst.n ${hex(code)}`);
  out.push(p('nop()', hint('nop', 0xbf00)), p('wfi()', hint('wfi', 0xbf30)));
  out.push(p('cpsid(i)', 'cpsid i'), p('cpsie(i)', 'cpsie i'));
  for (const r of ALL) out.push(p(`bx(r${r})`, `bx r${r}`));
  for (const d of ALL) for (const s of [0, 7, 8, 13, 15]) out.push(p(`mov(r${d}, r${s})`, `mov r${d}, r${s}`));
  out.push(p(['mov(sl, fp)', 'mov(sp, lr)', 'mov(r0, pc)'], ['mov r10, r11', 'mov sp, lr', 'mov r0, pc']));
  const alu: Record<string, (d: number, s: number) => string> = {
    and_: (d, s) => `ands r${d}, r${s}`,
    eor: (d, s) => `eors r${d}, r${s}`,
    lsl: (d, s) => `lsls r${d}, r${s}`,
    lsr: (d, s) => `lsrs r${d}, r${s}`,
    asr: (d, s) => `asrs r${d}, r${s}`,
    adc: (d, s) => `adcs r${d}, r${s}`,
    sbc: (d, s) => `sbcs r${d}, r${s}`,
    ror: (d, s) => `rors r${d}, r${s}`,
    tst: (d, s) => `tst r${d}, r${s}`,
    neg: (d, s) => `negs r${d}, r${s}`,
    cmp: (d, s) => `cmp r${d}, r${s}`,
    cmn: (d, s) => `cmn r${d}, r${s}`,
    orr: (d, s) => `orrs r${d}, r${s}`,
    mul: (d, s) => `muls r${d}, r${s}, r${d}`,
    bic: (d, s) => `bics r${d}, r${s}`,
    mvn: (d, s) => `mvns r${d}, r${s}`,
  };
  for (const [op, gas] of Object.entries(alu)) for (const [d, s] of [[0, 1], [7, 0], [3, 5], [6, 6]] as const) out.push(p(`${op}(r${d}, r${s})`, gas(d, s)));
  for (const [op, gas] of [['mov', 'movs'], ['cmp', 'cmp'], ['add', 'adds'], ['sub', 'subs']]) {
    for (const r of LOW) for (const i of [0, 1, 0x7f, 0xff]) out.push(p(`${op}(r${r}, ${i})`, `${gas} r${r}, #${i}`));
  }
  for (const [op, gas] of [['lsl', 'lsls'], ['lsr', 'lsrs'], ['asr', 'asrs']]) {
    for (const sh of [0, 1, 16, 31]) {
      // an encoded shift of 0 means 32 for lsr/asr
      const amount = sh === 0 && op !== 'lsl' ? 32 : sh;
      out.push(p(`${op}(r1, r2, ${sh})`, `${gas} r1, r2, #${amount}`));
    }
  }
  for (const [op, gas] of [['add', 'adds'], ['sub', 'subs']]) {
    out.push(p(`${op}(r0, r1, r2)`, `${gas} r0, r1, r2`), p(`${op}(r7, r6, r5)`, `${gas} r7, r6, r5`));
    for (const i of [0, 3, 7]) out.push(p(`${op}(r3, r4, ${i})`, `${gas} r3, r4, #${i}`));
  }
  const loadStore: [string, number, number][] = [['ldr', 4, 0x7c], ['str', 4, 0x7c], ['ldrb', 1, 0x1f], ['strb', 1, 0x1f], ['ldrh', 2, 0x3e], ['strh', 2, 0x3e]];
  for (const [op, step, max] of loadStore) {
    for (const off of [0, step, max]) for (const [t, n] of [[0, 1], [7, 7], [2, 5]] as const) out.push(p(`${op}(r${t}, [r${n}, ${off}])`, `${op} r${t}, [r${n}, #${off}]`));
  }
  out.push(
    p('push({r0})', 'push {r0}'),
    p('push({r0, r1, r7})', 'push {r0, r1, r7}'),
    p('push({r2, lr})', 'push {r2, lr}'),
    p('push({r0, r1, r2, r3, r4, r5, r6, r7, lr})', 'push {r0-r7, lr}'),
    p('pop({r7})', 'pop {r7}'),
    p('pop({r4, r5, pc})', 'pop {r4, r5, pc}'),
    p('pop({r0, r1, r2, r3, r4, r5, r6, r7, pc})', 'pop {r0-r7, pc}'),
  );
  out.push(p('data(1, 0x12, -1)', '.byte 0x12, 0xff'), p('data(2, 0x1234, -2)', '.hword 0x1234, 0xfffe'), p('data(4, 0x12345678, -1)', '.word 0x12345678, 0xffffffff'));
  out.push(p(['data(2, 1)', 'align(4)'], ['.hword 1', '.balign 4, 0']), p(['data(2, 1)', 'align(8)', 'data(2, 2)'], ['.hword 1', '.balign 8, 0', '.hword 2']));
  // labels, backward and forward, with every condition
  out.push(p(['label(back)', 'b(back)', 'b(fwd)', 'bl(back)', 'bl(fwd)'], ['back:', 'b.n back', 'b.n fwd', 'bl back', 'bl fwd']));
  for (const cc of CCS) out.push(p([`b${cc}(back)`, `b${cc}_n(fwd)`], [`b${cc}.n back`, `b${cc}.n fwd`]));
  out.push(p('label(fwd)', 'fwd:'));
  return out;
}

/** Thumb-2 (ARMv7-M) instructions. */
function thumb2Pairs(): Pair[] {
  const out: Pair[] = [];
  out.push(p('label(back2)', 'back2:'));
  for (const cc of CCS) out.push(p([`b${cc}_w(back2)`, `b${cc}_w(fwd2)`], [`b${cc}.w back2`, `b${cc}.w fwd2`]));
  // IT blocks: the conditional instructions after them are plain 16-bit movs in both syntaxes
  for (const cc of CCS) {
    for (const tail of ['', 't', 'e', 'tt', 'te', 'et', 'ee', 'ttt', 'tte', 'tet', 'tee', 'ett', 'ete', 'eet', 'eee']) {
      const conds = [cc, ...[...tail].map((c) => (c === 't' ? cc : INVERSE_CC[cc]!))];
      out.push(p([`it${tail}(${cc})`, ...conds.map(() => 'mov(r0, r1)')], [`it${tail} ${cc}`, ...conds.map((c) => `mov${c} r0, r1`)]));
    }
  }
  for (const r of [0, 7, 8, 12, 14]) {
    for (const i of [0, 1, 0xff, 0x100, 0x800, 0x1234, 0xffff]) out.push(p(`movw(r${r}, ${i})`, `movw r${r}, #${i}`), p(`movt(r${r}, ${i})`, `movt r${r}, #${i}`));
  }
  for (const v of [0, 0x12345678, 0xffffffff]) out.push(p(`movwt(r9, ${v})`, [`movw r9, #${v & 0xffff}`, `movt r9, #${v >>> 16}`]));
  out.push(p('movwt(r2, -2)', ['movw r2, #0xfffe', 'movt r2, #0xffff']));
  for (const [d, m] of [[0, 1], [9, 12], [14, 3]] as const) {
    out.push(p(`clz(r${d}, r${m})`, `clz r${d}, r${m}`), p(`rbit(r${d}, r${m})`, `rbit r${d}, r${m}`));
    out.push(p(`sdiv(r${d}, r${m}, r5)`, `sdiv r${d}, r${m}, r5`), p(`udiv(r${m}, r${d}, r11)`, `udiv r${m}, r${d}, r11`));
  }
  for (const r of [0, 5, 12]) out.push(p(`mrs(r${r}, IPSR)`, `mrs r${r}, IPSR`), p(`mrs(r${r}, BASEPRI)`, `mrs r${r}, BASEPRI`));
  for (const off of [0, 4, 0xfc]) {
    out.push(p(`ldrex(r1, [r2, ${off}])`, `ldrex r1, [r2, #${off}]`), p(`ldrex(r10, [r11, ${off}])`, `ldrex r10, [r11, #${off}]`));
    out.push(p(`strex(r0, r1, [r2, ${off}])`, `strex r0, r1, [r2, #${off}]`), p(`strex(r9, r8, [r12, ${off}])`, `strex r9, r8, [r12, #${off}]`));
  }
  out.push(
    p('push({r0, r8})', 'push.w {r0, r8}'),
    p('push({r4, r5, r8, r9, r10, r11, lr})', 'push.w {r4, r5, r8-r11, lr}'),
    p('pop({r0, r8})', 'pop.w {r0, r8}'),
    p('pop({r4, r8, r12, pc})', 'pop.w {r4, r8, r12, pc}'),
    // one high register: GNU as would pick str/ldr; MicroPython keeps STMDB/LDMIA (T2)
    p('push({r8})', '.inst.w 0xe92d0100'),
    p('pop({r9})', '.inst.w 0xe8bd0200'),
  );
  out.push(p('label(fwd2)', 'fwd2:'));
  return out;
}

/** Single-precision VFP instructions (armv7emsp/dp). */
function floatPairs(): Pair[] {
  const out: Pair[] = [];
  const regs = [0, 1, 2, 15, 16, 30, 31];
  for (const d of regs) {
    for (const m of [0, 1, 31]) {
      out.push(
        // MicroPython's vcmp sets the E bit: it is VCMPE
        p(`vcmp(s${d}, s${m})`, `vcmpe.f32 s${d}, s${m}`),
        p(`vsqrt(s${d}, s${m})`, `vsqrt.f32 s${d}, s${m}`),
        p(`vneg(s${d}, s${m})`, `vneg.f32 s${d}, s${m}`),
        p(`vcvt_f32_s32(s${d}, s${m})`, `vcvt.f32.s32 s${d}, s${m}`),
        p(`vcvt_s32_f32(s${d}, s${m})`, `vcvt.s32.f32 s${d}, s${m}`),
      );
      for (const op of ['vadd', 'vsub', 'vmul', 'vdiv']) out.push(p(`${op}(s${d}, s${m}, s${(d + 7) % 32})`, `${op}.f32 s${d}, s${m}, s${(d + 7) % 32}`));
    }
    out.push(p(`vmov(r3, s${d})`, `vmov r3, s${d}`), p(`vmov(s${d}, r12)`, `vmov s${d}, r12`));
    for (const off of [0, 4, 0x3fc]) out.push(p(`vldr(s${d}, [r1, ${off}])`, `vldr s${d}, [r1, #${off}]`), p(`vstr(s${d}, [r7, ${off}])`, `vstr s${d}, [r7, #${off}]`));
  }
  out.push(p('vmrs(r0, FPSCR)', 'vmrs r0, FPSCR'), p('vmrs(r14, FPSCR)', 'vmrs r14, FPSCR'), p('vmrs(APSR_nzcv, FPSCR)', 'vmrs APSR_nzcv, FPSCR'));
  return out;
}

function pairsFor(arch: ThumbArch): Pair[] {
  return [...thumb1Pairs(arch), ...(isV7m(arch) ? thumb2Pairs() : []), ...(hasFloat(arch) ? floatPairs() : [])];
}

/** The function frame the reference wraps around every asm function, in GNU syntax. */
function gasSource(arch: ThumbArch, body: string[]): string {
  const lines = ['.syntax unified', '.text'];
  if (arch === 'armv6') {
    // ARM-state entry: call the Thumb body (pc + 8 + 1) and return
    lines.push('.arm', 'push {r4, lr}', 'add lr, pc, #9', 'blx lr', 'pop {r4, lr}', 'bx lr');
  }
  lines.push('.thumb', 'push {r1, r4, r5, r6, r7, lr}', ...body, 'pop {r1, r4, r5, r6, r7, pc}', '');
  return lines.join('\n');
}

function pySource(body: string[], params = 'r0, r1'): string {
  return `@micropython.asm_thumb\ndef f(${params}):\n${body.map((l) => `    ${l}\n`).join('')}`;
}

const scratchDir = scratchDirs();

function gasBytes(arch: ThumbArch, source: string): { bytes: Uint8Array; listing: string } {
  const dir = scratchDir('mpy-asm-thumb-');
  writeFileSync(join(dir, 'f.s'), source);
  const as = spawnSync('arm-none-eabi-as', [...GAS_FLAGS[arch], '-al=' + join(dir, 'f.lst'), join(dir, 'f.s'), '-o', join(dir, 'f.o')], { encoding: 'utf8' });
  if (as.status !== 0) throw new Error(`arm-none-eabi-as failed for ${arch}:\n${as.stderr}`);
  return { bytes: textSection('arm-none-eabi-objcopy', join(dir, 'f.o'), join(dir, 'f.bin')), listing: readFileSync(join(dir, 'f.lst'), 'utf8') };
}

/** The GNU listing line of the instruction at a byte offset, for readable failures. */
function listingAt(listing: string, offset: number): string {
  let best = '';
  for (const line of listing.split('\n')) {
    const m = /^\s*\d+\s+([0-9a-f]{4})\s/.exec(line);
    if (m && parseInt(m[1]!, 16) <= offset) best = line.trim();
  }
  return best;
}

describe.skipIf(!HAVE_AS)('inline Thumb assembler vs GNU as', () => {
  for (const arch of ARCHS) {
    it(`every instruction form of ${arch} assembles like arm-none-eabi-as ${GAS_FLAGS[arch].join(' ')}`, () => {
      const pairs = pairsFor(arch);
      const ours = asmCode(compile(pySource(pairs.flatMap((x) => x.py)), { sourceName: 't.py', arch: arch as NativeArch })).funData;
      const { bytes, listing } = gasBytes(arch, gasSource(arch, pairs.flatMap((x) => x.gas)));
      // GNU as pads .text to a multiple of 4 after the code
      expect(bytes.length - ours.length).toBeGreaterThanOrEqual(0);
      expect(bytes.length - ours.length).toBeLessThan(4);
      const gas = bytes.subarray(0, ours.length);
      const at = gas.findIndex((b, i) => b !== ours[i]);
      if (at >= 0) {
        throw new Error(`${arch}: first difference at code offset 0x${at.toString(16)} (ours ${ours[at]}, gas ${gas[at]}): ${listingAt(listing, at)}`);
      }
      expect(ours.length).toBeGreaterThan(arch === 'armv6' ? 500 : 400);
    });
  }

  it('a branch one step past its range would be encoded differently (the oracle is sharp)', () => {
    const body = ['nop()', 'beq(l)', ...Array(10).fill('nop()'), 'label(l)'];
    const ours = asmCode(compile(pySource(body), { sourceName: 't.py', arch: 'armv7m' })).funData;
    const wrong = gasBytes('armv7m', gasSource('armv7m', ['nop', 'beq.n l', ...Array(11).fill('nop'), 'l:'])).bytes.subarray(0, ours.length);
    expect(Buffer.compare(Buffer.from(ours), Buffer.from(wrong))).not.toBe(0);
  });
});
warnSkip('the GNU as comparison of the inline Thumb assembler', HAVE_AS);

describe('inline asm raw code in the .mpy', () => {
  it('is native asm code with the argument count and return type signature', () => {
    const sigs: [string, number][] = [['', 2], [' -> int', 2], [' -> uint', 3], [' -> bool', 1], [' -> object', 0]];
    for (const [annotation, sig] of sigs) {
      for (const n of [0, 1, 4]) {
        const params = Array.from({ length: n }, (_, i) => `r${i}`).join(', ');
        const m = readMpy(compile(`@micropython.asm_thumb\ndef f(${params})${annotation}:\n    nop()\n`, { sourceName: 't.py', arch: 'armv7m' }));
        const rc = m.root.children[0]!;
        expect(rc.kind).toBe('asm');
        expect(rc.asmNPosArgs).toBe(n);
        expect(rc.asmTypeSig).toBe(sig);
        expect(rc.children).toHaveLength(0);
      }
    }
  });

  it('marks the module with the target architecture, and the module still reads back', () => {
    const src = 'x = 1\n@micropython.asm_thumb\ndef f(r0):\n    add(r0, r0, 1)\ndef g():\n    return f(x)\n';
    for (const [arch, number] of [['armv6', 3], ['armv6m', 4], ['armv7m', 5], ['armv7em', 6], ['armv7emsp', 7], ['armv7emdp', 8]] as const) {
      const m = readMpy(compile(src, { sourceName: 't.py', arch }));
      expect(m.header.arch).toBe(number);
      expect(m.root.kind).toBe('bytecode');
      expect(m.root.children.map((c) => c.kind)).toEqual(['asm', 'bytecode']);
    }
  });

  it('wraps the body in push/pop, with an ARM-state trampoline first on armv6', () => {
    const body = asmCode(compile(pySource(['nop()']), { sourceName: 't.py', arch: 'armv7m' })).funData;
    expect([...body]).toEqual([0xf2, 0xb5, 0x00, 0xbf, 0xf2, 0xbd]);
    const v6 = asmCode(compile(pySource(['nop()']), { sourceName: 't.py', arch: 'armv6' })).funData;
    expect(v6.length).toBe(20 + 6);
    expect([...v6.subarray(20)]).toEqual([...body]);
  });

  it('fills align() gaps with zero bytes and writes data() little-endian, wide values truncated', () => {
    const rc = asmCode(compile(pySource(['data(1, 5)', 'align(8)', 'data(3, 0x123456789)', 'data(9, -2)']), { sourceName: 't.py', arch: 'armv6m' }));
    expect([...rc.funData]).toEqual([0xf2, 0xb5, 5, 0, 0, 0, 0, 0, 0x89, 0x67, 0x45, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0xf2, 0xbd]);
  });

  it('resolves labels per function', () => {
    const src = pySource(['label(a)', 'b(a)']) + '@micropython.asm_thumb\ndef g():\n    b(a)\n    label(a)\n';
    const m = readMpy(compile(src, { sourceName: 't.py', arch: 'armv7m' }));
    // f: b to itself (pc-relative -4 -> 0xe7fe); g: b to the next instruction (-2 -> 0xe7ff)
    expect([...m.root.children[0]!.funData.subarray(2, 4)]).toEqual([0xfe, 0xe7]);
    expect([...m.root.children[1]!.funData.subarray(2, 4)]).toEqual([0xff, 0xe7]);
  });
});

/** The traceback the CLI prints for an asm function `f` whose body is `body`. */
function asmError(body: string, arch: NativeArch = 'armv7m', header = 'def f(r0):'): string {
  return compileError(`@micropython.asm_thumb\n${header}\n${body}`, { arch });
}
const at = (line: number, kind: string, message: string, scope = 'f'): string =>
  `Traceback (most recent call last):\n  File "t.py", line ${line}, in ${scope}\n${kind}: ${message}\n`;
const syntaxAt = (line: number, message: string): string => at(line, 'SyntaxError', message);

describe('inline asm errors', () => {
  it('unknown instructions and wrong argument counts', () => {
    expect(asmError('    nop()\n    foo(r0)\n')).toBe(syntaxAt(4, "unsupported Thumb instruction 'foo' with 1 arguments"));
    expect(asmError('    nop(r0)\n')).toBe(syntaxAt(3, "unsupported Thumb instruction 'nop' with 1 arguments"));
    expect(asmError('    mov(r0, r1, r2)\n')).toBe(syntaxAt(3, "unsupported Thumb instruction 'mov' with 3 arguments"));
    expect(asmError('    add(r0, r1)\n')).toBe(syntaxAt(3, "unsupported Thumb instruction 'add' with 2 arguments"));
    expect(asmError('    b(a, b, c, d)\n')).toBe(syntaxAt(3, "unsupported Thumb instruction 'b' with 4 arguments"));
    expect(asmError('    bxx(a)\n')).toBe(syntaxAt(3, "unsupported Thumb instruction 'bxx' with 1 arguments"));
    expect(asmError('    itete(eq)\n    itx(eq)\n')).toBe(syntaxAt(4, "unsupported Thumb instruction 'itx' with 1 arguments"));
    expect(asmError('    itteee(eq)\n')).toBe(syntaxAt(3, "unsupported Thumb instruction 'itteee' with 1 arguments"));
    expect(asmError('    it(al)\n')).toBe(syntaxAt(3, "unsupported Thumb instruction 'it' with 1 arguments"));
  });

  it('register arguments', () => {
    expect(asmError('    add(r0, r1, r8)\n')).toBe(syntaxAt(3, "'add' expects at most r7"));
    expect(asmError('    mov(r0, x)\n')).toBe(syntaxAt(3, "'mov' expects a register"));
    expect(asmError('    mrs(r13, IPSR)\n')).toBe(syntaxAt(3, "'mrs' expects at most r12"));
    expect(asmError('    mrs(r0, CONTROL)\n')).toBe(syntaxAt(3, "'mrs' expects a special register"));
    expect(asmError('    push({r0: r1})\n')).toBe(syntaxAt(3, "'push' expects {r0, r1, ...}"));
    expect(asmError('    pop(r0)\n')).toBe(syntaxAt(3, "'pop' expects {r0, r1, ...}"));
    // a register second argument selects the register-register forms, which ldrex is not
    expect(asmError('    ldrex(r0, r1)\n')).toBe(syntaxAt(3, "unsupported Thumb instruction 'ldrex' with 2 arguments"));
    expect(asmError('    ldrex(r0, 4)\n')).toBe(syntaxAt(3, "'ldrex' expects an address of the form [a, b]"));
    expect(asmError('    strex(r0, r1, [r2])\n')).toBe(syntaxAt(3, "'strex' expects an address of the form [a, b]"));
    // ldr/str report a bad address as an unknown instruction form
    expect(asmError('    ldr(r0, 4)\n')).toBe(syntaxAt(3, "unsupported Thumb instruction 'ldr' with 2 arguments"));
    expect(asmError('    ldr(r0, [r8, 4])\n')).toBe(syntaxAt(3, "'ldr' expects at most r7"));
  });

  it('the last bad argument of an instruction is the one reported', () => {
    expect(asmError('    add(r8, r9, 10)\n')).toBe(syntaxAt(3, "'add' integer 0xa doesn't fit in mask 0x7"));
    expect(asmError('    lsl(x, r1, 3)\n')).toBe(syntaxAt(3, "'lsl' expects a register"));
    expect(asmError('    vmrs(x, r1)\n', 'armv7emsp')).toBe(syntaxAt(3, "unsupported Thumb instruction 'vmrs' with 2 arguments"));
  });

  it('immediates', () => {
    expect(asmError('    mov(r0, 256)\n')).toBe(syntaxAt(3, "'mov' integer 0x100 doesn't fit in mask 0xff"));
    expect(asmError('    mov(r0, -1)\n')).toBe(syntaxAt(3, "'mov' integer 0xffffffff doesn't fit in mask 0xff"));
    expect(asmError('    movw(r0, 0x10000)\n')).toBe(syntaxAt(3, "'movw' integer 0x10000 doesn't fit in mask 0xffff"));
    expect(asmError('    ldr(r0, [r1, 2])\n')).toBe(syntaxAt(3, "'ldr' integer 0x2 doesn't fit in mask 0x7c"));
    expect(asmError('    ldrh(r0, [r1, 1])\n')).toBe(syntaxAt(3, "'ldrh' integer 0x1 doesn't fit in mask 0x3e"));
    expect(asmError('    lsl(r0, r1, 32)\n')).toBe(syntaxAt(3, "'lsl' integer 0x20 doesn't fit in mask 0x1f"));
    expect(asmError('    mov(r0, 1.5)\n')).toBe(syntaxAt(3, "'mov' expects an integer"));
    expect(asmError('    vldr(s0, [r1, 2])\n', 'armv7emdp')).toBe(syntaxAt(3, "'vldr' integer 0x2 doesn't fit in mask 0x3fc"));
    // big ints are truncated to their low 32 bits first
    expect(asmError('    mov(r0, (1 << 64) + 0x1ff)\n')).toBe(syntaxAt(3, "'mov' integer 0x1ff doesn't fit in mask 0xff"));
  });

  it('FPU registers', () => {
    expect(asmError('    vadd(s0, s1, s32)\n', 'armv7emsp')).toBe(syntaxAt(3, "'vadd' expects at most r31"));
    expect(asmError('    vneg(s0, r1)\n', 'armv7emsp')).toBe(syntaxAt(3, "'vneg' expects an FPU register"));
    expect(asmError('    vmov(s0, s1)\n', 'armv7emsp')).toBe(syntaxAt(3, "'vmov' expects a register"));
  });

  it('labels and branches', () => {
    expect(asmError('    b(x)\n')).toBe(syntaxAt(3, "label 'x' not defined"));
    expect(asmError('    b(1)\n')).toBe(syntaxAt(3, "'b' expects a label"));
    expect(asmError('    label(x)\n    nop()\n    label(x)\n')).toBe(syntaxAt(5, 'label redefined'));
    expect(asmError('    label(1)\n')).toBe(syntaxAt(3, "'label' requires 1 argument"));
    const far = (n: number): string => `    b(l)\n${'    nop()\n'.repeat(n)}    label(l)\n`;
    // b sits at offset 2, after the push: its reach ends at 2 + 4 + 2046
    expect(() => asmError(far(1024))).toThrow('expected a compile error');
    expect(asmError(far(1025))).toBe(syntaxAt(3, 'branch not in range'));
    const farCond = (n: number): string => `    bne(l)\n${'    nop()\n'.repeat(n)}    label(l)\n`;
    expect(() => asmError(farCond(128))).toThrow('expected a compile error');
    expect(asmError(farCond(129))).toBe(syntaxAt(3, 'branch not in range'));
    // a label of another function is not visible
    expect(compileError('@micropython.asm_thumb\ndef f():\n    label(a)\n@micropython.asm_thumb\ndef g():\n    b(a)\n', { arch: 'armv7m' })).toBe(at(6, 'SyntaxError', "label 'a' not defined", 'g'));
  });

  it('align and data', () => {
    expect(asmError('    align(x)\n')).toBe(syntaxAt(3, "'align' requires 1 argument"));
    expect(asmError('    data(2)\n')).toBe(syntaxAt(3, "'data' requires at least 2 arguments"));
    expect(asmError('    data(2, 1, x)\n')).toBe(syntaxAt(3, "'data' requires integer arguments"));
    expect(compileError(pySource(['data(4, 1)', 'data(0x100000, 0)', 'data(0x100000, 0)']), { arch: 'armv7m' })).toBe('MemoryError: memory allocation failed, allocating 2097160 bytes\n');
  });

  it('parameters and return annotations (reported at the def)', () => {
    expect(asmError('    nop()\n', 'armv7m', 'def f(r0, r2):')).toBe(syntaxAt(2, 'parameters must be registers in sequence r0 to r3'));
    expect(asmError('    nop()\n', 'armv7m', 'def f(r0=1):')).toBe(syntaxAt(2, 'parameters must be registers in sequence r0 to r3'));
    expect(asmError('    nop()\n', 'armv7m', 'def f(r0, r1, r2, r3, r4):')).toBe(syntaxAt(2, 'can only have up to 4 parameters to Thumb assembly'));
    expect(asmError('    nop()\n', 'armv7m', 'def f() -> float:')).toBe(syntaxAt(2, 'unknown type'));
    // a non-identifier annotation is reported at the first instruction, or at the def without one
    expect(asmError('    pass\n    nop()\n', 'armv7m', 'def f() -> a.b:')).toBe(syntaxAt(4, 'return annotation must be an identifier'));
    expect(asmError('    pass\n', 'armv7m', 'def f() -> a.b:')).toBe(syntaxAt(2, 'return annotation must be an identifier'));
  });

  it('statements that are not instructions', () => {
    expect(asmError('    nop()\n    x = 1\n')).toBe(syntaxAt(4, 'expecting an assembler instruction'));
    expect(asmError('    a.b()\n')).toBe(syntaxAt(3, 'expecting an assembler instruction'));
    expect(compileError('@micropython.asm_thumb\nclass C:\n    pass\n', { arch: 'armv7m' })).toBe(at(2, 'SyntaxError', 'inline assembler must be a function', 'C'));
    // a docstring is just a constant statement
    expect(() => asmError('    "doc"\n    nop()\n')).toThrow('expected a compile error');
  });

  it('an instruction split over lines is reported at its opening parenthesis', () => {
    expect(asmError('    add(\n        r0,\n        r1, r9)\n')).toBe(syntaxAt(3, "'add' expects at most r7"));
  });

  it('Thumb-2 instructions need armv7m and up; VFP ones armv7emsp/dp', () => {
    for (const arch of ['armv6', 'armv6m'] as const) {
      expect(asmError('    movw(r0, 1)\n', arch)).toBe(syntaxAt(3, "unsupported Thumb instruction 'movw' with 2 arguments"));
      expect(asmError('    label(a)\n    beq_w(a)\n', arch)).toBe(syntaxAt(4, "unsupported Thumb instruction 'beq_w' with 1 arguments"));
      expect(asmError('    ite(eq)\n', arch)).toBe(syntaxAt(3, "unsupported Thumb instruction 'ite' with 1 arguments"));
      expect(asmError('    push({r0, r8})\n', arch)).toBe(syntaxAt(3, "unsupported Thumb instruction 'push' with 1 arguments"));
      expect(asmError('    sdiv(r0, r1, r2)\n', arch)).toBe(syntaxAt(3, "unsupported Thumb instruction 'sdiv' with 3 arguments"));
      expect(asmError('    clz(r0, r1)\n', arch)).toBe(syntaxAt(3, "unsupported Thumb instruction 'clz' with 2 arguments"));
    }
    for (const arch of ['armv6', 'armv6m', 'armv7m', 'armv7em'] as const) {
      expect(asmError('    vadd(s0, s1, s2)\n', arch)).toBe(syntaxAt(3, "unsupported Thumb instruction 'vadd' with 3 arguments"));
      expect(asmError('    vmrs(r0, FPSCR)\n', arch)).toBe(syntaxAt(3, "unsupported Thumb instruction 'vmrs' with 2 arguments"));
    }
    expect(() => asmError('    vadd(s0, s1, s2)\n', 'armv7emsp')).toThrow('expected a compile error');
    expect(() => asmError('    movw(r0, 1)\n', 'armv7m')).toThrow('expected a compile error');
  });

  it('other targets: invalid arch for x64 and rv64imc', () => {
    expect(compileError('@micropython.asm_thumb\ndef f():\n    nop()\n', { arch: 'x64' })).toBe(
      'Traceback (most recent call last):\n  File "t.py", line 1, in <module>\nSyntaxError: invalid arch\n',
    );
    expect(compileError('@micropython.asm_thumb\ndef f():\n    nop()\n', { arch: 'rv64imc' })).toMatch(/SyntaxError: invalid arch/);
  });

  it('movw/movt into pc fail cleanly (the reference aborts on an assertion)', () => {
    expect(asmError('    movw(pc, 1)\n')).toMatch(/NotImplementedError: inline assembler: 'movw' cannot load pc/);
  });
});
