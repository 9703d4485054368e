// openStore picks the store from the configuration, creates the schema, and fails with one clear line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { StoreUnavailableError } from '#core';
import { EmbeddedStore, MongoStore, openStore } from '#registry';
import { silentLogger } from '../../src/core/log.ts';
import { mongoUri, testDbName } from '../setup/inject.ts';

const dir = mkdtempSync(join(tmpdir(), 'callx-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('opens the embedded store in CALLX_DATA_DIR when MONGODB_URI is unset, with the schema', async () => {
  const store = await openStore(
    { dataDir: join(dir, 'data'), mongodbUri: undefined, mongodbDb: 'callx' },
    silentLogger,
  );
  try {
    expect(store).toBeInstanceOf(EmbeddedStore);
    expect(
      (store as EmbeddedStore)
        .explain('numbers', { country: 'KR', kind: 'pin', status: 'available' })
        .join(' '),
    ).toMatch(/ix_numbers__country__kind__status__(digits|price_amount)/);
    await store.collection('members').insert({ _id: 'm1' });
  } finally {
    await store.close();
  }
  // Reopening finds the data.
  const again = await openStore(
    { dataDir: join(dir, 'data'), mongodbUri: undefined, mongodbDb: 'callx' },
    silentLogger,
  );
  expect(await again.collection('members').get('m1')).toEqual({ _id: 'm1' });
  await again.close();
});

it('opens MongoDB when MONGODB_URI is set and creates the indexes', async () => {
  const dbName = testDbName(import.meta.filename);
  const store = await openStore({ dataDir: dir, mongodbUri: mongoUri(), mongodbDb: dbName }, silentLogger);
  try {
    expect(store).toBeInstanceOf(MongoStore);
    const names = (await (store as MongoStore).db.collection('numbers').listIndexes().toArray()).map(
      (i) => i.name,
    );
    expect(names).toContain('ix_country__kind__status__digits');
    await store.collection('members').insert({ _id: 'm1' });
    // A restart, or a second process, on the same database opens it again.
    const again = await openStore({ dataDir: dir, mongodbUri: mongoUri(), mongodbDb: dbName }, silentLogger);
    expect(await again.collection('members').get('m1')).toEqual({ _id: 'm1' });
    await again.close();
  } finally {
    await (store as MongoStore).db.dropDatabase();
    await store.close();
  }
});

it('an unreachable MongoDB fails with StoreUnavailableError naming the server, without the password', async () => {
  const err = await openStore(
    { dataDir: dir, mongodbUri: 'mongodb://u:secret@127.0.0.1:1/', mongodbDb: 'x' },
    silentLogger,
  ).catch((e) => e);
  expect(err).toBeInstanceOf(StoreUnavailableError);
  expect(err.message).toMatch(/^registry: mongodb mongodb:\/\/u:\*\*\*@127\.0\.0\.1:1\/x: cannot connect/);
  expect(err.message).not.toContain('secret');
});

it('an unusable data directory fails with StoreUnavailableError naming it', async () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  const err = await openStore(
    { dataDir: join(file, 'data'), mongodbUri: undefined, mongodbDb: 'x' },
    silentLogger,
  ).catch((e) => e);
  expect(err).toBeInstanceOf(StoreUnavailableError);
  expect(err.message).toContain(join(file, 'data'));
});
