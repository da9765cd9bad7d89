import { z } from 'zod';

/**
 * An analysis's review (issue 12): analysed → in_review → signed_off, and back to in_review only by
 * an explicit reopen. The review version counts reviews: 0 while analysed, 1 from the first start,
 * kept by the sign-off (the signed version), and one more at each reopen; so the signed versions
 * are 1 … n and edits after a sign-off belong to the next version.
 */
export const ReviewState = z.enum(['analysed', 'in_review', 'signed_off']);
export type ReviewState = z.infer<typeof ReviewState>;

export const ReviewAction = z.enum(['start', 'sign_off', 'reopen']);
export type ReviewAction = z.infer<typeof ReviewAction>;

export interface ReviewPosition {
  state: ReviewState;
  version: number;
}

export const UNREVIEWED: ReviewPosition = { state: 'analysed', version: 0 };

/** Where an action leads from a position; a string naming the refusal when it is not allowed there. */
export function reviewTransition(from: ReviewPosition, action: ReviewAction): ReviewPosition | string {
  switch (action) {
    case 'start':
      return from.state === 'analysed' ? { state: 'in_review', version: from.version + 1 } : `the review is ${from.state} (version ${from.version}); only an analysed analysis can be started${from.state === 'signed_off' ? ', reopen it instead' : ''}`;
    case 'sign_off':
      return from.state === 'in_review' ? { state: 'signed_off', version: from.version } : `the review is ${from.state} (version ${from.version}); only a review in progress can be signed off${from.state === 'analysed' ? ', start it first' : ''}`;
    case 'reopen':
      return from.state === 'signed_off' ? { state: 'in_review', version: from.version + 1 } : `the review is ${from.state} (version ${from.version}); only a signed-off review can be reopened`;
  }
}

/**
 * Where an edit (regions, a correction) leaves the review: an analysed analysis goes into review
 * (its first edit starts it); a review in progress stays; a signed-off one refuses (string).
 */
export function editPosition(from: ReviewPosition): ReviewPosition | string {
  if (from.state === 'signed_off') return `the review is signed off (version ${from.version}); reopen it to edit`;
  return from.state === 'analysed' ? { state: 'in_review', version: from.version + 1 } : from;
}
