import { createRequire } from 'node:module';

/**
 * The cornerstone wasm builds of OpenJPEG (JPEG 2000) and OpenJPH (HTJ2K), loaded once per thread
 * on first use. They ship inside the npm packages (nothing is downloaded). OpenJPEG prints
 * [INFO] lines for every decode, so its print hooks are silenced.
 */
const require = createRequire(import.meta.url);

export interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
  isUsingColorTransform?: boolean;
}

export interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): FrameInfo;
  delete(): void;
}

export interface WasmEncoder {
  getDecodedBuffer(info: FrameInfo): Uint8Array;
  setQuality(lossless: boolean, quality: number): void;
  setCompressionRatio?(layer: number, ratio: number): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete(): void;
}

interface OpenJpegModule {
  J2KDecoder: new () => WasmDecoder;
  J2KEncoder: new () => WasmEncoder;
}
interface OpenJphModule {
  HTJ2KDecoder: new () => WasmDecoder;
  HTJ2KEncoder: new () => WasmEncoder;
}

type Factory<T> = (options?: { print?: (s: string) => void; printErr?: (s: string) => void }) => Promise<T>;
const quiet = { print: () => undefined, printErr: () => undefined };

let openJpeg: Promise<OpenJpegModule> | undefined;
let openJph: Promise<OpenJphModule> | undefined;

/** OpenJPEG with its encoder (the full build; the decode-only build lacks J2KEncoder). */
export function loadOpenJpeg(): Promise<OpenJpegModule> {
  openJpeg ??= (require('@cornerstonejs/codec-openjpeg/wasmjs') as Factory<OpenJpegModule>)(quiet);
  return openJpeg;
}

export function loadOpenJph(): Promise<OpenJphModule> {
  // no print hooks here: OpenJPH is silent, and it registers embind functions by those very names
  openJph ??= (require('@cornerstonejs/codec-openjph') as Factory<OpenJphModule>)();
  return openJph;
}

/** Decode one codestream with a wasm decoder; the decoder's memory is freed before returning. */
export function wasmDecode(decoder: WasmDecoder, bytes: Uint8Array): { pixels: Uint8Array; info: FrameInfo } {
  try {
    decoder.getEncodedBuffer(bytes.length).set(bytes);
    decoder.decode();
    // copy out of the wasm heap: the view dies with the decoder
    return { pixels: decoder.getDecodedBuffer().slice(), info: decoder.getFrameInfo() };
  } finally {
    decoder.delete();
  }
}

/** Encode interleaved 8-bit samples; `lossless` uses the reversible wavelet (and colour transform for RGB). */
export function wasmEncode(encoder: WasmEncoder, pixels: Uint8Array, info: FrameInfo, lossless: boolean, quality: number): Uint8Array {
  try {
    encoder.getDecodedBuffer(info).set(pixels);
    encoder.setQuality(lossless, quality);
    encoder.encode();
    return encoder.getEncodedBuffer().slice();
  } finally {
    encoder.delete();
  }
}
