// The `callx` command line: one program, one sub-command module per concern under src/cli/. The
// grammar (src/cli/commands.ts) imports no command's module; each action imports its own.
import { Command, CommanderError } from 'commander';
import { registerCommands, UsageError } from '#cli';
import pkg from '../package.json' with { type: 'json' };

export function buildProgram(): Command {
  const program = new Command('callx')
    .description('callx: a federated call exchange (ENUM/NAPTR DNS, SIP redirect server, registrar API)')
    .version(pkg.version)
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
    // #core is loaded by then when the error is a ConfigError (only its loadConfig throws one)
    if (err instanceof UsageError || err instanceof (await import('#core')).ConfigError) {
      process.stderr.write(`callx: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`callx: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  }
}

/**
 * Started by bin/callx.js as its child (under an older node): stop, as on SIGTERM, when the
 * launcher goes away, however it died; the IPC channel closes then. Unref'd, so it keeps no
 * command alive.
 */
function followLauncher(): void {
  if (!process.send || !process.channel) return;
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

if (import.meta.main || process.argv[1]?.endsWith('bin/callx.js')) {
  followLauncher();
  const code = await run(process.argv);
  if (code !== 0) process.exitCode = code;
}
