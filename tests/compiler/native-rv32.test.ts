// @micropython.native / @micropython.viper for -march=rv32imc. Nothing here
// runs RISC-V code, so the checks are structural and against independent
// oracles: the encoders the native emitter uses against GNU as
// (riscv64-unknown-elf-as -march=rv32imc_zba, each sequence written out by
// hand from the RISC-V manual), the Zcmp push/pop frames (which this GNU as
// cannot assemble) by decoding their fields, whole functions from our .mpy
// disassembled by objdump (entry saves what exit restores, nothing invalid),
// the .mpy header, and the viper type errors.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.ts';
import { Rv32NativeAssembler, RV32_EXT_ZBA, RV32_EXT_ZCMP } from '../../src/asm-rv32.ts';
import { readMpy } from '../../src/mpy-reader.ts';
import { compileError } from './helpers.ts';
import { expectViperErrors, haveTools, machineCode, nativeSample, scratchDirs, textSection, VIPER_ERRORS, warnIfMissing } from './native-helpers.ts';

const AS = 'riscv64-unknown-elf-as';
const OBJCOPY = 'riscv64-unknown-elf-objcopy';
const OBJDUMP = 'riscv64-unknown-elf-objdump';
const HAVE = haveTools(AS, OBJCOPY, OBJDUMP);
warnIfMissing(HAVE, 'the GNU binutils checks of the RV32 native emitter', `${AS}/${OBJDUMP} not installed (apt install binutils-riscv64-unknown-elf)`);

/** MP_NATIVE_ARCH_RV32IMC */
const ARCH_RV32IMC = 11;

const dir = scratchDirs()('mpy-native-rv32-');

/** Assembles hand-written RISC-V source (compressed forms spelt c.*, no relaxation or auto-compression). */
function gas(lines: string[]): Buffer {
  const src = ['.text', '.option norelax'];
  for (const l of lines) src.push(/^\s*c\./.test(l) ? '.option rvc' : '.option norvc', l);
  writeFileSync(join(dir, 'g.s'), src.join('\n') + '\n');
  const as = spawnSync(AS, ['-march=rv32imc_zba', '-mabi=ilp32', join(dir, 'g.s'), '-o', join(dir, 'g.o')], { encoding: 'utf8' });
  if (as.status !== 0) throw new Error(`${AS} failed:\n${as.stderr}`);
  return textSection(OBJCOPY, join(dir, 'g.o'), join(dir, 'g.bin'));
}

/** Runs `body` through a sizing pass and the emit pass, as the emitter does; the emitted bytes. */
function ours(body: (a: Rv32NativeAssembler) => void, flags = 0): Buffer {
  const a = new Rv32NativeAssembler(flags);
  a.startNativePass(false);
  body(a);
  a.startNativePass(true);
  body(a);
  return Buffer.from(a.getCode());
}

