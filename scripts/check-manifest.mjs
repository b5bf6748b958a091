// Fails when custom-elements.json (committed: it is the public contract) is not what
// the analyzer makes of the sources now. Fix with `npm run manifest`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const out = mkdtempSync(join(tmpdir(), 'cem-'));
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
  if (fresh !== committed) {
    console.error('custom-elements.json is out of date: run `npm run manifest` and commit it.');
    process.exit(1);
  }
  console.log('custom-elements.json is up to date.');
} finally {
  rmSync(out, { recursive: true, force: true });
}
