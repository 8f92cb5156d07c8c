// @micropython.native / @micropython.viper for -march=x64. Checks the .mpy
// structure (arch byte, code kinds, the 8-byte words native code carries),
// viper type errors, the x86-64 encoders of the native emitter against GNU as
// (an independent encoder), and the emitted machine code decoded by GNU
// objdump (entry saves and exit restores the callee-saved registers the
// reference saves, runtime calls go through the table in rbp, nothing
// undecodable). Byte-for-byte conformance is the golden x64-native variant
// in tests/conformance/compile.test.ts.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.ts';
import { readMpy, type MpyRawCode } from '../../src/mpy-reader.ts';
import * as X from '../../src/asm-x64.ts';
import * as X86 from '../../src/asm-x86.ts';
import { compileError } from './helpers.ts';
import { expectViperErrors, haveTools, warnIfMissing, machineCode as machineCodeOf, mpyFor as mpyForArch, nativeSample, scratchDirs, textSection, VIPER_ERRORS } from './native-helpers.ts';

const HAVE_BINUTILS = process.arch === 'x64' && haveTools('as', 'objdump', 'objcopy');

/** add (native), checksum (viper), guarded (native try/except) */
const SAMPLE = nativeSample('p[i] << 1', 'f');

/** MP_NATIVE_ARCH_X64 (py/persistentcode.h) */
const ARCH_X64 = 2;

/** .mpy bytes for -march=x64 (optionally -X emit=...). */
const mpyFor = (src: string, emit?: 'native' | 'viper'): Uint8Array => mpyForArch(src, 'x64', emit);

/** The machine code of a function: native code starts after its 8-byte prelude-index word and ends at the prelude. */
const machineCode = (rc: MpyRawCode): Uint8Array => machineCodeOf(rc, 8);

