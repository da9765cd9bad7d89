import { mkdtemp, readFile, rm, writeFile, mkdir, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveParams } from '../../src/domain/params.js';
import { AnalysisError } from '../../src/errors/index.js';
import { detectNucleiWithModel, loadNucleusModel, predictNucleusProbability, type NucleusModel } from '../../src/detect/model.js';
import { initModelBackend, tf } from '../../src/detect/model-backend.js';
import { registerWasmFilterGrad } from '../../src/train/model-filter-grad.js';
import { useXnnpackInputGrad } from '../../src/train/model-input-grad.js';
import { nucleusMatch, sceneSample } from '../../src/train/model-scene-data.js';
import { interiorTarget } from '../../src/train/model-targets.js';
import { detectNuclei } from '../../src/detect/nuclei.js';
import { resampleBilinear } from '../../src/detect/model-resample.js';
import { floatPlane } from '../../src/image/raster.js';

const MODEL_DIR = 'models/nuclei-unet';

interface ConvCase {
  x: [number, number, number, number];
  f: [number, number, number, number];
  stride: number;
  pad: 'same' | 'valid';
  seed: number;
}

/** each case's gradient of Σ conv2d(x, w) · sin(index) (a non-uniform upstream gradient) with respect to x or the filter, on the current backend */
function conv2dGradients(cases: readonly ConvCase[], wrt: 'x' | 'filter'): number[][] {
  return cases.map((c) => {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', 10 + c.seed) as tf.Tensor4D;
    const w = tf.randomNormal(c.f, 0, 1, 'float32', 20 + c.seed) as tf.Tensor4D;
    const loss = (xv: tf.Tensor4D, wv: tf.Tensor4D) => {
      const y = tf.conv2d(xv, wv, c.stride, c.pad);
      return y.mul(tf.sin(tf.range(0, y.size).reshape(y.shape))).sum();
    };
    const g = wrt === 'x' ? tf.grad((v: tf.Tensor) => loss(v as tf.Tensor4D, w))(x) : tf.grad((v: tf.Tensor) => loss(x, v as tf.Tensor4D))(w);
    return Array.from(g.dataSync());
  });
}

/** `run` on the cpu backend (the reference), then on wasm with `kernels` registered (undone after, when it returns an undo) */
async function onCpuThenWasm(run: () => number[][], kernels: () => (() => void) | void): Promise<{ reference: number[][]; got: number[][] }> {
  await tf.setBackend('cpu');
  const reference = run();
  expect(await initModelBackend('wasm')).toBe('wasm');
  await tf.setBackend('wasm');
  const undo = kernels();
  try {
    return { reference, got: run() };
  } finally {
    undo?.();
  }
}

/** each case's values within 1e-5 of its reference, relative to the reference's largest magnitude */
function expectCloseRelative(got: number[][], reference: number[][]): void {
  expect(got.length).toBe(reference.length);
  for (let i = 0; i < reference.length; i++) {
    expect(got[i].length).toBe(reference[i].length);
    const maxErr = Math.max(...got[i].map((v, k) => Math.abs(v - reference[i][k])));
    const scale = Math.max(...reference[i].map(Math.abs));
    expect(maxErr / scale, `case ${i}`).toBeLessThan(1e-5);
  }
}
const params = resolveParams({}).nucleus;

describe('wasm filter gradient kernel', () => {
  it('equals the cpu backend gradient of conv2d (3×3 same, 3×3 valid stride 2, 1×1)', async () => {
    const cases: ConvCase[] = [
      { x: [2, 9, 11, 3], f: [3, 3, 3, 5], stride: 1, pad: 'same', seed: 0 },
      { x: [1, 10, 9, 4], f: [3, 3, 4, 2], stride: 2, pad: 'valid', seed: 1 },
      { x: [2, 6, 6, 5], f: [1, 1, 5, 1], stride: 1, pad: 'same', seed: 2 },
    ];
    const { reference, got } = await onCpuThenWasm(() => conv2dGradients(cases, 'filter'), () => registerWasmFilterGrad(tf));
    expectCloseRelative(got, reference);
  });
});

describe('wasm input gradient through XNNPACK (the fine-tune from corrections)', () => {
  it("equals the cpu backend gradient of conv2d for its geometries (3×3 same, 1×1), falls back elsewhere, and reads each call's own filter", async () => {
    const cases: ConvCase[] = [
      { x: [2, 9, 11, 8], f: [3, 3, 8, 16], stride: 1, pad: 'same', seed: 1 },
      // the same shapes with other weights: an operator cached on a freed filter would answer with the first's
      { x: [2, 9, 11, 8], f: [3, 3, 8, 16], stride: 1, pad: 'same', seed: 2 },
      { x: [2, 6, 7, 24], f: [3, 3, 24, 8], stride: 1, pad: 'same', seed: 3 },
      { x: [2, 6, 6, 8], f: [1, 1, 8, 1], stride: 1, pad: 'valid', seed: 4 },
      { x: [1, 10, 9, 4], f: [3, 3, 4, 2], stride: 2, pad: 'valid', seed: 5 },
    ];
    const { reference, got } = await onCpuThenWasm(() => conv2dGradients(cases, 'x'), () => useXnnpackInputGrad(tf));
    expectCloseRelative(got, reference);
    expect(got[0]).not.toEqual(got[1]);
  });
});

