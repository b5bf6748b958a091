// Stamps the package version into src/core/version.ts so both the npm modules
// (lib/) and the single-script bundles (dist/) report the version they were built from.
import { readFile, writeFile } from 'node:fs/promises';

const root = new URL('../', import.meta.url);
const { version } = JSON.parse(await readFile(new URL('package.json', root), 'utf8'));
const target = new URL('src/core/version.ts', root);
const text =
  '// Written by scripts/stamp-version.mjs from package.json on every build; do not edit.\n' +
  `export const VERSION = '${version}';\n`;
const current = await readFile(target, 'utf8').catch(() => '');
if (current !== text) {
  await writeFile(target, text);
  console.log(`stamped version ${version}`);
}
