// `callx number <identifier> [--country CC]`: classify a dialled identifier and print one JSON
// object (kind, canonical and display forms, E.164, inventory key, DNS owner names).
import type { Command } from 'commander';
import { loadConfig } from '#core';
import type { IdentifierDescription } from '#numbering';
import { describeIdentifier, NumberingError, parseIdentifier } from '#numbering';
import { UsageError } from './errors.ts';

/** The command's work without the process around it: NumberingError becomes a UsageError (exit 2). */
export function describeNumber(
  identifier: string,
  opts: { apex: string; defaultCountry?: string | undefined },
): IdentifierDescription {
  try {
    return describeIdentifier(
      parseIdentifier(identifier, { defaultCountry: opts.defaultCountry }),
      opts.apex,
    );
  } catch (err) {
    if (err instanceof NumberingError) throw new UsageError(err.message);
    throw err;
  }
}

export function registerNumberCommand(program: Command): void {
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
    .action((identifier: string, options: { country?: string }) => {
      const config = loadConfig();
      const description = describeNumber(identifier, {
        apex: config.apex,
        defaultCountry: options.country ?? config.defaultCountry,
      });
      process.stdout.write(`${JSON.stringify(description, null, 2)}\n`);
    });
}
