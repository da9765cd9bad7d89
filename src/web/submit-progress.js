// A slide row's progress in one place: its upload (bytes sent, then verified or found on the
// server already), then, once the batch is submitted, its analysis from the batch's progress
// stream (tiles done, the error in the words the CLI shows, links to the viewer and the review).

const UPLOAD_WORDS = { hashing: 'reading', uploading: 'uploading', verifying: 'verifying', verified: 'uploaded', linked: 'on the server already', failed: 'upload failed' };

/** The upload state of a slide from its files': the least advanced one, or failed when any failed. */
function uploadState(files) {
  if (files.some((f) => f.state === 'failed')) return 'failed';
  for (const state of ['hashing', 'uploading', 'verifying']) if (files.some((f) => f.state === state)) return state;
  if (files.every((f) => f.state === 'linked')) return 'linked';
  return files.every((f) => f.state === 'verified' || f.state === 'linked') ? 'verified' : 'hashing';
}

export function uploadDone(s) {
  return s.kind === 'server' || ['verified', 'linked'].includes(uploadState(s.files));
}
export function uploadFailed(s) {
  return s.kind === 'upload' && uploadState(s.files) === 'failed';
}

function link(href, text) {
  return Object.assign(document.createElement('a'), { href, textContent: text, target: '_blank', rel: 'noopener' });
}

/** Renders a row's progress; `onRetry(file)` restarts a failed file's upload. */
export function showProgress(s, onRetry) {
  const b = s.batchSlide;
  if (b) {
    s.row.dataset.state = b.status;
    const total = b.tilesTotal ?? 0;
    s.progress.value = b.status === 'done' ? 1 : total > 0 ? b.tilesDone / total : 0;
    s.stateText.textContent = b.status === 'running' ? `analysing ${b.tilesDone}/${b.tilesTotal ?? '?'} tiles` : b.status === 'queued' ? 'queued for analysis' : b.status === 'done' ? 'analysed' : 'analysis failed';
    s.errorText.textContent = b.error ?? '';
    if (b.status === 'done' && b.analysisId !== null && s.links.childElementCount === 0) {
      // the viewer asks for a reader or pathologist token: a submitter's does not open slides
      s.links.append(link(`/viewer#analysis=${b.analysisId}`, 'viewer'), ' ', link(`/viewer#review=${b.analysisId}`, 'review queue'));
    }
    return;
  }
  if (s.kind === 'server') {
    s.row.dataset.state = 'server';
    s.progress.value = 1;
    s.stateText.textContent = 'on the server';
    return;
  }
  const state = uploadState(s.files);
  s.row.dataset.state = state === 'verified' || state === 'linked' ? 'uploaded' : state;
  s.row.dataset.linked = String(state === 'linked');
  const size = s.files.reduce((n, f) => n + f.file.size, 0);
  const sent = s.files.reduce((n, f) => n + (f.sent ?? 0), 0);
  s.progress.value = size === 0 ? 1 : sent / size;
  const pct = size === 0 ? 100 : Math.floor((100 * sent) / size);
  s.stateText.textContent = state === 'uploading' ? `uploading ${pct} %` : UPLOAD_WORDS[state];
  const resumed = s.files.flatMap((f) => f.resumedFrom ?? []);
  s.row.dataset.resumedFrom = resumed.join(',');
  s.row.dataset.resentBytes = String(s.files.reduce((n, f) => n + (f.resent ?? 0), 0));
  s.errorText.replaceChildren();
  for (const f of s.files.filter((x) => x.state === 'failed')) {
    const retry = Object.assign(document.createElement('button'), { type: 'button', className: 'retry', textContent: 'Retry' });
    retry.addEventListener('click', () => onRetry(f));
    s.errorText.append(Object.assign(document.createElement('span'), { textContent: f.error }), ' ', retry);
  }
}
