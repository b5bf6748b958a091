/**
 * Server-rendered widgets: `campaign-widgets/ssr` itself (loaded from the sources, as the
 * API's renderer loads them: `tsImport` with the library's tsconfig, whose legacy
 * decorators the server's own settings do not compile), and the API's HTML endpoints
 * over real HTTP-shaped requests (`inject`) on a real SQLite store.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { tsImport } from 'tsx/esm/api';
import type { Photo, Story } from '../../src/api/wire.js';
import { escapeHtml } from '../src/routes/pages.js';
import { WALL_HTML_MAX, htmlRenders } from '../src/routes/widget-html.js';
import { API, approve, makeApp, submit, validBody } from './helpers.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type RenderWidget = (
  tag: string,
  options?: {
    attributes?: Record<string, string | boolean | undefined>;
    snapshot?: unknown;
    locale?: string;
    content?: string;
  },
) => Promise<string>;

const DSD = '<template shadowroot="open" shadowrootmode="open">';
/** Markup without the templates' styles and Lit's hydration comments. */
const visible = (html: string) =>
  html.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<!--[\s\S]*?-->/g, '');

const PHOTO: Photo = {
  id: 'bridge',
  locale: 'en',
  src: 'https://cdn.example/bridge-640.jpg',
  srcset: [
    { src: 'https://cdn.example/bridge-320.jpg', width: 320 },
    { src: 'https://cdn.example/bridge-640.jpg', width: 640 },
  ],
  width: 1200,
  height: 800,
  alt: 'A bridge over the Yangtze at dusk',
  caption: 'Chaotianmen Bridge',
  credit: { photographer: 'Long Fan', organization: 'Visual Chongqing' },
  license: 'All rights reserved',
};

const STORY: Story & { photo: Photo } = {
  id: 'spirit',
  locale: 'en',
  headline: 'The Spirit of Chongqing City <script>alert(1)</script>',
  byline: 'By Li Wei',
  publishedAt: '2024-03-24',
  excerpt: 'What holds a mountain city together.',
  url: 'https://news.example/spirit',
  photoId: 'bridge',
  photo: PHOTO,
};

