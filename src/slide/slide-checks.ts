import { MetadataError } from '../errors/index.js';

/**
 * Argument checks every slide backend makes the same way, so a caller gets the same error from
 * each.
 */

/** µm/px from slide metadata: undefined, or a number in (0, 100]; anything else is a MetadataError naming the slide. */
export function checkMetaMpp(path: string, mpp: unknown): number | undefined {
  if (mpp === undefined) return undefined;
  if (typeof mpp !== 'number' || !Number.isFinite(mpp) || mpp <= 0 || mpp > 100) {
    throw new MetadataError(
      `${path}: metadata pixel size ${typeof mpp === 'number' ? String(mpp) : JSON.stringify(mpp)} is not valid; supply µm/px as a number greater than 0 and at most 100 (e.g. 0.5)`,
    );
  }
  return mpp;
}

/** Level `i` of an open slide, or the error for a closed slide or a level that does not exist. */
export function openLevel<T>(path: string, closed: boolean, levels: readonly T[], i: number): T {
  if (closed) throw new Error(`${path}: slide is closed`);
  const l = levels[i];
  if (!Number.isInteger(i) || !l) throw new RangeError(`${path}: level ${i} does not exist (the slide has ${levels.length})`);
  return l;
}

/** A RangeError unless the integer rectangle lies inside a level of `levelWidth` × `levelHeight`. */
export function checkRegion(path: string, i: number, levelWidth: number, levelHeight: number, x: number, y: number, width: number, height: number): void {
  const ints = [x, y, width, height].every(Number.isInteger);
  if (!ints || x < 0 || y < 0 || width < 1 || height < 1 || x + width > levelWidth || y + height > levelHeight) {
    throw new RangeError(`${path}: region (${x}, ${y}) ${width}×${height} is not inside level ${i} (${levelWidth}×${levelHeight})`);
  }
}
