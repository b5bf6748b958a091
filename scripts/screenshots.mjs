#!/usr/bin/env node
// `npm run screenshots`: photographs each widget on the demo partner page, served by the
// real campaign API, in English and in Simplified Chinese, at a phone's width (390 px)
// and a desktop's (1280 px), into docs/screenshots/<widget>-<locale>-<width>.png, then
// rewrites the screenshot table of docs/embed.md (scripts/docs.mjs).
// Chinese text needs a CJK font (Debian: fonts-wqy-zenhei). When pngquant is installed
// (Debian: pngquant) the PNGs are reduced to a palette, about a third of the size.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, INSTALL_HINT, findChromium } from './browsers.mjs';
import { startApi } from './demo-api.mjs';

const OUT = 'docs/screenshots';
const WIDTHS = [390, 1280];
const LOCALES = ['en', 'zh-Hans'];
/** What to photograph on the demo page, and when it is ready. */
const SHOTS = [
  { name: 'story-teaser', selector: '.teasers' },
  { name: 'photo', selector: 'campaign-photo' },
  { name: 'submission-form', selector: 'campaign-submission-form' },
  { name: 'quote-wall', selector: 'campaign-quote-wall' },
];

const chromium = findChromium();
if (!chromium) {
  console.error(`screenshots: ${INSTALL_HINT.chromium}`);
  process.exit(1);
}

/** The widgets in `selector` have rendered their API content and their images have loaded. */
async function ready(page, selector) {
  await page.waitForFunction(
    (selector) => {
      const scope = document.querySelector(selector);
      const hosts = [scope, ...scope.querySelectorAll('*')].filter((el) =>
        el.localName.startsWith('campaign-'),
      );
      const done = (el) => {
        const root = el.shadowRoot;
        if (!el.hasUpdated || el.isUpdatePending || !root) return false;
        const nested = [...root.querySelectorAll('*')].filter((n) =>
          n.localName.startsWith('campaign-'),
        );
        if (!nested.every(done)) return false;
        const images = [...root.querySelectorAll('img')];
        if (!images.every((img) => img.complete && img.naturalWidth)) return false;
        switch (el.localName) {
          case 'campaign-quote-wall':
            return !!root.querySelector('[part=quote]');
          case 'campaign-submission-form':
            return !!root.querySelector('option');
          case 'campaign-story-teaser':
            return !!root.querySelector('[part=headline]')?.textContent.trim();
          case 'campaign-photo':
            return images.length > 0;
          default:
            return true;
        }
      };
      return hosts.every(done);
    },
    { timeout: 30000, polling: 200 },
    selector,
  );
  // Fonts, and the last slide-in of the wall.
  await page.evaluate(() => document.fonts.ready);
  await new Promise((r) => setTimeout(r, 600));
}

const pngquant = ['/usr/bin/pngquant', '/usr/local/bin/pngquant'].find((p) => existsSync(p));
if (!pngquant) console.log('pngquant not found: the PNGs stay full colour');
mkdirSync(OUT, { recursive: true });
const api = await startApi();
const userDataDir = mkdtempSync(join(tmpdir(), 'cw-shots-'));
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: [...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`],
});
try {
  const page = await browser.newPage();
  // Photographs the widgets at rest: no ticker motion or slide-ins mid-frame.
  await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
  for (const width of WIDTHS) {
    await page.setViewport({ width, height: 900, deviceScaleFactor: 1 });
    for (const locale of LOCALES) {
      await page.goto(`${api.url}/?lang=${locale}`, { waitUntil: 'load' });
      for (const shot of SHOTS) {
        const element = await page.$(shot.selector);
        if (!element) throw new Error(`${shot.selector} is not on the demo page`);
        // Lazy images and the wall's feed start when they come into view.
        await element.evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await ready(page, shot.selector).catch(() => {
          throw new Error(`${shot.selector} (${locale}, ${width} px) did not finish loading`);
        });
        const path = join(OUT, `${shot.name}-${locale}-${width}.png`);
        await element.screenshot({ path, captureBeyondViewport: true });
        if (pngquant) {
          // Exit 99 (quality floor not met) leaves the full-colour file as it is.
          spawnSync(pngquant, ['--quality=70-95', '--strip', '--force', '--output', path, path]);
        }
        console.log(`${path}  ${Math.round(statSync(path).size / 1024)} KB`);
      }
    }
  }
} finally {
  await browser.close();
  rmSync(userDataDir, { recursive: true, force: true });
  await api.stop();
}

const docs = spawnSync(process.execPath, ['scripts/docs.mjs'], { stdio: 'inherit' });
process.exit(docs.status ?? 1);
