// Entry point of an embedded-mode worker thread (piscina).
import { analyseTileBatch } from './analyse-tile-batch.js';

export default function run(payload: unknown) {
  return analyseTileBatch(payload);
}
