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
import { SECURITY_DEFAULTS, type SecurityConfig } from '../runtime/config.js';
import { createLogger } from '../runtime/log.js';
import { ANALYSIS_VERSION } from '../domain/version.js';
import type { ApiDeps } from './deps.js';
import { auditRoutes } from './routes/audit.js';
import { registerSecurity } from './security.js';
import { serverPathScrubber } from './server-paths.js';
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
import { metadataRoutes } from './routes/metadata.js';
import { slideProbeRoutes } from './routes/slide-probe.js';
import { slidesRootRoutes } from './routes/slides-root.js';
import { submitPageRoutes } from './routes/submit-page.js';
import { tusRoutes } from './routes/tus.js';
import { uploadedBatchRoutes } from './routes/uploaded-batch.js';
import { uploadInfoRoutes } from './routes/uploads.js';
import { validationRoutes } from './routes/validation.js';
import { viewerRoutes } from './routes/viewer.js';
import { openUploads } from './uploads/uploads.js';

export type { ApiDeps } from './deps.js';

export type ApiServer = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/** "body.slides.0.file" from the validator's context and JSON pointer, so a 400 names the field. */
function fieldName(context: string | undefined, instancePath: string): string {
  const rest = instancePath.split('/').filter(Boolean).join('.');
  return [context ?? 'request', rest].filter(Boolean).join('.');
}

/** form fields an upload may carry besides its files (only "metadata" is used; room for a few strays to be named in a 400) */
const UPLOAD_FIELDS = 10;

/** The framework's limit errors, reworded to name the limit and the setting that raises it. */
function limitMessage(code: string | undefined, sec: SecurityConfig & Pick<ApiDeps['config'], 'MAX_UPLOAD_BYTES'>): string | undefined {
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `request body is larger than the limit of ${sec.BODY_LIMIT_BYTES} bytes (BODY_LIMIT_BYTES)`;
    case 'FST_REQ_FILE_TOO_LARGE':
      return `upload is larger than the limit of ${sec.MAX_UPLOAD_BYTES} bytes (MAX_UPLOAD_BYTES)`;
    case 'FST_FILES_LIMIT':
      return `upload has more than ${sec.MAX_UPLOAD_FILES} files (MAX_UPLOAD_FILES)`;
    case 'FST_FIELDS_LIMIT':
      return `upload has more than ${UPLOAD_FIELDS} form fields (only "metadata" is used)`;
    case 'FST_PARTS_LIMIT':
      return `upload has more than ${sec.MAX_UPLOAD_FILES + UPLOAD_FIELDS} parts (MAX_UPLOAD_FILES)`;
    default:
      return undefined;
  }
}

/**
 * The HTTP API: zod-validated routes, roles from API tokens (auth.ts), an OpenAPI document
 * generated from the same schemas at GET /openapi.json. Logs through pino on stderr.
 */
export async function buildServer(deps: ApiDeps): Promise<ApiServer> {
  const given = Object.fromEntries(Object.entries(deps.config).filter(([, v]) => v !== undefined)) as ApiDeps['config'];
  const sec: SecurityConfig & ApiDeps['config'] = { ...SECURITY_DEFAULTS, ...given };
  const app = Fastify({
    loggerInstance: createLogger(deps.config.LOG_LEVEL) as FastifyBaseLogger,
    bodyLimit: sec.BODY_LIMIT_BYTES,
    http: { maxHeaderSize: sec.MAX_HEADER_BYTES },
    trustProxy: sec.TRUST_PROXY,
    // node refuses an oversized head before fastify sees a request; say which limit it hit
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      if (socket.destroyed || err.code === 'ECONNRESET') return;
      const [status, message] =
        err.code === 'HPE_HEADER_OVERFLOW' ? [431, `request headers are larger than the limit of ${sec.MAX_HEADER_BYTES} bytes (MAX_HEADER_BYTES)`]
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'request timed out']
        : [400, 'malformed HTTP request'];
      const body = JSON.stringify({ statusCode: status, error: STATUS_CODES[status], message });
      if (socket.writable) {
        socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      } else socket.destroy(err);
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const uploads = await openUploads(deps.config, sec.CORS_ORIGINS, (err) => app.log.error({ err }, 'could not remove expired uploads'));
  app.addHook('onClose', async () => uploads.close());
  const scrub = await serverPathScrubber({ SLIDES_ROOT: deps.config.SLIDES_ROOT, DATA_DIR: deps.config.DATA_DIR, UPLOAD_DIR: uploads.area.root });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({ field: fieldName(err.validationContext, v.instancePath), message: v.message ?? 'invalid' }));
      return reply.code(400).send({ statusCode: 400, error: STATUS_CODES[400], message: issues.map((i) => `${i.field}: ${i.message}`).join('; ') });
    }
    const status = httpStatusOf(err);
    let message = limitMessage(err.code, sec) ?? scrub(err.message);
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
  await registerSecurity(app, sec, deps.audit);
  await app.register(fastifyMultipart, {
    throwFileSizeLimit: false,
    limits: { fileSize: sec.MAX_UPLOAD_BYTES, files: sec.MAX_UPLOAD_FILES, fields: UPLOAD_FIELDS, parts: sec.MAX_UPLOAD_FILES + UPLOAD_FIELDS, fieldSize: sec.MAX_UPLOAD_FIELD_BYTES },
  });

  await app.register(healthRoutes(deps));
  await app.register(batchRoutes(deps));
  await app.register(uploadRoutes(deps, uploads.area.root));
  await app.register(tusRoutes(deps, uploads));
  await app.register(uploadInfoRoutes(deps, uploads));
  await app.register(uploadedBatchRoutes(deps, uploads));
  await app.register(metadataRoutes(deps));
  await app.register(slidesRootRoutes(deps, uploads));
  await app.register(slideProbeRoutes(deps, uploads));
  await app.register(submitPageRoutes());
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
  await app.register(auditRoutes(deps));
  await app.register(validationRoutes(deps));
  app.get('/openapi.json', { schema: { summary: 'This document', tags: ['health'] } }, async () => app.swagger());
  await app.ready();
  return app;
}
