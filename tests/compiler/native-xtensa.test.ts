// @micropython.native / @micropython.viper for -march=xtensa (call0 ABI) and
// -march=xtensawin (windowed ABI). Nothing here runs Xtensa code: the
// encoders the native emitter uses are compared with GNU as for the LX106
// (call0 only: `.begin no-transform` so it emits exactly what is written),
// the windowed forms (entry, callx8, retw.n) and MUL32's mull, which that
// assembler does not accept, are checked by decoding their fields, whole
// functions from our .mpy are disassembled (call0) or decoded (windowed) for
// their frame structure, and the .mpy header and viper type errors are checked.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.ts';
import { XtensaNativeAssembler } from '../../src/asm-xtensa.ts';
import { readMpy } from '../../src/mpy-reader.ts';
import { compileError } from './helpers.ts';
import { expectViperErrors, haveTools, machineCode, nativeSample, scratchDirs, textSection, VIPER_ERRORS, warnIfMissing } from './native-helpers.ts';

const AS = 'xtensa-lx106-elf-as';
const OBJCOPY = 'xtensa-lx106-elf-objcopy';
const OBJDUMP = 'xtensa-lx106-elf-objdump';
const HAVE = haveTools(AS, OBJCOPY, OBJDUMP);
warnIfMissing(HAVE, 'the GNU binutils checks of the Xtensa native emitter', `${AS}/${OBJDUMP} not installed (apt install binutils-xtensa-lx106)`);

/** MP_NATIVE_ARCH_XTENSA, MP_NATIVE_ARCH_XTENSAWIN */
const ARCH_NUMBER = { xtensa: 9, xtensawin: 10 } as const;

const dir = scratchDirs()('mpy-native-xtensa-');

function gas(lines: string[]): Buffer {
  writeFileSync(join(dir, 'g.s'), ['.text', '.begin no-transform', ...lines, '.end no-transform'].join('\n') + '\n');
  const as = spawnSync(AS, [join(dir, 'g.s'), '-o', join(dir, 'g.o')], { encoding: 'utf8' });
  if (as.status !== 0) throw new Error(`${AS} failed:\n${as.stderr}`);
  return textSection(OBJCOPY, join(dir, 'g.o'), join(dir, 'g.bin'));
}

/** Two compute passes (the literal table is sized by the previous pass) and the emit pass, as the emitter runs them. */
function ours(body: (a: XtensaNativeAssembler) => void, windowed = false): Buffer {
  const a = new XtensaNativeAssembler(windowed);
  for (const emit of [false, false, true]) {
    a.startNativePass(emit);
    body(a);
    a.endNativePass();
  }
  return Buffer.from(a.getCode());
}

