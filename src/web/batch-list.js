// The submitter's batches (GET /batches?status=), filtered by state; opening one follows its
// progress stream and lists its slides with their status, error and links.

import { followBatch } from './event-stream.js';
import { request } from './http.js';

const STATES = ['all', 'queued', 'running', 'done', 'partial', 'failed'];

export function createBatchList({ section, token }) {
  let filter = 'all';
  let following = null;
  const buttons = STATES.map((s) => {
    const b = Object.assign(document.createElement('button'), { type: 'button', textContent: s });
    b.dataset.filter = s;
    b.addEventListener('click', () => {
      filter = s;
      load();
    });
    return b;
  });
  const list = Object.assign(document.createElement('ul'), { className: 'batches' });
  section.replaceChildren(Object.assign(document.createElement('h2'), { textContent: 'Batches' }), Object.assign(document.createElement('div'), { className: 'filters' }), list);
  section.querySelector('.filters').append(...buttons);

  function slideList(batch) {
    const ul = Object.assign(document.createElement('ul'), { className: 'batch-slides' });
    for (const s of batch.slides) {
      const li = document.createElement('li');
      li.dataset.status = s.status;
      const name = s.path.split('/').pop();
      const tiles = s.tilesTotal ? ` ${s.tilesDone}/${s.tilesTotal} tiles` : '';
      li.append(`${name}: ${s.status}${tiles}`);
      if (s.error) li.append(Object.assign(document.createElement('div'), { className: 'error', textContent: s.error }));
      if (s.status === 'done' && s.analysisId !== null) {
        li.append(' ', Object.assign(document.createElement('a'), { href: `/viewer#analysis=${s.analysisId}`, textContent: 'viewer', target: '_blank', rel: 'noopener' }));
      }
      ul.append(li);
    }
    return ul;
  }

  function open(li, id) {
    following?.abort();
    following = new AbortController();
    const own = following;
    for (const other of list.querySelectorAll('.batch-slides')) other.remove();
    const show = (batch) => {
      li.querySelector('.batch-slides')?.remove();
      li.dataset.status = batch.status;
      li.querySelector('.status').textContent = batch.status;
      li.append(slideList(batch));
    };
    followBatch(token, id, show, own.signal).catch((err) => {
      if (!own.signal.aborted) li.append(Object.assign(document.createElement('div'), { className: 'error', textContent: err.message }));
    });
  }

  async function load() {
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.filter === filter));
    section.dataset.filter = filter;
    const batches = await request(token, `/batches${filter === 'all' ? '' : `?status=${filter}`}`);
    list.replaceChildren();
    if (batches.length === 0) list.append(Object.assign(document.createElement('li'), { className: 'hint', textContent: filter === 'all' ? 'No batches yet.' : `No ${filter} batches.` }));
    for (const b of batches) {
      const li = document.createElement('li');
      li.dataset.batchId = String(b.id);
      li.dataset.status = b.status;
      const button = Object.assign(document.createElement('button'), { type: 'button' });
      button.append(`batch ${b.id} · `, Object.assign(document.createElement('span'), { className: 'status', textContent: b.status }), ` · ${b.done}/${b.slides} done${b.failed ? `, ${b.failed} failed` : ''} · ${new Date(b.createdAt).toLocaleString()}`);
      button.addEventListener('click', () => open(li, b.id));
      li.append(button);
      list.append(li);
    }
  }

  return { load };
}
