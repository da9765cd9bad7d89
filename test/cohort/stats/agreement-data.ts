/**
 * Published data sets the agreement statistics are checked against, each with its source.
 */

/**
 * Peak expiratory flow rate (l/min), first reading with the Wright and the mini Wright meter of
 * 17 subjects: Bland JM, Altman DG. Statistical methods for assessing agreement between two
 * methods of clinical measurement. Lancet 1986; i: 307–310, Table 1 (as transcribed in R qwraps2,
 * vignette-spinners/pefr.R, and R SimplyAgree, data/ba1986.csv).
 */
export const PEFR_WRIGHT = [494, 395, 516, 434, 476, 557, 413, 442, 650, 433, 417, 656, 267, 478, 178, 423, 427];
export const PEFR_MINI_WRIGHT = [512, 430, 520, 428, 500, 600, 364, 380, 658, 445, 432, 626, 260, 477, 259, 350, 451];

/**
 * R SimplyAgree's `reps` data (data/reps.csv; after Zou 2013), the 18 rows where both x and y are
 * present (rows with y = NA left out, as agree_test does).
 */
export const REPS_X = [7.83, 7.42, 7.89, 7.12, 6.16, 7.26, 6.71, 4.75, 5.24, 4.86, 4.78, 6.05, 5.42, 4.21, 3.61, 3.72, 3.87, 3.92];
export const REPS_Y = [6.57, 5.62, 6.9, 6.57, 4.06, 4.29, 4.26, 4.71, 5.5, 5.08, 5.02, 6.01, 5.67, 4.14, 4.2, 4.61, 4.68, 5.04];

/**
 * Shrout PE, Fleiss JL. Intraclass correlations: uses in assessing rater reliability. Psychol Bull
 * 1979; 86: 420–428, Table 2: six targets (rows) rated by four judges (columns).
 */
export const SHROUT_FLEISS = [
  [9, 2, 5, 8],
  [6, 1, 3, 2],
  [8, 4, 6, 8],
  [7, 1, 2, 6],
  [10, 5, 6, 9],
  [6, 2, 4, 7],
];

/**
 * Gwet KL. Handbook of Inter-Rater Reliability, 4th ed. 2014: 100 pregnant women classified by two
 * abstractors as ectopic, abnormal intrauterine or normal intrauterine pregnancy; R irrCAC's
 * `cont3x3abstractors` (printed in the package README).
 */
export const ABSTRACTORS = {
  categories: ['Ectopic', 'AIU', 'NIU'],
  counts: [
    [13, 0, 0],
    [0, 20, 7],
    [0, 4, 56],
  ],
};

/**
 * R mcr's `creatinine` data: serum (x) and plasma (y) creatinine, mg/dL, of 110 heart-surgery
 * patients, as listed in Rick Wicklin's SAS program accompanying "Passing-Bablok regression in
 * SAS" (The DO Loop, 14 Feb 2022); two plasma values are missing (null). The same program quotes
 * mcr's printSummary for mcreg(method.reg = "PaBa", method.ci = "analytical").
 */
export const CREATININE: [number, number | null][] = [
  [0.82, 0.79], [1.83, 1.62], [1.39, 1.36], [0.81, 1.3], [1.72, 1.88],
  [3.23, 3.35], [1.23, 1.06], [1.37, 1.34], [1.72, 1.56], [0.96, 0.94],
  [0.76, 0.69], [1.15, 1.16], [0.95, 0.71], [1, 0.83], [1.52, 1.44],
  [1.56, 1.26], [2.45, 2.36], [1.85, 1.9], [0.89, 0.95], [0.82, 0.77],
  [1.01, 0.82], [0.96, 0.88], [3.38, 3.42], [1.31, 1.15], [1.1, 0.96],
  [1.26, 1.12], [1.15, 1.02], [1.2, 1.29], [1.01, 0.87], [1.33, 1.13],
  [0.87, 0.82], [1.66, 1.33], [1.41, 1.14], [1.08, 0.93], [1.17, 1.09],
  [0.82, null], [1.77, 1.89], [1.33, 1.57], [1.23, 1.29], [1.21, 1.13],
  [1.2, 1.11], [1.49, 1.61], [0.89, 0.79], [1.09, 1.19], [1.03, 0.96],
  [1.07, 1.25], [0.89, 0.87], [1.39, 1.36], [0.96, 0.86], [1.06, 1.03],
  [1.17, 0.86], [0.9, 0.8], [1.39, 1.22], [0.91, 0.86], [2.28, 2.25],
  [0.9, 0.87], [0.83, null], [1.34, 1.3], [1.32, 1.04], [1.02, 0.92],
  [1.04, 1.01], [1.27, 1.21], [1.08, 1.11], [1.1, 1.21], [1.39, 1.54],
  [1.07, 0.99], [0.79, 0.79], [1.02, 1.06], [0.94, 1.02], [1.99, 2.15],
  [0.7, 0.56], [0.84, 1.01], [0.66, 0.59], [1.1, 1.17], [0.9, 0.82],
  [2.06, 2.09], [1.31, 1.44], [1.03, 1.22], [1.61, 1.77], [1.52, 1.6],
  [1.11, 1.13], [0.85, 1.06], [1.2, 1.38], [1.09, 1.24], [1.27, 1.29],
  [2.06, 2.08], [1.21, 1.31], [0.77, 0.82], [1.06, 1.28], [1.02, 1.15],
  [1, 1.04], [1.47, 1.51], [0.97, 1.13], [1.7, 1.84], [1.78, 1.94],
  [0.93, 1.32], [0.92, 1.36], [1.59, 1.88], [0.68, 0.73], [0.7, 0.78],
  [1.08, 1.01], [0.83, 0.9], [1.17, 1.3], [0.98, 0.96], [0.77, 0.61],
  [0.91, 1.27], [1.1, 1.05], [0.8, 1.12], [0.85, 0.72], [0.82, 0.87],
];
