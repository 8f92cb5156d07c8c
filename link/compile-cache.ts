// Compile cache for frozen modules: relinking after changing one module
// recompiles only that module. An entry is keyed by everything the compiled
// bytes depend on: the source bytes, the source name compiled in, every
// compile option and feature, and the compiler's own version (package version
// plus a digest of the running compiler code, so a rebuilt compiler never
// reuses old output). Entries are saved only after a successful link, each
// written atomically with a digest of its payload; anything unreadable or
// damaged is ignored and rebuilt.
import { createHash, type Hash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/fs-atomic.ts';
import { packageRoot } from '../src/config/resolve.ts';
import type { ResolvedConfig } from '../src/config/types.ts';

/** Name of the cache folder, made next to the output image. */
export const CACHE_DIR_NAME = '.mpi-cache';
const FORMAT = 'mpi-compile-cache/1';
const MAGIC = new Uint8Array([0x4d, 0x50, 0x49, 0x43]); // "MPIC"
const DIGEST = 32;

let fingerprint: string | undefined;

/**
 * The compiler's version string: package version plus a digest of the code
 * that is running (the bundle when installed; the TypeScript sources of the
 * compiler when run from a checkout).
 */
export function compilerVersion(): string {
  if (fingerprint !== undefined) return fingerprint;
  const root = packageRoot();
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? version;
  } catch {
    // keep 'unknown': the digest below still tells builds apart
  }
  const h = createHash('sha256');
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.js') || self.endsWith('.mjs')) {
    h.update(readFileSync(self)); // the bundle holds the whole compiler
  } else {
    for (const dir of ['src', 'grammar', 'qstr']) {
      for (const file of sourceFiles(join(root, dir))) {
        h.update(relative(root, file)).update('\0').update(readFileSync(file));
      }
    }
  }
  return (fingerprint = `mpy-cross-ts ${version} (${h.digest('hex').slice(0, 16)})`);
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** JSON with object keys sorted, so equal options give equal text. */
function canonical(v: unknown): string {
  if (typeof v === 'bigint') return `"${v}n"`;
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function digest(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** why entries could not be saved (first reason), if any could not */
  writeError?: string;
}

export class CompileCache {
  readonly stats: CacheStats = { hits: 0, misses: 0 };
  /** hash state after the parts common to every key (format, version, options) */
  private readonly prefix: Hash;
  private madeDir = false;
  private readonly pending = new Map<string, Uint8Array>();

  constructor(
    readonly dir: string,
    config: Pick<ResolvedConfig, 'compile' | 'qstr'>,
    version: string = compilerVersion(),
  ) {
    // qstr settings do not reach .mpy bytes today; keyed anyway so a future dependency cannot go stale
    this.prefix = createHash('sha256');
    for (const part of [FORMAT, version, canonical({ compile: config.compile, qstr: config.qstr })]) addPart(this.prefix, part);
  }

  /** The cache folder for an output image, or undefined when the image's folder does not exist (no side effects then). */
  static dirFor(output: string): string | undefined {
    const outDir = dirname(output);
    return existsSync(outDir) ? join(outDir, CACHE_DIR_NAME) : undefined;
  }

  /** sha256 of (format, compiler version, options, source name, source bytes), each length-prefixed. */
  key(source: Uint8Array, sourceName: string): string {
    const h = this.prefix.copy();
    addPart(h, sourceName);
    addPart(h, source);
    return h.digest('hex');
  }

  private path(key: string): string {
    return join(this.dir, `${key}.mpy`);
  }

  /** The cached output for a key; undefined when absent, unreadable or damaged. */
  get(key: string): Uint8Array | undefined {
    let file: Buffer;
    try {
      file = readFileSync(this.path(key));
    } catch {
      this.stats.misses++;
      return undefined;
    }
    const head = MAGIC.length + DIGEST;
    const payload = file.subarray(head);
    if (file.length < head || !file.subarray(0, MAGIC.length).equals(MAGIC) || !file.subarray(MAGIC.length, head).equals(digest(payload))) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    return new Uint8Array(payload.buffer, payload.byteOffset, payload.length);
  }

  /** Queues an entry; saved by flush(), once the link has succeeded (a failed link writes nothing). */
  put(key: string, data: Uint8Array): void {
    this.pending.set(key, data);
  }

  /** Saves the queued entries; failures only stop saving (the link itself succeeded). */
  flush(): void {
    for (const [key, data] of this.pending) {
      if (!this.save(key, data)) break;
    }
    this.pending.clear();
  }

  private save(key: string, data: Uint8Array): boolean {
    try {
      if (!this.madeDir) {
        if (!existsSync(this.dir)) {
          mkdirSync(this.dir, { recursive: true });
          // a build folder's cache is never wanted in version control
          writeFileSync(join(this.dir, '.gitignore'), '*\n');
        }
        this.madeDir = true;
      }
      const entry = new Uint8Array(MAGIC.length + DIGEST + data.length);
      entry.set(MAGIC, 0);
      entry.set(digest(data), MAGIC.length);
      entry.set(data, MAGIC.length + DIGEST);
      writeFileAtomic(this.path(key), entry);
      return true;
    } catch (err) {
      this.stats.writeError = `${this.dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
      return false;
    }
  }
}

const lengthBytes = Buffer.alloc(8);

/** A length-prefixed part, so no two different part lists hash alike. */
function addPart(h: Hash, part: string | Uint8Array): void {
  const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
  lengthBytes.writeUIntLE(bytes.length, 0, 6);
  h.update(lengthBytes).update(bytes);
}
