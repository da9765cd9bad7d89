import type { z } from 'zod';
import { HttpError } from '../../errors/index.js';

/**
 * Parses a query with a cohort schema (markers, scores, timepoints …) after the route's own flat
 * querystring schema has checked the types; a 400 names each field as the validator would
 * ("querystring.marker: unknown marker 'CD999'").
 */
export function parseCohortQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const r = schema.safeParse(query);
  if (r.success) return r.data;
  throw new HttpError(400, r.error.issues.map((i) => `querystring${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`).join('; '));
}
