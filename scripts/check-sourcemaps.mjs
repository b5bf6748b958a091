// Checks the bundles' source maps: every mapped word of the bundle that the minifier
// left as it was (property names, strings, unmangled identifiers) must map to the same
// word in its module in lib/. The build's own plugins (bundle-plugins.mjs) rewrite those
// modules; a map that drifts there sends these words to the wrong line or column.
// Run after `npm run build`: node scripts/check-sourcemaps.mjs
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TraceMap, eachMapping } from '@jridgewell/trace-mapping';

const bundles = [
  'dist/campaign-widgets.js',
  'dist/campaign-widgets.iife.js',
  'dist/console/console.js',
].filter((file) => existsSync(file));
const WORD = /^[A-Za-z_$][\w$]{3,}/;
let failed = bundles.length < 2; // the reader bundles at least: run `npm run build` first
if (failed) console.error('dist/: no bundles; run `npm run build`');

for (const bundle of bundles) {
  const code = readFileSync(bundle, 'utf8').split('\n');
  const map = new TraceMap(readFileSync(`${bundle}.map`, 'utf8'));
  const sources = new Map(); // lib file -> its text
  const perFile = new Map(); // lib file -> [same, compared]
  eachMapping(map, (m) => {
    if (!m.source || !m.source.includes('/lib/')) return;
    const generated = WORD.exec(code[m.generatedLine - 1].slice(m.generatedColumn))?.[0];
    if (!generated) return;
    const file = resolve(dirname(bundle), m.source);
    if (!sources.has(file)) sources.set(file, readFileSync(file, 'utf8'));
    const text = sources.get(file);
    const line = text.split('\n')[m.originalLine - 1] ?? '';
    const original = WORD.exec(line.slice(m.originalColumn))?.[0];
    const counts = perFile.get(file) ?? [0, 0];
    // Mangled names are not in the module: compare only words that are.
    if (!text.includes(generated)) return;
    counts[1]++;
    if (original === generated) counts[0]++;
    perFile.set(file, counts);
  });
  for (const [file, [same, compared]] of perFile) {
    if (compared >= 5 && same / compared < 0.9) {
      console.error(`${bundle}.map: ${file}: ${same} of ${compared} words map to themselves`);
      failed = true;
    }
  }
  const total = [...perFile.values()].reduce((a, [s, c]) => [a[0] + s, a[1] + c], [0, 0]);
  console.log(`${bundle}.map: ${total[0]} of ${total[1]} kept words map to themselves`);
  if (perFile.size < 20) {
    console.error(`${bundle}.map: only ${perFile.size} modules of lib/ are mapped`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
