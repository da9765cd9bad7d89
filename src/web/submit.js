// The submission page: drop slides (files, DICOM folders, an MRXS with its folder) or pick them on
// the server, fill the metadata table (checked as typed, by the server's schema), and submit; each
// file uploads at once with tus (resumable), so a batch is ready when its metadata is. Plain ES
// module, no bundler; tus-js-client and hash-wasm come from node_modules through the API.

import { createBatchList } from './batch-list.js';
import { droppedFiles, groupSlides, inputFiles } from './submit-files.js';
import { readToken, request } from './http.js';
import { createPicker } from './submit-picker.js';
import { showProgress, uploadDone, uploadFailed } from './submit-progress.js';
import { createTable, formatBytes } from './submit-table.js';
import { sendFile } from './submit-upload.js';
import { followBatch } from './event-stream.js';

const $ = (sel) => document.querySelector(sel);
const state = { token: '', settings: null, table: null, keys: 0, requested: false, submitting: false, batchId: null, batches: null };

function setStatus(text, error = false) {
  const s = $('#status');
  s.textContent = text;
  s.classList.toggle('error', error);
}

const render = (s) => showProgress(s, (f) => startFile(s, f));

function startFile(s, f) {
  sendFile(state.token, state.settings, f, () => {
    render(s);
    updateSubmit();
  }).then(() => {
    if (uploadDone(s) && !s.probed) probe(s, { files: s.files.map((x) => ({ path: x.serverName, sha256: x.sha256 })) });
    maybeSubmit();
  });
}

/** What the server reads the slide as (format, µm/px): asks for µm/px when the file has none, warns when it cannot be read. */
function probe(s, body) {
  s.probed = true;
  request(state.token, '/slides/probe', { method: 'POST', body })
    .then((p) => state.table.noteProbe(s, p))
    .catch((err) => state.table.noteProbe(s, { problem: err.detail ?? err.message }));
}

function addSlides(entries) {
  const groups = groupSlides(entries);
  if (groups.length === 0) return setStatus('nothing to upload in what was dropped', true);
  for (const g of groups) {
    const s = { key: String(++state.keys), name: g.name, kind: 'upload', files: g.files.map((f) => ({ ...f, state: 'hashing', sent: 0 })), size: g.files.reduce((n, f) => n + f.file.size, 0) };
    state.table.addRow(s);
    render(s);
    for (const f of s.files) startFile(s, f);
  }
  setStatus(`${state.table.slides.length} slide${state.table.slides.length === 1 ? '' : 's'}`);
}

function addServerSlide(entry) {
  const s = { key: String(++state.keys), name: entry.path, kind: 'server', path: entry.path, size: entry.size };
  state.table.addRow(s);
  render(s);
  probe(s, { file: entry.path });
  return s;
}

/** Rows from a manifest or CSV: each fills the dropped slide of its name, or adds the slide under SLIDES_ROOT it names. */
async function loadTable(file) {
  const { rows, issues } = await request(state.token, '/metadata/table', { method: 'POST', body: { name: file.name, text: await file.text() } });
  const notice = $('#notice');
  notice.textContent = issues.join('\n');
  for (const row of rows) {
    const base = row.file.split('/').pop();
    const s = state.table.slides.find((x) => x.kind === 'upload' && (x.name === row.file || x.name === base)) ?? addServerSlide({ path: row.file, size: 0 });
    state.table.fill(s, row);
  }
}

function updateSubmit() {
  const button = $('#submit');
  const t = state.table;
  const failed = t.slides.some(uploadFailed);
  button.disabled = state.batchId !== null || state.submitting || !t.valid() || failed;
  const waiting = t.slides.filter((s) => !uploadDone(s)).length;
  const why = t.slides.length === 0 ? 'Drop slides or pick them on the server.' : t.checking() ? 'checking…' : !t.valid() ? 'Correct the marked cells to submit.' : failed ? 'An upload failed: retry it or remove its slide.' : state.requested && waiting > 0 ? `Submitting when ${waiting === 1 ? 'the last upload finishes' : `${waiting} uploads finish`}…` : '';
  $('#submit-why').textContent = state.batchId === null ? why : '';
  button.dataset.ready = String(!button.disabled);
}

