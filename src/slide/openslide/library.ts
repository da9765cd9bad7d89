import { createRequire } from 'node:module';
import type Koffi from 'koffi';
import type { LibraryHandle } from 'koffi';
import { SlideFormatError } from '../../errors/index.js';

/**
 * FFI bindings to Debian's libopenslide0 (OpenSlide 3.4.1) through koffi. koffi ships prebuilt
 * binaries inside its npm package (nothing downloads or compiles at install) and can run a C call on
 * a worker thread (`fn.async`), which a hand-written N-API addon would need a build toolchain for.
 */

/** The opaque `openslide_t *` handle. */
export type OpenSlideHandle = unknown;

export interface OpenSlideLibrary {
  /** library version string, e.g. "3.4.1" */
  version: string;
  detectVendor(path: string): string | null;
  open(path: string): OpenSlideHandle | null;
  getError(osr: OpenSlideHandle): string | null;
  levelCount(osr: OpenSlideHandle): number;
  levelDimensions(osr: OpenSlideHandle, level: number): { width: number; height: number };
  levelDownsample(osr: OpenSlideHandle, level: number): number;
  propertyNames(osr: OpenSlideHandle): string[];
  propertyValue(osr: OpenSlideHandle, name: string): string | null;
  /** names only: the pixels of associated images are never read (src/slide/types.ts) */
  associatedImageNames(osr: OpenSlideHandle): string[];
  /**
   * openslide_read_region on a libuv worker thread (koffi async), so a slow region (JPEG decode,
   * cold disk) never stalls the event loop. `dest` receives premultiplied ARGB, one uint32 per pixel.
   */
  readRegion(osr: OpenSlideHandle, dest: Uint32Array, x: number, y: number, level: number, width: number, height: number): Promise<void>;
  close(osr: OpenSlideHandle): void;
}

/** The soname Debian's libopenslide0 installs. */
export const OPENSLIDE_SONAME = 'libopenslide.so.0';

/**
 * Which library file to load: `BQ_OPENSLIDE_LIBRARY` overrides the soname (a test points it at a
 * name that does not exist to prove the "install libopenslide0" error).
 */
function libraryName(): string {
  return process.env.BQ_OPENSLIDE_LIBRARY || OPENSLIDE_SONAME;
}

/** OpenSlide is not installed: the message names the Debian package that provides it. */
export class OpenSlideMissingError extends SlideFormatError {}

/**
 * koffi is loaded on first use, not at import: a platform without its prebuilt binary still reads
 * PNG/TIFF/SVS, and only OpenSlide formats fail (with the message below).
 */
let koffiModule: typeof Koffi | undefined;
function koffi(): typeof Koffi {
  if (!koffiModule) {
    koffiModule = createRequire(import.meta.url)('koffi') as typeof Koffi;
    // registered once per process: koffi refuses a second type of the same name
    koffiModule.opaque('openslide_t');
  }
  return koffiModule;
}

function decodeStringArray(ptr: unknown): string[] {
  const out: string[] = [];
  if (ptr === null) return out;
  for (let i = 0; ; i++) {
    const s = koffi().decode(ptr, i * koffi().sizeof('void *'), 'const char *') as string | null;
    if (s === null) return out;
    out.push(s);
  }
}

function bind(lib: LibraryHandle): OpenSlideLibrary {
  const version = lib.func('const char *openslide_get_version()');
  const detectVendor = lib.func('const char *openslide_detect_vendor(const char *filename)');
  const open = lib.func('openslide_t *openslide_open(const char *filename)');
  const getError = lib.func('const char *openslide_get_error(openslide_t *osr)');
  const levelCount = lib.func('int32_t openslide_get_level_count(openslide_t *osr)');
  const levelDimensions = lib.func('void openslide_get_level_dimensions(openslide_t *osr, int32_t level, _Out_ int64_t *w, _Out_ int64_t *h)');
  const levelDownsample = lib.func('double openslide_get_level_downsample(openslide_t *osr, int32_t level)');
  const propertyNames = lib.func('void *openslide_get_property_names(openslide_t *osr)');
  const propertyValue = lib.func('const char *openslide_get_property_value(openslide_t *osr, const char *name)');
  const associatedNames = lib.func('void *openslide_get_associated_image_names(openslide_t *osr)');
  const readRegion = lib.func('void openslide_read_region(openslide_t *osr, _Out_ uint32_t *dest, int64_t x, int64_t y, int32_t level, int64_t w, int64_t h)');
  const close = lib.func('void openslide_close(openslide_t *osr)');
  return {
    version: version() as string,
    detectVendor: (path) => detectVendor(path) as string | null,
    open: (path) => open(path) as OpenSlideHandle | null,
    getError: (osr) => getError(osr) as string | null,
    levelCount: (osr) => levelCount(osr) as number,
    levelDimensions(osr, level) {
      const w = [0];
      const h = [0];
      levelDimensions(osr, level, w, h);
      return { width: Number(w[0]), height: Number(h[0]) };
    },
    levelDownsample: (osr, level) => levelDownsample(osr, level) as number,
    propertyNames: (osr) => decodeStringArray(propertyNames(osr)),
    propertyValue: (osr, name) => propertyValue(osr, name) as string | null,
    associatedImageNames: (osr) => decodeStringArray(associatedNames(osr)),
    readRegion: (osr, dest, x, y, level, width, height) =>
      new Promise((resolve, reject) => {
        readRegion.async(osr, dest, x, y, level, width, height, (err: unknown) => (err ? reject(err) : resolve()));
      }),
    close: (osr) => close(osr),
  };
}

let loaded: { name: string; lib: OpenSlideLibrary } | undefined;

/** Load (once per library name) and bind libopenslide, or throw an OpenSlideMissingError naming the Debian package. */
export function openSlideLibrary(): OpenSlideLibrary {
  const name = libraryName();
  if (loaded?.name === name) return loaded.lib;
  let lib: OpenSlideLibrary;
  try {
    lib = bind(koffi().load(name));
  } catch (err) {
    throw new OpenSlideMissingError(
      `the OpenSlide library (${name}) cannot be loaded: ${err instanceof Error ? err.message : String(err)}; ` +
        'install the Debian package libopenslide0 (apt-get install libopenslide0) to read NDPI, MRXS, SCN, BIF, Philips TIFF and VMS slides',
      { cause: err },
    );
  }
  loaded = { name, lib };
  return lib;
}

/** Whether libopenslide loads here (probe and bench report it; nothing else should branch on it). */
export function openSlideAvailable(): boolean {
  try {
    openSlideLibrary();
    return true;
  } catch {
    return false;
  }
}
