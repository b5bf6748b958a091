#!/usr/bin/env node
// `npm run screenshots`: photographs each widget on the demo partner page, served by the
// real campaign API, in English and in Simplified Chinese, at a phone's width (390 px)
// and a desktop's (1280 px), into docs/screenshots/<widget>-<locale>-<width>.png, then
// rewrites the screenshot table of docs/embed.md (scripts/docs.mjs). Then the newsroom
// console (/moderate) on the same API, with staff made through the service token and a
// few readers' submissions and decisions: the queue with an item open in English and
// in Chinese at 1280 px, the list and the opened item at 390 px, and the audit trail,
// into docs/screenshots/console-*.png (docs/newsroom.md shows them).
// `--only=widgets` or `--only=console` takes one of the two sets (the console alone
// leaves docs/embed.md as it is).
// Chinese text needs a CJK font (Debian: fonts-wqy-zenhei). When pngquant is installed
// (Debian: pngquant) the PNGs are reduced to a palette, about a third of the size.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { startApiProcess } from './api-process.mjs';
import { CHROMIUM_ARGS, INSTALL_HINT, findChromium } from './browsers.mjs';

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

const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
if (only && only !== 'widgets' && only !== 'console') {
  console.error(`screenshots: --only=${only}: say widgets or console`);
  process.exit(1);
}
const takeWidgets = only !== 'console';
const takeConsole = only !== 'widgets';

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

function saved(path) {
  if (pngquant) {
    // Exit 99 (quality floor not met) leaves the full-colour file as it is.
    spawnSync(pngquant, ['--quality=70-95', '--strip', '--force', '--output', path, path]);
  }
  console.log(`${path}  ${Math.round(statSync(path).size / 1024)} KB`);
}

async function widgetShots(browser, api) {
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
        saved(path);
      }
    }
  }
  await page.close();
}

// ---- the newsroom console ----------------------------------------------------------

const CAMPAIGN = 'spirit-of-chongqing';

/** What readers sent: words, name, district, language, and whether a photo came too. */
const READERS = [
  [
    'The stairways of Yuzhong taught me patience, and strong knees.',
    'Anna K.',
    'yuzhong',
    'en',
    false,
  ],
  ['爬坡上坎是重庆人的日常，也是我们不服输的脾气。', '王芳', 'yuzhong', 'zh-Hans', false],
  [
    'When the fire reached the mountains, riders carried water up all night. I was one of them.',
    'Chen Hao',
    'beibei',
    'en',
    true,
  ],
  [
    '山火那年，摩托车队连夜把物资送上山，我永远记得那一排排车灯。',
    '刘洋',
    'beibei',
    'zh-Hans',
    true,
  ],
  [
    'Hotpot with strangers on a foggy night: that is the spirit of this city.',
    null,
    'jiangbei',
    'en',
    false,
  ],
  [
    '周末去磁器口的麻花店排队，香味飘满整条老街，这就是重庆的烟火气。',
    '张伟',
    'shapingba',
    'zh-Hans',
    false,
  ],
  [
    'My grandmother says the Hongyan spirit is simply never giving up. She taught me to climb.',
    'Li Na',
    'yuzhong',
    'en',
    false,
  ],
  ['轻轨穿楼而过，孩子们每次看到都会欢呼。', '陈静', 'jiangbei', 'zh-Hans', false],
  [
    'We rebuilt the market after the flood in two weeks, together, stall by stall.',
    'Zhou Min',
    'nanan',
    'en',
    false,
  ],
  ['老茶馆里，大爷们用方言讲着城市的故事，一壶茶能喝一下午。', '赵磊', 'nanan', 'zh-Hans', true],
  [
    'Neighbours share chilli oil recipes like family secrets, but they do share.',
    'Sun Yu',
    null,
    'en',
    false,
  ],
  ['洪水过后，我们一起重建了菜市场。', null, null, 'zh-Hans', false],
];

async function readerPhoto(hue) {
  const { default: sharp } = await import('sharp');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="hsl(${hue} 70% 70%)"/><stop offset="1" stop-color="hsl(${hue + 60} 35% 45%)"/></linearGradient></defs>
    <rect width="1200" height="900" fill="url(#sky)"/>
    <circle cx="900" cy="220" r="100" fill="#fde68a"/>
    <path d="M0 680 L220 450 L400 620 L620 380 L840 650 L1020 500 L1200 660 L1200 900 L0 900 Z" fill="#264653"/>
    <rect x="140" y="740" width="920" height="30" fill="#e9c46a"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 82 }).toBuffer();
}