function disassemble(code: Uint8Array): string[] {
  writeFileSync(join(dir, 'd.bin'), code);
  const r = spawnSync(OBJDUMP, ['-D', '-b', 'binary', '-m', 'xtensa', join(dir, 'd.bin')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`objdump failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => /^\s+[0-9a-f]+:\t/.test(l))
    .map((l) => l.split('\t').slice(2).join(' ').replace(/\s+/g, ' ').trim());
}

const A2 = 2, A3 = 3, A4 = 4, A12 = 12, A15 = 15;
const op24 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
const op16 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);

describe('Xtensa native encoders against GNU as (call0 forms)', () => {
  it.skipIf(!HAVE)('moves, arithmetic, shifts, locals, loads and stores', () => {
    const bytes = ours((a) => {
      a.entry(2);
      a.movRegImm(A2, 5);
      a.movRegImm(A2, -32);
      a.movRegImm(A3, 95);
      a.movRegImm(A3, 96);
      a.movRegImm(A4, -2048);
      a.movRegReg(A12, A2);
      a.addRegReg(A2, A3);
      a.subRegReg(A2, A3);
      a.andRegReg(A2, A3);
      a.orRegReg(A2, A3);
      a.xorRegReg(A2, A3);
      a.negReg(A2);
      a.clrReg(A4);
      a.lslRegReg(A2, A3);
      a.lsrRegReg(A2, A3);
      a.asrRegReg(A2, A3);
      a.movLocalReg(1, A2);
      a.movRegLocal(A3, 0);
      a.movRegLocalAddr(A2, 1);
      a.movRegLocalAddr(A2, 40);
      a.loadRegRegOffset(A2, A15, 3);
      a.loadRegRegOffset(A2, A15, 20);
      a.load8RegRegOffset(A2, A3, 7);
      a.load16RegRegOffset(A2, A3, 7);
      a.storeRegRegOffset(A2, A3, 15);
      a.store8RegRegOffset(A2, A3, 200);
      a.store16RegRegOffset(A2, A3, 9);
      a.store32RegRegOffset(A2, A3, 300);
      a.load8RegRegReg(A2, A3, A4);
      a.load16RegRegReg(A2, A3, A4);
      a.load32RegRegReg(A2, A3, A4);
      a.store8RegRegReg(A2, A3, A4);
      a.store16RegRegReg(A2, A3, A4);
      a.store32RegRegReg(A2, A3, A4);
      a.callInd(3);
      a.callInd(40);
      a.jumpReg(A2);
      a.exit();
    });
    expect(bytes.toString('hex')).toBe(
      gas([
        // a0, a12..a15 and two locals: 28 bytes, rounded to 32
        'addi a1, a1, -32', 's32i.n a0, a1, 0', 's32i.n a12, a1, 4', 's32i.n a13, a1, 8', 's32i.n a14, a1, 12', 's32i.n a15, a1, 16',
        'movi.n a2, 5', 'movi.n a2, -32', 'movi.n a3, 95', 'movi a3, 96', 'movi a4, -2048',
        'mov.n a12, a2', 'add.n a2, a2, a3', 'sub a2, a2, a3', 'and a2, a2, a3', 'or a2, a2, a3', 'xor a2, a2, a3', 'neg a2, a2',
        'movi.n a4, 0', 'ssl a3', 'sll a2, a2', 'ssr a3', 'srl a2, a2', 'ssr a3', 'sra a2, a2',
        // locals live above the five saved registers
        's32i a2, a1, 24', 'l32i a3, a1, 20', 'addi a2, a1, 24', 'movi a2, 180', 'add.n a2, a2, a1',
        'l32i.n a2, a15, 12', 'l32i a2, a15, 80', 'l8ui a2, a3, 7', 'l16ui a2, a3, 14',
        's32i.n a2, a3, 60', 's8i a2, a3, 200', 's16i a2, a3, 18', 'movi a6, 1200', 'add.n a6, a3, a6', 's32i.n a2, a6, 0',
        'add.n a3, a4, a3', 'l8ui a2, a3, 0', 'addx2 a3, a4, a3', 'l16ui a2, a3, 0', 'addx4 a3, a4, a3', 'l32i.n a2, a3, 0',
        'add.n a3, a4, a3', 's8i a2, a3, 0', 'addx2 a3, a4, a3', 's16i a2, a3, 0', 'addx4 a3, a4, a3', 's32i.n a2, a3, 0',
        'l32i.n a0, a15, 12', 'callx0 a0', 'l32i a0, a15, 160', 'callx0 a0', 'jx a2',
        'l32i.n a15, a1, 16', 'l32i.n a14, a1, 12', 'l32i.n a13, a1, 8', 'l32i.n a12, a1, 4', 'l32i.n a0, a1, 0', 'addi a1, a1, 32', 'ret.n',
      ]).toString('hex'),
    );
  });

  it.skipIf(!HAVE)('large frames, literals (l32r from the table the entry jumps over) and far loads', () => {
    const bytes = ours((a) => {
      a.entry(100);
      a.movRegImm(A2, 100000);
      a.loadRegRegOffset(A3, A15, 1000);
      a.exit();
    });
    expect(bytes.toString('hex')).toBe(
      gas([
        'j after', '.byte 0', 'lit0:', '.byte 0xa0, 0x86, 0x01, 0x00', 'lit1:', '.byte 0xa0, 0x0f, 0x00, 0x00', 'after:',
        // (5 + 100) words = 420 bytes, rounded to 432: beyond addi's 8 bits
        'movi a9, 432', 'sub a1, a1, a9', 's32i.n a0, a1, 0', 's32i.n a12, a1, 4', 's32i.n a13, a1, 8', 's32i.n a14, a1, 12', 's32i.n a15, a1, 16',
        'l32r a2, lit0', 'l32r a3, lit1', 'add.n a3, a15, a3', 'l32i.n a3, a3, 0',
        'l32i.n a15, a1, 16', 'l32i.n a14, a1, 12', 'l32i.n a13, a1, 8', 'l32i.n a12, a1, 4', 'l32i.n a0, a1, 0', 'movi a9, 432', 'add.n a1, a1, a9', 'ret.n',
      ]).toString('hex'),
    );
  });

  it.skipIf(!HAVE)('jumps: short backwards, inverted branch over j forwards; viper comparisons', () => {
    const bytes = ours((a) => {
      a.labelAssign(0);
      a.movRegImm(A2, 0);
      a.jump(0);
      a.jumpIfRegZero(A2, 0, false);
      a.jumpIfRegNonzero(A3, 0, true);
      a.jumpIfRegEq(A2, A3, 0);
      a.jump(1);
      a.jumpIfRegZero(A2, 1, false);
      a.jumpIfRegEq(A2, A3, 1);
      a.setRegFromCompare(A2, A3, A4, 0); // <, unsigned
      a.setRegFromCompare(A2, A3, A4, 1); // >, unsigned: operands swapped
      a.setRegFromCompare(A2, A3, A4, 9); // <=, signed: swapped >=
      a.setRegFromCompare(A2, A3, A4, 11); // !=
      a.labelAssign(1);
    });
    expect(bytes.toString('hex')).toBe(
      gas([
        'back:', 'movi.n a2, 0', 'j back', 'beqz a2, back', 'bnez a3, back', 'beq a2, a3, back',
        'j fwd', 'bnez a2, 1f', 'j fwd', '1:', 'bne a2, a3, 2f', 'j fwd', '2:',
        'movi.n a2, 1', 'bltu a3, a4, 3f', 'movi.n a2, 0', '3:',
        'movi.n a2, 1', 'bltu a4, a3, 4f', 'movi.n a2, 0', '4:',
        'movi.n a2, 1', 'bge a4, a3, 5f', 'movi.n a2, 0', '5:',
        'movi.n a2, 1', 'bne a3, a4, 6f', 'movi.n a2, 0', '6:',
        'fwd:',
      ]).toString('hex'),
    );
  });

  it('mull (MUL32, not in the LX106 assembler): RRR op0=0 op1=2 op2=8', () => {
    const b = ours((a) => a.mulRegReg(A2, A3));
    const w = op24(b, 0);
    expect([w & 0xf, (w >> 4) & 0xf, (w >> 8) & 0xf, (w >> 12) & 0xf, (w >> 16) & 0xf, (w >> 20) & 0xf]).toEqual([0, A3, A2, A2, 2, 8]);
  });

  it('address of a label: movi of the distance, call0 for the PC (word-aligned return point), add.n', () => {
    for (const lead of [0, 1, 2, 3]) {
      const b = ours((a) => {
        for (let i = 0; i < lead; i++) a.dataByte(0);
        a.movRegPcrel(A12, 0);
        a.labelAssign(0);
      });
      const movi = op24(b, lead);
      const imm = ((movi >> 16) & 0xff) | (((movi >> 8) & 0xf) << 8);
      const call0 = op24(b, lead + 3);
      expect(call0 & 0x3f).toBe(5);
      // call0 continues at (its address & ~3) + 4 + 4*offset, which must be the add.n after the padding,
      // and leaves its own address + 3 in a0: a0 + imm must be the label (the end of the code)
      const target = ((lead + 3) & ~3) + 4 + 4 * (call0 >> 6);
      expect(target % 4).toBe(0);
      expect(target).toBe(b.length - 2);
      const a0 = lead + 6;
      expect(a0 + imm).toBe(b.length);
      expect(op16(b, b.length - 2)).toBe(0xcc0a); // add.n a12, a12, a0 (RRRN op0=10, r=12, s=12, t=0)
    }
  });
});

describe('windowed forms (decoded: the LX106 assembler has no windowed ABI)', () => {
  it.skipIf(!HAVE)('far stores use a6 as scratch in the windowed ABI too (as the reference does)', () => {
    const b = ours((a) => {
      a.store8RegRegOffset(10, 11, 300);
      a.store32RegRegOffset(10, 11, 300);
    }, true);
    expect(b.toString('hex')).toBe(
      gas(['movi a6, 300', 'add.n a6, a11, a6', 's8i a10, a6, 0', 'movi a6, 1200', 'add.n a6, a11, a6', 's32i.n a10, a6, 0']).toString('hex'),
    );
  });

  it('entry reserves 32 + the 16-byte-rounded frame; exit restores a0 and returns with retw.n; calls go through callx8 a8', () => {
    for (const locals of [0, 3, 10, 200]) {
      const b = ours((a) => {
        a.entry(locals);
        a.callInd(5);
        a.movLocalReg(0, 10);
        a.exit();
      }, true);
      const entry = op24(b, 0);
      // BRI12: op0=6, n=3, m=0, s=a1, imm12 = frame / 8
      expect([entry & 0xf, (entry >> 4) & 3, (entry >> 6) & 3, (entry >> 8) & 0xf]).toEqual([6, 3, 0, 1]);
      expect((entry >>> 12) * 8).toBe(32 + Math.ceil(((1 + locals) * 4) / 16) * 16);
      expect(op16(b, 3)).toBe(0x0109); // s32i.n a0, a1, 0
      expect(op16(b, 5)).toBe(0x5788); // l32i.n a8, a7, 5
      expect(op24(b, 7)).toBe(0x0008e0); // callx8 a8
      const s32i = op24(b, 10); // s32i a10, a1, 1: the first local is above the saved a0
      expect([s32i & 0xf, (s32i >> 4) & 0xf, (s32i >> 8) & 0xf, (s32i >> 12) & 0xf, s32i >>> 16]).toEqual([2, 10, 1, 6, 1]);
      expect(op16(b, 13)).toBe(0x0108); // l32i.n a0, a1, 0
      expect(op16(b, 15)).toBe(0xf01d); // retw.n
    }
  });
});

/** add (native), checksum (viper) */
const SAMPLE = nativeSample('p[i] + 100000');

/** Skips the literal table: code that starts with `j` jumps over it. */
function afterLiterals(code: Uint8Array): Uint8Array {
  const w = op24(code, 0);
  if ((w & 0x3f) !== 6) return code;
  return code.subarray(4 + (((w >> 6) << 14) >> 14));
}

describe('.mpy output', () => {
  for (const arch of ['xtensa', 'xtensawin'] as const) {
    it(`${arch}: header and code kinds`, () => {
      const m = readMpy(compile(SAMPLE, { sourceName: 't.py', arch }));
      expect(m.header.arch).toBe(ARCH_NUMBER[arch]);
      expect(m.header.archName).toBe(arch);
      expect(m.root.children.map((c) => c.kind)).toEqual(['native', 'viper']);
    });
  }

  it.skipIf(!HAVE)('xtensa: every function disassembles; the frame saved on entry is restored before each ret.n', () => {
    const m = readMpy(compile(SAMPLE, { sourceName: 't.py', arch: 'xtensa' }));
    for (const rc of m.root.children) {
      const ins = disassemble(afterLiterals(machineCode(rc)));
      expect(ins.filter((l) => /\.byte|unknown|excw|ill/.test(l)), ins.join('\n')).toEqual([]);
      const down = /^addi a1, a1, (-\d+)$/.exec(ins[0]!);
      expect(down, ins[0]).not.toBeNull();
      expect(ins.slice(1, 6)).toEqual(['s32i.n a0, a1, 0', 's32i.n a12, a1, 4', 's32i.n a13, a1, 8', 's32i.n a14, a1, 12', 's32i.n a15, a1, 16']);
      const rets = ins.flatMap((l, i) => (l === 'ret.n' ? [i] : []));
      expect(rets.length).toBeGreaterThan(0);
      for (const r of rets) {
        expect(ins.slice(r - 6, r)).toEqual([
          'l32i.n a15, a1, 16', 'l32i.n a14, a1, 12', 'l32i.n a13, a1, 8', 'l32i.n a12, a1, 4', 'l32i.n a0, a1, 0', `addi a1, a1, ${-Number(down![1])}`,
        ]);
      }
      // every runtime call loads its target from the function table in a15
      ins.forEach((l, i) => {
        if (l === 'callx0 a0') expect(ins[i - 1]).toMatch(/^l32i(\.n)? a0, a15, \d+$/);
      });
    }
  });

  it('xtensawin: entry first, retw.n exits, calls through callx8 a8 loaded from a7', () => {
    const m = readMpy(compile(SAMPLE, { sourceName: 't.py', arch: 'xtensawin' }));
    for (const rc of m.root.children) {
      const code = afterLiterals(machineCode(rc));
      const entry = op24(code, 0);
      expect([entry & 0xf, (entry >> 4) & 3, (entry >> 8) & 0xf]).toEqual([6, 3, 1]);
      expect(op16(code, 3)).toBe(0x0109);
      const bytes = Buffer.from(code).toString('hex');
      expect(bytes).toContain('0008e0'.match(/../g)!.reverse().join('')); // callx8 a8
      expect(bytes).toContain('0801' + '1df0'); // l32i.n a0, a1, 0; retw.n
    }
  });
});

describe('viper type errors on Xtensa', () => {
  const V = VIPER_ERRORS;
  const cases = [V.localTypeChange, V.usedBeforeTypeKnown, V.compareIntUint, V.loadFromInt, V.divModUint, V.storeObjectPtr16, V.returnObject];
  for (const arch of ['xtensa', 'xtensawin'] as const) {
    it(`${arch}: messages and lines`, () => {
      expectViperErrors(cases, arch);
      expect(compileError('@micropython.viper\ndef g():\n    yield 1\n', { arch })).toContain('NotImplementedError');
    });
  }
});
