#!/usr/bin/env node
// `npm run audit`: Lighthouse on the demo partner page (`/`) served by the real campaign
// API, with the mobile and the desktop preset, in headless Chromium (a fresh profile
// each run). Builds the widgets first when dist/ is missing, starts the API on a free
// port with a throwaway SQLite data directory, prints the scores and metrics, writes
// the JSON and HTML reports to test-results/lighthouse/ (git-ignored), and exits 1 when
// a result is below its threshold:
//
//   accessibility 100 · best practices ≥ 95 · cumulative layout shift ≤ 0.01 ·
//   performance ≥ 80 (mobile) / 90 (desktop)
//
// Performance depends on the machine; the thresholds hold on a quiet two-core machine.
//   node scripts/audit.mjs [--url=http://…/] [--preset=mobile|desktop]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, INSTALL_HINT, findChromium } from './browsers.mjs';
import { startApi } from './demo-api.mjs';

const THRESHOLDS = {
  mobile: { performance: 80, accessibility: 100, 'best-practices': 95, cls: 0.01 },
  desktop: { performance: 90, accessibility: 100, 'best-practices': 95, cls: 0.01 },
};

const flag = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const presets = flag('preset') ? [flag('preset')] : ['mobile', 'desktop'];
const outDir = 'test-results/lighthouse';

const chromium = findChromium();
if (!chromium) {
  console.error(`audit: ${INSTALL_HINT.chromium}`);
  process.exit(1);
}

async function audit(url, preset) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'cw-audit-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: [...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`, '--remote-debugging-port=0'],
  });
  try {
    const port = Number(new URL(browser.wsEndpoint()).port);
    const result = await lighthouse(
      url,
      {
        port,
        output: ['json', 'html'],
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices'],
      },
      preset === 'desktop' ? desktopConfig : undefined,
    );
    if (!result) throw new Error('Lighthouse returned no result');
    mkdirSync(outDir, { recursive: true });
    const [json, htmlReport] = result.report;
    writeFileSync(join(outDir, `demo-${preset}.report.json`), json);
    writeFileSync(join(outDir, `demo-${preset}.report.html`), htmlReport);
    return result.lhr;
  } finally {
    await browser.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

const api = await startApi();
const pageUrl = flag('url') ?? `${api.url}/`;
const rows = [];
const failures = [];
try {
  for (const preset of presets) {
    console.log(`audit: Lighthouse ${preset} on ${pageUrl}`);
    const lhr = await audit(pageUrl, preset);
    if (lhr.runtimeError) failures.push(`${preset}: ${lhr.runtimeError.message}`);
    const score = (id) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
    const metric = (id) => lhr.audits[id]?.numericValue ?? NaN;
    const row = {
      preset,
      performance: score('performance'),
      accessibility: score('accessibility'),
      'best-practices': score('best-practices'),
      cls: metric('cumulative-layout-shift'),
      tbt: metric('total-blocking-time'),
      lcp: metric('largest-contentful-paint'),
      fcp: metric('first-contentful-paint'),
    };
    rows.push(row);
    const limits = THRESHOLDS[preset] ?? THRESHOLDS.mobile;
    for (const category of ['performance', 'accessibility', 'best-practices']) {
      if (row[category] < limits[category]) {
        const lost = Object.values(lhr.categories[category].auditRefs)
          .map((ref) => lhr.audits[ref.id])
          .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative')
          .map((a) => `${a.id} (${Math.round(a.score * 100)})`)
          .slice(0, 8);
        failures.push(
          `${preset}: ${category} ${row[category]} < ${limits[category]}; audits below 100: ${lost.join(', ') || 'none'}`,
        );
      }
    }
    if (!(row.cls <= limits.cls)) {
      failures.push(`${preset}: cumulative layout shift ${row.cls.toFixed(3)} > ${limits.cls}`);
    }
  }
} finally {
  await api.stop();
}

const ms = (value) => `${Math.round(value)} ms`;
console.log('\npreset   perf  a11y  best-practices  CLS     TBT      LCP      FCP');
for (const r of rows) {
  console.log(
    [
      r.preset.padEnd(8),
      String(r.performance).padStart(4),
      String(r.accessibility).padStart(5),
      String(r['best-practices']).padStart(15),
      r.cls.toFixed(3).padStart(6),
      ms(r.tbt).padStart(8),
      ms(r.lcp).padStart(8),
      ms(r.fcp).padStart(8),
    ].join(' '),
  );
}
console.log(`\nreports: ${outDir}/demo-<preset>.report.{html,json}`);
if (failures.length) {
  console.log('\nBelow thresholds:');
  for (const failure of failures) console.log(`  ${failure}`);
}
console.log(failures.length ? 'audit: below thresholds' : 'audit: every threshold met');
process.exit(failures.length ? 1 : 0);
