// Prints the size of each single-script bundle (minified, gzip -9, brotli -11) and
// fails when the module bundle is over its gzip budget. Run after `npm run build`.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

/** gzip budgets in bytes, per file. */
export const BUDGETS = {
  'dist/campaign-widgets.js': 28 * 1024,
  'dist/campaign-widgets.iife.js': 28 * 1024,
};

export function sizes(file) {
  const bytes = readFileSync(file);
  return {
    min: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length,
  };
}

const kb = (n) => `${(n / 1024).toFixed(2)} KB`;

if (import.meta.url === `file://${process.argv[1]}`) {
  let failed = false;
  console.log('file                            min         gzip        brotli      gzip budget');
  for (const [file, budget] of Object.entries(BUDGETS)) {
    if (!existsSync(file)) {
      console.error(`${file} is missing: run \`npm run build\` first.`);
      process.exit(1);
    }
    const s = sizes(file);
    const over = s.gzip > budget;
    failed ||= over;
    console.log(
      `${file.padEnd(32)}${kb(s.min).padEnd(12)}${kb(s.gzip).padEnd(12)}${kb(s.brotli).padEnd(12)}${kb(budget)} ${over ? '✘ OVER' : '✔'}`,
    );
  }
  if (failed) {
    console.error('A bundle is over its size budget.');
    process.exit(1);
  }
}
