import { z } from 'zod';

/**
 * Where a cell outside the fibres sits (SCIENCE.md "Scores", cellular infiltrates):
 * endomysial = between fibres inside a fascicle, perimysial = in the connective septa between
 * fascicles, perivascular = around a vessel. In domain because score fields are named per location.
 */
export const CellLocation = z.enum(['endomysial', 'perimysial', 'perivascular']);
export type CellLocation = z.infer<typeof CellLocation>;
export const CELL_LOCATIONS: readonly CellLocation[] = CellLocation.options;
