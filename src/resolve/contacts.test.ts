import { describe, expect, it } from 'vitest';
import { createContacts } from './contacts.ts';
import { createIdentify } from './identify.ts';

const APEX = 'callx.test';
const { callerOf } = createIdentify('KR');
const gw = (host: string) => ({
  uri: `sip:+12125550100@${host}`,
  source: 'pstn',
  format: 'e164' as const,
  destCountry: 'US',
});

describe('createContacts: candidates -> the Contacts of a 302', () => {
  it('drops duplicates (case-insensitive), keeps the order and gives descending q-values', () => {
    const contactsOf = createContacts(APEX, 16);
    const out = contactsOf([gw('a.example'), gw('A.EXAMPLE'), gw('b.example')], null);
    expect(out.map((c) => [c.target, c.q])).toEqual([
      ['sip:+12125550100@a.example', '1.0'],
      ['sip:+12125550100@b.example', '0.9'],
    ]);
    expect(out[0]!.header).toBe('<sip:+12125550100@a.example>;q=1.0');
  });

  it('keeps at most the configured number of Contacts', () => {
    const contactsOf = createContacts(APEX, 2);
    const out = contactsOf(
      ['a', 'b', 'c'].map((h) => gw(`${h}.example`)),
      null,
    );
    expect(out.map((c) => c.target)).toEqual(['sip:+12125550100@a.example', 'sip:+12125550100@b.example']);
  });

  it('embeds the caller switched to E.164 as an escaped P-Asserted-Identity header in each URI', () => {
    const contactsOf = createContacts(APEX, 16);
    const caller = callerOf({ uri: 'sip:02-6200-6200-082@callx.test', display: 'Kim' });
    const [c] = contactsOf([gw('gw.example')], caller);
    expect(c!.callerId?.format).toBe('e164');
    expect(c!.uri).toMatch(/^sip:\+12125550100@gw\.example\?P-Asserted-Identity=.*%3Ctel:\+82/);
    expect(decodeURIComponent(c!.uri.split('=')[1]!)).toBe(c!.callerId!.value);
  });
});
