// Types shared by the redirector core and its transports.
import type { Inbound, Reply } from './pipeline.ts';

/** Where a request came from, as the transport saw it. */
export interface RequestContext {
  transport: 'udp' | 'tcp' | 'tls' | 'ws';
  remoteAddress: string;
  remotePort: number;
}

/**
 * A response as the core decides it: status, reason and the headers particular to it.
 * The transport adds Via, From, To (with `toTag`), Call-ID and CSeq from the request (the
 * builtin transport does it in response.ts; drachtio-server does it itself).
 */
export interface SipResponseSpec {
  status: number;
  reason: string;
  /** Extra headers in order, e.g. ['Contact', '<sip:...>;q=1.0']. */
  headers: [string, string][];
  /** To tag to add when the request's To has none (stable for a given request). */
  toTag: string;
}

/**
 * Told of every final response a transport sends (metrics.sip.request): the request's method,
 * the status, and the seconds from receiving the request to sending the answer. Called on the
 * hot path, so it must only count.
 */
export type AnswerObserver = (method: string, status: number, seconds: number) => void;

/** What the core does with one received message: answer it, or stay silent (ACK, a stray response). */
export interface Redirector {
  /**
   * Takes one message through the pipeline. Resolves to the answer, or null when nothing is to be
   * sent. An INVITE that a CANCEL terminates while it is being resolved resolves to 487.
   */
  process(input: Inbound): Promise<Reply | null>;
}

export const REASONS: Record<number, string> = {
  200: 'OK',
  302: 'Moved Temporarily',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  423: 'Interval Too Brief',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  483: 'Too Many Hops',
  484: 'Address Incomplete',
  487: 'Request Terminated',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
  513: 'Message Too Large',
  604: 'Does Not Exist Anywhere',
};
