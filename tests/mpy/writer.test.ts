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

describe('writeMpy on a hand-built module', () => {
  // def-less module: LOAD_CONST_OBJ 0; RETURN_VALUE, with a minimal prelude
  // (n_state 1, name qstr 1, no line info)
  const funData = Uint8Array.of(0x00, 0x02, 0x01, 0x23, 0x00, 0x63);
  const consts: ConstObj[] = [
    { kind: 'tuple', items: [{ kind: 'int', value: -(2n ** 100n) }, { kind: 'bytes', value: '' }, { kind: 'tuple', items: [] }] },
    { kind: 'str', value: 'h\xc3\xa9\x00x' },
    { kind: 'float', value: 0.1 },
    { kind: 'complex', real: 1, imag: -2 },
    { kind: 'none' },
    { kind: 'ellipsis' },
  ];
  const module: CompiledModule = {
    qstrs: ['m.py', '<module>', 'not_static_name'],
    consts,
    root: { kind: 'bytecode', funData, children: [] },
  };

  it('writes the header, static and inline qstrs and constant texts byte for byte', () => {
    const out = writeMpy(module, { ...defaultCompileOptions('m.py'), smallIntBits: 63 });
    const expected = [
      0x4d, 0x06, 0x00, 63, // header
      3, 6, // counts
      4 << 1, ...Buffer.from('m.py'), 0, // inline qstr
      (7 << 1) | 1, // '<module>' is static qstr 7
      15 << 1, ...Buffer.from('not_static_name'), 0,
      10, 3, 7, 32, ...Buffer.from('-1267650600228229401496703205376'), 6, 0, 0, 10, 0,
      5, 5, 0x68, 0xc3, 0xa9, 0x00, 0x78, 0,
      8, 3, ...Buffer.from('0.1'),
      9, 6, ...Buffer.from('(1-2j)'),
      1, 4,
      funData.length << 3, ...funData,
    ];
    expect(Array.from(out)).toEqual(expected);
  });

  it('reads back what it wrote', () => {
    const f = readMpy(writeMpy(module, defaultCompileOptions('m.py')));
    expect(f.qstrs.map((q) => q.value)).toEqual(module.qstrs);
    expect(f.consts.map((c) => c.kind)).toEqual(['tuple', 'str', 'float', 'complex', 'none', 'ellipsis']);
    expect(f.consts[3]).toMatchObject({ real: 1, imag: -2 });
    expect(f.root.ops!.map((o) => o.name)).toEqual(['LOAD_CONST_OBJ', 'RETURN_VALUE']);
  });

  it('refuses native code without a target architecture', () => {
    const native = { kind: 'native', funData: Uint8Array.of(0, 0, 2, 1), children: [], preludeOffset: 1 } as unknown as RawCode;
    expect(() => writeMpy({ ...module, root: native }, defaultCompileOptions('m.py'))).toThrow(/architecture/);
  });
});
