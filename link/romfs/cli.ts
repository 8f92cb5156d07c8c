import type { Command } from 'commander';

export function registerRomfsCommands(program: Command): void {
  void program; // commands of this area are registered here
}
