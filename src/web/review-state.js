// Where the open analysis's review stands (GET /analyses/:id/review): analysed → in review →
// signed off, and reopened; for a pathologist or admin the one action the state allows
// (POST /analyses/:id/review). The server decides; this shows its answer and says its refusals.

import { ApiError } from './http.js';
import { getReviewState, postReviewAction } from './review-api.js';

const ACTION = { analysed: ['start', 'Start review'], in_review: ['sign_off', 'Sign off'], signed_off: ['reopen', 'Reopen'] };
const DONE = { start: 'Review started', sign_off: 'Signed off', reopen: 'Reopened' };

/** The review state in words: 'in review · version 2', 'signed off · version 1 by token:4, 5 Dec 2026 …'. */
export function describeReview(r) {
  if (r.state === 'analysed') return 'Review: not started (analysed).';
  if (r.state === 'in_review') return `Review: in review · version ${r.version}.`;
  const s = r.signOffs.find((x) => x.version === r.version);
  return `Review: signed off · version ${r.version}${s ? ` by ${s.author}, ${new Date(s.signedAt).toLocaleString()}` : ''}.`;
}

/**
 * `onReview(json)`: a review answer arrived (its `scores` are the live ones); `onMessage(text, kind)`:
 * what to tell the user after an action.
 */
export function createReviewState({ token, canEdit, onReview, onMessage }) {
  const line = Object.assign(document.createElement('p'), { className: 'review-state' });
  const button = Object.assign(document.createElement('button'), { type: 'button', className: 'review-action' });
  const element = Object.assign(document.createElement('div'), { className: 'review' });
  element.append(line, ...(canEdit ? [button] : []));
  let review = null;
  let analysisId = null;
  let busy = false;

  function show(json) {
    review = json;
    element.dataset.state = json.state;
    element.dataset.version = String(json.version);
    line.textContent = describeReview(json);
    const [action, text] = ACTION[json.state];
    button.dataset.action = action;
    button.textContent = text;
    button.disabled = busy;
    onReview(json);
  }

  button.addEventListener('click', async () => {
    if (busy || !review) return;
    const id = analysisId;
    const action = button.dataset.action;
    busy = button.disabled = true;
    try {
      const json = await postReviewAction(token, id, action);
      if (id !== analysisId) return;
      busy = false;
      show(json);
      onMessage(`${DONE[action]}: version ${json.version}.`, 'ok');
    } catch (err) {
      if (id !== analysisId) return;
      onMessage(`Not done: ${err instanceof ApiError ? err.detail : err.message}`, 'error');
    } finally {
      busy = false;
      button.disabled = false;
    }
  });

  return {
    element,
    /** A review answer from elsewhere (a correction's answer carries the review too). */
    show,
    get review() {
      return review;
    },
    /** Reads the analysis's review state. */
    async load(id) {
      analysisId = id;
      review = null;
      delete element.dataset.state;
      line.textContent = 'Review: …';
      const json = await getReviewState(token, id);
      if (id === analysisId) show(json);
    },
  };
}
