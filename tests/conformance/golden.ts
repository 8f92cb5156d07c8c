// Reads the golden compile vectors in ../shared/golden and runs one through
// the same code path the CLI uses (argument parsing + compile job), in process.
import { readFileSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../../src/cli/mpy-cross-args.ts';
import { compileFile, type CompileOutcome } from '../../src/cli/compile-job.ts';
import { MPY_CROSS_FEATURES, type CompilerFeatures } from '../../src/options.ts';

export const GOLDEN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/golden');
export const haveGolden = existsSync(join(GOLDEN, 'compile/manifest.json'));

export interface GoldenEntry {
  /** set or variant name */
  group: string;
  /** input path relative to golden/ */
  input: string;
  args: string[];
  features?: Partial<CompilerFeatures>;
  /** exit code; null where the reference was killed (it aborted on an assertion) */
  rc: number | null;
  expected?: string;
  stdout?: string;
  stderr?: string;
}

export function compileManifest(): GoldenEntry[] {
  const manifest = JSON.parse(readFileSync(join(GOLDEN, 'compile/manifest.json'), 'utf8')) as {
    entries: { input: string; variant: string; args: string[]; rc: number | null; expected?: string; stdout?: string; stderr?: string }[];
  };
  return manifest.entries.map((e) => ({
    group: e.variant,
    input: join('compile', e.input),
    args: e.args,
    rc: e.rc,
    expected: e.expected && join('compile', e.expected),
    stdout: e.stdout,
    stderr: e.stderr,
  }));
}

/**
 * The feature vectors. Their manifest records each set's settings lossily
 * (values as null), so the settings are read from the table in
 * golden/features/README.md, which states them as NAME=VALUE.
 */
export function featuresManifest(): GoldenEntry[] {
  const readme = readFileSync(join(GOLDEN, 'features/README.md'), 'utf8');
  const settings = new Map<string, Partial<CompilerFeatures>>();
  for (const line of readme.split('\n')) {
    const m = /^\|\s*(\w+)\s*\|\s*(MICROPY_.*?)\s*\|\s*$/.exec(line);
    if (!m) continue;
    const features: Record<string, boolean> = {};
    for (const pair of m[2]!.split(',')) {
      const [name, value] = pair.trim().split('=');
      features[name!] = value === '1';
    }
    settings.set(m[1]!, features as Partial<CompilerFeatures>);
  }
  const manifest = JSON.parse(readFileSync(join(GOLDEN, 'features/manifest.json'), 'utf8')) as {
    entries: { set: string; input: string; rc: number; expected?: string; stdout?: string; stderr?: string }[];
  };
  return manifest.entries.map((e) => {
    const features = settings.get(e.set);
    if (!features) throw new Error(`features/README.md has no settings row for set ${e.set}`);
    return { group: e.set, input: e.input, args: [], features, rc: e.rc, expected: e.expected, stdout: e.stdout, stderr: e.stderr };
  });
}

export interface Verdict {
  identical: boolean;
  /** the reference aborted on an assertion (a bug of its own) and we fail with a clean error instead */
  referenceCrashed?: boolean;
  detail: string;
}

/** How the reference's C assertion failures look in the vectors: not an error message to copy. */
const REFERENCE_ASSERTION = /^mpy-cross: \S+: \w+: Assertion `.*' failed\.\n$/;

/** Compile one entry as the convention says: from its folder, with its bare file name. */
export function runEntry(entry: GoldenEntry): Verdict {
  const inputPath = join(GOLDEN, entry.input);
  const name = basename(inputPath);
  const parsed = parseArgs([...entry.args, '-o', '-', name]);
  if (typeof parsed === 'string') throw new Error(`unexpected args ${entry.args.join(' ')}`);
  const outcome: CompileOutcome = compileFile(
    {
      optimize: parsed.optimize ?? 0,
      smallIntBits: parsed.smallIntBits ?? 31,
      emit: parsed.emit ?? 'bytecode',
      arch: parsed.arch,
      features: entry.features ? { ...MPY_CROSS_FEATURES, ...entry.features } : undefined,
      input: name,
      output: '-',
    },
    { readInput: () => readFileSync(inputPath), isDirectory: () => false },
  );
  const rc = outcome.ok ? 0 : 1;
  if (entry.rc !== 0 && REFERENCE_ASSERTION.test(entry.stderr ?? '')) {
    const stderr = outcome.stderr ?? '';
    const clean = rc === 1 && stderr.split('\n').length <= 4 && !/^\s+at /m.test(stderr);
    return { identical: false, referenceCrashed: true, detail: clean ? '' : `reference crashed; ours: exit ${rc} ${JSON.stringify(stderr)}` };
  }
  if (entry.rc !== rc) {
    return { identical: false, detail: `exit ${rc}, expected ${entry.rc}: ${outcome.stderr ?? ''}` };
  }
  if (entry.rc === 0) {
    const want = readFileSync(join(GOLDEN, entry.expected!));
    const got = Buffer.from(outcome.stdout ?? new Uint8Array());
    if (want.equals(got)) return { identical: true, detail: '' };
    let at = 0;
    while (at < want.length && at < got.length && want[at] === got[at]) at++;
    return { identical: false, detail: `bytes differ at offset ${at} (got ${got.length} bytes, expected ${want.length})` };
  }
  const stderr = outcome.stderr ?? '';
  if (stderr === entry.stderr && (entry.stdout ?? '') === '') return { identical: true, detail: '' };
  return { identical: false, detail: `stderr ${JSON.stringify(stderr)}, expected ${JSON.stringify(entry.stderr)}` };
}
