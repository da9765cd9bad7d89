import type { FlowJob, FlowProducer } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { SubmitBody } from '../../src/api/schemas.js';
import { paramsForMarker } from '../../src/domain/marker.js';
import { paramsHash, resolveParams, type AnalysisParams, type AnalysisParamsInput } from '../../src/domain/params.js';
import { submitBatch } from '../../src/service/submit.js';
import type { BatchStore } from '../../src/store/batch-store.js';

/** submitBatch with a recording store and flow producer: what each slide's plan job and the batch carry. */
async function submit(slides: { path: string; metadata: { marker?: string } }[], params?: AnalysisParamsInput) {
  let batchParams: AnalysisParams | undefined;
  const jobs: FlowJob[] = [];
  const batches = {
    createBatch: async (b: { params: AnalysisParams; slides: unknown[] }) => {
      batchParams = b.params;
      return { batchId: 1, slideIds: b.slides.map((_, i) => i + 1) };
    },
  } as unknown as BatchStore;
  const flows = { addBulk: async (js: FlowJob[]) => void jobs.push(...js) } as unknown as FlowProducer;
  await submitBatch({ batches, flows, config: { SLIDES_ROOT: '/slides' } }, { slides, createdBy: 'tester', params });
  return { batchParams, planned: jobs.map((j) => (j.data as { params: AnalysisParams }).params) };
}

describe('service submission resolves each slide as embedded mode does', () => {
  it('gives each slide paramsForMarker(its marker, the request\'s overrides): CD3 on the cytoplasm unless overridden', async () => {
    const slides = [
      { path: 'a.tif', metadata: { marker: 'CD3' } },
      { path: 'b.tif', metadata: { marker: 'CD163' } },
      { path: 'c.tif', metadata: {} },
    ];
    const plain = await submit(slides);
    expect(plain.planned.map((p) => p.compartment)).toEqual(['cytoplasm', 'cell', 'cell']);
    plain.planned.forEach((p, i) => expect(paramsHash(p)).toBe(paramsHash(paramsForMarker(slides[i].metadata.marker, {}))));
    expect(plain.batchParams).toEqual(resolveParams({}));

    const overridden = await submit(slides, { compartment: 'cell', tileSize: 512 });
    expect(overridden.planned.map((p) => p.compartment)).toEqual(['cell', 'cell', 'cell']);
    expect(overridden.planned.map((p) => p.tileSize)).toEqual([512, 512, 512]);
  });

  it('refuses bad overrides naming the field', async () => {
    await expect(submit([{ path: 'a.tif', metadata: { marker: 'CD3' } }], { infiltrates: { linkUm: -5 } })).rejects.toThrow(/params\.infiltrates\.linkUm/);
  });
});

describe('the API body keeps parameter overrides as given', () => {
  it('does not fill in defaults (which would hide the marker\'s settings), and still checks them', () => {
    const body = SubmitBody.parse({ slides: [{ file: 'a.tif', marker: 'CD3' }], params: { tileSize: 512 } });
    expect(body.params).toEqual({ tileSize: 512 });
    expect(paramsForMarker('CD3', body.params as AnalysisParamsInput).compartment).toBe('cytoplasm');
    const bad = SubmitBody.safeParse({ slides: [{ file: 'a.tif' }], params: { compartment: 'membrane' } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(['params', 'compartment']);
  });
});
