// cli
export { registerCommands } from './commands.ts';
export { UsageError } from './errors.ts';
