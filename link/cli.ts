import type { Command } from 'commander';

export function registerLinkCommands(program: Command): void {
  void program; // commands of this area are registered here
}
