import type { z } from 'zod';
import { StoreInputError } from '../errors/index.js';

/** Validates a store input at the boundary; the error names the method and the first problems. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const detail = r.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`)
    .join('; ');
  throw new StoreInputError(`${what}: invalid input: ${detail}`);
}
