// The inline RISC-V assembler (@micropython.asm_rv32 on -march=rv32imc).
//
// Machine code is checked against an independent oracle, GNU as for
// rv32imc: every instruction form is written once as a Python asm_rv32
// function and once as GNU assembler source (compressed forms spelt c.*,
// relaxation and automatic compression off), and the function's bytes in our
// .mpy must equal the assembled .text. Where MicroPython picks a sequence
// itself (li, la) the GNU side spells out that sequence from the RISC-V
// semantics. Error texts and lines follow upstream emitinlinerv32.c.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.ts';
import { readMpy } from '../../src/mpy-reader.ts';
import { compileError } from './helpers.ts';
import { asmRawCode, haveTools, scratchDirs, textSection, warnIfMissing } from './native-helpers.ts';

const AS = 'riscv64-unknown-elf-as';
const OBJCOPY = 'riscv64-unknown-elf-objcopy';
const HAVE_AS = haveTools(AS, OBJCOPY);
warnIfMissing(HAVE_AS, 'the GNU as comparison of the inline RV32 assembler', `${AS} not installed (apt install binutils-riscv64-unknown-elf)`);

interface Pair {
  py: string[];
  gas: string[];
}
const p = (py: string | string[], gas: string | string[]): Pair => ({ py: typeof py === 'string' ? [py] : py, gas: typeof gas === 'string' ? [gas] : gas });

const REGS = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
const CREGS = ['s0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5'];