describe('x64 native/viper .mpy structure', () => {
  it('the header names x64; functions are native and viper code', () => {
    const m = readMpy(mpyFor(SAMPLE));
    expect(m.header.arch).toBe(ARCH_X64);
    expect(m.header.archName).toBe('x64');
    expect(m.root.kind).toBe('bytecode');
    expect(m.root.children.map((c) => c.kind)).toEqual(['native', 'viper', 'native']);
  });

  it('native code starts with the prelude-index word, 8 bytes wide on x64', () => {
    const m = readMpy(mpyFor(SAMPLE));
    const add = m.root.children[0]!;
    // the word is the index of the prelude pointer in the child table: here 0, in 8 little-endian bytes
    expect([...add.funData.subarray(0, 8)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    // and the code proper begins right after it with the entry (push rbp)
    expect(add.funData[8]).toBe(0x55);
  });

  it('-X emit=native compiles the module body to native code', () => {
    const m = readMpy(mpyFor('x = 1\ndef f():\n    return x\n', 'native'));
    expect(m.root.kind).toBe('native');
    expect(m.root.children[0]!.kind).toBe('native');
  });

  it('x64 code differs from the 32-bit ARM targets (not an ARM encoding under another header)', () => {
    const x64 = Buffer.from(machineCode(readMpy(mpyFor(SAMPLE)).root.children[1]!)).toString('hex');
    const arm = Buffer.from(machineCode(readMpy(compile(SAMPLE, { sourceName: 't.py', arch: 'armv6' })).root.children[1]!)).toString('hex');
    expect(x64).not.toBe(arm);
  });
});

describe('viper type errors on x64', () => {
  // message and line as upstream's emitnative.c reports them (last error of the pass wins)
  const V = VIPER_ERRORS;
  const cases = [V.localTypeChange, V.usedBeforeTypeKnown, V.compareIntUint, V.loadFromInt, V.divModUint, V.addIntObject, V.shiftIntObject, V.storeObjectPtr16, V.storeObjectPtr8, V.returnObject];
  it('messages and lines', () => {
    expectViperErrors(cases, 'x64');
  });

  it('native generators compile, viper generators are refused as upstream does', () => {
    expect(() => mpyFor('@micropython.native\ndef g(n):\n    for i in range(n):\n        yield i\n')).not.toThrow();
    expect(compileError('@micropython.viper\ndef g():\n    yield 1\n', { arch: 'x64' })).toContain('NotImplementedError');
  });
});

// --- the x86-64 encoders, against GNU as --------------------------------------------------------

const R64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];
const R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di', 'r8w', 'r9w', 'r10w', 'r11w', 'r12w', 'r13w', 'r14w', 'r15w'];
const R8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh', 'r8b', 'r9b', 'r10b', 'r11b', 'r12b', 'r13b', 'r14b', 'r15b'];

/** The registers the emitter uses: rax rcx rdx rbx rbp rsi rdi r12 r13, and rsp as a base. */
const USED = [X.RAX, X.RCX, X.RDX, X.RBX, X.RBP, X.RSI, X.RDI, X.R12, X.R13];
const BASES = [X.RAX, X.RDX, X.RSP, X.RBP, X.RSI, X.RDI, X.R12, X.R13];
const DISPS = [0, 8, 127, 128, -8, -129, 4096];

type Case = [asm: string, build: (a: X.X64Assembler) => void];

/** Our bytes for a sequence: a sizing pass, then the emit pass, as the emitter runs them. */
function encode(build: (a: X.X64Assembler) => void): number[] {
  const a = new X.X64Assembler();
  a.startNativePass(false);
  build(a);
  a.startNativePass(true);
  build(a);
  return [...a.getCode()];
}

const mem = (base: number, disp: number): string => `${disp}(%${R64[base]})`;

function x64Cases(): Case[] {
  const c: Case[] = [];
  for (const r of [X.RBP, X.RBX, X.R12, X.R13, X.RAX]) {
    c.push([`push %${R64[r]}`, (a) => a.pushR64(r)]);
    c.push([`pop %${R64[r]}`, (a) => a.popR64(r)]);
  }
  for (const d of USED) {
    for (const s of USED) {
      c.push([`mov %${R64[s]}, %${R64[d]}`, (a) => a.movRegReg(d, s)]);
      c.push([`add %${R64[s]}, %${R64[d]}`, (a) => a.addRegReg(d, s)]);
      c.push([`sub %${R64[s]}, %${R64[d]}`, (a) => a.subRegReg(d, s)]);
      c.push([`and %${R64[s]}, %${R64[d]}`, (a) => a.andRegReg(d, s)]);
      c.push([`or %${R64[s]}, %${R64[d]}`, (a) => a.orRegReg(d, s)]);
      c.push([`xor %${R64[s]}, %${R64[d]}`, (a) => a.xorRegReg(d, s)]);
      c.push([`imul %${R64[s]}, %${R64[d]}`, (a) => a.mulRegReg(d, s)]);
      // cmp_r64_with_r64(a, b) compares b with a (flags from b - a)
      c.push([`cmp %${R64[s]}, %${R64[d]}`, (a) => a.cmpR64WithR64(s, d)]);
      c.push([`test %${R64[s]}, %${R64[d]}`, (a) => a.testR64WithR64(s, d)]);
    }
    c.push([`not %${R64[d]}`, (a) => a.notReg(d)]);
    c.push([`neg %${R64[d]}`, (a) => a.negReg(d)]);
    c.push([`shl %cl, %${R64[d]}`, (a) => a.lslRegReg(d, X.RCX)]);
    c.push([`shr %cl, %${R64[d]}`, (a) => a.lsrRegReg(d, X.RCX)]);
    c.push([`sar %cl, %${R64[d]}`, (a) => a.asrRegReg(d, X.RCX)]);
    // (upstream only jumps through rax..rdi: no REX prefix in its encoding)
    if (d < 8) c.push([`jmp *%${R64[d]}`, (a) => a.jumpReg(d)]);
    for (const imm of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff]) {
      c.push([`mov $${imm}, %${R32[d]}`, (a) => a.movRegImm(d, imm)]);
    }
    for (const imm of [-1, -0x80000000, 0x100000000, 2 ** 40 + 5, -(2 ** 52)]) {
      c.push([`movabs $${imm}, %${R64[d]}`, (a) => a.movRegImm(d, imm)]);
    }
  }
  // the byte and C-bool forms, with the low-byte registers the emitter gives them
  for (const r of [X.RAX, X.RCX, X.RDX, X.RBX]) {
    c.push([`test %${R8[r]}, %${R8[r]}`, (a) => a.testR8WithR8(r, r)]);
    for (const cond of [X.X64Cond.B, X.X64Cond.A, X.X64Cond.E, X.X64Cond.BE, X.X64Cond.AE, X.X64Cond.NE, X.X64Cond.L, X.X64Cond.G, X.X64Cond.LE, X.X64Cond.GE]) {
      const cc = { 2: 'b', 3: 'ae', 4: 'e', 5: 'ne', 6: 'be', 7: 'a', 12: 'l', 13: 'ge', 14: 'le', 15: 'g' }[cond];
      c.push([`set${cc} %${R8[r]}`, (a) => a.setccR8(cond, r)]);
    }
  }
  for (const base of BASES) {
    for (const disp of DISPS) {
      for (const r of [X.RAX, X.RDX, X.RDI, X.R12]) {
        c.push([`mov ${mem(base, disp)}, %${R64[r]}`, (a) => a.movMem64ToR64(base, disp, r)]);
        c.push([`mov %${R64[r]}, ${mem(base, disp)}`, (a) => a.movR64ToMem64(r, base, disp)]);
        c.push([`mov ${mem(base, disp)}, %${R32[r]}`, (a) => a.movMem32ToR64(base, disp, r)]);
        c.push([`mov %${R32[r]}, ${mem(base, disp)}`, (a) => a.movR32ToMem32(r, base, disp)]);
        c.push([`mov %${R16[r]}, ${mem(base, disp)}`, (a) => a.movR16ToMem16(r, base, disp)]);
        c.push([`movzbl ${mem(base, disp)}, %${R32[r]}`, (a) => a.movzxMem8ToR64(base, disp, r)]);
        c.push([`movzwl ${mem(base, disp)}, %${R32[r]}`, (a) => a.movzxMem16ToR64(base, disp, r)]);
        c.push([`lea ${mem(base, disp)}, %${R64[r]}`, (a) => a.leaR64(base, disp, r)]);
      }
      // byte stores come from rdx (dl) in viper code
      for (const r of [X.RAX, X.RDX, X.R12]) c.push([`mov %${R8[r]}, ${mem(base, disp)}`, (a) => a.movR8ToMem8(r, base, disp)]);
    }
  }
  // frame slots and the function table
  c.push(['mov %rdi, 40(%rsp)', (a) => a.movLocalReg(5, X.RDI)]);
  c.push(['mov 0(%rsp), %rsi', (a) => a.movRegLocal(X.RSI, 0)]);
  c.push(['mov %rsp, %rdi', (a) => a.movRegLocalAddr(X.RDI, 0)]);
  c.push(['lea 104(%rsp), %rdx', (a) => a.movRegLocalAddr(X.RDX, 13)]);
  c.push(['mov 128(%rbp), %rax\ncall *%rax', (a) => a.callInd(16)]);
  c.push(['mov 0(%rbp), %rax\ncall *%rax', (a) => a.callInd(0)]);
  c.push(['mov 8(%r13), %rax', (a) => a.loadRegRegOffset(X.RAX, X.R13, 1)]);
  c.push(['movzwl 14(%r13), %edi', (a) => a.load16RegRegOffset(X.RDI, X.R13, 7)]);
  c.push(['mov %rax, 40(%r12)', (a) => a.storeRegRegOffset(X.RAX, X.R12, 5)]);
  c.push(['sub $40, %rsp', (a) => a.subR64I32(X.RSP, 40)]);
  c.push(['sub $-40, %rsp', (a) => a.subR64I32(X.RSP, -40)]);
  c.push(['sub $4096, %rsp', (a) => a.subR64I32(X.RSP, 4096)]);
  c.push(['sub $-4096, %rsp', (a) => a.subR64I32(X.RSP, -4096)]);
  // entry/exit: the callee-saved registers, an odd number of local words
  c.push(['push %rbp\npush %rbx\npush %r12\npush %r13\nsub $24, %rsp', (a) => a.entry(2)]);
  c.push(['push %rbp\npush %rbx\npush %r12\npush %r13\nsub $40, %rsp\nsub $-40, %rsp\npop %r13\npop %r12\npop %rbx\npop %rbp\nret', (a) => {
    a.entry(5);
    a.exit();
  }]);
  // labels: backward jumps take the short form when in reach, forward ones are always long
  c.push(['1: nop\njmp 1b', (a) => {
    a.labelAssign(0);
    a.dataByte(0x90);
    a.jump(0);
  }]);
  c.push(['1: .fill 200, 1, 0x90\njmp 1b', (a) => {
    a.labelAssign(0);
    for (let i = 0; i < 200; i++) a.dataByte(0x90);
    a.jump(0);
  }]);
  c.push(['{disp32} jmp 1f\nnop\n1:', (a) => {
    a.jump(0);
    a.dataByte(0x90);
    a.labelAssign(0);
  }]);
  c.push(['1: test %rax, %rax\nje 1b', (a) => {
    a.labelAssign(0);
    a.jumpIfRegZero(X.RAX, 0, false);
  }]);
  c.push(['1: .fill 300, 1, 0x90\ntest %dl, %dl\njne 1b', (a) => {
    a.labelAssign(0);
    for (let i = 0; i < 300; i++) a.dataByte(0x90);
    a.jumpIfRegNonzero(X.RDX, 0, true);
  }]);
  c.push(['cmp %rdi, %rsi\n{disp32} je 1f\n1:', (a) => {
    a.jumpIfRegEq(X.RDI, X.RSI, 0);
    a.labelAssign(0);
  }]);
  c.push(['lea 1f(%rip), %rax\nnop\n1:', (a) => {
    a.movRegPcrel(X.RAX, 0);
    a.dataByte(0x90);
    a.labelAssign(0);
  }]);
  c.push(['1: lea 1b(%rip), %r12', (a) => {
    a.labelAssign(0);
    a.movRegPcrel(X.R12, 0);
  }]);
  // viper element access with a register index: the index is added once per element byte
  c.push(['add %rsi, %rdi\nadd %rsi, %rdi\nmovzwl (%rdi), %eax', (a) => a.load16RegRegReg(X.RAX, X.RDI, X.RSI)]);
  c.push(['add %rsi, %rdi\nadd %rsi, %rdi\nadd %rsi, %rdi\nadd %rsi, %rdi\nmov %edx, (%rdi)', (a) => a.store32RegRegReg(X.RDX, X.RDI, X.RSI)]);
  c.push(['xor %rax, %rax\ncmp %rdx, %rsi\nsetl %al', (a) => a.setRegFromCompare(X.RAX, X.RSI, X.RDX, 6)]);
  c.push(['xor %rax, %rax\ncmp %rdx, %rsi\nsetae %al', (a) => a.setRegFromCompare(X.RAX, X.RSI, X.RDX, 4)]);
  return c;
}

