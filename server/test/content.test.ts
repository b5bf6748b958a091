import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Campaign, Photo, Story, StoryList } from '../../src/api/wire.js';
import {
  CampaignSchema,
  COMPONENTS,
  PhotoSchema,
  StoryListSchema,
  StorySchema,
} from '../src/schemas.js';
import { API, makeApp } from './helpers.js';

const conforms = (schema: Parameters<typeof TypeCompiler.Compile>[0], value: unknown) => {
  const checker = TypeCompiler.Compile(schema);
  const errors = [...checker.Errors(value)].map((e) => `${e.path}: ${e.message}`);
  assert.deepEqual(errors, [], 'answer matches its schema');
};

describe('content endpoints', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp();
  });
  after(() => app.close());

  it('serves the demo campaign in English by default, matching the Campaign schema', async () => {
    const response = await app.inject(API);
    assert.equal(response.statusCode, 200);
    const campaign = response.json<Campaign>();
    conforms(CampaignSchema, campaign);
    assert.equal(campaign.id, 'spirit-of-chongqing');
    assert.equal(campaign.locale, 'en');
    assert.equal(campaign.title, 'Spirit of Chongqing City');
    assert.equal(campaign.status, 'open');
    assert.deepEqual(campaign.locales, ['en', 'zh-Hans']);
    assert.ok(campaign.districts.some((d) => d.id === 'shapingba' && d.name === 'Shapingba'));
    assert.ok(campaign.districts.length >= 11);
    assert.match(campaign.privacyPolicyUrl, /^http:\/\/.+\/privacy$/);
    assert.equal(response.headers['access-control-allow-origin'], '*');
    assert.match(String(response.headers['cache-control']), /max-age=\d+/);
    assert.ok(response.headers.etag);
  });

  it('localizes to zh-Hans, maps zh-CN to it, and falls back to the default locale', async () => {
    const zh = (await app.inject(`${API}?locale=zh-Hans`)).json<Campaign>();
    assert.equal(zh.locale, 'zh-Hans');
    assert.equal(zh.title, '重庆城市精神');
    assert.ok(zh.districts.some((d) => d.id === 'yuzhong' && d.name === '渝中区'));
    assert.equal((await app.inject(`${API}?locale=zh-CN`)).json<Campaign>().locale, 'zh-Hans');
    const fr = (await app.inject(`${API}?locale=fr`)).json<Campaign>();
    assert.equal(fr.locale, 'en');
    assert.equal(fr.title, 'Spirit of Chongqing City');
  });

  it('answers 304 to a matching If-None-Match on every content GET, 200 otherwise', async () => {
    for (const url of [
      API,
      `${API}?locale=zh-Hans`,
      `${API}/stories`,
      `${API}/stories/spirit-of-chongqing-city`,
      `${API}/photos/firewall`,
      `${API}/photos/firewall/320.jpg`,
      `${API}/quotes`,
    ]) {
      const first = await app.inject(url);
      assert.equal(first.statusCode, 200, url);
      const etag = String(first.headers.etag);
      assert.ok(etag.startsWith('"'), `${url} has a strong ETag`);
      assert.ok(first.headers['cache-control'], `${url} has Cache-Control`);
      const again = await app.inject({ url, headers: { 'if-none-match': etag } });
      assert.equal(again.statusCode, 304, url);
      assert.equal(again.body, '');
      const other = await app.inject({ url, headers: { 'if-none-match': '"something-else"' } });
      assert.equal(other.statusCode, 200, url);
    }
    const en = await app.inject(API);
    const zh = await app.inject({
      url: `${API}?locale=zh-Hans`,
      headers: { 'if-none-match': String(en.headers.etag) },
    });
    assert.equal(zh.statusCode, 200, 'another locale is another representation');
  });

  it('lists the three stories with byline, date and lead photo', async () => {
    const response = await app.inject(`${API}/stories`);
    const list = response.json<StoryList>();
    conforms(StoryListSchema, list);
    assert.deepEqual(
      list.items.map((s) => s.id),
      ['spirit-of-chongqing-city', 'a-tour-in-chongqing', 'a-land-of-natural-beauty'],
    );
    const main = list.items[0];
    assert.equal(main.byline, 'XINYI LI');
    assert.equal(main.publishedAt, '2024-03-24T08:00:00.000Z');
    assert.equal(main.photoId, 'grand-theater-night');
    assert.match(main.url, /^http:\/\//);
    assert.equal(list.items[1].headline, 'A Tour in Chongqing, A Gain in Vision');
    assert.equal(list.items[2].headline, 'A Land of Natural Beauty, A City with Cultural Appeal');
  });

  it('serves one story per locale and 404s unknown stories and campaigns', async () => {
    const story = (
      await app.inject(`${API}/stories/spirit-of-chongqing-city?locale=zh-Hans`)
    ).json<Story>();
    conforms(StorySchema, story);
    assert.equal(story.locale, 'zh-Hans');
    assert.match(story.headline, /重庆城市精神/);
    for (const url of [
      `${API}/stories/nope`,
      '/v1/campaigns/nope',
      '/v1/campaigns/nope/stories',
      '/v1/campaigns/nope/quotes',
      `${API}/photos/nope`,
      `${API}/photos/firewall/333.jpg`,
    ]) {
      const response = await app.inject(url);
      assert.equal(response.statusCode, 404, url);
      assert.deepEqual(Object.keys(response.json()).sort(), ['code', 'message', 'statusCode']);
      assert.equal(response.json().code, 'not_found');
      assert.equal(response.headers['access-control-allow-origin'], '*', 'errors readable too');
    }
  });

  it('answers a story with its photo as GET /photos/:id does, in each locale, in the list too', async () => {
    for (const locale of ['en', 'zh-Hans']) {
      const story = (
        await app.inject(`${API}/stories/a-tour-in-chongqing?locale=${locale}`)
      ).json<Story>();
      conforms(StorySchema, story);
      assert.ok(story.photoId);
      const photo = (await app.inject(`${API}/photos/${story.photoId}?locale=${locale}`)).json();
      assert.deepEqual(story.photo, photo, locale);
      const list = (await app.inject(`${API}/stories?locale=${locale}`)).json<StoryList>();
      conforms(StoryListSchema, list);
      for (const item of list.items) {
        assert.equal(item.photo?.id, item.photoId ?? undefined, `${item.id} in ${locale}`);
        assert.equal(item.photo?.locale, locale);
      }
    }
  });

  it('answers photo null for a story whose photo is not public, without keeping the answer', async (t) => {
    // Its own app: the story is added to the store before anything is kept in memory.
    const app = await makeApp();
    t.after(() => app.close());
    const tour = await app.store.getStory('spirit-of-chongqing', 'a-tour-in-chongqing');
    await app.store.putStory({ ...tour!, id: 'lost-photo', photoId: 'no-such-photo' });
    const response = await app.inject(`${API}/stories/lost-photo`);
    assert.equal(response.statusCode, 200);
    const story = response.json<Story>();
    conforms(StorySchema, story);
    assert.equal(story.photoId, 'no-such-photo');
    assert.equal(story.photo, null);
    assert.match(String(response.headers['cache-control']), /must-revalidate/);
    const list = await app.inject(`${API}/stories`);
    assert.equal(
      list.json<StoryList>().items.find((s) => s.id === 'lost-photo')?.photo,
      null,
      'the list says the same',
    );
    assert.match(String(list.headers['cache-control']), /must-revalidate/);
    // A newsroom photo's answer is kept and shared: max-age without revalidating.
    const kept = await app.inject(`${API}/stories/a-tour-in-chongqing`);
    assert.doesNotMatch(String(kept.headers['cache-control']), /must-revalidate/);
  });

  it('describes photos with srcset, size, credit and an illustration caption', async () => {
    const photo = (await app.inject(`${API}/photos/firewall`)).json<Photo>();
    conforms(PhotoSchema, photo);
    assert.deepEqual(photo.credit, { photographer: 'Qi Lansen', organization: 'Visual Chongqing' });
    assert.match(photo.caption, /Illustration/);
    assert.ok(photo.srcset.length >= 3);
    assert.deepEqual(
      photo.srcset.map((s) => s.width),
      [...photo.srcset.map((s) => s.width)].sort((a, b) => a - b),
    );
    assert.equal(photo.width, photo.srcset.at(-1)!.width);
    const zh = (
      await app.inject(`${API}/photos/tuanjie-village-train?locale=zh-Hans`)
    ).json<Photo>();
    assert.equal(zh.credit.organization, '视觉重庆');
    assert.equal(zh.credit.photographer, 'Zhang Jinhui');
    assert.match(zh.caption, /团结村/);
    for (const id of ['grand-theater-night', 'hongyan-museum']) {
      const p = (await app.inject(`${API}/photos/${id}`)).json<Photo>();
      assert.equal(p.credit.photographer, 'Long Fan');
    }
  });

  it('serves every listed width as a real JPEG of that width', async () => {
    const photo = (await app.inject(`${API}/photos/grand-theater-night`)).json<Photo>();
    for (const source of photo.srcset) {
      const response = await app.inject(new URL(source.src).pathname);
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], 'image/jpeg');
      const meta = await sharp(response.rawPayload).metadata();
      assert.equal(meta.format, 'jpeg');
      assert.equal(meta.width, source.width);
      assert.equal(Math.round((meta.height * photo.width) / source.width), photo.height);
    }
  });

  it('rejects bad query values with per-field 400s', async () => {
    for (const [url, field] of [
      [`${API}/quotes?limit=0`, 'limit'],
      [`${API}/quotes?limit=abc`, 'limit'],
      [`${API}/quotes?limit=1000`, 'limit'],
      [`${API}/quotes?before=xyz`, 'before'],
      [`${API}/quotes/stream?lastEventId=-1`, 'lastEventId'],
    ] as const) {
      const response = await app.inject(url);
      assert.equal(response.statusCode, 400, url);
      const body = response.json();
      assert.equal(body.code, 'validation');
      assert.equal(body.fields[0].field, field);
      assert.equal(body.fields[0].code, 'invalid');
    }
  });

  it('publishes an OpenAPI 3.1 document built from the schemas', async () => {
    const response = await app.inject('/v1/openapi.json');
    assert.equal(response.statusCode, 200);
    const doc = response.json();
    assert.equal(doc.openapi, '3.1.0');
    for (const name of Object.keys(COMPONENTS)) assert.ok(doc.components.schemas[name], name);
    assert.deepEqual(
      doc.components.schemas.Campaign.required.sort(),
      [...(CampaignSchema.required ?? [])].sort(),
    );
    // That every route the app registers is in the document, with its responses, is
    // checked against the app's own route table in hardening.test.ts.
    assert.ok(
      doc.paths['/v1/campaigns/{campaign}/submissions'].post.requestBody.content[
        'multipart/form-data'
      ],
    );
    assert.equal(
      doc.components.schemas.SubmissionRequest.properties.message.maxLength,
      COMPONENTS.SubmissionRequest.properties.message.maxLength,
    );
  });

  it('answers unknown paths with the error shape', async () => {
    const response = await app.inject('/v1/nothing-here');
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().code, 'not_found');
    assert.equal(response.json().statusCode, 404);
  });
});

