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

/** A reader's quote sent to the API at `apiUrl` and approved by staff: the wall's newest. */
async function publish(apiUrl, message, displayName) {
  const base = `${apiUrl}/v1/campaigns/${CAMPAIGN}`;
  const json = async (path, init) => {
    const response = await fetch(`${base}${path}`, init);
    const body = await response.text();
    assert.ok(response.ok, `${path}: ${response.status} ${body}`);
    return JSON.parse(body);
  };
  const campaign = await json('');
  const sent = await json('/submissions', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': `ssr-${stamp}-${message.length}-${Date.now()}`,
    },
    body: JSON.stringify({
      message,
      displayName,
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
  await json(`/submissions/${sent.id}/approve`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
  });
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
    await publish(api.url, words, 'SSR Reader');
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
    list.getEntries().forEach(function (e) {
      if (e.hadRecentInput) return;
      shifts.push({ value: e.value, time: Math.round(e.startTime), sources: (e.sources || []).map(function (s) {
        var n = s.node, r = function (b) { return [b.x, b.y, b.width, b.height].map(Math.round).join(','); };
        return (n ? n.nodeName + (n.id ? '#' + n.id : '') : '?') + ' ' + r(s.previousRect) + ' → ' + r(s.currentRect);
      }) });
    });
  }).observe({ type: 'layout-shift', buffered: true });
})();</script>`;

describe(`server-rendered widgets taken over by the script in ${ENGINE}`, () => {
  let api;
  let site;
  let b;
  let dir;
  let words;
  const base = () => `${api.url}/v1/campaigns/${CAMPAIGN}`;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-e2e-ssr-js-'));
    site = await startSite(dir);
    api = await startApiProcess({
      entry: 'start',
      env: { CAMPAIGN_ADMIN_TOKEN: TOKEN, CAMPAIGN_RATE_LIMIT: 'off' },
    });
    words = `Before the snapshot ${stamp}`;
    await publish(api.url, words, 'Hydration Reader');
    b = await openBrowser(ENGINE);
  });
  after(async () => {
    await b?.close();
    await api?.stop?.();
    await site?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The partner page: the four fragments, and the script in `<head>` or loaded later. */
  async function writePage(lang, placement) {
    const [story] = (await (await fetch(`${base()}/stories?locale=${lang}`)).json()).items;
    const get = async (path) => (await fetch(`${base()}/html/${path}&lang=${lang}`)).text();
    const parts = await Promise.all([
      get(`story-teaser?story=${story.id}`),
      get(`photo?photo=${story.photoId}`),
      get('submission-form?return=https%3A%2F%2Fpartner.example%2F'),
      get('quote-wall?limit=3'),
    ]);
    const script = `${api.url}/campaign-widgets.iife.js`;
    const name = `ssr-js-${placement}.html`;
    writeFileSync(
      join(dir, name),
      `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Partner page</title><link rel="icon" href="data:,">${SHIFTS}
