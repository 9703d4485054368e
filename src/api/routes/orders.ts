// Orders: reserve a number (approved with price and expiry, or refused with the reason), read
// and list orders, cancel a reserved order, give a paid order's number to a member. POST
// /v1/orders honours Idempotency-Key; payments are in payments.ts.
import { createRoute, z } from '@hono/zod-openapi';
import { AssignInput, DEFAULT_PAGE, MAX_PAGE, ReserveInput } from '../../registry/sales/index.ts';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { mapDomainError } from '../domain-errors.ts';
import { ApiError, toProblem } from '../errors.ts';
import { notModified, setEtag } from '../etag.ts';
import { IdempotencyHeaderSchema } from '../idempotency.ts';
import { errors, json, jsonBody, jsonWithEtag, NO_CONTENT, SECURITY } from '../schemas.ts';
import {
  MoneyOut,
  NumberSchema,
  OfferSchema,
  OrderSchema,
  presentNumber,
  presentOrder,
  salesPage,
} from './sales-views.ts';

export const OrderIdParam = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected an order id')
    .openapi({ param: { name: 'id', in: 'path' } }),
});

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

const OrdersQuery = z.object({
  registrarId: z
    .string()
    .max(64)
    .optional()
    .openapi({ param: { name: 'registrarId', in: 'query' } }),
  status: z
    .enum(['reserved', 'paid', 'cancelled', 'expired'])
    .optional()
    .openapi({ param: { name: 'status', in: 'query' } }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE)
    .default(DEFAULT_PAGE)
    .openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' } }),
});

/** Why a reservation was refused, as a problem the client can act on. */
const REFUSAL = {
  invalid: 'validation-failed',
  'not-offered': 'not-found',
  taken: 'number-taken',
  held: 'number-taken',
} as const;

export const ownerKey = (p: { role: string; registrarId?: string }) =>
  p.role === 'admin' ? 'admin' : `registrar:${p.registrarId}`;

export function registerOrderRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/orders',
      tags: ['sales'],
      summary: 'Reserve a number: approved with price and expiry, or refused with the reason',
      description:
        'Refusals are problems with `reason`: invalid (400), not-offered (404), taken or held (409, number-taken). ' +
        'Send an Idempotency-Key to retry safely.',
      security: SECURITY,
      request: { headers: IdempotencyHeaderSchema, ...jsonBody(ReserveBody) },
      responses: { 201: json(ReservationSchema, 'Reserved'), ...errors(404, 409, 413, 415, 422) },
    }),
    async (c) => {
      const p = principalOf(c);
      const input = c.req.valid('json');
      return s.idempotent(
        c,
        ownerKey(p),
        input,
        async () => {
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
            {
              order: presentOrder(r.order),
              number: r.number,
              price: r.price,
              expiresAt: new Date(r.expiresAt).toISOString(),
            },
            201,
          );
        },
        (err) => toProblem(err, c, s.logger, mapDomainError),
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/orders',
      tags: ['sales'],
      summary: 'List orders, newest first',
      security: SECURITY,
      request: { query: OrdersQuery },
      responses: { 200: json(salesPage(OrderSchema, 'OrderPage'), 'A page of orders'), ...errors(403) },
    }),
    async (c) => {
      const page = await s.sales.listOrders(principalOf(c), c.req.valid('query'));
      return c.json({ items: page.items.map(presentOrder), next: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/orders/{id}',
      tags: ['sales'],
      summary: 'An order and its state',
      security: SECURITY,
      request: { params: OrderIdParam },
      responses: { 200: jsonWithEtag(OrderSchema, 'The order'), 304: NO_CONTENT, ...errors(404) },
    }),
    async (c) => {
      const o = await s.sales.getOrder(principalOf(c), { orderId: c.req.valid('param').id });
      setEtag(c, o.version);
      if (notModified(c, o.version)) return c.body(null, 304);
      return c.json(presentOrder(o), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/orders/{id}/cancel',
      tags: ['sales'],
      summary: 'Cancel a reserved order; its number returns to stock',
      security: SECURITY,
      request: { params: OrderIdParam },
      responses: { 200: json(OrderSchema, 'Cancelled'), ...errors(404, 409) },
    }),
    async (c) =>
      c.json(presentOrder(await s.sales.cancel(principalOf(c), { orderId: c.req.valid('param').id })), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/orders/{id}/assign',
      tags: ['sales'],
      summary: "Give a paid order's number to a member (who registered after paying)",
      security: SECURITY,
      request: { params: OrderIdParam, ...jsonBody(AssignBody) },
      responses: {
        200: json(z.object({ order: OrderSchema, number: NumberSchema }).openapi('Assignment'), 'Assigned'),
        ...errors(404, 409, 413, 415, 422),
      },
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
