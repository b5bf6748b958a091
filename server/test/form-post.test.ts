/**
 * A browser's plain post of the submission form, over real HTTP: the fields by their
 * wire names, the key as a field, and an HTML page back in the reader's language.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_CAMPAIGN } from '../src/demo/content.js';
import { FORM_BODY_LIMIT, FORM_FIELD_LIMIT } from '../src/routes/submission-page.js';
import { PAGE_CSP } from '../src/routes/pages.js';
import type { RunningServer } from '../src/app.js';
import { API, CAMPAIGN, countRows, jpegWithGps, makeServer, newKey, noisyJpeg } from './helpers.js';

const PARTNER = 'https://partner.example';
const RETURN = `${PARTNER}/news/spirit?ref=form#call`;
const MESSAGE = 'Chongqing people climb every hill together & never give up <b>ever</b>.';

/** The form's fields as a browser sends them (ticked boxes as `on`). */
function fields(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const all: Record<string, string | undefined> = {
    message: MESSAGE,
    displayName: 'Test Reader',
    district: 'yuzhong',
    email: '',
    consentGiven: 'on',
    consentVersion: DEMO_CAMPAIGN.consentVersion,
    publishPermission: 'on',
    website: '',
    idempotencyKey: newKey(),
    return: RETURN,
    lang: 'en',
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined),
  );
}

interface Page {
  status: number;
  headers: Headers;
  text: string;
}

