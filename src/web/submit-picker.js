// Slides already on the server under SLIDES_ROOT (GET /slides-root), folder by folder: a slide
// file or a DICOM folder is added to the batch as it is, nothing uploaded.

import { request } from './http.js';
import { formatBytes } from './submit-table.js';

export function createPicker({ section, token, onPick }) {
  const crumbs = Object.assign(document.createElement('div'), { className: 'crumbs' });
  const list = Object.assign(document.createElement('ul'), { className: 'picker' });
  const error = Object.assign(document.createElement('div'), { className: 'error', role: 'alert' });
  section.append(crumbs, list, error);

  async function show(dir) {
    error.textContent = '';
    let listing;
    try {
      listing = await request(token, `/slides-root?dir=${encodeURIComponent(dir)}`);
    } catch (err) {
      error.textContent = err.detail ?? err.message;
      return;
    }
    section.dataset.dir = dir;
    const parts = dir ? dir.split('/') : [];
    crumbs.replaceChildren();
    const crumb = (label, to) => {
      const b = Object.assign(document.createElement('button'), { type: 'button', textContent: label });
      b.addEventListener('click', () => show(to));
      crumbs.append(b, ' / ');
    };
    crumb('SLIDES_ROOT', '');
    parts.forEach((p, i) => crumb(p, parts.slice(0, i + 1).join('/')));
    list.replaceChildren();
    if (listing.entries.length === 0) list.append(Object.assign(document.createElement('li'), { className: 'hint', textContent: 'No slides here.' }));
    for (const e of listing.entries) {
      const li = document.createElement('li');
      li.dataset.path = e.path;
      const b = Object.assign(document.createElement('button'), { type: 'button' });
      if (e.kind === 'folder') {
        b.textContent = `${e.name}/`;
        b.addEventListener('click', () => show(e.path));
      } else {
        b.textContent = `add ${e.name}${e.kind === 'series' ? ' (DICOM folder)' : ''} · ${formatBytes(e.size)}`;
        b.addEventListener('click', () => onPick(e));
      }
      li.append(b);
      list.append(li);
    }
  }
  return { show };
}