describe('interior target', () => {
  it('marks nucleus pixels and cuts the contact line between two cells', () => {
    // two 3-px-wide nuclei side by side: columns 0–2 owner 0, columns 3–5 owner 1, row of 4
    const w = 6;
    const h = 4;
    const nucleusH = new Float32Array(w * h).fill(0.5);
    const owner = new Int32Array(w * h).map((_, p) => (p % w < 3 ? 0 : 1));
    nucleusH[0] = 0; // one background pixel
    const t = interiorTarget(nucleusH, owner, w, h, new Uint8Array(w * h));
    const rows = Array.from({ length: h }, (_, y) => Array.from(t.subarray(y * w, y * w + w)).join(''));
    expect(rows).toEqual(['010011', '110011', '110011', '110011']);
  });
});

describe('nucleus model (committed models/nuclei-unet on the wasm backend)', () => {
  let model: NucleusModel;
  beforeAll(async () => {
    model = await loadNucleusModel(MODEL_DIR, 'wasm');
  });

  it('loads on wasm with its stored metadata', () => {
    expect(model.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(model.id).toMatch(/^nuclei-unet@[0-9a-f]{12}$/);
    expect(model.info.mpp).toBe(0.5);
  });

  it('reaches nucleus F1 ≥ 0.80 on a tuning-seed tile it was not trained on, deterministically', () => {
    const s = sceneSample(95, 512);
    const classical = nucleusMatch(s.scene, detectNuclei(s.hematoxylin, s.scene.mpp, params).nuclei);
    const a = detectNucleiWithModel(s.hematoxylin, s.scene.mpp, model, params);
    const learned = nucleusMatch(s.scene, a.nuclei);
    console.log(
      `seed 95, 512² tile, ${classical.tp + classical.fn} cells: classical F1 ${classical.f1.toFixed(3)} (P ${classical.precision.toFixed(3)} R ${classical.recall.toFixed(3)}) | ` +
        `model F1 ${learned.f1.toFixed(3)} (P ${learned.precision.toFixed(3)} R ${learned.recall.toFixed(3)})`,
    );
    expect(classical.tp + classical.fn).toBeGreaterThan(20);
    expect(learned.f1).toBeGreaterThanOrEqual(0.8);
    // same shape as detectNuclei: labels 1..n in the label plane, a box per nucleus
    expect(a.boxes.length).toBe(4 * a.nuclei.length);
    for (const nu of a.nuclei.slice(0, 5)) expect(a.labels[Math.round(nu.cy) * 512 + Math.round(nu.cx)]).toBe(nu.label);
    const b = detectNucleiWithModel(s.hematoxylin, s.scene.mpp, model, params);
    expect(b.nuclei).toEqual(a.nuclei);
    expect(Buffer.from(b.labels.buffer).equals(Buffer.from(a.labels.buffer))).toBe(true);
  });

  it('gives the same probabilities in a crop as in the whole plane, away from the crop border', () => {
    const s = sceneSample(96, 640); // 640 > one 512 chunk: the whole plane is predicted in 4 chunks
    const whole = predictNucleusProbability(model, s.hematoxylin.data, 640, 640);
    const x0 = 128;
    const y0 = 64;
    const cw = 256;
    const crop = new Float32Array(cw * cw);
    for (let y = 0; y < cw; y++) crop.set(s.hematoxylin.data.subarray((y0 + y) * 640 + x0, (y0 + y) * 640 + x0 + cw), y * cw);
    const part = predictNucleusProbability(model, crop, cw, cw);
    const m = model.info.marginPx;
    let maxDiff = 0;
    for (let y = m; y < cw - m; y++) for (let x = m; x < cw - m; x++) maxDiff = Math.max(maxDiff, Math.abs(part[y * cw + x] - whole[(y0 + y) * 640 + x0 + x]));
    expect(maxDiff).toBeLessThan(1e-5);
  });

  it('resamples planes at another pixel size to the model’s (0.25 µm/px still finds the nuclei)', () => {
    const s = sceneSample(97, 384);
    const fine = floatPlane(768, 768, resampleBilinear(s.hematoxylin.data, 384, 384, 768, 768));
    const found = detectNucleiWithModel(fine, 0.25, model, params).nuclei.map((n) => ({ ...n, cx: n.cx / 2, cy: n.cy / 2 }));
    const r = nucleusMatch(s.scene, found);
    console.log(`seed 97 at 0.25 µm/px: model F1 ${r.f1.toFixed(3)}`);
    expect(r.f1).toBeGreaterThanOrEqual(0.75);
  });

  it('names the file when a model directory is missing or its weights are truncated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bq-model-'));
    try {
      await expect(loadNucleusModel(join(dir, 'absent'), 'wasm')).rejects.toThrow(/absent\/model\.json cannot be read/);
      const bad = join(dir, 'bad');
      await mkdir(bad);
      await copyFile(join(MODEL_DIR, 'model.json'), join(bad, 'model.json'));
      const weights = await readFile(join(MODEL_DIR, 'weights.bin'));
      await writeFile(join(bad, 'weights.bin'), weights.subarray(0, weights.length - 4));
      const err = await loadNucleusModel(bad, 'wasm').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AnalysisError);
      expect((err as Error).message).toMatch(/bad\/weights\.bin hold \d+ bytes, model\.json expects \d+/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
