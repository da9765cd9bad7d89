import type { FileStore } from '@tus/file-store';
import type { Server } from '@tus/server';
import type { Config, UploadConfig } from '../../runtime/config.js';
import { ContentStore } from './content-store.js';
import { createTusServer, tusDatastore } from './tus-server.js';
import { openUploadArea, uploadSettings, type UploadArea, type UploadSettings } from './upload-settings.js';

/** The upload side of one API process: settings, folders, the tus server, verified content. */
export interface Uploads {
  settings: UploadSettings;
  area: UploadArea;
  tus: Server;
  datastore: FileStore;
  content: ContentStore;
  /** removes uploads begun longer ago than UPLOAD_EXPIRE_HOURS and never verified; answers how many */
  cleanExpired(): Promise<number>;
  close(): void;
}

/** Expired uploads are looked for this often: a quarter of the expiry, between a second and an hour. */
function sweepEvery(expireMs: number): number {
  return Math.min(3_600_000, Math.max(1_000, Math.round(expireMs / 4)));
}

export async function openUploads(
  config: Pick<Config, 'SLIDES_ROOT'> & Partial<UploadConfig>,
  corsOrigins: string[],
  onSweepError: (err: unknown) => void,
): Promise<Uploads> {
  const settings = uploadSettings(config);
  const area = await openUploadArea(settings.dir);
  const tus = createTusServer(area, settings, corsOrigins);
  const datastore = tusDatastore(tus);
  const cleanExpired = () => tus.cleanUpExpiredUploads();
  // every API process sweeps the shared folder; removing an upload twice is harmless
  const timer = setInterval(() => cleanExpired().catch(onSweepError), sweepEvery(settings.expireMs));
  timer.unref();
  return { settings, area, tus, datastore, content: new ContentStore(area), cleanExpired, close: () => clearInterval(timer) };
}