async function post(
  server: RunningServer,
  form: Record<string, string>,
  options: { photo?: Buffer; urlencoded?: boolean; headers?: Record<string, string> } = {},
): Promise<Page> {
  let body: FormData | URLSearchParams;
  if (options.urlencoded) body = new URLSearchParams(form);
  else {
    body = new FormData();
    for (const [name, value] of Object.entries(form)) body.append(name, value);
    if (options.photo) {
      body.append('photo', new Blob([options.photo], { type: 'image/jpeg' }), 'me.jpg');
    } else body.append('photo', new Blob([], { type: 'application/octet-stream' }), '');
  }
  const response = await fetch(`${server.url}${API}/submissions`, {
    method: 'POST',
    body,
    headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', ...options.headers },
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const hrefs = (html: string) => [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
const hidden = (html: string, name: string) =>
  new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1];

describe('a plain post of the form', () => {
  let server: RunningServer;
  before(async () => {
    server = await makeServer({ allowedOrigins: [PARTNER], maxEventLoopDelayMs: false });
  });
  after(() => server.close());

  test('thanks in English, with the strict CSP and a link back to the partner page', async () => {
    const rows = await countRows(server.app);
    const page = await post(server, fields());
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.equal(csp.replace(/ 'sha256-[^']+'/, ''), PAGE_CSP);
    assert.match(page.text, /<html lang="en">/);
    assert.match(page.text, /<title>Thank you<\/title>/);
    assert.match(page.text, /<h1>Thank you<\/h1>/);
    assert.match(page.text, /The newsroom will review your words/);
    assert.deepEqual(hrefs(page.text), [RETURN.replace('&', '&amp;')]);
    assert.equal(await countRows(server.app), rows + 1);
    const [stored] = (await server.app.store.listSubmissions(CAMPAIGN, { limit: 1 })).items;
    assert.equal(stored.message, MESSAGE);
    assert.equal(stored.locale, 'en');
    assert.equal(stored.district, 'yuzhong');
  });

  test('thanks in Chinese by the lang field, and by Accept-Language without it', async () => {
    const zh = await post(server, fields({ lang: 'zh-Hans' }));
    assert.equal(zh.status, 200);
    assert.match(zh.text, /<html lang="zh-Hans">/);
    assert.match(zh.text, /<h1>谢谢<\/h1>/);
    assert.match(zh.text, /编辑部审核后/);
    assert.match(zh.text, />返回您来时的页面</);
    const byHeader = await post(server, fields({ lang: undefined }), {
      urlencoded: true,
      headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' },
    });
    assert.equal(byHeader.status, 200);
    assert.match(byHeader.text, /<html lang="zh-Hans">/);
    // The header's weights count: Chinese refused with q=0 gives English, not Chinese.
    const weighed = await post(server, fields({ lang: undefined }), {
      urlencoded: true,
      headers: { 'accept-language': 'zh-CN;q=0, fr;q=0.9, en;q=0.5' },
    });
    assert.equal(weighed.status, 200);
    assert.match(weighed.text, /<html lang="en">/);
  });

  test('the same key posted twice stores one submission and thanks twice', async () => {
    const form = fields({ message: 'Posted twice from one page, stored only once here.' });
    const rows = await countRows(server.app);
    const first = await post(server, form);
    const second = await post(server, form);
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.match(second.text, /<h1>Thank you<\/h1>/);
    assert.equal(await countRows(server.app), rows + 1);
    // Form-encoded with the same key: still the one.
    assert.equal((await post(server, form, { urlencoded: true })).status, 200);
    assert.equal(await countRows(server.app), rows + 1);
  });

  test('a bad post shows the form again: errors beside fields, text kept and escaped, same key', async () => {
    const rows = await countRows(server.app);
    const form = fields({ message: 'short <i>', displayName: '', consentGiven: undefined });
    const page = await post(server, form);
    assert.equal(page.status, 400);
    assert.match(page.text, /<html lang="en">/);
    assert.match(page.text, /<title>There is a problem – /);
    assert.match(page.text, /role="alert"[^>]*aria-labelledby="summary-title"/);
    assert.deepEqual(hrefs(page.text).slice(0, 3), ['#message', '#displayName', '#consentGiven']);
    assert.match(page.text, /<p class="error" id="message-error">.*at least 10 characters/);
    assert.match(
      page.text,
      /<textarea id="message" name="message" rows="6" aria-describedby="message-hint message-error" aria-invalid="true">short &lt;i&gt;<\/textarea>/,
    );
    assert.doesNotMatch(page.text, /<i>/);
    assert.match(page.text, /id="consentGiven-error"/);
    assert.match(page.text, /name="publishPermission" checked/);
    assert.doesNotMatch(page.text, /name="consentGiven"[^>]* checked/);
    assert.equal(hidden(page.text, 'idempotencyKey'), form.idempotencyKey);
    assert.equal(hidden(page.text, 'return'), RETURN.replace('&', '&amp;'));
    assert.match(page.text, /<option value="yuzhong" selected>/);
    assert.equal(await countRows(server.app), rows);
    // In Chinese too.
    const zh = await post(server, { ...form, lang: 'zh-Hans' });
    assert.match(zh.text, /<h2 id="summary-title">提交时遇到问题<\/h2>/);
    assert.match(zh.text, /请再多写一些：至少 10 个字符。/);
  });

  test('a return URL on an origin nobody allowed gets no link, nor does a script URL', async () => {
    for (const bad of [
      'https://evil.example/phish',
      'javascript:alert(1)',
      `https://user@${PARTNER.slice(8)}/`,
    ]) {
      const page = await post(server, fields({ return: bad }));
      assert.equal(page.status, 200);
      assert.deepEqual(hrefs(page.text), [], bad);
      assert.doesNotMatch(page.text, /evil|javascript/);
      assert.match(page.text, /You can close this page now/);
    }
  });

  test('a filled-in honeypot is thanked the same, and nothing is stored', async () => {
    const rows = await countRows(server.app);
    const page = await post(server, fields({ website: 'http://spam.example' }));
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1>Thank you<\/h1>/);
    assert.equal(await countRows(server.app), rows);
  });

  test('a photo sent with the form is stored, re-encoded without its GPS data', async () => {
    const form = fields({ message: 'With a photo of the steps by the river at dusk.' });
    const page = await post(
      server,
      { ...form, photoPermission: 'on' },
      {
        photo: await jpegWithGps(),
      },
    );
    assert.equal(page.status, 200, page.text);
    const [stored] = (await server.app.store.listSubmissions(CAMPAIGN, { limit: 1 })).items;
    assert.equal(stored.message, form.message);
    assert.ok(stored.photoId, 'the photo is stored with the submission');
    assert.equal(stored.photoPermission, true);
  });

  test('without a key: nothing stored, the form back with the text and a key of its own', async () => {
    const rows = await countRows(server.app);
    const page = await post(server, fields({ idempotencyKey: undefined }));
    assert.equal(page.status, 400);
    assert.match(page.text, /Please check it and send it again/);
    assert.ok(/^[\x21-\x7e]{8,200}$/.test(hidden(page.text, 'idempotencyKey') ?? ''));
    assert.match(page.text, /climb every hill together &amp; never give up &lt;b&gt;/);
    assert.equal(await countRows(server.app), rows);
  });

  test('a huge field is refused (413) with its text kept up to the limit, in both ways', async () => {
    const rows = await countRows(server.app);
    const huge = `${'重庆'.repeat(20_000)}END`;
    for (const urlencoded of [false, true]) {
      const page = await post(server, fields({ message: huge, lang: 'zh-Hans' }), { urlencoded });
      assert.equal(page.status, 413);
      assert.match(page.text, /<html lang="zh-Hans">/);
      assert.match(page.text, /已在上限处截断/);
      const kept = /<textarea[^>]*>([^<]*)<\/textarea>/.exec(page.text)![1];
      assert.ok(kept.startsWith('重庆重庆'));
      assert.ok(Buffer.byteLength(kept) <= FORM_FIELD_LIMIT && Buffer.byteLength(kept) > 1000);
      assert.doesNotMatch(page.text, /END/);
    }
    // A form-encoded body over the whole limit: refused as well.
    const big = await post(server, fields({ email: 'x'.repeat(FORM_BODY_LIMIT + 10) }), {
      urlencoded: true,
    });
    assert.equal(big.status, 413);
    assert.equal(await countRows(server.app), rows);
  });

  test('a photo over the limit is refused beside its field, the words kept', async () => {
    const small = await makeServer({ allowedOrigins: [PARTNER], maxEventLoopDelayMs: false });
    try {
      await small.app.store.putCampaign({
        ...DEMO_CAMPAIGN,
        limits: { ...DEMO_CAMPAIGN.limits, photoMaxBytes: 20_000 },
      });
      await small.app.campaigns.reload();
      const rows = await countRows(small.app);
      const page = await post(small, fields(), { photo: await noisyJpeg(400, 400) });
      assert.equal(page.status, 413);
      assert.match(page.text, /id="photo-error"/);
      assert.match(page.text, /climb every hill/);
      assert.equal(await countRows(small.app), rows);
    } finally {
      await small.close();
    }
  });

  test('JSON clients keep their answers', async () => {
    const response = await fetch(`${server.url}${API}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': newKey() },
      body: 'message=hello',
    });
    assert.equal(response.status, 415);
    assert.match(response.headers.get('content-type') ?? '', /json/);
    const multipartWithoutKey = new FormData();
    multipartWithoutKey.append('data', '{}');
    const noKey = await fetch(`${server.url}${API}/submissions`, {
      method: 'POST',
      body: multipartWithoutKey,
    });
    assert.equal(noKey.status, 400);
    assert.equal(((await noKey.json()) as { code: string }).code, 'idempotency_key_required');
  });

  test('a page from an origin that may not send is refused with a page', async () => {
    const page = await post(server, fields(), { headers: { origin: 'https://evil.example' } });
    assert.equal(page.status, 403);
    assert.match(page.text, /may not send words to this campaign/);
    assert.deepEqual(hrefs(page.text), []);
  });
});

describe('a flood of plain posts', () => {
  let server: RunningServer;
  before(async () => {
    server = await makeServer({
      allowedOrigins: [PARTNER],
      maxEventLoopDelayMs: false,
      rateLimit: { max: 3, windowMs: 60_000 },
    });
  });
  after(() => server.close());

  test('hits the same rate limit as scripts: a 429 page with Retry-After, nothing stored', async () => {
    const rows = await countRows(server.app);
    const statuses: number[] = [];
    let last: Page | undefined;
    for (let i = 0; i < 6; i++) {
      last = await post(server, fields({ message: `Flood number ${i} of plain posts here.` }), {
        urlencoded: i % 2 === 0,
      });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429]);
    assert.ok(Number(last!.headers.get('retry-after')) > 0);
    assert.match(last!.text, /Too many attempts/);
    assert.match(last!.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(await countRows(server.app), rows + 3);
    // Scripts share the limit.
    const json = await fetch(`${server.url}${API}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': newKey() },
      body: '{}',
    });
    assert.equal(json.status, 429);
  });
});

describe('the form as the server renders it', () => {
  test('is a real form: posts to the API as multipart, fields named as on the wire, no fetch', async () => {
    // The built package (npm run build:lib): the widgets' decorators are compiled by the
    // root tsconfig, not the server's.
    const ssr = new URL('../../lib/ssr/index.js', import.meta.url);
    const { renderWidget } = (await import(ssr.href)) as {
      renderWidget(
        tag: string,
        options: { attributes: Record<string, string>; snapshot: unknown; locale: string },
      ): Promise<string>;
    };
    const { campaignToWire } = await import('../src/wire-mapping.js');
    const snapshot = campaignToWire(DEMO_CAMPAIGN, 'zh-Hans', 'https://api.example', Date.now());
    const realFetch = globalThis.fetch;
    let fetched = 0;
    globalThis.fetch = () => {
      fetched++;
      return Promise.reject(new Error('no fetch on the server'));
    };
    const render = () =>
      renderWidget('campaign-submission-form', {
        attributes: {
          api: 'https://api.example',
          campaign: CAMPAIGN,
          'return-url': 'https://partner.example/a?b=1&c=2',
        },
        snapshot,
        locale: 'zh-Hans',
      });
    let html: string;
    let again: string;
    try {
      [html, again] = [await render(), await render()];
    } finally {
      globalThis.fetch = realFetch;
    }
    assert.equal(fetched, 0);
    assert.match(
      html,
      new RegExp(
        `<form[^>]*method="post"[^>]*action="https://api.example/v1/campaigns/${CAMPAIGN}/submissions"[^>]*enctype="multipart/form-data"`,
      ),
    );
    for (const name of [
      'message',
      'displayName',
      'anonymous',
      'district',
      'email',
      'photo',
      'consentGiven',
      'publishPermission',
      'photoPermission',
      'website',
    ]) {
      assert.match(html, new RegExp(`name="${name}"`), name);
    }
    const hiddenValue = (text: string, name: string) =>
      new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(text)?.[1];
    const key = hiddenValue(html, 'idempotencyKey') ?? '';
    assert.match(key, /^[\x21-\x7e]{8,200}$/);
    assert.notEqual(hiddenValue(again, 'idempotencyKey'), key, 'a key per render');
    assert.equal(hiddenValue(html, 'consentVersion'), DEMO_CAMPAIGN.consentVersion);
    assert.equal(hiddenValue(html, 'lang'), 'zh-Hans');
    assert.equal(hiddenValue(html, 'return'), 'https://partner.example/a?b=1&amp;c=2');
    // From the snapshot: its districts in Chinese, and no box ticked.
    assert.match(html.replace(/<!--[^>]*-->/g, ''), /<option value="yuzhong"\s*>渝中区<\/option>/);
    assert.doesNotMatch(html, /\schecked\b/);
  });
});
