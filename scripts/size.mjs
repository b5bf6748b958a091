// Prints the size of each single-script bundle (minified, gzip -9, brotli -11) and
// fails when a bundle is over its gzip budget. Run after `npm run build`.
//
// `npm run size -- --modules` also shows where the bytes of the module bundle go, from
// its source map: per source module, its minified bytes and what gzip and brotli would
// save without it (the whole bundle compressed, minus the bundle without that module's
// bytes — compression shares context between modules, so the deltas do not add up to
// exactly the total).
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

/**
 * gzip budgets in bytes, per file: what the bundles measured (22.60 and 22.69 KB) plus
 * about 0.1 KB, rounded up to a tenth, plus 0.2 KB for the photo keeping the fallback's
 * box (no layout shift on the demo page), plus 0.5 KB for rendering off-screen widgets
 * later (base/first-render.ts, 0.4 KB: it took the demo page's longest task from 138 to
 * 38 ms), plus 0.1 KB for the form's photo button in the page's language (the native
 * one speaks the browser's), plus 0.1 KB for refusing a name with invisible characters
 * before it is sent, in the reader's language (src/api/invisible.ts and its message,
 * 0.16 KB; the API refuses it anyway, but a reader should not lose a send to it).
 * Trust and safety then took the bundles from 23.61 / 23.69 KB to 27.64 / 27.72 KB:
 * the wall's report dialog (report-dialog.ts and its styles, 1.66 KB, with the wall's
 * part and Chinese 2.2 KB) and the form's photo permission and receipts (receipts.ts
 * 0.54 KB, with the form's part and Chinese 1.8 KB); budget 27.9 KB. The dialog and
 * the receipt list are used by few readers and are the first candidates to load only
 * when needed. Running a campaign without a restart and the first-impression fixes
 * then took them to 29.01 / 29.09 KB: the form's blocked state (a site not allowed
 * yet), its live campaign stream, countdown and consent re-ask (live-campaign.ts and
 * the form's part, with Chinese, 1.05 KB), the wall's and teasers' layout, status and
 * date fixes (0.28 KB), the API root with or without /v1 and closing streams on
 * pagehide (0.05 KB); budget 29.3 KB. The goal is 18 KB; the breakdown (`--modules`)
 * shows where the bytes are.
 */
export const BUDGETS = {
  'dist/campaign-widgets.js': 29.3 * 1024,
  'dist/campaign-widgets.iife.js': 29.3 * 1024,
  // The newsroom console's own script, which partners never load (/moderate only):
  // 37.9 KB with both languages before trust and safety; 44.9 KB with the Reported tab,
  // flag chips, the safety settings view and their Chinese (about 7 KB), plus room;
  // 63.3 KB with the partner sites, campaign settings, campaigns and roles, and
  // webhooks views and their Chinese (about 4.5 to 6.5 KB each). Loading the admin-only
  // views when first opened would take them off a moderator's first load.
  'dist/console/console.js': 65 * 1024,
};

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const brotli = (bytes) =>
  brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  }).length;

export function sizes(file) {
  const bytes = readFileSync(file);
  return { min: bytes.length, gzip: gzip(bytes), brotli: brotli(bytes) };
}

const kb = (n) => `${(n / 1024).toFixed(2)} KB`;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** [generated line, generated column, source index] of every segment of a v3 source map. */
function segments(mappings) {
  const out = [];
  let source = 0;
  mappings.split(';').forEach((line, lineNo) => {
    let column = 0;
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const values = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = B64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = shift = 0;
        }
      }
      column += values[0];
      if (values.length > 1) source += values[1];
      out.push([lineNo, column, values.length > 1 ? source : -1]);
    }
  });
  return out;
}

/** Per source module of `file`: minified bytes, and gzip / brotli bytes it accounts for. */
export function breakdown(file) {
  const code = readFileSync(file, 'utf8');
  const map = JSON.parse(readFileSync(`${file}.map`, 'utf8'));
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === '\n') lineStarts.push(i + 1);
  const owner = new Int32Array(code.length).fill(-1);
  const marks = segments(map.mappings)
    .map(([line, column, source]) => [lineStarts[line] + column, source])
    .sort((a, b) => a[0] - b[0]);
  marks.forEach(([start, source], i) => owner.fill(source, start, marks[i + 1]?.[0]));
  const name = (i) =>
    i < 0
      ? '(banner, glue)'
      : map.sources[i].replace(/^(\.\.\/)+/, '').replace(/^node_modules\//, '');
  const total = Buffer.from(code);
  const totals = { gzip: gzip(total), brotli: brotli(total) };
  const rows = new Map();
  for (let i = 0; i < code.length; i++) {
    const key = name(owner[i]);
    if (!rows.has(key)) rows.set(key, { module: key, own: [], rest: [] });
  }
  for (const row of rows.values()) {
    let own = '';
    let rest = '';
    for (let i = 0; i < code.length; i++) {
      if (name(owner[i]) === row.module) own += code[i];
      else rest += code[i];
    }
    const without = Buffer.from(rest);
    row.min = Buffer.byteLength(own);
    row.gzip = totals.gzip - gzip(without);
    row.brotli = totals.brotli - brotli(without);
  }
  return [...rows.values()].sort((a, b) => b.gzip - a.gzip);
}

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
  if (process.argv.includes('--modules')) {
    const file = 'dist/campaign-widgets.js';
    console.log(`\n${file} by source module (bytes; gzip and brotli: saved without it)`);
    console.log(
      `${'module'.padEnd(52)}${'min'.padStart(8)}${'gzip'.padStart(8)}${'brotli'.padStart(8)}`,
    );
    for (const r of breakdown(file)) {
      console.log(
        `${r.module.padEnd(52)}${String(r.min).padStart(8)}${String(r.gzip).padStart(8)}${String(r.brotli).padStart(8)}`,
      );
    }
  }
  if (failed) {
    console.error('A bundle is over its size budget.');
    process.exit(1);
  }
}
