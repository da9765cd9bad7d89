import { describe, expect, it } from 'vitest';
import * as errors from '../../src/errors/index.js';
import {
  AnalysisError,
  ApiClientError,
  BiopsyQuantError,
  CohortImportError,
  HttpError,
  httpStatusOf,
  HTTP_STATUS,
  MetadataError,
  NotFoundError,
  SlideFormatError,
  SlidePathError,
  StorageFullError,
  StoreConflictError,
  StoreError,
  StoreInputError,
  StoreNotFoundError,
} from '../../src/errors/index.js';

describe('httpStatusOf: one mapping from error type to HTTP status', () => {
  it('client mistakes are 4xx', () => {
    expect(httpStatusOf(new MetadataError('unknown marker CD999'))).toBe(400);
    expect(httpStatusOf(new SlidePathError('slides.0.path "../x": ".." is not allowed'))).toBe(400);
    expect(httpStatusOf(new SlideFormatError('x.tif: not a supported slide format'))).toBe(400);
    expect(httpStatusOf(new CohortImportError([{ file: 'visits.csv', row: 3, field: 'mmt8', message: 'expected a number' }]))).toBe(400);
    expect(httpStatusOf(new StoreInputError('upsertSlide: invalid input: mpp: too small'))).toBe(400);
    expect(httpStatusOf(new StoreNotFoundError('failAnalysis: analysis 9 does not exist'))).toBe(404);
    expect(httpStatusOf(new NotFoundError('no patient has CD163 density at both baseline and month-6'))).toBe(404);
    expect(httpStatusOf(new StoreConflictError('finishAnalysis: analysis 9 has failed'))).toBe(409);
    expect(httpStatusOf(new AnalysisError('no tissue found'))).toBe(422);
  });

  it('a store failure or an untyped error is 5xx, never 400', () => {
    expect(httpStatusOf(new StoreError('cannot open the PGlite database in /data: I/O error'))).toBe(500);
    expect(httpStatusOf(new StoreError('migration 004_x.sql failed: syntax error'))).toBe(500);
    expect(httpStatusOf(new StorageFullError('the upload disk is full'))).toBe(507);
    expect(StorageFullError.isDiskFull(Object.assign(new Error('write ENOSPC'), { code: 'ENOSPC' }))).toBe(true);
    expect(StorageFullError.isDiskFull(Object.assign(new Error('write EDQUOT'), { code: 'EDQUOT' }))).toBe(true);
    expect(StorageFullError.isDiskFull(Object.assign(new Error('open EACCES'), { code: 'EACCES' }))).toBe(false);
    expect(httpStatusOf(new ApiClientError('GET /scores: 401 invalid token', 401))).toBe(500);
    expect(httpStatusOf(new BiopsyQuantError('SOMETHING', 'a typed error of no known kind'))).toBe(500);
    expect(httpStatusOf(new Error('connect ECONNREFUSED 127.0.0.1:5432'))).toBe(500);
    expect(httpStatusOf('a thrown string')).toBe(500);
    expect(httpStatusOf(undefined)).toBe(500);
  });

  it("an HttpError or a framework error keeps its own status; a status that is not an error's is ignored", () => {
    expect(httpStatusOf(new HttpError(401, 'authentication required'))).toBe(401);
    expect(httpStatusOf(new HttpError(413, 'upload too large'))).toBe(413);
    expect(httpStatusOf(Object.assign(new Error('Unsupported Media Type'), { statusCode: 415 }))).toBe(415);
    expect(httpStatusOf(Object.assign(new Error('odd'), { statusCode: 200 }))).toBe(500);
    expect(httpStatusOf(Object.assign(new Error('odd'), { statusCode: '404' }))).toBe(500);
  });

  it('every error class in src/errors has its own entry, listed after its subclasses', () => {
    const classes = Object.values(errors as Record<string, unknown>).filter((v): v is new (...a: never[]) => Error => typeof v === 'function' && v.prototype instanceof Error);
    const listed = HTTP_STATUS.map(([type]) => type);
    expect(classes.filter((c) => c !== HttpError && !listed.includes(c)).map((c) => c.name)).toEqual([]);
    // a base listed before its subclass would shadow the subclass's status
    for (const [i, [sub]] of HTTP_STATUS.entries()) {
      for (const [base] of HTTP_STATUS.slice(0, i)) expect(sub.prototype instanceof base, `${sub.name} after ${base.name}`).toBe(false);
    }
  });

  it('the store refusals are StoreErrors and keep their own codes on a slide row', () => {
    for (const [E, code] of [[StoreInputError, 'STORE_INPUT'], [StoreNotFoundError, 'STORE_NOT_FOUND'], [StoreConflictError, 'STORE_CONFLICT']] as const) {
      const err = new E('x');
      expect(err).toBeInstanceOf(StoreError);
      expect([err.code, err.name]).toEqual([code, E.name]);
    }
    expect(new StoreError('x').code).toBe('STORE');
  });
});
