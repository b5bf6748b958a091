import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO_CAMPAIGN } from '../src/demo/content.js';
import { ApiError } from '../src/errors.js';
import { validateSubmission } from '../src/validate.js';
import { validBody } from './helpers.js';

/** The field problems a body is refused with, or `[]` when it is accepted. */
function problems(overrides: Parameters<typeof validBody>[0]) {
  try {
    validateSubmission(validBody(overrides), DEMO_CAMPAIGN);
    return [];
  } catch (error) {
    assert.ok(error instanceof ApiError);
    assert.equal(error.statusCode, 400);
    return (error.fields ?? []).map(({ field, code }) => `${field} ${code}`);
  }
}

const INVISIBLE_NAMES: [string, string][] = [
  ['a zero-width space and joiner', 'Ad\u200bmin\u200d'],
  ['a zero-width non-joiner', 'Ad\u200cmin'],
  ['a word joiner', 'Ad\u2060min'],
  ['a leading byte-order mark', '\uFEFFAdmin'],
  ['a soft hyphen', 'Ad\u00ADmin'],
  ['an invisible times', 'Ad\u2062min'],
  ['tag characters', 'Admin\u{E0041}\u{E0042}'],
  [
    'tag characters, even in a subdivision flag',
    '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} Ewan',
  ],
  ['the Hangul choseong filler', '\u115F'],
  ['the Hangul jungseong filler', 'Li\u1160'],
  ['the Hangul filler', '\u3164'],
  ['the halfwidth Hangul filler', '\uFFA0Li'],
  ['the blank Braille pattern', '\u2800'],
  ['a variation selector on a letter', 'Admin\uFE0F'],
  ['a combining grapheme joiner', 'Ad\u034Fmin'],
  ['the Mongolian vowel separator', 'Ad\u180Emin'],
];

describe('invisible characters in display names', () => {
  for (const [what, name] of INVISIBLE_NAMES) {
    it(`refuses ${what}`, () => {
      assert.deepEqual(problems({ displayName: name }), ['displayName invisible_characters']);
    });
  }

  it('still answers control_characters for bidi controls, as before', () => {
    assert.deepEqual(problems({ displayName: 'Li\u202Eiew' }), ['displayName control_characters']);
  });

  it('keeps names with emoji sequences, accents and CJK', () => {
    for (const name of ['李伟', 'José Núñez', 'Li 👨‍👩‍👧', '❤️ Chongqing', '🏳️‍🌈 Li', '👩🏽‍💻']) {
      assert.deepEqual(problems({ displayName: name }), [], name);
    }
  });

  it('refuses a joiner that joins no emoji', () => {
    assert.deepEqual(problems({ displayName: 'Admin\u200d👍' }), [
      'displayName invisible_characters',
    ]);
  });

  it('ignores the name of an anonymous reader, as for other name problems', () => {
    assert.deepEqual(problems({ anonymous: true, displayName: 'Ad\u200bmin' }), []);
  });

  it('refuses them in an email address too', () => {
    assert.deepEqual(problems({ email: 'reader\u200b@example.org' }), [
      'email invisible_characters',
    ]);
  });

  it('keeps them in the message, where emoji, Persian and soft hyphens need them', () => {
    for (const message of [
      'Our family 👨‍👩‍👧 climbs the stairs of Chongqing every Sunday.',
      'می‌خواهم Chongqing را دوباره ببینم، شهر کوه‌ها',
      'A long word: Chong\u00ADqing\u00ADnese hot\u00ADpot is the best.',
    ]) {
      assert.deepEqual(problems({ message }), [], message);
    }
  });
});
