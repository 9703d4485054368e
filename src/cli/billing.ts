// `callx billing ...` (docs/billing.md): the operator's commands of the fee system, run against
// the registry directly as the admin.
//   callx billing statement --party <party> --period <YYYY-MM> [--format json|csv]
//   callx billing close <period>                  closes an ended settlement period
//   callx billing import <deck> <file.csv> [--mode replace|merge]
//   callx billing token --party <party> [--label <text>]   a counterparty's token, printed once
//   callx billing keys list | rotate [--lead <seconds>]    route-token signing keys
import { readFileSync } from 'node:fs';
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

// The actions of `callx billing ...` (src/cli/commands.ts): each prints what its command returns.

export async function statementAction(opts: StatementOptions): Promise<void> {
  process.stdout.write(await statementCommand(opts, loadConfig()));
}

export async function closeAction(period: string): Promise<void> {
  process.stdout.write(await closeCommand(period, loadConfig()));
}

export async function importAction(deck: string, file: string, mode: string | undefined): Promise<void> {
  process.stdout.write(await importCommand(deck, file, mode, loadConfig()));
}

export async function partyTokenAction(party: string, label: string | undefined): Promise<void> {
  process.stdout.write(await partyTokenCommand(party, label, loadConfig()));
}

export async function keysAction(action: 'list' | 'rotate', leadSeconds: string | undefined): Promise<void> {
  process.stdout.write(await keysCommand(action, leadSeconds, loadConfig()));
}