const scratchDir = scratchDirs();

/** Each case assembled on its own line range, the bytes of each case found by a symbol per case. */
function gasBytesPerCase(cases: Case[], mode = '--64'): number[][] {
  const dir = scratchDir('mpy-native-x64-as-');
  const src = cases.map(([asm], i) => `case_${i}:\n${asm}\n`).join('') + `case_${cases.length}:\n`;
  writeFileSync(join(dir, 'f.s'), src);
  const as = spawnSync('as', [mode, join(dir, 'f.s'), '-o', join(dir, 'f.o')], { encoding: 'utf8' });
  if (as.status !== 0) throw new Error(`as failed:\n${as.stderr}`);
  const nm = spawnSync('nm', ['-n', join(dir, 'f.o')], { encoding: 'utf8' });
  const at = new Map<number, number>();
  for (const line of nm.stdout.split('\n')) {
    const m = /^([0-9a-f]+) t case_(\d+)$/.exec(line);
    if (m) at.set(Number(m[2]), parseInt(m[1]!, 16));
  }
  const bin = textSection('objcopy', join(dir, 'f.o'), join(dir, 'f.bin'));
  return cases.map((_, i) => [...bin.subarray(at.get(i)!, at.get(i + 1)!)]);
}

const hex = (b: number[]): string => b.map((x) => x.toString(16).padStart(2, '0')).join(' ');

