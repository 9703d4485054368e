// The redirector on either transport, for the suites that must hold on both: the builtin UDP/TCP
// listener, or a real drachtio-server (test/sip/drachtio-server.ts) with callx connected to it
// as its application. Clients talk to `port` either way.
import type { SipService, SipServiceDeps } from '#sip';
import { until } from '../helpers/until.ts';
import { type Drachtio, type DrachtioOptions, startDrachtio } from './drachtio-server.ts';
import { request, startSip, status, UdpClient } from './env.ts';

export const TRANSPORTS = ['builtin', 'drachtio'] as const;
export type TransportName = (typeof TRANSPORTS)[number];

export interface SipUnderTest {
  transport: TransportName;
  /** Where SIP clients send (UDP and TCP). */
  port: number;
  service: SipService;
  /** The drachtio-server in front, with the drachtio transport. */
  drachtio?: Drachtio;
  stop(): Promise<void>;
}

/** Waits until requests reach the redirector through drachtio-server (routes registered), not its own 503. */
export async function waitRouted(
  port: number,
  what = 'drachtio-server to route requests to callx',
): Promise<void> {
  const c = await new UdpClient().open();
  try {
    await until(
      what,
      async () => {
        c.send(port, request({ method: 'OPTIONS', uri: 'sip:callx.test', localPort: c.port }));
        return status(await c.next(500)) === 200;
      },
      20_000,
      100,
    );
  } finally {
    c.close();
  }
}

/** The redirector resolving through `dnsPort`, on the given transport. */
export async function startUnderTest(
  transport: TransportName,
  dnsPort: number,
  env: Record<string, string> = {},
  extra: Partial<SipServiceDeps> = {},
  drachtioOptions: DrachtioOptions = {},
): Promise<SipUnderTest> {
  if (transport === 'builtin') {
    const { service, port } = await startSip(dnsPort, env, extra);
    return { transport, port, service, stop: () => service.stop() };
  }
  const drachtio = await startDrachtio(drachtioOptions);
  try {
    const { service } = await startSip(
      dnsPort,
      {
        CALLX_SIP_TRANSPORT: 'drachtio',
        DRACHTIO_HOST: '127.0.0.1',
        DRACHTIO_PORT: String(drachtio.adminPort),
        DRACHTIO_SECRET: drachtio.secret,
        ...env,
      },
      extra,
    );
    await until(
      'callx to connect to drachtio-server',
      () => service.health().drachtio?.connected === true,
      20_000,
    );
    await waitRouted(drachtio.sipPort);
    return {
      transport,
      port: drachtio.sipPort,
      service,
      drachtio,
      async stop() {
        await service.stop();
        await drachtio.stop();
      },
    };
  } catch (err) {
    await drachtio.stop();
    throw new Error(`${(err as Error).message}\ndrachtio-server said:\n${drachtio.log()}`);
  }
}
