// The console's proof-of-ownership desk (docs/sales.md, "Proof of ownership"): a paid PIN waits
// until the registrar records the evidence that its buyer holds the line — a letter of
// authorisation's reference — and approves it; then the number goes to its buyer and DNS — or
// rejects it with a reason: the order is cancelled, its payment marked for refund, the number
// back in stock. Staff with the `sell` capability act; everyone who may read sees the queue. (A
// code confirmed from the line goes through the country center's API, not this page.)

import type { Context } from 'hono';
import { Hono } from 'hono';
import { hasCapability, type Principal, RegistryError, requireCapability } from '#registry';
import type { WebEnv } from '../context.ts';
import { allPages, csvResponse } from '../csv.ts';
import { readForm } from '../forms.ts';
import { csrfField, field, type Html, html, notice, table } from '../html.ts';

export interface ProofDeps {
  staffOf(c: Context<WebEnv>): Principal | null;
  scopeOf(c: Context<WebEnv>, p: Principal): string | undefined;
  page(
    c: Context<WebEnv>,
    title: string,
    body: Html,
    status?: 200 | 400 | 403 | 409,
  ): Response | Promise<Response>;
}

const RESULT = new Set(['recorded', 'approved', 'rejected']);
type Done = 'recorded' | 'approved' | 'rejected';

export function proofRoutes(d: ProofDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  const queue = async (c: Context<WebEnv>, problem?: string) => {
    const { t } = c.var.v.locale;
    const l = c.var.v.locale;
    const p = d.staffOf(c)!;
    const registrarId = d.scopeOf(c, p);
    const list = await c.var.s.sales.listOrders(p, {
      ...(registrarId ? { registrarId } : {}),
      status: 'pending-verification',
      limit: 200,
    });
    const canSell = hasCapability(p, 'sell');
    // whose line it is: the buyer's name, read with the staff user's own reach
    const names = new Map<string, string>();
    for (const id of new Set(list.items.flatMap((o) => (o.memberId ? [o.memberId] : []))))
      names.set(id, (await c.var.s.members.get(p, { memberId: id })).displayName);
    const rows = list.items.map((o) => {
      const ev = o.verification;
      const evidence =
        ev?.method === 'loa' && ev.reference
          ? t('proofs.letter', { reference: ev.reference })
          : ev?.method === 'code'
            ? t(ev.confirmedAt ? 'proofs.codeConfirmed' : 'proofs.codeSent')
            : t('proofs.none');
      const actions: Html = canSell
        ? html`<form method="post" action="/console/proofs/${o.id}/evidence" class="inline">${csrfField(c)}${field({ name: 'reference', label: t('proofs.reference', { number: o.display }), required: true, autocomplete: 'off' })}<button type="submit">${t('proofs.record')}</button></form>
<form method="post" action="/console/proofs/${o.id}/approve" class="inline">${csrfField(c)}<button type="submit">${t('proofs.approve', { number: o.display })}</button></form>
<form method="post" action="/console/proofs/${o.id}/reject" class="inline">${csrfField(c)}${field({ name: 'reason', label: t('proofs.reason', { number: o.display }), required: true, autocomplete: 'off' })}<button type="submit">${t('proofs.reject', { number: o.display })}</button></form>`
        : html``;
      return [
        html`${o.display}`,
        html`<code>${o.id}</code>`,
        html`${o.registrarId}`,
        html`${o.memberId ? (names.get(o.memberId) ?? o.memberId) : ''}`,
        html`${evidence}`,
        actions,
      ];
    });
    const done = c.req.query('done');
    const banner = problem
      ? notice(problem, 'warn')
      : done && RESULT.has(done)
        ? notice(t(`proofs.${done as Done}`), 'ok')
        : '';
    return d.page(
      c,
      t('proofs.title'),
      html`${banner}<p>${t('proofs.intro')}</p>
${
  rows.length
    ? table(
        t('proofs.title'),
        [
          t('store.number'),
          t('console.order'),
          t('console.registrar'),
          t('console.member'),
          t('proofs.evidence'),
          t('common.actions'),
        ],
        rows,
        '/console/proofs.csv',
        l,
      )
    : notice(t('proofs.empty'))
}`,
      problem ? 409 : 200,
    );
  };

  app.get('/console/proofs', (c) => queue(c));
  app.get('/console/proofs.csv', async (c) => {
    const p = d.staffOf(c)!;
    const registrarId = d.scopeOf(c, p);
    const items = await allPages((cursor) =>
      c.var.s.sales.listOrders(p, {
        ...(registrarId ? { registrarId } : {}),
        status: 'pending-verification',
        ...(cursor ? { cursor } : {}),
        limit: 200,
      }),
    );
    return csvResponse(
      c,
      'proofs-of-ownership',
      ['order', 'number', 'registrar', 'member', 'method', 'reference', 'code_confirmed'],
      items.map((o) => [
        o.id,
        o.display,
        o.registrarId,
        o.memberId,
        o.verification?.method,
        o.verification?.method === 'loa' ? o.verification.reference : undefined,
        o.verification?.confirmedAt ? new Date(o.verification.confirmedAt).toISOString() : undefined,
      ]),
    );
  });

  /** A refusal the registrar can act on (no evidence yet, a changed order) is shown on the queue. */
  const act = async (c: Context<WebEnv>, done: Done, run: (p: Principal) => Promise<unknown>) => {
    const p = d.staffOf(c)!;
    requireCapability(p, 'sell', `web: console: proof of ownership (${done})`);
    try {
      await run(p);
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      if (!['verification-required', 'version-conflict', 'order-state', 'invalid-input'].includes(err.code))
        throw err;
      return queue(c, err.message);
    }
    return c.redirect(`/console/proofs?done=${done}`, 303);
  };

  app.post('/console/proofs/:id/evidence', async (c) => {
    const f = await readForm(c);
    return act(c, 'recorded', (p) =>
      c.var.s.sales.recordEvidence(p, {
        orderId: c.req.param('id'),
        method: 'loa',
        reference: (f.reference ?? '').trim(),
      }),
    );
  });
  app.post('/console/proofs/:id/approve', (c) =>
    act(c, 'approved', (p) => c.var.s.sales.approve(p, { orderId: c.req.param('id') })),
  );
  app.post('/console/proofs/:id/reject', async (c) => {
    const f = await readForm(c);
    return act(c, 'rejected', (p) =>
      c.var.s.sales.reject(p, { orderId: c.req.param('id'), reason: (f.reason ?? '').trim() }),
    );
  });
  return app;
}
