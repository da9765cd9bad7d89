import { Option, type Command } from 'commander';
import { MetadataError } from '../errors/index.js';
import { makeMuscleScene, muscleTruthOf, writeMuscleSlide, MUSCLE_MARKERS, type MuscleMarker } from '../synthetic/muscle/index.js';
import { ARTEFACT_TYPES, drawLabRealism, labCellOptions, labMuscleOptions, type ArtefactType, type RealismOptionsInput } from '../synthetic/realism/index.js';
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
  compartment?: 'cell' | 'nucleus' | 'cytoplasm' | 'membrane';
  muscle?: MuscleMarker;
  marginUm: string;
  tissueFraction?: string;
  illumination?: string;
  artefacts?: string;
  jpegQuality?: string;
  stainDrift?: string;
  labRealism?: boolean;
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
    .addOption(new Option('--compartment <c>', 'where DAB is planted').choices(['cell', 'nucleus', 'cytoplasm', 'membrane']))
    .addOption(new Option('--muscle <marker>', "a muscle section stained for this marker instead of a cell scene ('infiltrate' = pan-leukocyte, analyse it as CD45)").choices([...MUSCLE_MARKERS]))
    .option('--margin-um <µm>', 'muscle: glass round the section (0 = the section fills the field)', '100')
    .option('--tissue-fraction <f>', 'cells: fraction of the field covered by tissue (1 = no glass in view)')
    .option('--illumination <amp>', "uneven light: gradient and vignetting amplitude (0.06 = ±6 %) or 'random'")
    .option('--artefacts <list>', `comma-separated artefacts to plant, each as type or type:count (${ARTEFACT_TYPES.join(', ')}; ice: muscle only)`)
    .option('--jpeg-quality <q>', 'JPEG quality of jpeg, tiled and pyramidal TIFF, SVS and OME-TIFF output (labs: 70–90)')
    .option('--stain-drift <deg>', 'largest rotation of each stain vector (degrees)')
    .option('--lab-realism', 'draw a lab-realism configuration from the seed (light, JPEG quality, drift, glass, artefacts); other flags override it')
    .action(async (out: string, o: SynthOptions) => {
      const n = (name: string, v: string | undefined) => {
        if (v === undefined) return undefined;
        const x = Number(v);
        if (!Number.isFinite(x)) throw new MetadataError(`--${name} must be a number, got "${v}"`);
        return x;
      };
      const seed = n('seed', o.seed)!;
      const lab = o.labRealism ? drawLabRealism(seed, o.muscle ? 'muscle' : 'cells') : null;
      const realism = realismOf(o, lab?.realism);
      const quality = n('jpeg-quality', o.jpegQuality) ?? lab?.jpegQuality;
      const write = quality === undefined ? {} : { quality };
      const drift = n('stain-drift', o.stainDrift);
      if (o.muscle) {
        const base = {
          seed,
          width: n('width', o.width)!,
          height: n('height', o.height)!,
          mpp: n('mpp', o.mpp),
          marker: o.muscle,
          sectionMarginUm: n('margin-um', o.marginUm),
        };
        const muscle = makeMuscleScene({ ...(lab ? labMuscleOptions(lab, base) : base), ...(drift === undefined ? {} : { stainJitterDeg: drift }), ...(realism ? { realism } : {}) });
        await writeMuscleSlide(muscle, out, o.format, write);
        const truth = muscleTruthOf(muscle);
        process.stdout.write(`${out}: ${muscle.width}×${muscle.height} ${o.format} muscle section (${o.muscle}), ${truth.fibres.length} fibres, ${truth.cells.length} cells\n`);
        return;
      }
      const base = {
        seed,
        width: n('width', o.width)!,
        height: n('height', o.height)!,
        mpp: n('mpp', o.mpp),
        cellsPerMm2: n('cells-per-mm2', o.cellsPerMm2),
        fractionPositive: n('fraction-positive', o.fractionPositive),
        compartment: o.compartment,
        tissueFraction: n('tissue-fraction', o.tissueFraction),
      };
      const scene = makeScene({ ...(lab ? labCellOptions(lab, base) : base), ...(drift === undefined ? {} : { stainJitterDeg: drift }), ...(realism ? { realism } : {}) });
      const started = performance.now();
      await writeSyntheticSlide(scene, out, o.format, write);
      const s = (performance.now() - started) / 1000;
      const mp = (scene.width * scene.height) / 1e6;
      process.stdout.write(`${out}: ${scene.width}×${scene.height} ${o.format}, ${scene.cells.length} cells, ${s.toFixed(1)} s (${(mp / s).toFixed(1)} MP/s)\n`);
    });
}

/** The realism block from --illumination and --artefacts, over a lab-realism draw when given. */
function realismOf(o: SynthOptions, drawn: RealismOptionsInput | undefined): RealismOptionsInput | undefined {
  if (o.illumination === undefined && o.artefacts === undefined) return drawn;
  const out: RealismOptionsInput = { ...drawn, artefacts: { ...drawn?.artefacts } };
  if (o.illumination !== undefined) {
    const a = o.illumination === 'random' ? 'random' : Number(o.illumination);
    if (a !== 'random' && !(Number.isFinite(a) && a >= 0 && a <= 0.2)) throw new MetadataError(`--illumination must be an amplitude in [0, 0.2] or 'random', got "${o.illumination}"`);
    out.gradient = a;
    out.vignette = a;
  }
  if (o.artefacts !== undefined) {
    for (const item of o.artefacts.split(',').map((t) => t.trim()).filter(Boolean)) {
      const [type, count = '1'] = item.split(':');
      if (!(ARTEFACT_TYPES as readonly string[]).includes(type)) throw new MetadataError(`--artefacts: unknown artefact "${type}"; one of ${ARTEFACT_TYPES.join(', ')}`);
      const k = Number(count);
      if (!(Number.isInteger(k) && k >= 0 && k <= 20)) throw new MetadataError(`--artefacts: count of ${type} must be an integer 0–20, got "${count}"`);
      if (type === 'ice' && !o.muscle) throw new MetadataError('--artefacts: ice (freezing artefact) needs --muscle: only frozen muscle sections have it');
      out.artefacts![type as ArtefactType] = k;
    }
  }
  return out;
}
