// Boot-test helpers: link the probe runtime with a ROMFS image, run it in
// QEMU, parse the report it prints on UART0, and compute on the host what it
// should say.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, runBin } from '../helpers/cli.ts';

export type BoardName = 'RPI1' | 'RPI2';

export interface BoardInfo {
  /** QEMU machine */
  machine: string;
  /** the probe runtime's prebuilt relocatable object */
  runtime: string;
  /** name the probe prints in its PROBE line */
  probeName: string;
}

export const BOARDS: Record<BoardName, BoardInfo> = {
  RPI1: { machine: 'raspi0', runtime: join(ROOT, 'fixtures/runtime/prebuilt/rpi1.o'), probeName: 'rpi1' },
  RPI2: { machine: 'raspi2b', runtime: join(ROOT, 'fixtures/runtime/prebuilt/rpi2.o'), probeName: 'rpi2' },
};

export const GNU_LD = 'arm-none-eabi-ld';
export const OBJCOPY = 'arm-none-eabi-objcopy';
export const QEMU = 'qemu-system-arm';

/** Tools of the list that cannot be run. */
export function missingTools(tools: readonly string[]): string[] {
  return tools.filter((t) => {
    const r = spawnSync(t, ['--version'], { stdio: 'ignore' });
    return r.error !== undefined || r.status !== 0;
  });
}

/** Says loudly why a test does not run (vitest prints skipped tests quietly). */
export function skipReason(area: string, missing: readonly string[]): string | undefined {
  if (missing.length === 0) return undefined;
  const why = `${area}: SKIPPED, missing tool(s): ${missing.join(', ')} (install gcc-arm-none-eabi, binutils-arm-none-eabi, qemu-system-arm)`;
  process.stderr.write(`\n*** ${why} ***\n\n`);
  return why;
}

export function tempDir(prefix = 'mpi-boot-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function run(cmd: string, args: string[], cwd?: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr}`);
  }
}

/**
 * Links the probe with an arbitrary ROMFS image through GNU ld (romfs.o from
 * the raw bytes, a kernel.ld written here, objcopy -O binary). Only for the
 * probe's self-test with deliberately broken .mpy files, which `mpi link`
 * rightly refuses to freeze; firmware images proper come from `mpi link`.
 */
export function linkWithGnuLd(board: BoardName, romfs: Uint8Array, dir: string): string {
  const romfsFile = join(dir, 'frozen.romfs');
  writeFileSync(romfsFile, romfs);
  run(OBJCOPY, ['-I', 'binary', '-O', 'elf32-littlearm', '-B', 'arm', '--rename-section', '.data=.mpi_romfs', 'frozen.romfs', 'romfs.o'], dir);
  writeFileSync(join(dir, 'probe.ld'), PROBE_LD_SCRIPT);
  run(GNU_LD, ['-T', 'probe.ld', BOARDS[board].runtime, 'romfs.o', '-o', 'firmware.elf'], dir);
  run(OBJCOPY, ['-O', 'binary', 'firmware.elf', 'firmware.img'], dir);
  return join(dir, 'firmware.img');
}

/** A minimal kernel.ld for the probe: load at 0x8000, ROMFS after .data. */
const PROBE_LD_SCRIPT = `ENTRY(_start)
MEMORY { RAM (rwx) : ORIGIN = 0x8000, LENGTH = 0x7FF8000 }
SECTIONS {
  .text 0x8000 : { KEEP(*(.text.boot)) *(.text .text.*) } > RAM
  .rodata : { *(.rodata .rodata.*) } > RAM
  .ARM.extab : { *(.ARM.extab .ARM.extab.*) } > RAM
  .ARM.exidx : { __exidx_start = .; *(.ARM.exidx .ARM.exidx.*) __exidx_end = .; } > RAM
  .init_array : ALIGN(4) { __init_array_start = .; KEEP(*(SORT_BY_INIT_PRIORITY(.init_array.*))) KEEP(*(.init_array)) __init_array_end = .; } > RAM
  .data : ALIGN(4) { *(.data .data.*) } > RAM
  .mpi_romfs : ALIGN(16) { _mpi_romfs_start = .; KEEP(*(.mpi_romfs)) _mpi_romfs_end = .; } > RAM
  .bss (NOLOAD) : ALIGN(4) { _bss_start = .; *(.bss .bss.* COMMON) . = ALIGN(4); _bss_end = .; } > RAM
  _heap_start = ALIGN(8);
  _estack = 0x08000000;
  _heap_end = _estack - 0x100000;
  /DISCARD/ : { *(.comment) }
}
`;

