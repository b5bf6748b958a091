import { expect } from '@open-wc/testing';
import { hasInvisible } from '../src/api/invisible.js';
import { setLocale } from '../src/i18n/locale.js';
import '../src/submission-form/submission-form.js';
import { testApi } from './support/api.js';
import {
  clearDrafts,
  fill,
  fillValid,
  formFor,
  parts,
  send,
  spyXhr,
  text,
} from './support/submission-form.js';

describe('invisible characters in display names', () => {
  it('finds the characters that show as nothing, the rule the API applies', () => {
    for (const name of [
      'Ad\u200bmin\u200d',
      '\uFEFFAdmin',
      'Ad\u00ADmin',
      'Ad\u2060min',
      'Admin\u{E0041}',
      '\u3164',
      '\u115F\u1160',
      '\uFFA0',
      '\u2800',
      'Admin\uFE0F',
      'Li\u202Eiew',
    ]) {
      expect(hasInvisible(name), JSON.stringify(name)).to.equal(true);
    }
    for (const name of ['Admin', '李伟', 'José', 'Li 👨‍👩‍👧', '❤️ Chongqing', '🏳️‍🌈', '👩🏽‍💻', '1️⃣']) {
      expect(hasInvisible(name), name).to.equal(false);
    }
  });

  describe('in the form', () => {
    let api: string;
    before(async () => {
      api = (await testApi()).url;
    });
    beforeEach(clearDrafts);
    afterEach(() => setLocale(undefined));

    for (const [locale, message] of [
      ['en', 'Remove the invisible characters from your name.'],
      ['zh-Hans', '请去掉名字中看不见的字符。'],
    ] as const) {
      it(`refuses such a name before sending, in ${locale}`, async () => {
        await setLocale(locale);
        const el = await formFor(api);
        const xhr = spyXhr();
        try {
          fillValid(el);
          fill(el, 'displayName', 'Ad\u200bmin\u200d');
          send(el);
          await el.updateComplete;
          expect(parts(el, '#summary a').map(text)).to.deep.equal([message]);
          expect(xhr.bodies).to.have.length(0);

          // With the emoji a family is written with, the same form goes out.
          fill(el, 'displayName', 'Li 👨‍👩‍👧');
          send(el);
          await el.updateComplete;
          expect(parts(el, '#summary a')).to.have.length(0);
        } finally {
          xhr.restore();
        }
      });
    }
  });
});
