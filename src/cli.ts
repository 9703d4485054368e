// The `callx` command line: one program, one sub-command module per concern under src/cli/.
import { Command, CommanderError } from 'commander';
import { registerCommands, UsageError } from '#cli';
import { ConfigError } from '#core';

export function buildProgram(): Command {
  const program = new Command('callx')
    .description('callx: a federated call exchange (ENUM/NAPTR DNS, SIP redirect server, registrar API)')
    .version(process.env.npm_package_version ?? '0.1.0')
    .exitOverride()
    .configureOutput({ outputError: () => {} }) // we print one line ourselves, below
    .showHelpAfterError(false);
  registerCommands(program);
  return program;
}

/** Runs the CLI; every failure ends as one line on stderr and an exit code (2: bad input, 1: failure). */
export async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0)
        return 0;
      process.stderr.write(`callx: ${err.message.replace(/^error: /, '')}\n`);
      return 2;
    }
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`callx: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`callx: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  }
}

if (import.meta.main || process.argv[1]?.endsWith('bin/callx.js')) {
  const code = await run(process.argv);
  if (code !== 0) process.exitCode = code;
}
