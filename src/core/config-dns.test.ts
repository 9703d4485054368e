import { describe, expect, it } from 'vitest';
import { DNS_LIMITS, loadConfig } from './config.ts';

describe('config: the DNS limits', () => {
  it('default to DNS_LIMITS and take the environment', () => {
    expect(loadConfig({}).dns).toMatchObject(DNS_LIMITS);
    const dns = loadConfig({
      CALLX_DNS_TCP_MAX_CONNECTIONS: '5000',
      CALLX_DNS_TCP_PER_SOURCE: '8',
      CALLX_DNS_TCP_BUFFER_BYTES: '8388608',
      CALLX_DNS_CACHE_BYTES: '0',
    }).dns;
    expect(dns).toMatchObject({
      tcpMaxConnections: 5000,
      tcpPerSource: 8,
      tcpBufferBytes: 8388608,
      cacheBytes: 0,
    });
  });

  it('refuse nonsense, naming the variable', () => {
    expect(() => loadConfig({ CALLX_DNS_TCP_PER_SOURCE: '0' })).toThrow(
      /^config: CALLX_DNS_TCP_PER_SOURCE: .*\(got '0'\)$/,
    );
    expect(() => loadConfig({ CALLX_DNS_TCP_BUFFER_BYTES: '1000' })).toThrow(/CALLX_DNS_TCP_BUFFER_BYTES/);
    expect(() => loadConfig({ CALLX_DNS_CACHE_BYTES: 'lots' })).toThrow(/CALLX_DNS_CACHE_BYTES/);
    expect(() => loadConfig({ CALLX_DNS_TCP_MAX_CONNECTIONS: '1.5' })).toThrow(
      /CALLX_DNS_TCP_MAX_CONNECTIONS/,
    );
  });
});
