// The inline Xtensa assembler (@micropython.asm_xtensa on -march=xtensa and
// xtensawin).
//
// Machine code is checked against an independent oracle, GNU as for the
// Xtensa LX106 core (call0 ABI, code density and MUL32 options): every
// instruction form is written once as a Python asm_xtensa function and once
// as GNU source inside `.begin no-transform` (so GNU as emits exactly what is
// written), and the function bytes in our .mpy must equal the assembled
// .text. What that core cannot assemble (the windowed frame) and the forms
// where MicroPython departs from the ISA (call0's offset field, addi.n of 0)
// are checked field by field from the ISA's instruction formats, decoded
// back from the bytes. Error texts and lines follow upstream
// emitinlinextensa.c / asmxtensa.c.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.ts';
import { readMpy } from '../../src/mpy-reader.ts';
import { compileError } from './helpers.ts';
import { asmRawCode, haveTools, scratchDirs, textSection, warnIfMissing } from './native-helpers.ts';

const AS = 'xtensa-lx106-elf-as';
const OBJCOPY = 'xtensa-lx106-elf-objcopy';
const HAVE_AS = haveTools(AS, OBJCOPY);
warnIfMissing(HAVE_AS, 'the GNU as comparison of the inline Xtensa assembler', `${AS} not installed (apt install binutils-xtensa-lx106)`);

interface Pair {
  py: string[];
  gas: string[];
}
const p = (py: string | string[], gas: string | string[]): Pair => ({ py: typeof py === 'string' ? [py] : py, gas: typeof gas === 'string' ? [gas] : gas });

