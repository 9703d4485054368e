// Paying an order: the payment provider's reference makes the same payment twice one payment,
// and Idempotency-Key makes a retried request return the first response. A paid order sells
// the number and assigns it to the order's member.
import { z } from '@hono/zod-openapi';
import { PayInput } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { IdempotencyHeaderSchema, ownerKey } from '../idempotency.ts';
import { v1Route } from '../route.ts';
import { iso, json, jsonBody, named } from '../schemas.ts';
import { NumberSchema, OrderIdParam, OrderSchema, presentNumber, presentOrder } from './sales-views.ts';

const PaymentBody = named(PayInput.omit({ orderId: true }), 'PaymentInput');

const PaymentResultSchema = z
  .object({
    order: OrderSchema,
    number: NumberSchema,
    payment: z.object({ id: z.string(), reference: z.string(), at: z.string() }),
    duplicate: z
      .boolean()
      .openapi({ description: 'This reference was recorded before: nothing new was paid' }),
    assigned: z.boolean().openapi({ description: 'The number went to the order’s member' }),
  })
  .openapi('PaymentResult');

export function registerPaymentRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/orders/{id}/payments',
      tag: 'sales',
      summary: 'Record the payment of an order (the same reference twice is one payment)',
      description:
        'order-already-paid (409): another payment paid it; order-not-payable (409): expired or cancelled — ' +
        'the payment is kept and marked for refund. payment-mismatch (422): the amount is not the price.',
      request: {
        params: OrderIdParam,
        headers: IdempotencyHeaderSchema,
        ...jsonBody(PaymentBody),
      },
      responses: {
        201: json(PaymentResultSchema, 'Paid'),
        200: json(PaymentResultSchema, 'This payment had been recorded already'),
      },
      errors: [404, 409, 422],
    }),
    async (c) => {
      const p = principalOf(c);
      const orderId = c.req.valid('param').id;
      const body = c.req.valid('json');
      return s.idempotent(c, ownerKey(p), body, async () => {
        const r = await s.sales.pay(p, { orderId, ...body });
        return c.json(
          {
            order: presentOrder(r.order),
            number: presentNumber(r.number),
            payment: { ...r.payment, at: iso(r.payment.at) },
            duplicate: r.duplicate,
            assigned: r.assigned,
          },
          r.duplicate ? 200 : 201,
        );
      });
    },
  );
}
