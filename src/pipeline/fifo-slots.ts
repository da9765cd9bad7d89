/**
 * A first-come, first-served gate of `size` slots: take() resolves in the order it was called as
 * slots are given back. The thread pool hands a task to piscina only once a thread is free for it,
 * since piscina's own queue does not keep the order tasks carrying an abort signal were given in
 * (executor.ts). A waiter whose signal has aborted by its turn is rejected with the signal's
 * reason and the slot passes on (no listener per waiter: a slide's batches share one signal).
 */
interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
}

export class FifoSlots {
  private free: number;
  private readonly line: Waiter[] = [];
  private closed: Error | null = null;

  constructor(size: number) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`slots: size must be a whole number ≥ 1, got ${size}`);
    this.free = size;
  }

  take(signal?: AbortSignal): Promise<void> {
    if (this.closed) return Promise.reject(this.closed);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.free > 0 && this.line.length === 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => this.line.push({ resolve, reject, signal }));
  }

  give(): void {
    for (;;) {
      const next = this.line.shift();
      if (!next) {
        this.free++;
        return;
      }
      if (next.signal?.aborted) {
        next.reject(next.signal.reason);
        continue;
      }
      next.resolve();
      return;
    }
  }

  /** Every waiter, and every later caller, is refused with `reason` (the pool is going away: its queued tasks must not hang). */
  close(reason: Error): void {
    this.closed = reason;
    for (const w of this.line.splice(0)) w.reject(reason);
  }

  /** callers waiting for a slot */
  get waiting(): number {
    return this.line.length;
  }
}
