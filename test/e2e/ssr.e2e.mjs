// Server-rendered widgets without JavaScript: a partner page built on its own server from
// the API's HTML endpoints (…/html/story-teaser, photo, quote-wall, as an SSI or CMS
// include would), opened with page scripts off. The reader sees the teaser's headline,
// the photo with its visible credit and the wall's latest approved quote, in English and
// Chinese, while no widget is defined. Screenshots at phone and desktop width go to
// /tmp/ssr-*.png (Chromium).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiProcess } from '../../scripts/api-process.mjs';
import { ENGINE } from './support/context.mjs';
import { openBrowser, waitFor } from './support/driver.mjs';

const CAMPAIGN = 'spirit-of-chongqing';
const TOKEN = 'e2e-ssr-token-52b7c0';
const stamp = `${ENGINE}-${Date.now().toString(36)}`;

/** A static server for the partner pages this test writes. */
function startSite(dir) {
  const server = createServer((req, res) => {
    const name = new URL(req.url, 'http://site').pathname.slice(1);
    if (!/^[a-z0-9-]+\.html$/.test(name)) return res.writeHead(404).end();
    try {
      const body = readFileSync(join(dir, name));
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        stop: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

/** The engine with page scripts off; what the test itself runs in the page still runs. */
async function scriptlessBrowser(dir) {
  if (ENGINE === 'chromium') {
    const b = await openBrowser('chromium');
    return {
      async newPage(size) {
        const p = await b.newPage(size);
        await p.raw.setJavaScriptEnabled(false);
        return p;
      },
      close: () => b.close(),
    };
  }
  const wrapper = join(dir, 'minibrowser-nojs');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec "${process.env.E2E_MINIBROWSER}" "$@" --enable-javascript-markup=false\n`,
  );
  chmodSync(wrapper, 0o755);
  return openBrowser('webkit', { ...process.env, E2E_MINIBROWSER: wrapper });
}

describe(`server-rendered widgets without JavaScript in ${ENGINE}`, () => {
  let api;
  let site;
  let b;
  let dir;
  let words;

  const base = () => `${api.url}/v1/campaigns/${CAMPAIGN}`;
  const json = async (url, init) => {
    const response = await fetch(url, init);
    const body = await response.text();
    assert.ok(response.ok, `${url}: ${response.status} ${body}`);
    return JSON.parse(body);
  };
  /** A fragment as a partner's server includes it. */
  const fragment = async (path, lang) => {
    const response = await fetch(
      `${base()}/html/${path}${path.includes('?') ? '&' : '?'}lang=${lang}`,
    );
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    return response.text();
  };

  async function writePage(lang, story, photo) {
    const parts = await Promise.all([
      fragment(`story-teaser?story=${story}`, lang),
      fragment(`photo?photo=${photo}`, lang),
      fragment('quote-wall?limit=6', lang),
    ]);
    const name = `ssr-${lang.toLowerCase()}.html`;
    writeFileSync(
      join(dir, name),
      `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Partner page</title><link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem}
.grid{display:grid;gap:1.5rem;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr))}</style></head>
<body><main><h1>${lang === 'en' ? 'Partner article' : '合作伙伴文章'}</h1>
<noscript><p id="no-script">Scripts are off</p></noscript>
<div class="grid">${parts[0]}${parts[1]}</div>
${parts[2]}
</main></body></html>`,
    );
    return `${site.url}/${name}`;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-e2e-ssr-'));
    site = await startSite(dir);
    api = await startApiProcess({
      entry: 'start',
      env: { CAMPAIGN_ADMIN_TOKEN: TOKEN, CAMPAIGN_RATE_LIMIT: 'off' },
    });
    // A quote approved just now: the wall's newest.
    words = `Hills and rivers, one city ${stamp}`;
    const campaign = await json(`${base()}`);
    const sent = await json(`${base()}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `ssr-${stamp}` },
      body: JSON.stringify({
        message: words,
        displayName: 'SSR Reader',
        anonymous: false,
        district: null,
        email: null,
        consentGiven: true,
        consentVersion: campaign.consent.version,
        publishPermission: true,
        photoPermission: false,
        locale: 'en',
      }),
    });
    await json(`${base()}/submissions/${sent.id}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    b = await scriptlessBrowser(dir);
  });
  after(async () => {
    await b?.close();
    await api?.stop?.();
    await site?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const lang of ['en', 'zh-Hans']) {
    test(`shows the teaser, the credited photo and the latest quote in ${lang}`, async () => {
      const [story] = (await json(`${base()}/stories?locale=${lang}`)).items;
      const photo = await json(`${base()}/photos/${story.photoId}?locale=${lang}`);
      const credit =
        lang === 'en'
          ? `Photo/${photo.credit.photographer} from ${photo.credit.organization}`
          : `${photo.credit.organization} ${photo.credit.photographer} 摄`;
      const url = await writePage(lang, story.id, photo.id);
      for (const [size, width, height] of [
        ['phone', 390, 844],
        ['desktop', 1280, 900],
      ]) {
        const p = await b.newPage({ width, height });
        await p.goto(url);
        await waitFor(p, `() => !!document.querySelector('campaign-photo')?.shadowRoot`, [], {
          what: 'declarative shadow roots',
        });
        const seen = await p.eval(`() => {
          const teaser = document.querySelector('campaign-story-teaser').shadowRoot;
          const photo = document.querySelector('main > .grid > campaign-photo').shadowRoot;
          const wall = document.querySelector('campaign-quote-wall');
          const img = photo.querySelector('img[part=image]');
          const box = img.getBoundingClientRect();
          return {
            scriptsOff: !!document.getElementById('no-script') && customElements.get('campaign-photo') === undefined,
            headline: teaser.querySelector('[part=headline] a')?.textContent.trim(),
            href: teaser.querySelector('[part=headline] a')?.getAttribute('href'),
            credit: photo.querySelector('[part=credit]')?.textContent.trim(),
            creditShown: photo.querySelector('[part=credit]')?.getBoundingClientRect().height > 0,
            imageShown: getComputedStyle(img).opacity === '1' && box.width > 0 && box.height > 0,
            wallText: (wall.shadowRoot.textContent + ' ' + wall.textContent).replace(/\\s+/g, ' '),
            wallShown: wall.getBoundingClientRect().height > 0,
            lang: document.querySelector('campaign-story-teaser').getAttribute('lang'),
          };
        }`);
        assert.equal(seen.scriptsOff, true, 'page scripts are off and no widget is defined');
        assert.equal(seen.headline, story.headline);
        assert.equal(seen.href, story.url);
        assert.equal(seen.credit, credit);
        assert.ok(seen.creditShown, 'the credit is visible');
        assert.ok(seen.imageShown, 'the photo is visible');
        assert.ok(seen.wallText.includes(words), 'the newest approved quote');
        assert.ok(seen.wallShown);
        assert.equal(seen.lang, lang);
        if (ENGINE === 'chromium') await p.screenshot(`/tmp/ssr-${lang.toLowerCase()}-${size}.png`);
        await p.close();
      }
    });
  }
});

/** Layout shifts from the first paint, kept on `window.__shifts` (null: no such API). */
const SHIFTS = `<script>(function () {
  var shifts = (window.__shifts = []);
  if (!window.PerformanceObserver || !PerformanceObserver.supportedEntryTypes.includes('layout-shift')) return void (window.__shifts = null);
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) { if (!e.hadRecentInput) shifts.push({ value: e.value, time: Math.round(e.startTime) }); });
  }).observe({ type: 'layout-shift', buffered: true });
})();</script>`;

describe(`server-rendered widgets taken over by the script in ${ENGINE}`, () => {
  let api;
  let site;
  let b;
  let dir;
  let words;
  const base = () => `${api.url}/v1/campaigns/${CAMPAIGN}`;
  const post = async (path, body, headers = {}) => {
    const response = await fetch(`${base()}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${path}: ${response.status} ${text}`);
    return JSON.parse(text);
  };
  /** A reader's quote, sent and approved. */
  const publish = async (message) => {
    const campaign = await (await fetch(base())).json();
    const sent = await post(
      '/submissions',
      {
        message,
        displayName: 'Hydration Reader',
        anonymous: false,
        district: null,
        email: null,
        consentGiven: true,
        consentVersion: campaign.consent.version,
        publishPermission: true,
        photoPermission: false,
        locale: 'en',
      },
      { 'idempotency-key': `ssr-js-${message.length}-${Date.now()}` },
    );
    await post(`/submissions/${sent.id}/approve`, {}, { authorization: `Bearer ${TOKEN}` });
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-e2e-ssr-js-'));
    site = await startSite(dir);
    api = await startApiProcess({
      entry: 'start',
      env: { CAMPAIGN_ADMIN_TOKEN: TOKEN, CAMPAIGN_RATE_LIMIT: 'off' },
    });
    words = `Before the snapshot ${stamp}`;
    await publish(words);
    b = await openBrowser(ENGINE);
  });
  after(async () => {
    await b?.close();
    await api?.stop?.();
    await site?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('keeps what the reader sees and typed, asks again for nothing, and the wall goes live from its snapshot', async (t) => {
    const lang = 'en';
    const [story] = (await (await fetch(`${base()}/stories?locale=${lang}`)).json()).items;
    const get = async (path) => (await fetch(`${base()}/html/${path}&lang=${lang}`)).text();
    const parts = await Promise.all([
      get(`story-teaser?story=${story.id}`),
      get(`photo?photo=${story.photoId}`),
      get('submission-form?return=https%3A%2F%2Fpartner.example%2F'),
      get('quote-wall?limit=3'),
    ]);
    writeFileSync(
      join(dir, 'ssr-js.html'),
      `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Partner page</title><link rel="icon" href="data:,">${SHIFTS}
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem}
.grid{display:grid;gap:1.5rem;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr))}</style></head>
<body><main><h1>Partner article</h1>
<div class="grid">${parts[0]}${parts[1]}</div>
${parts[2]}
${parts[3]}
</main>
<script>window.loadWidgets = function () {
  var s = document.createElement('script');
  s.src = ${JSON.stringify(`${api.url}/campaign-widgets.iife.js`)};
  document.head.append(s);
};</script></body></html>`,
    );
    const p = await b.newPage({ width: 1280, height: 900 });
    await p.goto(`${site.url}/ssr-js.html`);
    // Before the script: the reader starts writing in the server-rendered form.
    const typed = 'Typed before the script arrived, and kept.';
    await p.click('campaign-submission-form >>> #message');
    await p.type(typed);
    assert.equal(await p.eval(`() => !customElements.get('campaign-submission-form')`), true);
    const before = await p.eval(`() => performance.getEntriesByType('resource').length`);
    await p.eval(`() => window.loadWidgets()`);
    await waitFor(
      p,
      `() => ['campaign-story-teaser', 'campaign-photo', 'campaign-submission-form', 'campaign-quote-wall'].every((t) => customElements.get(t) && document.querySelector(t).hasUpdated)`,
      [],
      { timeout: 15000, what: 'every widget defined and rendered' },
    ).catch(async (error) => {
      // The wall below the first screen renders once the page is idle or it is near.
      await p.eval(`() => document.querySelector('campaign-quote-wall').scrollIntoView()`);
      throw error;
    });
    const seen = await p.eval(`() => ({
      message: deep('campaign-submission-form >>> #message').value,
      terms: !!deep('campaign-submission-form >>> #consentGiven-hint a'),
      headline: deep('campaign-story-teaser >>> [part=headline] a')?.textContent.trim(),
      credit: deep('campaign-photo >>> [part=credit]')?.textContent.trim(),
      image: getComputedStyle(deep('campaign-photo >>> img[part=image]')).opacity,
      quotes: deep('campaign-quote-wall >>> blockquote', true).map((q) => q.textContent),
      asked: performance.getEntriesByType('resource').slice(${before}).map((e) => e.name),
    })`);
    assert.equal(seen.message, typed, 'what the reader typed is kept');
    assert.ok(seen.terms, 'the form has the campaign’s terms from its snapshot');
    assert.equal(seen.headline, story.headline);
    assert.match(seen.credit, /^Photo\//);
    assert.equal(seen.image, '1', 'the photo stays on screen');
    assert.equal(seen.quotes.filter((q) => q === words).length, 1);
    // Nothing the snapshots held is read again: no story, photo record, campaign or page of quotes.
    const again = seen.asked.filter((url) =>
      /\/stories\/|\/photos\/[^/?]+\?|\/campaigns\/[^/?]+\?|\/quotes\?/.test(url),
    );
    assert.deepEqual(again, [], 'read again');
    // A quote approved after the snapshot reaches the wall, once.
    const later = `After the snapshot ${stamp}`;
    await publish(later);
    await waitFor(
      p,
      `(w) => deep('campaign-quote-wall >>> blockquote', true).some((q) => q.textContent === w)`,
      [later],
      { timeout: 15000, what: 'the quote approved after the snapshot' },
    );
    await new Promise((r) => setTimeout(r, 1000));
    const quotes = await p.eval(
      `() => deep('campaign-quote-wall >>> blockquote', true).map((q) => q.textContent)`,
    );
    assert.equal(quotes.filter((q) => q === later).length, 1, 'once');
    assert.equal(quotes.filter((q) => q === words).length, 1, 'the snapshot’s quote once');
    const shifts = await p.eval(`() => window.__shifts`);
    if (shifts === null)
      t.diagnostic(`${ENGINE} has no Layout Instability API: layout shift not measured`);
    else assert.deepEqual(shifts, [], 'layout shifts while the script took over');
    if (ENGINE === 'chromium') await p.screenshot('/tmp/ssr-js-en-desktop.png');
    await p.close();
  });
});
