// npx tsx bench/hostile.ts — the hostile slide corpus through analyze: bench/soak/hostile.ts (the
// issue 14 soak section) run on its own, printing a row per kind of hostile file.
import './soak/hostile.js';
