import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Detection, TileResult } from '../../src/domain/detection.js';
import { resolveParams } from '../../src/domain/params.js';
import type { ReviewRegion } from '../../src/domain/review.js';
import { matchCentroids } from '../../src/eval/match.js';
import { analyseSlide } from '../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../src/pipeline/executor.js';
import type { ScoreRow } from '../../src/store/store.js';
import { makeScene, truthOf, writeSyntheticSlide, type GroundTruth } from '../../src/synthetic/index.js';
import { openApi, type Api } from '../api/setup.js';
import { analysisInput, scoresOf, slideInput, tile, withHandmadeQc } from '../store/fixtures.js';
// an even-odd ray test of the tests' own, apart from the server's polygon index
import { inPolygon as inside } from '../synthetic/realism-helpers.js';
import { guardPage, launchChromium } from './chromium.js';

/**
 * The pathologist's review in a real browser (issue 12): on a slide analysed by the real pipeline,
 * with planted cells, a pathologist draws an exclusion and a freehand one, deletes one, meets
 * another reviewer's edit (409); a reader sees the regions but no tools and is refused a PUT; the
 * review queue steps through the analyses with j / k.
 */
// the section fills the field (tissueFraction 1): the tissue an outline holds is its own area,
// a truth that does not come from the pipeline
const scene = makeScene({ seed: 23, width: 2048, height: 1536, mpp: 0.5, tissueFraction: 1, cellsPerMm2: 1500 });
/** the exclusion drawn with the polygon tool, level-0 px (a pentagon across the 1024 px tile seam) */
const PENTAGON: [number, number][] = [[700, 500], [1300, 450], [1420, 900], [1000, 1180], [640, 960]];
/** the freehand exclusion: a circle dragged round this centre, level-0 px */
const CIRCLE = { x: 1650, y: 400, r: 160 };
/** µm of one area block (src/domain/area-grid.ts): a region's area is exact to one block along its outline */
const BLOCK_UM = 16;

let api: Api;
let browser: Browser;
let base: string;
let row: ScoreRow;
let tiles: TileResult[];
let detections: Detection[];
let truth: GroundTruth;
let handmade: number;

