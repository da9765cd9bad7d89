import { z } from 'zod';
import type { ManualScoreInput } from '../../domain/manual-score.js';
import { MetadataError, type ImportIssue } from '../../errors/index.js';
import { classNameOf, readQupathFeatures } from '../qupath-geojson.js';
import { manualScoreSpec } from './score-scale.js';

/**
 * Manual counts from QuPath point annotations (the Points tool: File › Export objects as
 * GeoJSON). Each Point is one cell, each MultiPoint as many cells as it has points (QuPath keeps
 * one MultiPoint per point class). Problems are ImportIssues like the table imports': the file,
 * the feature (as its row, 1-based) and the field.
 */
export interface PointCount {
  /** points counted (of the chosen classes, when classes were given) */
  count: number;
  /** every point by class ("(no class)" for unclassified points), chosen or not */
  byClass: Record<string, number>;
}

export type PointCountResult = { ok: true; counts: PointCount } | { ok: false; issues: ImportIssue[] };

const NO_CLASS = '(no class)';
const Position = z.tuple([z.number(), z.number()]).rest(z.number());

/** Points per class; with `classes`, only those (case-insensitive) are counted. */
export function countQupathPoints(text: string, file: string, classes?: readonly string[]): PointCountResult {
  let features;
  try {
    features = readQupathFeatures(text, file);
  } catch (err) {
    if (!(err instanceof MetadataError)) throw err;
    return { ok: false, issues: [{ file, row: null, field: null, message: err.message.replace(`${file}: `, '') }] };
  }
  const issues: ImportIssue[] = [];
  const byClass: Record<string, number> = {};
  features.forEach((f, i) => {
    const g = f.geometry;
    if (!g || (g.type !== 'Point' && g.type !== 'MultiPoint')) return;
    const coords = (g as { coordinates?: unknown }).coordinates;
    const points = g.type === 'Point' ? z.array(Position).length(1).safeParse([coords]) : z.array(Position).safeParse(coords);
    if (!points.success) {
      issues.push({ file, row: i + 1, field: 'geometry.coordinates', message: `a ${g.type} needs [x, y] number positions` });
      return;
    }
    const cls = classNameOf(f) ?? NO_CLASS;
    byClass[cls] = (byClass[cls] ?? 0) + points.data.length;
  });
  const total = Object.values(byClass).reduce((s, v) => s + v, 0);
  if (issues.length === 0 && total === 0) issues.push({ file, row: null, field: null, message: 'no Point or MultiPoint annotations (draw them with QuPath\'s Points tool)' });
  const wanted = classes?.map((c) => c.trim().toLowerCase());
  if (wanted && issues.length === 0) {
    const present = new Set(Object.keys(byClass).map((c) => c.toLowerCase()));
    for (const c of wanted) if (!present.has(c)) issues.push({ file, row: null, field: 'class', message: `no points of class "${c}"; the file has ${Object.keys(byClass).join(', ')}` });
  }
  if (issues.length > 0) return { ok: false, issues };
  const count = Object.entries(byClass).filter(([c]) => !wanted || wanted.includes(c.toLowerCase())).reduce((s, [, v]) => s + v, 0);
  return { ok: true, counts: { count, byClass } };
}

export interface PointReadOptions {
  file: string;
  patient: string;
  timepoint: string;
  marker: string;
  rater: string;
  date: string;
  /** a count score ('positiveCells', 'cells' …) or a density ('density', 'cd163PositiveCellsPerMm2' …) */
  score: string;
  /** the area the points were counted over, mm²: needed for a density (the slide's analysed tissue area) */
  areaMm2?: number;
  classes?: readonly string[];
}

/** The manual read a point count makes: the count itself, or the count per mm² of `areaMm2`. */
export function pointRead(counts: PointCount, o: PointReadOptions): { ok: true; read: ManualScoreInput } | { ok: false; issues: ImportIssue[] } {
  const spec = manualScoreSpec(o.score);
  const fail = (field: string, message: string) => ({ ok: false as const, issues: [{ file: o.file, row: null, field, message }] });
  if (!spec || !(spec.field.unit === 'count' || spec.perArea)) return fail('score', `points count cells: the score must be a count or a density per mm², got ${JSON.stringify(o.score)}`);
  let value = counts.count;
  if (spec.perArea) {
    if (!(o.areaMm2 !== undefined && o.areaMm2 > 0)) return fail('area', `${o.score} is per mm²: the area counted over is needed (the slide's analysed tissue area, or give it)`);
    value = counts.count / o.areaMm2;
  }
  const cls = o.classes?.length ? ` classes ${o.classes.join(', ')}` : '';
  const over = spec.perArea ? ` over ${o.areaMm2!.toFixed(4)} mm²` : '';
  return {
    ok: true,
    read: { patient: o.patient, timepoint: o.timepoint, marker: o.marker, rater: o.rater, date: o.date, score: o.score, value, source: `${o.file}: ${counts.count} points${cls}${over}`.slice(0, 512) },
  };
}
