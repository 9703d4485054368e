import { describe, expect, it } from 'vitest';
import {
  parseCSeq,
  parseNameAddr,
  parseSipMessage,
  parseVia,
  SipParseError,
  splitValues,
} from './message.ts';

describe('SIP message model (drachtio-srf SipMessage)', () => {
  it('parses a request, compact header names included', () => {
    const m = parseSipMessage(
      'INVITE sip:+8226@x SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\nf: <sip:a@b>;tag=1\r\nt: <sip:c@d>\r\ni: abc\r\nCSeq: 1 INVITE\r\nl: 0\r\n\r\n',
    );
    expect([m.type, m.method, m.uri]).toEqual(['request', 'INVITE', 'sip:+8226@x']);
    expect(m.get('Call-ID')).toBe('abc');
    expect(m.get('via')).toBe('SIP/2.0/UDP h;branch=z9hG4bK1');
  });
  it('refuses what is neither request nor response', () => {
    expect(() => parseSipMessage('hello\r\n\r\n')).toThrow(SipParseError);
  });
});

describe('header values', () => {
  it.each([
    ['a, b', ['a', 'b']],
    ['<sip:a@b;x=1,2>;q=1, "Doe, John" <sip:c@d>', ['<sip:a@b;x=1,2>;q=1', '"Doe, John" <sip:c@d>']],
    ['"a \\" ,b" <sip:x@y>', ['"a \\" ,b" <sip:x@y>']],
  ])('splitValues(%j)', (v, out) => expect(splitValues(v)).toEqual(out));

  it.each([
    [
      'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1;rport',
      { transport: 'UDP', host: '127.0.0.1', port: 5060, rport: true },
    ],
    [
      'SIP/2.0/TCP [2001:db8::1]:5080;branch=z9hG4bK2',
      { transport: 'TCP', host: '[2001:db8::1]', port: 5080, rport: false },
    ],
    [
      'SIP / 2.0 / udp host.example ; branch=z9hG4bK3',
      { transport: 'UDP', host: 'host.example', port: undefined, rport: false },
    ],
  ])('parseVia(%s)', (raw, want) => {
    const v = parseVia(raw)!;
    expect({ transport: v.transport, host: v.host, port: v.port, rport: v.params.has('rport') }).toEqual(
      want,
    );
  });
  it.each(['SIP/3.0/UDP h', 'garbage', 'SIP/2.0/UDP h:99999'])('parseVia refuses %s', (raw) => {
    expect(parseVia(raw)).toBeNull();
  });

  it('parses name-addr and addr-spec', () => {
    expect(parseNameAddr('"Kim" <sip:+82@x;user=phone>;tag=9')).toEqual({
      display: '"Kim"',
      uri: 'sip:+82@x;user=phone',
      params: new Map([['tag', '9']]),
    });
    // in an addr-spec the parameters are header parameters (RFC 3261 §20.10)
    expect(parseNameAddr('sip:a@b;tag=1')).toEqual({
      display: undefined,
      uri: 'sip:a@b',
      params: new Map([['tag', '1']]),
    });
    expect(parseNameAddr('<no scheme>')).toBeNull();
    expect(parseNameAddr('<sip:a@b')).toBeNull();
  });

  it.each([
    ['1 INVITE', { seq: 1, method: 'INVITE' }],
    [' 42   REGISTER ', { seq: 42, method: 'REGISTER' }],
    ['99999999999 INVITE', null],
    ['x INVITE', null],
    ['1', null],
  ])('parseCSeq(%j)', (v, out) => expect(parseCSeq(v)).toEqual(out));
});
