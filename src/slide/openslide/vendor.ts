/** How OpenSlide's vendor ids read to a person (probe, provenance). */
const BRAND: Record<string, string> = {
  hamamatsu: 'Hamamatsu',
  mirax: '3DHISTECH',
  leica: 'Leica',
  ventana: 'Ventana',
  philips: 'Philips',
  aperio: 'Aperio',
  'generic-tiff': 'generic TIFF',
};

/** Properties that name the scanner model, per vendor, first found wins. */
const MODEL_PROPERTIES = ['leica.device-model', 'ventana.ScannerModel', 'philips.DICOM_MANUFACTURERS_MODEL_NAME', 'mirax.GENERAL.SLIDE_TYPE', 'tiff.Model'];

/** Brand and, where the file names it, scanner model: 'Hamamatsu C13210', 'Leica SCN400'. */
export function vendorOf(vendorId: string, properties: Record<string, string>): string {
  const brand = BRAND[vendorId] ?? vendorId;
  const model = MODEL_PROPERTIES.map((p) => properties[p]?.trim()).find((m) => m);
  if (!model) return brand;
  return model.toLowerCase().startsWith(brand.toLowerCase()) ? model : `${brand} ${model}`;
}
