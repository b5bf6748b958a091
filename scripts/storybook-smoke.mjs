// Opens every story of the built Storybook (storybook-static/) in headless Chromium
// and fails if one throws, logs an error, or leaves its widget without rendered
// shadow content; also checks that the introduction page renders.
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, normalize } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, INSTALL_HINT, findChromium } from './browsers.mjs';

const root = 'storybook-static';
if (!existsSync(join(root, 'index.json'))) {
  console.error('storybook-static/ is missing: run `npm run build-storybook` first.');
  process.exit(1);
}
const chromium = findChromium();
if (!chromium) {
  console.error(`storybook smoke: ${INSTALL_HINT.chromium}`);
  process.exit(1);
}

const types = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
};
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(
    /^(\.\.[/\\])+/,
    '',
  );
  let file = join(root, path);
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8'));
const entries = Object.values(index.entries);
const stories = entries.filter((e) => e.type === 'story');
const intro = entries.find((e) => e.type === 'docs' && e.title === 'Introduction');

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: [...CHROMIUM_ARGS, `--user-data-dir=${mkdtempSync(join(tmpdir(), 'cw-sb-'))}`],
});
let failures = 0;
try {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });

  if (!intro) {
    console.error('✘ no Introduction docs page');
    failures++;
  } else {
    await page.goto(`${base}/iframe.html?id=${intro.id}&viewMode=docs`, { waitUntil: 'load' });
    const ok = await page
      .waitForFunction(
        () =>
          document.querySelector('#storybook-docs h1')?.textContent?.includes('campaign-widgets'),
        { timeout: 15000 },
      )
      .then(
        () => true,
        () => false,
      );
    console.log(`${ok ? '✔' : '✘'} docs ${intro.id}`);
    if (!ok) failures++;
  }

  for (const story of stories) {
    problems.length = 0;
    await page.goto(`${base}/iframe.html?id=${story.id}&viewMode=story`, { waitUntil: 'load' });
    const rendered = await page
      .waitForFunction(
        () => {
          const widgets = Array.from(document.querySelectorAll('#storybook-root *')).filter((el) =>
            el.localName.startsWith('campaign-'),
          );
          return (
            widgets.length > 0 &&
            widgets.every((el) => el.shadowRoot && el.shadowRoot.childElementCount > 0)
          );
        },
        { timeout: 15000 },
      )
      .then(
        () => true,
        () => false,
      );
    const ok = rendered && problems.length === 0;
    if (!ok) failures++;
    console.log(
      `${ok ? '✔' : '✘'} ${story.id}${rendered ? '' : ' (widget did not render)'}${problems.length ? `\n    ${problems.join('\n    ')}` : ''}`,
    );
  }
  console.log(`${stories.length} stories, ${failures} failed`);
} finally {
  await browser.close();
  server.close();
}
process.exit(failures ? 1 : 0);
