// Orders: reserve a number (approved with price and expiry, or refused with the reason), read
// and list orders, cancel a reserved order, give a paid order's number to a member. POST
// /v1/orders honours Idempotency-Key; payments are in payments.ts.
import { z } from '@hono/zod-openapi';
import { AssignInput, ReserveInput } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { crudRoutes, queryList } from '../crud.ts';
import { ApiError } from '../errors.ts';
import { IdempotencyHeaderSchema, ownerKey } from '../idempotency.ts';
import { queryListSchema, queryParam, registrarIdParam } from '../paging.ts';
import { v1Route } from '../route.ts';
import { iso, json, jsonBody, pathParam } from '../schemas.ts';
import {
  MoneyOut,
  NumberSchema,
  OfferSchema,
  OrderSchema,
  presentNumber,
  presentOrder,
  salesPage,
} from './sales-views.ts';

export const OrderIdParam = pathParam(
  'id',
  z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected an order id'),
);

// Named with zod's .meta(): see inventory.ts.
const ReserveBody = ReserveInput.meta({ id: 'ReserveInput' });
const AssignBody = AssignInput.omit({ orderId: true }).meta({ id: 'AssignInput' });

const ReservationSchema = z
  .object({
    order: OrderSchema,
    number: OfferSchema,
    price: MoneyOut,
    expiresAt: z.string().openapi({ description: 'Pay before this time, or the number returns to stock' }),
  })
  .openapi('Reservation');

const OrdersQuery = queryListSchema({
  registrarId: registrarIdParam(),
  status: queryParam(z.enum(['reserved', 'paid', 'cancelled', 'expired']).optional(), 'status'),
});

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

  queryList(
    app,
    {
      path: '/v1/orders',
      tag: 'sales',
      summary: 'List orders, newest first',
      query: OrdersQuery,
      page: salesPage(OrderSchema, 'OrderPage'),
      answer: 'A page of orders',
    },
    s.sales.listOrders,
    presentOrder,
  );

  crudRoutes(app, {
    tag: 'sales',
    path: '/v1/orders',
    key: OrderIdParam,
    schema: OrderSchema,
    present: presentOrder,
    keyOf: (o) => o.id,
  }).get({ summary: 'An order and its state', answer: 'The order' }, (p, orderId) =>
    s.sales.getOrder(p, { orderId }),
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
