// The demo partner page (`/` of the real API) as a screen reader meets it: in Chinese,
// every landmark is named in Chinese, from the heading the reader sees, before and
// after the page's language switch; no id is used twice. The names come from the
// engine's own accessibility tree (Chromium, over the DevTools protocol).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { waitFor } from './support/driver.mjs';
import { API, ENGINE, browser, shots } from './support/context.mjs';

const shot = shots('demo-page');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const HAN = /\p{Script=Han}/u;
const LANDMARKS = new Set([
  'banner',
  'navigation',
  'main',
  'region',
  'contentinfo',
  'complementary',
  'form',
  'search',
]);
const SECTIONS = {
  'zh-Hans': ['说说你心中的“重庆城市精神”', '读者心声', '相关报道'],
  en: [
    'Tell us about the Spirit of Chongqing City in your heart',
    'What readers say',
    'Related stories',
  ],
};

/** Landmarks as the accessibility tree has them: `{ role, name }`, in document order. */
async function landmarks(p) {
  const cdp = await p.raw.createCDPSession();
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    return nodes
      .filter((node) => !node.ignored && LANDMARKS.has(node.role?.value))
      .map((node) => ({ role: node.role.value, name: node.name?.value ?? '' }));
  } finally {
    await cdp.detach();
  }
}

/** Ids used more than once, and each section's label as the DOM resolves it. */
const LABELS = `() => {
  const seen = new Map();
  for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
  const twice = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  const sections = [...document.querySelectorAll('main section[aria-labelledby]')].map((s) => {
    const heading = document.getElementById(s.getAttribute('aria-labelledby'));
    return heading ? heading.innerText.trim() : null;
  });
  return { lang: document.documentElement.lang, twice, sections };
}`;

async function ready(p) {
  await waitFor(
    p,
    `() => {
      // The wall loads once it comes into view.
      if (!deep('campaign-quote-wall >>> blockquote')) document.querySelector('.wall').scrollIntoView();
      return deep('campaign-quote-wall >>> blockquote') && deep('campaign-submission-form >>> form');
    }`,
    [],
    { timeout: 20000, interval: 200, what: 'the widgets on the demo page' },
  );
}

describe(`the demo page's landmarks in ${ENGINE}`, () => {
  let b;
  before(async () => {
    b = await browser();
  });
  after(async () => {
    await b?.close();
  });

  test('in Chinese, no id twice and each section labelled by its Chinese heading, also after the switch', async () => {
    const p = await b.newPage({ width: 390, height: 844 });
    await p.goto(`${API}/?lang=zh-Hans`);
    await ready(p);
    assert.deepEqual(await p.eval(LABELS), {
      lang: 'zh-Hans',
      twice: [],
      sections: SECTIONS['zh-Hans'],
    });
    await p.click('.lang-switch a[data-lang="en"]');
    await waitFor(p, `() => document.documentElement.lang === 'en'`, [], { what: 'English' });
    assert.deepEqual(await p.eval(LABELS), { lang: 'en', twice: [], sections: SECTIONS.en });
    await p.click('.lang-switch a[data-lang="zh-Hans"]');
    await waitFor(p, `() => document.documentElement.lang === 'zh-Hans'`, [], { what: 'Chinese' });
    assert.deepEqual((await p.eval(LABELS)).sections, SECTIONS['zh-Hans']);
    await p.close();
  });

  test('in Chinese, the accessibility tree names every landmark in Chinese', async (t) => {
    if (ENGINE !== 'chromium') {
      t.skip(`${ENGINE}: its accessibility tree is not reachable from WebDriver`);
      return;
    }
    for (const width of [390, 1280]) {
      const p = await b.newPage({ width, height: 900 });
      await p.goto(`${API}/?lang=zh-Hans`);
      await ready(p);
      const found = await landmarks(p);
      const regions = found.filter((l) => l.role === 'region').map((l) => l.name);
      for (const name of SECTIONS['zh-Hans']) {
        assert.ok(regions.includes(name), `a region named ${name}: ${JSON.stringify(found)}`);
      }
      for (const name of SECTIONS.en) {
        assert.ok(!regions.includes(name), `an English region name: ${name}`);
      }
      for (const role of ['banner', 'navigation', 'main', 'contentinfo']) {
        assert.ok(
          found.some((l) => l.role === role),
          `a ${role} landmark`,
        );
      }
      const english = found.filter((l) => l.name && !HAN.test(l.name));
      assert.deepEqual(english, [], 'landmarks named without a word of Chinese');

      // axe agrees: ARIA ids resolve to one element, landmarks are unique.
      await p.raw.evaluate(AXE);
      const violations = await p.raw.evaluate(async () => {
        const result = await globalThis.axe.run(document, {
          runOnly: {
            type: 'rule',
            values: [
              'duplicate-id-aria',
              'landmark-unique',
              'landmark-one-main',
              'landmark-no-duplicate-banner',
              'landmark-no-duplicate-contentinfo',
              'aria-valid-attr-value',
            ],
          },
        });
        return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`);
      });
      assert.deepEqual(violations, []);
      if (width === 390) {
        await p.raw.evaluate(() => document.querySelector('.wall')?.scrollIntoView());
        await shot(p, `zh-Hans-${width}-wall`);
      }
      await p.close();
    }
  });
});
