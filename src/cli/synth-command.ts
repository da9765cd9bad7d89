import { Option, type Command } from 'commander';
import { MetadataError } from '../domain/errors.js';
import { makeScene } from '../synthetic/scene.js';
import { SYNTHETIC_FORMATS, writeSyntheticSlide, type SyntheticFormat } from '../synthetic/write-slide.js';

interface SynthOptions {
  seed: string;
  width: string;
  height: string;
  mpp: string;
  format: SyntheticFormat;
  cellsPerMm2?: string;
  fractionPositive?: string;
  compartment?: 'cell' | 'nucleus' | 'cytoplasm';
}

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('write a synthetic slide with planted cells and its ground truth (<out>.truth.json)')
    .argument('<out>', 'slide file to write')
    .option('--seed <n>', 'random seed (same seed, same slide)', '1')
    .option('--width <px>', 'width in pixels', '2048')
    .option('--height <px>', 'height in pixels', '2048')
    .option('--mpp <µm/px>', 'pixel size', '0.5')
    .addOption(new Option('--format <f>', 'file format').choices(SYNTHETIC_FORMATS as unknown as string[]).default('pyramidal-tiff'))
    .option('--cells-per-mm2 <n>', 'planted cell density in tissue')
    .option('--fraction-positive <f>', 'fraction of DAB-positive cells (0–1)')
    .addOption(new Option('--compartment <c>', 'where DAB is planted').choices(['cell', 'nucleus', 'cytoplasm']))
    .action(async (out: string, o: SynthOptions) => {
      const n = (name: string, v: string | undefined) => {
        if (v === undefined) return undefined;
        const x = Number(v);
        if (!Number.isFinite(x)) throw new MetadataError(`--${name} must be a number, got "${v}"`);
        return x;
      };
      const scene = makeScene({
        seed: n('seed', o.seed)!,
        width: n('width', o.width)!,
        height: n('height', o.height)!,
        mpp: n('mpp', o.mpp),
        cellsPerMm2: n('cells-per-mm2', o.cellsPerMm2),
        fractionPositive: n('fraction-positive', o.fractionPositive),
        compartment: o.compartment,
      });
      const started = performance.now();
      await writeSyntheticSlide(scene, out, o.format);
      const s = (performance.now() - started) / 1000;
      const mp = (scene.width * scene.height) / 1e6;
      process.stdout.write(`${out}: ${scene.width}×${scene.height} ${o.format}, ${scene.cells.length} cells, ${s.toFixed(1)} s (${(mp / s).toFixed(1)} MP/s)\n`);
    });
}
