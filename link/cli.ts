// `mpi link` and `mpi layout emit-ld`.
import type { Command } from 'commander';
import { resolve, dirname, join, basename, extname } from 'node:path';
import { UserError } from '../src/cli/run.ts';
import { loadLayout } from './load-layout.ts';
import { emitLdScript } from './script.ts';
import { buildFirmware } from './firmware.ts';
import { writeFilesAtomically } from './writer.ts';
import { linkProgress } from './progress.ts';
import { CACHE_DIR_NAME, CompileCache } from './compile-cache.ts';

interface LinkOptions {
  config: string;
  freeze?: string[];
  output?: string;
  elf?: boolean;
  map?: boolean;
  quiet?: boolean;
  /** false with --no-cache */
  cache: boolean;
}

function sibling(path: string, ext: string): string {
  return join(dirname(path), basename(path, extname(path)) + ext);
}

async function runLink(opts: LinkOptions): Promise<void> {
  const { loadConfig, requireLinkable } = await import('../src/config/index.ts');
  let config;
  try {
    config = requireLinkable(loadConfig(opts.config));
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError((err as Error).message);
  }
  const settings = config.link;
  const freeze = opts.freeze?.length ? opts.freeze.map((f) => resolve(f)) : settings.freeze;
  const output = opts.output ? resolve(opts.output) : settings.output;
  const wantElf = opts.elf ?? settings.elf;
  const wantMap = opts.map ?? settings.map;
  const t0 = performance.now();
  const layout = await loadLayout(settings.layout);
  const progress = linkProgress();
  let fw;
  let cache: CompileCache | undefined;
  const files: { path: string; data: Uint8Array }[] = [];
  try {
    const cacheDir = opts.cache ? CompileCache.dirFor(output) : undefined;
    cache = cacheDir !== undefined ? new CompileCache(cacheDir, config) : undefined;
    fw = buildFirmware({ runtimePath: settings.runtime, layout, freeze, config, elf: wantElf, map: wantMap, progress: (s) => progress.update(s), cache });
    files.push({ path: output, data: fw.image });
    if (fw.elf) files.push({ path: sibling(output, '.elf'), data: fw.elf });
    if (fw.map !== undefined) files.push({ path: sibling(output, '.map'), data: new TextEncoder().encode(fw.map) });
    progress.update({ stage: 'write' });
    writeFilesAtomically(files);
    cache?.flush();
  } finally {
    progress.stop();
  }
  if (cache?.stats.writeError !== undefined) process.stderr.write(`mpi: note: compile cache not saved: ${cache.stats.writeError}\n`);
  if (!opts.quiet) {
    const ms = performance.now() - t0;
    process.stdout.write(`${fw.report}\nwrote ${files.map((f) => f.path).join(', ')} in ${ms.toFixed(0)} ms\n`);
  }
}

export function registerLinkCommands(program: Command): void {
  program
    .command('link')
    .description('build firmware.img: compile the frozen folders into a ROMFS and link it with the runtime')
    .requiredOption('-c, --config <file>', 'mpconfig.json (board, features, link settings)')
    .option('--freeze <dir>', 'freeze folder (repeatable; replaces the config\'s list)', (v: string, acc: string[] = []) => [...acc, v])
    .option('-o, --output <file>', 'output image (default: the config\'s link.output)')
    .option('--elf', 'also write an ELF executable next to the image (.elf)')
    .option('--map', 'also write a map file next to the image (.map)')
    .option('-q, --quiet', 'no size report')
    .option('--no-cache', `compile every frozen module again (default: reuse unchanged ones from ${CACHE_DIR_NAME}/ next to the output)`)
    .action(async (opts: LinkOptions) => runLink(opts));

  const layout = program.command('layout').description('layout specs (the linker script equivalent)');
  layout
    .command('emit-ld')
    .description('print the GNU ld script equivalent to a layout spec (a .ts file, or rpi1 / rpi2)')
    .argument('<spec>', 'layout spec')
    .action(async (spec: string) => {
      const l = await loadLayout(spec);
      process.stdout.write(emitLdScript(l, /^rpi[12]$/i.test(spec) ? spec : basename(spec)));
    });
}
