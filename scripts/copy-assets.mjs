// Part of `npm run build`: tsc emits only JavaScript, but the recency job reads its Lua
// script from beside its compiled file (jobs/update-recency.lua → dist/jobs/).
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { URL, fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ASSETS = [{ from: 'jobs', to: 'dist/jobs', suffix: '.lua' }];

for (const { from, to, suffix } of ASSETS) {
  mkdirSync(join(root, to), { recursive: true });
  for (const name of readdirSync(join(root, from)).filter((file) => file.endsWith(suffix))) {
    copyFileSync(join(root, from, name), join(root, to, name));
  }
}
