import type { Command } from 'commander';

export function registerQstrCommands(program: Command): void {
  void program; // commands of this area are registered here
}