function pairs(): Pair[] {
  const out: Pair[] = [];
  const three = ['add', 'addx2', 'addx4', 'addx8', 'and_', 'mull', 'or_', 'src', 'sub', 'subx2', 'subx4', 'subx8', 'xor'];
  const gasName = (op: string): string => op.replace(/_$/, '').replace(/_n$/, '.n');
  for (const op of [...three, 'add_n']) {
    for (const [a, b, c] of [['a0', 'a1', 'a2'], ['a15', 'a14', 'a13'], ['a7', 'a8', 'a9']]) out.push(p(`${op}(${a}, ${b}, ${c})`, `${gasName(op)} ${a}, ${b}, ${c}`));
  }
  for (const op of ['abs_', 'neg', 'nsa', 'nsau', 'mov', 'mov_n', 'sll', 'sra', 'srl']) {
    const gas = op === 'mov' ? 'mov.n' : gasName(op);
    for (const [a, b] of [['a2', 'a3'], ['a15', 'a0'], ['a9', 'a6']]) out.push(p(`${op}(${a}, ${b})`, `${gas} ${a}, ${b}`));
  }
  for (const op of ['callx0', 'jx', 'ssl', 'ssr', 'ssa8b', 'ssa8l']) for (const r of ['a0', 'a5', 'a15']) out.push(p(`${op}(${r})`, `${op} ${r}`));
  out.push(p(['nop()', 'nop_n()', 'ret()', 'ret_n()'], ['nop', 'nop.n', 'ret.n', 'ret.n']));
  for (const imm of [-128, -1, 0, 1, 127]) out.push(p(`addi(a4, a5, ${imm})`, `addi a4, a5, ${imm}`));
  const loads: [string, number][] = [['l8ui', 1], ['s8i', 1], ['l16si', 2], ['l16ui', 2], ['s16i', 2], ['l32i', 4], ['s32i', 4]];
  for (const [op, step] of loads) for (const k of [0, 1, 17, 255]) out.push(p(`${op}(a6, a7, ${k * step})`, `${op} a6, a7, ${k * step}`));
  for (const sh of [1, 5, 16, 31]) out.push(p(`slli(a2, a3, ${sh})`, `slli a2, a3, ${sh}`));
  for (const sh of [0, 5, 16, 31]) out.push(p(`srai(a2, a3, ${sh})`, `srai a2, a3, ${sh}`), p(`ssai(${sh})`, `ssai ${sh}`));
  for (const sh of [0, 7, 15]) out.push(p(`srli(a2, a3, ${sh})`, `srli a2, a3, ${sh}`));
  for (const v of [-32, -1, 0, 42, 95]) out.push(p(`movi_n(a10, ${v})`, `movi.n a10, ${v}`));
  for (const v of [1, 7, 15]) out.push(p(`addi_n(a11, a12, ${v})`, `addi.n a11, a12, ${v}`));
  for (const v of [-32768, -256, 0, 256, 32512]) out.push(p(`addmi(a2, a3, ${v})`, `addmi a2, a3, ${v}`));
  for (const v of [0, 4, 60]) out.push(p(`l32i_n(a2, a3, ${v})`, `l32i.n a2, a3, ${v}`), p(`s32i_n(a4, a5, ${v})`, `s32i.n a4, a5, ${v}`));
  // branches: backward within reach take the short form; forward ones (and far ones) are
  // the inverted branch over a j. While sizing, a label not reached yet stands for the
  // function's first label (as upstream), so that one is put out of short reach.
  out.push(p(['label(first)', 'data(2100, 0)'], ['first:', '.skip 2100']));
  out.push(p('label(back)', 'back:'));
  const inverse: Record<string, string> = {
    beqz: 'bnez', bnez: 'beqz', bltz: 'bgez', bgez: 'bltz',
    bnone: 'bany', beq: 'bne', blt: 'bge', bltu: 'bgeu', ball: 'bnall', bbc: 'bbs',
    bany: 'bnone', bne: 'beq', bge: 'blt', bgeu: 'bltu', bnall: 'ball', bbs: 'bbc',
  };
  let n = 0;
  for (const op of ['beqz', 'bnez', 'bltz', 'bgez']) {
    out.push(p([`${op}(a2, back)`, `${op}(a3, fwd)`], [`${op} a2, back`, `${inverse[op]} a3, 9${n}f`, 'j fwd', `9${n}:`]));
    n++;
  }
  out.push(p(['beqz_n(a2, back)', 'bnez_n(a2, back)'], ['beqz a2, back', 'bnez a2, back']));
  for (const bit of [0, 15, 16, 31]) out.push(p([`bbci(a8, ${bit}, back)`, `bbsi(a9, ${bit}, near)`], [`bbci a8, ${bit}, back`, `bbsi a9, ${bit}, near`]));
  out.push(p('label(near)', 'near:'));
  // (8-bit reach: a label of their own just before the two-register branches)
  out.push(p('label(back2)', 'back2:'));
  for (const op of ['bnone', 'beq', 'blt', 'bltu', 'ball', 'bbc', 'bany', 'bne', 'bge', 'bgeu', 'bnall', 'bbs']) {
    out.push(p([`${op}(a4, a5, back2)`, `${op}(a6, a7, fwd)`], [`${op} a4, a5, back2`, `${inverse[op]} a6, a7, 9${n}f`, 'j fwd', `9${n}:`]));
    n++;
  }
  out.push(p(['j(back)', 'j(fwd)'], ['j back', 'j fwd']));
  out.push(p('label(fwd)', 'fwd:'));
  // l32r from an aligned literal behind it, placed by align/data
  out.push(p(['align(4)', 'label(lit)', 'data(4, 0x12345678)', 'align(4)', 'l32r(a7, lit)'], ['.balign 4, 0', 'lit:', '.byte 0x78, 0x56, 0x34, 0x12', '.balign 4, 0', 'l32r a7, lit']));
  out.push(p(['data(1, 0x12)', 'data(2, 0x1234)'], ['.byte 0x12', '.byte 0x34, 0x12']));
  return out;
}

// the call0 frame: a0 and a12..a15 saved in 32 bytes of stack
const GAS_ENTRY = ['addi a1, a1, -32', 's32i.n a0, a1, 0', 's32i.n a12, a1, 4', 's32i.n a13, a1, 8', 's32i.n a14, a1, 12', 's32i.n a15, a1, 16'];
const GAS_EXIT = ['l32i.n a15, a1, 16', 'l32i.n a14, a1, 12', 'l32i.n a13, a1, 8', 'l32i.n a12, a1, 4', 'l32i.n a0, a1, 0', 'addi a1, a1, 32', 'ret.n'];

