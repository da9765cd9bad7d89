import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderValidation } from '../../src/cohort/validation/validation-bundle.js';
import { runValidation, type SlideValue } from '../../src/cohort/validation/validation.js';
import type { ManualScore } from '../../src/domain/manual-score.js';
import { launchChromium } from './chromium.js';

/**
 * The method comparison report in a real browser (Debian's Chromium): every figure is drawn with
 * a size, each plot has one point per compared slide, and a screenshot shows them.
 */
const N = 12;
const PATIENTS = Array.from({ length: N }, (_, i) => `P${String(i + 1).padStart(2, '0')}`);
const truth = PATIENTS.map((_, i) => 40 + 25 * i);
const wobble = (i: number, k: number) => 1 + 0.08 * Math.sin(1.7 * i + k);
const tool: SlideValue[] = PATIENTS.map((patient, i) => ({ patient, timepoint: 'baseline', marker: 'CD163', score: 'density', value: truth[i] * wobble(i, 0) }));
const reads = (rater: string, ratio: number, k: number, skip: number): ManualScore[] =>
  PATIENTS.flatMap((patient, i) => (i === skip ? [] : [{ patient, timepoint: 'baseline' as const, marker: 'CD163' as const, rater, date: '2025-06-02', score: 'density', value: truth[i] * ratio * wobble(i, k), source: 'test' }]));
// dr.b did not read P04: its pairs have 11 slides
const bundle = renderValidation(runValidation(tool, [...reads('dr.a', 1.1, 2, -1), ...reads('dr.b', 0.9, 4, 3)], { score: 'density' }), { score: 'density' }, '2025-06-02T12:00:00Z');

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('validation report in Chromium', () => {
  it('renders every figure with a size and one point per compared slide', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.setContent(bundle.html, { waitUntil: 'load' });
    const pairs = bundle.report.results[0].pairs;
    expect(pairs.map((p) => p.n)).toEqual([N, N - 1, N - 1]);
    const figures = page.locator('figure.plot');
    expect(await figures.count()).toBe(6);
    for (let i = 0; i < 6; i++) {
      const figure = figures.nth(i);
      const box = await figure.locator('svg').boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(box!.height).toBeGreaterThan(200);
      const pair = await figure.getAttribute('data-pair');
      const n = pairs.find((p) => `${p.a} vs ${p.b}` === pair)!.n;
      expect(await figure.locator('circle.point').count(), pair!).toBe(n);
      // every point drawn inside its plot
      for (const c of await figure.locator('circle.point').all()) {
        const b = await c.boundingBox();
        expect(b!.x).toBeGreaterThanOrEqual(box!.x);
        expect(b!.x + b!.width).toBeLessThanOrEqual(box!.x + box!.width);
      }
    }
    expect(await page.locator('table.summary tbody tr').count()).toBe(3);
    // the screenshot shows the Bland–Altman plot's points: blue (#0072B2 at 80 % over white or a
    // band), about π·4² px each, where no other mark of the plot is blue
    const png = await figures.first().screenshot();
    if (process.env.BQ_SCREENSHOT) await sharp(png).toFile(process.env.BQ_SCREENSHOT);
    const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let blue = 0;
    for (let i = 0; i < data.length; i += info.channels) if (data[i + 2] > 150 && data[i + 2] - data[i] > 90) blue++;
    expect(blue).toBeGreaterThan(N * 25);
    await page.close();
  });
});
