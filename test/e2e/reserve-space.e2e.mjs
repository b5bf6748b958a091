// The space-reservation CSS that docs/embed.md gives partners (pages/reserve-space.css
// on pages/cls.html): at a phone's width and on a desktop, every widget loads and
// nothing on the page moves (cumulative layout shift 0), and the wall is part of the
// page, not a scroll box inside it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './support/driver.mjs';
import { ARTIFACTS, ENGINE, browser, page, shots } from './support/context.mjs';

const shot = shots('reserve-space');

function figure(name, value) {
  mkdirSync(ARTIFACTS, { recursive: true });
  appendFileSync(join(ARTIFACTS, 'figures.txt'), `${name}\t${value}\n`);
}

/**
 * Brings the first widget still loading into view until every one has loaded, the
 * teasers' lazy photos included (a phone's viewport holds one widget at a time).
 */
const LOADED = `() => {
  const img = deep('campaign-photo >>> img[part=image]');
  const teaserImages = deep('campaign-story-teaser >>> campaign-photo >>> img', true);
  const missing = [
    ['campaign-submission-form', deep('campaign-submission-form >>> #district option', true).length > 1],
    ['campaign-story-teaser', !!deep('campaign-story-teaser >>> a[part=link]')],
    ['campaign-photo', !!(img && img.complete && img.naturalWidth > 0)],
    ['.teasers', teaserImages.length > 0 && teaserImages.every((i) => i.complete && i.naturalWidth > 0)],
    ['campaign-quote-wall', deep('campaign-quote-wall >>> blockquote', true).length > 0],
  ].filter(([, ok]) => !ok);
  window.__missing = missing.map(([selector]) => selector).join(', ');
  if (missing.length) document.querySelector(missing[0][0]).scrollIntoView();
  return !missing.length;
}`;

/** Every element of the page (shadow roots included) that scrolls its own content. */
const SCROLLERS = `() => {
  const found = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      const style = getComputedStyle(el);
      const scrolls = /auto|scroll/.test(style.overflowY + style.overflowX);
      if (scrolls && (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)) {
        found.push(el.localName + (el.className && typeof el.className === 'string' ? '.' + el.className : ''));
      }
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return found;
}`;

/**
 * Each widget and what it waits for from the API, in page order: the requests held
 * until the widget is in view, and the sign that their answers are shown.
 */
const WIDGETS = [
  [
    'campaign-photo',
    /\/photos\/grand-theater-night/,
    `() => { const i = deep('campaign-photo >>> img[part=image]'); return !!(i && i.complete && i.naturalWidth > 0 && deep('campaign-photo >>> [part=credit]').textContent.trim()); }`,
  ],
  [
    '.teasers',
    /\/stories\/|\/photos\/(tuanjie|hongyan)/,
    `() => { const i = deep('campaign-story-teaser >>> campaign-photo >>> img', true); return i.length > 0 && i.every((x) => x.complete && x.naturalWidth > 0); }`,
  ],
  [
    'campaign-submission-form',
    /\/campaigns\/spirit-of-chongqing(\/stream)?\?/,
    `() => !!deep('campaign-submission-form >>> #consentGiven-hint a')`,
  ],
  [
    'campaign-quote-wall',
    /\/quotes/,
    `() => deep('campaign-quote-wall >>> blockquote', true).length > 0`,
  ],
];

describe(`reserved space for the widgets in ${ENGINE}`, () => {
  let b;
  before(async () => {
    b = await browser();
  });
  after(async () => {
    await b?.close();
  });

  for (const [width, height] of [
    [390, 844],
    [1280, 900],
  ]) {
    test(`at ${width} px: layout shift 0 and no scroll box inside the page`, async (t) => {
      const p = await b.newPage({ width, height });
      await p.goto(page('cls.html'));
      if (!(await p.eval(`() => window.__shifts !== null`))) {
        t.skip(`${ENGINE} has no Layout Instability API (layout-shift entries)`);
        await p.close();
        return;
      }
      await waitFor(p, LOADED, [], { timeout: 20000, interval: 200, what: 'every widget' }).catch(
        async (error) => {
          throw new Error(`${error.message}: missing ${await p.eval('() => window.__missing')}`);
        },
      );
      await new Promise((r) => setTimeout(r, 500));
      const shifts = await p.eval(`() => window.__shifts`);
      const cls = shifts.reduce((sum, s) => sum + s.value, 0);
      figure(`CLS with reserve-space.css at ${width} px`, cls.toFixed(4));
      assert.equal(cls, 0, JSON.stringify(shifts, null, 1));

      assert.deepEqual(await p.eval(SCROLLERS), [], 'elements that scroll inside the page');
      // The wall shows all of its quotes in the page's flow, at least as tall as reserved.
      const wall = await p.eval(`() => {
        const w = document.querySelector('campaign-quote-wall');
        return { overflow: getComputedStyle(w).overflowY, box: w.clientHeight, content: w.scrollHeight };
      }`);
      assert.equal(wall.overflow, 'visible');
      assert.ok(wall.content <= wall.box + 1, `the wall cuts its quotes: ${JSON.stringify(wall)}`);
      await p.raw?.evaluate?.(() => document.querySelector('campaign-quote-wall').scrollIntoView());
      await shot(p, `cls-${width}`);
      await p.close();
    });

    test(`at ${width} px, each widget in view while the API is slow: nothing moves`, async (t) => {
      // A reader who reaches a widget before its answer: the answer is held until the
      // widget's lower part and the text below it are in view, then let through.
      const p = await b.newPage({ width, height });
      if (!p.raw?.setRequestInterception) {
        t.skip(`${ENGINE}: holding requests needs the DevTools protocol`);
        await p.close();
        return;
      }
      const held = [];
      const released = [];
      const waits = (url) =>
        WIDGETS.some(([, pattern]) => pattern.test(url)) && !released.some((r) => r.test(url));
      await p.raw.setRequestInterception(true);
      p.raw.on('request', (request) => {
        if (waits(request.url())) held.push(request);
        else void request.continue();
      });
      await p.goto(page('cls.html'));
      const shiftsSoFar = () => p.eval(`() => window.__shifts`);
      for (const [selector, pattern, shown] of WIDGETS) {
        await p.eval(
          `(s) => {
            const r = document.querySelector(s).getBoundingClientRect();
            scrollBy(0, r.bottom - innerHeight * 0.8);
          }`,
          selector,
        );
        await new Promise((r) => setTimeout(r, 300));
        const before = (await shiftsSoFar()).length;
        released.push(pattern);
        for (const request of held.splice(0)) {
          if (waits(request.url())) held.push(request);
          else void request.continue();
        }
        await waitFor(p, shown, [], { timeout: 15000, what: `${selector} with its answer` });
        await new Promise((r) => setTimeout(r, 500));
        const shifts = (await shiftsSoFar()).slice(before);
        assert.deepEqual(shifts, [], `${selector} moved the page once its answer came`);
      }
      await p.close();
    });
  }
});
