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
 * gzip budgets in bytes, per file: what the bundles measure (30.66 KB module, 30.74 KB
 * classic script) plus about 0.05 KB. How they grew from 22.6 KB is in the git history of
 * this comment (trust and safety 4.0 KB, a campaign run without a restart 1.05 KB, …).
 * From 30.62 / 30.70 KB at 5112c4c to 30.66 / 30.74 KB (bytes, module):
 *    +39  one field style sheet for the form and the report dialog, and the form's
 *         text inputs and check boxes from one helper each (their bindings: ifDefined)
 * From 30.01 / 30.09 KB at 04e9777 to 30.62 / 30.70 KB (bytes, module; classic alike):
 *   +222  server-rendered widgets taken over from the snapshot their render carries
 *         (read from the data block, the wall seeded from it and rendering it on the
 *         server, the photo's image kept, the reader's typed words kept)
 *   +328  the same, made to hold: a script in <head> waits for the declarative shadow
 *         root (data-ssr), focus and caret move to the new field, images shown stay
 *         shown in nested photos, snapshots checked for language and shape, two walls'
 *         snapshots of one moment merged, a form put back resends its stopped send
 *    +67  the form's terms: their lines reserved, and replaced as new nodes
 *     +8  no send from a form out of the document
 * From 29.61 / 29.69 KB at 4593f22 to 30.01 / 30.09 KB (bytes, module / classic):
 *   +324 / +321  the form as a real <form> that posts without the script (named fields,
 *                hidden key, consent version, language and return page, its snapshot)
 *   +164 / +172  the wall's connection, feed and controller in three files, data flowing
 *                one way (the feed's field and method names survive minification)
 *   +105 / +100  server rendering: the snapshot property of the teaser and photo, the
 *                guards that keep the page and light DOM untouched on the server
 *    +40 / +37   the server-rendered photo hint in two languages, small fixes
 *   −149 / −149  the form's live campaign on the wall's Connection instead of its copy
 *    −73 / −72   the form's no-script styles only in server-rendered output
 * From 29.01 / 29.09 KB at 63c078c to 29.61 / 29.69 KB:
 *   +0.45 KB  the form as controllers (draft-controller, submit-controller, validation,
 *             messages) and its one submit path through client.submit(): controller
 *             classes and their method names, which minification keeps
 *   +0.26 KB  long dates in en and zh-Hans written without Intl.DateTimeFormat, so no
 *             widget's first render builds the page's first formatter (about 20 ms in
 *             the 4× profile)
 *   −0.09 KB  Lit's template minifier ahead of our own step (scripts/bundle-plugins.mjs)
 *   the rest  the photo's focus return after its zoom dialog, longer class names
 *
 * Why not size-limit (12.1, tried with @size-limit/file on dist/): it measures one
 * compression per entry (gzip or brotli, not min, gzip and brotli in one table), counts
 * kB as 1000 bytes (30.07 kB for 29.36 KB), and has no per-module breakdown of our
 * rollup output from its source map (`--modules`); its `--why` rebuilds with its own
 * bundler. Only the budget check would move to it, about 20 lines.
 *
 * Where the module bundle's bytes are at 63c078c (`--modules`: gzip saved without each
 * part; the rows sum to 26.7 KB of 29.0, the rest is context gzip shares between parts):
 *
 *   part                                                        gzip KB
 *   submission-form (form 5.10, receipts 0.53, styles 0.38,        7.09
 *     draft-store 0.29, live-campaign 0.29, resize-photo 0.25,
 *     xhr-fetch 0.25)
 *   quote-wall (wall 1.63, live-quotes 1.36, report-dialog 1.30    5.09
 *     and its styles 0.33, styles 0.47)
 *   Lit (lit-html 2.67, reactive-element 1.67, css-tag 0.36,       4.88
 *     lit-element 0.17)
 *   shared (config, format, first-render, tokens, locale,          2.67
 *     messages, register, campaign-element, entry)
 *   zh-Hans messages (generated/locales/zh-Hans.js)                2.46
 *   photo (photo 0.87, styles 0.37, load 0.25)                     1.48
 *   api (client 0.86, errors 0.23, invisible 0.11)                 1.23
 *   story-teaser (teaser 0.65, styles 0.53)                        1.18
 *   @lit/localize runtime                                          0.64
 *
 * Measured and not kept (same build, gzip -9 of the module bundle, 29,677 bytes):
 * terser passes 5 instead of 3, `toplevel`, ecma 2022: 0 bytes; `keep_fargs: false`
 * −17; the `unsafe*` family −56 (it assumes built-ins a hostile host page may replace);
 * mangling more than `_x` members: public names, Lit's reactive properties and DOM
 * names are what repeats, so there is nothing safe left. Repeated string literals of
 * 8 or more characters: 1.0 KB before gzip, which gzip already turns into references
 * of a few bytes each. Terser is at its end; what remains is code and text.
 *
 * Lazily loaded parts, measured: the zh-Hans messages as a chunk loaded by
 * `loadLocale` take the main script to 26.58 KB (+0.26 KB for the entry chunk rollup
 * splits off) and cost a Chinese page 1.94 KB on a second request before its first
 * render in its language; the report dialog (1.63 KB) and the receipts (0.53 KB) would
 * take it to about 24.4 KB. Not done: the reference API serves exactly the two
 * scripts and their maps (server/src/routes/pages.ts); partners load the script from
 * the API, a CDN in front of it, or their own copy of `dist/` (docs/embed.md), and a
 * partner or CDN serving one file would have Chinese pages in English and a Report
 * button that fails. The one-script promise (DESIGN.md) is worth more than 4.6 KB,
 * and even all three splits do not reach 22 KB.
 * test/bundle.test.ts asserts that a page makes no request beyond the script.
 *
 * Between this and 22 KB (−7 KB) and the goal of 18 KB (−11 KB): Lit and its
 * localization are a floor of 5.5 KB, leaving 12.5 KB for four widgets, their client
 * and Chinese. The form alone is 7.1 KB and the wall 5.1 KB: their templates, message
 * text and the wall's stream and dialog code are where the bytes are. 18 KB needs the
 * form and the wall each near half their size, or the rarely used parts lazily loaded
 * once the server serves `dist/` whole and the embed guide tells partners to copy it
 * all (a one-file copy then loses Chinese and the Report dialog).
 */
export const BUDGETS = {
  'dist/campaign-widgets.js': 30.72 * 1024,
  'dist/campaign-widgets.iife.js': 30.8 * 1024,
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
