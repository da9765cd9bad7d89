import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type RawServerDefault } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { CohortImportError, httpStatusOf, TOLD_5XX } from '../errors/index.js';
import { createLogger } from '../runtime/log.js';
import { ANALYSIS_VERSION } from '../domain/version.js';
import type { ApiDeps } from './deps.js';
import { batchEventRoutes } from './routes/batch-events.js';
import { batchRoutes } from './routes/batches.js';
import { cohortRoutes } from './routes/cohort.js';
import { compareRoutes } from './routes/compare.js';
import { exportRoutes } from './routes/export.js';
import { healthRoutes } from './routes/health.js';
import { scoreFieldRoutes } from './routes/score-fields.js';
import { reviewRoutes } from './routes/review.js';
import { reviewQueueRoutes } from './routes/review-queue.js';
import { reviewStateRoutes } from './routes/review-state.js';
import { scoreRoutes } from './routes/scores.js';
import { tokenRoutes } from './routes/tokens.js';
import { uploadRoutes } from './routes/upload.js';
import { viewerRoutes } from './routes/viewer.js';

export type { ApiDeps } from './deps.js';

export type ApiServer = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/** "body.slides.0.file" from the validator's context and JSON pointer, so a 400 names the field. */
function fieldName(context: string | undefined, instancePath: string): string {
  const rest = instancePath.split('/').filter(Boolean).join('.');
  return [context ?? 'request', rest].filter(Boolean).join('.');
}

/**
 * The HTTP API: zod-validated routes, roles from API tokens (auth.ts), an OpenAPI document
 * generated from the same schemas at GET /openapi.json. Logs through pino on stderr.
 */
export async function buildServer(deps: ApiDeps): Promise<ApiServer> {
  const app = Fastify({ loggerInstance: createLogger(deps.config.LOG_LEVEL) as FastifyBaseLogger }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({ field: fieldName(err.validationContext, v.instancePath), message: v.message ?? 'invalid' }));
      return reply.code(400).send({ statusCode: 400, error: STATUS_CODES[400], message: issues.map((i) => `${i.field}: ${i.message}`).join('; ') });
    }
    const status = httpStatusOf(err);
    let message = err.message;
    if (err.code === 'FST_REQ_FILE_TOO_LARGE') message = `upload is larger than the limit of ${deps.config.MAX_UPLOAD_BYTES} bytes (MAX_UPLOAD_BYTES)`;
    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      if (!TOLD_5XX.some((type) => err instanceof type)) message = 'internal error; see the server log';
    }
    const body = { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
    // every problem of a refused cohort import, so a client can show them row by row
    return reply.code(status).send(err instanceof CohortImportError ? { ...body, issues: err.issues } : body);
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'biopsy-quant', description: 'Immunohistochemistry quantification of muscle biopsies', version: ANALYSIS_VERSION },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API token (bq_…)' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifyMultipart, {
    throwFileSizeLimit: false,
    limits: { fileSize: deps.config.MAX_UPLOAD_BYTES, files: 1_000, fields: 10, fieldSize: 16 * 1024 * 1024 },
  });

  await app.register(healthRoutes(deps));
  await app.register(batchRoutes(deps));
  await app.register(uploadRoutes(deps));
  await app.register(batchEventRoutes(deps));
  await app.register(scoreRoutes(deps));
  await app.register(scoreFieldRoutes());
  await app.register(tokenRoutes(deps));
  await app.register(viewerRoutes(deps));
  await app.register(cohortRoutes(deps));
  await app.register(compareRoutes(deps));
  await app.register(exportRoutes(deps));
  await app.register(reviewRoutes(deps));
  await app.register(reviewQueueRoutes(deps));
  await app.register(reviewStateRoutes(deps));
  app.get('/openapi.json', { schema: { summary: 'This document', tags: ['health'] } }, async () => app.swagger());
  await app.ready();
  return app;
}
