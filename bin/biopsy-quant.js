#!/usr/bin/env node
// The CLI runs from TypeScript source, so there is no build step to forget: bundled on the fly
// when the source changes (src/runtime/source-bundle.mjs says why), else through tsx.
import { cliBundle } from '../src/runtime/source-bundle.mjs';

const bundled = await cliBundle();
if (bundled) await import(bundled);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
