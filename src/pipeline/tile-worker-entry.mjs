// Plain-JS entry of an embedded-mode worker thread (piscina): the project runs from TypeScript
// source, and a worker thread does not inherit the parent's loader, so it loads the code itself.
//
// geotiff imports `web-worker`, whose Node entry treats *any* worker thread as one of its own
// decoder workers and crashes on their workerData. Node 20 has no global Worker; providing one
// makes web-worker export it instead. geotiff's decoder pool is never used (libvips decodes), so
// the stand-in only refuses construction.
if (typeof globalThis.Worker !== 'function') {
  globalThis.Worker = class {
    constructor() {
      throw new Error('web workers are not available in tile worker threads');
    }
  };
}
// the bundle of the current source when there is one (src/runtime/source-bundle.mjs: a thread loading ~150
// modules one by one through tsx took ~0.4 s), else the source through tsx
const { cliBundle } = await import('../runtime/source-bundle.mjs');
const bundled = await cliBundle('tile-worker');
let worker;
if (bundled) worker = await import(bundled);
else {
  const { register } = await import('tsx/esm/api');
  register();
  worker = await import('./tile-worker.ts');
}
// piscina calls the export named by run()'s `name` option
export const tiles = worker.tiles;
export const read = worker.read;
