// `mpi link`: frozen folders -> .mpy files -> ROMFS -> linked firmware.img.
// Everything is computed in memory first; files are written only when the
// whole build succeeded.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { LinkError, hex } from './errors.ts';
import { compile } from '../src/compile.ts';
import { CompileError } from '../src/errors.ts';
import type { ResolvedConfig } from '../src/config/types.ts';
import { checkFreezeSupport, checkFrozenMpy, frozenInfo, type FrozenMpyInfo } from '../src/config/checks.ts';
import { MpyFormatError, readMpy } from '../src/mpy-reader.ts';
import { buildRomfs, collectDir, type RomfsEntry } from './romfs/writer.ts';
import { readElf } from './elf/reader.ts';
import { ElfType } from './elf/format.ts';
import { link, type LinkedImage } from './linker.ts';
import { patchExecutable, type PatchedExecutable } from './exec-image.ts';
import { buildElf } from './writer.ts';
import { buildMap, memoryUsage } from './map.ts';
import type { Layout } from './layout.ts';
import type { LinkStage } from './progress.ts';
import type { CompileCache } from './compile-cache.ts';

export interface FrozenModule {
  /** path inside the ROMFS */
  readonly path: string;
  readonly data: Uint8Array;
  readonly origin: 'compiled' | 'mpy' | 'data';
  /** host file it came from */
  readonly from: string;
}

/**
 * Checks a prebuilt .mpy against what the configured runtime can load, with
 * the config's link-time rules (src/config/checks.ts: version, small ints,
 * native arch and support, float/complex/big-int constants, wrapped native
 * preludes). Returns the reasons it is refused (empty: fine).
 */
export function frozenMpyProblems(data: Uint8Array, file: string, config: ResolvedConfig): string[] {
  let info: FrozenMpyInfo;
  try {
    info = frozenInfo(file, readMpy(data, { file }));
  } catch (err) {
    if (!(err instanceof MpyFormatError)) throw err;
    // Another format version cannot be parsed, but the header says enough to explain why.
    if (data.length >= 2 && data[0] === 0x4d && data[1] !== MPY_VERSION) {
      return checkFrozenMpy(config, headerOnlyInfo(file, data)).map((p) => p.reason);
    }
    return [`not a valid .mpy file: ${err.message.startsWith(file + ': ') ? err.message.slice(file.length + 2) : err.message}`];
  }
  return checkFrozenMpy(config, info).map((p) => p.reason);
}

const MPY_VERSION = 6;

/** What the first bytes of an .mpy of another version tell (its body is not readable). */
function headerOnlyInfo(file: string, data: Uint8Array): FrozenMpyInfo {
  return {
    file,
    version: data[1]!,
    subVersion: (data[2] ?? 0) & 3,
    smallIntBits: data[3] ?? 0,
    codeKinds: new Set(),
    hasFloatConst: false,
    hasComplexConst: false,
    intConsts: [],
  };
}

export interface CollectOptions {
  /** called before each .py file is compiled and once when all are done */
  readonly onCompile?: (done: number, total: number) => void;
  /** reuse earlier compiler output for unchanged modules */
  readonly cache?: CompileCache;
}

/** Compiles / checks / copies the files of the freeze folders into ROMFS entries. */
export function collectFrozen(folders: readonly string[], config: ResolvedConfig, opts: CollectOptions = {}): { modules: FrozenModule[]; dirs: string[] } {
  const modules: FrozenModule[] = [];
  const byPath = new Map<string, string>();
  const dirs = new Set<string>();
  const trees = folders.map((folder) => {
    if (!existsSync(folder)) throw new LinkError(`${folder}: freeze folder does not exist`);
    if (!statSync(folder).isDirectory()) throw new LinkError(`${folder}: freeze folder is not a folder`);
    return { folder, tree: collectDir(folder) };
  });
  const total = trees.reduce((n, t) => n + t.tree.entries.filter((e) => extname(e.path) === '.py').length, 0);
  let done = 0;
  for (const { folder, tree } of trees) {
    tree.dirs.forEach((d) => dirs.add(d));
    for (const e of tree.entries) {
      const host = `${folder}/${e.path}`;
      let m: FrozenModule;
      if (extname(e.path) === '.py') {
        opts.onCompile?.(done++, total);
        m = { path: e.path.slice(0, -3) + '.mpy', data: compileFrozen(e.data, e.path, host, config, opts.cache), origin: 'compiled', from: host };
      } else if (extname(e.path) === '.mpy') {
        const problems = frozenMpyProblems(e.data, host, config);
        if (problems.length > 0) throw new LinkError(`${host}: ${problems.join('; ')}`);
        m = { path: e.path, data: e.data, origin: 'mpy', from: host };
      } else {
        m = { path: e.path, data: e.data, origin: 'data', from: host };
      }
      const prev = byPath.get(m.path);
      if (prev) throw new LinkError(`${host}: gives /${m.path}, which ${prev} gives too`);
      byPath.set(m.path, host);
      modules.push(m);
    }
  }
  if (total > 0) opts.onCompile?.(total, total);
  const configProblems = checkFreezeSupport(config, modules.some((m) => m.origin !== 'data'));
  if (modules.length > 0 && configProblems.length > 0) {
    throw new LinkError(`${config.file}: cannot freeze ${folders.join(', ')}: ${configProblems.join('; ')}`);
  }
  return { modules, dirs: [...dirs] };
}

