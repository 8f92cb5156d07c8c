// `mpi dis`, `mpi inspect`, `mpi run`: looking into .mpy files and firmware
// images, and running a frozen tree on the MicroPython WebAssembly VM.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../cli/run.ts';
import { MpyFormatError, readMpy, type MpyFile, type MpyRawCode } from '../mpy-reader.ts';
import { disassembleJson, disassembleText } from './dis.ts';
import { ElfFormatError } from './elf-info.ts';
import { FirmwareError, locateRomfs, type LocatedRomfs } from './firmware-romfs.ts';
import { RunSetupError, runOnVm, type RunFile } from './run.ts';

function readInput(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: cannot read: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
}

function readMpyOrFail(data: Uint8Array, name: string): MpyFile {
  try {
    return readMpy(data);
  } catch (e) {
    if (e instanceof MpyFormatError) throw new UserError(`${name}: not a valid .mpy: ${e.message}`);
    throw e;
  }
}

function locateOrFail(data: Uint8Array, name: string): LocatedRomfs {
  try {
    return locateRomfs(data);
  } catch (e) {
    if (e instanceof FirmwareError || e instanceof ElfFormatError) throw new UserError(`${name}: ${e.message}`);
    throw e;
  }
}

function countFunctions(rc: MpyRawCode): number {
  return 1 + rc.children.reduce((n, c) => n + countFunctions(c), 0);
}

/** One-line result of checking a .mpy file, and whether it passed. */
export function checkMpy(data: Uint8Array, expect?: { smallIntBits?: number; arch?: string }): { ok: boolean; text: string } {
  try {
    const f = readMpy(data);
    const h = f.header;
    const problems: string[] = [];
    if (expect?.smallIntBits !== undefined && h.smallIntBits > expect.smallIntBits) {
      problems.push(`small-int bits ${h.smallIntBits} > runtime's ${expect.smallIntBits}`);
    }
    if (h.arch !== 0 && expect?.arch !== undefined && h.archName !== expect.arch) problems.push(`native arch ${h.archName}, runtime is ${expect.arch}`);
    if (h.arch !== 0 && expect && expect.arch === undefined) problems.push(`native arch ${h.archName} but the runtime runs no native code`);
    const desc = `mpy v${h.version} arch ${h.archName} sib ${h.smallIntBits}, ${countFunctions(f.root)} functions`;
    return problems.length ? { ok: false, text: `${desc}: ${problems.join('; ')}` } : { ok: true, text: `${desc}, ok` };
  } catch (e) {
    if (e instanceof MpyFormatError) return { ok: false, text: `INVALID: ${e.message}` };
    throw e;
  }
}

const SECTION_FLAGS: [number, string][] = [
  [0x2, 'A'],
  [0x1, 'W'],
  [0x4, 'X'],
];

export function inspectText(name: string, data: Uint8Array, expect?: { smallIntBits?: number; arch?: string }): { text: string; ok: boolean } {
  const loc = locateOrFail(data, name);
  const out: string[] = [];
  let ok = true;
  if (loc.elf) {
    const e = loc.elf;
    out.push(`${name}: ELF${e.is64 ? '64' : '32'} ${e.type === 1 ? 'relocatable' : e.type === 2 ? 'executable' : `type ${e.type}`}, machine ${e.machine}, entry 0x${e.entry.toString(16)}, ${data.length} bytes`);
    out.push('sections:');
    out.push('  name                      addr        size  flags');
    for (const s of e.sections) {
      if (s.name === '' && s.size === 0) continue;
      const flags = SECTION_FLAGS.filter(([bit]) => s.flags & bit).map(([, c]) => c).join('');
      out.push(`  ${s.name.padEnd(22)} 0x${s.addr.toString(16).padStart(8, '0')} ${String(s.size).padStart(10)}  ${flags}`);
    }
  } else {
    out.push(`${name}: raw image, ${data.length} bytes`);
  }
  out.push(
    `ROMFS at file offset ${loc.offset} (0x${loc.offset.toString(16)}), ${loc.romfs.size} bytes` +
      (loc.regionSize !== undefined ? ` of a ${loc.regionSize}-byte region` : '') +
      (loc.via === 'elf-symbols' ? ' [_mpi_romfs_start/_end]' : ' [found by header scan]'),
  );
  if (loc.regionSize !== undefined && loc.romfs.size > loc.regionSize) {
    ok = false;
    out.push(`  ERROR: the ROMFS is larger than its region`);
  }
  const files = loc.romfs.entries.filter((x) => x.kind === 'file');
  let total = 0;
  for (const entry of loc.romfs.entries) {
    if (entry.kind === 'dir') {
      out.push(`  ${entry.path}/`);
      continue;
    }
    total += entry.size!;
    let note = '';
    if (entry.path.endsWith('.mpy')) {
      const r = checkMpy(entry.data!, expect);
      if (!r.ok) ok = false;
      note = r.text;
    }
    out.push(`  ${entry.path.padEnd(36)} ${String(entry.size).padStart(8)}  ${note}`.trimEnd());
  }
  out.push(`${files.length} files, ${total} bytes of file data`);
  return { text: out.join('\n') + '\n', ok };
}

