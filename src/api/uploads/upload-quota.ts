/** An upload the server holds that is not yet verified content: what it will still take on disk. */
export interface PendingUpload {
  /** `token:<id>` of the token that began it */
  owner: string | null;
  size: number;
  offset: number;
}

export interface UploadLimits {
  maxFileBytes: number;
  maxTotalBytes: number;
  minFreeBytes: number;
}

export interface Refusal {
  status: 413 | 507;
  message: string;
}

/** "5 368 709 120 bytes (5.4 GB)": exact for the sender who compares, readable for the one who does not. */
export function bytesText(n: number): string {
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let unit = '';
  for (const u of units) {
    if (v < 1000) break;
    v /= 1000;
    unit = u;
  }
  return unit === '' ? `${n} bytes` : `${n} bytes (${v.toFixed(1)} ${unit})`;
}

/**
 * Whether a new upload of `size` bytes may begin: refused (413) over the per-file limit or when the
 * token's unfinished uploads would pass the total limit, refused (507) when the disk would keep
 * less than the reserve once this upload and every unfinished one have arrived. Null: it may.
 */
export function refuseNewUpload(
  upload: { name: string; size: number; owner: string },
  pending: readonly PendingUpload[],
  freeBytes: number,
  limits: UploadLimits,
): Refusal | null {
  if (upload.size > limits.maxFileBytes) {
    return { status: 413, message: `file "${upload.name}" is ${bytesText(upload.size)}, over the limit of ${bytesText(limits.maxFileBytes)} per file (UPLOAD_MAX_FILE_BYTES)` };
  }
  const own = pending.filter((p) => p.owner === upload.owner).reduce((sum, p) => sum + p.size, 0);
  if (own + upload.size > limits.maxTotalBytes) {
    return {
      status: 413,
      message: `file "${upload.name}" (${bytesText(upload.size)}) would bring this token's unfinished uploads to ${bytesText(own + upload.size)}, over the limit of ${bytesText(limits.maxTotalBytes)} (UPLOAD_MAX_TOTAL_BYTES); let the others finish first`,
    };
  }
  const coming = pending.reduce((sum, p) => sum + Math.max(0, p.size - p.offset), 0);
  if (freeBytes - coming - upload.size < limits.minFreeBytes) {
    return {
      status: 507,
      message: `not enough space in the upload folder for file "${upload.name}": ${bytesText(freeBytes)} free, ${bytesText(coming)} still to come for unfinished uploads, and ${bytesText(limits.minFreeBytes)} must stay free (UPLOAD_MIN_FREE_BYTES); nothing was stored, try again once space is freed`,
    };
  }
  return null;
}
