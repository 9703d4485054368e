// kill -9 at any moment loses no acknowledged write and leaves a database that reopens cleanly.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'callx-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs one writer until it has acknowledged `minAcks` lines, lets it run a random while more, then SIGKILLs it. */
async function runAndKill(gen: number, minAcks: number): Promise<string[]> {
  const child: ChildProcess = spawn(process.execPath, [WRITER, dataDir, String(gen)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<NodeJS.Signals | number | null>((r) =>
    child.on('exit', (code, signal) => r(signal ?? code)),
  );
  const deadline = Date.now() + 60_000;
  while (out.split('\n').length <= minAcks) {
    if (child.exitCode !== null)
      throw new Error(`crash writer ${gen} exited early (${child.exitCode}): ${err}`);
    if (Date.now() > deadline) throw new Error(`crash writer ${gen} too slow: ${out.length} bytes, ${err}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, Math.random() * 300));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  // Only complete lines are acknowledgements; a torn last line is not.
  const lines = out.split('\n');
  lines.pop();
  return lines;
}

it('survives SIGKILL in the middle of writes, several times, with every acknowledged write kept', async () => {
  const acked: string[] = [];
  for (let gen = 1; gen <= 6; gen++) {
    acked.push(...(await runAndKill(gen, 20 + gen * 15)));
  }
  const store = createEmbeddedStore({ dataDir, logger: silentLogger });
  try {
    expect(store.integrityCheck()).toBe('ok');
    const docs = store.collection<{ _id: string; payload: string }>('docs');
    // A delete announced but not acknowledged may have committed before the kill: its document
    // is not an acknowledged survivor any more. Acknowledged deletes must have happened.
    const deleted = new Set(acked.filter((l) => l.startsWith('try-del ')).map((l) => l.split(' ')[1]));
    let inserts = 0;
    let maxInc = 0;
    let maxEach = 0;
    for (const line of acked) {
      const [kind, ...rest] = line.split(' ');
      if (kind === 'ins') {
        const [id, len] = rest as [string, string];
        if (deleted.has(id)) continue;
        const doc = await docs.get(id);
        expect(doc, `acknowledged insert ${id}`).not.toBeNull();
        expect(doc!.payload.length).toBe(Number(len));
        inserts++;
      } else if (kind === 'many') {
        for (const id of rest)
          if (!deleted.has(id)) expect(await docs.get(id), `insertMany ${id}`).not.toBeNull();
      } else if (kind === 'inc') {
        const n = Number(rest[0]);
        expect(n, 'counter values only grow').toBeGreaterThan(maxInc);
        maxInc = n;
      } else if (kind === 'each') {
        expect(new Set(rest).size, `one batch's writes give one value: ${line}`).toBe(1);
        const n = Number(rest[0]);
        expect(n, 'batch counter values only grow').toBeGreaterThan(maxEach);
        maxEach = n;
      } else if (kind === 'del') {
        expect(await docs.get(rest[0]!), `deleted ${rest[0]}`).toBeNull();
      }
    }
    expect(inserts).toBeGreaterThan(100);
    // Each killed writer may have committed one increment it never got to print.
    const n = (await store.collection<{ _id: string; n: number }>('counter').get('c'))!.n;
    expect(n - maxInc).toBeGreaterThanOrEqual(0);
    expect(n - maxInc).toBeLessThanOrEqual(6);
    // A batch of writes is one commit: after any kill, every counter of the batch has one value
    const batch = await store
      .collection<{ _id: string; n: number }>('counter')
      .find({ _id: { $regex: '^b' } });
    expect(batch).toHaveLength(10);
    expect(new Set(batch.map((d) => d.n)).size).toBe(1);
    expect(batch[0]!.n - maxEach).toBeGreaterThanOrEqual(0);
    expect(batch[0]!.n - maxEach).toBeLessThanOrEqual(6);
    // The database still takes writes and answers indexed queries after the crashes.
    await docs.insert({ _id: 'after', payload: '' });
    expect(await docs.count({ gen: '6', i: { $gte: 0 } })).toBeGreaterThan(0);
  } finally {
    await store.close();
  }
}, 180_000);
