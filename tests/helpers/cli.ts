// Runs the built CLIs (`npm test` builds them first) as a user would.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunResult {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

export function runBin(bin: 'mpy-cross-ts' | 'mpi', args: string[], opts: { cwd?: string; input?: Uint8Array | string; timeoutMs?: number } = {}): RunResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', `${bin}.js`), ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

export function tempDir(prefix = 'mpi-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A JS stack trace leaking to the user looks like this. */
export const STACK_TRACE = /^\s+at .+\(.+:\d+:\d+\)$|^\s+at .+:\d+:\d+$/m;
