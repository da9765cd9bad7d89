import type { Command } from 'commander';
import { correctionJson, reviewJson } from '../api/review-views.js';
import { CellGrade, type CorrectionInput } from '../domain/corrections.js';
import type { ReviewAction } from '../domain/review-state.js';
import { MetadataError } from '../errors/index.js';
import { finishedAnalysis } from '../pipeline/rescore-analysis.js';
import { addCorrectionRescored, changeReviewRescored, liveReview } from '../pipeline/review-analysis.js';
import type { Store } from '../store/store.js';
import { withCohortStore, type StoreCliOptions } from './cohort-store.js';
import { analysisId, CLI_AUTHOR } from './regions-command.js';

interface AuthorOptions extends StoreCliOptions {
  author?: string;
}

const DATA_DIR = ['--data-dir <dir>', 'where the embedded store lives (default: DATA_DIR or ./data; DATABASE_URL wins)'] as const;
const AUTHOR = ['--author <name>', 'who you are, recorded as cli:<name> (default: cli)'] as const;

/** The author the command line records: `cli`, or `cli:<name>` with --author. */
function authorOf(o: AuthorOptions): string {
  if (o.author === undefined) return CLI_AUTHOR;
  if (!/^[\w.@-]{1,100}$/.test(o.author)) throw new MetadataError(`--author must be 1–100 letters, digits, . @ _ or -, got "${o.author}"`);
  return `${CLI_AUTHOR}:${o.author}`;
}

const GRADES: Record<string, number> = { negative: 0, '0': 0, '1+': 1, '1': 1, '2+': 2, '2': 2, '3+': 3, '3': 3 };

/** 0–3 or negative / 1+ / 2+ / 3+. */
function gradeOf(text: string): number {
  const g = GRADES[text.trim().toLowerCase()];
  if (g === undefined || !CellGrade.safeParse(g).success) throw new MetadataError(`<grade> must be negative, 1+, 2+ or 3+ (or 0–3), got "${text}"`);
  return g;
}

function pixel(text: string, name: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0) throw new MetadataError(`<${name}> must be a level-0 pixel position (a number ≥ 0), got "${text}"`);
  return v;
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

/** A command that reads one analysis's review record from the store and prints it as JSON. */
function readCommand(parent: Command, name: string, description: string, read: (store: Store, id: number) => Promise<unknown>): void {
  parent
    .command(`${name} <analysis>`)
    .description(description)
    .option(...DATA_DIR)
    .action(async (arg: string, o: StoreCliOptions) => {
      const id = analysisId(arg);
      print(await withCohortStore(o, (store) => read(store, id)));
    });
}

/**
 * `review status|start|sign-off|reopen|signed <analysis>` and `audit <analysis>` (issue 12) on the
 * embedded store (or DATABASE_URL). Each prints JSON: the review with its live scores, as
 * GET /analyses/{id}/review answers.
 */
export function registerReview(program: Command): void {
  const review = program.command('review').description("an analysis' review: state (analysed → in_review → signed_off, reopen), signed versions and the live scores");
  readCommand(review, 'status', 'print the review state and version, the signed versions and the live scores (JSON)', async (store, id) => reviewJson(id, await liveReview(store, id)));
  const actions: [string, ReviewAction, string][] = [
    ['start', 'start', 'start reviewing an analysed analysis'],
    ['sign-off', 'sign_off', 'sign off the review in progress: freezes the region version, corrections and scores as the signed version'],
    ['reopen', 'reopen', 'reopen a signed-off review as the next version (the signed one stays readable)'],
  ];
  for (const [name, action, description] of actions) {
    review
      .command(`${name} <analysis>`)
      .description(description)
      .option(...AUTHOR)
      .option(...DATA_DIR)
      .action(async (arg: string, o: AuthorOptions) => {
        const id = analysisId(arg);
        const out = await withCohortStore(o, async (store) => reviewJson(id, await changeReviewRescored(store, id, action, authorOf(o))));
        process.stderr.write(`analysis ${id}: ${out.state} (review version ${out.version})\n`);
        print(out);
      });
  }
  review
    .command('signed <analysis> <version>')
    .description('print a signed version: what it was signed on and the scores as signed (JSON)')
    .option(...DATA_DIR)
    .action(async (arg: string, v: string, o: StoreCliOptions) => {
      const id = analysisId(arg);
      const version = analysisId(v);
      print(await withCohortStore(o, async (store) => {
        await finishedAnalysis(store, id);
        const s = await store.getSignOff(id, version);
        if (!s) throw new MetadataError(`analysis ${id} has no signed version ${version}`);
        return { ...s, signedAt: s.signedAt.toISOString() };
      }));
    });

  readCommand(program, 'audit', "print the analysis' audit log, oldest first: who changed what, when, before and after (JSON)", async (store, id) => {
    if (!(await store.getAnalysis(id))) throw new MetadataError(`analysis ${id} does not exist`);
    return (await store.listAudit(id)).map((e) => ({ ...e, createdAt: e.createdAt.toISOString() }));
  });
}