describe.skipIf(!HAVE_BINUTILS)('x64 encoders of the native emitter vs GNU as --64', () => {
  it('every instruction form the emitter uses assembles to the same bytes', () => {
    const cases = x64Cases();
    expect(cases.length).toBeGreaterThan(800);
    const want = gasBytesPerCase(cases);
    const bad: string[] = [];
    cases.forEach(([asm, build], i) => {
      const got = hex(encode(build));
      if (got !== hex(want[i]!)) bad.push(`${asm.replace(/\n/g, '; ')}: ours ${got}, as ${hex(want[i]!)}`);
    });
    expect(bad).toEqual([]);
  });
});

// --- emitted machine code, decoded by GNU objdump ------------------------------------------------

interface DisasmLine {
  offset: number;
  text: string;
}

function disassemble(code: Uint8Array, machine = 'i386:x86-64'): DisasmLine[] {
  const dir = scratchDir('mpy-native-x64-');
  const bin = join(dir, 'code.bin');
  writeFileSync(bin, code);
  const r = spawnSync('objdump', ['-D', '-b', 'binary', '-m', machine, bin], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`objdump failed: ${r.stderr}`);
  const out: DisasmLine[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t(?:[0-9a-f]{2} )+\s*\t(.*)$/.exec(line);
    if (m) out.push({ offset: parseInt(m[1]!, 16), text: m[2]!.replace(/\s*#.*$/, '').replace(/\s+/g, ' ').trim() });
  }
  return out;
}

const ENTRY = ['push %rbp', 'push %rbx', 'push %r12', 'push %r13'];
const EXIT = ['pop %r13', 'pop %r12', 'pop %rbx', 'pop %rbp', 'ret'];

describe.skipIf(!HAVE_BINUTILS)('x64 native code decoded by GNU objdump', () => {
  const m = readMpy(mpyFor(SAMPLE));
  // (suite bodies run even when skipped: only disassemble when the tools exist)
  const fns = HAVE_BINUTILS ? m.root.children.map((rc) => ({ rc, lines: disassemble(machineCode(rc)) })) : [];

  it('entry pushes rbp, rbx, r12, r13 and reserves an odd number of words; exit undoes it in reverse', () => {
    for (const { lines } of fns) {
      expect(lines.slice(0, 4).map((l) => l.text)).toEqual(ENTRY);
      const sub = /^sub \$0x([0-9a-f]+),%rsp$/.exec(lines[4]!.text);
      expect(sub, lines[4]!.text).not.toBeNull();
      const frame = parseInt(sub![1]!, 16);
      // 4 saved registers + return address + an odd number of words keeps rsp 16-byte aligned at calls
      expect((frame / 8) % 2).toBe(1);
      const texts = lines.map((l) => l.text);
      const i = texts.findIndex((t, k) => t === 'pop %r13' && texts.slice(k, k + 5).join('|') === EXIT.join('|'));
      expect(i, 'exit sequence').toBeGreaterThan(0);
      // the exit releases exactly the frame the entry reserved (upstream subtracts the negated size)
      expect(texts[i - 1]).toMatch(new RegExp(`^(sub \\$0x[0-9a-f]+|add \\$0x${frame.toString(16)}),%rsp$`));
    }
  });

  it('runtime calls load their target from the function table in rbp into rax; nothing undecodable', () => {
    for (const { lines } of fns) {
      const texts = lines.map((l) => l.text);
      expect(texts.some((t) => /bad|\.byte/.test(t)), texts.join('\n')).toBe(false);
      const calls = texts.flatMap((t, k) => (t === 'call *%rax' ? [k] : []));
      expect(calls.length).toBeGreaterThan(0);
      for (const k of calls) expect(texts[k - 1]).toMatch(/^mov (0x[0-9a-f]+)?\(%rbp\),%rax$/);
    }
  });

  it('viper: the shift counts in cl, comparisons are xor/cmp/setcc, ptr8 loads zero-extend', () => {
    const texts = fns[1]!.lines.map((l) => l.text);
    expect(texts).toContain('shl %cl,%rax');
    const set = texts.findIndex((t) => t === 'setl %al');
    expect(set).toBeGreaterThan(1);
    expect(texts[set - 2]).toBe('xor %rax,%rax');
    expect(texts[set - 1]).toMatch(/^cmp %r\w+,%r\w+$/);
    expect(texts.some((t) => t.startsWith('movzbl '))).toBe(true);
  });

  it('63-bit small ints: exact 64-bit immediates (beyond what a JS number holds), offsets truncated to 32 bits', () => {
    const src =
      '@micropython.native\ndef n():\n    return 0x3fffffffffffffff\n\n' +
      '@micropython.viper\ndef v(p: ptr8) -> int:\n    p[0x100000005] = 1\n    return 0x20000000000003\n';
    const m = readMpy(compile(src, { sourceName: 't.py', arch: 'x64', smallIntBits: 63 }));
    // the object 2*(2**62 - 1) + 1 = 2**63 - 1, by movabs into rax
    expect(Buffer.from(machineCode(m.root.children[0]!)).toString('hex')).toContain('48b8ffffffffffffff7f');
    const texts = disassemble(machineCode(m.root.children[1]!)).map((l) => l.text);
    expect(texts).toContain('movabs $0x20000000000003,%rdi');
    expect(texts.some((t) => /^mov %dl,0x5\(%r\w+\)$/.test(t)), texts.join('\n')).toBe(true);
  });

  it('exception handler: the handler address is taken rip-relative', () => {
    const texts = fns[2]!.lines.map((l) => l.text);
    expect(texts.some((t) => /^lea 0x[0-9a-f]+\(%rip\),%r\w+$/.test(t))).toBe(true);
  });
});

warnIfMissing(HAVE_BINUTILS, 'x64 and x86 native code checks against GNU binutils', 'host as/objdump/objcopy not installed (apt install binutils)');

// --- x86 (32-bit): the same emitter over the cdecl backend ------------------------------------------

/** MP_NATIVE_ARCH_X86 */
const ARCH_X86 = 1;

describe('x86 native/viper', () => {
  const mpy86 = (src: string): Uint8Array => compile(src, { sourceName: 't.py', arch: 'x86' });

  it('the header names x86; native code carries a 4-byte prelude-index word', () => {
    const m = readMpy(mpy86(SAMPLE));
    expect(m.header.arch).toBe(ARCH_X86);
    expect(m.header.archName).toBe('x86');
    expect(m.root.children.map((c) => c.kind)).toEqual(['native', 'viper', 'native']);
    const add = m.root.children[0]!;
    expect([...add.funData.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    expect(add.funData[4]).toBe(0x55); // push ebp
  });

  it('viper type errors: the same messages and lines as on x64', () => {
    const src = '@micropython.viper\ndef f(a: int, b: uint) -> bool:\n    c = 1\n    return a < b\n';
    expect(compileError(src, { arch: 'x86' })).toBe(compileError(src, { arch: 'x64' }));
    expect(compileError(src, { arch: 'x86' })).toContain('line 4, in f\nViperTypeError: comparison of int and uint\n');
  });
});

function x86Cases(): Case86[] {
  const c: Case86[] = [];
  const R = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
  const W = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
  const B = ['al', 'cl', 'dl', 'bl'];
  const regs = [0, 1, 2, 3, 5, 6, 7];
  for (const d of regs) {
    for (const s of regs) {
      c.push([`mov %${R[s]}, %${R[d]}`, (a) => a.movRegReg(d, s)]);
      c.push([`add %${R[s]}, %${R[d]}`, (a) => a.addRegReg(d, s)]);
      c.push([`sub %${R[s]}, %${R[d]}`, (a) => a.subRegReg(d, s)]);
      c.push([`and %${R[s]}, %${R[d]}`, (a) => a.andRegReg(d, s)]);
      c.push([`or %${R[s]}, %${R[d]}`, (a) => a.orRegReg(d, s)]);
      c.push([`xor %${R[s]}, %${R[d]}`, (a) => a.xorRegReg(d, s)]);
      c.push([`imul %${R[s]}, %${R[d]}`, (a) => a.mulRegReg(d, s)]);
      c.push([`cmp %${R[s]}, %${R[d]}`, (a) => a.cmpR32WithR32(s, d)]);
      c.push([`test %${R[s]}, %${R[d]}`, (a) => a.testR32WithR32(s, d)]);
    }
    c.push([`not %${R[d]}`, (a) => a.notReg(d)]);
    c.push([`neg %${R[d]}`, (a) => a.negReg(d)]);
    c.push([`shl %cl, %${R[d]}`, (a) => a.lslRegReg(d, X86.ECX)]);
    c.push([`shr %cl, %${R[d]}`, (a) => a.lsrRegReg(d, X86.ECX)]);
    c.push([`sar %cl, %${R[d]}`, (a) => a.asrRegReg(d, X86.ECX)]);
    c.push([`jmp *%${R[d]}`, (a) => a.jumpReg(d)]);
    c.push([`push %${R[d]}`, (a) => a.pushR32(d)]);
    c.push([`pop %${R[d]}`, (a) => a.popR32(d)]);
    for (const imm of [0, 1, 0x7fffffff, -1, -0x80000000]) c.push([`mov $${imm}, %${R[d]}`, (a) => a.movRegImm(d, imm)]);
    // (GNU as has a shorter eax-only form for imm32; the reference always uses the ModRM one and only on esp)
    const imms = d === X86.EAX ? [8, -8, 127] : [8, -8, 127, 128, -129, 4096];
    for (const imm of imms) c.push([`add $${imm}, %${R[d]}`, (a) => a.addR32I32(d, imm)]);
    for (const imm of imms) c.push([`sub $${imm}, %${R[d]}`, (a) => a.subR32I32(d, imm)]);
  }
  for (const base of [0, 2, 4, 5, 6, 7]) {
    for (const disp of DISPS) {
      const m = `${disp}(%${R[base]})`;
      for (const r of [0, 1, 2, 3, 7]) {
        c.push([`mov ${m}, %${R[r]}`, (a) => a.movMem32ToR32(base, disp, r)]);
        c.push([`mov %${R[r]}, ${m}`, (a) => a.movR32ToMem32(r, base, disp)]);
        c.push([`mov %${W[r]}, ${m}`, (a) => a.movR16ToMem16(r, base, disp)]);
        c.push([`movzbl ${m}, %${R[r]}`, (a) => a.movzxMem8ToR32(base, disp, r)]);
        c.push([`movzwl ${m}, %${R[r]}`, (a) => a.movzxMem16ToR32(base, disp, r)]);
        c.push([`lea ${m}, %${R[r]}`, (a) => a.leaR32(base, disp, r)]);
      }
      for (const r of [0, 1, 2, 3]) c.push([`mov %${B[r]}, ${m}`, (a) => a.movR8ToMem8(r, base, disp)]);
    }
  }
  for (const r of [0, 1, 2, 3]) {
    c.push([`test %${B[r]}, %${B[r]}`, (a) => a.testR8WithR8(r, r)]);
    c.push([`setl %${B[r]}`, (a) => a.setccR8(X.X64Cond.L, r)]);
    c.push([`setbe %${B[r]}`, (a) => a.setccR8(X.X64Cond.BE, r)]);
  }
  c.push(['push %ebp\npush %ebx\npush %esi\npush %edi\nsub $28, %esp\nsub $-28, %esp\npop %edi\npop %esi\npop %ebx\npop %ebp\nret', (a) => {
    a.entry(5);
    a.exit();
  }]);
  // arguments sit above the locals, the 4 saved registers and the return address
  // (1 local word rounds up to 3: the low two bits are always set)
  c.push(['push %ebp\npush %ebx\npush %esi\npush %edi\nsub $12, %esp\nmov 32(%esp), %eax\nmov 44(%esp), %ebx', (a) => {
    a.entry(1);
    a.movArgToReg(0, X86.EAX);
    a.movArgToReg(3, X86.EBX);
  }]);
  // a 3-argument runtime call: one padding word, three pushes, call through the table, pop 4 words
  c.push(['sub $4, %esp\npush %edx\npush %ecx\npush %eax\nmov 72(%ebp), %eax\ncall *%eax\nadd $16, %esp', (a) => a.callInd(18)]);
  // no arguments: no padding, nothing to pop
  c.push(['mov 132(%ebp), %eax\ncall *%eax', (a) => a.callInd(33)]);
  c.push(['sub $12, %esp\npush %eax\nmov 64(%ebp), %eax\ncall *%eax\nadd $16, %esp', (a) => a.callInd(16)]);
  // the code-state address: call the next instruction, pop it, add the distance to the label
  c.push(['call 2f\n2: pop %esi\nadd $(1f - 2b), %esi\nnop\n1:', (a) => {
    a.movRegPcrel(X86.ESI, 0);
    a.dataByte(0x90);
    a.labelAssign(0);
  }]);
  return c;
}

type Case86 = [asm: string, build: (a: X86.X86Assembler) => void];

function encode86(build: (a: X86.X86Assembler) => void): number[] {
  const a = new X86.X86Assembler();
  a.startNativePass(false);
  build(a);
  a.startNativePass(true);
  build(a);
  return [...a.getCode()];
}

describe.skipIf(!HAVE_BINUTILS)('x86 encoders of the native emitter vs GNU as --32', () => {
  it('every instruction form the emitter uses assembles to the same bytes', () => {
    const cases = x86Cases();
    const want = gasBytesPerCase(cases as unknown as Case[], '--32');
    const bad: string[] = [];
    cases.forEach(([asm, build], i) => {
      const got = hex(encode86(build));
      if (got !== hex(want[i]!)) bad.push(`${asm.replace(/\n/g, '; ')}: ours ${got}, as ${hex(want[i]!)}`);
    });
    expect(bad).toEqual([]);
  });

  it('emitted code decodes as i386: entry saves ebp, ebx, esi, edi; exit restores them; calls via the table in ebp', () => {
    const m = readMpy(compile(SAMPLE, { sourceName: 't.py', arch: 'x86' }));
    for (const rc of m.root.children) {
      const code = machineCodeOf(rc, 4);
      const texts = disassemble(code, 'i386').map((l) => l.text);
      expect(texts.slice(0, 4)).toEqual(['push %ebp', 'push %ebx', 'push %esi', 'push %edi']);
      expect(texts.join('|')).toContain('pop %edi|pop %esi|pop %ebx|pop %ebp|ret');
      expect(texts.some((t) => /bad|\.byte/.test(t)), texts.join('\n')).toBe(false);
      const calls = texts.flatMap((t, k) => (t === 'call *%eax' ? [k] : []));
      expect(calls.length).toBeGreaterThan(0);
      for (const k of calls) expect(texts[k - 1]).toMatch(/^mov (0x[0-9a-f]+)?\(%ebp\),%eax$/);
    }
  });
});
