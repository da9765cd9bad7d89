// Embedded-mode worker thread body; loaded through tile-worker-entry.mjs.
import { analyseTileBatch } from './analyse-tile-batch.js';

export default function run(payload: unknown) {
  return analyseTileBatch(payload);
}