async function call(api, method, path, { token, session, body, form } = {}) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (session) {
    headers.cookie = session.cookie;
    if (method !== 'GET') headers['x-csrf-token'] = session.csrfToken;
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (form) headers['idempotency-key'] = form.key;
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: form ? { ...headers, ...form.headers } : headers,
    body: form ? form.body : body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return { json: text ? JSON.parse(text) : null, response };
}

/** A staff member with a password (service token, then the one-time link) and a session. */
async function staffMember(api, token, { email, name, role, locale, password }) {
  const { json: issued } = await call(api, 'POST', '/v1/staff/accounts', {
    token,
    body: { email, name, role, locale },
  });
  const link = /#link=(.+)$/.exec(issued.link)[1];
  await call(api, 'POST', '/v1/staff/links/use', { body: { token: link, password } });
  const { json, response } = await call(api, 'POST', '/v1/staff/session', {
    body: { email, password },
  });
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { email, password, name, cookie, csrfToken: json.csrfToken };
}

/** Readers' submissions, staff, and a few decisions: a queue staff would recognise. */
async function newsroom(api, token) {
  const { json: campaign } = await call(api, 'GET', `/v1/campaigns/${CAMPAIGN}`);
  const districts = new Set(campaign.districts.map((d) => d.id));
  const ids = [];
  for (const [i, [message, name, district, locale, photo]] of READERS.entries()) {
    const data = {
      message,
      displayName: name,
      anonymous: name === null,
      district: district && districts.has(district) ? district : null,
      email: i % 3 === 0 ? `reader${i}@example.org` : null,
      consentGiven: true,
      consentVersion: campaign.consent.version,
      publishPermission: i !== 7,
      locale,
    };
    const key = `screenshots-${i}-${randomBytes(6).toString('hex')}`;
    let form;
    if (photo) {
      const body = new FormData();
      body.append(
        'data',
        new Blob([JSON.stringify(data)], { type: 'application/json' }),
        'data.json',
      );
      body.append(
        'photo',
        new Blob([await readerPhoto(i * 37)], { type: 'image/jpeg' }),
        'photo.jpg',
      );
      form = { key, body, headers: {} };
    } else {
      form = { key, body: JSON.stringify(data), headers: { 'content-type': 'application/json' } };
    }
    const { json } = await call(api, 'POST', `/v1/campaigns/${CAMPAIGN}/submissions`, { form });
    ids.push(json.id);
  }
  const admin = await staffMember(api, token, {
    email: 'chen.jing@newsroom.example',
    name: 'Chen Jing',
    role: 'admin',
    locale: 'en',
    password: `admin-${randomBytes(8).toString('hex')}`,
  });
  const moderator = await staffMember(api, token, {
    email: 'li.ming@newsroom.example',
    name: '李明',
    role: 'moderator',
    locale: 'zh-Hans',
    password: `moderator-${randomBytes(8).toString('hex')}`,
  });
  const scoped = `/v1/campaigns/${CAMPAIGN}/staff/submissions`;
  const decide = async (who, index, action, extra = {}) => {
    const { json } = await call(api, 'GET', `${scoped}/${ids[index]}`, { session: who });
    await call(api, 'POST', `${scoped}/${ids[index]}/decision`, {
      session: who,
      body: { action, version: json.item.version, ...extra },
    });
  };
  await decide(moderator, 0, 'approve');
  await decide(admin, 1, 'approve');
  await decide(moderator, 4, 'reject', { reason: 'duplicate', note: '和上周的投稿重复' });
  await decide(admin, 10, 'approve');
  await decide(admin, 10, 'remove', { reason: 'personal_data', note: 'Names a neighbour' });
  // The photo of one waiting item has its alt text already.
  const { json: withAlt } = await call(api, 'GET', `${scoped}/${ids[9]}`, { session: moderator });
  await call(api, 'PATCH', `${scoped}/${ids[9]}`, {
    session: moderator,
    body: { version: withAlt.item.version, photoAlt: '夕阳下的山和江边的老街' },
  });
  return { ids, admin, moderator };
}

