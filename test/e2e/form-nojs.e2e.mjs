// The form without JavaScript: a partner page holding the form as the server renders it
// (campaign-widgets/ssr: Declarative Shadow DOM, from the campaign's snapshot), on an
// origin the campaign allows, in a browser with page scripts off (Chromium: scripts
// disabled for the tab; WebKit: MiniBrowser with JavaScript in markup off). The reader
// posts words with a photo and sees the API's thank-you page with a link back; the same
// page posted twice stores one submission; a bad post shows the errors beside the fields
// with the text kept. Phone-width screenshots in both locales go to /tmp/nojs-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { startApiProcess } from '../../scripts/api-process.mjs';
import { ENGINE, PHOTO } from './support/context.mjs';
import { openBrowser, waitFor } from './support/driver.mjs';
import { ROOT } from './support/servers.mjs';

const CAMPAIGN = 'spirit-of-chongqing';
const TOKEN = 'e2e-nojs-token-7d20e1';
const FORM = 'campaign-submission-form';
const stamp = `${ENGINE}-${Date.now().toString(36)}`;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe's WCAG 2.2 A and AA rules on the API's page (Chromium: run over DevTools, page scripts off). */
async function axeViolations(p) {
  // axe waits on timers, which do not run while the tab's scripts are off: on for axe
  // alone (the page itself holds no script), then off again.
  await p.raw.setJavaScriptEnabled(true);
  await p.raw.evaluate(AXE);
  const violations = await p.raw.evaluate(async () => {
    const result = await globalThis.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`);
  });
  await p.raw.setJavaScriptEnabled(false);
  return violations;
}

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
  // MiniBrowser takes WebKit settings as options: JavaScript in markup off, the
  // automation's scripts on.
  const wrapper = join(dir, 'minibrowser-nojs');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec "${process.env.E2E_MINIBROWSER}" "$@" --enable-javascript-markup=false\n`,
  );
  chmodSync(wrapper, 0o755);
  return openBrowser('webkit', { ...process.env, E2E_MINIBROWSER: wrapper });
}

describe(`the form without JavaScript in ${ENGINE}`, () => {
  let api;
  let site;
  let b;
  let dir;

  const staffGet = async (path) => {
    const response = await fetch(`${api.url}/v1/campaigns/${CAMPAIGN}${path}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(response.status, 200);
    return response.json();
  };
  const stored = async (message) =>
    (await staffGet('/submissions?limit=100')).items.filter((s) => s.message === message);

  /** Writes the partner page with the form rendered on the server, in `lang`. */
  async function writePage(name, lang) {
    const { renderWidget } = await import(pathToFileURL(join(ROOT, 'lib', 'ssr', 'index.js')));
    const snapshot = await (
      await fetch(`${api.url}/v1/campaigns/${CAMPAIGN}?locale=${lang}`)
    ).json();
    const url = `${site.url}/${name}`;
    const form = await renderWidget(FORM, {
      attributes: { api: api.url, campaign: CAMPAIGN, 'return-url': url },
      snapshot,
      locale: lang,
      content: `<h2>${lang === 'en' ? 'Tell us' : '说说您的想法'}</h2>`,
    });
    writeFileSync(
      join(dir, name),
      `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Partner page</title><link rel="icon" href="data:,"></head>
<body><main><h1>Partner article</h1>
<noscript><p id="no-script">Scripts are off</p></noscript>
${form}
</main></body></html>`,
    );
    return url;
  }

  const title = (p) => p.eval(`() => document.title`);
  const untilTitle = (p, pattern) =>
    waitFor(p, `(re) => new RegExp(re).test(document.title)`, [pattern], {
      timeout: 20000,
      what: `a page titled ${pattern}`,
    });

  /** Opens the page, checks it runs no script and holds the rendered form, and fills it. */
  async function fill(
    p,
    url,
    { message, name = 'No-script Reader', photo = false, consent = true },
  ) {
    await p.goto(url);
    await waitFor(
      p,
      `() => !!document.querySelector('${FORM}')?.shadowRoot?.querySelector('form')`,
      [],
      {
        what: 'the server-rendered form',
      },
    );
    assert.equal(
      await p
        .eval(
          `() => [!!document.getElementById('no-script'), customElements.get('${FORM}') === undefined]`,
        )
        .then(String),
      'true,true',
      'page scripts are off and the widget is not defined',
    );
    await p.click(`${FORM} >>> #message`);
    await p.type(message);
    await p.click(`${FORM} >>> #displayName`);
    await p.type(name);
    if (photo) {
      await p.uploadFile(`${FORM} >>> #photo`, PHOTO);
      await p.click(`${FORM} >>> #photoPermission`);
    }
    if (consent) await p.click(`${FORM} >>> #consentGiven`);
    await p.click(`${FORM} >>> #publishPermission`);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-e2e-nojs-'));
    site = await startSite(dir);
    api = await startApiProcess({
      entry: 'start',
      env: {
        CAMPAIGN_ADMIN_TOKEN: TOKEN,
        CAMPAIGN_RATE_LIMIT: 'off',
        CAMPAIGN_ALLOWED_ORIGINS: site.url,
      },
    });
    b = await scriptlessBrowser(dir);
  });
  after(async () => {
    await b?.close();
    await api?.stop?.();
    await site?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('posts words with a photo, thanks with a link back, and the same page posted twice stores one', async () => {
    const url = await writePage('form-en.html', 'en');
    const message = `Without scripts the city still speaks ${stamp}.`;
    const p = await b.newPage({ width: 390, height: 844 });
    await fill(p, url, { message, photo: true });
    if (ENGINE === 'chromium') await p.screenshot('/tmp/nojs-form-en.png');
    await p.click(`${FORM} >>> #send`);
    await untilTitle(p, '^Thank you$');
    assert.equal(await p.eval(`() => document.documentElement.lang`), 'en');
    assert.equal(await p.eval(`() => document.querySelector('main a')?.href`), url);
    if (ENGINE === 'chromium') {
      await p.screenshot('/tmp/nojs-thanks-en.png');
      assert.deepEqual(await axeViolations(p), []);
    }
    let rows = await stored(message);
    assert.equal(rows.length, 1);
    assert.ok(rows[0].photoId, 'the photo is stored with the words');

    // The same page again (the same key, as a reload or the back button gives it).
    await fill(p, url, { message, photo: true });
    await p.click(`${FORM} >>> #send`);
    await untilTitle(p, '^Thank you$');
    rows = await stored(message);
    assert.equal(rows.length, 1, 'posted twice, stored once');
    await p.close();
  });

  test('a bad post shows the errors beside the fields with the text kept, in both locales', async () => {
    for (const lang of ['en', 'zh-Hans']) {
      const url = await writePage(`bad-${lang.toLowerCase()}.html`, lang);
      const short = lang === 'en' ? 'Short <b>' : '太短了';
      const p = await b.newPage({ width: 390, height: 844 });
      await fill(p, url, { message: short, consent: false });
      await p.click(`${FORM} >>> #send`);
      await untilTitle(p, lang === 'en' ? '^There is a problem' : '^提交时遇到问题');
      const seen = await p.eval(`() => ({
        lang: document.documentElement.lang,
        kept: document.getElementById('message').value,
        name: document.getElementById('displayName').value,
        links: [...document.querySelectorAll('#summary a')].map((a) => a.getAttribute('href')),
        described: document.getElementById('message').getAttribute('aria-describedby'),
        // Not named error: WebDriver clients read a result's error key as a failed command.
        errorText: document.getElementById('message-error')?.textContent.trim(),
        focused: document.activeElement?.id,
      })`);
      assert.equal(seen.lang, lang);
      assert.equal(seen.kept, short);
      assert.equal(seen.name, 'No-script Reader');
      assert.deepEqual(seen.links, ['#message', '#consentGiven']);
      assert.equal(seen.described, 'message-hint message-error');
      assert.match(seen.errorText, lang === 'en' ? /at least 10 characters/ : /至少 10 个字符/);
      if (ENGINE === 'chromium') {
        await p.screenshot(`/tmp/nojs-error-${lang}.png`);
        assert.deepEqual(await axeViolations(p), []);
        assert.equal(seen.focused, 'summary', 'the error summary has focus');
        if (lang === 'zh-Hans') {
          // Put right on the error page itself, sent from there: thanked in Chinese.
          await p.click('#message');
          await p.type('，但重庆人从不放弃，一起爬坡上坎。');
          await p.click('#consentGiven');
          await p.click('button[type=submit]');
          await untilTitle(p, '^谢谢$');
          await p.screenshot('/tmp/nojs-thanks-zh-Hans.png');
          assert.equal((await stored(`${short}，但重庆人从不放弃，一起爬坡上坎。`)).length, 1);
        }
      }
      assert.ok(!(await title(p)).startsWith('Thank'));
      await p.close();
    }
  });
});