${placement === 'head' ? `<script src="${script}"></script>` : ''}
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem}
.grid{display:grid;gap:1.5rem;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr))}</style></head>
<body><main><h1>Partner article</h1>
<div class="grid">${parts[0]}${parts[1]}</div>
${parts[2]}
${parts[3]}
</main>
<script>window.loadWidgets = function () {
  var s = document.createElement('script');
  s.src = ${JSON.stringify(script)};
  document.head.append(s);
};</script></body></html>`,
    );
    return { url: `${site.url}/${name}`, story };
  }

  const RENDERED = `() => ['campaign-story-teaser', 'campaign-photo', 'campaign-submission-form', 'campaign-quote-wall'].every((t) => customElements.get(t) && document.querySelector(t).hasUpdated)`;
  const SEEN = `() => ({
    focused: document.activeElement?.localName + '>' + document.activeElement?.shadowRoot?.activeElement?.id,
    caret: deep('campaign-submission-form >>> #message').selectionStart,
    message: deep('campaign-submission-form >>> #message').value,
    terms: !!deep('campaign-submission-form >>> #consentGiven-hint a'),
    headline: deep('campaign-story-teaser >>> [part=headline] a')?.textContent.trim(),
    credit: deep('campaign-photo >>> [part=credit]')?.textContent.trim(),
    image: getComputedStyle(deep('campaign-photo >>> img[part=image]')).opacity,
    teaserImage: getComputedStyle(deep('campaign-story-teaser >>> campaign-photo >>> img')).opacity,
    quotes: deep('campaign-quote-wall >>> blockquote', true).map((q) => q.textContent),
    buttons: getComputedStyle(deep('campaign-quote-wall >>> [part=controls] button')).visibility,
    asked: performance.getEntriesByType('resource').map((e) => e.name),
  })`;
  /** Reads of what a snapshot held: a story, a photo record, the campaign, a page of quotes. */
  const readAgain = (urls) =>
    urls.filter((url) =>
      /\/stories\/|\/photos\/[^/?]+\?|\/campaigns\/[^/?]+\?|\/quotes\?/.test(url),
    );

  /** After the takeover: a quote approved since the snapshot reaches the wall once. */
  async function laterQuoteOnce(p) {
    const later = `After the snapshot ${stamp} ${Math.random().toString(36).slice(2, 8)}`;
    await publish(api.url, later, 'Hydration Reader');
    await waitFor(
      p,
      `(w) => deep('campaign-quote-wall >>> blockquote', true).some((q) => q.textContent === w)`,
      [later],
      { timeout: 15000, what: 'the quote approved after the snapshot' },
    );
    await new Promise((r) => setTimeout(r, 1000));
    const seen = await p.eval(SEEN);
    assert.equal(seen.quotes.filter((q) => q === later).length, 1, 'once');
    assert.equal(seen.quotes.filter((q) => q === words).length, 1, 'the snapshot’s quote once');
    assert.deepEqual(readAgain(seen.asked), [], 'read again by the end');
  }

  async function noShifts(p, t) {
    const shifts = await p.eval(`() => window.__shifts`);
    if (shifts === null)
      t.diagnostic(`${ENGINE} has no Layout Instability API: layout shift not measured`);
    else assert.deepEqual(shifts, [], 'layout shifts while the script took over');
  }

  test('loaded later: keeps what the reader sees, typed and focused, reads nothing again, and the wall goes live from its snapshot', async (t) => {
    const { url, story } = await writePage('en', 'later');
    const p = await b.newPage({ width: 1280, height: 900 });
    await p.goto(url);
    // Before the script: the reader starts writing in the server-rendered form.
    const typed = 'Typed before the script arrived, and kept.';
    await p.click('campaign-submission-form >>> #message');
    await p.type(typed);
    assert.equal(await p.eval(`() => !customElements.get('campaign-submission-form')`), true);
    assert.equal((await p.eval(SEEN)).buttons, 'hidden', 'the wall’s buttons wait for the script');
    await p.eval(`() => window.loadWidgets()`);
    await waitFor(p, RENDERED, [], { timeout: 15000, what: 'every widget taken over' });
    const seen = await p.eval(SEEN);
    assert.equal(seen.message, typed, 'what the reader typed is kept');
    assert.equal(seen.focused, 'campaign-submission-form>message', 'the field keeps the focus');
    assert.equal(seen.caret, typed.length, 'and the caret');
    assert.ok(seen.terms, 'the form has the campaign’s terms from its snapshot');
    assert.equal(seen.headline, story.headline);
    assert.match(seen.credit, /^Photo\//);
    assert.equal(seen.image, '1', 'the photo stays on screen');
    assert.equal(seen.teaserImage, '1', 'the teaser’s photo stays on screen');
    assert.equal(seen.buttons, 'visible');
    assert.equal(seen.quotes.filter((q) => q === words).length, 1);
    assert.deepEqual(readAgain(seen.asked), [], 'read again');
    // The reader types on without a key lost.
    await p.type(' More.');
    assert.equal((await p.eval(SEEN)).message, `${typed} More.`);
    await laterQuoteOnce(p);
    await noShifts(p, t);
    if (ENGINE === 'chromium') await p.screenshot('/tmp/ssr-js-en-desktop.png');
    // The next page starts without this reader's draft (its restore would change the
    // form's count under the test's layout-shift watch).
    await p.eval(`() => new Promise((done) => {
      const open = indexedDB.open('campaign-widgets', 1);
      open.onerror = done;
      open.onsuccess = () => {
        const tx = open.result.transaction('drafts', 'readwrite');
        tx.objectStore('drafts').clear();
        tx.oncomplete = tx.onerror = () => (open.result.close(), done());
      };
    })`);
    await p.close();
  });

  test('in <head>, defined before the page is parsed: takes over all the same', async (t) => {
    const { url, story } = await writePage('en', 'head');
    const p = await b.newPage({ width: 1280, height: 900 });
    await p.goto(url);
    await waitFor(p, RENDERED, [], { timeout: 15000, what: 'every widget taken over' });
    // Taken over before its image had arrived, the photo shows it once it has.
    await waitFor(
      p,
      `() => getComputedStyle(deep('campaign-photo >>> img[part=image]')).opacity === '1'`,
      [],
      {
        what: 'the photo',
      },
    );
    const seen = await p.eval(SEEN);
    assert.equal(seen.headline, story.headline);
    assert.ok(seen.terms);
    assert.equal(seen.quotes.filter((q) => q === words).length, 1);
    assert.deepEqual(readAgain(seen.asked), [], 'read again');
    // No server render was dropped: no template left in the light DOM.
    assert.equal(await p.eval(`() => document.querySelectorAll('main template').length`), 0);
    await laterQuoteOnce(p);
    await noShifts(p, t);
    await p.close();
  });
});