describe('pages', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp({ publicUrl: 'http://demo.test:8787' });
  });
  after(() => app.close());

  it('serves the demo partner page with all four widgets, fallbacks and a strict CSP', async () => {
    const response = await app.inject({ url: '/', headers: { host: 'evil.example' } });
    assert.equal(response.statusCode, 200);
    const csp = String(response.headers['content-security-policy']);
    for (const directive of [
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data: blob:",
      "connect-src 'self'",
    ]) {
      assert.ok(csp.includes(directive), directive);
    }
    const page = response.body;
    assert.match(page, /<html lang="en">/);
    assert.match(page, /<meta name="viewport"/);
    assert.match(page, /<link rel="icon" href="data:,">/);
    assert.match(
      page,
      /<script type="module" src="\/campaign-widgets.js" data-api="http:\/\/demo.test:8787" data-campaign="spirit-of-chongqing">/,
    );
    assert.match(page, /<campaign-story-teaser story="a-tour-in-chongqing"><a /);
    assert.match(page, /<campaign-photo photo="firewall">\s*<figure/);
    assert.match(page, /<campaign-submission-form>/);
    assert.match(page, /<campaign-quote-wall><ul class="fallback-quotes"><li><blockquote/);
    assert.doesNotMatch(
      page,
      /<script>|<style>|style="/,
      'nothing inline that the CSP would block',
    );
    assert.match(page, /XINYI LI/);
  });

  it('renders the page in Chinese with ?lang=zh-Hans', async () => {
    const page = (await app.inject('/?lang=zh-Hans')).body;
    assert.match(page, /<html lang="zh-Hans">/);
    assert.match(page, /<h1 lang="zh-Hans" data-l10n>/);
    assert.match(page, /<h1 lang="en" data-l10n hidden>/);
  });

  it('serves the newsroom console page and its script under the CSP', async () => {
    const page = await app.inject('/moderate');
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.match(page.body, /<script type="module" src="\/console\/console.js"><\/script>/);
    assert.match(page.body, /<newsroom-console>/);
    // Nothing the CSP would block: no inline script, style element or style attribute.
    assert.doesNotMatch(page.body, /<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=/);
    // The old page's files are gone.
    for (const old of ['/moderate.js', '/moderate.css', '/moderate.html']) {
      assert.equal((await app.inject(old)).statusCode, 404, old);
    }
    // npm test builds dist/ (dist/console/ included) before the server suites run.
    for (const asset of ['/console/console.js', '/demo.js', '/demo.css']) {
      const response = await app.inject(asset);
      assert.equal(response.statusCode, 200, asset);
      const again = await app.inject({
        url: asset,
        headers: { 'if-none-match': String(response.headers.etag) },
      });
      assert.equal(again.statusCode, 304, asset);
    }
  });

  it('escapes reader text in the fallback wall', async () => {
    const store = app.store;
    const id = 'html-quote';
    await store.createSubmission({
      submission: {
        id,
        campaignId: 'spirit-of-chongqing',
        message: '<img src=x onerror=alert(1)> & "quotes"',
        displayName: '<b>Bold</b>',
        anonymous: false,
        district: null,
        email: null,
        locale: 'en',
        publishPermission: true,
        consentVersion: '2024-03',
        receivedAt: Date.now(),
        origin: null,
      },
      photo: null,
      idempotencyKey: 'html-quote-key',
      bodyHash: 'x',
    });
    await store.transition('spirit-of-chongqing', id, 'approve', Date.now());
    const page = (await app.inject('/')).body;
    assert.ok(page.includes('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;'));
    assert.ok(page.includes('&lt;b&gt;Bold&lt;/b&gt;'));
    assert.ok(!page.includes('<img src=x'));
  });
});
