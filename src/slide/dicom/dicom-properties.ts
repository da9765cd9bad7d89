import type { DataSet } from 'dicom-parser';
import { firstItem, text, values } from './instance.js';

/** What a slide's vendor metadata says, from the finest level's header. */
export interface DicomDescription {
  vendor?: string;
  objectivePower?: number;
  properties: Record<string, string>;
}

/** Code Meaning (0008,0104) of each item of a code sequence. */
function codeMeanings(ds: DataSet | undefined, tag: string): string[] {
  return (ds?.elements[tag]?.items ?? []).map((item) => item.dataSet && text(item.dataSet, 'x00080104')).filter((m): m is string => m !== undefined);
}

function put(props: Record<string, string>, key: string, value: string | number | undefined): void {
  if (value !== undefined && value !== '') props[key] = String(value);
}

/**
 * Specimen preparation steps as "concept: value" (e.g. "Using substance: hematoxylin stain"), from
 * the content items of each step (TID 8001): code values by meaning, text and numbers as written.
 */
function preparationSteps(specimen: DataSet): string[] {
  const steps: string[] = [];
  for (const step of specimen.elements.x00400610?.items ?? []) {
    const items = step.dataSet?.elements.x00400612?.items ?? [];
    const parts = items.map((item) => {
      const ds = item.dataSet;
      if (!ds) return undefined;
      const name = codeMeanings(ds, 'x0040a043')[0];
      const value = codeMeanings(ds, 'x0040a168')[0] ?? text(ds, 'x0040a160') ?? text(ds, 'x0040a30a');
      return name && value ? `${name}: ${value}` : undefined;
    });
    const described = parts.filter((p): p is string => p !== undefined);
    if (described.length > 0) steps.push(described.join('; '));
  }
  return steps;
}

/**
 * Scanner, optical path and specimen description as `dicom.*` properties. Patient and accession
 * attributes, and specimen/container identifiers (often the hospital's accession number), are
 * deliberately left out: properties travel with the scores.
 */
export function describeDicomSlide(ds: DataSet): DicomDescription {
  const props: Record<string, string> = {};
  const manufacturer = text(ds, 'x00080070');
  const model = text(ds, 'x00081090');
  put(props, 'dicom.Manufacturer', manufacturer);
  put(props, 'dicom.ManufacturerModelName', model);
  put(props, 'dicom.SoftwareVersions', values(ds, 'x00181020').join(' / '));
  put(props, 'dicom.SeriesDescription', text(ds, 'x0008103e'));

  const optical = ds.elements.x00480105?.items ?? [];
  put(props, 'dicom.NumberOfOpticalPaths', optical.length || undefined);
  let objectivePower: number | undefined;
  optical.forEach((item, k) => {
    const o = item.dataSet;
    if (!o) return;
    const key = `dicom.OpticalPath[${k}]`;
    put(props, `${key}.Identifier`, text(o, 'x00480106'));
    put(props, `${key}.Description`, text(o, 'x00480107'));
    put(props, `${key}.IlluminationType`, codeMeanings(o, 'x00220016').join(', '));
    put(props, `${key}.IlluminationColor`, codeMeanings(o, 'x00480108').join(', '));
    const power = o.floatString('x00480112');
    put(props, `${key}.ObjectiveLensPower`, power);
    put(props, `${key}.ObjectiveLensNumericalAperture`, o.floatString('x00480113'));
    if (objectivePower === undefined && power !== undefined && power > 0) objectivePower = power;
  });

  (ds.elements.x00400560?.items ?? []).forEach((item, k) => {
    const s = item.dataSet;
    if (!s) return;
    const key = `dicom.Specimen[${k}]`;
    put(props, `${key}.ShortDescription`, text(s, 'x00400600'));
    put(props, `${key}.DetailedDescription`, s.text('x00400602'));
    put(props, `${key}.AnatomicStructure`, codeMeanings(s, 'x00082228').join(', '));
    preparationSteps(s).forEach((step, j) => put(props, `${key}.Preparation[${j}]`, step));
  });
  const shared = firstItem(ds, 'x52009229');
  const spacing = firstItem(shared, 'x00289110');
  put(props, 'dicom.PixelSpacing', spacing && text(spacing, 'x00280030'));

  const vendor = [manufacturer, model].filter((v) => v !== undefined).join(' ') || undefined;
  return { vendor, objectivePower, properties: props };
}