function pairs(): Pair[] {
  const out: Pair[] = [];
  // label branches first: while sizing, a label not reached yet counts as offset 0 (as upstream),
  // so forward compressed branches must sit near the start
  out.push(p('label(back)', 'back:'));
  for (const r of CREGS) out.push(p(`c_beqz(${r}, back)`, `c.beqz ${r}, back`));
  // label branches, backward and forward
  for (const op of ['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu']) out.push(p([`${op}(a0, t6, back)`, `${op}(s3, a1, fwd)`], [`${op} a0, t6, back`, `${op} s3, a1, fwd`]));
  out.push(p(['c_beqz(s0, back)', 'c_bnez(a5, fwd)', 'c_j(back)', 'c_jal(fwd)', 'jal(ra, back)', 'jal(zero, fwd)'], ['c.beqz s0, back', 'c.bnez a5, fwd', 'c.j back', 'c.jal fwd', 'jal ra, back', 'jal zero, fwd']));
  out.push(p('label(fwd)', 'fwd:'));
  const rType = ['add', 'and_', 'div', 'divu', 'mul', 'mulh', 'mulhsu', 'mulhu', 'or_', 'rem', 'remu', 'sll', 'slt', 'sltu', 'sra', 'srl', 'sub', 'xor'];
  const gasName = (op: string): string => op.replace(/_$/, '');
  for (const op of rType) {
    for (const [d, a, b] of [['a0', 'a1', 'a2'], ['zero', 't6', 'x31'], ['s11', 'sp', 'ra'], ['x5', 'x8', 'x17']]) {
      out.push(p(`${op}(${d}, ${a}, ${b})`, `${gasName(op)} ${d}, ${a}, ${b}`));
    }
  }
  for (const op of ['addi', 'andi', 'ori', 'slti', 'sltiu', 'xori']) {
    for (const imm of [-2048, -1, 0, 1, 0x5a5, 2047]) out.push(p(`${op}(t1, s2, ${imm})`, `${op} t1, s2, ${imm}`));
  }
  for (const imm of [-2048, 0, 8, 2047]) out.push(p(`jalr(ra, a5, ${imm})`, `jalr ra, ${imm}(a5)`));
  for (const op of ['slli', 'srli', 'srai']) for (const sh of [0, 1, 17, 31]) out.push(p(`${op}(a4, a5, ${sh})`, `${op} a4, a5, ${sh}`));
  for (const op of ['lb', 'lbu', 'lh', 'lhu', 'lw', 'sb', 'sh', 'sw']) {
    for (const off of ['0', '4', '-4', '2047', '-2048', '+12']) out.push(p(`${op}(a0, ${off}(sp))`, `${op} a0, ${off.replace('+', '')}(sp)`), p(`${op}(t6, ${off}(x31))`, `${op} t6, ${off.replace('+', '')}(x31)`));
  }
  for (const v of [0, 1, 0x12345, 0xfffff]) out.push(p(`lui(a1, ${v})`, `lui a1, ${v}`), p(`auipc(a2, ${v})`, `auipc a2, ${v}`));
  for (const [op, gas] of [['csrrw', 'csrrw'], ['csrrs', 'csrrs'], ['csrrc', 'csrrc']]) for (const c of [0, 0x300, 0xfff]) out.push(p(`${op}(a0, a1, ${c})`, `${gas} a0, ${c}, a1`));
  for (const op of ['csrrwi', 'csrrsi', 'csrrci']) for (const [c, i] of [[0, 0], [0x300, 31], [0xfff, 7]]) out.push(p(`${op}(a0, ${c}, ${i})`, `${op} a0, ${c}, ${i}`));
  out.push(p(['ecall()', 'ebreak()', 'c_ebreak()', 'c_nop()'], ['ecall', 'ebreak', 'c.ebreak', 'c.nop']));
  // compressed
  for (const [d, s] of [['a0', 'a1'], ['ra', 't6'], ['x31', 'x1']]) {
    out.push(p(`c_add(${d}, ${s})`, `c.add ${d}, ${s}`), p(`c_mv(${d}, ${s})`, `c.mv ${d}, ${s}`), p(`mv(${d}, ${s})`, `c.mv ${d}, ${s}`));
  }
  for (const r of ['ra', 'a0', 't6']) out.push(p(`c_jr(${r})`, `c.jr ${r}`), p(`c_jalr(${r})`, `c.jalr ${r}`));
  for (const i of [-32, -1, 1, 31]) out.push(p(`c_addi(a0, ${i})`, `c.addi a0, ${i}`));
  for (const i of [-32, 0, 31]) out.push(p(`c_li(t0, ${i})`, `c.li t0, ${i}`), p(`c_andi(s1, ${i})`, `c.andi s1, ${i}`));
  for (const i of [1, 17, 31]) out.push(p(`c_lui(a0, ${i})`, `c.lui a0, ${i}`), p(`c_slli(t3, ${i})`, `c.slli t3, ${i}`), p(`c_srli(a5, ${i})`, `c.srli a5, ${i}`), p(`c_srai(s0, ${i})`, `c.srai s0, ${i}`));
  for (const op of ['c_and', 'c_or', 'c_xor', 'c_sub']) {
    for (const [d, s] of [['s0', 'a1'], ['a0', 's1']]) out.push(p(`${op}(${d}, ${s})`, `${op.replace('_', '.')} ${d}, ${s}`));
    // MicroPython's CA format keeps only 2 bits of each register number: a2..a5 act as s0..a1
    out.push(p(`${op}(a2, a5)`, `${op.replace('_', '.')} s0, a1`));
  }
  // MicroPython range-checks these offsets as signed (top bit of the field = sign), so the upper
  // half of the unsigned range is reached with negative offsets: -4 is the field's all-ones value
  const cOff: [number, number][] = [[0, 0], [4, 4], [60, 60], [-64, 64], [-4, 124]];
  for (const [py, gas] of cOff) {
    for (const [d, b] of [['s0', 'a5'], ['a2', 's1']]) out.push(p(`c_lw(${d}, ${py}(${b}))`, `c.lw ${d}, ${gas}(${b})`), p(`c_sw(${d}, ${py}(${b}))`, `c.sw ${d}, ${gas}(${b})`));
  }
  const spOff: [number, number][] = [[0, 0], [4, 4], [124, 124], [-128, 128], [-4, 252]];
  for (const [py, gas] of spOff) out.push(p(`c_lwsp(a4, ${py})`, `c.lwsp a4, ${gas}(sp)`), p(`c_swsp(zero, ${py})`, `c.swsp zero, ${gas}(sp)`));
  for (const i of [4, 8, 512, 1020]) out.push(p(`c_addi4spn(a1, ${i})`, `c.addi4spn a1, sp, ${i}`));
  // li: c.li for 6 bits, addi for 12, else (c.)lui of the rounded upper part and a (c.)addi of the rest
  const liCases: [number, string[]][] = [
    [5, ['c.li a3, 5']],
    [-32, ['c.li a3, -32']],
    [32, ['addi a3, zero, 32']],
    [-2048, ['addi a3, zero, -2048']],
    [2047, ['addi a3, zero, 2047']],
    // c.lui when the upper part is a 16-bit signed value (bits 16..31 all equal)
    [0xf000, ['c.lui a3, 0xf']],
    [-0x1000, ['c.lui a3, 0xfffff']],
    [-0x10000, ['c.lui a3, 0xffff0']],
    [0xf010, ['c.lui a3, 0xf', 'c.addi a3, 16']],
    [0x1f000, ['lui a3, 0x1f']],
    [0x10010, ['lui a3, 0x10', 'c.addi a3, 16']],
    [0x12345678, ['lui a3, 0x12345', 'addi a3, a3, 0x678']],
    [0x12345fff, ['lui a3, 0x12346', 'addi a3, a3, -1']],
    [-0x80000000, ['lui a3, 0x80000']],
    [0x7fffffff, ['lui a3, 0x80000', 'addi a3, a3, -1']],
  ];
  for (const [v, gas] of liCases) out.push(p(`li(a3, ${v})`, gas));
  out.push(p('li(a3, 0xffffffff)', 'c.li a3, -1'), p('li(a3, (1 << 64) + 7)', 'c.li a3, 7'));
  // la: auipc of the displacement rounded for the sign-extended addi, then the addi
  out.push(p(['la(a0, l1)', 'label(l1)'], ['auipc a0, 0', 'addi a0, a0, 8', 'l1:']));
  out.push(p(['label(l2)', 'la(s1, l2)'], ['l2:', 'auipc s1, 0', 'addi s1, s1, 0']));
  out.push(p(['la(a0, l3)', 'data(4, 0)', 'data(0x900, 0)', 'label(l3)'], ['auipc a0, 1', 'addi a0, a0, -1780', '.word 0', '.skip 0x900', 'l3:']));
  out.push(p(['data(1, 0x12)', 'data(2, 0x1234)', 'data(4, -1)', 'align(4)'], ['.byte 0x12', '.hword 0x1234', '.word 0xffffffff', '.balign 4, 0']));
  return out;
}

