// The command line's grammar: every sub-command with its arguments, options and help text, and an
// action that imports the command's module when it runs. Registering is cheap, so `callx number`
// never loads the registry, DNS, SIP, API or web modules it does not use (a CLI start of ~1.3 s
// was mostly those imports: bench/RESULTS.md, "CLI start"). Nothing but commander's types is
// imported here; test/cli/start.test.ts checks what each command loads.
// Keep the commands sorted by name.
import type { Command } from 'commander';

/** The parts `callx serve` runs: #main's PARTS (src/cli/commands.test.ts keeps them equal). */
export const SERVE_PARTS = ['dns', 'sip', 'api'] as const;

function billing(program: Command): void {
  const cmd = program
    .command('billing')
    .description('the fee system: statements, periods, rate decks, tokens, keys');
  cmd
    .command('statement')
    .description("a party's statement for a period (calls, minutes, revenue, cost, margin), JSON or CSV")
    .requiredOption('-p, --party <party>', 'registrar:<id>, gateway:<id>, carrier:<id> or center:<CC>')
    .requiredOption('--period <period>', 'YYYY-MM (or YYYY-MM-DD with daily periods)')
    .option('-f, --format <format>', 'json or csv', 'json')
    .action(async (opts: { party: string; period: string; format?: 'json' | 'csv' }) =>
      (await import('./billing.ts')).statementAction(opts),
    );
  cmd
    .command('close <period>')
    .description('close an ended settlement period: its statements are stored and final')
    .action(async (period: string) => (await import('./billing.ts')).closeAction(period));
  cmd
    .command('import <deck> <file>')
    .description('import a rate deck CSV (docs/billing.md, "Rate deck CSV") into a deck')
    .option('-m, --mode <mode>', 'replace (the file is the whole deck) or merge', 'replace')
    .action(async (deck: string, file: string, opts: { mode?: string }) =>
      (await import('./billing.ts')).importAction(deck, file, opts.mode),
    );
  cmd
    .command('token')
    .description("create a counterparty's token for posting CDRs (printed once)")
    .requiredOption('-p, --party <party>', 'gateway:<id>, carrier:<id> or center:<CC>')
    .option('-l, --label <text>', 'a note stored with the token')
    .action(async (opts: { party: string; label?: string }) =>
      (await import('./billing.ts')).partyTokenAction(opts.party, opts.label),
    );
  const keys = cmd.command('keys').description('the ES256 keys route tokens are signed with');
  keys
    .command('list')
    .description('key ids, when each signs, and whether the JWKS publishes it')
    .action(async () => (await import('./billing.ts')).keysAction('list', undefined));
  keys
    .command('rotate')
    .description('add a key that signs after --lead seconds (verifiers fetch the JWKS first)')
    .option('--lead <seconds>', 'seconds until the new key signs', '3600')
    .action(async (opts: { lead?: string }) =>
      (await import('./billing.ts')).keysAction('rotate', opts.lead),
    );
}

function number(program: Command): void {
  program
    .command('number')
    .description(
      'classify a dialled identifier and print it as JSON: kind, canonical form, E.164, DNS owner names',
    )
    .argument(
      '<identifier>',
      'PIN (02-6200-6200-082), VNS (6200-6200#082), E.164 or national number, email address, domain name, or a sip:/sips:/tel:/mailto: URI',
    )
    .option(
      '-c, --country <CC>',
      'ISO 3166 country national numbers are read in (default: CALLX_DEFAULT_COUNTRY)',
    )
    .action(async (identifier: string, options: { country?: string }) =>
      (await import('./number.ts')).numberAction(identifier, options),
    );
}

function registry(program: Command): void {
  const cmd = program.command('registry').description('maintenance of the registry and what it publishes');
  cmd
    .command('republish')
    .description(
      'derive every published document and routing tree again with this build and journal only the records that differ',
    )
    .option('-n, --dry-run', 'count what would change; write nothing')
    .action(async (opts: { dryRun?: boolean }) => (await import('./registry.ts')).republishAction(opts));
}

function resolve(program: Command): void {
  program
    .command('resolve')
    .description(
      'resolve an identifier as the SIP redirector does and print the decision as JSON (registered terminals, DNS queries, NAPTRs, Contacts)',
    )
    .argument(
      '<identifier>',
      'any dialed identifier: PIN, VNS, E.164 or national number, email, domain, or a sip:/tel: URI',
    )
    .option(
      '-f, --from <caller>',
      "the caller's identity (a member's number or a URI): the country of national numbers and emergency codes (`callx resolve 112 --from +82262006200`), caller-id switching",
    )
    .action(async (identifier: string, options: { from?: string }) =>
      (await import('./resolve.ts')).resolveAction(identifier, options),
    );
}

function serve(program: Command): void {
  program
    .command('serve')
    .description('run the DNS server, the SIP redirector and the HTTP API (or some of them)')
    .option('--only <parts>', `run only these front-ends, comma-separated: ${SERVE_PARTS.join(', ')}`)
    .action(async (opts: { only?: string }) => (await import('./serve.ts')).serveAction(opts));
}

function token(program: Command): void {
  const cmd = program.command('token').description('API tokens for the registrar HTTP API');
  cmd
    .command('create')
    .description('create an admin token or a registrar token and print it once (only its hash is stored)')
    .option('--admin', 'an admin token: sees and changes everything')
    .option('-r, --registrar <id>', 'a token of this registrar')
    .option('-n, --name <name>', 'create the registrar with this name when it does not exist')
    .option('-l, --label <text>', 'a note stored with the token (who or what uses it)')
    .action(async (opts: { admin?: boolean; registrar?: string; name?: string; label?: string }) =>
      (await import('./token.ts')).createTokenAction(opts),
    );
}

function zone(program: Command): void {
  const cmd = program.command('zone').description('check and export DNS zones (master files, RFC 1035)');
  cmd
    .command('check')
    .description(
      'validate one master file: syntax, zone rules as named-checkzone/kzonecheck, wildcard routing',
    )
    .argument('<file>', 'the master file; its apex is the file name without .zone unless --origin is given')
    .option('-o, --origin <apex>', 'the zone apex')
    .option(
      '-a, --apex <apex>',
      'the deployment apex whose pstn and carriers trees DNS nodes fill (CALLX_APEX)',
    )
    .action(async (file: string, opts: { origin?: string; apex?: string }) =>
      (await import('./zone.ts')).checkAction(file, opts),
    );
  cmd
    .command('export')
    .description('print a zone as served (master files and registry data) as a master file')
    .argument('<apex>', 'the zone apex, e.g. callx.test')
    .action(async (apex: string) => (await import('./zone.ts')).exportAction(apex));
}

export function registerCommands(program: Command): void {
  billing(program);
  number(program);
  registry(program);
  resolve(program);
  serve(program);
  token(program);
  zone(program);
}
