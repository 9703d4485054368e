import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { manualClock } from './clock.ts';
import { createLogLimiter } from './log-limit.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, sink) };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('core: rate-limited log lines', () => {
  it('writes the first line of a window per key and the count of the rest when the window ends', async () => {
    const { lines, logger } = capture();
    const clock = manualClock(1_000);
    const limiter = createLogLimiter(logger, { windowMs: 10_000, clock });
    for (let i = 0; i < 50_000; i++) limiter.log('info', 'tsig', { peer: '192.0.2.1' }, 'dns: xfr: bad TSIG');
    limiter.log('warn', 'acl', {}, 'dns: xfr: refused');
    clock.advance(10_000);
    limiter.log('info', 'tsig', {}, 'dns: xfr: bad TSIG');
    limiter.flush();
    await settle();
    expect(lines.map((l) => l.msg)).toEqual([
      'dns: xfr: bad TSIG',
      'dns: xfr: refused',
      'dns: xfr: bad TSIG (49999 more like this suppressed in 10 s)',
      'dns: xfr: bad TSIG',
    ]);
    expect(lines[2]).toMatchObject({ suppressed: 49_999, key: 'tsig', peer: '192.0.2.1' });
    expect(limiter.suppressed()).toBe(49_999);
  });

  it('bounds the keys it remembers: unseen keys past the bound share one bucket', async () => {
    const { lines, logger } = capture();
    const limiter = createLogLimiter(logger, { maxKeys: 3, clock: manualClock() });
    for (let i = 0; i < 1000; i++) limiter.log('warn', `peer-${i}`, {}, `sip: peer ${i}`);
    limiter.flush();
    await settle();
    expect(lines.length).toBeLessThanOrEqual(8);
    expect(limiter.suppressed()).toBe(1000 - 4);
  });
});
