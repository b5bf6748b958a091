// Fails when custom-elements.json (committed: it is the public contract) is not what
// the analyzer makes of the sources now, or src/generated/widget-types.ts not what
// scripts/gen-types.mjs makes of it. Fix with `npm run manifest`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OUT, generate } from './gen-types.mjs';

// The analyzer takes --outdir relative to the project, so stay inside it (.tmp/ is ignored).
mkdirSync('.tmp', { recursive: true });
const out = mkdtempSync(join('.tmp', 'cem-'));
try {
  execFileSync(
    'npx',
    ['cem', 'analyze', '--config', 'custom-elements-manifest.config.mjs', '--outdir', out],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const fresh = readFileSync(join(out, 'custom-elements.json'), 'utf8');
  const committed = readFileSync('custom-elements.json', 'utf8');
  // The analyzer's file order follows the file system; compare modules by path.
  const canonical = (text) => {
    const manifest = JSON.parse(text);
    manifest.modules.sort((a, b) => a.path.localeCompare(b.path));
    return JSON.stringify(manifest);
  };
  if (canonical(fresh) !== canonical(committed)) {
    console.error('custom-elements.json is out of date: run `npm run manifest` and commit it.');
    process.exit(1);
  }
  console.log('custom-elements.json is up to date.');
  // The widget types generated from it (src/generated/widget-types.ts) must match it too.
  const types = await generate(JSON.parse(committed));
  if (types !== readFileSync(OUT, 'utf8')) {
    console.error(`${OUT} is out of date: run \`npm run manifest\` and commit it.`);
    process.exit(1);
  }
  console.log(`${OUT} is up to date.`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
