import sharp from 'sharp';
import { SlideFormatError } from '../../errors/index.js';
import type { WsiInstance } from './instance.js';
import { loadOpenJpeg, loadOpenJph, wasmDecode } from './wasm-codecs.js';

/** Full-range YCbCr (ITU-R BT.601, PS3.3 C.7.6.3.1.2) to RGB, in place on interleaved samples. */
function ybrFullToRgb(px: Uint8Array): void {
  for (let i = 0; i < px.length; i += 3) {
    const y = px[i];
    const cb = px[i + 1] - 128;
    const cr = px[i + 2] - 128;
    px[i] = Math.max(0, Math.min(255, Math.round(y + 1.402 * cr)));
    px[i + 1] = Math.max(0, Math.min(255, Math.round(y - 0.344136 * cb - 0.714136 * cr)));
    px[i + 2] = Math.max(0, Math.min(255, Math.round(y + 1.772 * cb)));
  }
}

/** One, or three planar, sample planes to interleaved RGB (grey is replicated; MONOCHROME1 inverted). */
function toInterleavedRgb(samples: Uint8Array, pixels: number, channels: number, planar: boolean, monochrome1: boolean): Uint8Array {
  if (channels === 3 && !planar) return samples;
  const out = new Uint8Array(pixels * 3);
  if (channels === 3) {
    for (let i = 0; i < pixels; i++) {
      out[3 * i] = samples[i];
      out[3 * i + 1] = samples[pixels + i];
      out[3 * i + 2] = samples[2 * pixels + i];
    }
    return out;
  }
  for (let i = 0; i < pixels; i++) {
    const v = monochrome1 ? 255 - samples[i] : samples[i];
    out[3 * i] = v;
    out[3 * i + 1] = v;
    out[3 * i + 2] = v;
  }
  return out;
}

async function decodeJpeg(bytes: Uint8Array): Promise<{ pixels: Uint8Array; width: number; height: number; channels: number }> {
  // libjpeg decides YCbCr vs RGB from the JPEG's own markers, whatever the DICOM photometric says
  const { data, info } = await sharp(bytes, { failOn: 'warning' }).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { pixels: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: info.channels };
}

/**
 * Decode frame `index` of a level to interleaved 8-bit RGB of exactly Columns × Rows pixels.
 * Photometric: JPEG converts by its own markers; JPEG 2000 / HTJ2K undo their own colour
 * transform (YBR_RCT/ICT, RGB), so only plain YBR_FULL samples are converted here.
 */
export async function decodeFrame(inst: WsiInstance, bytes: Uint8Array, index: number): Promise<Uint8Array> {
  const { columns: w, rows: h, photometric } = inst;
  let decoded: { pixels: Uint8Array; width: number; height: number; channels: number };
  try {
    if (inst.codec === 'jpeg') decoded = await decodeJpeg(bytes);
    else if (inst.codec === 'native') decoded = { pixels: Uint8Array.from(bytes), width: w, height: h, channels: inst.samplesPerPixel };
    else {
      const decoder = inst.codec === 'j2k' ? new (await loadOpenJpeg()).J2KDecoder() : new (await loadOpenJph()).HTJ2KDecoder();
      const { pixels, info } = wasmDecode(decoder, bytes);
      if (info.bitsPerSample !== 8) throw new Error(`${info.bitsPerSample}-bit samples, only 8-bit are read`);
      decoded = { pixels, width: info.width, height: info.height, channels: info.componentCount };
    }
  } catch (err) {
    throw new SlideFormatError(`${inst.path}: cannot decode frame ${index + 1} (${inst.codec}): ${err instanceof Error ? err.message : String(err)}; the frame is corrupt`, { cause: err });
  }
  if (decoded.width !== w || decoded.height !== h || (decoded.channels !== 1 && decoded.channels !== 3)) {
    throw new SlideFormatError(`${inst.path}: frame ${index + 1} decodes to ${decoded.width}×${decoded.height}×${decoded.channels}, but Columns × Rows is ${w}×${h} (RGB or grey)`);
  }
  const planar = inst.codec === 'native' && inst.planar;
  const rgb = toInterleavedRgb(decoded.pixels, w * h, decoded.channels, planar, photometric === 'MONOCHROME1');
  if (decoded.channels === 3 && inst.codec !== 'jpeg' && photometric === 'YBR_FULL') ybrFullToRgb(rgb);
  return rgb;
}
