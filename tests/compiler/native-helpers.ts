// Helpers shared by the native/viper and inline-assembler tests: external tool
// checks, compiling for an arch, machine code of a raw code, viper type error
// tables, scratch directories.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, expect } from 'vitest';
import { compile } from '../../src/compile.ts';
import { readMpy, type MpyRawCode } from '../../src/mpy-reader.ts';
import type { NativeArch } from '../../src/options.ts';
import { scratch } from '../link/toolchain.ts';
import { compileError } from './helpers.ts';

/** True when every named external tool runs (`tool --version` exits 0). */
export function haveTools(...tools: string[]): boolean {
  return tools.every((t) => spawnSync(t, ['--version'], { stdio: 'ignore' }).status === 0);
}

/** Prints the loud skip banner when `have` is false: `*** SKIPPING <what>: <why> ***`. */
export function warnIfMissing(have: boolean, what: string, why: string): void {
  if (!have) console.warn(`\n*** SKIPPING ${what}: ${why} ***\n`);
}

/**
 * The sample module the native tests compile: `add` (native) and `checksum` (viper, summing `s += <term>`),
 * plus, when `guardedParam` is given, `guarded(<param>)` (native, a try/except around a call).
 */
export function nativeSample(term = 'p[i]', guardedParam?: string): string {
  const guarded =
    guardedParam === undefined
      ? ''
      : `\n@micropython.native\ndef guarded(${guardedParam}):\n    try:\n        return ${guardedParam}()\n    except ValueError:\n        return None\n`;
  return `
import micropython

@micropython.native
def add(a, b):
    return a + b

@micropython.viper
def checksum(p: ptr8, n: int) -> int:
    s = 0
    for i in range(n):
        if p[i] < 10:
            s += ${term}
    return s
${guarded}`;
}

/** Compiles `src` (as t.py) to .mpy bytes for `arch`, optionally with -X emit=native/viper. */
export function mpyFor(src: string, arch: NativeArch, emit?: 'native' | 'viper'): Uint8Array {
  return compile(src, { sourceName: 't.py', arch, ...(emit ? { emit } : {}) });
}

/** The machine code of a native/viper function: native code starts after its prelude-index word (`wordBytes` wide) and ends at the prelude. */
export function machineCode(rc: MpyRawCode, wordBytes = 4): Uint8Array {
  if (rc.kind === 'viper') return rc.funData;
  if (rc.kind !== 'native') throw new Error(`not machine code: ${rc.kind}`);
  return rc.funData.subarray(wordBytes, rc.actualPreludeOffset ?? rc.preludeOffset);
}

/** The first function of a compiled module, asserted to be inline-assembler code. */
export function asmRawCode(mpy: Uint8Array): MpyRawCode {
  const rc = readMpy(mpy).root.children[0]!;
  expect(rc.kind).toBe('asm');
  return rc;
}

/** Runs `objcopy -O binary -j .text obj bin` and returns the bytes of bin. */
export function textSection(objcopy: string, obj: string, bin: string): Buffer {
  const cp = spawnSync(objcopy, ['-O', 'binary', '-j', '.text', obj, bin], { encoding: 'utf8' });
  if (cp.status !== 0) throw new Error(`objcopy failed: ${cp.stderr}`);
  return readFileSync(bin);
}

/** Makes scratch directories (prefix given per call) that are all removed after the calling test file. */
export function scratchDirs(): (prefix: string) => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return (prefix) => {
    const d = scratch(prefix);
    dirs.push(d);
    return d;
  };
}

/** A viper type error: the snippet, and the line and message upstream's emitnative.c reports for it. */
export interface ViperErrorCase {
  src: string;
  line: number;
  message: string;
}

/** Viper type error cases (last error of the pass wins); each arch's test picks the ones it checks. */
export const VIPER_ERRORS = {
  localTypeChange: { src: 'x = 1\n@micropython.viper\ndef f(a: int):\n    y = a\n    y = object()\n', line: 5, message: "local 'y' has type 'int' but source is 'object'" },
  usedBeforeTypeKnown: { src: '@micropython.viper\ndef f():\n    print(x)\n    x = 1\n', line: 3, message: "local 'x' used before type known" },
  compareIntUint: { src: '@micropython.viper\ndef f(a: int, b: uint) -> bool:\n    c = 1\n    return a < b\n', line: 4, message: 'comparison of int and uint' },
  loadFromInt: { src: '@micropython.viper\ndef f(a: int) -> int:\n    c = 1\n    return a[0]\n', line: 4, message: "can't load from 'int'" },
  divModUint: { src: '@micropython.viper\ndef f(a: uint, b: uint) -> int:\n    c = 1\n    return a // b\n', line: 4, message: 'div/mod not implemented for uint' },
  addIntObject: { src: '@micropython.viper\ndef f(a: int, b) -> int:\n    c = 1\n    return a + b\n', line: 4, message: "can't do binary op between 'int' and 'object'" },
  shiftIntObject: { src: '@micropython.viper\ndef f(a: int, b) -> int:\n    c = 1\n    return a << b\n', line: 4, message: "can't do binary op between 'int' and 'object'" },
  storeObjectPtr16: { src: '@micropython.viper\ndef f(p: ptr16, v) -> int:\n    c = 1\n    p[c] = v\n    return 0\n', line: 4, message: "can't store 'object'" },
  storeObjectPtr8: { src: '@micropython.viper\ndef f(p: ptr8, v) -> int:\n    p[1] = v\n    return 0\n', line: 3, message: "can't store 'object'" },
  storeFloatPtr32: { src: '@micropython.viper\ndef f(p: ptr32, i: int) -> int:\n    p[i] = 1.5\n    return 0\n', line: 3, message: "can't store 'object'" },
  returnObject: { src: '@micropython.viper\ndef f(a) -> int:\n    return a\n', line: 2, message: "return expected 'int' but got 'object'" },
} as const satisfies Record<string, ViperErrorCase>;

/** Asserts each case fails to compile for `arch` with exactly the CLI's ViperTypeError traceback. */
export function expectViperErrors(cases: readonly ViperErrorCase[], arch: NativeArch): void {
  for (const c of cases) {
    expect(compileError(c.src, { arch }), c.src).toBe(
      `Traceback (most recent call last):\n  File "t.py", line ${c.line}, in f\nViperTypeError: ${c.message}\n`,
    );
  }
}
