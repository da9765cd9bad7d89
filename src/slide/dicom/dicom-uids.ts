/** UIDs the DICOM WSI backend recognises (PS3.6 Annex A). */

/** VL Whole Slide Microscopy Image Storage: the only SOP class read as a slide. */
export const WSI_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.77.1.6';

/** How the frames of a transfer syntax are stored and decoded. */
export type FrameCodec = 'native' | 'jpeg' | 'j2k' | 'htj2k';

export const TRANSFER_SYNTAXES: Record<string, { codec: FrameCodec; name: string; explicitVr: boolean }> = {
  '1.2.840.10008.1.2': { codec: 'native', name: 'Implicit VR Little Endian', explicitVr: false },
  '1.2.840.10008.1.2.1': { codec: 'native', name: 'Explicit VR Little Endian', explicitVr: true },
  '1.2.840.10008.1.2.4.50': { codec: 'jpeg', name: 'JPEG Baseline', explicitVr: true },
  '1.2.840.10008.1.2.4.90': { codec: 'j2k', name: 'JPEG 2000 (lossless only)', explicitVr: true },
  '1.2.840.10008.1.2.4.91': { codec: 'j2k', name: 'JPEG 2000', explicitVr: true },
  '1.2.840.10008.1.2.4.201': { codec: 'htj2k', name: 'HTJ2K (lossless only)', explicitVr: true },
  '1.2.840.10008.1.2.4.202': { codec: 'htj2k', name: 'HTJ2K with RPCL (lossless only)', explicitVr: true },
  '1.2.840.10008.1.2.4.203': { codec: 'htj2k', name: 'HTJ2K', explicitVr: true },
};

/** Names of SOP classes a user might hand us by mistake, for a readable error. */
export const KNOWN_SOP_CLASSES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.2': 'CT Image Storage',
  '1.2.840.10008.5.1.4.1.1.4': 'MR Image Storage',
  '1.2.840.10008.5.1.4.1.1.1': 'Computed Radiography Image Storage',
  '1.2.840.10008.5.1.4.1.1.7': 'Secondary Capture Image Storage',
  '1.2.840.10008.5.1.4.1.1.77.1.2': 'VL Microscopic Image Storage',
  '1.2.840.10008.5.1.4.1.1.77.1.3': 'VL Slide-Coordinates Microscopic Image Storage',
  '1.2.840.10008.5.1.4.1.1.77.1.4': 'VL Photographic Image Storage',
  '1.2.840.10008.1.3.10': 'Media Storage Directory (DICOMDIR)',
};

export function sopClassName(uid: string): string {
  return KNOWN_SOP_CLASSES[uid] ? `${KNOWN_SOP_CLASSES[uid]} (${uid})` : uid;
}
