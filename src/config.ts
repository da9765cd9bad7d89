import os from 'node:os';
import { z } from 'zod';
import { MetadataError } from './domain/errors.js';

/** Environment configuration, validated once at start-up (DESIGN.md), with laptop defaults. */
const Env = z.object({
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().url().optional(),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(Math.max(1, os.availableParallelism?.() ?? os.cpus().length)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
});
export type Config = z.infer<typeof Env>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new MetadataError(`invalid environment configuration: ${detail}`);
  }
  return parsed.data;
}
