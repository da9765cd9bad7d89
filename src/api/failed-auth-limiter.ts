import { LRUCache } from 'lru-cache';

interface Window {
  /** wrong tokens counted in this window */
  failures: number;
  /** when the window ends, ms since the epoch */
  resetAt: number;
}

/**
 * Counts wrong API tokens per client (IP) in fixed windows that start at a client's first
 * failure. Once a client has sent `limit` of them, every request of it is refused (429) until its
 * window ends, good tokens included: a client locked out by its own guesses stays locked, or a
 * guesser holding one valid token could keep guessing between its requests. Only requests that
 * present a wrong token count; requests without one, and good tokens, do not.
 *
 * In memory, per process: with two API instances behind one address each counts on its own, so a
 * client gets `limit` per instance. The LRU bound keeps a spray of source addresses from growing
 * memory without end; an address it forgets starts a fresh window.
 */
export class FailedAuthLimiter {
  private readonly windows: LRUCache<string, Window>;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.windows = new LRUCache<string, Window>({ max: 100_000 });
  }

  private current(client: string): Window | undefined {
    const w = this.windows.get(client);
    if (w && w.resetAt <= this.now()) {
      this.windows.delete(client);
      return undefined;
    }
    return w;
  }

  /** Seconds until this client may try again, or 0 when it is not locked out. */
  retryAfterS(client: string): number {
    const w = this.current(client);
    return w && w.failures >= this.limit ? Math.max(1, Math.ceil((w.resetAt - this.now()) / 1000)) : 0;
  }

  /** Counts one wrong token from this client. */
  fail(client: string): void {
    const w = this.current(client);
    if (w) w.failures += 1;
    else this.windows.set(client, { failures: 1, resetAt: this.now() + this.windowMs });
  }
}
