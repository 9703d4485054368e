// `callx billing ...` (docs/billing.md): the operator's commands of the fee system, run against
// the registry directly as the admin.
//   callx billing statement --party <party> --period <YYYY-MM> [--format json|csv]
//   callx billing close <period>                  closes an ended settlement period
//   callx billing import <deck> <file.csv> [--mode replace|merge]
//   callx billing token --party <party> [--label <text>]   a counterparty's token, printed once
//   callx billing keys list | rotate [--lead <seconds>]    route-token signing keys
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type Config, createLogger, type Logger, loadConfig, type Store } from '#core';
import { derivationFor } from '#publish';
import {
  ADMIN,
  billing,
  createAuthService,
  createBilling,
  createJournal,
  createPublisher,
  openStore,
  RegistryError,
} from '#registry';
import { UsageError } from './errors.ts';

const quiet = (config: Config): Logger => createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);

/** Runs `fn` with a billing service on the configured store; bad input becomes a UsageError. */
async function withBilling<T>(
  config: Config,
  what: string,
  fn: (b: ReturnType<typeof createBilling>, store: Store) => Promise<T>,
): Promise<T> {
  const logger = quiet(config);
  const store = await openStore(config, logger);
  try {
    const publisher = createPublisher({
      store,
      journal: createJournal({ store, logger }),
      derivation: derivationFor(config),
      logger,
    });
    const b = createBilling({ store, publisher, logger, apex: config.apex, config: config.billing });
    return await fn(b, store);
  } catch (err) {
    if (
      err instanceof RegistryError &&
      ['invalid-input', 'not-found', 'period-closed', 'currency-mismatch'].includes(err.code)
    )
      throw new UsageError(`billing ${what}: ${err.message}`);
    throw err;
  } finally {
    await store.close();
  }
}

export interface StatementOptions {
  party: string;
  period: string;
  format?: 'json' | 'csv' | undefined;
}

/** The statement as the command prints it. */
export async function statementCommand(opts: StatementOptions, config: Config): Promise<string> {
  if (opts.format !== undefined && opts.format !== 'json' && opts.format !== 'csv')
    throw new UsageError(`billing statement: --format '${opts.format}': expected json or csv`);
  return withBilling(config, 'statement', async (b) => {
    const st = await b.settlement.statement(ADMIN, { party: opts.party, period: opts.period });
    return opts.format === 'csv' ? b.settlement.csv(st) : `${JSON.stringify(st)}\n`;
  });
}

export async function closeCommand(period: string, config: Config): Promise<string> {
  return withBilling(config, 'close', async (b) => {
    const r = await b.settlement.close(ADMIN, { period });
    // finish at once when nothing else writes: the statements are stored by the sweep
    await b.sweep();
    return `${JSON.stringify(r)}\n`;
  });
}

export async function importCommand(
  deckId: string,
  file: string,
  mode: string | undefined,
  config: Config,
): Promise<string> {
  if (mode !== undefined && mode !== 'replace' && mode !== 'merge')
    throw new UsageError(`billing import: --mode '${mode}': expected replace or merge`);
  let csv: string;
  try {
    csv = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`billing import: ${file}: ${(err as Error).message}`);
  }
  return withBilling(config, 'import', async (b) => {
    const r = await b.decks.importCsv(ADMIN, {
      deckId,
      csv,
      mode: (mode ?? 'replace') as 'replace' | 'merge',
    });
    return `${JSON.stringify({ deck: r.deck.id, revision: r.deck.revision, rows: r.rows, ms: Math.round(r.ms) })}\n`;
  });
}

