// `mpy-cross-ts`: a drop-in for MicroPython's mpy-cross (see mpy-cross-args.ts
// for the command line). Beyond the reference: several inputs per call, and
// --config to compile for the runtime an mpconfig.json describes.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { checkCombination, parseArgs, PROG, rv32FlagsValue, USAGE, UsageError, VERSION_TEXT } from './mpy-cross-args.ts';
import { compileFile, compileSource, RECURSION_ERROR, type CompileJob, type CompileOutcome, type CompileSettings } from './compile-job.ts';

// The compiler recurses over the parse tree as upstream's does. Node's
// default stack covers about 2,000 levels of nesting, the reference about
// 5,000, so a file that overflows is compiled again on a worker thread with
// a large stack (only then: a worker costs start-up time).
const LARGE_STACK_MB = 256;

interface RetryRequest {
  job: CompileJob;
  source: Uint8Array;
}

function compileOnLargeStack(request: RetryRequest): Promise<CompileOutcome> {
  return new Promise((resolve) => {
    const worker = new Worker(fileURLToPath(import.meta.url), {
      workerData: request,
      resourceLimits: { stackSizeMb: LARGE_STACK_MB },
    });
    worker.once('message', (outcome: CompileOutcome) => resolve(outcome));
    worker.once('error', () => resolve({ ok: false, stderr: RECURSION_ERROR }));
  });
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${PROG}: ${err.message}\n${USAGE}`);
    return 1;
  }
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed === 'version') {
    process.stdout.write(VERSION_TEXT + '\n');
    return 0;
  }
  const problem = checkCombination(parsed);
  if (problem !== undefined) {
    process.stderr.write(problem + '\n');
    return 1;
  }

  // defaults < mpconfig.json < flags given on the command line
  let settings: CompileSettings = { optimize: 0, smallIntBits: 31, emit: 'bytecode' };
  if (parsed.configFile !== undefined) {
    const { loadCompileSettings } = await import('./config-bridge.ts');
    const fromConfig = loadCompileSettings(parsed.configFile);
    if (typeof fromConfig === 'string') {
      process.stderr.write(`${PROG}: ${fromConfig}\n`);
      return 1;
    }
    settings = { ...settings, ...fromConfig };
  }
  for (const key of ['optimize', 'smallIntBits', 'emit', 'arch'] as const) {
    if (parsed[key] !== undefined) (settings as unknown as Record<string, unknown>)[key] = parsed[key];
  }
  if (parsed.archFlags !== undefined && settings.arch === 'rv32imc') settings.archFlags = rv32FlagsValue(parsed.archFlags);

  let failed = false;
  for (const input of parsed.inputs) {
    let outcome = compileFile(
      { ...settings, input, output: parsed.output, sourceName: parsed.sourceName },
      {
        readInput: (path) => (path === '-' ? readFileSync(0) : readFileSync(path)),
        isDirectory: (path) => path !== '-' && statSync(path, { throwIfNoEntry: false })?.isDirectory() === true,
      },
    );
    if (outcome.retryWithLargerStack) {
      const job = { ...settings, input, output: parsed.output, sourceName: parsed.sourceName };
      outcome = await compileOnLargeStack({ job, source: outcome.retryWithLargerStack });
    }
    if (outcome.stdout) process.stdout.write(outcome.stdout);
    if (outcome.stderr) process.stderr.write(outcome.stderr);
    if (!outcome.ok) failed = true;
  }
  return failed ? 1 : 0;
}

if (!isMainThread) {
  // a retry on a large stack: compile, then hand the outcome back (no second retry)
  const { job, source } = workerData as RetryRequest;
  const outcome = compileSource(job, source);
  parentPort!.postMessage({ ok: outcome.ok, stdout: outcome.stdout, stderr: outcome.stderr });
} else main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${PROG}: internal error: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
