import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseCohort, CohortSources } from '../../cohort/import.js';
import { CohortImportError } from '../../errors/index.js';
import type { StoredCohort } from '../../store/store.js';
import { allow } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { Problem } from '../schemas.js';

const security = [{ bearer: [] }];

const ImportIssueJson = z.object({ file: z.string(), row: z.number().int().nullable(), field: z.string().nullable(), message: z.string() });
// issues: only when the files were read (a malformed request body has just the message)
const ImportProblem = Problem.extend({ issues: z.array(ImportIssueJson).optional() });
const ImportSummary = z.object({
  patients: z.number().int(),
  biopsies: z.number().int(),
  slides: z.number().int(),
  visits: z.number().int(),
  replaced: z.array(z.string()).describe('pseudonyms whose earlier biopsies, slides and visits were replaced'),
});

const Measures = {
  physicianGlobal: z.number().optional(),
  patientGlobal: z.number().optional(),
  mmt8: z.number().optional(),
  haq: z.number().optional(),
  extramuscular: z.number().optional(),
  ck: z.number().optional(),
  fi2: z.number().optional(),
};
const CohortJson = z.object({
  patients: z.array(
    z.object({
      pseudonym: z.string(),
      diagnosis: z.string(),
      biopsies: z.array(z.object({ timepoint: z.string(), date: z.string(), muscle: z.string(), slides: z.array(z.object({ marker: z.string(), file: z.string() })) })),
      visits: z.array(z.object({ timepoint: z.string(), date: z.string(), ...Measures })),
    }),
  ),
});
type CohortJson = z.infer<typeof CohortJson>;

/** The stored cohort nested as people read it: patient → biopsies → slides, and the patient's visits. */
export function cohortJson(c: StoredCohort): CohortJson {
  return {
    patients: c.patients.map((p) => ({
      pseudonym: p.pseudonym,
      diagnosis: p.diagnosis,
      biopsies: c.biopsies
        .filter((b) => b.patient === p.pseudonym)
        .map((b) => ({
          timepoint: b.timepoint,
          date: b.date,
          muscle: b.muscle,
          slides: c.slides.filter((s) => s.patient === p.pseudonym && s.timepoint === b.timepoint).map((s) => ({ marker: s.marker, file: s.file })),
        })),
      visits: c.visits.filter((v) => v.patient === p.pseudonym).map(({ patient: _p, ...v }) => v),
    })),
  };
}

/** Cohort import (file texts in, all or nothing) and the stored cohort. */
export function cohortRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/cohort/import', {
      onRequest: allow(deps.tokens, 'submitter'),
      schema: {
        summary: 'Import a cohort: the texts of patients and optionally biopsies, slides, visits files (CSV, or JSON when the name ends in .json). All or nothing: a 400 lists every row/field problem and nothing is stored. A patient imported again has its biopsies, slides and visits replaced.',
        tags: ['cohort'],
        security,
        body: CohortSources,
        response: { 200: ImportSummary, 400: ImportProblem, 401: Problem, 403: Problem },
      },
    }, async (req) => {
      const parsed = parseCohort(req.body);
      // the error handler adds the issues to the 400 body, so a client can show them row by row
      if (!parsed.ok) throw new CohortImportError(parsed.issues);
      return deps.store.importCohort(parsed.cohort);
    });

    app.get('/cohort', {
      onRequest: allow(deps.tokens, 'reader'),
      schema: {
        summary: 'The stored cohort: patients (pseudonym, diagnosis) with their biopsies (and the slide file per marker) and visits (IMACS core set, FI-2)',
        tags: ['cohort'],
        security,
        response: { 200: CohortJson, 401: Problem, 403: Problem },
      },
    }, async () => cohortJson(await deps.store.getCohort()));
  };
}