beforeAll(async () => {
  api = await openApi();
  const file = path.join(api.root, 'review-slide.tif');
  await writeSyntheticSlide(scene, file, 'pyramidal-tiff');
  truth = truthOf(scene);
  const executor = inlineExecutor();
  try {
    const o = await analyseSlide({ path: file, metadata: { patient: 'P01', timepoint: 'baseline' }, params: resolveParams({}), executor, store: api.store });
    if (!o.ok) throw new Error(`analysis failed: ${o.error}`);
  } finally {
    await executor.close();
  }
  // the second analysis in the queue (patient P02): a copy of the image with a hand-made QC record,
  // pen in two 16 px blocks and blur in one of them, for the QC overlay
  const copy = path.join(api.root, 'qc-copy.tif');
  await copyFile(file, copy);
  const other = await api.store.upsertSlide({ ...slideInput('qc-copy', { patient: 'P02', timepoint: 'baseline' }), path: copy, width: 2048, height: 1536, mpp: 0.5 });
  const { analysisId } = await api.store.beginAnalysis(analysisInput(other, 1, { qc: { enabled: true } }));
  const t = tile(0, 5);
  const summary = withHandmadeQc(t, 512, 512);
  await api.store.saveTileResults(analysisId, [t]);
  await api.store.finishAnalysis(analysisId, scoresOf([t], 0.505), undefined, summary);
  handmade = analysisId;
  row = (await api.store.listScores()).find((r) => r.path === file)!;
  expect(row.slideMpp).toBe(0.5);
  tiles = await api.store.getTileResults(row.analysisId);
  detections = tiles.flatMap((t) => t.detections);
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const toUm = (poly: readonly (readonly [number, number])[]) => poly.map(([x, y]) => [x * row.slideMpp, y * row.slideMpp] as [number, number]);
const shoelaceMm2 = (um: [number, number][]) => Math.abs(um.reduce((s, [x, y], i) => s + x * um[(i + 1) % um.length][1] - um[(i + 1) % um.length][0] * y, 0)) / 2 / 1e6;
const perimeterMm = (um: [number, number][]) => um.reduce((s, [x, y], i) => s + Math.hypot(um[(i + 1) % um.length][0] - x, um[(i + 1) % um.length][1] - y), 0) / 1000;

/** What an exclusion outline (level-0 px) takes away: the detections by centroid, and the tissue of the area blocks whose centres it holds. */
function takenBy(poly: readonly (readonly [number, number])[]) {
  const um = toUm(poly);
  const cells = detections.filter((d) => inside(um, d.x, d.y));
  let tissuePx = 0;
  for (const t of tiles) {
    const g = t.areaGrid!;
    const side = g.blockPx * row.analysisMpp;
    for (let r = 0; r < g.rows; r++) for (let c = 0; c < g.cols; c++) if (inside(um, (g.bx0 + c + 0.5) * side, (g.by0 + r + 0.5) * side)) tissuePx += g.tissue[r * g.cols + c];
  }
  return { cells, positive: cells.filter((d) => d.grade > 0).length, tissueMm2: (tissuePx * row.analysisMpp ** 2) / 1e6, um };
}

async function openAs(token: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  await guardPage(page, errors);
  await page.goto(`${base}/viewer#token=${token}`);
  await page.waitForSelector('#queue[data-count="2"]');
  return { page, errors };
}

/** Opens our slide from the queue and waits for its tiles, overlay and regions. */
async function openSlide(page: Page, version: number): Promise<void> {
  await page.click(`#queue button[data-analysis-id="${row.analysisId}"]`);
  await page.waitForSelector('#osd[data-fully-loaded="true"]', { timeout: 30_000 });
  await page.waitForSelector(`#review[data-analysis-id="${row.analysisId}"][data-version="${version}"]`);
  await page.waitForSelector(`#overlay[data-drawn="${detections.length}"]`);
}

/** Screen position of a level-0 point, from the map the overlay last drew with. */
async function screen(page: Page): Promise<(x: number, y: number) => [number, number]> {
  const map = JSON.parse((await page.getAttribute('#overlay', 'data-map'))!);
  const box = (await page.locator('#osd').boundingBox())!;
  return (x, y) => [box.x + map.ox + x * map.sx, box.y + map.oy + y * map.sy];
}

const regionsNow = async (token: string) => (await fetch(`${base}/analyses/${row.analysisId}/regions`, { headers: { authorization: `Bearer ${token}` } })).json();
const shown = async (page: Page, field: string) => Number(await page.getAttribute(`#scores dd[data-field="${field}"]`, 'data-value'));

describe('the pathologist reviews in the viewer (issue 12)', () => {
  it('draws an exclusion over planted cells: the stored count and density drop by exactly those cells and that area; freehand, delete, a stale edit, sign-off and reopen; corrections move the H-score by the hand-computed amount', async () => {
    const { page, errors } = await openAs(api.token.pathologist);
    try {
      expect(await page.isHidden('#tree')).toBe(true); // the slide tree (every slide's scores) is the readers'
      await openSlide(page, 0);
      expect(await page.getAttribute('#review', 'data-can-edit')).toBe('true');
      const s = row.scores;
      const pathologist = `token:${api.tokenId.pathologist}`;
      expect(await shown(page, 'cells')).toBe(s.cells);

      // polygon tool: click four vertices, double-click the fifth
      await page.click('#review button[data-tool="polygon"]');
      const at = await screen(page);
      for (const [x, y] of PENTAGON.slice(0, -1)) await page.mouse.click(...at(x, y));
      await page.mouse.dblclick(...at(...PENTAGON[4]));
      await page.waitForSelector('#review[data-version="1"][data-saving="false"]');

      const v1 = await regionsNow(api.token.reader);
      expect(v1).toMatchObject({ version: 1, author: `token:${api.tokenId.pathologist}` });
      expect(v1.regions).toHaveLength(1);
      const drawn: [number, number][] = v1.regions[0].polygon;
      expect(v1.regions[0].kind).toBe('exclusion');
      // the vertices landed where they were clicked (a screen pixel is 1 / sx level-0 px)
      const map = JSON.parse((await page.getAttribute('#overlay', 'data-map'))!);
      expect(drawn).toHaveLength(5);
      drawn.forEach(([x, y], i) => expect(Math.hypot(x - PENTAGON[i][0], y - PENTAGON[i][1])).toBeLessThan(1.5 / map.sx));

      // the planted cells under the exclusion are the detected ones there
      const taken = takenBy(drawn);
      const planted = truth.cells.filter((c) => inside(taken.um, c.x, c.y));
      expect(planted.length).toBeGreaterThan(150);
      expect(matchCentroids(planted, taken.cells, 3).f1).toBeGreaterThanOrEqual(0.99);

      const r = v1.scores.scores;
      expect(r.cells).toBe(s.cells - taken.cells.length);
      expect(r.positiveCells).toBe(s.positiveCells - taken.positive);
      // area: exactly the blocks whose centres the outline holds; within one block along the outline of the drawn area
      const excluded = s.tissueAreaMm2 - r.tissueAreaMm2;
      expect(excluded).toBeCloseTo(taken.tissueMm2, 9);
      expect(Math.abs(excluded - shoelaceMm2(taken.um))).toBeLessThanOrEqual((perimeterMm(taken.um) * BLOCK_UM) / 1000);
      expect(r.cellsPerMm2).toBeCloseTo(r.cells / (s.tissueAreaMm2 - taken.tissueMm2), 9);
      expect(r.positiveCellsPerMm2).toBeCloseTo(r.positiveCells / (s.tissueAreaMm2 - taken.tissueMm2), 9);

      // the score panel shows the re-computed scores, and the overlay the exclusion
      await page.waitForSelector('#scores[data-regions-version="1"]');
      for (const f of ['cells', 'positiveCells', 'cellsPerMm2', 'hScore', 'pctPositiveArea', 'tissueAreaMm2'] as const) expect(await shown(page, f), f).toBe(r[f]);
      expect(await page.innerText('#scores .within')).toBe('Scores on the whole slide minus 1 exclusion (regions version 1), re-computed from the stored detections.');
      expect(await page.getAttribute('#overlay', 'data-exclusions')).toBe('1');
      expect(await page.innerText('#review .message')).toBe(`Saved version 1: ${r.cells} cells scored.`);

      // freehand: drag a circle; its cells go too; deleting it gives version 1's scores back
      await page.click('#review button[data-tool="freehand"]');
      const ring = Array.from({ length: 48 }, (_, i) => at(CIRCLE.x + CIRCLE.r * Math.cos((i * Math.PI) / 24), CIRCLE.y + CIRCLE.r * Math.sin((i * Math.PI) / 24)));
      await page.mouse.move(...ring[0]);
      await page.mouse.down();
      for (const p of ring.slice(1)) await page.mouse.move(...p);
      await page.mouse.up();
      await page.waitForSelector('#review[data-version="2"][data-saving="false"]');
      const v2 = await regionsNow(api.token.reader);
      const free = takenBy(v2.regions[1].polygon);
      expect(v2.regions[1].polygon.length).toBeGreaterThan(40);
      expect(free.cells.length).toBeGreaterThan(20);
      expect(v2.scores.scores.cells).toBe(r.cells - free.cells.length);
      expect(await shown(page, 'cells')).toBe(v2.scores.scores.cells);
      expect(await page.getAttribute('#overlay', 'data-exclusions')).toBe('2');

      await page.click('#review ol.regions li[data-index="1"] button.delete');
      await page.waitForSelector('#review[data-version="3"][data-saving="false"]');
      expect(await shown(page, 'cells')).toBe(r.cells);
      expect((await regionsNow(api.token.reader)).scores.scores).toEqual(r);

      // someone else saves meanwhile: the next edit here is refused (409) and their version shown
      const theirs = await fetch(`${base}/analyses/${row.analysisId}/regions`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${api.token.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ regions: [], baseVersion: 3 }),
      });
      expect(theirs.status).toBe(200);
      await page.click('#review button[data-tool="polygon"]');
      for (const [x, y] of [[200, 200], [400, 200], [400, 400]] as const) await page.mouse.click(...at(x, y));
      await page.keyboard.press('Enter');
      await page.waitForSelector('#review[data-version="4"][data-saving="false"]');
      expect(await page.innerText('#review .message')).toBe(
        'Not saved: someone else saved version 4 of these regions after you loaded version 3. Their regions are shown now; make your change again.',
      );
      expect(await shown(page, 'cells')).toBe(s.cells);
      expect(await page.getAttribute('#overlay', 'data-exclusions')).toBe('0');
      expect((await api.store.listRegionVersions(row.analysisId)).map((v) => v.version)).toEqual([1, 2, 3, 4]);
      expect(await page.innerText(`#queue button[data-analysis-id="${row.analysisId}"] .version`)).toBe(' · regions v4');
      // the first edit started the review; sign it off: no more edits, the queue says so; reopen: the next version
      expect(await page.getAttribute('#review .review', 'data-state')).toBe('in_review');
      await page.click('#review button.review-action[data-action="sign_off"]');
      await page.waitForSelector('#review .review[data-state="signed_off"][data-version="1"]');
      expect(await page.innerText('#review .message')).toBe('Signed off: version 1.');
      expect(await page.getAttribute('#draw-layer', 'data-tool')).toBe('');
      expect(await page.isDisabled('#review button[data-tool="polygon"]')).toBe(true);
      expect(await page.innerText(`#queue button[data-analysis-id="${row.analysisId}"] .state`)).toBe(' · signed off v1');
      const audit = await (await fetch(`${base}/analyses/${row.analysisId}/audit`, { headers: { authorization: `Bearer ${api.token.reader}` } })).json();
      // the first save started the review (version 1); three saves here, the admin's one, the sign-off
      expect(audit.map((a: { action: string; actor: string; state: string; version: number }) => [a.action, a.actor, a.state, a.version])).toEqual([
        ['review.start', pathologist, 'in_review', 1],
        ['regions.save', pathologist, 'in_review', 1],
        ['regions.save', pathologist, 'in_review', 1],
        ['regions.save', pathologist, 'in_review', 1],
        ['regions.save', `token:${api.tokenId.admin}`, 'in_review', 1],
        ['review.sign_off', pathologist, 'signed_off', 1],
      ]);
      await page.click('#review button.review-action[data-action="reopen"]');
      await page.waitForSelector('#review .review[data-state="in_review"][data-version="2"]');
      expect(await page.isDisabled('#review button[data-tool="polygon"]')).toBe(false);

      // corrections (regions are none now: every cell counts): a lone negative cell reclassified 3+,
      // a lone 2+ cell deleted with the Delete key, a 1+ cell added on empty tissue
      const o = await (await fetch(`${base}/analyses/${row.analysisId}/overlay`, { headers: { authorization: `Bearer ${api.token.reader}` } })).json();
      const targets = o.cells.tile.map((t: number, i: number) => `cell:${t}:${o.cells.tile.slice(0, i).filter((u: number) => u === t).length}`);
      const far = (x: number, y: number, d: number, skip = -1) => o.cells.x.every((cx: number, j: number) => j === skip || Math.hypot(cx - x, o.cells.y[j] - y) > d);
      const lone = (grade: number) => o.cells.grade.findIndex((g: number, i: number) => g === grade && far(o.cells.x[i], o.cells.y[i], 40, i));
      const [neg, two] = [lone(0), lone(2)];
      expect(neg).toBeGreaterThanOrEqual(0);
      expect(two).toBeGreaterThanOrEqual(0);
      let spot = [0, 0];
      for (let y = 100; y < 1400 && spot[0] === 0; y += 20) for (let x = 100; x < 1900 && spot[0] === 0; x += 20) if (far(x, y, 60)) spot = [x, y];
      expect(spot[0]).toBeGreaterThan(0);
      const hand = (grades: number[]) => (100 * (grades.filter((g) => g === 1).length + 2 * grades.filter((g) => g === 2).length + 3 * grades.filter((g) => g === 3).length)) / grades.length;
      const grades = detections.map((d) => d.grade);
      expect(grades).toEqual(o.cells.grade);
      const live = async () => (await (await fetch(`${base}/analyses/${row.analysisId}/review`, { headers: { authorization: `Bearer ${api.token.reader}` } })).json()).scores;

      await page.click('#review button[data-tool="correct"]');
      await page.mouse.click(...at(o.cells.x[neg], o.cells.y[neg]));
      await page.waitForSelector(`#review .correction-bar[data-target="${targets[neg]}"]`);
      await page.click('#review .correction-bar button[data-grade="3"]');
      await page.waitForSelector('#review .corrections[data-count="1"]');
      const one = [...grades];
      one[neg] = 3;
      let scored = await live();
      expect(scored.corrections).toBe(1);
      expect(scored.scores.cells).toBe(s.cells);
      // the H-score moves by 3 × 100 / n for one negative cell made 3+
      expect(scored.scores.hScore).toBeCloseTo(hand(one), 9);
      expect(scored.scores.hScore - s.hScore).toBeCloseTo(300 / s.cells, 9);
      await page.waitForSelector(`#scores dd[data-field="hScore"][data-value="${scored.scores.hScore}"]`);

      await page.mouse.click(...at(o.cells.x[two], o.cells.y[two]));
      await page.waitForSelector(`#review .correction-bar[data-target="${targets[two]}"]`);
      await page.keyboard.press('Delete');
      await page.waitForSelector('#review .corrections[data-count="2"]');
      await page.click('#review button[data-tool="add"]');
      await page.selectOption('#review select.add-grade', '1');
      await page.mouse.click(...at(spot[0], spot[1]));
      await page.waitForSelector('#review .corrections[data-count="3"][data-saving="false"]');
      const three = [...one.filter((_, i) => i !== two), 1];
      scored = await live();
      expect(scored.corrections).toBe(3);
      expect(scored.scores.cells).toBe(s.cells);
      expect(scored.scores.positiveCells).toBe(s.positiveCells + 1);
      expect(scored.scores.hScore).toBeCloseTo(hand(three), 9);
      await page.waitForSelector(`#scores dd[data-field="hScore"][data-value="${scored.scores.hScore}"]`);
      // drawn: the added cell in, the deleted one out; the reclassified and added ones ringed
      expect(await page.getAttribute('#overlay', 'data-cells')).toBe(String(s.cells));
      expect(await page.getAttribute('#overlay', 'data-corrected')).toBe('2');
      expect(await page.innerText('#scores .within')).toBe('Scores on the whole slide (regions version 4) with 3 corrections, re-computed from the stored detections.');
      const corrections = await (await fetch(`${base}/analyses/${row.analysisId}/corrections`, { headers: { authorization: `Bearer ${api.token.reader}` } })).json();
      expect(corrections.corrections.map((c: { kind: string; target: string; author: string }) => [c.kind, c.target, c.author])).toEqual([
        ['reclassify', targets[neg], pathologist],
        ['delete', targets[two], pathologist],
        ['add', `added:${corrections.corrections[2].seq}`, pathologist],
      ]);
      expect(corrections.corrections[2].payload).toMatchObject({ grade: 1 });
      const added = corrections.corrections[2].payload;
      expect(Math.hypot(added.x - spot[0], added.y - spot[1])).toBeLessThan(1.5 / map.sx);
      // undone through the API, so the reader below sees the algorithm's cells
      for (const target of [targets[neg], targets[two], `added:${corrections.corrections[2].seq}`]) {
        const res = await fetch(`${base}/analyses/${row.analysisId}/corrections`, {
          method: 'POST',
          headers: { authorization: `Bearer ${api.token.pathologist}`, 'content-type': 'application/json' },
          body: JSON.stringify({ kind: 'revert', target }),
        });
        expect(res.status).toBe(201);
      }

      // the wheel still zooms while a tool holds the pointer
      await page.click('#review button[data-tool="polygon"]');
      await page.mouse.move(...at(1000, 800));
      await page.mouse.wheel(0, -200);
      await page.waitForFunction((sx) => JSON.parse(document.querySelector<HTMLElement>('#overlay')!.dataset.map!).sx > sx * 1.1, map.sx);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  it("a reader sees the regions, their scores and the review state but no tools; its PUT and its sign-off are 403s; j / k step through the queue", async () => {
    const exclusion: ReviewRegion = { kind: 'exclusion', polygon: PENTAGON };
    const saved = await fetch(`${base}/analyses/${row.analysisId}/regions`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${api.token.pathologist}`, 'content-type': 'application/json' },
      body: JSON.stringify({ regions: [exclusion] }),
    });
    const version = (await saved.json()).version;
    const { page } = await openAs(api.token.reader);
    try {
      await openSlide(page, version);
      expect(await page.getAttribute('#review', 'data-can-edit')).toBe('false');
      expect(await page.locator('#review button').count()).toBe(0);
      expect(await page.innerText('#review .hint')).toBe('Read-only: a reader token sees the regions; a pathologist or admin token draws them.');
      expect(await page.getAttribute('#overlay', 'data-exclusions')).toBe('1');
      await page.waitForSelector(`#scores[data-regions-version="${version}"]`);
      expect(await shown(page, 'cells')).toBe(row.scores.cells - takenBy(PENTAGON).cells.length);

      const refused = await page.evaluate(async ([url, token]) => {
        const res = await fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ regions: [] }) });
        return { status: res.status, message: (await res.json()).message };
      }, [`/analyses/${row.analysisId}/regions`, api.token.reader]);
      expect(refused).toEqual({ status: 403, message: 'a reader token may not PUT /analyses/:id/regions; needs pathologist or admin' });
      // the review state is shown, and a reader's sign-off is refused
      expect(await page.innerText('#review .review-state')).toBe('Review: in review · version 2.');
      const signOff = await fetch(`${base}/analyses/${row.analysisId}/review`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.token.reader}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'sign_off' }),
      });
      expect(signOff.status).toBe(403);
      expect((await regionsNow(api.token.reader)).scores.reviewState).toBe('in_review');
      // the words the panel gives that refusal (the server's own 403, through the viewer's client)
      // a script as text: the browser's own module loader imports the server's paths (vitest would rewrite an import() here)
      const said = await page.evaluate(`(async () => {
        const { putRegions } = await import('/viewer/review-api.js');
        const { refusal } = await import('/viewer/review-panel.js');
        return putRegions(${JSON.stringify(api.token.reader)}, ${row.analysisId}, [], 1).then(() => 'saved', (err) => refusal(err, 'reader', 1, undefined));
      })()`);
      expect(said).toBe('Not saved: a reader token may not edit regions (a pathologist or admin token may). a reader token may not PUT /analyses/:id/regions; needs pathologist or admin');
      expect((await regionsNow(api.token.reader)).version).toBe(version);

      // the queue: our analysis is current; j opens the next, k the previous
      expect(await page.getAttribute('#queue', 'data-current')).toBe(String(row.analysisId));
      await page.keyboard.press('j');
      await page.waitForSelector(`#scores[data-analysis-id="${handmade}"]`);
      expect(await page.getAttribute('#queue', 'data-current')).toBe(String(handmade));
      // its QC exclusions: the two pen blocks (one also blurred) drawn, and hidden with their box
      await page.waitForSelector('#overlay[data-qc-blocks="2"][data-cells="5"]', { timeout: 30_000 });
      expect(await page.getAttribute('#legend [data-key="qc-pen"]', 'data-count')).toBe('2');
      expect(await page.getAttribute('#legend [data-key="qc-focus"]', 'data-count')).toBe('1');
      await page.uncheck('#show-qc');
      await page.waitForSelector('#overlay[data-qc-blocks="0"][data-cells="5"]');
      await page.check('#show-qc');
      await page.waitForSelector('#overlay[data-qc-blocks="2"]');
      await page.keyboard.press('j'); // the last stays current
      expect(await page.getAttribute('#queue', 'data-current')).toBe(String(handmade));
      await page.keyboard.press('k');
      await page.waitForSelector(`#scores[data-analysis-id="${row.analysisId}"]`);
      expect(await page.getAttribute('#queue', 'data-current')).toBe(String(row.analysisId));
    } finally {
      await page.close();
    }
  }, 40_000);
});