/**
 * `corrections list|reclassify|delete|add|fibre|revert <analysis> …` (issue 12): a pathologist's
 * corrections of cells and fibres (src/domain/corrections.ts names the targets). Each write prints
 * the stored correction and the review with the re-computed scores (JSON).
 */
export function registerCorrections(program: Command): void {
  const corrections = program.command('corrections').description("an analysis' corrections of cells and fibres (targets: cell:<tile>:<seq>, fibre:<tile>:<index>, added:<seq>)");
  readCommand(corrections, 'list', 'print every correction, oldest first (JSON)', async (store, id) => (await store.listCorrections(id)).map(correctionJson));
  const write = (args: string, description: string, input: (...a: string[]) => CorrectionInput) =>
    corrections
      .command(`${args}`)
      .description(description)
      .option(...AUTHOR)
      .option(...DATA_DIR)
      .action(async (...params: unknown[]) => {
        const positional = params.filter((p): p is string => typeof p === 'string');
        const o = params.find((p) => typeof p === 'object' && p !== null && !Array.isArray(p) && !('commands' in p)) as AuthorOptions & { location?: string; inFibre?: boolean };
        const id = analysisId(positional[0]);
        const c = input(...positional.slice(1));
        if (c.kind === 'add') {
          if (o.location !== undefined) c.location = o.location as typeof c.location;
          if (o.inFibre) c.inFibre = true;
        }
        const out = await withCohortStore(o, async (store) => {
          const r = await addCorrectionRescored(store, id, c, authorOf(o));
          return { correction: correctionJson(r.correction), ...reviewJson(id, r) };
        });
        process.stderr.write(`analysis ${id}: correction ${out.correction.seq} (${out.correction.kind} ${out.correction.target}); ${out.scores.corrections} in effect\n`);
        print(out);
      });
  write('reclassify <analysis> <cell> <grade>', 'give a cell another grade (negative, 1+, 2+, 3+)', (target, grade) => ({ kind: 'reclassify', target, grade: gradeOf(grade) }));
  write('delete <analysis> <cell>', 'delete a false detection (or a cell added before)', (target) => ({ kind: 'delete', target }));
  write('add <analysis> <x> <y> <grade>', 'add a missed cell at level-0 pixel (x, y) with its grade', (x, y, grade) => ({ kind: 'add', x: pixel(x, 'x'), y: pixel(y, 'y'), grade: gradeOf(grade) }))
    .option('--location <where>', 'muscle: endomysial, perimysial or perivascular (default: the nearest stored cell\'s)')
    .option('--in-fibre', 'muscle: the cell is a myonucleus (inside a fibre)');
  write('fibre <analysis> <fibre> <status>', "set a fibre's MHC-I status: positive or negative", (target, status) => {
    if (status !== 'positive' && status !== 'negative') throw new MetadataError(`<status> must be positive or negative, got "${status}"`);
    return { kind: 'fibre', target, mhc1Positive: status === 'positive' };
  });
  write('revert <analysis> <target>', 'undo every correction of a cell or fibre (an added cell is removed)', (target) => ({ kind: 'revert', target }));
}
