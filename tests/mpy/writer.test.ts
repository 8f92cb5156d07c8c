// The writer reproduces every golden .mpy byte for byte from its parsed
// contents: header, qstr table (static numbers vs inline bytes), constant
// texts (ints, floats and complex re-rendered from their values), raw codes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readMpy, type MpyConst, type MpyFile, type MpyRawCode } from '../../src/mpy-reader.ts';
import { FUN_TABLE_CONST, writeMpy, type NativeRawCodeShape } from '../../src/writer.ts';
import { defaultCompileOptions, type NativeArch } from '../../src/options.ts';
import type { ConstObj } from '../../src/objects.ts';
import type { CompiledModule, RawCode } from '../../src/rawcode.ts';
import { goldenMpyFiles } from './golden-files.ts';

function toConst(c: MpyConst): ConstObj {
  switch (c.kind) {
    case 'funtable':
      return FUN_TABLE_CONST as unknown as ConstObj;
    case 'int':
      return { kind: 'int', value: c.value };
    case 'float':
      return { kind: 'float', value: c.value };
    case 'complex':
      return { kind: 'complex', real: c.real, imag: c.imag };
    case 'tuple':
      return { kind: 'tuple', items: c.items.map(toConst) };
    default:
      return c;
  }
}

function toRawCode(rc: MpyRawCode): RawCode {
  const children = rc.children.map(toRawCode);
  if (rc.kind === 'bytecode') return { kind: 'bytecode', funData: rc.funData, children };
  const native: NativeRawCodeShape = {
    kind: rc.kind,
    funData: rc.funData,
    children,
    preludeOffset: rc.preludeOffset,
    asmNPosArgs: rc.asmNPosArgs,
    asmTypeSig: rc.asmTypeSig,
  };
  return native as unknown as RawCode;
}

function toModule(f: MpyFile): CompiledModule {
  return { qstrs: f.qstrs.map((q) => q.value), consts: f.consts.map(toConst), root: toRawCode(f.root) };
}

const ARCH_OF_VARIANT: Record<string, NativeArch> = { 'armv6-native': 'armv6', 'armv6-viper': 'armv6', 'armv7m-native': 'armv7m', 'x64-native': 'x64' };

describe('writeMpy', () => {
  const files = goldenMpyFiles();
  it('finds the golden vectors', () => {
    expect(files.length).toBeGreaterThan(1000);
  });
  it('rebuilds every golden .mpy byte for byte from its parsed contents', () => {
    let checked = 0;
    const failures: string[] = [];
    for (const g of files) {
      const data = readFileSync(g.path);
      const parsed = readMpy(data, { file: g.name });
      const options = { ...defaultCompileOptions(parsed.qstrs[0]!.value), smallIntBits: parsed.header.smallIntBits, arch: ARCH_OF_VARIANT[g.variant] };
      const out = writeMpy(toModule(parsed), options);
      checked++;
      if (Buffer.compare(Buffer.from(out), data) !== 0) failures.push(`${g.variant}/${g.name}`);
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });
});
