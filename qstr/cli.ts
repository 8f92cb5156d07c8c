// `mpi qstr`: generates the qstr header of a MicroPython build, from
// preprocessed qstr definitions (what makeqstrdata.py reads) and/or by
// scanning C and Python sources directly.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../src/cli/run.ts';
import { writeFileAtomic } from '../src/fs-atomic.ts';
import { DEFAULT_QSTR_CONFIG, type QstrConfig, QstrInputError, resolveQstrConfig } from './config.ts';
import { QstrDefinitions, readQstrDefinitions, renderQstrHeader } from './makeqstrdata.ts';
import { scanSources } from './scan.ts';

interface QstrCommandOptions {
  output?: string;
  scan?: string[];
  bytesInLen?: string;
  bytesInHash?: string;
}

function readInput(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UserError(`${path}: cannot read input (${code ?? (err as Error).message})`);
  }
}

function optionValue(name: string, value: string | undefined, allowed: readonly number[]): number | undefined {
  if (value === undefined) return undefined;
  const v = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!allowed.includes(v)) throw new UserError(`--${name} must be one of ${allowed.join(', ')}, not '${value}'`);
  return v;
}

/** Runs the qstr generation; returns the header text. Input problems throw QstrInputError. */
export async function generateQstrHeader(inputs: readonly string[], opts: QstrCommandOptions): Promise<string> {
  const defs = new QstrDefinitions();
  for (const path of inputs) readQstrDefinitions(readInput(path), path, defs);
  const scanning = (opts.scan?.length ?? 0) > 0;
  if (scanning) await scanSources(opts.scan!, defs, readInput);
  const override: Partial<{ -readonly [K in keyof QstrConfig]: QstrConfig[K] }> = {};
  const len = optionValue('bytes-in-len', opts.bytesInLen, [1, 2]);
  const hash = optionValue('bytes-in-hash', opts.bytesInHash, [0, 1, 2]);
  if (len !== undefined) override.bytesInLen = len as 1 | 2;
  if (hash !== undefined) override.bytesInHash = hash as 0 | 1 | 2;
  // QCFG lines decide unless an option says otherwise; a scan alone (no
  // preprocessed input) falls back to MicroPython's own defaults.
  const config = resolveQstrConfig(defs.settings, scanning ? DEFAULT_QSTR_CONFIG : undefined);
  return renderQstrHeader(defs, { ...config, ...override });
}

export function registerQstrCommands(program: Command): void {
  program
    .command('qstr')
    .description('generate the qstr header (genhdr/qstrdefs.generated.h) of a MicroPython build')
    .argument('[input...]', 'preprocessed qstr definitions: Q(...) and QCFG(...) lines, as makeqstrdata.py reads')
    .option('-o, --output <file>', "output file ('-' = stdout, the default)")
    .option(
      '--scan <glob>',
      'also collect qstrs from sources matching the glob (repeatable): MP_QSTR_ names and Q(...) lines of C files, ' +
        'names and short strings of .py files',
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option('--bytes-in-len <n>', 'length bytes per qstr, 1 or 2 (overrides QCFG; scan default 1)')
    .option('--bytes-in-hash <n>', 'hash bytes per qstr, 0, 1 or 2 (overrides QCFG; scan default 2)')
    .addHelpText(
      'after',
      `
Inputs are processed in order and duplicates (same MP_QSTR_ name) count once,
the first spelling winning; the header lists the static qstrs first, then the
others sorted by their bytes, byte-identical to makeqstrdata.py.

Scan mode reads sources WITHOUT a C preprocessor: MP_QSTR_ names inside
#if-disabled code, and qstrs of .py files never frozen, are included too, so
the header can hold more qstrs than a preprocessed build would. Q(...) lines in
scanned files come before MP_QSTR_ names (like py/qstrdefs.h in a real build),
so they give the spelling of a name such as MP_QSTR__lt_module_gt_.`,
    )
    .action(async (inputs: string[], opts: QstrCommandOptions) => {
      if (inputs.length === 0 && (opts.scan?.length ?? 0) === 0) {
        throw new UserError('qstr: give preprocessed qstr definition files and/or --scan GLOB');
      }
      let header: string;
      try {
        header = await generateQstrHeader(inputs, opts);
      } catch (err) {
        if (err instanceof QstrInputError) throw new UserError(err.message);
        throw err;
      }
      const data = Buffer.from(header, 'latin1');
      if (opts.output === undefined || opts.output === '-') {
        process.stdout.write(data);
      } else {
        try {
          writeFileAtomic(opts.output, data);
        } catch (err) {
          throw new UserError(`${opts.output}: cannot write output (${(err as { code?: string }).code ?? (err as Error).message})`);
        }
      }
    });
}