function pySource(body: string[], params = 'a0, a1'): string {
  return `@micropython.asm_rv32\ndef f(${params}):\n${body.map((l) => `    ${l}\n`).join('')}`;
}

/** GNU source: no relaxation; compression only where a c.* mnemonic asks for it. */
function gasSource(body: string[]): string {
  const lines = ['.text', '.option norelax'];
  for (const l of [...body, 'c.jr ra']) lines.push(/^c\./.test(l) ? '.option rvc' : '.option norvc', l);
  return lines.join('\n') + '\n';
}

const ours = (body: string[]): Uint8Array => asmRawCode(compile(pySource(body), { sourceName: 't.py', arch: 'rv32imc' })).funData;

const scratchDir = scratchDirs();

function gasBytes(source: string): Uint8Array {
  const dir = scratchDir('mpy-asm-rv32-');
  writeFileSync(join(dir, 'f.s'), source);
  const as = spawnSync(AS, ['-march=rv32imc_zicsr', '-mabi=ilp32', join(dir, 'f.s'), '-o', join(dir, 'f.o')], { encoding: 'utf8' });
  if (as.status !== 0) throw new Error(`${AS} failed:\n${as.stderr}`);
  return textSection(OBJCOPY, join(dir, 'f.o'), join(dir, 'f.bin'));
}