/** Files of a directory tree, '/'-separated relative paths, sorted. */
function treeFiles(root: string): RunFile[] {
  const out: RunFile[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) out.push({ path: relative(root, full).split(sep).join('/'), data: new Uint8Array(readFileSync(full)) });
    }
  };
  walk(root);
  return out;
}

interface RunOptions {
  timeout?: string;
}

async function runCommand(target: string, args: string[], opts: RunOptions): Promise<void> {
  let files: RunFile[];
  let mainFile: string | undefined;
  let st;
  try {
    st = statSync(target);
  } catch {
    throw new UserError(`${target}: no such file or directory`);
  }
  if (st.isDirectory()) {
    files = treeFiles(target);
    if (!files.some((f) => f.path === 'main.py' || f.path === 'main.mpy')) throw new UserError(`${target}: no main.py or main.mpy to run`);
  } else if (target.endsWith('.py')) {
    // a single script: its folder becomes /rom so its neighbours import
    files = treeFiles(dirname(target));
    mainFile = basename(target);
  } else {
    const data = readInput(target);
    const loc = locateOrFail(data, target);
    files = loc.romfs.entries.filter((x) => x.kind === 'file').map((x) => ({ path: x.path, data: x.data! }));
    if (!files.some((f) => f.path === 'main.py' || f.path === 'main.mpy')) throw new UserError(`${target}: the ROMFS has no main.py or main.mpy`);
  }
  let timeoutSeconds: number | undefined;
  if (opts.timeout !== undefined) {
    timeoutSeconds = Number(opts.timeout);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UserError(`--timeout: expected a positive number of seconds, got ${opts.timeout}`);
  }
  try {
    const result = await runOnVm({
      files,
      mainFile,
      argv: [mainFile ?? 'main', ...args],
      timeoutSeconds,
      stdout: (c) => process.stdout.write(c),
      stderr: (c) => process.stderr.write(c),
    });
    if (result.timedOut) throw new UserError(`${target}: timed out after ${timeoutSeconds} s`, 124);
    process.exitCode = result.exitCode;
  } catch (e) {
    if (e instanceof RunSetupError) throw new UserError(e.message);
    throw e;
  }
}

export function registerToolCommands(program: Command): void {
  program
    .command('dis')
    .description('disassemble a .mpy file: header, qstr and constant tables, every function with its opcodes and source lines')
    .argument('<file>', '.mpy file')
    .option('--json', 'print the decoded file as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      const f = readMpyOrFail(readInput(file), file);
      if (opts.json) process.stdout.write(JSON.stringify(disassembleJson(f, file), null, 2) + '\n');
      else process.stdout.write(disassembleText(f, file));
    });

  program
    .command('inspect')
    .description('list the ROMFS of a firmware image or ELF, check every .mpy in it; sections and sizes for an ELF')
    .argument('<firmware>', 'firmware.img or firmware.elf')
    .option('-c, --config <file>', 'also check each .mpy against this mpconfig.json (small-int bits, native arch)')
    .action(async (file: string, opts: { config?: string }) => {
      let expect: { smallIntBits?: number; arch?: string } | undefined;
      if (opts.config !== undefined) {
        const { loadConfig } = await import('../config/index.ts');
        try {
          const cfg = loadConfig(opts.config);
          expect = { smallIntBits: cfg.runtimeSmallIntBits, arch: cfg.compile.arch };
        } catch (e) {
          throw new UserError((e as Error).message);
        }
      }
      const r = inspectText(file, readInput(file), expect);
      process.stdout.write(r.text);
      if (!r.ok) throw new UserError(`${file}: some frozen .mpy files failed the check`);
    });

  program
    .command('run')
    .description('run a firmware image\'s frozen tree, a folder or a .py file on the MicroPython WebAssembly VM (/rom, /rom/lib on sys.path, imports main)')
    .argument('<target>', 'firmware.img, firmware.elf, a folder, or a .py file')
    .argument('[args...]', 'arguments for the program (sys.argv[1:]); put them after --')
    .option('--timeout <seconds>', 'stop the program after this many seconds (exit code 124)')
    .action(async (target: string, args: string[], opts: RunOptions) => {
      await runCommand(target, args, opts);
    });
}
