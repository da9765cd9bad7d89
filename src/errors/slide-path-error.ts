import { BiopsyQuantError } from './biopsy-quant-error.js';

/** A submitted slide path that is unsafe or unusable (outside SLIDES_ROOT, `..`, not a file). */
export class SlidePathError extends BiopsyQuantError {
  constructor(message: string) {
    super('SLIDE_PATH', message);
  }
}