/** One frozen .py to .mpy; the source name is its path in the freeze folder. */
function compileFrozen(source: Uint8Array, sourceName: string, host: string, config: ResolvedConfig, cache: CompileCache | undefined): Uint8Array {
  const key = cache?.key(source, sourceName);
  const cached = key !== undefined ? cache!.get(key) : undefined;
  if (cached) return cached;
  try {
    const out = compile(source, { ...config.compile, sourceName });
    if (key !== undefined) cache!.put(key, out);
    return out;
  } catch (err) {
    if (err instanceof CompileError) {
      const line = err.line !== undefined ? `:${err.line}` : '';
      throw new LinkError(`${host}${line}: ${err.kind}: ${err.message}`);
    }
    throw err;
  }
}

export interface FirmwareBuild {
  readonly image: Uint8Array;
  readonly elf?: Uint8Array;
  readonly map?: string;
  readonly romfs: Uint8Array;
  readonly modules: readonly FrozenModule[];
  readonly report: string;
  readonly linked?: LinkedImage;
  readonly patched?: PatchedExecutable;
}

export interface FirmwareRequest {
  readonly runtimePath: string;
  readonly layout: Layout;
  readonly freeze: readonly string[];
  readonly config: ResolvedConfig;
  readonly elf: boolean;
  readonly map: boolean;
  /** told about each stage (for a terminal spinner) */
  readonly progress?: (stage: LinkStage) => void;
  /** compile cache (see compile-cache.ts); the caller flushes it once the outputs are written. None: compile everything */
  readonly cache?: CompileCache;
}

function kib(n: number): string {
  return n >= 10240 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

export function buildFirmware(req: FirmwareRequest): FirmwareBuild {
  const progress = req.progress ?? ((): void => {});
  const cache = req.cache;
  const { modules, dirs } = collectFrozen(req.freeze, req.config, { cache, onCompile: (done, total) => progress({ stage: 'compile', done, total }) });
  progress({ stage: 'romfs', files: modules.length });
  const entries: RomfsEntry[] = modules.map((m) => ({ path: m.path, data: m.data }));
  const romfs = buildRomfs(entries, { dirs });
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(req.runtimePath);
  } catch (err) {
    throw new LinkError(`${req.runtimePath}: cannot read runtime: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  progress({ stage: 'link' });
  const elfType = readElf(bytes, req.runtimePath).type;
  const lines: string[] = [];
  let result: FirmwareBuild;
  if (elfType === ElfType.EXEC) {
    const patched = patchExecutable(bytes, req.runtimePath, romfs);
    lines.push(`executable runtime: ROMFS written into ${hex(patched.regionStart)}..${hex(patched.regionEnd)} (${romfs.length} of ${patched.regionEnd - patched.regionStart} bytes)`);
    result = { image: patched.image, elf: req.elf ? patched.elf : undefined, romfs, modules, report: '', patched };
  } else if (elfType === ElfType.REL) {
    const linked = link({ layout: req.layout, objects: [{ name: req.runtimePath, bytes }], romfs });
    const rom = linked.placement.outputs.find((o) => [...o.inputs()].some((s) => s.name === '.mpi_romfs'));
    if (!rom) throw new LinkError('layout: no output section keeps .mpi_romfs (the frozen modules)');
    lines.push(memoryUsage(linked));
    result = {
      image: linked.image, romfs, modules, report: '', linked,
      elf: req.elf ? buildElf(linked) : undefined,
      map: req.map ? buildMap(linked) : undefined,
    };
  } else {
    throw new LinkError(`${req.runtimePath}: runtime must be a relocatable object (ET_REL) or an executable (ET_EXEC), found ELF type ${elfType}`);
  }
  const compiled = modules.filter((m) => m.origin === 'compiled').length;
  const reused = cache && cache.stats.hits > 0 ? `, ${cache.stats.hits} of them unchanged (from the compile cache)` : '';
  lines.push(`image: ${kib(result.image.length)}; ROMFS: ${kib(romfs.length)} holding ${modules.length} file(s) (${compiled} compiled${reused})`);
  const largest = [...modules].sort((a, b) => b.data.length - a.data.length || (a.path < b.path ? -1 : 1)).slice(0, 5);
  if (largest.length) lines.push('largest frozen files: ' + largest.map((m) => `${m.path} ${kib(m.data.length)}`).join(', '));
  return { ...result, report: lines.join('\n') };
}
