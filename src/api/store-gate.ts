// While the store says it is unavailable (its server stopped answering; Store.available), answer
// 503 at once rather than holding each request until the store's own timeouts run out.
import type { MiddlewareHandler } from 'hono';
import type { Store } from '#core';
import { problemResponse } from './errors.ts';

export function storeGate(store: Pick<Store, 'available'>): MiddlewareHandler {
  return async (c, next) => {
    if (store.available?.() === false) {
      return problemResponse(c, 'unavailable', 'the registry store is unavailable; retry later', {
        headers: { 'retry-after': '1' },
      });
    }
    await next();
  };
}
