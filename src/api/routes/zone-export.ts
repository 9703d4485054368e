// A zone as DNS serves it (master file data, HTTP record sets, registry-derived records), as an
// RFC 1035 master file that named-checkzone and kzonecheck accept.
import { z } from '@hono/zod-openapi';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { ApiError } from '../errors.ts';
import { v1Route } from '../route.ts';
import { ApexParam } from '../schemas.ts';

export function registerZoneExportRoute(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/zones/{apex}/export',
      tag: 'zones',
      summary: 'The zone as served, as a master file (text/dns, RFC 4027)',
      request: { params: ApexParam },
      responses: {
        200: { description: 'The master file', content: { 'text/dns': { schema: z.string() } } },
      },
      errors: [404, 503],
    }),
    async (c) => {
      const ref = await s.zones.get(principalOf(c), c.req.valid('param').apex);
      if (!s.exportZone)
        throw new ApiError(
          'unavailable',
          `zone ${ref.apex}: this API process has no DNS model to export from`,
        );
      const text = await s.exportZone(ref.apex);
      if (text === null) throw new ApiError('not-found', `zone ${ref.apex}: not served (yet) by DNS`);
      c.header('content-disposition', `attachment; filename="${ref.apex}.zone"`);
      return c.body(text, 200, { 'content-type': 'text/dns; charset=utf-8' });
    },
  );
}