function gasSource(body: string[], literals: number[] = []): string {
  const lines = ['.text', '.begin no-transform'];
  if (literals.length > 0) {
    // jump over a padding byte and the literal table
    lines.push('j after_literals', '.byte 0');
    literals.forEach((v, i) => lines.push(`lit_${i}:`, `.byte ${[0, 8, 16, 24].map((s) => (v >>> s) & 0xff).join(', ')}`));
    lines.push('after_literals:');
  }
  lines.push(...GAS_ENTRY, ...body, ...GAS_EXIT, '.end no-transform');
  return lines.join('\n') + '\n';
}

function pySource(body: string[], params = 'a2, a3'): string {
  return `@micropython.asm_xtensa\ndef f(${params}):\n${body.map((l) => `    ${l}\n`).join('')}`;
}

const ours = (body: string[], arch: 'xtensa' | 'xtensawin' = 'xtensa'): Uint8Array => asmRawCode(compile(pySource(body), { sourceName: 't.py', arch })).funData;

const scratchDir = scratchDirs();

function gasBytes(source: string): Uint8Array {
  const dir = scratchDir('mpy-asm-xtensa-');
  writeFileSync(join(dir, 'f.s'), source);
  const as = spawnSync(AS, [join(dir, 'f.s'), '-o', join(dir, 'f.o')], { encoding: 'utf8' });
  if (as.status !== 0) throw new Error(`${AS} failed:\n${as.stderr}`);
  return textSection(OBJCOPY, join(dir, 'f.o'), join(dir, 'f.bin'));
}

function expectSameCode(code: Uint8Array, gas: Uint8Array): void {
  const first = code.findIndex((b, i) => b !== gas[i]);
  if (first >= 0) throw new Error(`first difference at code offset 0x${first.toString(16)}: ours ${Buffer.from(code.subarray(first, first + 3)).toString('hex')}, gas ${Buffer.from(gas.subarray(first, first + 3)).toString('hex')}`);
  expect(gas.length - code.length).toBeLessThan(4);
}

describe.skipIf(!HAVE_AS)('inline Xtensa assembler vs GNU as', () => {
  it('every instruction form assembles like xtensa-lx106-elf-as (call0 frame)', () => {
    const all = pairs();
    const code = ours(all.flatMap((x) => x.py));
    expect(code.length).toBeGreaterThan(500);
    expectSameCode(code, gasBytes(gasSource(all.flatMap((x) => x.gas))));
  });

  it('movi loads every value from the literal table at the start of the function', () => {
    const values = [0, 1, -1, 0x12345678, 2047, -2048, 0x7fffffff];
    const code = ours(values.map((v, i) => `movi(a${2 + (i % 14)}, ${v})`));
    const gas = gasSource(values.map((_, i) => `l32r a${2 + (i % 14)}, lit_${i}`), values);
    expectSameCode(code, gasBytes(gas));
  });

  it('a branch one byte off would be encoded differently (the oracle is sharp)', () => {
    const code = ours(['label(x)', 'nop()', 'beqz(a2, x)']);
    const wrong = gasBytes(gasSource(['x:', 'nop', 'nop.n', 'beqz a2, x']));
    expect(Buffer.from(code).equals(Buffer.from(wrong.subarray(0, code.length)))).toBe(false);
  });
});

/** The little-endian 24-bit instruction at `at`. */
const word24 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
const half16 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);

