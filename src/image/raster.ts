/**
 * The one image type of the analysis code: interleaved pixels in a typed array.
 * Analysis functions take and return these, never sharp objects (DESIGN.md).
 */
export interface Raster<T extends Uint8Array | Uint8ClampedArray | Float32Array | Int32Array = Uint8Array> {
  width: number;
  height: number;
  channels: number;
  data: T;
}

/** 8-bit RGB, channels = 3, row-major, interleaved. */
export type RgbRaster = Raster<Uint8Array>;

/** A single-channel float image, e.g. a stain concentration (OD units). */
export type FloatPlane = Raster<Float32Array> & { channels: 1 };

export function floatPlane(width: number, height: number, data = new Float32Array(width * height)): FloatPlane {
  if (data.length !== width * height) throw new RangeError(`plane ${width}x${height} needs ${width * height} values, got ${data.length}`);
  return { width, height, channels: 1, data };
}

export function rgbRaster(width: number, height: number, data = new Uint8Array(width * height * 3)): RgbRaster {
  if (data.length !== width * height * 3) throw new RangeError(`RGB raster ${width}x${height} needs ${width * height * 3} bytes, got ${data.length}`);
  return { width, height, channels: 3, data };
}
