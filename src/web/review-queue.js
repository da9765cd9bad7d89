// The review queue (GET /review/queue): analyses awaiting review (analysed or in review, not
// signed off), one after another. j / k (or the arrow keys inside the list) open the next /
// previous one in the viewer; a click opens any. An analysis signed off here stays listed, marked,
// until the queue is loaded again, so j / k keep their place.

import { reviewQueue } from './review-api.js';

// keys typed into a field or a list are theirs; a checkbox or radio button takes no letters
const typing = (t) =>
  t instanceof HTMLElement && (t.isContentEditable || ['SELECT', 'TEXTAREA'].includes(t.tagName) || (t.tagName === 'INPUT' && !['checkbox', 'radio', 'button'].includes(t.type)));

/**
 * `section`: where the list goes; `onOpen(entry)`: open an entry (a queue row) in the viewer;
 * `busy()`: true while keys belong to something else (a drawing tool).
 */
export function createReviewQueue({ section, token, onOpen, busy }) {
  let entries = [];
  let current = -1;
  const list = Object.assign(document.createElement('ol'), { className: 'queue', tabIndex: 0 });
  list.setAttribute('aria-label', 'review queue');
  const count = Object.assign(document.createElement('p'), { className: 'hint' });

  function mark() {
    section.dataset.current = current < 0 ? '' : String(entries[current].analysisId);
    list.querySelectorAll('button').forEach((b, i) => b.setAttribute('aria-current', String(i === current)));
    list.children[current]?.scrollIntoView?.({ block: 'nearest' });
  }

  /** Shows an analysis's latest region version in its entry (after a save here or a reload). */
  function noteVersion(analysisId, version) {
    const span = list.querySelector(`button[data-analysis-id="${analysisId}"] .version`);
    if (span) span.textContent = version > 0 ? ` · regions v${version}` : '';
  }

  /** Shows an analysis's review state in its entry. */
  function noteReview(analysisId, reviewState, version) {
    const b = list.querySelector(`button[data-analysis-id="${analysisId}"]`);
    if (!b) return;
    b.dataset.reviewState = reviewState;
    b.querySelector('.state').textContent = reviewState === 'analysed' ? '' : ` · ${reviewState === 'in_review' ? 'in review' : 'signed off'} v${version}`;
  }

  function go(i) {
    if (entries.length === 0) return;
    current = Math.max(0, Math.min(entries.length - 1, i));
    mark();
    onOpen(entries[current]);
  }

  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || busy()) return;
    const inList = list.contains(e.target);
    if (e.key === 'j' || (inList && e.key === 'ArrowDown')) go(current + 1);
    else if (e.key === 'k' || (inList && e.key === 'ArrowUp')) go(current - 1);
    else return;
    e.preventDefault();
  });

  return {
    async load() {
      entries = await reviewQueue(token);
      list.replaceChildren();
      entries.forEach((q, i) => {
        const b = Object.assign(document.createElement('button'), { type: 'button' });
        b.dataset.analysisId = String(q.analysisId);
        b.dataset.slideId = String(q.slideId);
        const who = [q.patient ?? 'unknown patient', q.timepoint ?? 'unknown timepoint', q.marker].filter(Boolean).join(' · ');
        b.append(
          q.name,
          Object.assign(document.createElement('span'), { className: 'meta', textContent: ` ${who}` }),
          Object.assign(document.createElement('span'), { className: 'meta state' }),
          Object.assign(document.createElement('span'), { className: 'meta version' }),
        );
        b.addEventListener('click', () => go(i));
        const li = document.createElement('li');
        li.append(b);
        list.append(li);
      });
      entries.forEach((q) => {
        noteVersion(q.analysisId, q.regionsVersion);
        noteReview(q.analysisId, q.reviewState, q.reviewVersion);
      });
      count.textContent = `${entries.length} awaiting review · j / k: next / previous`;
      section.replaceChildren(Object.assign(document.createElement('h2'), { textContent: 'Review queue' }), count, list);
      section.dataset.count = String(entries.length);
      mark();
      return entries;
    },
    noteVersion,
    noteReview,
    /** Marks the entry of this analysis as the current one (when it was opened from elsewhere). */
    follow(analysisId) {
      current = entries.findIndex((q) => q.analysisId === analysisId);
      mark();
    },
  };
}
