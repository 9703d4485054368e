// A member's account and ledger (docs/billing.md, "Accounts and the ledger"): open or change it
// (prepaid or postpaid, its currency while it has no entries), read its balance, list its
// entries, and post top-ups, refunds, adjustments and charges — each with an Idempotency-Key,
// so a retry never posts twice.
import { z } from '@hono/zod-openapi';
import { billing } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { ApiError } from '../errors.ts';
import { expectedVersion, IfMatchHeaderSchema, ifMatchVersion, notModified, setEtag } from '../etag.ts';
import { IdempotencyHeaderSchema, ownerKey } from '../idempotency.ts';
import { listQuery, pageBody, pageSchema } from '../paging.ts';
import { v1Route } from '../route.ts';
import { json, jsonBody, jsonWithEtag, NO_CONTENT, named } from '../schemas.ts';
import { AccountSchema, EntrySchema, presentAccount, presentEntry } from './billing-views.ts';
import { MemberIdParam } from './members.ts';

const AccountBody = named(
  billing.OpenAccountInput.omit({ memberId: true, expectedVersion: true }),
  'AccountInput',
);
const PostBody = named(billing.PostInput.omit({ memberId: true, key: true }), 'LedgerPosting');

const PostingResultSchema = z
  .object({
    entry: EntrySchema,
    account: AccountSchema,
    duplicate: z.boolean().openapi({ description: 'This key was posted before: nothing new was posted' }),
  })
  .openapi('LedgerPostingResult');

export function registerBillingAccountRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'put',
      path: '/v1/members/{id}/account',
      tag: 'billing',
      summary:
        'Open a member\'s account, or change its mode and credit limit (If-Match: the version; "0": only if none)',
      request: { params: MemberIdParam, headers: IfMatchHeaderSchema, ...jsonBody(AccountBody) },
      responses: {
        201: jsonWithEtag(AccountSchema, 'Opened'),
        200: jsonWithEtag(AccountSchema, 'Changed'),
      },
      errors: [404, 409],
    }),
    async (c) => {
      const version = ifMatchVersion(c.req.valid('header')['if-match']);
      const r = await s.billing.accounts.open(principalOf(c), {
        memberId: c.req.valid('param').id,
        ...c.req.valid('json'),
        ...expectedVersion(version),
      });
      setEtag(c, r.account.version);
      return r.created ? c.json(presentAccount(r.account), 201) : c.json(presentAccount(r.account), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/members/{id}/account',
      tag: 'billing',
      summary: "A member's account: balance, credit, what is held and what is available",
      request: { params: MemberIdParam },
      responses: { 200: jsonWithEtag(AccountSchema, 'The account'), 304: NO_CONTENT },
      errors: [404],
    }),
    async (c) => {
      const a = await s.billing.accounts.get(principalOf(c), { memberId: c.req.valid('param').id });
      setEtag(c, a.version);
      if (notModified(c, a.version)) return c.body(null, 304);
      return c.json(presentAccount(a), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/members/{id}/ledger',
      tag: 'billing',
      summary: "A member's ledger entries, oldest first",
      request: { params: MemberIdParam, query: listQuery(billing.ListEntriesInput.omit({ memberId: true })) },
      responses: { 200: json(pageSchema(EntrySchema, 'LedgerPage'), 'A page of entries') },
      errors: [404],
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await s.billing.accounts.entries(principalOf(c), {
        ...q,
        memberId: c.req.valid('param').id,
      });
      return c.json(pageBody(c, page, presentEntry, q.limit), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/members/{id}/ledger',
      tag: 'billing',
      summary: "Post to a member's ledger: a top-up, refund, adjustment or charge (Idempotency-Key required)",
      description:
        'Amounts are decimal strings in the account currency (another currency: 409 currency-mismatch). A charge never ' +
        'overdraws (409 insufficient-funds); an adjustment is signed. The same Idempotency-Key again returns the first ' +
        'entry (200, `duplicate`); with another posting it is 422.',
      request: { params: MemberIdParam, headers: IdempotencyHeaderSchema, ...jsonBody(PostBody) },
      responses: {
        201: json(PostingResultSchema, 'Posted'),
        200: json(PostingResultSchema, 'Posted before with this key'),
      },
      errors: [404, 409, 422],
    }),
    async (c) => {
      const p = principalOf(c);
      const key = c.req.valid('header')['idempotency-key'];
      if (!key)
        throw new ApiError('validation-failed', 'Idempotency-Key: required on a ledger posting', {
          errors: [
            { location: 'header', pointer: 'idempotency-key', detail: 'required: a unique key per posting' },
          ],
          extra: { code: 'invalid-input' },
        });
      const body = c.req.valid('json');
      const memberId = c.req.valid('param').id;
      return s.idempotent(c, ownerKey(p), body, async () => {
        const r = await s.billing.accounts.post(p, { memberId, key, ...body });
        const out = {
          entry: presentEntry(r.entry),
          account: presentAccount(r.account),
          duplicate: r.duplicate,
        };
        return r.duplicate ? c.json(out, 200) : c.json(out, 201);
      });
    },
  );
}