describe('Xtensa encodings checked field by field', () => {
  it('xtensawin: entry a1, 48 / s32i.n a0 ... l32i.n a0 / retw.n around the body', () => {
    const code = ours(['nop()'], 'xtensawin');
    expect(code.length).toBe(3 + 2 + 3 + 2 + 2);
    // ENTRY (BRI12): op0 = 6, n = 3, m = 0, s = a1, imm12 = frame size / 8
    const entry = word24(code, 0);
    expect([entry & 0xf, (entry >> 4) & 3, (entry >> 6) & 3, (entry >> 8) & 0xf, entry >>> 12]).toEqual([6, 3, 0, 1, 48 / 8]);
    // S32I.N (RRRN): op0 = 9, t = a0, s = a1, r = offset / 4
    expect(half16(code, 3)).toBe((0 << 12) | (1 << 8) | (0 << 4) | 9);
    // the body: NOP is RRR op0 = 0, op1 = 0, op2 = 0, r = 2, s = 0, t = 15
    expect(word24(code, 5)).toBe((2 << 12) | (15 << 4));
    // L32I.N a0, a1, 0 then RETW.N (RRRN op0 = 13, r = 15, t = 1)
    expect(half16(code, 8)).toBe((1 << 8) | 8);
    expect(half16(code, 10)).toBe((15 << 12) | (1 << 4) | 13);
  });

  it('xtensawin: the literal table comes before the entry', () => {
    const code = ours(['movi(a2, 0x11223344)'], 'xtensawin');
    // J (CALL format, op0 = 6, n = 0): offset 4 lands after pad byte + one literal
    const j = word24(code, 0);
    expect([j & 0xf, (j >> 4) & 3, j >>> 6]).toEqual([6, 0, 4]);
    expect([...code.subarray(3, 8)]).toEqual([0, 0x44, 0x33, 0x22, 0x11]);
    expect(word24(code, 8) & 0xf).toBe(6); // entry
    // L32R (RI16, op0 = 1, t = a2): the literal at 4, from ((13 + 3) & ~3) -> -3 words
    const l32r = word24(code, 13);
    expect([l32r & 0xf, (l32r >> 4) & 0xf, l32r >>> 8]).toEqual([1, 2, 0x10000 - 3]);
  });

  it('call0 stores the byte displacement in the CALL offset field (as the reference)', () => {
    // the frame is 13 bytes: call0 sits at 17 and its target, aligned, at 20
    const code = ours(['data(1, 0)', 'data(1, 0)', 'data(1, 0)', 'data(1, 0)', 'call0(t)', 'align(4)', 'label(t)', 'nop()']);
    const call = word24(code, 17);
    // CALL: op0 = 5, n = 0; target 20 - (17 + 3) = 0 bytes
    expect([call & 0xf, (call >> 4) & 3, call >>> 6]).toEqual([5, 0, 0]);
    const far = ours(['data(1, 0)', 'data(1, 0)', 'data(1, 0)', 'data(1, 0)', 'call0(t)', 'align(4)', 'data(8, 0)', 'label(t)', 'nop()']);
    expect(word24(far, 17) >>> 6).toBe(8);
  });

  it('addi_n with 0 writes -1 over the whole t/s/r fields (as the reference)', () => {
    const code = ours(['addi_n(a2, a3, 0)']);
    expect(half16(code, 13)).toBe(0xfffb);
  });
});

describe('inline Xtensa raw code in the .mpy', () => {
  it('is native asm code with the argument count and return type signature', () => {
    const sigs: [string, number][] = [['', 2], [' -> int', 2], [' -> uint', 3], [' -> bool', 1], [' -> object', 0]];
    for (const [annotation, sig] of sigs) {
      for (const params of ['', 'a2', 'a2, a3, a4, a5']) {
        const m = readMpy(compile(`@micropython.asm_xtensa\ndef f(${params})${annotation}:\n    nop()\n`, { sourceName: 't.py', arch: 'xtensa' }));
        const rc = m.root.children[0]!;
        expect(rc.kind).toBe('asm');
        expect(rc.asmNPosArgs).toBe(params === '' ? 0 : params.split(',').length);
        expect(rc.asmTypeSig).toBe(sig);
      }
    }
  });

  it('marks the module xtensa (9) or xtensawin (10) and reads back', () => {
    const src = 'x = 1\n@micropython.asm_xtensa\ndef f(a2):\n    addi(a2, a2, 1)\ndef g():\n    return f(x)\n';
    for (const [arch, number] of [['xtensa', 9], ['xtensawin', 10]] as const) {
      const m = readMpy(compile(src, { sourceName: 't.py', arch }));
      expect(m.header.arch).toBe(number);
      expect(m.root.children.map((c) => c.kind)).toEqual(['asm', 'bytecode']);
    }
  });

  it('sizes each function literal table from its own movi count', () => {
    const src = pySource(['movi(a2, 1)', 'movi(a3, 2)']) + '@micropython.asm_xtensa\ndef g(a2):\n    nop()\n@micropython.asm_xtensa\ndef h(a2):\n    movi(a2, 3)\n';
    const [f, g, h] = readMpy(compile(src, { sourceName: 't.py', arch: 'xtensa' })).root.children;
    expect(f!.funData.length).toBe(3 + 1 + 8 + 13 + 6 + 15);
    expect(g!.funData.length).toBe(13 + 3 + 15);
    expect(h!.funData.length).toBe(3 + 1 + 4 + 13 + 3 + 15);
  });
});

