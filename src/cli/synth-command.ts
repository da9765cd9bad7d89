import { Option, type Command } from 'commander';
import { MetadataError } from '../errors/index.js';
import { makeMuscleScene, muscleTruthOf, writeMuscleSlide, MUSCLE_MARKERS, type MuscleMarker } from '../synthetic/muscle/index.js';
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
  muscle?: MuscleMarker;
  marginUm: string;
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
    .addOption(new Option('--muscle <marker>', "a muscle section stained for this marker instead of a cell scene ('infiltrate' = pan-leukocyte, analyse it as CD45)").choices([...MUSCLE_MARKERS]))
    .option('--margin-um <µm>', 'muscle: glass round the section', '100')
    .action(async (out: string, o: SynthOptions) => {
      const n = (name: string, v: string | undefined) => {
        if (v === undefined) return undefined;
        const x = Number(v);
        if (!Number.isFinite(x)) throw new MetadataError(`--${name} must be a number, got "${v}"`);
        return x;
      };
      if (o.muscle) {
        const muscle = makeMuscleScene({
          seed: n('seed', o.seed)!,
          width: n('width', o.width)!,
          height: n('height', o.height)!,
          mpp: n('mpp', o.mpp),
          marker: o.muscle,
          sectionMarginUm: n('margin-um', o.marginUm),
        });
        await writeMuscleSlide(muscle, out, o.format);
        const truth = muscleTruthOf(muscle);
        process.stdout.write(`${out}: ${muscle.width}×${muscle.height} ${o.format} muscle section (${o.muscle}), ${truth.fibres.length} fibres, ${truth.cells.length} cells\n`);
        return;
      }
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