/** The batch goes once every row is valid and every upload verified; asked earlier, it waits for them. */
async function maybeSubmit() {
  updateSubmit();
  const t = state.table;
  if (!state.requested || state.submitting || state.batchId !== null) return;
  if (!t.valid() || t.slides.some(uploadFailed)) {
    state.requested = false;
    return updateSubmit();
  }
  if (!t.slides.every(uploadDone)) return;
  state.submitting = true;
  updateSubmit();
  const slides = t.slides.map((s) => ({
    ...s.check.metadata,
    ...(s.kind === 'server' ? { file: s.path } : { files: s.files.map((f) => ({ path: f.serverName, sha256: f.sha256 })) }),
  }));
  try {
    const { batchId } = await request(state.token, '/batches/uploaded', { method: 'POST', body: { slides } });
    state.batchId = batchId;
    t.lock();
    document.body.dataset.batchId = String(batchId);
    setStatus(`batch ${batchId} submitted`);
    follow(batchId);
  } catch (err) {
    state.requested = false;
    setStatus(err.detail ?? err.message, true);
  } finally {
    state.submitting = false;
    updateSubmit();
  }
}

function follow(batchId) {
  const rows = state.table.slides;
  const line = $('#batch-status');
  followBatch(state.token, batchId, (batch) => {
    // the batch keeps the submission's order: its n-th slide is the table's n-th row
    batch.slides.forEach((b, i) => {
      if (!rows[i]) return;
      rows[i].batchSlide = b;
      render(rows[i]);
    });
    line.dataset.status = batch.status;
    const done = batch.slides.filter((x) => x.status === 'done').length;
    const failed = batch.slides.filter((x) => x.status === 'failed').length;
    line.textContent = `batch ${batch.id}: ${batch.status} · ${done} done${failed ? `, ${failed} failed` : ''} of ${batch.slides.length}`;
  })
    .then(() => state.batches.load())
    .catch((err) => setStatus(err.message, true));
}

function wireInputs() {
  const zone = $('#drop');
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', async (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (state.batchId !== null) return;
    addSlides(await droppedFiles(e.dataTransfer));
  });
  for (const id of ['#choose-files', '#choose-folder']) {
    $(id).addEventListener('change', (e) => {
      if (state.batchId === null) addSlides(inputFiles(e.target.files));
      e.target.value = '';
    });
  }
  $('#choose-table').addEventListener('change', (e) => {
    const [file] = e.target.files;
    if (file) loadTable(file).catch((err) => setStatus(err.detail ?? err.message, true));
    e.target.value = '';
  });
  $('#submit').addEventListener('click', () => {
    state.requested = true;
    maybeSubmit();
  });
  $('#new-batch').addEventListener('click', () => location.reload());
}

async function main() {
  state.token = readToken('submitter');
  if (!state.token) return setStatus('no API token: open this page as /submit#token=<submitter token>', true);
  try {
    const { role } = await request(state.token, '/tokens/me');
    document.body.dataset.role = role;
    if (role !== 'submitter' && role !== 'admin') throw new Error(`a ${role} token cannot submit slides: open this page with a submitter token`);
    const [settings, names] = await Promise.all([request(state.token, '/uploads/settings'), request(state.token, '/metadata/names')]);
    state.settings = settings;
    for (const [id, values] of [['#markers', names.markers], ['#timepoints', names.timepoints]]) $(id).append(...values.map((v) => Object.assign(document.createElement('option'), { value: v })));
    state.table = createTable({ tbody: $('#slides tbody'), token: state.token, onChange: maybeSubmit });
    createPicker({ section: $('#picker'), token: state.token, onPick: (e) => state.batchId === null && addServerSlide(e) }).show('');
    state.batches = createBatchList({ section: $('#batches'), token: state.token });
    wireInputs();
    updateSubmit();
    document.body.dataset.ready = 'true';
    setStatus(`ready · up to ${formatBytes(settings.maxFileBytes)} per file`);
    await state.batches.load();
  } catch (err) {
    setStatus(err.detail ?? err.message, true);
  }
}

main();