describe.skipIf(!HAVE_AS)('inline RV32 assembler vs GNU as', () => {
  it('every instruction form assembles like riscv64-unknown-elf-as -march=rv32imc_zicsr', () => {
    const all = pairs();
    const code = ours(all.flatMap((x) => x.py));
    const gas = gasBytes(gasSource(all.flatMap((x) => x.gas)));
    expect(code.length).toBeGreaterThan(900);
    const first = code.findIndex((b, i) => b !== gas[i]);
    if (first >= 0) throw new Error(`first difference at code offset 0x${first.toString(16)}: ours ${Buffer.from(code.subarray(first, first + 4)).toString('hex')}, gas ${Buffer.from(gas.subarray(first, first + 4)).toString('hex')}`);
    // GNU as pads .text to a multiple of 4 after the code
    expect(gas.length - code.length).toBeLessThan(4);
  });

  it('a branch to the next label but one is encoded differently (the oracle is sharp)', () => {
    const code = ours(['beq(a0, a1, l)', 'c_nop()', 'label(l)']);
    const wrong = gasBytes(gasSource(['beq a0, a1, l', 'c.nop', 'c.nop', 'l:']));
    expect(Buffer.from(code.subarray(0, 4)).equals(Buffer.from(wrong.subarray(0, 4)))).toBe(false);
  });
});

describe('inline RV32 raw code in the .mpy', () => {
  it('is native asm code with the argument count and return type signature, ended by c.jr ra', () => {
    const sigs: [string, number][] = [['', 2], [' -> int', 2], [' -> uint', 3], [' -> bool', 1], [' -> object', 0]];
    for (const [annotation, sig] of sigs) {
      for (const params of ['', 'a0', 'a0, a1, a2, a3', 'x10, x11']) {
        const m = readMpy(compile(`@micropython.asm_rv32\ndef f(${params})${annotation}:\n    c_nop()\n`, { sourceName: 't.py', arch: 'rv32imc' }));
        const rc = m.root.children[0]!;
        expect(rc.kind).toBe('asm');
        expect(rc.asmNPosArgs).toBe(params === '' ? 0 : params.split(',').length);
        expect(rc.asmTypeSig).toBe(sig);
        expect([...rc.funData]).toEqual([0x01, 0x00, 0x82, 0x80]);
      }
    }
  });

  it('marks the module rv32imc (arch 11) and reads back', () => {
    const m = readMpy(compile('x = 1\n@micropython.asm_rv32\ndef f(a0):\n    addi(a0, a0, 1)\ndef g():\n    return f(x)\n', { sourceName: 't.py', arch: 'rv32imc' }));
    expect(m.header.arch).toBe(11);
    expect(m.header.archName).toBe('rv32imc');
    expect(m.root.children.map((c) => c.kind)).toEqual(['asm', 'bytecode']);
    // any asm decorator name selects the target's assembler
    const t = readMpy(compile('@micropython.asm_thumb\ndef f(a0):\n    c_nop()\n', { sourceName: 't.py', arch: 'rv32imc' }));
    expect([...t.root.children[0]!.funData]).toEqual([0x01, 0x00, 0x82, 0x80]);
  });

  it('resolves labels per function', () => {
    const m = readMpy(compile(pySource(['label(a)', 'c_j(a)']) + '@micropython.asm_rv32\ndef g():\n    c_j(a)\n    label(a)\n', { sourceName: 't.py', arch: 'rv32imc' }));
    // c.j 0 = 0xa001, c.j +2 = 0xa009
    expect([...m.root.children[0]!.funData.subarray(0, 2)]).toEqual([0x01, 0xa0]);
    expect([...m.root.children[1]!.funData.subarray(0, 2)]).toEqual([0x09, 0xa0]);
  });
});

function asmError(body: string, header = 'def f(a0):'): string {
  return compileError(`@micropython.asm_rv32\n${header}\n${body}`, { arch: 'rv32imc' });
}
const at = (line: number, kind: string, message: string, scope = 'f'): string =>
  `Traceback (most recent call last):\n  File "t.py", line ${line}, in ${scope}\n${kind}: ${message}\n`;
const syntaxAt = (line: number, message: string): string => at(line, 'SyntaxError', message);

