// What a drop or a file picker hands the page, as slides: a slide file on its own, a folder of
// DICOM files (a whole-slide series), or an .mrxs with its data folder. The server checks the
// same rules again (src/api/upload-names.ts); this only groups what the user gave.

/** A file the readers take as a slide on its own (they go by content; this only groups). */
const SLIDE_FILE = /\.(svs|tiff?|btf|ndpi|vms|scn|bif|png|jpe?g|mrxs)$/i;
/** what file managers leave in folders */
const CLUTTER = /^(\..*|thumbs\.db|desktop\.ini)$/i;

/** Every file under a dropped directory entry, with its path from the dropped item. */
async function entryFiles(entry, prefix, out) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out.push({ path: `${prefix}${entry.name}`, file });
    return;
  }
  const reader = entry.createReader();
  // readEntries answers in pieces (100 at a time in Chromium) until it answers none
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const e of batch) await entryFiles(e, `${prefix}${entry.name}/`, out);
  }
}

/** The files of a drop, folders read through; where the browser gives no entries, its plain file list. */
export async function droppedFiles(dataTransfer) {
  const entries = [...(dataTransfer.items ?? [])].map((i) => (i.kind === 'file' ? i.webkitGetAsEntry?.() : null)).filter(Boolean);
  if (entries.length === 0) return inputFiles(dataTransfer.files);
  const out = [];
  for (const e of entries) await entryFiles(e, '', out);
  return out;
}

/** The files of an <input type=file> (a folder picker gives each its relative path). */
export function inputFiles(fileList) {
  return [...fileList].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/**
 * Files → slides: [{ name, files: [{ path (within the slide), file }] }]. A file at the top is a
 * slide; the files of one folder are one slide (a DICOM series), unless they are all slide files
 * (a folder of slides: each its own); the data folder "x" beside "x.mrxs" joins that slide.
 */
export function groupSlides(entries) {
  const byFolder = new Map();
  for (const { path, file } of entries) {
    const parts = path.split('/');
    const base = parts.at(-1);
    if (CLUTTER.test(base)) continue;
    const folder = parts.slice(0, -1).join('/');
    if (!byFolder.has(folder)) byFolder.set(folder, []);
    byFolder.get(folder).push({ base, file });
  }
  const slides = [];
  const joined = new Set();
  for (const [folder, files] of byFolder) {
    const singles = folder === '' || files.every((f) => SLIDE_FILE.test(f.base));
    if (!singles) continue;
    for (const f of files) {
      const slide = { name: f.base, files: [{ path: f.base, file: f.file }] };
      const data = /\.mrxs$/i.test(f.base) ? [folder, f.base.slice(0, -'.mrxs'.length)].filter(Boolean).join('/') : null;
      if (data !== null && byFolder.has(data)) {
        const dir = data.split('/').at(-1);
        for (const d of byFolder.get(data)) slide.files.push({ path: `${dir}/${d.base}`, file: d.file });
        joined.add(data);
      }
      slides.push(slide);
    }
  }
  for (const [folder, files] of byFolder) {
    if (folder === '' || joined.has(folder) || files.every((f) => SLIDE_FILE.test(f.base))) continue;
    const dir = folder.split('/').at(-1);
    slides.push({ name: dir, files: files.map((f) => ({ path: `${dir}/${f.base}`, file: f.file })).sort((a, b) => a.path.localeCompare(b.path)) });
  }
  return slides;
}
