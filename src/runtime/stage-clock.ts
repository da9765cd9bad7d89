/**
 * Wall time per stage of the tile processor, for bench/ profiles (issue 13: the per-stage table).
 * Off by default: a lap is then one branch, so the clock stays in the production path and the
 * profile measures the code that runs, not a copy. Laps are sequential: each charges the time
 * since the previous lap (or start) to its stage, so nested stages just lap in order.
 */
export class StageClock {
  enabled = false;
  readonly ms = new Map<string, number>();
  private last = 0;

  start(): void {
    if (this.enabled) this.last = performance.now();
  }

  lap(stage: string): void {
    if (!this.enabled) return;
    const now = performance.now();
    this.ms.set(stage, (this.ms.get(stage) ?? 0) + now - this.last);
    this.last = now;
  }

  reset(): void {
    this.ms.clear();
  }
}

/** The clock of this thread's tile processor. */
export const stageClock = new StageClock();
