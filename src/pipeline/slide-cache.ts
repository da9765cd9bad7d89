import { statSync } from 'node:fs';
import { openSlide } from '../slide/open.js';
import type { Slide } from '../slide/types.js';

/**
 * Workers see many batches of the same slide in a row; reopening the file (header parse,
 * IFD walk) for every batch would cost more than the batch itself on small tiles.
 */
export class SlideCache {
  private readonly open = new Map<string, Promise<Slide>>();
  constructor(private readonly capacity = 4) {}

  get(path: string, mpp?: number): Promise<Slide> {
    // a file replaced at the same path (a long-lived service worker sees many) is another slide
    const st = statSync(path, { throwIfNoEntry: false });
    const key = `${path}\u0000${mpp ?? ''}\u0000${st?.mtimeMs ?? ''}\u0000${st?.size ?? ''}`;
    let slide = this.open.get(key);
    if (slide) {
      // re-insert to mark as most recently used
      this.open.delete(key);
      this.open.set(key, slide);
      return slide;
    }
    slide = openSlide(path, mpp === undefined ? undefined : { mpp });
    // a failed open must not poison the cache for a retry
    slide.catch(() => this.open.delete(key));
    this.open.set(key, slide);
    while (this.open.size > this.capacity) {
      const [oldKey, oldSlide] = this.open.entries().next().value as [string, Promise<Slide>];
      this.open.delete(oldKey);
      void oldSlide.then((s) => s.close()).catch(() => undefined);
    }
    return slide;
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(all.map(async (s) => (await s).close()));
  }
}
