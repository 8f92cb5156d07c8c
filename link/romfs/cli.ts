// `mpi romfs DIR [-o FILE]`: the ROMFS image of a folder, byte-identical to
// `mpremote romfs build --no-mpy DIR` (files stored as they are).
import type { Command } from 'commander';
import { basename, dirname, resolve } from 'node:path';
import { UserError } from '../../src/cli/run.ts';
import { writeFileAtomic } from '../../src/fs-atomic.ts';
import { buildRomfs, collectDir } from './writer.ts';

export function registerRomfsCommands(program: Command): void {
  program
    .command('romfs')
    .description('build a ROMFS image of a folder (files stored verbatim, as `mpremote romfs build --no-mpy`)')
    .argument('<dir>', 'folder to pack')
    .option('-o, --output <file>', 'output image (default: <dir>.romfs)')
    .action((dir: string, opts: { output?: string }) => {
      // Like mpremote: the default output sits beside the folder.
      const output = opts.output ?? resolve(dirname(resolve(dir)), basename(resolve(dir)) + '.romfs');
      const { entries, dirs } = collectDir(dir);
      const image = buildRomfs(entries, { dirs });
      try {
        writeFileAtomic(output, image);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'folder does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a folder' : (err as Error).message;
        throw new UserError(`${output}: cannot write: ${why}`);
      }
      process.stdout.write(`${output}: ${image.length} bytes, ${entries.length} files, ${dirs.length} folders\n`);
    });
}