describe('inline RV32 errors', () => {
  it('unknown instructions, extension instructions and argument counts', () => {
    expect(asmError('    c_nop()\n    foo(a0)\n')).toBe(syntaxAt(4, "invalid RV32 instruction 'foo'"));
    expect(asmError('    nop()\n')).toBe(syntaxAt(3, "invalid RV32 instruction 'nop'"));
    // Zba needs -march-flags, which this compiler does not take yet: as without the flag
    expect(asmError('    sh1add(a0, a1, a2)\n')).toBe(syntaxAt(3, "invalid RV32 instruction 'sh1add'"));
    expect(asmError('    add(a0, a1)\n')).toBe(syntaxAt(3, "opcode 'add': expecting 3 arguments"));
    expect(asmError('    c_nop(a0)\n')).toBe(syntaxAt(3, "opcode 'c_nop': expecting 0 arguments"));
    expect(asmError('    lw(a0, 4, a1)\n')).toBe(syntaxAt(3, "opcode 'lw': expecting 2 arguments"));
  });

  it('registers', () => {
    expect(asmError('    add(a0, a1, fp)\n')).toBe(syntaxAt(3, "opcode 'add' argument 3: expecting register"));
    expect(asmError('    add(a0, 1, a1)\n')).toBe(syntaxAt(3, "opcode 'add' argument 2: expecting register"));
    expect(asmError('    c_add(zero, a1)\n')).toBe(syntaxAt(3, "opcode 'c_add' argument 1: unknown register"));
    expect(asmError('    c_lui(sp, 1)\n')).toBe(syntaxAt(3, "opcode 'c_lui' argument 1: unknown register"));
    expect(asmError('    c_and(s0, a6)\n')).toBe(syntaxAt(3, "opcode 'c_and' argument 2: unknown register"));
    // the first bad argument stops the instruction
    expect(asmError('    add(q, 1, 2)\n')).toBe(syntaxAt(3, "opcode 'add' argument 1: expecting register"));
  });

  it('immediates', () => {
    expect(asmError('    addi(a0, a1, 2048)\n')).toBe(syntaxAt(3, "opcode 'addi' argument 3: out of range"));
    expect(asmError('    addi(a0, a1, -2049)\n')).toBe(syntaxAt(3, "opcode 'addi' argument 3: out of range"));
    expect(asmError('    addi(a0, a1, x)\n')).toBe(syntaxAt(3, "opcode 'addi' argument 3: expecting integer"));
    expect(asmError('    slli(a0, a1, 32)\n')).toBe(syntaxAt(3, "opcode 'slli' argument 3: out of range"));
    // unsigned immediates refuse negative numbers (all 64 bits are checked)
    expect(asmError('    slli(a0, a1, -1)\n')).toBe(syntaxAt(3, "opcode 'slli' argument 3: out of range"));
    expect(asmError('    c_addi(a0, 0)\n')).toBe(syntaxAt(3, "opcode 'c_addi' argument 2: must not be zero"));
    expect(asmError('    c_lui(a0, 32)\n')).toBe(syntaxAt(3, "opcode 'c_lui' argument 2: out of range"));
    expect(asmError('    c_addi4spn(s0, 2)\n')).toBe(syntaxAt(3, "opcode 'c_addi4spn' argument 2: out of range"));
    expect(asmError('    c_lwsp(a0, 2)\n')).toBe(syntaxAt(3, "opcode 'c_lwsp' argument 2: out of range"));
    expect(asmError('    c_lwsp(a0, 128)\n')).toBe(syntaxAt(3, "opcode 'c_lwsp' argument 2: out of range"));
    expect(asmError('    c_sw(a0, 64(a1))\n')).toBe(syntaxAt(3, "opcode 'c_sw' argument 2: out of range"));
  });

  it('offset(base) arguments', () => {
    expect(asmError('    lw(a0, a1)\n')).toBe(syntaxAt(3, "opcode 'lw' argument 2: expecting offset"));
    expect(asmError('    lw(a0, ~4(a1))\n')).toBe(syntaxAt(3, "opcode 'lw' argument 2: expecting offset"));
    expect(asmError('    lw(a0, x(a1))\n')).toBe(syntaxAt(3, "opcode 'lw' argument 2: expecting integer"));
    expect(asmError('    lw(a0, -x(a1))\n')).toBe(syntaxAt(3, "opcode 'lw' argument 2: expecting integer"));
    expect(asmError('    lw(a0, 2048(a1))\n')).toBe(syntaxAt(3, "opcode 'lw' argument 2: out of range"));
    expect(asmError('    lw(a0, -2049(a1))\n')).toBe(syntaxAt(3, "opcode 'lw' argument 2: out of range"));
    expect(asmError('    lw(a0, 4(5))\n')).toBe(syntaxAt(3, "opcode 'lw' argument 3: expecting register"));
    expect(asmError('    c_lw(a0, 2(a1))\n')).toBe(syntaxAt(3, "opcode 'c_lw' argument 2: out of range"));
    expect(asmError('    c_lw(a0, 4(sp))\n')).toBe(syntaxAt(3, "opcode 'c_lw' argument 3: unknown register"));
  });

  it('labels and branch ranges', () => {
    expect(asmError('    c_j(x)\n')).toBe(syntaxAt(3, "opcode 'c_j' argument 1: undefined label 'x'"));
    expect(asmError('    beq(a0, a1, 3)\n')).toBe(syntaxAt(3, "opcode 'beq' argument 3: expecting label"));
    expect(asmError('    label(x)\n    c_nop()\n    label(x)\n')).toBe(syntaxAt(5, 'label redefined'));
    const back = (op: string, bytes: number): string => `    label(x)\n    data(${bytes}, 0)\n    ${op}\n`;
    expect(() => asmError(back('c_beqz(s0, x)', 256))).toThrow('expected a compile error');
    expect(asmError(back('c_beqz(s0, x)', 258))).toBe(syntaxAt(5, "opcode 'c_beqz' argument 2: out of range"));
    expect(() => asmError(back('beq(a0, a1, x)', 4096))).toThrow('expected a compile error');
    expect(asmError(back('beq(a0, a1, x)', 4098))).toBe(syntaxAt(5, "opcode 'beq' argument 3: out of range"));
    const fwd = (op: string, bytes: number): string => `    ${op}\n    data(${bytes}, 0)\n    label(x)\n`;
    expect(() => asmError(fwd('c_j(x)', 2044))).toThrow('expected a compile error');
    expect(asmError(fwd('c_j(x)', 2046))).toBe(syntaxAt(3, "opcode 'c_j' argument 1: out of range"));
    // a label not reached yet counts as offset 0 while sizing (as the reference): a forward
    // compressed branch far into the function is refused even when its target is near
    const late = (nops: number): string => `${'    c_nop()\n'.repeat(nops)}    c_beqz(a0, x)\n    label(x)\n`;
    expect(() => asmError(late(128))).toThrow('expected a compile error');
    expect(asmError(late(129))).toBe(syntaxAt(132, "opcode 'c_beqz' argument 2: out of range"));
  });

  it('align and data', () => {
    expect(asmError('    align(x)\n')).toBe(syntaxAt(3, "'align' requires 1 argument"));
    expect(asmError('    data(2)\n')).toBe(syntaxAt(3, "'data' requires at least 2 arguments"));
    expect(asmError('    data(2, 1, x)\n')).toBe(syntaxAt(3, "'data' requires integer arguments"));
  });

  it('parameters and return annotations (reported at the def)', () => {
    expect(asmError('    c_nop()\n', 'def f(a0, a2):')).toBe(syntaxAt(2, 'parameters must be registers in sequence a0 to a3'));
    expect(asmError('    c_nop()\n', 'def f(a1):')).toBe(syntaxAt(2, 'parameters must be registers in sequence a0 to a3'));
    expect(asmError('    c_nop()\n', 'def f(a0, a1, a2, a3, a4):')).toBe(syntaxAt(2, 'can only have up to 4 parameters for RV32 assembly'));
    expect(asmError('    c_nop()\n', 'def f() -> float:')).toBe(syntaxAt(2, 'unknown type'));
  });
});
