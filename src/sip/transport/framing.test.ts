import { describe, expect, it } from 'vitest';
import { createFramer } from './framing.ts';

const msg = (body = '') =>
  `OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nl: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('TCP framing', () => {
  it('splits several messages, bodies counted in bytes (UTF-8)', () => {
    const f = createFramer(4096);
    const frames = f.push(Buffer.from(msg('héllo') + msg() + msg('x')));
    expect(frames.map((x) => (x.kind === 'message' ? x.data.toString() : x.kind))).toEqual([
      msg('héllo'),
      msg(),
      msg('x'),
    ]);
    expect(f.buffered).toBe(0);
  });
  it('waits for the rest of a message', () => {
    const f = createFramer(4096);
    const all = Buffer.from(msg('body'));
    expect(f.push(all.subarray(0, 10))).toEqual([]);
    expect(f.push(all.subarray(10, all.length - 1))).toEqual([]);
    expect(f.push(all.subarray(all.length - 1))).toHaveLength(1);
  });
  it('keep-alives: CRLF is skipped, CRLFCRLF is a ping', () => {
    const f = createFramer(4096);
    expect(f.push(Buffer.from('\r\n')).map((x) => x.kind)).toEqual([]);
    expect(f.push(Buffer.from(`\r\n\r\n${msg()}`)).map((x) => x.kind)).toEqual(['ping', 'message']);
  });
  it('errors: no Content-Length, too big a body, endless headers', () => {
    expect(createFramer(4096).push(Buffer.from('INVITE x SIP/2.0\r\nVia: a\r\n\r\n'))[0]).toMatchObject({
      kind: 'error',
      status: 400,
    });
    expect(createFramer(100).push(Buffer.from(msg('x'.repeat(200))))[0]).toMatchObject({
      kind: 'error',
      status: 513,
    });
    expect(
      createFramer(100).push(Buffer.from(`INVITE x SIP/2.0\r\n${'X: y\r\n'.repeat(50)}`))[0],
    ).toMatchObject({ kind: 'error', status: 513 });
  });
});
