// Helpers for test files: the MongoDB server from the global setup, a database per test file.
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { inject } from 'vitest';

/** The URI of the MongoDB-compatible server; throws (failing the suite) when there is none. */
export function mongoUri(): string {
  const uri = inject('mongodbUri');
  if (!uri) throw new Error(inject('mongodbError') || 'test: the global setup provided no MongoDB server');
  return uri;
}

/** A database name of its own for one test file (files run in parallel against one server). */
export function testDbName(file: string): string {
  const stem = basename(file)
    .replace(/\.test\.ts$/, '')
    .replace(/[^A-Za-z0-9]/g, '_');
  return `t_${stem.slice(0, 40)}_${randomBytes(4).toString('hex')}`;
}
