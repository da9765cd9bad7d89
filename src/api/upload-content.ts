import { open } from 'node:fs/promises';
import path from 'node:path';
import { HttpError } from '../errors/index.js';
import { sniffBytes } from '../slide/sniff.js';

type ContentKind = 'png' | 'jpeg' | 'tiff' | 'dicom';

/** What each slide file name promises about its content; names not listed promise nothing. */
const PROMISED: Record<string, ContentKind> = {
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.tif': 'tiff',
  '.tiff': 'tiff',
  '.btf': 'tiff',
  '.svs': 'tiff',
  '.ndpi': 'tiff',
  '.scn': 'tiff',
  '.bif': 'tiff',
  '.dcm': 'dicom',
};

const SHOWN: Record<ContentKind, string> = { png: 'a PNG image', jpeg: 'a JPEG image', tiff: 'a TIFF', dicom: 'a DICOM file' };

/** The head of a file as a reader would see it: DICOM's 'DICM' after the 128-byte preamble, else the first bytes' magic. */
function contentKind(head: Uint8Array): ContentKind | undefined {
  if (head.length >= 132 && Buffer.from(head.subarray(128, 132)).toString('latin1') === 'DICM') return 'dicom';
  const s = sniffBytes(head);
  return s === null ? undefined : s.kind === 'bigtiff' ? 'tiff' : s.kind;
}

function describe(head: Uint8Array): string {
  if (head.length === 0) return 'empty';
  const kind = contentKind(head);
  if (kind) return SHOWN[kind];
  const text = head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
  return text ? 'text' : `no slide format (first bytes ${Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ')})`;
}

/**
 * Refuses an uploaded file whose content is not what its name says (a PNG named .svs, text named
 * .tif). The readers go by content anyway (src/slide/open.ts), so a misnamed file would be read as
 * what it is, under a name that says otherwise in every list and export; a 400 naming the file
 * lets the sender rename or replace it. `name` is the client's file name, `file` where it lies.
 */
export async function checkUploadedContent(name: string, file: string): Promise<void> {
  const ext = path.extname(name).toLowerCase();
  const promised = PROMISED[ext];
  if (!promised) return;
  const handle = await open(file, 'r');
  let head: Uint8Array;
  try {
    const buf = new Uint8Array(132);
    head = buf.subarray(0, (await handle.read(buf, 0, buf.length, 0)).bytesRead);
  } finally {
    await handle.close();
  }
  const kind = contentKind(head);
  // a dual-personality DICOM file (a TIFF header in its preamble) may be named as a TIFF
  if (kind === promised || (promised === 'tiff' && kind === 'dicom' && sniffBytes(head)?.kind.includes('tiff'))) return;
  throw new HttpError(400, `file "${name}": its content is ${describe(head)}, not ${SHOWN[promised]} as its name (${ext}) says; uploads are checked by content`);
}
