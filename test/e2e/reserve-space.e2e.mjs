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
  }
});
