// `callx token create --admin | --registrar <id> [--name <name>] [--label <text>]`: makes an API
// token and prints it once on stdout (only its SHA-256 is stored). With --name, a registrar that
// does not exist yet is created first.
import { type Config, createLogger, loadConfig } from '#core';
import {
  ADMIN,
  type CreatedToken,
  createAuthService,
  openStore,
  REGISTRAR_ID,
  RegistryError,
} from '#registry';
import { UsageError } from './errors.ts';

export interface TokenCreateOptions {
  admin?: boolean | undefined;
  registrar?: string | undefined;
  name?: string | undefined;
  label?: string | undefined;
}

/** The command's work without the process around it. */
export async function createTokenCommand(opts: TokenCreateOptions, config: Config): Promise<CreatedToken> {
  if (Boolean(opts.admin) === Boolean(opts.registrar))
    throw new UsageError('token create: give exactly one of --admin and --registrar <id>');
  if (opts.registrar !== undefined && !REGISTRAR_ID.test(opts.registrar))
    throw new UsageError(`token create: --registrar '${opts.registrar}': ids are 1-63 of a-z, 0-9, _ and -`);
  const store = await openStore(config, createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel));
  try {
    const auth = createAuthService({ store });
    const label = opts.label ?? 'created by callx token create';
    if (opts.admin) return await auth.createToken(ADMIN, { role: 'admin' }, { label });
    const id = opts.registrar!;
    try {
      await auth.getRegistrar(ADMIN, id);
    } catch (err) {
      if (!(err instanceof RegistryError) || err.code !== 'not-found') throw err;
      if (opts.name === undefined)
        throw new UsageError(`token create: no registrar '${id}'; add --name <name> to create it`);
      await auth.createRegistrar(ADMIN, { id, name: opts.name });
    }
    return await auth.createToken(ADMIN, { role: 'registrar', registrarId: id }, { label });
  } catch (err) {
    // a --name or --label the registry refuses is bad input, as a bad --registrar is
    if (err instanceof RegistryError && err.code === 'invalid-input')
      throw new UsageError(`token create: ${err.message}`);
    throw err;
  } finally {
    await store.close();
  }
}

/** `callx token create`: the token on stdout (once), what it is on stderr. */
export async function createTokenAction(opts: TokenCreateOptions): Promise<void> {
  const t = await createTokenCommand(opts, loadConfig());
  process.stdout.write(`${t.token}\n`);
  const who = t.role === 'admin' ? 'admin token' : `token of registrar ${t.registrarId}`;
  process.stderr.write(`callx: ${who} created (id ${t.id}); it is not shown again\n`);
}
