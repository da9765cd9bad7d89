// A photograph-like muscle field drawn without src/synthetic (its own geometry, stain vectors,
// sarcoplasm tint and light), to try the analysis on an image the project's generator did not make:
// 2048² at 0.5 µm/px, 420 Voronoi fibres with 2.5 px endomysium, 900 nuclei in the endomysium, no
// glass, ±6 % vignetting and a 3 % gradient, JPEG 80. 'neg': unstained (MHC-I negative); 'il1':
// 14 diffuse DAB patches over everything plus 40 infiltrating cells with their own DAB ring.
//   node bench/outside-field.mjs neg|il1 out.jpg   → prints the truth (nuclei, positive cells) as JSON
//   npx tsx src/cli/main.ts analyze out.jpg --mpp 0.5 --marker MHC-I|IL-1b --json
import sharp from 'sharp';
const variant = process.argv[2] ?? 'neg';
const out = process.argv[3];
const W = 2048, H = 2048;
let s = 12345 + (variant === 'il1' ? 7 : 0);
const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296);
const norm = (v) => { const n = Math.hypot(...v); return v.map((x) => x / n); };
const Hv = norm([0.62, 0.72, 0.31]); // drifted hematoxylin (not the QuPath default)
const Dv = norm([0.29, 0.58, 0.76]);
const tint = [0.03, 0.07, 0.05]; // sarcoplasm, own colour
const seeds = Array.from({ length: 420 }, () => [rnd() * W, rnd() * H]);
const G = 128, gw = Math.ceil(W / G);
const grid = new Map();
seeds.forEach((p, i) => { const k = `${Math.floor(p[0] / G)},${Math.floor(p[1] / G)}`; (grid.get(k) ?? grid.set(k, []).get(k)).push(i); });
const hOD = new Float32Array(W * H), dOD = new Float32Array(W * H), fibreId = new Int32Array(W * H);
for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
  let d1 = Infinity, d2 = Infinity, i1 = -1;
  const gx = Math.floor(x / G), gy = Math.floor(y / G);
  for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) for (const i of grid.get(`${gx + dx},${gy + dy}`) ?? []) {
    const d = Math.hypot(x - seeds[i][0], y - seeds[i][1]);
    if (d < d1) { d2 = d1; d1 = d; i1 = i; } else if (d < d2) d2 = d;
  }
  const p = y * W + x;
  const edge = (d2 - d1) / 2 < 2.5; // endomysium
  fibreId[p] = edge ? -1 : i1;
  hOD[p] = edge ? 0.12 : 0.02;
}
const truth = { nuclei: 0, positiveCells: 0, cells: [] };
// nuclei: on fibre borders (myonuclei) and in endomysium
const ell = (cx, cy, rx, ry, a, f) => { const c = Math.cos(a), sn = Math.sin(a), R = Math.ceil(Math.max(rx, ry)) + 1;
  for (let y = Math.max(0, Math.floor(cy - R)); y < Math.min(H, cy + R); y++) for (let x = Math.max(0, Math.floor(cx - R)); x < Math.min(W, cx + R); x++) {
    const u = ((x - cx) * c + (y - cy) * sn) / rx, v = (-(x - cx) * sn + (y - cy) * c) / ry; f(y * W + x, u * u + v * v); } };
let placed = 0;
while (placed < 900) {
  const x = 20 + rnd() * (W - 40), y = 20 + rnd() * (H - 40);
  if (fibreId[Math.floor(y) * W + Math.floor(x)] !== -1) continue;
  if (truth.cells.some((c) => Math.hypot(c.x - x, c.y - y) < 16)) continue;
  const a = rnd() * Math.PI, rx = 7 + rnd() * 3, ry = 3 + rnd() * 1.5;
  ell(x, y, rx, ry, a, (p, r) => { if (r <= 1) hOD[p] = Math.max(hOD[p], 0.5 + 0.15 * rnd()); });
  truth.cells.push({ x, y, positive: false });
  placed++;
}
if (variant === 'il1') {
  // 40 infiltrating round cells with a DAB ring (own stain 0.5), in endomysium
  let k = 0;
  while (k < 40) {
    const x = 30 + rnd() * (W - 60), y = 30 + rnd() * (H - 60);
    if (fibreId[Math.floor(y) * W + Math.floor(x)] !== -1) continue;
    if (truth.cells.some((c) => Math.hypot(c.x - x, c.y - y) < 22)) continue;
    ell(x, y, 11, 11, 0, (p, r) => { if (r <= 0.45) hOD[p] = Math.max(hOD[p], 0.55); else if (r <= 1) dOD[p] += 0.5; });
    truth.cells.push({ x, y, positive: true });
    k++;
  }
  // diffuse patches over sarcoplasm and stroma (and the nuclei under them)
  for (let i = 0; i < 14; i++) {
    const cx = rnd() * W, cy = rnd() * H, r = 60 + rnd() * 60, peak = 0.3 + 0.2 * rnd();
    for (let y = Math.max(0, Math.floor(cy - 2 * r)); y < Math.min(H, cy + 2 * r); y++) for (let x = Math.max(0, Math.floor(cx - 2 * r)); x < Math.min(W, cx + 2 * r); x++)
      dOD[y * W + x] += peak * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r));
  }
}
truth.nuclei = truth.cells.length;
truth.positiveCells = truth.cells.filter((c) => c.positive).length;
const rgb = Buffer.alloc(W * H * 3);
for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
  const p = y * W + x;
  const rr = Math.hypot((x - W / 2) / (W / 2), (y - H / 2) / (H / 2)) / Math.SQRT2;
  const light = 245 * (1 - 0.06 * rr * rr) * (1 + 0.03 * (x / W - 0.5));
  for (let c = 0; c < 3; c++) {
    const od = hOD[p] * Hv[c] + dOD[p] * Dv[c] + (fibreId[p] >= 0 ? tint[c] : 0) + 0.004 * (rnd() - 0.5);
    rgb[p * 3 + c] = Math.max(0, Math.min(255, Math.round(light * 10 ** -od)));
  }
}
await sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 80 }).toFile(out);
console.log(JSON.stringify({ variant, nuclei: truth.nuclei, positiveCells: truth.positiveCells, fibres: seeds.length, tissueMm2: (W * H * 0.25) / 1e6 }));
