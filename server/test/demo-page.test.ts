import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Locale } from '../../src/api/wire.js';
import { formatDate } from '../../src/i18n/format.js';
import { makeApp } from './helpers.js';

const ids = (page: string) => [...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);

describe('the demo partner page', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp({ maxEventLoopDelayMs: false });
  });
  after(() => app.close());

  for (const [lang, headings] of [
    ['en', ['Tell us about the Spirit of Chongqing City in your heart', 'What readers say']],
    ['zh-Hans', ['说说你心中的“重庆城市精神”', '读者心声']],
  ] as const) {
    it(`in ${lang}: every id once, each section named by one heading in both languages`, async () => {
      const page = (await app.inject(`/?lang=${lang}`)).body;
      const all = ids(page);
      assert.deepEqual(
        all.filter((id, index) => all.indexOf(id) !== index),
        [],
        'ids used twice',
      );
      for (const section of ['call', 'wall', 'related']) {
        assert.match(
          page,
          new RegExp(`<section class="${section}" aria-labelledby="${section}-heading">`),
        );
        // One heading holds both languages; only the page's is shown.
        const heading = new RegExp(`<h2 id="${section}-heading">(.*?)</h2>`).exec(page)?.[1] ?? '';
        assert.match(heading, new RegExp(`<span lang="${lang}" data-l10n>`));
        assert.match(
          heading,
          new RegExp(`<span lang="${lang === 'en' ? 'zh-Hans' : 'en'}" data-l10n hidden>`),
        );
      }
      for (const text of headings)
        assert.ok(page.includes(`<span lang="${lang}" data-l10n>${text}</span>`));
    });
  }

  it('dates the byline as the widgets date their teasers, in both languages', async () => {
    const page = (await app.inject('/')).body;
    const written = (locale: Locale) =>
      new RegExp(
        `<p lang="${locale}" data-l10n[^>]*class="byline">[^<]*<time datetime="([^"]+)">([^<]+)</time>`,
      ).exec(page);
    const en = written('en');
    const zh = written('zh-Hans');
    assert.ok(en && zh, 'a byline in each language');
    assert.equal(en[1], '2024-03-24T08:00:00.000Z');
    assert.equal(en[2], formatDate(en[1], 'en'));
    assert.equal(en[2], '24 March 2024');
    assert.equal(zh[2], formatDate(zh[1], 'zh-Hans'));
    assert.equal(zh[2], '2024年3月24日');
    assert.match(page, /By XINYI LI · <time/);
  });
});
