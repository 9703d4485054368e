// Orders: reserve a number (approved with price and expiry, or refused with the reason), read
// and list orders, cancel a reserved order, give a paid order's number to a member. POST
// /v1/orders honours Idempotency-Key; payments are in payments.ts.
import { z } from '@hono/zod-openapi';
import { AssignInput, ListOrdersInput, ReserveInput } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { ApiError } from '../errors.ts';
import { notModified, setEtag } from '../etag.ts';
import { IdempotencyHeaderSchema, ownerKey } from '../idempotency.ts';
import { listQuery, pageBody, pageSchema } from '../paging.ts';
import { v1Route } from '../route.ts';
import { iso, json, jsonBody, jsonWithEtag, NO_CONTENT, named } from '../schemas.ts';
import {
  MoneyOut,
  NumberSchema,
  OfferSchema,
  OrderIdParam,
  OrderSchema,
  presentNumber,
  presentOrder,
} from './sales-views.ts';

const ReserveBody = named(ReserveInput, 'ReserveInput');
const AssignBody = named(AssignInput.omit({ orderId: true }), 'AssignInput');

const ReservationSchema = z
  .object({
    order: OrderSchema,
    number: OfferSchema,
    price: MoneyOut,
    expiresAt: z.string().openapi({ description: 'Pay before this time, or the number returns to stock' }),
  })
  .openapi('Reservation');

/** Why a reservation was refused, as a problem the client can act on. */
const REFUSAL = {
  invalid: 'validation-failed',
  'not-offered': 'not-found',
  taken: 'number-taken',
  held: 'number-taken',
} as const;

export function registerOrderRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/orders',
      tag: 'sales',
      summary: 'Reserve a number: approved with price and expiry, or refused with the reason',
      description:
        'Refusals are problems with `reason`: invalid (400), not-offered (404), taken or held (409, number-taken). ' +
        'Send an Idempotency-Key to retry safely.',
      request: { headers: IdempotencyHeaderSchema, ...jsonBody(ReserveBody) },
      responses: { 201: json(ReservationSchema, 'Reserved') },
      errors: [404, 409, 422],
    }),
    async (c) => {
      const p = principalOf(c);
      const input = c.req.valid('json');
      return s.idempotent(c, ownerKey(p), input, async () => {
        const r = await s.sales.reserve(p, input);
        if (!r.approved)
          throw new ApiError(REFUSAL[r.reason], r.message, {
            extra: { reason: r.reason, number: r.number },
            ...(r.reason === 'invalid'
              ? { errors: [{ location: 'body', pointer: '/number', detail: r.message }] }
              : {}),
          });
        c.header('location', `/v1/orders/${r.order.id}`);
        return c.json(
          { order: presentOrder(r.order), number: r.number, price: r.price, expiresAt: iso(r.expiresAt) },
          201,
        );
      });
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/orders',
      tag: 'sales',
      summary: 'List orders in creation order, optionally by status (the admin: all, or one registrar)',
      request: { query: listQuery(ListOrdersInput) },
      responses: { 200: json(pageSchema(OrderSchema, 'OrderPage'), 'A page of orders') },
      errors: [403],
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(pageBody(c, await s.sales.listOrders(principalOf(c), q), presentOrder, q.limit), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/orders/{id}',
      tag: 'sales',
      summary: 'An order and its state',
      request: { params: OrderIdParam },
      responses: { 200: jsonWithEtag(OrderSchema, 'The order'), 304: NO_CONTENT },
      errors: [404],
    }),
    async (c) => {
      const order = await s.sales.getOrder(principalOf(c), { orderId: c.req.valid('param').id });
      setEtag(c, order.version);
      if (notModified(c, order.version)) return c.body(null, 304);
      return c.json(presentOrder(order), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/orders/{id}/cancel',
      tag: 'sales',
      summary: 'Cancel a reserved order; its number returns to stock',
      request: { params: OrderIdParam },
      responses: { 200: json(OrderSchema, 'Cancelled') },
      errors: [404, 409],
    }),
    async (c) =>
      c.json(presentOrder(await s.sales.cancel(principalOf(c), { orderId: c.req.valid('param').id })), 200),
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/orders/{id}/assign',
      tag: 'sales',
      summary: "Give a paid order's number to a member (who registered after paying)",
      request: { params: OrderIdParam, ...jsonBody(AssignBody) },
      responses: {
        200: json(z.object({ order: OrderSchema, number: NumberSchema }).openapi('Assignment'), 'Assigned'),
      },
      errors: [404, 409, 422],
    }),
    async (c) => {
      const r = await s.sales.assign(principalOf(c), {
        orderId: c.req.valid('param').id,
        ...c.req.valid('json'),
      });
      return c.json({ order: presentOrder(r.order), number: presentNumber(r.number) }, 200);
    },
  );
}
