// The whole `mpi link` flow as a user runs it: an mpconfig.json, freeze
// folders, the probe runtime; outputs written only on success; executable
// runtimes with a reserved region; the result booting in QEMU.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { registerLinkCommands } from '../../link/cli.ts';
import { compile } from '../../src/compile.ts';
import { buildRomfs } from '../../link/romfs/writer.ts';
import { patchExecutable } from '../../link/exec-image.ts';
import { HAVE_BINUTILS, HAVE_QEMU, run, scratch, warnSkip } from './toolchain.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const prebuilt = (board: string): string => join(ROOT, 'fixtures', 'runtime', 'prebuilt', `${board}.o`);

function project(board: 'RPI1' | 'RPI2', files: Record<string, string>): { dir: string; config: string } {
  const dir = scratch('mpi-fw-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, 'frozen', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'frozen', path), text);
  }
  const config = join(dir, 'mpconfig.json');
  writeFileSync(config, JSON.stringify({ board, link: { runtime: prebuilt(board.toLowerCase()), freeze: ['frozen'], output: 'out/firmware.img' } }));
  mkdirSync(join(dir, 'out'));
  return { dir, config };
}

async function mpi(...args: string[]): Promise<void> {
  const program = new Command('mpi').exitOverride();
  registerLinkCommands(program);
  await program.parseAsync(['node', 'mpi', ...args]);
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(hay).indexOf(Buffer.from(needle));
}

const FILES = {
  'main.py': 'import helper\nprint("frozen main", helper.twice(21))\n',
  'lib/helper.py': 'def twice(x):\n    return x * 2\n',
  'lib/data.txt': 'plain data\n',
};

describe.skipIf(!existsSync(prebuilt('rpi2')))('mpi link', () => {
  it('builds firmware.img (+ .elf, .map) holding the compiled frozen tree', async () => {
    const { dir, config } = project('RPI2', FILES);
    const log: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => { log.push(String(s)); return true; }) as typeof process.stdout.write;
    try {
      await mpi('link', '--config', config, '--elf', '--map');
    } finally {
      process.stdout.write = write;
    }
    const img = readFileSync(join(dir, 'out', 'firmware.img'));
    // the ROMFS inside is the one made from the compiled modules, with source names relative to the freeze folder
    const romfs = buildRomfs([
      { path: 'lib/data.txt', data: new TextEncoder().encode(FILES['lib/data.txt']) },
      { path: 'lib/helper.mpy', data: compile(FILES['lib/helper.py'], { sourceName: 'lib/helper.py' }) },
      { path: 'main.mpy', data: compile(FILES['main.py'], { sourceName: 'main.py' }) },
    ]);
    expect(indexOf(img, romfs)).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'out', 'firmware.map'), 'latin1')).toMatch(/\.mpi_romfs\s+0x[0-9a-f]{8} 0x[0-9a-f]{8}/);
    expect(readFileSync(join(dir, 'out', 'firmware.map'), 'latin1')).toMatch(/Memory region\s+Used Size\s+Region Size\s+%age Used/);
    expect(readFileSync(join(dir, 'out', 'firmware.elf')).subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    expect(log.join('')).toMatch(/ROMFS: \d+ B holding 3 file\(s\) \(2 compiled\)/);
    if (HAVE_BINUTILS) {
      // the ELF is readable by binutils and its entry is _start at the load address
      const hdr = run('arm-none-eabi-readelf', ['-h', join(dir, 'out', 'firmware.elf')]);
      expect(hdr).toMatch(/Entry point address:\s+0x8000/);
    }
  });

  it('writes nothing when a frozen module does not compile', async () => {
    const { dir, config } = project('RPI2', { 'main.py': 'x = (1,\n', 'ok.py': 'y = 1\n' });
    await expect(mpi('link', '--config', config)).rejects.toThrow(/frozen\/main\.py:\d+: SyntaxError/);
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
  });

  it('names a missing freeze folder', async () => {
    const { dir, config } = project('RPI2', FILES);
    await expect(mpi('link', '--config', config, '--freeze', join(dir, 'nope'))).rejects.toThrow(/nope: freeze folder does not exist/);
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
  });
});

