// docker/'s drachtio-server against the real binary of the tested version (9c2dd4cb6a): it starts
// with docker/drachtio/drachtio.conf.xml and the arguments compose gives it, callx connects with the
// secret compose gives callx-sip and routes a call through it, and drachtio-server's own metrics
// count the answers it gives by itself. Only the listening ports are moved to free ones (the
// machine is shared); the image itself cannot be built here (no Docker engine, docs/deployment.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate as validateDockerfile } from 'dockerfile-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { DnsServer } from '#dns';
import { DRACHTIO_VERSION, freePort } from './drachtio-server.ts';
import { request, startDns, status, UdpClient } from './env.ts';
import { type SipUnderTest, startUnderTest } from './transports.ts';

const DOCKER = join(import.meta.dirname, '..', '..', 'docker');
const compose = parseYaml(readFileSync(join(DOCKER, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    { image?: string; command?: string[]; environment?: Record<string, string>; build?: { context: string } }
  >;
};
const drachtioService = compose.services.drachtio!;
const sipEnv = compose.services['callx-sip']!.environment!;
/** compose's ${VAR:-default} with its default. */
const byDefault = (v: string) => v.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');

describe('docker/ drachtio-server', () => {
  it('compose builds the tested version and tags it so; the Dockerfile builds that commit', () => {
    expect(byDefault(drachtioService.image!)).toBe(`callx/drachtio-server:${DRACHTIO_VERSION}`);
    expect(drachtioService.build!.context).toBe('drachtio');
    const dockerfile = readFileSync(join(DOCKER, 'drachtio', 'Dockerfile'), 'utf8');
    expect(validateDockerfile(dockerfile, {}).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual(
      [],
    );
    expect(dockerfile).toMatch(new RegExp(`^ARG DRACHTIO_COMMIT=${DRACHTIO_VERSION}[0-9a-f]{30}$`, 'm'));
    // the image's default command is the one compose gives
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)![1]!;
    expect(JSON.parse(cmd)).toEqual(drachtioService.command);
  });

  describe('the real binary with the compose configuration', () => {
    let dns: DnsServer;
    let sip: SipUnderTest;
    let metricsPort: number;

    beforeAll(async () => {
      dns = await startDns();
      metricsPort = await freePort();
      const args = drachtioService.command!;
      expect(args.slice(0, 2)).toEqual(['-f', '/etc/drachtio.conf.xml']);
      sip = await startUnderTest(
        'drachtio',
        dns.port,
        // callx-sip's own settings from compose, but for where drachtio-server and DNS are here
        Object.fromEntries(
          Object.entries(sipEnv)
            .filter(([k]) => k.startsWith('CALLX_SIP_') || k === 'DRACHTIO_SECRET')
            .filter(([k]) => k !== 'CALLX_SIP_RESOLVERS')
            .map(([k, v]) => [k, byDefault(String(v))]),
        ),
        {},
        {
          config: join(DOCKER, 'drachtio', 'drachtio.conf.xml'),
          secret: byDefault(sipEnv.DRACHTIO_SECRET!),
          extraArgs: args.slice(2),
          prometheusPort: metricsPort,
        },
      );
    }, 60_000);
    afterAll(async () => {
      await sip?.stop();
      await dns?.stop();
    });

    it('starts with it, takes callx-sip as its application (the same secret) and routes a call', async () => {
      expect(sip.service.health().drachtio?.connected).toBe(true);
      const c = await new UdpClient().open();
      try {
        c.send(sip.port, request({ uri: 'sip:+82262006200@callx.test', localPort: c.port }));
        let res = await c.next();
        if (status(res) === 100) res = await c.next();
        expect(status(res)).toBe(302);
        // drachtio-server answers a BYE for no dialog itself: counted by its own metrics
        c.send(sip.port, request({ method: 'BYE', uri: 'sip:+82262006200@callx.test', localPort: c.port }));
        expect(status(await c.next())).toBe(481);
      } finally {
        c.close();
      }
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(text).toMatch(/^drachtio_sip_responses_out_total\{code="302",method="INVITE"\} 1$/m);
      expect(text).toMatch(/^drachtio_sip_responses_out_total\{code="481",method="BYE"\} 1$/m);
    });
  });
});