export interface QemuRun {
  /** QEMU's exit status (0: the probe finished its report) */
  status: number | null;
  timedOut: boolean;
  /** UART output with CR LF turned into LF */
  output: string;
}

/** Boots a raw image (-bios, loaded at 0x8000) or an ELF (-kernel). */
export function runQemu(board: BoardName, image: string, timeoutMs = 30_000, how: '-bios' | '-kernel' = '-bios'): QemuRun {
  if (!existsSync(image)) throw new Error(`no image at ${image}`);
  const r = spawnSync(
    QEMU,
    ['-M', BOARDS[board].machine, how, image, '-nographic', '-semihosting', '-no-reboot'],
    { encoding: 'latin1', timeout: timeoutMs, killSignal: 'SIGKILL', input: '', maxBuffer: 64 * 1024 * 1024 },
  );
  const timedOut = r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
  return { status: r.status, timedOut, output: (r.stdout ?? '').replace(/\r\n/g, '\n') };
}

export interface MpyResult {
  ok: boolean;
  /** OK: the counters; FAIL: "@offset: reason" */
  detail: string;
}

export interface ProbeReport {
  board?: string;
  romfsAddress?: number;
  romfsSize?: number;
  link?: string;
  romfsError?: string;
  fault?: string;
  files: Map<string, { size: number; crc: number }>;
  mpy: Map<string, MpyResult>;
  end?: Record<string, string>;
  /** lines the parser did not recognise */
  unknown: string[];
}

/** Undoes the probe's \xHH escaping of path bytes. */
function unescapePath(p: string): string {
  return p.replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

export function parseReport(output: string): ProbeReport {
  const rep: ProbeReport = { files: new Map(), mpy: new Map(), unknown: [] };
  for (const line of output.split('\n')) {
    let m: RegExpMatchArray | null;
    if (line === '') continue;
    if ((m = line.match(/^PROBE (\S+) romfs=0x([0-9a-f]{8}) size=(\d+)$/))) {
      rep.board = m[1];
      rep.romfsAddress = parseInt(m[2]!, 16);
      rep.romfsSize = Number(m[3]);
    } else if ((m = line.match(/^LINK (.*)$/))) {
      rep.link = m[1];
    } else if ((m = line.match(/^FILE (\S+) (\d+) ([0-9a-f]{8})$/))) {
      rep.files.set(unescapePath(m[1]!), { size: Number(m[2]), crc: parseInt(m[3]!, 16) });
    } else if ((m = line.match(/^MPY (OK|FAIL) (\S+) (.*)$/))) {
      rep.mpy.set(unescapePath(m[2]!), { ok: m[1] === 'OK', detail: m[3]! });
    } else if ((m = line.match(/^ROMFS FAIL (.*)$/))) {
      rep.romfsError = m[1];
    } else if ((m = line.match(/^PROBE (FAULT .*|abort)$/))) {
      rep.fault = m[1];
    } else if ((m = line.match(/^END (.*)$/))) {
      rep.end = Object.fromEntries(m[1]!.split(' ').map((kv) => kv.split('=') as [string, string]));
    } else {
      rep.unknown.push(line);
    }
  }
  return rep;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** What the probe must report for these files: '/'-rooted path -> size, CRC. */
export function expectedFiles(entries: readonly { path: string; data: Uint8Array }[]): Map<string, { size: number; crc: number }> {
  return new Map(entries.map((e) => ['/' + e.path, { size: e.data.length, crc: crc32(e.data) }]));
}

/** Deterministic pseudo-random bytes (xorshift32), for data files. */
export function pseudoRandomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Writes files (relative '/'-separated paths) under dir. */
export function writeTree(dir: string, entries: readonly { path: string; data: Uint8Array }[]): void {
  for (const e of entries) {
    const full = join(dir, ...e.path.split('/'));
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, e.data);
  }
}

/** Runs `mpi link ARGS` (the built CLI); throws with its stderr on failure. */
export function mpiLink(args: string[], cwd?: string): void {
  const r = runBin('mpi', ['link', '-q', ...args], { cwd, timeoutMs: 120_000 });
  if (r.status !== 0) throw new Error(`mpi link ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
}
