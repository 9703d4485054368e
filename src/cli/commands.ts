// Every sub-command module registers itself here; keep the list sorted by command name.
import type { Command } from 'commander';

export function registerCommands(program: Command): void {
  void program;
}