describe.skipIf(!HAVE_BINUTILS || !existsSync(prebuilt('rpi2')))('executable runtime with a reserved region', () => {
  warnSkip('ET_EXEC tests', HAVE_BINUTILS);
  const dir = scratch();
  const script = join(dir, 'exec.ld');
  const makeExec = (): string => {
    writeFileSync(script, `ENTRY(_start)
SECTIONS {
  .text 0x8000 : { KEEP(*(.text.boot)) *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  .ARM.exidx : { __exidx_start = .; *(.ARM.exidx*) __exidx_end = .; }
  .init_array : { __init_array_start = .; __preinit_array_start = .; __preinit_array_end = .; KEEP(*(.init_array*)) __init_array_end = .; __fini_array_start = .; __fini_array_end = .; }
  .data : { *(.data .data.*) }
  .mpi_romfs ALIGN(16) : { _mpi_romfs_start = .; BYTE(0xee); . = _mpi_romfs_start + 0x800; _mpi_romfs_end = .; }
  .bss (NOLOAD) : { _bss_start = .; __bss_start__ = .; *(.bss .bss.* COMMON) _bss_end = .; __bss_end__ = .; _end = .; end = .; }
  _heap_start = .; _estack = 0x3b000000; _heap_end = _estack - 0x100000;
}`);
    const elf = join(dir, 'runtime.elf');
    run('arm-none-eabi-ld', ['-T', script, '-o', elf, prebuilt('rpi2')]);
    return elf;
  };

  it('writes the ROMFS into the region and nothing else changes', () => {
    const elf = makeExec();
    run('arm-none-eabi-objcopy', ['-O', 'binary', elf, join(dir, 'ref.img')]);
    const ref = readFileSync(join(dir, 'ref.img'));
    const syms = run('arm-none-eabi-nm', [elf]);
    const start = parseInt(/([0-9a-f]+) \w _mpi_romfs_start/.exec(syms)![1]!, 16);
    const romfs = buildRomfs([{ path: 'main.mpy', data: compile('print(1)\n', { sourceName: 'main.py' }) }]);
    const patched = patchExecutable(readFileSync(elf), elf, romfs);
    const expected = Buffer.from(ref);
    expected.fill(0, start - 0x8000, start - 0x8000 + 0x800);
    expected.set(romfs, start - 0x8000);
    expect(patched.regionStart).toBe(start);
    expect(Buffer.from(patched.image).equals(expected)).toBe(true);
  });

  it('reports a ROMFS that does not fit, in bytes', () => {
    const elf = makeExec();
    const big = buildRomfs([{ path: 'big.bin', data: new Uint8Array(0x900) }]);
    expect(() => patchExecutable(readFileSync(elf), elf, big)).toThrow(new RegExp(`ROMFS \\(${big.length} bytes\\) overflows the reserved region 0x[0-9a-f]+\\.\\.0x[0-9a-f]+ of .* by ${big.length - 0x800} bytes`));
  });
});

describe.skipIf(!HAVE_QEMU || !existsSync(prebuilt('rpi1')))('images boot in QEMU (probe runtime)', () => {
  warnSkip('QEMU boot tests', HAVE_QEMU);
  for (const [board, machine] of [['RPI1', 'raspi0'], ['RPI2', 'raspi2b']] as const) {
    it(`${board} on ${machine}`, async () => {
      const { dir, config } = project(board, FILES);
      await mpi('link', '--config', config, '--quiet');
      const r = spawnSync('qemu-system-arm', ['-M', machine, '-bios', join(dir, 'out', 'firmware.img'), '-nographic', '-semihosting', '-monitor', 'none'], { encoding: 'latin1', timeout: 20000 });
      expect(r.stdout).toMatch(/FILE \/main\.mpy \d+ [0-9a-f]{8}/);
      expect(r.stdout).toMatch(/MPY OK \/lib\/helper\.mpy/);
      expect(r.stdout).toMatch(/END files=3 .*status=OK/);
    });
  }
});
