/**
 * Fill holes of a binary mask in place: background pixels not 4-connected to the image border
 * become foreground (textured nuclei threshold with pin-holes; a hole would bias the distance
 * transform and split one nucleus into two). `queue` is scratch of ≥ width·height entries.
 */
export function fillHoles(mask: Uint8Array, width: number, height: number, queue: Int32Array): void {
  const w = width;
  const h = height;
  const OUTSIDE = 2;
  let head = 0;
  let tail = 0;
  const seed = (i: number) => {
    if (mask[i] === 0) {
      mask[i] = OUTSIDE;
      queue[tail++] = i;
    }
  };
  for (let x = 0; x < w; x++) {
    seed(x);
    seed((h - 1) * w + x);
  }
  for (let y = 0; y < h; y++) {
    seed(y * w);
    seed(y * w + w - 1);
  }
  while (head < tail) {
    const i = queue[head++];
    const x = i % w;
    if (x > 0) seed(i - 1);
    if (x < w - 1) seed(i + 1);
    if (i >= w) seed(i - w);
    if (i < (h - 1) * w) seed(i + w);
  }
  const n = w * h;
  for (let i = 0; i < n; i++) mask[i] = mask[i] === OUTSIDE ? 0 : 1;
}
