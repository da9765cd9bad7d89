import type { z } from 'zod';
import { MetadataError } from '../../errors/index.js';

/** zod at the plot's boundary; the error names the plot and the field (e.g. `patients.2.baseline`). */
export function parsePlotInput<T extends z.ZodType>(schema: T, input: unknown, plot: string): z.output<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new MetadataError(`${plot}: ${issue.path.join('.') || 'input'}: ${issue.message}`);
}