export async function partyTokenCommand(
  party: string,
  label: string | undefined,
  config: Config,
): Promise<string> {
  const parsed = billing.CounterpartyKey.safeParse(party);
  if (!parsed.success)
    throw new UsageError(`billing token: --party '${party}': ${parsed.error.issues[0]!.message}`);
  const store = await openStore(config, quiet(config));
  try {
    const t = await createAuthService({ store }).createToken(
      ADMIN,
      { role: 'counterparty', party: parsed.data },
      { label: label ?? 'created by callx billing token' },
    );
    process.stderr.write(`callx: token of ${parsed.data} created (id ${t.id}); it is not shown again\n`);
    return `${t.token}\n`;
  } finally {
    await store.close();
  }
}

export async function keysCommand(
  action: 'list' | 'rotate',
  leadSeconds: string | undefined,
  config: Config,
): Promise<string> {
  const lead = leadSeconds === undefined ? 3600 : Number(leadSeconds);
  if (!Number.isInteger(lead) || lead < 0 || lead > 30 * 86_400)
    throw new UsageError(`billing keys rotate: --lead '${leadSeconds}': expected whole seconds, 0-2592000`);
  return withBilling(config, 'keys', async (b) => {
    await b.tokens.load();
    if (action === 'rotate') {
      const k = await b.tokens.rotate(lead * 1000);
      return `${JSON.stringify({ kid: k.kid, activeAt: new Date(k.activeAt).toISOString() })}\n`;
    }
    const published = new Set(b.tokens.jwks().keys.map((k) => k.kid));
    return `${JSON.stringify(
      b.tokens.keys().map((k) => ({
        ...k,
        createdAt: new Date(k.createdAt).toISOString(),
        activeAt: new Date(k.activeAt).toISOString(),
        published: published.has(k.kid),
      })),
    )}\n`;
  });
}

export function registerBillingCommand(program: Command): void {
  const cmd = program
    .command('billing')
    .description('the fee system: statements, periods, rate decks, tokens, keys');
  cmd
    .command('statement')
    .description("a party's statement for a period (calls, minutes, revenue, cost, margin), JSON or CSV")
    .requiredOption('-p, --party <party>', 'registrar:<id>, gateway:<id>, carrier:<id> or center:<CC>')
    .requiredOption('--period <period>', 'YYYY-MM (or YYYY-MM-DD with daily periods)')
    .option('-f, --format <format>', 'json or csv', 'json')
    .action(async (opts: StatementOptions) => {
      process.stdout.write(await statementCommand(opts, loadConfig()));
    });
  cmd
    .command('close <period>')
    .description('close an ended settlement period: its statements are stored and final')
    .action(async (period: string) => {
      process.stdout.write(await closeCommand(period, loadConfig()));
    });
  cmd
    .command('import <deck> <file>')
    .description('import a rate deck CSV (docs/billing.md, "Rate deck CSV") into a deck')
    .option('-m, --mode <mode>', 'replace (the file is the whole deck) or merge', 'replace')
    .action(async (deck: string, file: string, opts: { mode?: string }) => {
      process.stdout.write(await importCommand(deck, file, opts.mode, loadConfig()));
    });
  cmd
    .command('token')
    .description("create a counterparty's token for posting CDRs (printed once)")
    .requiredOption('-p, --party <party>', 'gateway:<id>, carrier:<id> or center:<CC>')
    .option('-l, --label <text>', 'a note stored with the token')
    .action(async (opts: { party: string; label?: string }) => {
      process.stdout.write(await partyTokenCommand(opts.party, opts.label, loadConfig()));
    });
  const keys = cmd.command('keys').description('the ES256 keys route tokens are signed with');
  keys
    .command('list')
    .description('key ids, when each signs, and whether the JWKS publishes it')
    .action(async () => {
      process.stdout.write(await keysCommand('list', undefined, loadConfig()));
    });
  keys
    .command('rotate')
    .description('add a key that signs after --lead seconds (verifiers fetch the JWKS first)')
    .option('--lead <seconds>', 'seconds until the new key signs', '3600')
    .action(async (opts: { lead?: string }) => {
      process.stdout.write(await keysCommand('rotate', opts.lead, loadConfig()));
    });
}
