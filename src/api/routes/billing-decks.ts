// Rate decks (docs/billing.md, "Rate decks"): a registrar's sell decks and the operator's cost
// decks (PSTN gateways, partner carriers), one per party and currency; rates imported and
// exported as CSV in the documented layout, and the longest-prefix match of a number.
import { z } from '@hono/zod-openapi';
import { billing } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { setEtag } from '../etag.ts';
import { listQuery, pageBody, pageSchema } from '../paging.ts';
import { v1Route } from '../route.ts';
import { iso, json, jsonBody, jsonWithEtag, NO_CONTENT, named, pathParam, Timestamp } from '../schemas.ts';
import { CSV, csvBody, csvRequest, csvResponse, DeckSchema, presentDeck } from './billing-views.ts';

const DeckIdParam = pathParam('id', billing.DeckId);
const CreateDeckBody = named(billing.CreateDeckInput, 'RateDeckInput');

const ImportResultSchema = z
  .object({
    deck: DeckSchema,
    rows: z.number().int(),
    ms: z.number().openapi({ description: 'How long the import took' }),
  })
  .openapi('RateDeckImport');

const MatchSchema = z
  .object({
    deck: z.string(),
    revision: z.number().int(),
    number: z.string(),
    at: Timestamp,
    match: z
      .object({
        prefix: z.string(),
        destination: z.string(),
        rate: z.string().openapi({ description: 'Per minute, major units' }),
        connectionFee: z.string(),
        firstIncrement: z.number().int(),
        nextIncrement: z.number().int(),
        currency: z.string(),
      })
      .nullable(),
  })
  .openapi('RateMatch');

export function registerBillingDeckRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/billing/decks',
      tag: 'billing',
      summary:
        "Create a rate deck: a registrar's sell deck, or (the admin) a gateway's or carrier's cost deck",
      description: 'One deck per party and currency; its id is `<party kind>.<party id>.<CURRENCY>`.',
      request: jsonBody(CreateDeckBody),
      responses: { 201: jsonWithEtag(DeckSchema, 'Created (no rates yet)') },
      errors: [403, 404, 409],
    }),
    async (c) => {
      const d = await s.billing.decks.create(principalOf(c), c.req.valid('json'));
      setEtag(c, d.version);
      c.header('location', `/v1/billing/decks/${d.id}`);
      return c.json(presentDeck(d), 201);
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/billing/decks',
      tag: 'billing',
      summary: "Rate decks in id order: a registrar's own sell decks; the admin's, every deck",
      request: { query: listQuery(billing.ListDecksInput) },
      responses: { 200: json(pageSchema(DeckSchema, 'RateDeckPage'), 'A page of decks') },
      errors: [403],
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(pageBody(c, await s.billing.decks.list(principalOf(c), q), presentDeck, q.limit), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/billing/decks/{id}',
      tag: 'billing',
      summary: 'A rate deck',
      request: { params: DeckIdParam },
      responses: { 200: jsonWithEtag(DeckSchema, 'The deck') },
      errors: [404],
    }),
    async (c) => {
      const d = await s.billing.decks.get(principalOf(c), { deckId: c.req.valid('param').id });
      setEtag(c, d.version);
      return c.json(presentDeck(d), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'delete',
      path: '/v1/billing/decks/{id}',
      tag: 'billing',
      summary: 'Remove a rate deck and its rates',
      request: { params: DeckIdParam },
      responses: { 204: NO_CONTENT },
      errors: [404],
    }),
    async (c) => {
      await s.billing.decks.remove(principalOf(c), { deckId: c.req.valid('param').id });
      return c.body(null, 204);
    },
  );

  app.openapi(
    v1Route({
      method: 'put',
      path: '/v1/billing/decks/{id}/rates',
      tag: 'billing',
      summary: 'Import the deck\'s rates from CSV (docs/billing.md, "Rate deck CSV"): whole or not at all',
      description:
        'replace (default): the file is the whole deck; merge: its rows replace those of the same prefix and start. ' +
        'Any bad field refuses the file (400, every field named as /rows/<line>/<column>); rows in another ' +
        'currency are 409 currency-mismatch. Readers see the old rates until the new ones are complete. ' +
        'The body may be up to CALLX_BILLING_IMPORT_LIMIT bytes.',
      request: {
        params: DeckIdParam,
        query: z.object({ mode: billing.ImportMode.optional() }),
        ...csvRequest('The rate deck, with a header row'),
      },
      responses: { 200: json(ImportResultSchema, 'Imported') },
      errors: [404, 409],
    }),
    async (c) => {
      const csv = await csvBody(c);
      const r = await s.billing.decks.importCsv(principalOf(c), {
        deckId: c.req.valid('param').id,
        csv,
        mode: c.req.valid('query').mode ?? 'replace',
      });
      setEtag(c, r.deck.version);
      return c.json({ deck: presentDeck(r.deck), rows: r.rows, ms: Math.round(r.ms) }, 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/billing/decks/{id}/rates',
      tag: 'billing',
      summary: "The deck's rates as CSV, in the layout imports read",
      request: { params: DeckIdParam },
      responses: { 200: csvResponse('The rates') },
      errors: [404],
    }),
    async (c) => {
      const r = await s.billing.decks.exportCsv(principalOf(c), { deckId: c.req.valid('param').id });
      setEtag(c, r.deck.version);
      c.header('content-disposition', `attachment; filename="${r.deck.id}.csv"`);
      return c.body(r.csv, 200, { 'content-type': CSV });
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/billing/decks/{id}/match',
      tag: 'billing',
      summary: 'The rate that prices a number (longest prefix valid at the time)',
      request: {
        params: DeckIdParam,
        query: billing.MatchInput.omit({ deckId: true }).strip(),
      },
      responses: { 200: json(MatchSchema, 'The match, or null') },
      errors: [404],
    }),
    async (c) => {
      const q = c.req.valid('query');
      const raw = new URL(c.req.url).searchParams;
      const m = await s.billing.decks.match(principalOf(c), {
        deckId: c.req.valid('param').id,
        number: q.number,
        ...(raw.get('at') ? { at: raw.get('at')! } : {}),
      });
      return c.json({ ...m, at: iso(m.at) }, 200);
    },
  );
}
