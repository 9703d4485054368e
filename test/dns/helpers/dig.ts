// dig (bind9-dnsutils) as the real DNS client of the tests.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { peer } from '../../helpers/peer.ts';
import { until } from '../../helpers/until.ts';

const run = promisify(execFile);

export interface DigAnswer {
  status: string;
  flags: string[];
  /** Answer section lines: "owner ttl class type rdata" (tabs collapsed to spaces). */
  answer: string[];
  /** The RDATA of each answer record. */
  rdata: string[];
}

export async function dig(
  port: number,
  name: string,
  type: string,
  extra: string[] = [],
): Promise<DigAnswer> {
  const { stdout } = await run(
    peer('dig'),
    [
      '@127.0.0.1',
      '-p',
      String(port),
      '+norec',
      '+noall',
      '+comments',
      '+answer',
      '+tries=1',
      '+time=2',
      ...extra,
      name,
      type,
    ],
    { timeout: 10_000 },
  );
  const status = /status: ([A-Z]+)/.exec(stdout)?.[1] ?? 'NONE';
  const flags = (/flags: ([a-z ]+);/.exec(stdout)?.[1] ?? '').trim().split(/\s+/);
  const answer = stdout
    .split('\n')
    .filter((l) => l.length > 0 && !l.startsWith(';'))
    .map((l) => l.replace(/\s+/g, ' ').trim());
  const rdata = answer.map((l) => l.split(' ').slice(4).join(' '));
  return { status, flags, answer, rdata };
}

/** The SOA serial the server at `port` gives for `zone`. */
export async function soaSerial(port: number, zone: string): Promise<number> {
  const a = await dig(port, zone, 'SOA');
  const soa = a.rdata[0];
  if (a.status !== 'NOERROR' || !soa) throw new Error(`no SOA for ${zone} at port ${port}: ${a.status}`);
  return Number(soa.split(' ')[2]);
}

/** Asks until `ok` holds (or the deadline passes); resolves with the time it took (ms). */
export async function digUntil(
  port: number,
  name: string,
  type: string,
  ok: (a: DigAnswer) => boolean,
  deadlineMs = 10_000,
): Promise<{ ms: number; answer: DigAnswer }> {
  const t0 = performance.now();
  let last: DigAnswer | undefined;
  const answer = await until(
    () => `${name} ${type} at port ${port}: still ${last?.status} ${last?.rdata.join(' | ')}`,
    async () => {
      last = await dig(port, name, type);
      return ok(last) && last;
    },
    deadlineMs,
    20,
  );
  return { ms: performance.now() - t0, answer };
}
