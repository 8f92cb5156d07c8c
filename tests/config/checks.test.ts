// Link-time checks: frozen .mpy files the configured runtime could not load
// are refused with the file and the reason.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.ts';
import { checkFreezeSupport, checkFrozenMpy, frozenInfo, type FrozenMpyInfo } from '../../src/config/checks.ts';

const rpi1 = resolveConfig({ board: 'RPI1' }, 'mpconfig.json');
const rpi1Native = resolveConfig({ board: 'RPI1', features: { MICROPY_EMIT_ARM: true } }, 'mpconfig.json');
const rpi2Thumb = resolveConfig({ board: 'RPI2', features: { MICROPY_EMIT_THUMB: true }, compiler: { arch: 'armv7emdp' } }, 'mpconfig.json');
const noFloat = resolveConfig({ board: 'RPI1', romLevel: 'CORE_FEATURES', features: { MICROPY_FLOAT_IMPL: 'NONE', MICROPY_LONGINT_IMPL: 'NONE' } }, 'mpconfig.json');
const longlong = resolveConfig({ board: 'RPI1', features: { MICROPY_LONGINT_IMPL: 'LONGLONG' } }, 'mpconfig.json');

function mpy(over: Partial<FrozenMpyInfo> = {}): FrozenMpyInfo {
  return {
    file: 'lib/helper.mpy',
    version: 6,
    subVersion: 0,
    smallIntBits: 31,
    codeKinds: new Set(['bytecode']),
    hasFloatConst: false,
    hasComplexConst: false,
    intConsts: [],
    ...over,
  };
}
const reasons = (cfg: typeof rpi1, m: FrozenMpyInfo) => checkFrozenMpy(cfg, m).map((p) => `${p.file}: ${p.reason}`);

describe('checkFrozenMpy', () => {
  it('accepts plain bytecode for the default Pi runtime', () => {
    expect(reasons(rpi1, mpy({ hasFloatConst: true, hasComplexConst: true, intConsts: [1n << 100n] }))).toEqual([]);
  });

  it('refuses another .mpy version', () => {
    expect(reasons(rpi1, mpy({ version: 5 }))).toEqual(['lib/helper.mpy: .mpy version 5, but the runtime (MicroPython v1.28) loads version 6']);
  });

  it('refuses small ints wider than the runtime holds', () => {
    expect(reasons(rpi1, mpy({ smallIntBits: 63 }))[0]).toMatch(/^lib\/helper\.mpy: compiled for 63-bit small ints, but the runtime's small ints have 31 bits/);
    expect(reasons(rpi1, mpy({ smallIntBits: 30 }))).toEqual([]);
  });

  it('checks native code against what the runtime can load', () => {
    const native = mpy({ arch: 'armv6', subVersion: 3, codeKinds: new Set(['bytecode', 'native']) });
    expect(reasons(rpi1, native).join('\n')).toMatch(/cannot load native code \(MICROPY_PERSISTENT_CODE_LOAD_NATIVE is 0\)/);
    expect(reasons(rpi1Native, native)).toEqual([]);
    expect(reasons(rpi1Native, { ...native, arch: 'armv7m' })).toEqual([
      'lib/helper.mpy: holds armv7m machine code, but the runtime runs armv6 code',
    ]);
    expect(reasons(rpi1Native, { ...native, arch: 'x64' })[0]).toMatch(/holds x64 machine code/);
    expect(reasons(rpi1Native, { ...native, subVersion: 2 })[0]).toMatch(/sub-version 2/);
    // a Thumb-2 runtime takes the Thumb family up to its own arch, not ARM code
    expect(reasons(rpi2Thumb, { ...native, arch: 'armv7m' })).toEqual([]);
    expect(reasons(rpi2Thumb, { ...native, arch: 'armv6m' })).toEqual([]);
    expect(reasons(rpi2Thumb, { ...native, arch: 'armv6' })[0]).toMatch(/holds armv6 machine code, but the runtime runs armv7emdp code/);
  });

  it('refuses constants the runtime has no type for', () => {
    expect(reasons(noFloat, mpy({ hasFloatConst: true }))).toEqual([
      'lib/helper.mpy: has float constants, but the runtime has no floats (MICROPY_FLOAT_IMPL is NONE)',
    ]);
    expect(reasons(noFloat, mpy({ hasComplexConst: true }))[0]).toMatch(/has complex constants/);
    expect(reasons(noFloat, mpy({ intConsts: [1n << 40n] }))[0]).toMatch(/has the int constant 1099511627776, but the runtime has small ints only/);
    expect(reasons(longlong, mpy({ intConsts: [(1n << 63n) - 1n] }))).toEqual([]);
    expect(reasons(longlong, mpy({ intConsts: [1n << 63n] }))[0]).toMatch(/64-bit long ints/);
  });
});

describe('frozenInfo', () => {
  it('summarises a parsed .mpy (the shape src/mpy-reader.ts returns)', () => {
    const info = frozenInfo('main.mpy', {
      header: { version: 6, subVersion: 0, archName: 'none', smallIntBits: 31 },
      consts: [
        { kind: 'str', value: 'x' },
        { kind: 'tuple', items: [{ kind: 'float', value: 1.5 }, { kind: 'int', value: 1n << 80n }] },
      ],
      root: { kind: 'bytecode', children: [{ kind: 'viper', children: [] }] },
    });
    expect(info.hasFloatConst).toBe(true);
    expect(info.hasComplexConst).toBe(false);
    expect(info.intConsts).toEqual([1n << 80n]);
    expect([...info.codeKinds].sort()).toEqual(['bytecode', 'viper']);
    expect(reasons(rpi1, info)).toEqual(['main.mpy: holds viper functions, but the runtime has no native code support']);
  });
});

describe('checkFreezeSupport', () => {
  it('needs a ROMFS-capable runtime', () => {
    expect(checkFreezeSupport(rpi1, true)).toEqual([]);
    const noRom = resolveConfig({ board: 'RPI1', features: { MICROPY_VFS_ROM: false, MICROPY_PERSISTENT_CODE_LOAD: false } }, 'x.json');
    expect(checkFreezeSupport(noRom, true)).toEqual([
      'frozen code goes into a ROMFS, but MICROPY_VFS_ROM is 0',
      'frozen .mpy files need MICROPY_PERSISTENT_CODE_LOAD',
    ]);
  });
});
