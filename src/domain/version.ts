/**
 * Version of the analysis code, stored with every score. Bump the analysis part whenever a change
 * can move a number, so old and new results are never mixed under one parameters hash
 * (test/golden pins the scores of a fixed slide set together with this version).
 * 2: muscle analysis (section tissue, fibres, locations, marker scores).
 * 3: each marker's registry settings applied (CD3/CD4/CD8 graded on the cytoplasm).
 * 4: flat-field correction and glass detection; each marker graded where it stains (membrane for
 *    CD3/CD4/CD8/CD45, cytoplasm for CD68 and IL-1); membranous / cytoplasmic synthetic staining.
 * 5: fibre boundaries on a less-smoothed image, enclosed endomysial pockets not perimysium,
 *    vessel lumens against enclosed glass on glass-free sections, Macenko without pen ink, MHC-I
 *    slides without fibres refused; QC detectors retuned (QC itself still off by default).
 * 6: membrane stains (CD3/CD4/CD8/CD45) graded on the mean of the upper 30 % of their rim's DAB.
 * 7: automatic QC on by default (focus, ice, pen, bubble; folds on request); perimysium at the
 *    scale of fascicles; faint vessel walls; location scores withheld when fibres or fascicles are
 *    missing; slide provenance gains format, reader and vendor.
 * 8: QC focus also calls a block blurred when its hematoxylin alone reads clearly blurred
 *    (params.qc.focusHemaAloneRatio).
 * 9: QC ice leaves out the rim of a vessel lumen or a glass bay (params.qc.iceLumenOd).
 * 10: fibres, fascicles, perimysium and cell locations found on the tile binned to 1 µm/px
 *     (params.muscle.structureUm; issue 13); the stored QC reference has no fold floor
 *     (foldFloorOd null) unless folds are looked for.
 * 11: muscle structure back at the analysis resolution by default (params.muscle.structureUm 0.5:
 *     at 1 µm the full lab-realism eval lost an MHC-I grade).
 * 12: IL-1 cells graded on the upper half of their cytoplasm ring above the tissue round them
 *     (params.surroundDab, ringUpperFraction 0.5 in the registry); detections store dabSurround.
 * 13: a Macenko vector more than params.stain.maxDriftDeg (15°) from its default is not taken.
 * 14: glass in view needs one clear region (params.illumination.minGlassRegion): flat pale fibre
 *     cores of a whole-field section are no longer taken for glass.
 * 15: thin nuclei (distance-map peak < 2.5 µm) split only at a neck 20 % narrower than the peak
 *     (params.nucleus.splitRelativeDynamic, splitThinPeakUm).
 * 16: a fibre is left out by QC when more than half its area is excluded (params.qc.fibreMaxExcluded),
 *     not by the block under its centroid.
 * 17: fibre regions far larger than the plane's median are split again along faint endomysium
 *     linked by hysteresis (params.fibres.lineContrastLow, largeFactor).
 * 18: pen QC keeps only groups of pen blocks of at least params.qc.penMinUm2 (300 µm²): single
 *     nuclei whose hue drifted off the stain plane are no longer ink.
 * 19: with no glass in view, I0 is the glass seen through vessel lumens when it reads clearly below
 *     the white point and the palest tissue (params.stain.lumenI0MinOd, lumenI0MarginOd).
 * 20: muscle structure (fibres, fascicles, perimysium, cell locations) on the tile binned to 1 µm/px
 *     again (params.muscle.structureUm 1), with fibre solidity measured alike at any pixel size
 *     (the mean of the pixel-corner and pixel-centre hulls, image/solidity.ts).
 * 21: QC reads uneven light into its OD (log10 S added per channel, as the tile deconvolves)
 *     instead of dividing each pixel by S and rounding back to bytes.
 * 22: the surround taken off an IL-1 cell is a plane fitted to its band (slope by least squares,
 *     level by median) and taken off pixel by pixel before the compartment is measured, not the
 *     band's median: negative cells on the flank of a diffuse patch no longer grade positive.
 * 23: glass in pieces (a section reaching the image's edge in places) is glass when its featureless
 *     pixels add up to params.illumination.minGlassRegion and are neutral (maxGlassChroma).
 * 24: each fascicle's convex hull is endomysium (params.location.fascicleNotchFibres): cells in the
 *     notch of a missing edge fibre or against an edge fibre's outer side no longer read perimysial.
 * 25: muscle analysis tiles have 2048 px cores unless params.tileSize is given (MUSCLE_TILE_SIZE;
 *     cell analysis keeps 1024): the 100 µm muscle overlap is read round fewer, larger cores, so tile seams,
 *     stain sampling and QC reference tiles fall elsewhere.
 * 26: pen ink is judged on the OD averaged over square bins (params.qc.penSmoothUm), not on three
 *     blurred channel planes.
 * 27: a membrane stain's rim, and CD68's cytoplasm ring, read on a scan coarser than 0.5 µm/px
 *     have their partial-volume loss undone in light (params.rimPartialVolume, on for CD3/CD4/CD8/
 *     CD45/CD68 in the registry); scans at 0.5 µm/px and finer read as before.
 * 28: each fascicle's closing for the perimysium runs on the fibre labels sampled to ~2 µm
 *     (params.location.fascicleGridUm, whole squares only); the septum closing stays at the fibre
 *     raster's 1 µm, so a cell at a fascicle's notch may read endomysial/perimysial otherwise.
 */
export const ANALYSIS_VERSION = 'bq-analysis-28';
export const MODEL_ID_CLASSICAL = 'classical-watershed-1';
