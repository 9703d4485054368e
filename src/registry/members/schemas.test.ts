// Validation tables for member input: every field, its bounds, its cross-field rules.
import { describe, expect, it } from 'vitest';
import {
  RegisterMemberInput,
  readPhones,
  SetBranchesInput,
  SetSipCredentialsInput,
  UpdateMemberInput,
} from './schemas.ts';

const individual = {
  type: 'individual',
  displayName: 'Kim Min-ji',
  email: 'minji@example.com',
  country: 'KR',
};
const company = { type: 'company', displayName: 'Acme Korea', domain: 'acme.example', country: 'KR' };

/** The issue paths of a failed parse, or 'ok'. */
function issues(
  schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[] }[] } } },
  v: unknown,
) {
  const r = schema.safeParse(v);
  return r.success ? 'ok' : r.error!.issues.map((i) => i.path.map(String).join('.'));
}

describe('RegisterMemberInput', () => {
  it('normalises what it accepts', () => {
    const v = RegisterMemberInput.parse({
      ...individual,
      email: 'MinJi@Example.com',
      country: 'kr',
      contactPstn: '02-6200-6200',
      otherCarriers: ['sip:minji@voip.example', '010-1234-5678'],
      homePage: 'https://minji.example',
      personal: {
        givenName: ' Min-ji ',
        birthDate: '1990-02-28',
        language: 'ko-kr',
        address: 'Seoul\nJung-gu',
      },
    });
    expect(v).toMatchObject({
      email: 'minji@example.com',
      country: 'KR',
      contactPstn: '+82262006200',
      otherCarriers: ['sip:minji@voip.example', '+821012345678'],
      homePage: 'https://minji.example/',
      personal: {
        givenName: 'Min-ji',
        birthDate: '1990-02-28',
        language: 'ko-KR',
        address: 'Seoul\nJung-gu',
      },
    });
  });

  const table: Array<[string, Record<string, unknown>, string[] | 'ok']> = [
    ['a minimal individual', individual, 'ok'],
    ['a minimal company', company, 'ok'],
    ['a company with a contact email', { ...company, email: 'info@acme.example' }, 'ok'],
    ['an individual without email', { ...individual, email: undefined }, ['email']],
    ['an individual with a domain', { ...individual, domain: 'kim.example' }, ['domain']],
    ['a company without domain', { ...company, domain: undefined }, ['domain']],
    ['an unknown type', { ...individual, type: 'robot' }, ['type']],
    ['an empty display name', { ...individual, displayName: '   ' }, ['displayName']],
    ['a display name of 201 characters', { ...individual, displayName: 'x'.repeat(201) }, ['displayName']],
    ['a display name with a control character', { ...individual, displayName: 'Kim\u0007' }, ['displayName']],
    ['a display name with a bidi override', { ...individual, displayName: 'Kim\u202e' }, ['displayName']],
    ['a display name with a newline', { ...individual, displayName: 'Kim\nLee' }, ['displayName']],
    ['a bad email', { ...individual, email: 'minji@' }, ['email']],
    ['an email of 10 kB', { ...individual, email: `${'a'.repeat(10_000)}@example.com` }, ['email']],
    ['a domain that is an address', { ...company, domain: 'a@acme.example' }, ['domain']],
    ['an unknown country', { ...individual, country: 'XX' }, ['country']],
    ['a country name', { ...individual, country: 'Korea' }, ['country']],
    ['a contact number that is no number', { ...individual, contactPstn: '02-62' }, ['contactPstn']],
    [
      'a contact number of another kind',
      { ...individual, contactPstn: 'minji@example.com' },
      ['contactPstn'],
    ],
    [
      'eleven other carriers',
      {
        ...individual,
        otherCarriers: Array.from({ length: 11 }, (_, i) => `+8210123456${String(i).padStart(2, '0')}`),
      },
      ['otherCarriers'],
    ],
    [
      'the same carrier target twice',
      { ...individual, otherCarriers: ['+82 10 1234 5678', '010-1234-5678'] },
      ['otherCarriers'],
    ],
    ['a bad carrier URI', { ...individual, otherCarriers: ['sip:a"b@x.example'] }, ['otherCarriers.0']],
    ['a javascript home page', { ...individual, homePage: 'javascript:alert(1)' }, ['homePage']],
    ['a non-boolean publishEmail', { ...individual, publishEmail: 'yes' }, ['publishEmail']],
    ['a future birth date', { ...individual, personal: { birthDate: '2999-01-01' } }, ['personal.birthDate']],
    ['a 30th of February', { ...individual, personal: { birthDate: '1990-02-30' } }, ['personal.birthDate']],
    [
      'a birth date in another format',
      { ...individual, personal: { birthDate: '01/02/1990' } },
      ['personal.birthDate'],
    ],
    ['a bad language tag', { ...individual, personal: { language: 'not a tag' } }, ['personal.language']],
    [
      'an address of 501 characters',
      { ...individual, personal: { address: 'x'.repeat(501) } },
      ['personal.address'],
    ],
    ['an unknown personal field', { ...individual, personal: { shoeSize: 44 } }, ['personal']],
    ['an unknown field', { ...individual, numbers: [] }, ['']],
    ['a bad registrar id', { ...individual, registrarId: 'a b' }, ['registrarId']],
  ];
  it.each(table)('%s', (_what, input, expected) => {
    const got = issues(RegisterMemberInput, input);
    if (expected === 'ok') expect(got).toBe('ok');
    else expect(got).toEqual(expect.arrayContaining(expected));
  });

  it('gives one message per problem that says what is expected', () => {
    const r = RegisterMemberInput.safeParse({ ...individual, email: 'x', country: 'XX' });
    expect(r.success).toBe(false);
    for (const i of r.error!.issues) expect(i.message.length).toBeGreaterThan(5);
  });
});

