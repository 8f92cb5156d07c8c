// `mpi link`: frozen folders -> .mpy files -> ROMFS -> linked firmware.img.
// Everything is computed in memory first; files are written only when the
// whole build succeeded.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { LinkError, hex } from './errors.ts';
import { compile } from '../src/compile.ts';
import { CompileError } from '../src/errors.ts';
import { NATIVE_ARCHS, type NativeArch } from '../src/options.ts';
import type { ResolvedConfig } from '../src/config/types.ts';
import { runtimeAcceptsArch } from '../src/config/boards.ts';
import { buildRomfs, collectDir, type RomfsEntry } from './romfs/writer.ts';
import { readElf } from './elf/reader.ts';
import { ElfType } from './elf/format.ts';
import { link, type LinkedImage } from './linker.ts';
import { patchExecutable, type PatchedExecutable } from './exec-image.ts';
import { buildElf } from './writer.ts';
import { buildMap, memoryUsage } from './map.ts';
import type { Layout } from './layout.ts';

export interface FrozenModule {
  /** path inside the ROMFS */
  readonly path: string;
  readonly data: Uint8Array;
  readonly origin: 'compiled' | 'mpy' | 'data';
  /** host file it came from */
  readonly from: string;
}

const MPY_VERSION = 6;
const MPY_SUB_VERSION = 3;

/** Checks a prebuilt .mpy against what the runtime accepts. */
export function checkMpy(data: Uint8Array, file: string, config: Pick<ResolvedConfig, 'compile' | 'runtimeSmallIntBits'>): void {
  if (data.length < 4 || data[0] !== 0x4d) throw new LinkError(`${file}: not a .mpy file (no 'M' header)`);
  if (data[1] !== MPY_VERSION) throw new LinkError(`${file}: .mpy version ${data[1]}, the runtime loads version ${MPY_VERSION}`);
  const arch = (data[2]! >> 2) & 0x2f;
  if (arch !== 0) {
    if ((data[2]! & 3) !== MPY_SUB_VERSION) throw new LinkError(`${file}: native .mpy sub-version ${data[2]! & 3}, the runtime needs ${MPY_SUB_VERSION}`);
    const name: NativeArch | undefined = NATIVE_ARCHS[arch - 1];
    const want = config.compile.arch;
    if (!name) throw new LinkError(`${file}: .mpy has unknown native arch ${arch}`);
    if (!want || !runtimeAcceptsArch(want, name)) {
      throw new LinkError(`${file}: .mpy holds native code for ${name}, but the config's runtime ${want ? `takes ${want}` : 'takes no native code (compiler.arch not set)'}`);
    }
  }
  if (data[3]! > config.runtimeSmallIntBits) {
    throw new LinkError(`${file}: .mpy uses ${data[3]}-bit small ints, the runtime has ${config.runtimeSmallIntBits}`);
  }
}

/** Compiles / checks / copies the files of the freeze folders into ROMFS entries. */
export function collectFrozen(folders: readonly string[], config: Pick<ResolvedConfig, 'compile' | 'runtimeSmallIntBits'>): { modules: FrozenModule[]; dirs: string[] } {
  const modules: FrozenModule[] = [];
  const byPath = new Map<string, string>();
  const dirs = new Set<string>();
  for (const folder of folders) {
    if (!existsSync(folder)) throw new LinkError(`${folder}: freeze folder does not exist`);
    if (!statSync(folder).isDirectory()) throw new LinkError(`${folder}: freeze folder is not a folder`);
    const tree = collectDir(folder);
    tree.dirs.forEach((d) => dirs.add(d));
    for (const e of tree.entries) {
      const host = `${folder}/${e.path}`;
      let m: FrozenModule;
      if (extname(e.path) === '.py') {
        let out: Uint8Array;
        try {
          out = compile(e.data, { ...config.compile, sourceName: e.path });
        } catch (err) {
          if (err instanceof CompileError) {
            const line = err.line !== undefined ? `:${err.line}` : '';
            throw new LinkError(`${host}${line}: ${err.kind}: ${err.message}`);
          }
          throw err;
        }
        m = { path: e.path.slice(0, -3) + '.mpy', data: out, origin: 'compiled', from: host };
      } else if (extname(e.path) === '.mpy') {
        checkMpy(e.data, host, config);
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
  return { modules, dirs: [...dirs] };
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
  readonly config: Pick<ResolvedConfig, 'compile' | 'runtimeSmallIntBits'>;
  readonly elf: boolean;
  readonly map: boolean;
}

function kib(n: number): string {
  return n >= 10240 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

export function buildFirmware(req: FirmwareRequest): FirmwareBuild {
  const { modules, dirs } = collectFrozen(req.freeze, req.config);
  const entries: RomfsEntry[] = modules.map((m) => ({ path: m.path, data: m.data }));
  const romfs = buildRomfs(entries, { dirs });
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(req.runtimePath);
  } catch (err) {
    throw new LinkError(`${req.runtimePath}: cannot read runtime: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
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
  lines.push(`image: ${kib(result.image.length)}; ROMFS: ${kib(romfs.length)} holding ${modules.length} file(s) (${modules.filter((m) => m.origin === 'compiled').length} compiled)`);
  const largest = [...modules].sort((a, b) => b.data.length - a.data.length || (a.path < b.path ? -1 : 1)).slice(0, 5);
  if (largest.length) lines.push('largest frozen files: ' + largest.map((m) => `${m.path} ${kib(m.data.length)}`).join(', '));
  return { ...result, report: lines.join('\n') };
}