/** In the page: the console has drawn `what` (the queue with its open item, or the audit). */
async function consoleReady(page, what, { photo = false } = {}) {
  await page.waitForFunction(
    (what, photo) => {
      const deep = (path) => {
        let scope = document;
        const steps = path.split('>>>').map((s) => s.trim());
        for (let i = 0; i < steps.length; i++) {
          const el = scope?.querySelector(steps[i]);
          if (!el) return null;
          if (i === steps.length - 1) return el;
          scope = el.shadowRoot;
        }
        return null;
      };
      if (!deep('newsroom-console >>> nav.views')) return false;
      if (what === 'audit') {
        const table = deep('newsroom-console >>> newsroom-audit >>> table');
        return (
          !!table && table.getAttribute('aria-busy') === 'false' && table.tBodies[0].rows.length > 0
        );
      }
      const panel = deep('newsroom-console >>> newsroom-queue >>> #panel');
      const live = deep('newsroom-console >>> newsroom-queue >>> .live .dot.on');
      if (!panel || !live || panel.getAttribute('aria-busy') !== 'false') return false;
      if (what === 'list') return !!panel.querySelector('[role=row]');
      const detail = 'newsroom-console >>> newsroom-queue >>> newsroom-item-detail';
      const section = deep(`${detail} >>> section`);
      if (!deep(`${detail} >>> blockquote`) || !section) return false;
      if (/Loading the history…|正在加载处理记录…|Sending…/.test(section.textContent)) return false;
      if (!photo) return true;
      const img = deep(`${detail} >>> figure img`);
      return !!img && img.complete && img.naturalWidth > 0;
    },
    { timeout: 30000, polling: 200 },
    what,
    photo,
  );
  await page.evaluate(() => document.fonts.ready);
  await new Promise((r) => setTimeout(r, 400));
}

async function consoleShots(browser, api, token) {
  const { ids, admin, moderator } = await newsroom(api, token);
  const people = { en: admin, 'zh-Hans': moderator };
  // The item open in each: a waiting one with a photo, in the console's language.
  const open = { en: ids[2], 'zh-Hans': ids[3] };
  for (const locale of LOCALES) {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
    await page.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
    await page.goto(`${api.url}/moderate`, { waitUntil: 'load' });
    const person = people[locale];
    const status = await page.evaluate(
      async (email, password) =>
        (
          await fetch('/v1/staff/session', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email, password }),
          })
        ).status,
      person.email,
      person.password,
    );
    if (status !== 200) throw new Error(`${person.email} could not sign in: ${status}`);

    const shoot = async (name) => {
      const path = join(OUT, name);
      await page.screenshot({ path });
      saved(path);
    };
    await page.goto(`${api.url}/moderate?item=${open[locale]}`, { waitUntil: 'load' });
    await consoleReady(page, 'item', { photo: true });
    await shoot(`console-${locale}-1280.png`);

    await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 1 });
    await page.goto(`${api.url}/moderate`, { waitUntil: 'load' });
    await consoleReady(page, 'list');
    await shoot(`console-${locale}-390.png`);
    await page.goto(`${api.url}/moderate?item=${open[locale]}`, { waitUntil: 'load' });
    await consoleReady(page, 'item', { photo: true });
    await shoot(`console-${locale}-390-item.png`);

    if (locale === 'zh-Hans') {
      await page.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
      await page.goto(`${api.url}/moderate?view=audit`, { waitUntil: 'load' });
      await consoleReady(page, 'audit');
      await shoot(`console-audit-${locale}-1280.png`);
    }
    await context.close();
  }
}

if (!existsSync('dist/campaign-widgets.js') || !existsSync('dist/console/console.js')) {
  console.log('dist/ is missing, building the widgets and the console…');
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);
}
mkdirSync(OUT, { recursive: true });
// The service token makes the console's staff; it lives as long as this run.
const token = `screenshots-${randomBytes(16).toString('hex')}`;
const api = await startApiProcess({
  entry: 'start',
  env: { CAMPAIGN_ADMIN_TOKEN: token, CAMPAIGN_RATE_LIMIT: 'off' },
});
const userDataDir = mkdtempSync(join(tmpdir(), 'cw-shots-'));
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: [...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`],
});
try {
  // The widgets first: the console's decisions would put new quotes on the wall.
  if (takeWidgets) await widgetShots(browser, api);
  if (takeConsole) await consoleShots(browser, api, token);
} finally {
  await browser.close();
  rmSync(userDataDir, { recursive: true, force: true });
  await api.stop();
}

if (!takeWidgets) process.exit(0);
const docs = spawnSync(process.execPath, ['scripts/docs.mjs'], { stdio: 'inherit' });
process.exit(docs.status ?? 1);