describe('UpdateMemberInput', () => {
  it.each([
    ['a rename', { memberId: 'm_1', displayName: 'New' }, 'ok'],
    [
      'removing optional fields',
      { memberId: 'm_1', contactPstn: null, homePage: null, personal: null },
      'ok',
    ],
    ['an expected version', { memberId: 'm_1', expectedVersion: 3 }, 'ok'],
    ['version 0', { memberId: 'm_1', expectedVersion: 0 }, ['expectedVersion']],
    ['no member id', { displayName: 'x' }, ['memberId']],
    ['a member id with a slash', { memberId: 'a/b' }, ['memberId']],
    ['changing the type', { memberId: 'm_1', type: 'company' }, ['']],
    // read when the change is applied, in the member's new or current country (readPhones)
    ['a national number', { memberId: 'm_1', contactPstn: '02-6200-6200' }, 'ok'],
  ] as const)('%s', (_what, input, expected) => {
    const got = issues(UpdateMemberInput, input);
    if (expected === 'ok') expect(got).toBe('ok');
    else expect(got).toEqual(expect.arrayContaining([...expected]));
  });

  it('reads national numbers in the country it is given, and names each one it cannot read', () => {
    const problems: string[] = [];
    const report = (path: (string | number)[]) => problems.push(path.join('.'));
    expect(
      readPhones({ contactPstn: '02-6200-6200', otherCarriers: ['010-1234-5678'] }, 'KR', report),
    ).toEqual({
      contactPstn: '+82262006200',
      otherCarriers: ['+821012345678'],
    });
    expect(problems).toEqual([]);
    readPhones(
      { contactPstn: '02-6200-6200', otherCarriers: ['sip:a@b.example', '010-1234-5678'] },
      undefined,
      report,
    );
    expect(problems).toEqual(['contactPstn', 'otherCarriers.1']);
  });
});

describe('SetBranchesInput', () => {
  it('reads each branch number in its own country', () => {
    const v = SetBranchesInput.parse({
      memberId: 'm_1',
      base: '6200-6200',
      branches: [
        { country: 'KR', pstn: '02-6200-6200' },
        { country: 'US', sipUri: 'sip:acme@us.acme.example', pstn: '(212) 555-0100' },
      ],
    });
    expect(v.base).toBe('62006200');
    expect(v.branches).toEqual([
      { country: 'KR', pstn: '+82262006200' },
      { country: 'US', sipUri: 'sip:acme@us.acme.example', pstn: '+12125550100' },
    ]);
  });

  it.each([
    ['two branches in one country', { branches: [{ country: 'KR' }, { country: 'kr' }] }, ['branches']],
    [
      'a branch URI that is not SIP',
      { branches: [{ country: 'KR', sipUri: 'https://acme.example' }] },
      ['branches.0.sipUri'],
    ],
    [
      'a branch number of another country',
      { branches: [{ country: 'US', pstn: '02-6200-6200' }] },
      ['branches.0.pstn'],
    ],
    ['a base that is no VNS base', { base: '12' }, ['base']],
    ['251 branches', { branches: Array.from({ length: 251 }, () => ({ country: 'KR' })) }, ['branches']],
  ])('refuses %s', (_what, change, expected) => {
    const got = issues(SetBranchesInput, { memberId: 'm_1', base: '6200-6200', branches: [], ...change });
    expect(got).toEqual(expect.arrayContaining(expected));
  });
});

describe('SetSipCredentialsInput', () => {
  it.each([
    [{ username: 'minji', password: 'correct horse' }, 'ok'],
    [{ username: 'min.ji-2', password: '12345678' }, 'ok'],
    [{ username: 'MinJi', password: 'correct horse' }, ['username']],
    [{ username: '.minji', password: 'correct horse' }, ['username']],
    [{ username: 'min ji', password: 'correct horse' }, ['username']],
    [{ username: 'a'.repeat(65), password: 'correct horse' }, ['username']],
    [{ username: 'minji', password: 'short' }, ['password']],
    [{ username: 'minji', password: 'x'.repeat(129) }, ['password']],
    [{ username: 'minji', password: 'tab\there!' }, ['password']],
  ] as const)('%j', (creds, expected) => {
    const got = issues(SetSipCredentialsInput, { memberId: 'm_1', ...creds });
    if (expected === 'ok') expect(got).toBe('ok');
    else expect(got).toEqual(expect.arrayContaining([...expected]));
  });
});
