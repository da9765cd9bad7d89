import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/cli/read-manifest.js';
import { scoresQuery } from '../../src/cli/scores-command.js';
import { SlideMetadata } from '../../src/domain/slide.js';
import { MetadataError } from '../../src/errors/index.js';
import { bearer, multipart, openApi, type Api } from './setup.js';

/**
 * Every way a patient id comes in (issue 14): a name ("Anna Berg"), a national id with a space
 * ("850101 1234") or a plain surname ("Smith") is refused with a 400 (the CLI: an error) that names
 * the field; a pseudonym ("P07") passes. Nothing is submitted or stored on refusal.
 */
const NOT_PSEUDONYMS = ['Anna Berg', 'Smith', '850101 1234', 'anna.berg@example.org'];
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

let api: Api;
let tmp: string;
beforeAll(async () => {
  api = await openApi();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bq-pseudonym-'));
});
afterAll(async () => {
  await api.close();
  await rm(tmp, { recursive: true, force: true });
});

interface Way {
  /** how the id comes in */
  way: string;
  /** the field a refusal must name */
  field: string;
  /** sends `patient`; resolves to the status and the error text */
  send: (patient: string) => Promise<{ status: number; message: string }>;
}

async function inject(opts: InjectOptions) {
  const res = await api.app.inject(opts);
  const body = res.statusCode >= 400 ? res.json<{ message: string; issues?: { field: string; message: string }[] }>() : undefined;
  const message = body ? [body.message, ...(body.issues ?? []).map((i) => `${i.field}: ${i.message}`)].join('\n') : '';
  return { status: res.statusCode, message };
}

/** the CLI's errors as a status: 400 for the MetadataError it prints, 200 when accepted */
async function cli(fn: () => unknown) {
  try {
    await fn();
    return { status: 200, message: '' };
  } catch (err) {
    if (!(err instanceof MetadataError)) throw err;
    return { status: 400, message: err.message };
  }
}

const WAYS: Way[] = [
  {
    way: 'POST /batches (slides[].patient)',
    field: 'body.slides.0.patient',
    send: (patient) => inject({ method: 'POST', url: '/batches', headers: bearer(api.token.submitter), payload: { slides: [{ file: 'a.png', patient }] } }),
  },
  {
    way: 'POST /batches/upload (metadata.slides[].patient)',
    field: 'metadata.slides.0.patient',
    send: async (patient) => {
      const { payload, headers } = await multipart([
        { name: 'metadata', value: JSON.stringify({ slides: [{ file: 'up.png', patient }] }) },
        { name: 'file', value: PNG, filename: 'up.png' },
      ]);
      return inject({ method: 'POST', url: '/batches/upload', payload, headers: { ...headers, ...bearer(api.token.submitter) } });
    },
  },
  {
    way: 'POST /cohort/import (patients.pseudonym)',
    field: 'pseudonym',
    send: (patient) => inject({ method: 'POST', url: '/cohort/import', headers: bearer(api.token.submitter), payload: { patients: { name: 'patients.csv', text: `pseudonym,diagnosis\n"${patient}",DM\n` } } }),
  },
  {
    way: 'POST /cohort/import (visits.patient: outcomes)',
    field: 'patient',
    send: (patient) =>
      inject({
        method: 'POST', url: '/cohort/import', headers: bearer(api.token.submitter),
        payload: { patients: { name: 'patients.csv', text: 'pseudonym,diagnosis\nP07,DM\n' }, visits: { name: 'visits.csv', text: `patient,timepoint,date,mmt8\n"${patient}",baseline,2024-01-10,60\n` } },
      }),
  },
  {
    way: 'POST /cohort/import (biopsies.patient)',
    field: 'patient',
    send: (patient) =>
      inject({
        method: 'POST', url: '/cohort/import', headers: bearer(api.token.submitter),
        payload: { patients: { name: 'patients.csv', text: 'pseudonym,diagnosis\nP07,DM\n' }, biopsies: { name: 'biopsies.csv', text: `patient,timepoint,date,muscle\n"${patient}",baseline,2024-01-10,deltoid\n` } },
      }),
  },
  {
    way: 'GET /scores?patient=',
    field: 'querystring.patient',
    send: (patient) => inject({ method: 'GET', url: `/scores?patient=${encodeURIComponent(patient)}`, headers: bearer(api.token.reader) }),
  },
  {
    way: 'GET /scores?biopsy=<patient>:<timepoint>',
    field: 'querystring.biopsy',
    send: (patient) => inject({ method: 'GET', url: `/scores?biopsy=${encodeURIComponent(`${patient}:baseline`)}`, headers: bearer(api.token.reader) }),
  },
  {
    way: 'CLI analyze/submit manifest (slides[].patient)',
    field: 'slides.0.patient',
    send: async (patient) => {
      const file = path.join(tmp, `m-${Math.random().toString(36).slice(2)}.json`);
      await writeFile(file, JSON.stringify({ slides: [{ file: 'a.tif', patient }] }));
      return cli(() => readManifest(file));
    },
  },
  {
    way: 'CLI analyze --patient, queue payloads (SlideMetadata)',
    field: 'patient',
    send: async (patient) => {
      const r = SlideMetadata.safeParse({ patient });
      return r.success ? { status: 200, message: '' } : { status: 400, message: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
    },
  },
  {
    way: 'CLI scores --patient',
    field: '--patient',
    send: (patient) => cli(() => scoresQuery({ patient, format: 'json' })),
  },
  {
    way: 'CLI scores --biopsy',
    field: '--biopsy',
    send: (patient) => cli(() => scoresQuery({ biopsy: `${patient}:baseline`, format: 'json' })),
  },
];

describe('the pseudonym rule on every path that takes a patient id (issue 14)', () => {
  it.each(WAYS.map((w) => [w.way, w] as const))('%s refuses a name with a 400 naming the field, takes a pseudonym', async (_way, w) => {
    const submitted = api.batches.submitted.length;
    const patients = (await api.store.getCohort()).patients.length;
    for (const bad of NOT_PSEUDONYMS) {
      const r = await w.send(bad);
      expect(r.status, `${bad}: ${r.message}`).toBe(400);
      expect(r.message).toMatch(new RegExp(`${w.field.replace(/[.[\]]/g, '\\$&')}: .*pseudonym`));
      expect(r.message).toMatch(/pseudonym/);
    }
    expect(api.batches.submitted.length).toBe(submitted);
    expect((await api.store.getCohort()).patients.length).toBe(patients);
    const good = await w.send('P07');
    expect(good.status, good.message).toBeLessThan(300);
  });
});
