// Every sub-command module registers itself here; keep the list sorted by command name.
import type { Command } from 'commander';
import { registerBillingCommand } from './billing.ts';
import { registerNumberCommand } from './number.ts';
import { registerRegistryCommand } from './registry.ts';
import { registerResolveCommand } from './resolve.ts';
import { registerServeCommand } from './serve.ts';
import { registerTokenCommand } from './token.ts';
import { registerZoneCommand } from './zone.ts';

export function registerCommands(program: Command): void {
  registerBillingCommand(program);
  registerNumberCommand(program);
  registerRegistryCommand(program);
  registerResolveCommand(program);
  registerServeCommand(program);
  registerTokenCommand(program);
  registerZoneCommand(program);
}
