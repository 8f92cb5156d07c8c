// Shared helpers for the linker tests: the GNU arm-none-eabi tools are the
// reference. Tests that need them skip with a loud reason when missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitLdScript } from '../../link/script.ts';
import type { Layout } from '../../link/layout.ts';

function has(tool: string): boolean {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
}

export const HAVE_BINUTILS = has('arm-none-eabi-as') && has('arm-none-eabi-ld') && has('arm-none-eabi-objcopy');
export const HAVE_GCC = HAVE_BINUTILS && has('arm-none-eabi-gcc');
export const HAVE_QEMU = has('qemu-system-arm');

export function warnSkip(what: string, ok: boolean): void {
  if (!ok) console.warn(`\n*** SKIPPING ${what}: arm-none-eabi binutils/gcc or qemu-system-arm not installed (apt install binutils-arm-none-eabi gcc-arm-none-eabi qemu-system-arm) ***\n`);
}

export function scratch(prefix = 'mpi-link-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'latin1', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Assembles `source` into an object; returns its path. */
export function assemble(dir: string, name: string, source: string, flags: string[] = ['-mcpu=arm1176jzf-s']): string {
  const s = join(dir, `${name}.s`);
  const o = join(dir, `${name}.o`);
  writeFileSync(s, source);
  run('arm-none-eabi-as', [...flags, s, '-o', o]);
  return o;
}

/** The reference image: GNU ld with the layout's emitted script, the ROMFS as romfs.o, objcopy -O binary. */
export function referenceImage(dir: string, layout: Layout, objects: string[], romfs: Uint8Array): Uint8Array {
  const script = join(dir, 'layout.ld');
  writeFileSync(script, emitLdScript(layout));
  writeFileSync(join(dir, 'romfs.bin'), romfs);
  run('arm-none-eabi-objcopy', ['-I', 'binary', '-O', 'elf32-littlearm', '-B', 'arm', '--rename-section', '.data=.mpi_romfs', 'romfs.bin', 'romfs.o'], dir);
  const elf = join(dir, 'ref.elf');
  run('arm-none-eabi-ld', ['-T', script, '-o', elf, ...objects, join(dir, 'romfs.o')]);
  const img = join(dir, 'ref.img');
  run('arm-none-eabi-objcopy', ['-O', 'binary', elf, img]);
  return readFileSync(img);
}

/** Relocation type names present in an object (readelf -r), to prove a test exercises what it claims. */
export function relocationTypes(obj: string): Set<string> {
  const out = run('arm-none-eabi-readelf', ['-rW', obj]);
  const types = new Set<string>();
  for (const m of out.matchAll(/\bR_ARM_[A-Z0-9_]+/g)) types.add(m[0]);
  return types;
}

/** First differing offset of two images, for readable failures. */
export function firstDifference(a: Uint8Array, b: Uint8Array): string {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return `first difference at image offset 0x${i.toString(16)}: ${a[i]} vs ${b[i]}`;
  return a.length === b.length ? 'identical' : `lengths differ: ${a.length} vs ${b.length}`;
}
