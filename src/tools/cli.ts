import type { Command } from 'commander';

export function registerToolCommands(program: Command): void {
  void program; // commands of this area are registered here
}
