// Walks the built Storybook (storybook-static/index.json) in headless Chromium: every
// story in English and in Simplified Chinese (the toolbar's `locale` global), and the
// docs pages. A story fails when it throws, logs an error, does not finish rendering
// (play function included), leaves a widget without shadow content (unless tagged
// `renders-nothing`), does not switch the page's language, shows a district named in
// the other language, is not set in the preview's sans-serif page font, or has an
// axe-core violation of WCAG 2.2 A/AA anywhere in the story root, shadow roots included.
// Ends with the list of failures (story, locale, rule, target) and a plain
// "N passed, N failed" line; exits 1 on any failure.
//
//   node scripts/storybook-smoke.mjs [--only=<substring of story id>] [--jobs=2]
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, existsSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, normalize } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, INSTALL_HINT, findChromium } from './browsers.mjs';

const LOCALES = ['en', 'zh-Hans'];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const STORY_TIMEOUT = 30000;

const flag = (name, fallback) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const only = flag('only', '');
const jobs = Math.max(1, Number(flag('jobs', 2)) || 2);

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
const axeSource = readFileSync(
  new URL('../node_modules/axe-core/axe.min.js', import.meta.url),
  'utf8',
);

const types = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
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
  if (path === '/favicon.ico') {
    res.writeHead(204).end();
    return;
  }
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
const stories = entries.filter((e) => e.type === 'story' && e.id.includes(only));
// MDX pages (autodocs pages repeat the stories already checked).
const docs = only
  ? []
  : entries.filter(
      (e) =>
        e.type === 'docs' &&
        (e.tags?.some((t) => t.endsWith('attached-mdx')) || !e.tags?.includes('autodocs')),
    );

/** Every (story, locale) pair, then the docs pages. */
const jobsList = [
  ...stories.flatMap((story) => LOCALES.map((locale) => ({ kind: 'story', entry: story, locale }))),
  ...docs.map((entry) => ({ kind: 'docs', entry, locale: 'en' })),
];

/** Waits until the story's render (play function included) has finished. */
async function storyFinished(page) {
  return page
    .waitForFunction(
      () => {
        const phase = window.__STORYBOOK_PREVIEW__?.currentRender?.phase;
        return ['finished', 'completed', 'errored', 'aborted'].includes(phase) ? phase : false;
      },
      { timeout: STORY_TIMEOUT, polling: 50 },
    )
    .then(
      (handle) => handle.jsonValue(),
      () => 'timed out',
    );
}

/** Waits until every widget in the root is defined, updated and (usually) has content. */
async function widgetsRendered(page, allowEmpty) {
  return page
    .waitForFunction(
      (allowEmpty) => {
        const widgets = Array.from(document.querySelectorAll('#storybook-root *')).filter((el) =>
          el.localName.startsWith('campaign-'),
        );
        if (!widgets.length) return false;
        // Defined, rendered at least once, and no update pending.
        if (widgets.some((el) => !el.hasUpdated || el.isUpdatePending)) return false;
        return allowEmpty || widgets.every((el) => el.shadowRoot?.childElementCount > 0);
      },
      { timeout: STORY_TIMEOUT, polling: 100 },
      allowEmpty,
    )
    .then(
      () => true,
      () => false,
    );
}

async function axe(page, selector) {
  await page.evaluate(axeSource);
  return page.evaluate(
    async (selector, tags) => {
      // Colours are measured at rest: finish slide-ins and fades (shadow trees included).
      for (const animation of document.getAnimations()) {
        if (animation.effect?.getComputedTiming().endTime !== Infinity) animation.finish();
      }
      await new Promise((r) => setTimeout(r, 150));
      const result = await window.axe.run(selector, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      });
      return result.violations.map((v) => ({
        rule: v.id,
        impact: v.impact,
        help: v.help,
        // A target inside shadow DOM is a path of selectors: host >>> inner.
        targets: v.nodes.map((n) =>
          n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' | '),
        ),
      }));
    },
    selector,
    AXE_TAGS,
  );
}

/** District names of the stories' fake data, by the language they are written in. */
const DISTRICT_NAMES = {
  en: /\b(Yuzhong|Jiangbei|Shapingba|Nan'an)\b/,
  'zh-Hans': /渝中区|江北区|沙坪坝区|南岸区/,
};

/**
 * The preview is set in a sans-serif page font (not the browser's default serif), and
 * the story's data speaks its language: no district named in the other one, anywhere
 * in the story root, shadow roots included.
 */
async function looksLikeAPartnerPage(page, locale) {
  const { font, text } = await page.evaluate(() => {
    const parts = [];
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) parts.push(child.data);
        else if (child.nodeType === Node.ELEMENT_NODE) {
          if (child.shadowRoot) walk(child.shadowRoot);
          walk(child);
        }
      }
    };
    const root = document.querySelector('#storybook-root');
    if (root) walk(root);
    return { font: getComputedStyle(document.body).fontFamily, text: parts.join(' ') };
  });
  const problems = [];
  if (!/sans-serif/.test(font)) {
    problems.push({ rule: 'page font', targets: [`the preview's font is ${font}`] });
  }
  const other = DISTRICT_NAMES[locale === 'zh-Hans' ? 'en' : 'zh-Hans'].exec(text);
  if (other) {
    problems.push({ rule: 'data language', targets: [`"${other[0]}" in a ${locale} story`] });
  }
  return problems;
}

