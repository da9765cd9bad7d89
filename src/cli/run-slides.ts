import cliProgress from 'cli-progress';
import path from 'node:path';
import { paramsForMarker } from '../domain/marker.js';
import type { AnalysisParamsInput } from '../domain/params.js';
import type { SlideMetadata } from '../domain/slide.js';
import { MetadataError } from '../errors/index.js';
import { analyseSlide, storeFailure, toFailure, type SlideOutcome } from '../pipeline/analyse-slide.js';
import type { TileExecutor } from '../pipeline/executor.js';
import type { Store } from '../store/store.js';

export interface SlideRequest {
  path: string;
  metadata: SlideMetadata;
  /** metadata refused where it entered (a manifest entry): the slide fails with this, unread */
  refused?: string;
}

/** Slides analysed at once; their tile batches share the one worker pool. */
const SLIDES_IN_FLIGHT = 2;

/**
 * Runs slides through the embedded pipeline with one progress bar per slide (on a terminal).
 * `params` are the user's overrides: each slide's parameters are resolved with its marker's
 * registry settings under them (paramsForMarker), as the service does at submission.
 */
export async function runSlides(
  requests: SlideRequest[],
  opts: { params: AnalysisParamsInput; executor: TileExecutor; store?: Store; progress?: boolean },
): Promise<SlideOutcome[]> {
  const show = opts.progress ?? process.stderr.isTTY;
  const bars = show
    ? new cliProgress.MultiBar(
        { format: ' {bar} {percentage}% | {value}/{total} tiles | {name}', hideCursor: true, clearOnComplete: false, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const outcomes: SlideOutcome[] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const i = next++;
      const req = requests[i];
      if (req.refused !== undefined) {
        outcomes[i] = await refuse(req, opts.store);
        continue;
      }
      const bar = bars?.create(1, 0, { name: path.basename(req.path) });
      outcomes[i] = await analyseSlide({
        path: req.path,
        metadata: req.metadata,
        params: paramsForMarker(req.metadata.marker, opts.params),
        executor: opts.executor,
        store: opts.store,
        onProgress: (done, total) => {
          bar?.setTotal(total);
          bar?.update(done);
        },
      });
      if (bar && !outcomes[i].ok) bar.update({ name: `${path.basename(req.path)} FAILED` });
    }
  };
  await Promise.all(Array.from({ length: Math.min(SLIDES_IN_FLIGHT, requests.length) }, worker));
  bars?.stop();
  return outcomes;
}

/** A slide whose metadata was refused fails like a bad file: its message, stored as a failure. */
async function refuse(req: SlideRequest, store: Store | undefined): Promise<SlideOutcome> {
  const failure = toFailure(req.path, new MetadataError(req.refused!));
  if (store) await storeFailure(store, { path: req.path, metadata: req.metadata }, failure);
  return failure;
}
