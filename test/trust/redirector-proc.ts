// One redirector process for test/trust/limits.test.ts: the SIP service on a registry several
// processes share (an embedded store's data directory, or MongoDB/FerretDB), resolving through
// the test DNS server. Prints {"port":N} when listening; stops on SIGTERM and prints its counts.
//   node test/trust/redirector-proc.ts <data dir | mongodb URI> <db name> <DNS port> <sync ms>
import { silentLogger } from '../../src/core/log.ts';
import { SCHEMA } from '../../src/registry/schema.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';
import { createMongoStore } from '../../src/registry/stores/mongo.ts';
import { createSipService } from '../../src/sip/index.ts';
import { sipConfig } from '../sip/env.ts';

const [where = '', dbName = 'callx', dnsPort = '0', syncMs = '200'] = process.argv.slice(2);
const store = where.startsWith('mongodb')
  ? await createMongoStore({ uri: where, dbName, logger: silentLogger })
  : createEmbeddedStore({ dataDir: where, logger: silentLogger });
await store.ensureSchema(SCHEMA);
const sip = createSipService({
  config: sipConfig(Number(dnsPort), { CALLX_SIP_TRUSTED: '', CALLX_STIR: 'off' }),
  logger: silentLogger,
  store,
  limitSyncMs: Number(syncMs),
  trustRefreshMs: 100,
});
const port = await sip.start();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', async () => {
  await sip.stop();
  await store.close();
  process.exit(0);
});
