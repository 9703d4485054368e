import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.ts';
import { etagOf, ifMatchVersion } from './etag.ts';

describe('api: ETags and If-Match', () => {
  it.each([
    [undefined, undefined],
    ['*', undefined],
    ['"7"', 7],
    [' W/"12" ', 12],
  ])('If-Match %j names version %j', (header, version) => {
    expect(ifMatchVersion(header)).toBe(version);
  });

  it.each(['7', '"x"', '"7", "8"', '"1234567890123456"'])(
    'refuses If-Match %j as a 400 naming the header',
    (header) => {
      try {
        ifMatchVersion(header);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ApiError);
        expect((err as ApiError).kind).toBe('validation-failed');
        expect((err as ApiError).errors?.[0]).toMatchObject({ location: 'header', pointer: 'if-match' });
      }
    },
  );

  it('writes strong ETags', () => {
    expect(etagOf(3)).toBe('"3"');
  });
});
