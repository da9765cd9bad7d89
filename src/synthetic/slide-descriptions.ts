/** ImageDescription texts that make a TIFF look like the scanner formats the slide reader supports. */

/** Aperio SVS: the first page states the full size, tile size, compression and µm/px. */
export function aperioDescription(width: number, height: number, mpp: number, tile: number, quality: number): string {
  return `Aperio Image Library v12.0.15 \r\n${width}x${height} [0,0 ${width}x${height}] (${tile}x${tile}) JPEG/RGB Q=${quality}|AppMag = 20|MPP = ${mpp.toFixed(4)}`;
}

/** Reduced Aperio levels name the full size and their own size. */
export function aperioLevelDescription(width: number, height: number, levelWidth: number, levelHeight: number, tile: number, quality: number): string {
  return `Aperio Image Library v12.0.15 \r\n${width}x${height} [0,0 ${width}x${height}] (${tile}x${tile}) -> ${levelWidth}x${levelHeight} JPEG/RGB Q=${quality}`;
}

/** Minimal OME-XML for one 8-bit RGB plane with its physical pixel size in µm. */
export function omeXml(width: number, height: number, mpp: number, name: string): string {
  const esc = name.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06" Creator="biopsy-quant synthetic">' +
    `<Image ID="Image:0" Name="${esc}">` +
    `<Pixels ID="Pixels:0" DimensionOrder="XYCZT" Type="uint8" SizeX="${width}" SizeY="${height}" SizeC="3" SizeZ="1" SizeT="1" ` +
    `PhysicalSizeX="${mpp}" PhysicalSizeXUnit="µm" PhysicalSizeY="${mpp}" PhysicalSizeYUnit="µm" Interleaved="true">` +
    '<Channel ID="Channel:0:0" SamplesPerPixel="3"/>' +
    '<TiffData IFD="0" PlaneCount="1"/>' +
    '</Pixels></Image></OME>'
  );
}
