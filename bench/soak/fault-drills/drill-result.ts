import type { DrillVerdict } from './drill-world.js';

/** What one fault drill measured; the test asserts on it, bench/soak/faults.ts prints it. */
export interface DrillResult extends DrillVerdict {
  fault: string;
  /** tiles saved when the fault struck, of the batch's total: it struck mid-batch if 0 < done < total */
  tilesAtFault: number;
  tilesTotal: number;
  /** seconds from the fault's end (server back, signal sent, space freed, API up) to work moving again */
  recoverS: number;
  /** what "recover" means for this fault */
  recoverMeans: string;
}

export const midBatch = (r: Pick<DrillResult, 'tilesAtFault' | 'tilesTotal'>) => r.tilesAtFault > 0 && r.tilesAtFault < r.tilesTotal;
