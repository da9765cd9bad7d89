import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type * as tfTypes from '@tensorflow/tfjs';
import { AnalysisError } from '../errors/index.js';

/** What inference needs to know beyond the weights; stored as `biopsyQuant` in model.json. */
export const NucleusModelInfo = z.object({
  id: z.string().min(1),
  /** µm/px of the training planes; other pixel sizes are resampled to it */
  mpp: z.number().positive(),
  /** the network sees hematoxylin OD · inputScale */
  inputScale: z.number().positive(),
  /** probability at or above which a pixel is nucleus */
  threshold: z.number().gt(0).lt(1),
  /** receptive-field radius in px: chunks overlap by at least this much */
  marginPx: z.number().int().nonnegative(),
  /** plane sides must be multiples of this (pooling levels) */
  multiple: z.number().int().positive(),
});
export type NucleusModelInfo = z.infer<typeof NucleusModelInfo>;

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** Writes model.json (topology, weight manifest, our info) and one weights.bin into `dir`. */
export async function saveModelDir(tf: typeof tfTypes, model: tfTypes.LayersModel, dir: string, info: NucleusModelInfo): Promise<{ weightBytes: number }> {
  await mkdir(dir, { recursive: true });
  let weightBytes = 0;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      if (!a.weightData || !a.weightSpecs) throw new Error('tfjs gave no weights to save');
      const data = new Uint8Array(tf.io.concatenateArrayBuffers(Array.isArray(a.weightData) ? a.weightData : [a.weightData]));
      weightBytes = data.byteLength;
      const json = {
        format: a.format ?? 'layers-model',
        generatedBy: a.generatedBy,
        convertedBy: null,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: a.weightSpecs }],
        biopsyQuant: info,
      };
      await writeFile(join(dir, WEIGHTS_BIN), data);
      await writeFile(join(dir, MODEL_JSON), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return { weightBytes };
}

/** Reads a directory written by saveModelDir; errors name the file and what is wrong with it. */
export async function loadModelDir(tf: typeof tfTypes, dir: string): Promise<{ model: tfTypes.LayersModel; info: NucleusModelInfo }> {
  const jsonPath = join(dir, MODEL_JSON);
  let json: { modelTopology?: object; weightsManifest?: Array<{ paths: string[]; weights: tfTypes.io.WeightsManifestEntry[] }>; biopsyQuant?: unknown };
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8'));
  } catch (err) {
    throw new AnalysisError(`nucleus model ${jsonPath} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  const info = NucleusModelInfo.safeParse(json.biopsyQuant);
  if (!info.success) throw new AnalysisError(`nucleus model ${jsonPath} has no valid "biopsyQuant" section: ${info.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const manifest = json.weightsManifest?.[0];
  if (!json.modelTopology || !manifest || manifest.paths.length !== 1) throw new AnalysisError(`nucleus model ${jsonPath} lacks a topology or a single-file weights manifest`);
  const binPath = join(dir, manifest.paths[0]);
  let bin: Buffer;
  try {
    bin = await readFile(binPath);
  } catch (err) {
    throw new AnalysisError(`nucleus model weights ${binPath} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  const expected = manifest.weights.reduce((s, w) => s + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  if (bin.byteLength !== expected) throw new AnalysisError(`nucleus model weights ${binPath} hold ${bin.byteLength} bytes, model.json expects ${expected}`);
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: manifest.weights, weightData }));
  return { model, info: info.data };
}
