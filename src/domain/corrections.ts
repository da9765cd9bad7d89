import { z } from 'zod';
import { Detection } from './detection.js';

/**
 * A pathologist's corrections of the algorithm's output (issue 12): a layer over the stored
 * detections and fibres, never an edit of them. Stored cells and fibres are named by where the
 * store keeps them, which never changes for an analysis (a reviewed analysis is never re-run in
 * place; a re-analysis is a new analysis):
 * - `cell:<tileId>:<seq>`: the seq-th detection of the tile (detections.seq, detection order);
 * - `fibre:<tileId>:<index>`: the index-th fibre of the tile (tile_results.fibres order);
 * - `added:<seq>`: a cell a pathologist added, named by the seq of the correction that added it.
 */

/** 0 negative, 1..3 = 1+..3+ (Detection.grade) */
export const CellGrade = z.number().int().min(0).max(3);

const CELL = /^(cell:\d+:\d+|added:\d+)$/;
const FIBRE = /^fibre:\d+:\d+$/;
export const CellTarget = z.string().regex(CELL, "a cell is 'cell:<tileId>:<seq>' (a stored detection) or 'added:<seq>' (an added cell)");
export const FibreTarget = z.string().regex(FIBRE, "a fibre is 'fibre:<tileId>:<index>'");
export const CorrectionTarget = z.union([CellTarget, FibreTarget]);

const Location = Detection.shape.location;

/** What a pathologist asks for; an `add` is named `added:<seq>` once stored. */
export const CorrectionInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('reclassify'), target: CellTarget, grade: CellGrade }).strict(),
  z.object({ kind: z.literal('delete'), target: CellTarget.describe('a false detection, or an added cell') }).strict(),
  z
    .object({
      kind: z.literal('add'),
      /** level-0 px of the slide, like region polygons */
      x: z.number().finite().nonnegative(),
      y: z.number().finite().nonnegative(),
      grade: CellGrade,
      /** muscle analyses: where the cell lies; the nearest stored cell's location when absent */
      location: Location,
      /** muscle analyses: whether it is a myonucleus (inside a fibre); false when absent */
      inFibre: z.boolean().optional(),
    })
    .strict(),
  z.object({ kind: z.literal('fibre'), target: FibreTarget, mhc1Positive: z.boolean() }).strict(),
  z.object({ kind: z.literal('revert'), target: CorrectionTarget.describe('undo every correction of this target: a stored cell or fibre is as detected again, an added cell is gone') }).strict(),
]);
export type CorrectionInput = z.infer<typeof CorrectionInput>;
export type CorrectionKind = CorrectionInput['kind'];

/** One stored correction. */
export interface Correction {
  analysisId: number;
  /** 1, 2, … per analysis; corrections up to a seq are a correction set */
  seq: number;
  kind: CorrectionKind;
  target: string;
  /** the fields of the input other than kind and target (grade; x, y, grade, location, inFibre; mhc1Positive) */
  payload: Record<string, unknown>;
  author: string;
  createdAt: Date;
}

/** What a target is after its corrections; absent: as the algorithm left it. */
export type CorrectionEffect =
  | { kind: 'reclassify'; grade: number }
  | { kind: 'delete' }
  | { kind: 'add'; x: number; y: number; grade: number; location?: Detection['location']; inFibre?: boolean }
  | { kind: 'fibre'; mhc1Positive: boolean };

/** The target an input names (an add names the cell it makes, from the seq it is stored as). */
export function targetOf(input: CorrectionInput, seq: number): string {
  return input.kind === 'add' ? `added:${seq}` : input.target;
}

/** Splits a stored target into its kind and numbers; undefined for text that is no target. */
export function parseTarget(target: string): { kind: 'cell' | 'fibre'; tileId: number; index: number } | { kind: 'added'; seq: number } | undefined {
  const m = /^(cell|fibre):(\d+):(\d+)$/.exec(target);
  if (m) return { kind: m[1] as 'cell' | 'fibre', tileId: Number(m[2]), index: Number(m[3]) };
  const a = /^added:(\d+)$/.exec(target);
  return a ? { kind: 'added', seq: Number(a[1]) } : undefined;
}

/**
 * Every target's effect after the corrections, folded in seq order: the latest correction of a
 * target wins, except that an added cell keeps the position it was added at (a reclassify changes
 * only its grade; a delete or revert removes it). The map's size is the number of corrections in
 * effect ("n corrections" on the scores).
 */
export function correctionEffects(corrections: readonly Pick<Correction, 'seq' | 'kind' | 'target' | 'payload'>[]): Map<string, CorrectionEffect> {
  const out = new Map<string, CorrectionEffect>();
  const ordered = [...corrections].sort((a, b) => a.seq - b.seq);
  for (const c of ordered) {
    const p = c.payload;
    const added = c.target.startsWith('added:');
    switch (c.kind) {
      case 'add':
        out.set(c.target, { kind: 'add', x: p.x as number, y: p.y as number, grade: p.grade as number, location: p.location as Detection['location'], inFibre: p.inFibre as boolean | undefined });
        break;
      case 'reclassify': {
        const was = out.get(c.target);
        if (!added) out.set(c.target, { kind: 'reclassify', grade: p.grade as number });
        else if (was?.kind === 'add') out.set(c.target, { ...was, grade: p.grade as number });
        break;
      }
      case 'delete':
        if (added) out.delete(c.target);
        else out.set(c.target, { kind: 'delete' });
        break;
      case 'fibre':
        out.set(c.target, { kind: 'fibre', mhc1Positive: p.mhc1Positive as boolean });
        break;
      case 'revert':
        out.delete(c.target);
        break;
    }
  }
  return out;
}
