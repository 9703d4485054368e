// Whether the MongoDB server answers, as the store sees it, so callers learn of an outage at
// once instead of each waiting for the driver's timeouts (server selection, or forever on a
// connection to a paused server).
//
// - An operation that fails for an unavailable server, or that runs longer than `stallMs`,
//   makes the store ping the server (one ping at a time, bounded by `pingTimeoutMs`). A slow
//   operation on a server that answers its ping is left alone: big scans are legitimate.
// - When the ping fails the store is unavailable: the operations waiting on the server fail
//   with StoreUnavailableError, new ones fail at once, and `available()` is false (the API
//   answers 503 without calling the store). A ping every `probeEveryMs` looks for the server;
//   the first that answers makes the store available again.
// - No operation runs longer than `opTimeoutMs`, whatever the server does.
// An operation given up on may still have reached the server: StoreUnavailableError means
// "not known to be done", as a dropped connection always has.
import type { Logger } from '#core';
import { StoreUnavailableError } from '#core';

export interface HealthOptions {
  /** Names the store in messages ("mongodb mongodb://host:port/db"). */
  where: string;
  logger: Logger;
  /** One round trip to the server; rejects when it does not answer. */
  ping: () => Promise<void>;
  /** An operation running this long makes the store check that the server answers (ms). */
  stallMs?: number;
  /** How long a ping may take before the server counts as unavailable (ms). */
  pingTimeoutMs?: number;
  /** How often an unavailable server is pinged (ms). */
  probeEveryMs?: number;
  /** Upper bound of any one operation (ms). */
  opTimeoutMs?: number;
  /** Runs when the server answers again (the store releases what it could not release). */
  onRecover?: () => Promise<void>;
}

interface Pending {
  fail(err: Error): void;
}

export class StoreHealth {
  private readonly opts: HealthOptions;
  private readonly stallMs: number;
  private readonly pingTimeoutMs: number;
  private readonly probeEveryMs: number;
  private readonly opTimeoutMs: number;
  private down: { since: number; reason: string } | null = null;
  private checking = false;
  /** performance.now() of the last answer from the server (an operation or a ping). */
  private lastAnswer = performance.now();
  /** A ping the server has not answered yet: probes wait on it rather than sending another. */
  private ping: Promise<void> | null = null;
  private readonly pending = new Set<Pending>();
  private probeTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(opts: HealthOptions) {
    this.opts = opts;
    this.stallMs = opts.stallMs ?? 1_000;
    this.pingTimeoutMs = opts.pingTimeoutMs ?? 2_000;
    this.probeEveryMs = opts.probeEveryMs ?? 1_000;
    this.opTimeoutMs = opts.opTimeoutMs ?? 60_000;
  }

  /** False while the server is known not to answer. */
  available(): boolean {
    return this.down === null;
  }

  private downError(what: string): StoreUnavailableError {
    const d = this.down!;
    return new StoreUnavailableError(
      `registry: ${this.opts.where}: ${what}: unavailable since ${new Date(d.since).toISOString()} (${d.reason}); checking every ${this.probeEveryMs} ms`,
    );
  }

  /**
   * Runs one store operation under the rules above. `fn` gets a signal that aborts when the
   * operation is given up on, so a section still waiting (for a lock) does not write later.
   */
  run<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.closed) {
      return Promise.reject(
        new StoreUnavailableError(`registry: ${this.opts.where}: ${what}: the store is closed`),
      );
    }
    if (this.down) return Promise.reject(this.downError(what));
    const ac = new AbortController();
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const entry: Pending = {
        fail: (err) => {
          if (settled) return;
          settled = true;
          clearTimeout(stall);
          clearTimeout(limit);
          this.pending.delete(entry);
          ac.abort(err);
          reject(err);
        },
      };
      const stall = setTimeout(() => this.check(`${what} running for ${this.stallMs} ms`), this.stallMs);
      const limit = setTimeout(() => {
        entry.fail(
          new StoreUnavailableError(
            `registry: ${this.opts.where}: ${what}: no answer within ${this.opTimeoutMs} ms`,
          ),
        );
        this.check(`${what} ran out of time`, true);
      }, this.opTimeoutMs);
      stall.unref();
      limit.unref();
      this.pending.add(entry);
      fn(ac.signal).then(
        (value) => {
          if (settled) return;
          settled = true;
          clearTimeout(stall);
          clearTimeout(limit);
          this.pending.delete(entry);
          this.lastAnswer = performance.now();
          resolve(value);
        },
        (err: unknown) => {
          if (err instanceof StoreUnavailableError) this.check((err as Error).message, true);
          else this.lastAnswer = performance.now();
          entry.fail(err as Error);
        },
      );
    });
  }

  /** One ping, bounded; a ping still unanswered from before is waited on instead of sending another. */
  private async probe(): Promise<boolean> {
    if (!this.ping) {
      const p = this.opts.ping().finally(() => {
        if (this.ping === p) this.ping = null;
      });
      this.ping = p;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.ping,
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer to a ping within ${this.pingTimeoutMs} ms`)),
            this.pingTimeoutMs,
          );
        }),
      ]);
      this.lastAnswer = performance.now();
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Asks the server whether it answers, unless it answered lately (or `force`). */
  private check(reason: string, force = false): void {
    if (this.down || this.checking || this.closed) return;
    if (!force && performance.now() - this.lastAnswer < this.stallMs) return;
    this.checking = true;
    void this.probe().then((ok) => {
      this.checking = false;
      if (!ok && !this.closed) this.markDown(reason);
    });
  }

  private markDown(reason: string): void {
    this.down = { since: Date.now(), reason };
    this.opts.logger.error({ store: this.opts.where, reason }, 'registry: store unavailable');
    const err = this.downError('operation given up');
    for (const p of [...this.pending]) p.fail(err);
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    this.probeTimer = setTimeout(async () => {
      this.probeTimer = null;
      if (this.closed) return;
      if (!(await this.probe())) return this.scheduleProbe();
      const since = this.down?.since ?? Date.now();
      this.down = null;
      this.opts.logger.info(
        { store: this.opts.where, downMs: Date.now() - since },
        'registry: store available again',
      );
      await this.opts.onRecover?.().catch(() => {});
    }, this.probeEveryMs);
    this.probeTimer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
  }
}
