import { describe, expect, it } from 'vitest';
import type { Member } from '#core';
import { emailOwner } from '#numbering';
import { publishContext } from './context.ts';
import { deriveMember } from './member.ts';

const ctx = publishContext('callx.test');
const base: Member = {
  _id: 'm1',
  registrarId: 'r1',
  type: 'individual',
  displayName: 'Alice',
  email: 'alice@example.com',
  country: 'KR',
  numbers: [{ kind: 'pin', e164: '+82262006200' }],
  otherCarriers: [],
  version: 1,
  createdAt: 0,
  updatedAt: 0,
};
const byName = (m: Member) => Object.fromEntries(deriveMember(m, ctx).map((r) => [r.name, r]));
const EMAIL_OWNER =
  // sha256("alice") = 2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90, first 28 octets
  '2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db.example.com.email.callx.test';

describe('publish: members', () => {
  it('publishes a PIN at its e164 owner, via the center of its country', () => {
    const rr = byName(base)['0.0.2.6.0.0.2.6.2.2.8.e164.callx.test'];
    expect(rr).toEqual({
      name: '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test',
      type: 'NAPTR',
      ttl: 300,
      rdata: ['100 10 "u" "E2U+sip" "!^.*$!sip:+82262006200@kr.center.callx.test!" .'],
    });
  });

  it('orders center, other carriers, PSTN, web, then email (when published)', () => {
    const m: Member = {
      ...base,
      otherCarriers: ['sip:alice@voip.example', '+12025550123'],
      contactPstn: '+821012345678',
      homePage: 'https://alice.example/',
      publishEmail: true,
    };
    expect(byName(m)['0.0.2.6.0.0.2.6.2.2.8.e164.callx.test']?.rdata).toEqual([
      '100 10 "u" "E2U+sip" "!^.*$!sip:+82262006200@kr.center.callx.test!" .',
      '100 20 "u" "E2U+sip" "!^.*$!sip:alice@voip.example!" .',
      '100 21 "u" "E2U+tel" "!^.*$!tel:+12025550123!" .',
      '100 50 "u" "E2U+tel" "!^.*$!tel:+821012345678!" .',
      '100 60 "u" "E2U+web:https" "!^.*$!https://alice.example/!" .',
      '100 70 "u" "E2U+email:mailto" "!^.*$!mailto:alice@example.com!" .',
    ]);
  });

  it('keeps the email address out of the e164 tree unless the member opts in', () => {
    const rdata = byName(base)['0.0.2.6.0.0.2.6.2.2.8.e164.callx.test']?.rdata ?? [];
    expect(rdata.join()).not.toContain('alice@');
  });

  it('publishes the hashed email owner as a pointer to the member number', () => {
    expect(byName(base)[EMAIL_OWNER]?.rdata).toEqual([
      '100 10 "" "E2U+sip" "" 0.0.2.6.0.0.2.6.2.2.8.e164.callx.test.',
    ]);
  });

  it('sends an email with no number to the contactable PSTN number, and publishes nothing without either', () => {
    expect(byName({ ...base, numbers: [], contactPstn: '+821012345678' })[EMAIL_OWNER]?.rdata).toEqual([
      '100 10 "u" "E2U+tel" "!^.*$!tel:+821012345678!" .',
    ]);
    expect(deriveMember({ ...base, numbers: [] }, ctx)).toEqual([]);
  });

  it('publishes a company: each VNS branch, and its domain pointing at the home branch', () => {
    const company: Member = {
      ...base,
      type: 'company',
      email: undefined,
      domain: 'acme.example',
      numbers: [
        {
          kind: 'vns',
          base: '62006200',
          branches: [{ country: 'US', sipUri: 'sip:pbx@acme.example' }, { country: 'KR' }],
        },
      ],
    };
    const rr = byName(company);
    expect(rr['0.0.2.6.0.0.2.6.1.vns.callx.test']?.rdata).toEqual([
      '100 10 "u" "E2U+sip" "!^.*$!sip:pbx@acme.example!" .',
      '100 30 "u" "E2U+sip" "!^.*$!sip:62006200%23001@us.center.callx.test!" .',
    ]);
    expect(rr['0.0.2.6.0.0.2.6.82.vns.callx.test']?.rdata).toEqual([
      '100 30 "u" "E2U+sip" "!^.*$!sip:62006200%23082@kr.center.callx.test!" .',
    ]);
    expect(rr['acme.example.domains.callx.test']?.rdata).toEqual([
      '100 10 "" "E2U+sip" "" 0.0.2.6.0.0.2.6.82.vns.callx.test.',
    ]);
  });
});