function asmError(body: string, arch: 'xtensa' | 'xtensawin' = 'xtensa', header = 'def f(a2):'): string {
  return compileError(`@micropython.asm_xtensa\n${header}\n${body}`, { arch });
}
const at = (line: number, kind: string, message: string, scope = 'f'): string =>
  `Traceback (most recent call last):\n  File "t.py", line ${line}, in ${scope}\n${kind}: ${message}\n`;
const syntaxAt = (line: number, message: string): string => at(line, 'SyntaxError', message);
const runtime = (message: string): string => `RuntimeError: ${message}\n`;

describe('inline Xtensa errors', () => {
  // compile.c runs Xtensa's second code-size pass even after the first failed; that pass
  // stops at the parameter check, so assembler errors are reported at the def (line 2)
  it('unknown instructions and argument counts, reported at the def', () => {
    expect(asmError('    nop()\n    foo(a2)\n')).toBe(syntaxAt(2, "unsupported Xtensa instruction 'foo' with 1 arguments"));
    expect(asmError('    nop(a2)\n')).toBe(syntaxAt(2, "unsupported Xtensa instruction 'nop' with 1 arguments"));
    expect(asmError('    add(a2, a3)\n')).toBe(syntaxAt(2, "unsupported Xtensa instruction 'add' with 2 arguments"));
    expect(asmError('    movi(5, 6, 7, 8)\n')).toBe(syntaxAt(2, "unsupported Xtensa instruction 'movi' with 4 arguments"));
    // a bad first register of an unknown two-argument op is overwritten by the unknown-op error
    expect(asmError('    rsr(5, 6)\n')).toBe(syntaxAt(2, "unsupported Xtensa instruction 'rsr' with 2 arguments"));
  });

  it('registers and integers; the last bad argument is the one reported', () => {
    expect(asmError('    add(a2, a3, a16)\n')).toBe(syntaxAt(2, "'add' expects a register"));
    expect(asmError('    addi(a2, a3, 128)\n')).toBe(syntaxAt(2, "'addi' integer 128 isn't within range -128..127"));
    expect(asmError('    l32i(a2, a3, 1024)\n')).toBe(syntaxAt(2, "'l32i' integer 1024 isn't within range 0..1020"));
    expect(asmError('    l16ui(a2, a3, -2)\n')).toBe(syntaxAt(2, "'l16ui' integer -2 isn't within range 0..510"));
    expect(asmError('    addi(a2, x, 1000)\n')).toBe(syntaxAt(2, "'addi' expects a register"));
    expect(asmError('    movi_n(a2, x)\n')).toBe(syntaxAt(2, "'movi_n' expects an integer"));
    expect(asmError('    slli(a2, a3, 0)\n')).toBe(syntaxAt(2, "'slli' integer 0 isn't within range 1..31"));
    expect(asmError('    addmi(a2, a3, 100)\n')).toBe(syntaxAt(2, '100 is not a multiple of 256'));
    expect(asmError('    l32i_n(a2, a3, 6)\n')).toBe(syntaxAt(2, '6 is not a multiple of 4'));
    expect(asmError('    addi(a2, a3, (1 << 64) + 200)\n')).toBe(syntaxAt(2, "'addi' integer 200 isn't within range -128..127"));
  });

  it('labels', () => {
    expect(asmError('    j(x)\n')).toBe(syntaxAt(3, "label 'x' not defined"));
    expect(asmError('    nop()\n    beqz(a2, x)\n')).toBe(syntaxAt(4, "label 'x' not defined"));
    expect(asmError('    j(1)\n')).toBe(syntaxAt(2, "'j' expects a label"));
    expect(asmError('    label(x)\n    nop()\n    label(x)\n')).toBe(syntaxAt(2, 'label redefined'));
    expect(asmError('    label(1)\n')).toBe(syntaxAt(3, "'label' requires 1 argument"));
    expect(asmError('    nop()\n    data(2, 1, x)\n')).toBe(syntaxAt(2, "'data' requires integer arguments"));
    expect(asmError('    nop()\n    x = 1\n')).toBe(syntaxAt(4, 'expecting an assembler instruction'));
  });

  it('branch and literal ranges (RuntimeError, no traceback)', () => {
    const back = (op: string, bytes: number): string => `    label(x)\n    data(${bytes}, 0)\n    ${op}\n`;
    // bbci: 8-bit displacement from the instruction + 4
    expect(() => asmError(back('bbci(a2, 1, x)', 124))).toThrow('expected a compile error');
    expect(asmError(back('bbci(a2, 1, x)', 125))).toBe(runtime('ERROR: xtensa bit_branch out of range'));
    // the long forms: the reference checks the displacement less 6 against 18 bits
    expect(() => asmError(back('beqz(a2, x)', 131062))).toThrow('expected a compile error');
    expect(asmError(back('beqz(a2, x)', 131063))).toBe(runtime('ERROR: xtensa bccz out of range'));
    expect(() => asmError(back('bne(a2, a3, x)', 131062))).toThrow('expected a compile error');
    expect(asmError(back('bne(a2, a3, x)', 131063))).toBe(runtime('ERROR: xtensa bcc out of range'));
    // (after the 13-byte frame, data(3) puts the l32r on a word boundary)
    expect(asmError('    data(3, 0)\n    l32r(a2, x)\n    align(4)\n    label(x)\n')).toBe(runtime('ERROR: xtensa l32r out of range'));
    expect(asmError('    label(x)\n    data(1, 0)\n    l32r(a2, x)\n')).toBe(runtime('ERROR: l32r target not word-aligned'));
    expect(asmError('    align(4)\n    label(x)\n    data(5, 0)\n    l32r(a2, x)\n')).toBe(runtime('ERROR: l32r location not word-aligned'));
    expect(asmError('    call0(x)\n    data(1, 0)\n    label(x)\n')).toBe(runtime('ERROR: call0 target not word-aligned'));
    expect(asmError('    data(1, 0)\n    call0(x)\n    align(4)\n    label(x)\n')).toBe(runtime('ERROR: call0 location not word-aligned'));
  });

  it('parameters and return annotations (reported at the def)', () => {
    expect(asmError('    nop()\n', 'xtensa', 'def f(a2, a4):')).toBe(syntaxAt(2, 'parameters must be registers in sequence a2 to a5'));
    expect(asmError('    nop()\n', 'xtensa', 'def f(a2, a3, a4, a5, a6):')).toBe(syntaxAt(2, 'can only have up to 4 parameters to Xtensa assembly'));
    expect(asmError('    nop()\n', 'xtensawin', 'def f() -> float:')).toBe(syntaxAt(2, 'unknown type'));
  });

  it('a forward branch that sized short against another label fails cleanly (the reference aborts)', () => {
    expect(asmError('    label(a)\n    beqz(a2, a)\n    beqz(a2, b)\n    nop()\n    label(b)\n')).toMatch(/^RuntimeError: xtensa assembler: label moved between passes/);
  });
});
