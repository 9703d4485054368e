// What the in-process SIP benchmarks (trust.ts, billing.ts) share: the member kim (password
// 'pw'), a policy without fraud limits, INVITEs as SIPp sends them, the Authorizations a UA that
// keeps its nonce sends (counts 1..n), and one call through a redirector's whole pipeline.
import { ha1 } from '#core';
import { digestResponse, parseAuthorization } from '../../src/sip/register/digest.ts';
import { buildResponse } from '../../src/sip/response.ts';
import type { createSipService } from '../../src/sip/service.ts';

type Service = ReturnType<typeof createSipService>;

export const KIM = {
  username: 'kim',
  ha1Md5: ha1('MD5', 'kim', 'callx.test', 'pw'),
  ha1Sha256: ha1('SHA-256', 'kim', 'callx.test', 'pw'),
  memberId: 'm-kim',
  registrarId: 'bench',
  country: 'KR',
  numbers: ['+82262006200'],
  displayName: 'Kim',
};
/** Caller trust's sources: nobody trusted by the registry, no fraud limits (one member at thousands of calls a second). */
export const TRUST_SOURCE = {
  load: async () => ({
    peers: [],
    policies: new Map([
      ['default', { limits: { memberPerMinute: 0, sourcePerMinute: 0, internationalPerDay: 0 } }],
    ]),
  }),
};
export const KIM_ACCOUNTS = { byUsername: async (u: string) => (u === 'kim' ? KIM : null) };

let seq = 0;
/** An INVITE from kim's UA at 127.0.0.1:5080 to `dest`, each with its own branch, tag and Call-ID. */
export function invite(dest: string, o: { auth?: string; cseq?: number; branch?: string } = {}): string {
  const n = ++seq;
  return [
    `INVITE sip:${dest}@callx.test SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5080;branch=${o.branch ?? `z9hG4bK-${n}`}`,
    `From: <sip:+82262006200@127.0.0.1:5080>;tag=${n}SIPpTag001`,
    `To: <sip:${dest}@callx.test>`,
    `Call-ID: ${n}-4242@127.0.0.1`,
    `CSeq: ${o.cseq ?? 1} INVITE`,
    'Contact: <sip:sipp@127.0.0.1:5080>',
    ...(o.auth ? [o.auth] : []),
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

const ctxOf = (addr: string) => ({ transport: 'udp' as const, remoteAddress: addr, remotePort: 5080 });

/** Authorizations answering one challenge of `service` with counts 1..n, one destination each in turn. */
export async function authorizations(service: Service, dests: string[], n: number): Promise<string[]> {
  const ch = (await service.redirector.process({
    raw: invite(dests[0]!),
    ctx: ctxOf('127.0.0.1'),
  }))!.spec.headers.find(([h]) => h === 'WWW-Authenticate')![1];
  const nonce = parseAuthorization(ch)!.get('nonce')!;
  return Array.from({ length: n }, (_, i) => {
    const uri = `sip:${dests[i % dests.length]}@callx.test`;
    const nc = (i + 1).toString(16).padStart(8, '0');
    const response = digestResponse('MD5', KIM.ha1Md5, {
      nonce,
      nc,
      cnonce: 'c',
      qop: 'auth',
      method: 'INVITE',
      uri,
    });
    return `Authorization: Digest username="kim", realm="callx.test", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="c"`;
  });
}

/** One request through the whole pipeline (bytes in -> response text), from `addr`; its status. */
export async function pipeline(service: Service, raw: string, addr = '127.0.0.1'): Promise<number> {
  const ctx = ctxOf(addr);
  const out = await service.redirector.process({ raw: Buffer.from(raw), ctx, datagram: true });
  buildResponse(out!.request, out!.spec, out!.via, ctx);
  return out!.spec.status;
}
