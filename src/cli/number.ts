// `callx number <identifier> [--country CC]`: classify a dialled identifier and print one JSON
// object (kind, canonical and display forms, E.164, inventory key, DNS owner names).
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

/** `callx number`: the description as one JSON object on stdout. */
export function numberAction(identifier: string, options: { country?: string | undefined }): void {
  const config = loadConfig();
  const description = describeNumber(identifier, {
    apex: config.apex,
    defaultCountry: options.country ?? config.defaultCountry,
  });
  process.stdout.write(`${JSON.stringify(description, null, 2)}\n`);
}
