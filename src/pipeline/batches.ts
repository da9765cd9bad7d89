/** Split work into batches so per-job overhead stays small next to the work itself. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!(size >= 1)) throw new RangeError(`batch size must be ≥ 1, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Split work into consecutive batches of the given sizes (their sum must be the item count). */
export function chunkBySizes<T>(items: readonly T[], sizes: readonly number[]): T[][] {
  if (sizes.some((s) => !(Number.isInteger(s) && s >= 1))) throw new RangeError(`batch sizes must be whole numbers ≥ 1, got ${sizes.join(', ')}`);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== items.length) throw new RangeError(`batch sizes add up to ${total}, but there are ${items.length} items`);
  const out: T[][] = [];
  let i = 0;
  for (const s of sizes) out.push(items.slice(i, (i += s)));
  return out;
}
