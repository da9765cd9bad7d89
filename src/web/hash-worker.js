// A file's SHA-256 off the page's thread: hash-wasm (served from node_modules) hashes it piece by
// piece, so a file of gigabytes never sits in memory whole. Posts { progress } as it reads and
// { sha256 } at the end, or { error }.
/* global hashwasm */
importScripts('/submit/sha256.umd.min.js');

const PIECE = 8 * 1024 * 1024;

self.onmessage = async ({ data: { file } }) => {
  try {
    const hasher = await hashwasm.createSHA256();
    hasher.init();
    for (let at = 0; at < file.size; at += PIECE) {
      hasher.update(new Uint8Array(await file.slice(at, Math.min(file.size, at + PIECE)).arrayBuffer()));
      self.postMessage({ progress: Math.min(file.size, at + PIECE) });
    }
    self.postMessage({ sha256: hasher.digest('hex') });
  } catch (err) {
    self.postMessage({ error: `${file.name}: could not be read to hash it (${err.message})` });
  }
};
