// One input file -> one .mpy, with the reference's error reporting and an
// atomic write: a failed compile never leaves a partial or stale-looking file.
import { compile } from '../compile.ts';
import { CompileError, RecursionLimitError } from '../errors.ts';
import type { CompilerFeatures, EmitKind, NativeArch } from '../options.ts';
import { writeFileAtomic } from '../fs-atomic.ts';

export interface CompileSettings {
  optimize: number;
  smallIntBits: number;
  emit: EmitKind;
  arch?: NativeArch;
  /** -march-flags value (RISC-V extension bits) */
  archFlags?: number;
  /** the runtime's compiler switches (default: the reference mpy-cross's) */
  features?: Readonly<CompilerFeatures>;
}

export interface CompileJob extends CompileSettings {
  /** input path as given, or '-' for stdin */
  input: string;
  /** output path, '-' for stdout, undefined for the default */
  output?: string;
  /** name embedded in the .mpy; defaults to the input path (or <stdin>) */
  sourceName?: string;
}

export interface CompileOutcome {
  ok: boolean;
  stdout?: Uint8Array;
  stderr?: string;
  /**
   * Set when the source nests deeper than this thread's JS stack allows: the
   * caller may compile it again (compileSource) on a thread with a larger stack.
   */
  retryWithLargerStack?: Uint8Array;
}

/** What a stack overflow is reported as when no larger stack helps: the reference's stack-check error. */
export const RECURSION_ERROR = 'RuntimeError: maximum recursion depth exceeded\n';

export interface JobIO {
  readInput(path: string): Uint8Array;
  isDirectory(path: string): boolean;
}

/** Where mpy-cross puts the output when no -o is given: `x.py` -> `x.mpy`. */
export function defaultOutputPath(input: string): string {
  return input.endsWith('.py') ? input.slice(0, -3) + '.mpy' : input + '.mpy';
}

export function compileFile(job: CompileJob, io: JobIO): CompileOutcome {
  let source: Uint8Array;
  try {
    if (io.isDirectory(job.input)) return fail(`can't compile '${job.input}': is a directory`);
    source = io.readInput(job.input);
  } catch (err) {
    return fail(`can't open '${job.input}': ${describeFsError(err)}`);
  }
  return compileSource(job, source);
}

/** Compiles already-read source and writes (or returns) the .mpy as the job says. */
export function compileSource(job: CompileJob, source: Uint8Array): CompileOutcome {
  const fromStdin = job.input === '-';
  const sourceName = job.sourceName ?? (fromStdin ? '<stdin>' : job.input);
  let mpy: Uint8Array;
  try {
    mpy = compile(source, {
      sourceName,
      inputPath: fromStdin ? '<stdin>' : job.input,
      optimize: job.optimize,
      smallIntBits: job.smallIntBits,
      emit: job.emit,
      arch: job.arch,
      ...(job.archFlags ? { archFlags: job.archFlags } : {}),
      ...(job.features ? { features: job.features } : {}),
    });
  } catch (err) {
    if (err instanceof RecursionLimitError || (err instanceof RangeError && /call stack/i.test(err.message))) {
      return { ok: false, stderr: RECURSION_ERROR, retryWithLargerStack: source };
    }
    if (err instanceof CompileError) return { ok: false, stderr: err.format(sourceName) };
    return fail(`internal error compiling '${job.input}': ${(err as Error)?.message ?? String(err)}`);
  }

  const toStdout = job.output === '-' || (job.output === undefined && fromStdin);
  if (toStdout) return { ok: true, stdout: mpy };
  const outPath = job.output ?? defaultOutputPath(job.input);
  try {
    writeFileAtomic(outPath, mpy);
  } catch (err) {
    return fail(`can't write '${outPath}': ${describeFsError(err)}`);
  }
  return { ok: true };
}

function fail(message: string): CompileOutcome {
  return { ok: false, stderr: `mpy-cross-ts: ${message}\n` };
}

export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a path component is not a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    default:
      return e?.code ? `${e.code}` : String(e?.message ?? err);
  }
}