async function check(page, job) {
  const problems = [];
  const onError = (e) => problems.push({ rule: 'page error', targets: [e.message] });
  const onConsole = (m) => {
    if (m.type() !== 'error') return;
    const where = m.location()?.url;
    problems.push({ rule: 'console error', targets: [`${m.text()}${where ? ` (${where})` : ''}`] });
  };
  page.on('pageerror', onError);
  page.on('console', onConsole);
  try {
    const { entry, locale } = job;
    if (job.kind === 'docs') {
      await page.goto(`${base}/iframe.html?id=${entry.id}&viewMode=docs`, { waitUntil: 'load' });
      const ok = await page
        .waitForFunction(() => document.querySelector('#storybook-docs h1')?.textContent, {
          timeout: STORY_TIMEOUT,
        })
        .then(
          () => true,
          () => false,
        );
      if (!ok) problems.push({ rule: 'render', targets: ['the docs page has no heading'] });
      return problems;
    }
    const tStart = Date.now();
    await page.goto(
      `${base}/iframe.html?id=${entry.id}&viewMode=story&globals=locale:${locale};a11y.manual:!true`,
      { waitUntil: 'load' },
    );
    const t0 = Date.now();
    const phase = await storyFinished(page);
    const t1 = Date.now();
    if (phase !== 'finished' && phase !== 'completed') {
      problems.push({ rule: 'render', targets: [`story render ${phase}`] });
      return problems;
    }
    const allowEmpty = entry.tags?.includes('renders-nothing') ?? false;
    if (!(await widgetsRendered(page, allowEmpty))) {
      problems.push({ rule: 'render', targets: ['a widget did not render'] });
    }
    const lang = await page.evaluate(() => document.documentElement.lang);
    if (lang !== locale) {
      problems.push({ rule: 'locale', targets: [`<html lang="${lang}">, expected ${locale}`] });
    }
    problems.push(...(await looksLikeAPartnerPage(page, locale)));
    const t2 = Date.now();
    problems.push(...(await axe(page, '#storybook-root')));
    if (process.env.SMOKE_TIMING)
      console.log(
        `   load ${t0 - tStart} phase ${t1 - t0} widgets ${t2 - t1} axe ${Date.now() - t2}`,
      );
    return problems;
  } catch (error) {
    problems.push({ rule: 'smoke', targets: [String(error?.message ?? error)] });
    return problems;
  } finally {
    page.off('pageerror', onError);
    page.off('console', onConsole);
  }
}

const userDataDir = mkdtempSync(join(tmpdir(), 'cw-sb-'));
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  protocolTimeout: 60000,
  args: [...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`],
});
const started = Date.now();
const failures = [];
let passed = 0;
try {
  const queue = [...jobsList];
  await Promise.all(
    Array.from({ length: Math.min(jobs, queue.length) }, async () => {
      // A window each: a background tab gets no animation frames and stalls stories.
      const page = await browser.newPage({ type: 'window' });
      await page.setViewport({ width: 1024, height: 800 });
      // As many readers have it; also keeps arrivals from being measured mid-fade.
      await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
      for (let job = queue.shift(); job; job = queue.shift()) {
        const problems = await check(page, job);
        const name =
          job.kind === 'docs' ? `docs ${job.entry.id}` : `${job.entry.id} [${job.locale}]`;
        if (problems.length) {
          failures.push({ name, problems });
          console.log(`✘ ${name}`);
        } else {
          passed++;
          console.log(`✔ ${name}`);
        }
      }
      await page.close();
    }),
  );
} finally {
  await browser.close();
  server.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

const seconds = ((Date.now() - started) / 1000).toFixed(0);
console.log(
  `\n${stories.length} stories × ${LOCALES.length} locales + ${docs.length} docs pages, axe ${AXE_TAGS.join(' ')}, ${seconds} s`,
);
if (failures.length) {
  console.log('\nFailures:');
  for (const { name, problems } of failures) {
    for (const p of problems) {
      console.log(
        `  ${name}  ${p.rule}${p.impact ? ` (${p.impact})` : ''}${p.help ? `: ${p.help}` : ''}`,
      );
      for (const t of p.targets.slice(0, 5)) console.log(`      ${t}`);
      if (p.targets.length > 5) console.log(`      … and ${p.targets.length - 5} more`);
    }
  }
}
console.log(`storybook: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
