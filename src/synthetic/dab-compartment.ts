/**
 * Where a synthetic slide's DAB sits on a stained cell, as the marker stains in tissue
 * (SCIENCE.md "Where each marker stains"): the whole cell (CD163: membrane and cytoplasm of the
 * macrophage body), the cytoplasm (CD68 granules, IL-1), a thin membrane ring around the
 * nucleus (CD3/CD4/CD8/CD45 on lymphocytes, whose cytoplasm is scant) or the nucleus.
 */
import { z } from 'zod';
import { findMarker } from '../domain/marker.js';

export const DabCompartment = z.enum(['cell', 'nucleus', 'cytoplasm', 'membrane']);
export type DabCompartment = z.infer<typeof DabCompartment>;

/**
 * Width of a membrane stain outside the nucleus edge: a lymphocyte's membrane lies ~1 µm out
 * from its nucleus (scant cytoplasm) and DAB precipitate spreads a little round it.
 */
export const MEMBRANE_UM = 2;

/**
 * The compartment a registry marker stains: its registry `compartment`. A fibre stain (MHC-I)
 * labels no cells, and a stain the registry does not know is painted over the whole cell.
 */
export function dabCompartmentOf(marker: string): DabCompartment {
  const c = findMarker(marker)?.compartment;
  return c === 'nucleus' || c === 'cytoplasm' || c === 'membrane' ? c : 'cell';
}

/**
 * Whether a pixel of a stained cell carries its DAB. `inMembrane`: inside the nucleus ellipse
 * grown by MEMBRANE_UM (read only for 'membrane').
 */
export function carriesDab(compartment: DabCompartment, inNucleus: boolean, inMembrane: () => boolean): boolean {
  switch (compartment) {
    case 'cell':
      return true;
    case 'nucleus':
      return inNucleus;
    case 'cytoplasm':
      return !inNucleus;
    case 'membrane':
      return !inNucleus && inMembrane();
  }
}

/** Inside the ellipse (semi-axes rx, ry; rotation cos/sin) grown by `grow` px, at offset (dx, dy) from its centre. */
export function inGrownEllipse(dx: number, dy: number, rx: number, ry: number, cos: number, sin: number, grow: number): boolean {
  const u = (dx * cos + dy * sin) / (rx + grow);
  const v = (dy * cos - dx * sin) / (ry + grow);
  return u * u + v * v <= 1;
}