describe('campaign-widgets/ssr', () => {
  let renderWidget: RenderWidget;
  const realFetch = globalThis.fetch;
  const fetched: string[] = [];

  before(async () => {
    ({ renderWidget } = (await tsImport(path.join(REPO, 'src/ssr/index.ts'), {
      parentURL: import.meta.url,
      tsconfig: path.join(REPO, 'tsconfig.json'),
    })) as { renderWidget: RenderWidget });
    // Any request a widget made while rendering would be counted here.
    globalThis.fetch = (input: string | URL | Request) => {
      fetched.push(input instanceof Request ? input.url : input.toString());
      return Promise.reject(new Error('no requests while rendering'));
    };
  });
  after(() => {
    globalThis.fetch = realFetch;
  });

  const api = { api: 'https://api.example', campaign: 'spirit-of-chongqing' };

  it('renders the teaser from its snapshot as Declarative Shadow DOM, in each locale', async () => {
    const en = await renderWidget('campaign-story-teaser', {
      attributes: { ...api, story: 'spirit' },
      snapshot: STORY,
      locale: 'en',
    });
    const zh = await renderWidget('campaign-story-teaser', {
      attributes: { ...api, story: 'spirit' },
      snapshot: STORY,
      locale: 'zh-Hans',
    });
    for (const html of [en, zh]) {
      assert.match(html, /^<!--lit-part [^>]*-->(<!--lit-node 0-->)?<campaign-story-teaser /);
      assert.ok(html.includes(DSD), 'a declarative shadow root');
      assert.ok(html.includes('<style>'), 'the widget styles go with it');
      assert.ok(html.includes('--campaign-teaser-ratio'), 'the custom properties are the same');
      for (const part of ['card', 'headline', 'link', 'byline', 'date', 'excerpt', 'photo']) {
        assert.ok(html.includes(`part="${part}"`), `part ${part}`);
      }
      // The headline is text: its markup is escaped, nothing can run.
      assert.ok(visible(html).includes('The Spirit of Chongqing City &lt;script&gt;alert(1)'));
      assert.ok(!html.includes('<script>alert'));
      assert.ok(html.includes('href="https://news.example/spirit"'));
      // The lead photo comes rendered too, from the story's photo record, already visible.
      assert.ok(html.includes('src="https://cdn.example/bridge-640.jpg"'));
      assert.ok(html.includes('class="ok"'));
    }
    assert.ok(en.includes('lang="en"'));
    assert.ok(zh.includes('lang="zh-Hans"'));
    assert.ok(visible(en).includes('24 March 2024'), 'the date in English');
    assert.ok(visible(zh).includes('2024年3月24日'), 'the date in Chinese');
    assert.ok(visible(en).includes('Photo/Long Fan from Visual Chongqing'));
    assert.ok(visible(zh).includes('Visual Chongqing Long Fan 摄'));
    assert.deepEqual(fetched, []);
  });

  it('renders the photo with its visible credit, caption, size and parts', async () => {
    for (const [locale, credit] of [
      ['en', 'Photo/Long Fan from Visual Chongqing'],
      ['zh-Hans', 'Visual Chongqing Long Fan 摄'],
    ] as const) {
      const html = await renderWidget('campaign-photo', {
        attributes: { ...api, photo: 'bridge', zoomable: true },
        snapshot: PHOTO,
        locale,
      });
      const text = visible(html);
      assert.ok(html.includes(DSD));
      for (const part of ['figure', 'image', 'caption', 'credit', 'zoom']) {
        assert.ok(html.includes(`part="${part}"`), `part ${part}`);
      }
      assert.ok(text.includes(credit), `credit in ${locale}`);
      assert.ok(text.includes('Chaotianmen Bridge'));
      assert.match(html, /<img[^>]*width="1200"[^>]*height="800"/);
      assert.match(html, /<img[^>]*alt="A bridge over the Yangtze at dusk"/);
      assert.ok(html.includes('srcset="https://cdn.example/bridge-320.jpg 320w, '));
      assert.ok(text.includes(locale === 'en' ? 'Enlarge photo' : '放大图片'), 'the zoom label');
    }
    assert.deepEqual(fetched, []);
  });

  it('renders the wall and the form in each locale without a request', async () => {
    const text = 'Hills <b>and</b> rivers </script><script>alert(1)</script>';
    const quote = {
      id: 'q1',
      text,
      locale: 'en',
      displayName: 'Li Wei',
      district: { id: 'yuzhong', name: 'Yuzhong' },
      approvedAt: '2026-11-30T08:00:00.000Z',
      featured: false,
      photoId: null,
    };
    const page = { items: [quote], lastEventId: 7, nextBefore: null };
    const wall = await renderWidget('campaign-quote-wall', { attributes: api, snapshot: page });
    assert.ok(wall.includes(DSD));
    // The wall's own list, from the snapshot, its text escaped; no live status claimed.
    assert.match(visible(wall), /<blockquote lang="en"[^>]*>Hills &lt;b&gt;and&lt;\/b&gt; rivers/);
    assert.ok(visible(wall).includes('<b>Li Wei</b>'));
    assert.match(wall, /part="status"\s+class="connecting"/);
    // The snapshot goes along for the browser, unable to close its element.
    const data =
      /<script type="application\/json" data-campaign-snapshot data-locale="en">([\s\S]*?)<\/script>/.exec(
        wall,
      )![1];
    assert.ok(!data.includes('<'));
    assert.deepEqual(JSON.parse(data), page);
    // Without a snapshot there is nothing to carry.
    assert.ok(
      !(await renderWidget('campaign-quote-wall', { attributes: api })).includes('<script'),
    );
    for (const [locale, label] of [
      ['en', 'Your words'],
      ['zh-Hans', '您的留言'],
    ] as const) {
      const form = await renderWidget('campaign-submission-form', { attributes: api, locale });
      assert.ok(form.includes(DSD));
      assert.ok(form.includes('part="form"') && form.includes('part="field"'));
      assert.ok(visible(form).includes(`<label for="message">${label}</label>`), label);
      // Each control is named as its id (what the form posts without the script), the
      // file input carries no value (HTML allows none), the check boxes come unticked.
      const inputs = [...form.matchAll(/<input\b[^>]*>/g)].map((m) => m[0]);
      const named = inputs.filter((i) => /\sid="/.test(i));
      assert.ok(named.length >= 8, `${named.length} controls`);
      for (const input of named) {
        const id = /\sid="([^"]+)"/.exec(input)![1];
        assert.ok(input.includes(` name="${id}"`), input);
      }
      const file = inputs.find((i) => i.includes('type="file"'));
      assert.ok(file && !/\svalue=/.test(file), file);
      const boxes = inputs.filter((i) => i.includes('type="checkbox"'));
      assert.equal(boxes.length, 4, 'anonymous, consent, publish, photo permission');
      assert.ok(
        boxes.every((i) => !/\schecked/.test(i)),
        'unticked',
      );
    }
    assert.deepEqual(fetched, []);
  });

  it('keeps each render in its own locale when renders interleave', async () => {
    const locales = Array.from({ length: 12 }, (_, i) => (i % 3 ? 'zh-Hans' : 'en'));
    const forms = await Promise.all(
      locales.map((locale) =>
        renderWidget('campaign-submission-form', { attributes: api, locale }),
      ),
    );
    forms.forEach((form, i) => {
      const zh = locales[i] === 'zh-Hans';
      assert.equal(form.includes('您的留言'), zh, `render ${i} (${locales[i]})`);
      assert.equal(form.includes('Your words'), !zh, `render ${i} (${locales[i]})`);
    });
    // The borrowed globals for the locale switch are gone again.
    assert.equal(typeof (globalThis as { window?: unknown }).window, 'undefined');
    assert.equal(typeof (globalThis as { document?: unknown }).document, 'undefined');
  });

  it('refuses an unknown tag and an attribute name that could break out of the tag', async () => {
    await assert.rejects(renderWidget('script'), /Not a campaign widget/);
    await assert.rejects(
      renderWidget('campaign-photo', { attributes: { 'x onload=alert(1)': 'y' } }),
      /Not an attribute name/,
    );
    const html = await renderWidget('campaign-photo', {
      attributes: { caption: '"><script>alert(1)</script>' },
    });
    assert.ok(!html.includes('<script>'));
    assert.ok(html.includes('caption="&quot;&gt;&lt;script&gt;'));
  });
});