// issue 11: routing that never goes silently wrong
describe('publish: members, where each call goes', () => {
  const acme = (extra: Partial<Member> = {}): Member => ({
    ...base,
    _id: 'm_acme',
    type: 'company',
    email: undefined,
    domain: 'acme.example',
    country: 'US',
    numbers: [
      {
        kind: 'vns',
        base: '62006200',
        branches: [{ country: 'CA', sipUri: 'sip:desk@acme.ca' }, { country: 'US' }, { country: 'KR' }],
      },
    ],
    ...extra,
  });

  it('publishes every branch of a calling code that several countries share, in the company’s order', () => {
    const out = deriveMember(acme(), ctx);
    // one RRset per owner and type: a second RRset at the same name would replace the first in DNS
    const keys = out.map((r) => `${r.name} ${r.type}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(byName(acme())['0.0.2.6.0.0.2.6.1.vns.callx.test']?.rdata).toEqual([
      '100 10 "u" "E2U+sip" "!^.*$!sip:desk@acme.ca!" .',
      '100 30 "u" "E2U+sip" "!^.*$!sip:62006200%23001@ca.center.callx.test!" .',
      '100 130 "u" "E2U+sip" "!^.*$!sip:62006200%23001@us.center.callx.test!" .',
    ]);
  });

  it('sends a PIN to the center of the number’s country, not the member’s home country', () => {
    const m: Member = { ...base, country: 'US', numbers: [{ kind: 'pin', e164: '+82262006200' }] };
    expect(byName(m)['0.0.2.6.0.0.2.6.2.2.8.e164.callx.test']?.rdata[0]).toBe(
      '100 10 "u" "E2U+sip" "!^.*$!sip:+82262006200@kr.center.callx.test!" .',
    );
    // a shared calling code: the country comes from the number (+1 416 is Canada)
    const ca: Member = { ...base, country: 'US', numbers: [{ kind: 'pin', e164: '+14165550123' }] };
    expect(byName(ca)['3.2.1.0.5.5.5.6.1.4.1.e164.callx.test']?.rdata[0]).toContain('@ca.center.callx.test!');
  });

  it('sends every number to the center the member chose, when it chose one', () => {
    const m: Member = { ...base, country: 'JP', centerCountry: 'US' };
    expect(byName(m)['0.0.2.6.0.0.2.6.2.2.8.e164.callx.test']?.rdata[0]).toBe(
      '100 10 "u" "E2U+sip" "!^.*$!sip:+82262006200@us.center.callx.test!" .',
    );
    expect(byName(acme({ centerCountry: 'KR' }))['0.0.2.6.0.0.2.6.82.vns.callx.test']?.rdata).toEqual([
      '100 30 "u" "E2U+sip" "!^.*$!sip:62006200%23082@kr.center.callx.test!" .',
    ]);
  });

  it('publishes a company’s home page and (when asked) its address at its VNS branches', () => {
    const m = acme({ homePage: 'https://acme.example/', email: 'info@acme.example', publishEmail: true });
    expect(byName(m)['0.0.2.6.0.0.2.6.82.vns.callx.test']?.rdata).toEqual([
      '100 30 "u" "E2U+sip" "!^.*$!sip:62006200%23082@kr.center.callx.test!" .',
      '100 60 "u" "E2U+web:https" "!^.*$!https://acme.example/!" .',
      '100 70 "u" "E2U+email:mailto" "!^.*$!mailto:info@acme.example!" .',
    ]);
    // shared calling code: after the last branch
    expect(byName(m)['0.0.2.6.0.0.2.6.1.vns.callx.test']?.rdata.slice(-2)).toEqual([
      '100 160 "u" "E2U+web:https" "!^.*$!https://acme.example/!" .',
      '100 170 "u" "E2U+email:mailto" "!^.*$!mailto:info@acme.example!" .',
    ]);
  });

  it('publishes a company’s email address: calls to it reach the company as its domain does', () => {
    const m = acme({ email: 'info@acme.example' });
    const owner = emailOwner('info@acme.example', 'callx.test');
    expect(byName(m)[owner]?.rdata).toEqual(['100 10 "" "E2U+sip" "" 0.0.2.6.0.0.2.6.1.vns.callx.test.']);
    expect(byName(m)[owner]?.rdata).toEqual(byName(m)['acme.example.domains.callx.test']?.rdata);
  });
});