function disassemble(code: Uint8Array): string[] {
  writeFileSync(join(dir, 'd.bin'), code);
  const r = spawnSync(OBJDUMP, ['-D', '-b', 'binary', '-m', 'riscv:rv32', '-M', 'no-aliases', join(dir, 'd.bin')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`objdump failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => /^\s+[0-9a-f]+:\t/.test(l))
    .map((l) => l.split('\t').slice(2).join(' ').replace(/\s+/g, ' ').trim());
}

// register numbers
const A0 = 10, A1 = 11, A2 = 12, S1 = 9, S3 = 19, T1 = 6;

describe('RV32 native encoders against GNU as', () => {
  it.skipIf(!HAVE)('moves, arithmetic and immediates', () => {
    const bytes = ours((a) => {
      a.movRegImm(A0, 5);
      a.movRegImm(A1, -32);
      a.movRegImm(A2, 100);
      a.movRegImm(A2, -2048);
      a.movRegImm(A0, 0x12345);
      a.movRegImm(T1, 0x8000);
      a.movRegImm(T1, 0x10000);
      a.movRegImm(T1, 0x12345801);
      a.movRegImm(A0, 0x7ffff003);
      a.movRegReg(A0, S3);
      a.addRegReg(A1, A2);
      a.subRegReg(A1, A2);
      a.andRegReg(A1, A2);
      a.orRegReg(A1, A2);
      a.xorRegReg(A1, A2);
      a.clrReg(A1);
      a.mulRegReg(A1, A2);
      a.lslRegReg(A1, A2);
      a.lsrRegReg(A1, A2);
      a.asrRegReg(A1, A2);
      a.notReg(A0);
      a.negReg(A0);
    });
    expect(bytes.toString('hex')).toBe(
      gas([
        'c.li a0, 5', 'c.li a1, -32', 'addi a2, zero, 100', 'addi a2, zero, -2048',
        'lui a0, 0x12', 'addi a0, a0, 0x345', 'c.lui t1, 0x8', 'lui t1, 0x10', 'lui t1, 0x12346', 'addi t1, t1, -2047',
        'lui a0, 0x7ffff', 'c.addi a0, 3',
        'c.mv a0, s3', 'c.add a1, a2', 'sub a1, a1, a2', 'and a1, a2, a1', 'or a1, a1, a2', 'xor a1, a1, a2',
        'c.li a1, 0', 'mul a1, a1, a2', 'sll a1, a1, a2', 'srl a1, a1, a2', 'sra a1, a1, a2',
        'xori a0, a0, -1', 'sub a0, zero, a0',
      ]).toString('hex'),
    );
  });

  it.skipIf(!HAVE)('loads and stores by offset and by index, with and without Zba', () => {
    const body = (a: Rv32NativeAssembler): void => {
      a.loadRegRegOffset(A0, S1, 3);
      a.loadRegRegOffset(S3, S1, 3);
      a.loadRegRegOffset(A0, A1, 20);
      a.loadRegRegOffset(A0, A1, 1000);
      a.load8RegRegOffset(A0, A1, 5);
      a.load16RegRegOffset(A0, A1, 5);
      a.load16RegRegOffset(A0, A1, -3);
      a.storeRegRegOffset(A0, A1, 2);
      a.store8RegRegOffset(A2, A1, 7);
      a.store16RegRegOffset(A2, A1, 3);
      a.store32RegRegOffset(A0, A1, 1000);
      a.load8RegRegReg(A0, A1, A2);
      a.load16RegRegReg(A0, A1, A2);
      a.load32RegRegReg(A0, A1, A2);
      a.store8RegRegReg(A0, A1, A2);
      a.store16RegRegReg(A0, A1, A2);
      a.store32RegRegReg(A0, A1, A2);
    };
    const common = [
      'c.lw a0, 12(s1)', 'lw s3, 12(s1)', 'lw a0, 80(a1)', 'c.lui a0, 1', 'c.add a0, a1', 'lw a0, -96(a0)',
      'lbu a0, 5(a1)', 'lhu a0, 10(a1)', 'lhu a0, -6(a1)',
      'c.sw a0, 8(a1)', 'sb a2, 7(a1)', 'sh a2, 6(a1)', 'c.lui t3, 1', 'c.add t3, a1', 'sw a0, -96(t3)',
    ];
    expect(ours(body).toString('hex')).toBe(
      gas([
        ...common,
        'add t3, a1, a2', 'lbu a0, 0(t3)',
        'slli t3, a2, 1', 'c.add t3, a1', 'lhu a0, 0(t3)',
        'slli t3, a2, 2', 'c.add t3, a1', 'lw a0, 0(t3)',
        'add t3, a1, a2', 'sb a0, 0(t3)',
        'slli t3, a2, 1', 'c.add t3, a1', 'sh a0, 0(t3)',
        'slli t3, a2, 2', 'c.add t3, a1', 'sw a0, 0(t3)',
      ]).toString('hex'),
    );
    expect(ours(body, RV32_EXT_ZBA).toString('hex')).toBe(
      gas([
        ...common,
        'add t3, a1, a2', 'lbu a0, 0(t3)',
        'sh1add t3, a2, a1', 'lhu a0, 0(t3)',
        'sh2add t3, a2, a1', 'lw a0, 0(t3)',
        'add t3, a1, a2', 'sb a0, 0(t3)',
        'sh1add t3, a2, a1', 'sh a0, 0(t3)',
        'sh2add t3, a2, a1', 'sw a0, 0(t3)',
      ]).toString('hex'),
    );
  });

  it.skipIf(!HAVE)('viper comparisons set 0/1', () => {
    const bytes = ours((a) => {
      for (let k = 0; k < 12; k++) a.setRegFromCompare(A0, A1, A2, k);
    });
    const six = (slt: string): string[] => [
      `${slt} a0, a1, a2`, // <
      `${slt} a0, a2, a1`, // >
      'sub a0, a1, a2', 'sltiu a0, a0, 1', // ==
      `${slt} a0, a2, a1`, 'xori a0, a0, 1', // <=
      `${slt} a0, a1, a2`, 'xori a0, a0, 1', // >=
      'sub a0, a2, a1', 'sltu a0, zero, a0', // !=
    ];
    expect(bytes.toString('hex')).toBe(gas([...six('sltu'), ...six('slt')]).toString('hex'));
  });

  it.skipIf(!HAVE)('frame: entry, locals, exit; calls through the function table', () => {
    const frame = ours((a) => {
      a.entry(3);
      a.movLocalReg(1, A0);
      a.movRegLocal(A1, 2);
      a.movRegLocalAddr(A0, 1);
      a.movRegLocalAddr(S3, 1);
      a.movLocalReg(100, A0);
      a.movRegLocal(A0, 600);
      a.exit();
    });
    expect(frame.toString('hex')).toBe(
      gas([
        'c.addi sp, -28', 'c.swsp s1, 0(sp)', 'c.swsp s2, 4(sp)', 'c.swsp s3, 8(sp)', 'c.swsp s4, 12(sp)',
        'c.swsp a0, 20(sp)', 'c.lwsp a1, 24(sp)', 'c.addi4spn a0, sp, 20', 'addi s3, sp, 20', 'sw a0, 416(sp)',
        'c.lui a0, 1', 'c.add a0, sp', 'lw a0, -1680(a0)',
        'c.lwsp s1, 0(sp)', 'c.lwsp s2, 4(sp)', 'c.lwsp s3, 8(sp)', 'c.lwsp s4, 12(sp)', 'c.addi sp, 28', 'c.jr ra',
      ]).toString('hex'),
    );
    // a call makes ra (and s0, the call register) saved from then on
    const calls = ours((a) => {
      a.callInd(3);
      a.callInd(40);
      a.entry(40);
    });
    expect(calls.toString('hex')).toBe(
      gas([
        'c.lw s0, 12(s1)', 'c.jalr s0', 'lw t3, 160(s1)', 'c.jalr t3',
        'addi sp, sp, -184', 'c.swsp ra, 0(sp)', 'c.swsp s0, 4(sp)', 'c.swsp s1, 8(sp)', 'c.swsp s2, 12(sp)', 'c.swsp s3, 16(sp)', 'c.swsp s4, 20(sp)',
      ]).toString('hex'),
    );
  });

  it.skipIf(!HAVE)('jumps: compressed/short backwards, long forwards', () => {
    const bytes = ours((a) => {
      a.labelAssign(0);
      a.movRegImm(A0, 0);
      a.jump(0);
      a.jumpIfRegNonzero(A0, 0, true);
      a.jumpIfRegNonzero(S3, 0, true);
      a.jumpIfRegZero(A0, 0, false);
      a.jumpIfRegEq(A0, A1, 0);
      a.jump(1);
      a.jumpIfRegNonzero(A0, 1, false);
      a.jumpIfRegEq(A0, A1, 1);
      a.movRegPcrel(A0, 1);
      a.jumpReg(S3);
      a.labelAssign(1);
    });
    expect(bytes.toString('hex')).toBe(
      gas([
        'back:', 'c.li a0, 0', 'c.j back', 'c.bnez a0, back', 'bne s3, zero, back', 'beq a0, zero, back', 'beq a0, a1, back',
        // forward targets are reached through auipc + jalr with the displacement split 20/12
        'auipc t3, 0', 'jalr zero, 42(t3)', // the label is at 60, this auipc at 18
        'beq a0, zero, .+12', 'auipc t3, 0', 'jalr zero, 30(t3)',
        'bne a0, a1, .+12', 'auipc t3, 0', 'jalr zero, 18(t3)',
        'auipc a0, 0', 'addi a0, a0, 10',
        'c.jr s3',
      ]).toString('hex'),
    );
  });
});

describe('Zcmp frames (decoded: this GNU as has no Zcmp)', () => {
  /** cm.push/cm.popret fields per the Zc spec; the frame size in bytes (RV32). */
  function decodePushPop(h: number): { op: 'push' | 'popret' | '?'; rlist: number; spimm: number; frame: number; nregs: number } {
    const op = h >> 13 === 5 && (h & 3) === 2 ? ((h >> 8) & 0x1f) === 0x18 ? 'push' : ((h >> 8) & 0x1f) === 0x1e ? 'popret' : '?' : '?';
    const rlist = (h >> 4) & 0xf;
    const spimm = (h >> 2) & 3;
    const nregs = rlist === 15 ? 13 : rlist - 3;
    const base = Math.ceil((nregs * 4) / 16) * 16;
    return { op, rlist, spimm, frame: base + spimm * 16, nregs };
  }
  const halfword = (b: Buffer, at: number): number => b[at]! | (b[at + 1]! << 8);

  it.skipIf(!HAVE)('push reserves room for the registers above the locals, popret undoes it', () => {
    for (const locals of [0, 1, 2, 3, 7, 10, 20, 40, 100, 600]) {
      let localAt = -1;
      const code = ours((a) => {
        a.entry(locals);
        localAt = a.codeOffset;
        a.movLocalReg(0, A0);
        a.exit();
      }, RV32_EXT_ZCMP);
      const push = decodePushPop(halfword(code, 0));
      expect(push.op).toBe('push');
      // s1..s4 must be covered: the lists are ra, s0, s1, ... so s4 needs 6 registers
      expect(push.nregs).toBeGreaterThanOrEqual(6);
      // any extra stack is taken by an addi sp after the push
      let extra = 0;
      if (localAt > 2) {
        const d = disassemble(code.subarray(2, localAt));
        const m = /^(?:c\.addi sp,|addi sp,sp,|c\.addi16sp sp,)\s*(-\d+)$/.exec(d.join(';'));
        if (m) extra = -Number(m[1]);
        else expect(d.join(';')).toMatch(/^lui t1,|^c\.lui t1,/);
      }
      if (locals <= 100) expect(push.frame + extra).toBeGreaterThanOrEqual(4 * (push.nregs + locals));
      // locals start at sp + 0
      expect(halfword(code, localAt)).toBe(0xc02a); // c.swsp a0, 0(sp)
      const pop = decodePushPop(halfword(code, code.length - 2));
      expect(pop.op).toBe('popret');
      expect(pop.rlist).toBe(push.rlist);
      expect(pop.spimm).toBe(push.spimm);
    }
  });
});

/** add (native), checksum (viper), guarded (native try/except) */
const SAMPLE = nativeSample('p[i]', 'x');

describe('-march=rv32imc .mpy output', () => {
  it('header and code kinds', () => {
    const m = readMpy(compile(SAMPLE, { sourceName: 't.py', arch: 'rv32imc' }));
    expect(m.header.arch).toBe(ARCH_RV32IMC);
    expect(m.header.archName).toBe('rv32imc');
    expect(m.root.children.map((c) => c.kind)).toEqual(['native', 'viper', 'native']);
    const all = readMpy(compile('def f(x):\n    return x\n', { sourceName: 't.py', arch: 'rv32imc', emit: 'native' }));
    expect(all.root.kind).toBe('native');
  });

  it.skipIf(!HAVE)('every function disassembles cleanly; entry saves exactly what each exit restores', () => {
    const m = readMpy(compile(SAMPLE, { sourceName: 't.py', arch: 'rv32imc' }));
    for (const rc of m.root.children) {
      const ins = disassemble(machineCode(rc));
      expect(ins.filter((l) => /\.(2|4)byte|unknown|illegal/.test(l)), ins.join('\n')).toEqual([]);
      // entry: lower sp, then store the callee-saved registers upwards from sp
      const down = /^(?:c\.addi sp,|addi sp,sp,)(-\d+)$/.exec(ins[0]!);
      expect(down, ins[0]).not.toBeNull();
      const saved: string[] = [];
      for (let i = 1; /^c\.swsp/.test(ins[i]!); i++) {
        const m2 = /^c\.swsp (\w+),(\d+)\(sp\)$/.exec(ins[i]!)!;
        expect(Number(m2[2])).toBe(4 * saved.length);
        saved.push(m2[1]!);
      }
      expect(saved).toEqual(expect.arrayContaining(['s1', 's2', 's3', 's4']));
      // the callee-saved registers the emitter uses (ra too: every function here calls the runtime)
      expect(saved).toContain('ra');
      // every return: the same loads, sp restored, c.jr ra
      const rets = ins.flatMap((l, i) => (l === 'c.jr ra' ? [i] : []));
      expect(rets.length).toBeGreaterThan(0);
      for (const r of rets) {
        const up = /^(?:c\.addi sp,|addi sp,sp,)(\d+)$/.exec(ins[r - 1]!);
        expect(up && Number(up[1]), ins.slice(r - 8, r + 1).join('\n')).toBe(-Number(down![1]));
        const restored = ins.slice(r - 1 - saved.length, r - 1).map((l) => /^c\.lwsp (\w+),/.exec(l)?.[1]);
        expect(restored).toEqual(saved);
      }
    }
  });

  it('-march-flags is recorded in the header', () => {
    const m = readMpy(compile(SAMPLE, { sourceName: 't.py', arch: 'rv32imc', archFlags: 3 }));
    expect(m.header.archFlags).toBe(3);
  });
});

describe('viper type errors on rv32imc', () => {
  const V = VIPER_ERRORS;
  const cases = [V.localTypeChange, V.usedBeforeTypeKnown, V.compareIntUint, V.loadFromInt, V.divModUint, V.addIntObject, V.storeObjectPtr16, V.storeObjectPtr8, V.storeFloatPtr32, V.returnObject];
  it('messages and lines', () => {
    expectViperErrors(cases, 'rv32imc');
  });

  it('viper generators are refused as upstream does', () => {
    expect(compileError('@micropython.viper\ndef g():\n    yield 1\n', { arch: 'rv32imc' })).toContain('NotImplementedError');
  });
});

describe('-march-flags reaching the native emitter', () => {
  it('zcmp frames when the compiler hands the flags over', () => {
    const m = readMpy(compile(SAMPLE, { sourceName: 't.py', arch: 'rv32imc', archFlags: RV32_EXT_ZCMP }));
    const code = machineCode(m.root.children[0]!);
    const first = code[0]! | (code[1]! << 8);
    // Zcmp's cm.push opens the frame (without the flag, a plain addi sp/sw sequence does)
    const isPush = first >> 13 === 5 && ((first >> 8) & 0x1f) === 0x18 && (first & 3) === 2;
    expect(isPush).toBe(true);
    const plain = machineCode(readMpy(compile(SAMPLE, { sourceName: 't.py', arch: 'rv32imc' })).root.children[0]!);
    const plainFirst = plain[0]! | (plain[1]! << 8);
    expect(plainFirst >> 13 === 5 && ((plainFirst >> 8) & 0x1f) === 0x18 && (plainFirst & 3) === 2).toBe(false);
  });
});
