/** Synthetic demo cohort: 15 patients, two biopsies each, four serial sections per biopsy, planted effects. */
export * from './planted-effects.js';
export { planDemoCohort, DEMO_COHORT_SEED, DEMO_SLIDE_SIZE, DEMO_MPP, DEMO_SECTION_MARGIN_UM, type CohortPlan, type PlannedSlide, type PlantedPatient } from './plan.js';
export { prepareDemoCohort, ensureDemoSlide, writeDemoCohort, DEMO_COHORT_GENERATOR, type DemoCohort, type DemoCohortOptions, type DemoSlide } from './write-cohort.js';
