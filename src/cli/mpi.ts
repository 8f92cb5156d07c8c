// `mpi`: the toolchain's multi-command CLI. Each stage registers its own commands.
import { Command } from 'commander';
import { registerQstrCommands } from '../../qstr/cli.ts';
import { registerLinkCommands } from '../../link/cli.ts';
import { registerRomfsCommands } from '../../link/romfs/cli.ts';
import { registerConfigCommands } from '../config/cli.ts';
import { registerToolCommands } from '../tools/cli.ts';
import { runCli } from './run.ts';

const program = new Command('mpi')
  .description('MicroPython firmware toolchain for bare-metal Raspberry Pi')
  .version('0.1.0');
registerQstrCommands(program);
registerLinkCommands(program);
registerRomfsCommands(program);
registerConfigCommands(program);
registerToolCommands(program);

await runCli(program);
