// `mpi config ...`: look at a resolved config, turn it into an
// mpconfigport.h, or import one.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../cli/run.ts';
import { writeFileAtomic } from '../fs-atomic.ts';
import { BOARD_NAMES, BOARDS } from './boards.ts';
import { OPTIONS } from './catalogue.ts';
import { formatHeader, importHeader } from './header.ts';
import { schemaText } from './schema.ts';
import { loadConfig, resolveConfig } from './index.ts';
import { compilerDifferences } from './resolve.ts';
import type { Board, ResolvedConfig } from './types.ts';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('mpconfig.json feature selector: inspect, export, import');

  config
    .command('resolve')
    .description("every option's effective value and why (set, profile, ROM level, derived, default)")
    .argument('<file>', 'mpconfig.json')
    .option('--json', 'print the resolved config as JSON')
    .option('--changed', 'only options the config or its board/profile sets')
    .action((file: string, opts: { json?: boolean; changed?: boolean }) => {
      const cfg = loadConfig(file);
      process.stdout.write(opts.json ? JSON.stringify(jsonView(cfg, opts.changed === true), null, 2) + '\n' : textView(cfg, opts.changed === true));
    });

  config
    .command('header')
    .description('write the mpconfigport.h equivalent of a config')
    .argument('<file>', 'mpconfig.json')
    .option('-o, --output <path>', 'output file (default: stdout)')
    .action((file: string, opts: { output?: string }) => {
      const cfg = loadConfig(file);
      emit(formatHeader(cfg), opts.output);
    });

  config
    .command('schema')
    .description('write mpconfig.schema.json (the JSON Schema editors use for mpconfig.json)')
    .option('-o, --output <path>', 'output file (default: stdout)')
    .action((opts: { output?: string }) => emit(schemaText(), opts.output));

  config
    .command('import')
    .description('make an mpconfig.json from an mpconfigport.h (simple #define NAME (value) forms)')
    .argument('<header>', 'mpconfigport.h')
    .option('-o, --output <path>', 'output file (default: stdout)')
    .option('--board <board>', `board when the header does not name one (${BOARD_NAMES.join(', ')})`)
    .option('--strict', 'fail if any line could not be represented')
    .action((header: string, opts: { output?: string; board?: string; strict?: boolean }) => {
      if (opts.board !== undefined && !(BOARD_NAMES as string[]).includes(opts.board)) {
        throw new UserError(`--board: unknown board "${opts.board}" (expected ${BOARD_NAMES.join(' or ')})`);
      }
      let text: string;
      try {
        text = readFileSync(header, 'latin1');
      } catch (e) {
        throw new UserError(`${header}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const { json, reports } = importHeader(text, { board: opts.board as Board | undefined, outputPath: opts.output });
      for (const r of reports) process.stderr.write(`${header}:${r.line}: ${r.reason}: ${r.text}\n`);
      // never write a config that would not load
      resolveConfig(json, opts.output ?? 'mpconfig.json');
      if (reports.length > 0) {
        process.stderr.write(`${header}: ${reports.length} line(s) not represented in the config (listed above)\n`);
        if (opts.strict) throw new UserError(`${header}: --strict: not every line could be imported; nothing written`);
      }
      emit(JSON.stringify(json, null, 2) + '\n', opts.output);
    });
}

function emit(text: string, output: string | undefined): void {
  if (output === undefined || output === '-') {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileAtomic(output, Buffer.from(text, 'utf8'));
  } catch (e) {
    throw new UserError(`${output}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function shown(name: string, cfg: ResolvedConfig, changedOnly: boolean): boolean {
  const kind = cfg.origins[name]!.kind;
  return !changedOnly || kind === 'set' || kind === 'profile';
}

function jsonView(cfg: ResolvedConfig, changedOnly: boolean): unknown {
  const options: Record<string, unknown> = {};
  for (const name of Object.keys(cfg.options)) {
    if (shown(name, cfg, changedOnly)) options[name] = { value: cfg.options[name], ...cfg.origins[name] };
  }
  return {
    file: cfg.file,
    board: cfg.board ?? null,
    romLevel: cfg.romLevel,
    compile: cfg.compile,
    compilerDifferences: compilerDifferences(cfg),
    qstr: cfg.qstr,
    runtimeSmallIntBits: cfg.runtimeSmallIntBits,
    link: cfg.link ?? null,
    options,
  };
}

function textView(cfg: ResolvedConfig, changedOnly: boolean): string {
  const out: string[] = [];
  if (cfg.board !== undefined) {
    const b = BOARDS[cfg.board];
    out.push(`# board ${b.board}: ${b.soc}, ${b.core} (${b.isa}), peripherals at 0x${b.peripheralBase.toString(16).toUpperCase().padStart(8, '0')}`);
  } else {
    out.push('# no board: the reference mpy-cross build (compile-only config)');
  }
  out.push(`# ROM level ${cfg.romLevel}`);
  const c = cfg.compile;
  out.push(`# compile: -O${c.optimize} -msmall-int-bits=${c.smallIntBits} emit=${c.emit}${c.arch ? ` -march=${c.arch}` : ''} (runtime small ints: ${cfg.runtimeSmallIntBits} bits)`);
  out.push(`# qstr: ${cfg.qstr.bytesInHash} hash byte(s), ${cfg.qstr.bytesInLen} length byte(s)`);
  for (const d of compilerDifferences(cfg)) {
    out.push(`# note: ${d.name} is ${fmt(d.value as string)} (reference mpy-cross: ${fmt(d.reference as string)}); frozen code is compiled as the reference does`);
  }
  if (cfg.link) {
    out.push(`# link: runtime ${cfg.link.runtime}`);
    out.push(`#       layout ${cfg.link.layout}; output ${cfg.link.output}${cfg.link.elf ? ' +elf' : ''}${cfg.link.map ? ' +map' : ''}`);
    for (const f of cfg.link.freeze) out.push(`#       freeze ${f}`);
  }
  out.push('');
  const names = Object.keys(cfg.options).filter((n) => shown(n, cfg, changedOnly));
  const width = Math.max(...names.map((n) => n.length));
  const valueWidth = Math.min(24, Math.max(...names.map((n) => fmt(cfg.options[n]!).length)));
  for (const name of names) {
    const o = cfg.origins[name]!;
    const compiler = OPTIONS.get(name)?.compiler;
    const mark = compiler === 'modelled' ? '  [compiler]' : compiler === 'unmodelled' ? '  [compiler: not modelled]' : '';
    out.push(`${name.padEnd(width)}  ${fmt(cfg.options[name]!).padEnd(valueWidth)}  ${o.kind.padEnd(7)} ${o.detail}${mark}`);
  }
  return out.join('\n') + '\n';
}

function fmt(v: number | boolean | string): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'string') return v === '' ? '(empty)' : v;
  return String(v);
}
