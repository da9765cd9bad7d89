import { z } from 'zod';

/**
 * Alternative hypothesis, as R names it. 'greater': the first sample (x, or x − y for pairs) is
 * shifted up / the correlation is positive. Two-sided is what comparison tables use; one-sided
 * exists so the tests can be checked against published one-sided examples.
 */
export const Alternative = z.enum(['two-sided', 'greater', 'less']);
export type Alternative = z.infer<typeof Alternative>;

/** Two-sided p from the two one-sided tails, as R does: twice the smaller tail, at most 1. */
export function twoSided(lower: number, upper: number): number {
  return Math.min(1, 2 * Math.min(lower, upper));
}
