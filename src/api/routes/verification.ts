// Proof of ownership of a PIN (docs/sales.md, "Proof of ownership"): a paid PIN order waits as
// pending-verification, nothing published, until its registrar records the evidence (a letter of
// authorisation's reference, or a verification code the member confirms from that line through
// the country center), and the admin or the registrar approves.
//   POST /v1/orders/{id}/verification   the registrar's evidence: {method: loa, reference} | {method: code}
//   POST /v1/verifications/confirm      the country center: {line, code} (the operator's token)
//   POST /v1/orders/{id}/approve        the admin or the registrar: paid, and the number goes to its member
//   POST /v1/orders/{id}/reject         the admin or the registrar: cancelled, payment due for refund, number back in stock
import { z } from '@hono/zod-openapi';
import { ApproveInput, ConfirmCodeInput, RecordEvidenceInput, RejectInput } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { v1Route } from '../route.ts';
import { iso, json, jsonBody, named } from '../schemas.ts';
import { NumberSchema, OrderIdParam, OrderSchema, presentNumber, presentOrder } from './sales-views.ts';

const EvidenceBody = z
  .discriminatedUnion('method', [
    named(RecordEvidenceInput.options[0].omit({ orderId: true }), 'LetterOfAuthorisation'),
    named(RecordEvidenceInput.options[1].omit({ orderId: true }), 'VerificationCodeRequest'),
  ])
  .openapi('VerificationEvidence');
const ConfirmBody = named(ConfirmCodeInput, 'VerificationConfirmation');
const ApproveBody = named(ApproveInput.omit({ orderId: true }), 'ApproveInput');
const RejectBody = named(RejectInput.omit({ orderId: true }), 'RejectInput');

const EvidenceResult = z
  .object({
    order: OrderSchema,
    code: z
      .string()
      .optional()
      .openapi({ description: 'The code the member enters calling the center from the line: shown once' }),
    codeExpiresAt: z.string().optional(),
  })
  .openapi('VerificationEvidenceResult');

export function registerVerificationRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/orders/{id}/verification',
      tag: 'sales',
      summary: "Record the evidence that a PIN's buyer holds the line (a letter of authorisation, or a code)",
      description:
        'For an order pending-verification. method loa: the reference of the letter the registrar keeps. ' +
        'method code: callx makes an 8-digit code, shown once, valid a week; the member calls the country center ' +
        'from the PIN and enters it, and the center confirms it (POST /v1/verifications/confirm). Recording again replaces the evidence.',
      request: { params: OrderIdParam, ...jsonBody(EvidenceBody) },
      responses: { 200: json(EvidenceResult, 'Recorded') },
      errors: [404, 409],
    }),
    async (c) => {
      const body = c.req.valid('json');
      const r = await s.sales.recordEvidence(principalOf(c), { orderId: c.req.valid('param').id, ...body });
      return c.json(
        {
          order: presentOrder(r.order),
          ...(r.code !== undefined ? { code: r.code } : {}),
          ...(r.codeExpiresAt !== undefined ? { codeExpiresAt: iso(r.codeExpiresAt) } : {}),
        },
        200,
      );
    },
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/verifications/confirm',
      tag: 'sales',
      summary: "The country center confirms a code the member entered calling from the PIN's line",
      description:
        "The center's system sends the calling line it saw and the digits entered. The operator's (admin) token: the " +
        'centers are the operator’s. A wrong code counts (verification-failed, 422); after 5, or a week, the code is void.',
      request: jsonBody(ConfirmBody),
      responses: {
        200: json(z.object({ order: OrderSchema }).openapi('VerificationConfirmed'), 'Confirmed'),
      },
      errors: [403, 404, 422],
    }),
    async (c) => {
      const r = await s.sales.confirmCode(principalOf(c), c.req.valid('json'));
      return c.json({ order: presentOrder(r.order) }, 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/orders/{id}/approve',
      tag: 'sales',
      summary:
        "Approve a PIN order's proof of ownership: it is paid, and its number goes to the member (and DNS)",
      description:
        'The admin or the order’s registrar, once the evidence is there (a letter recorded, or a code confirmed): ' +
        'verification-required (409) otherwise.',
      request: { params: OrderIdParam, ...jsonBody(ApproveBody) },
      responses: {
        200: json(
          z.object({ order: OrderSchema, number: NumberSchema, assigned: z.boolean() }).openapi('Approval'),
          'Approved',
        ),
      },
      errors: [404, 409],
    }),
    async (c) => {
      const r = await s.sales.approve(principalOf(c), { orderId: c.req.valid('param').id });
      return c.json(
        { order: presentOrder(r.order), number: presentNumber(r.number), assigned: r.assigned },
        200,
      );
    },
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/orders/{id}/reject',
      tag: 'sales',
      summary:
        "Reject a PIN order's proof of ownership: the order is cancelled, its payment due for refund, its number back in stock",
      description:
        'The admin or the order’s registrar, while the order is pending-verification (order-state, 409, otherwise), ' +
        'with the reason (kept on the order). Idempotent: rejecting again returns the same order and finishes what a ' +
        'crash left undone. The fee system reverses the sale in the member’s ledger (the number returned, the payment refunded).',
      request: { params: OrderIdParam, ...jsonBody(RejectBody) },
      responses: {
        200: json(
          z
            .object({
              order: OrderSchema,
              number: NumberSchema.nullable(),
              refundDue: z.string().nullable().openapi({ description: 'The payment due for refund' }),
            })
            .openapi('Rejection'),
          'Rejected',
        ),
      },
      errors: [404, 409],
    }),
    async (c) => {
      const r = await s.sales.reject(principalOf(c), {
        orderId: c.req.valid('param').id,
        ...c.req.valid('json'),
      });
      return c.json(
        {
          order: presentOrder(r.order),
          number: r.number ? presentNumber(r.number) : null,
          refundDue: r.refundDue,
        },
        200,
      );
    },
  );
}
