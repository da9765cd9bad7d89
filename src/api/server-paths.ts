import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the application itself lies (its src/, node_modules/). */
const APP_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** A path into node_modules, relative or absolute, up to the next space, quote, bracket or separator. */
const LIBRARY_PATH = /(?:[^\s"'():,;]*\/)?node_modules\/[^\s"'():,;]+/g;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Takes the server's own file-system layout out of a message bound for a client: a path under
 * one of `roots` (SLIDES_ROOT, DATA_DIR; the application's folder and working directory are
 * added), given or real, becomes the path below that root — what the user wrote in a manifest
 * or an upload —, the root alone its name, and a path into node_modules "a library file".
 * Other absolute paths are left: they are the client's own input ("/etc/passwd": is outside
 * SLIDES_ROOT), which the message must name.
 */
export async function serverPathScrubber(roots: Record<string, string | undefined>): Promise<(message: string) => string> {
  const known: [string, string][] = [];
  for (const [name, root] of Object.entries({ ...roots, 'the server folder': process.cwd(), 'the application folder': APP_DIR })) {
    if (!root) continue;
    const resolved = path.resolve(root);
    known.push([resolved, name]);
    const real = await realpath(resolved).catch(() => resolved);
    if (real !== resolved) known.push([real, name]);
  }
  // the longest first, so a root inside another (SLIDES_ROOT under the working directory) wins
  known.sort((a, b) => b[0].length - a[0].length);
  const patterns = known
    .filter(([root]) => root !== path.sep)
    .map(([root, name]) => [new RegExp(`${escape(root)}(?:/|(?![A-Za-z0-9._-]))`, 'g'), name] as const);
  return (message) => {
    let out = message.replace(LIBRARY_PATH, 'a library file');
    for (const [re, name] of patterns) out = out.replace(re, (m) => (m.endsWith('/') ? '' : name));
    return out;
  };
}
