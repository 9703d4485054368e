// `callx resolve <identifier> [--from <caller>]`: what the SIP redirector would answer, as JSON:
// the classification, every DNS query with its answer, the NAPTRs chosen and why, the Contacts
// and the switched caller identity. The same code path as a SIP INVITE, registered terminals
// included: it reads them from the registry (CALLX_DATA_DIR or MONGODB_URI) as the redirector does.
import { type Config, createLogger, loadConfig, type Store } from '#core';
import { openStore, registryBindingSource } from '#registry';
import { createResolver, decisionJson } from '#resolve';

/** Exit status for a decision: 0 for a redirect, 2 for an identifier that is not one, 1 otherwise. */
export function exitCodeFor(status: number): number {
  if (status >= 300 && status < 400) return 0;
  if (status === 400 || status === 484) return 2;
  return 1;
}

/**
 * The command's work without the process around it. `store`: the registry to read registered
 * terminals from (opened from the configuration when absent; null: none, as a DNS-only box).
 */
export async function resolveCommand(
  identifier: string,
  opts: { from?: string | undefined },
  config: Config,
  deps: { store?: Store | null } = {},
): Promise<{ json: ReturnType<typeof decisionJson>; code: number }> {
  let store = deps.store ?? null;
  let unavailable: string | undefined;
  if (deps.store === undefined) {
    try {
      store = await openStore(config, createLogger('silent'));
    } catch (err) {
      unavailable = (err as Error).message;
    }
  }
  const resolver = createResolver(config, {
    ...(store ? { bindings: registryBindingSource(store, config.sip.realm) } : {}),
  });
  try {
    // a bare identifier (no scheme) is resolved as dialed: sip:/tel: URIs are accepted as they are
    const caller = opts.from ? { uri: opts.from, header: 'command line' as const } : undefined;
    const d = await resolver.resolve(identifier, caller);
    if (!store)
      d.notes.push(
        `registered terminals not consulted: ${unavailable ?? 'no registry'} (the redirector would reach them first)`,
      );
    return { json: decisionJson(d), code: exitCodeFor(d.status) };
  } finally {
    resolver.close();
    if (deps.store === undefined) await store?.close();
  }
}

/** `callx resolve`: the decision as JSON on stdout; the exit code says what it was. */
export async function resolveAction(
  identifier: string,
  options: { from?: string | undefined },
): Promise<void> {
  const { json, code } = await resolveCommand(identifier, options, loadConfig());
  process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  if (code !== 0) process.exitCode = code;
}