describe('the HTML endpoints', () => {
  let app: FastifyInstance;
  let storyId: string;
  let photoId: string;
  before(async () => {
    // Off: under-pressure would 503 a request behind the first render's worker start on
    // this shared 2-core machine, which is not what these tests are about.
    app = await makeApp({ maxEventLoopDelayMs: false });
    const stories = (await app.inject(`${API}/stories`)).json<{ items: Story[] }>().items;
    storyId = stories[0].id;
    photoId = stories[0].photoId!;
  });
  after(() => app.close());

  it('answers a story teaser as an HTML fragment with a strong ETag, and 304 on If-None-Match', async () => {
    const url = `${API}/html/story-teaser?story=${storyId}`;
    const json = (await app.inject(`${API}/stories/${storyId}?locale=en`)).json<Story>();
    const response = await app.inject(url);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(String(response.headers.etag), /^"[^"]+"$/, 'a strong ETag');
    assert.equal(response.headers.vary, 'Accept-Language');
    assert.equal(response.headers['access-control-allow-origin'], '*');
    assert.match(String(response.headers['cache-control']), /^public, max-age=60/);
    assert.ok(!/<html|<body|<head/i.test(response.body), 'a fragment, not a page');
    assert.ok(response.body.includes(DSD));
    assert.ok(visible(response.body).includes(escapeHtml(json.headline)), 'the headline');
    const again = await app.inject({ url, headers: { 'if-none-match': response.headers.etag! } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
  });

  it('speaks ?lang= first, then Accept-Language', async () => {
    const zh = (await app.inject(`${API}/stories/${storyId}?locale=zh-Hans`)).json<Story>();
    const en = (await app.inject(`${API}/stories/${storyId}?locale=en`)).json<Story>();
    assert.notEqual(zh.headline, en.headline);
    const byQuery = await app.inject(`${API}/html/story-teaser?story=${storyId}&lang=zh-Hans`);
    assert.ok(byQuery.body.includes(escapeHtml(zh.headline)), 'Chinese by ?lang=');
    assert.equal(byQuery.headers['content-language'], 'zh-Hans');
    const byHeader = await app.inject({
      url: `${API}/html/submission-form`,
      headers: { 'accept-language': 'fr;q=1, zh-CN;q=0.9, en;q=0.8' },
    });
    assert.ok(byHeader.body.includes('您的留言'), 'Chinese by Accept-Language');
    const both = await app.inject({
      url: `${API}/html/submission-form?lang=en`,
      headers: { 'accept-language': 'zh-CN' },
    });
    assert.ok(both.body.includes('Your words') && !both.body.includes('您的留言'));
    assert.equal(both.headers['content-language'], 'en');
    assert.equal(byHeader.headers['content-language'], 'zh-Hans');
  });

  it('gives every reader of the form their own idempotency key and return address, kept by no cache', async () => {
    const keyOf = (body: string) =>
      /name="idempotencyKey" value="([^"]*)"/.exec(body)?.[1] ?? 'missing';
    const returnOf = (body: string) => /name="return" value="([^"]*)"/.exec(body)?.[1];
    const first = await app.inject(`${API}/html/submission-form?lang=en`);
    const renders = htmlRenders.count;
    const keys = new Set([keyOf(first.body)]);
    for (let i = 0; i < 20; i++) {
      const page = `https://partner.example/story-${i}?a=1&b="2"`;
      const answer = await app.inject({
        url: `${API}/html/submission-form?lang=en&return=${encodeURIComponent(page)}`,
        headers: { 'if-none-match': first.headers.etag ?? '*' },
      });
      assert.equal(answer.statusCode, 200, 'never 304: the key is new each time');
      assert.equal(answer.headers['cache-control'], 'no-store');
      assert.equal(answer.headers.etag, undefined);
      keys.add(keyOf(answer.body));
      assert.equal(returnOf(answer.body), escapeHtml(page));
    }
    assert.equal(keys.size, 21, 'one key per answer');
    assert.ok(![...keys].includes('missing'));
    assert.equal(returnOf(first.body), '', 'no return address unless one is given');
    assert.equal(htmlRenders.count, renders, 'return addresses and keys cost no new render');
    for (const bad of ['javascript:alert(1)', '/relative', 'x'.repeat(3000)]) {
      const answer = await app.inject(
        `${API}/html/submission-form?return=${encodeURIComponent(bad)}`,
      );
      assert.equal(answer.statusCode, 400, bad.slice(0, 20));
    }
  });

  it('answers a photo with its visible credit and its JSON-LD credit', async () => {
    const json = (await app.inject(`${API}/photos/${photoId}?locale=zh-Hans`)).json<Photo>();
    const response = await app.inject(`${API}/html/photo?photo=${photoId}&lang=zh-Hans`);
    assert.equal(response.statusCode, 200, response.body);
    assert.ok(response.body.includes('part="credit"'));
    assert.ok(visible(response.body).includes(`${json.credit.photographer} 摄`));
    const ld = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(response.body);
    assert.ok(ld, 'structured data');
    const data = JSON.parse(ld[1]) as { '@type': string; creditText: string };
    assert.equal(data['@type'], 'ImageObject');
    assert.ok(data.creditText.includes(json.credit.photographer));
    // Lazy unless the page says it leads; a bad value is refused, not ignored.
    assert.match(response.body, /<img[^>]*loading="lazy"/);
    const lead = await app.inject(
      `${API}/html/photo?photo=${photoId}&loading=eager&fetchpriority=high`,
    );
    assert.match(lead.body, /<img[^>]*loading="eager"/);
    assert.match(lead.body, /<img[^>]*fetchpriority="high"/);
    assert.notEqual(lead.headers.etag, response.headers.etag);
    for (const bad of ['loading=soon', 'fetchpriority=urgent', 'loading=']) {
      const refused = await app.inject(`${API}/html/photo?photo=${photoId}&${bad}`);
      assert.equal(refused.statusCode, 400, bad);
    }
  });

  it('answers 404 in the reader’s language for an unknown story or photo, and for an unknown campaign', async () => {
    const story = await app.inject(`${API}/html/story-teaser?story=nope&lang=zh-Hans`);
    assert.equal(story.statusCode, 404);
    assert.equal(story.json<{ message: string }>().message, '找不到这篇报道');
    const photo = await app.inject(`${API}/html/photo?photo=nope`);
    assert.equal(photo.statusCode, 404);
    assert.equal(photo.json<{ message: string }>().message, 'Photo not found');
    assert.equal((await app.inject('/v1/campaigns/nope/html/submission-form')).statusCode, 404);
    assert.equal(
      (await app.inject(`${API}/html/story-teaser`)).statusCode,
      400,
      'story is required',
    );
  });

  it('shows only approved quotes on the wall, escaped, with the last event id, and caps the limit', async () => {
    const words = 'The river <script>alert("wall")</script> carries us & our hopes.';
    const sent = await submit(app, validBody({ message: words }));
    assert.equal(sent.statusCode, 202, sent.body);
    const pending = await submit(app, validBody({ message: 'Still waiting for review, unseen.' }));
    assert.equal(pending.statusCode, 202);
    const before = await app.inject(`${API}/html/quote-wall?limit=5`);
    assert.ok(!before.body.includes('carries us'), 'nothing unapproved');
    await approve(app, sent.json<{ id: string }>().id);
    const wall = await app.inject(`${API}/html/quote-wall?limit=5`);
    assert.equal(wall.statusCode, 200, wall.body);
    assert.match(String(wall.headers['cache-control']), /^public, max-age=5/);
    assert.notEqual(wall.headers.etag, before.headers.etag, 'a new quote, a new ETag');
    assert.ok(wall.body.includes(DSD));
    assert.ok(
      wall.body.includes(
        'The river &lt;script&gt;alert(&quot;wall&quot;)&lt;/script&gt; carries us &amp; our hopes.',
      ),
    );
    assert.ok(!wall.body.includes('<script>alert'), 'inert');
    assert.ok(!wall.body.includes('Still waiting for review'));
    // The only scripts are data blocks: the snapshot the wall starts from in the browser
    // and the structured data; both parse back to the words.
    const scripts = wall.body.match(/<script[^>]*>/g) ?? [];
    assert.deepEqual(
      [...new Set(scripts)],
      [
        '<script type="application/json" data-campaign-snapshot data-locale="en">',
        '<script type="application/ld+json">',
      ],
    );
    const snapshot = JSON.parse(
      /<script type="application\/json" data-campaign-snapshot data-locale="en">([\s\S]*?)<\/script>/.exec(
        wall.body,
      )![1],
    ) as { items: { id: string; text: string }[]; lastEventId: number };
    assert.equal(snapshot.items[0].text, words);
    const ld = JSON.parse(
      /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(wall.body)![1],
    ) as {
      text: string;
    }[];
    assert.equal(ld[0].text, words);
    const json = (await app.inject(`${API}/quotes?limit=5`)).json<{
      items: { id: string }[];
      lastEventId: number;
    }>();
    // The wall's own list, one item per quote, and the page the stream resumes after.
    assert.equal(
      wall.body.split('<li tabindex="-1" id="campaign-quote-').length - 1,
      json.items.length,
    );
    assert.deepEqual(
      snapshot.items.map((q) => q.id),
      json.items.map((q) => q.id),
    );
    assert.equal(snapshot.lastEventId, json.lastEventId);
    for (const limit of ['0', '-1', 'abc', '1.5']) {
      const bad = await app.inject(`${API}/html/quote-wall?limit=${limit}`);
      assert.equal(bad.statusCode, 400, `limit=${limit}`);
    }
    const huge = await app.inject(`${API}/html/quote-wall?limit=100000000`);
    assert.equal(huge.statusCode, 200);
    const all = (await app.inject(`${API}/quotes?limit=100`)).json<{ items: unknown[] }>();
    assert.equal(
      huge.body.split('<li tabindex="-1" id="campaign-quote-').length - 1,
      Math.min(all.items.length, WALL_HTML_MAX),
    );
  });

  it('renders a flood of the same request once', async () => {
    const url = `${API}/html/photo?photo=${photoId}&lang=en`;
    const first = await app.inject(url);
    const renders = htmlRenders.count;
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        app.inject({ url, headers: i % 2 ? { 'if-none-match': first.headers.etag! } : {} }),
      ),
    );
    assert.deepEqual(new Set(answers.map((a) => a.statusCode)), new Set([200, 304]));
    assert.ok(answers.every((a) => a.headers.etag === first.headers.etag));
    assert.equal(htmlRenders.count, renders, 'no render for an input already rendered');
  });

  it('documents every HTML route in the OpenAPI document', async () => {
    const doc = (await app.inject('/v1/openapi.json')).json<{ paths: Record<string, unknown> }>();
    for (const name of ['story-teaser', 'photo', 'quote-wall', 'submission-form']) {
      assert.ok(doc.paths[`/v1/campaigns/{campaign}/html/${name}`], name);
    }
  });
});
