// Host pages that fight back, each with all four widgets: an aggressive global reset,
// a strict Content-Security-Policy with Trusted Types, the script loaded three times
// (an older copy first), a right-to-left page, a zh-CN page, a 320 px viewport, and a
// page that reserves space with the documented snippet (no layout shift).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './support/driver.mjs';
import {
  API,
  ARTIFACTS,
  ENGINE,
  PROBE,
  TOKEN,
  browser,
  narrowPartnerPage,
  page,
  shots,
} from './support/context.mjs';
import { OLD_VERSION } from './support/setup.mjs';

const shot = shots('hostile');
const CAMPAIGN = `${API}/v1/campaigns/spirit-of-chongqing`;

function figure(name, value) {
  mkdirSync(ARTIFACTS, { recursive: true });
  appendFileSync(join(ARTIFACTS, 'figures.txt'), `${name}\t${value}\n`);
}

/** Resolves once all four widgets have what they load: settings, story, photo, quotes. */
async function loaded(p) {
  // Lazy images and the live wall wait until they are near the viewport: each poll
  // brings the first widget still loading into view.
  await waitFor(
    p,
    `() => {
      const img = deep('campaign-photo >>> img[part=image]');
      const missing = [
        ['campaign-submission-form', deep('campaign-submission-form >>> #district option', true).length > 1, 'form settings'],
        ['campaign-story-teaser', !!deep('campaign-story-teaser >>> a[part=link]'), 'story'],
        ['campaign-photo', !!(img && img.complete && img.naturalWidth > 0), 'photo image'],
        ['campaign-quote-wall', deep('campaign-quote-wall >>> blockquote', true).length > 0, 'quotes'],
      ].filter(([, ok]) => !ok);
      window.__missing = missing.map(([, , what]) => what).join(', ');
      if (missing.length) document.querySelector(missing[0][0]).scrollIntoView();
      return !missing.length;
    }`,
    [],
    { timeout: 20000, interval: 200, what: 'every widget to load' },
  ).catch(async (error) => {
    throw new Error(`${error.message}: missing ${await p.eval('() => window.__missing')}`);
  });
}

/**
 * Geometry and type of each widget: what sticks out of its host's box, and every
 * text element whose size or line height is out of a readable range.
 */
const LAYOUT = `() => {
  const report = {};
  for (const tag of ['campaign-story-teaser', 'campaign-photo', 'campaign-submission-form', 'campaign-quote-wall']) {
    const host = document.querySelector(tag);
    const box = host.getBoundingClientRect();
    const r = (report[tag] = { width: Math.round(box.width), height: Math.round(box.height), outside: [], type: [] });
    const visit = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) visit(el.shadowRoot);
        if (el.closest('dialog, .visually-hidden, .hp') || el.localName === 'style') continue;
        const rect = el.getBoundingClientRect();
        if (!rect.width || !rect.height) continue;
        const name = el.localName + (el.id ? '#' + el.id : '') + (el.getAttribute('part') ? '[' + el.getAttribute('part') + ']' : '');
        if (rect.left < box.left - 1 || rect.right > box.right + 1) {
          r.outside.push(name + ' ' + Math.round(rect.left) + '…' + Math.round(rect.right) + ' in ' + Math.round(box.left) + '…' + Math.round(box.right));
        }
        const text = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (!text) continue;
        const cs = getComputedStyle(el);
        const size = parseFloat(cs.fontSize);
        const line = cs.lineHeight === 'normal' ? size * 1.2 : parseFloat(cs.lineHeight);
        if (size < 11 || size > 32 || line < size) r.type.push(name + ' ' + size + 'px/' + Math.round(line) + 'px');
      }
    };
    visit(host.shadowRoot);
  }
  return report;
}`;

/** Asserts the layout report: no part outside its widget, type readable, widgets not collapsed. */
function assertLayout(report, { minWidth = 200 } = {}) {
  for (const [tag, r] of Object.entries(report)) {
    assert.ok(r.width >= minWidth, `${tag} is ${r.width} px wide`);
    assert.ok(r.height >= 40, `${tag} is ${r.height} px high`);
    assert.deepEqual(r.outside, [], `${tag}: parts outside the widget`);
    assert.deepEqual(r.type, [], `${tag}: text out of the readable range`);
  }
}

describe(`host pages that fight back, in ${ENGINE}`, () => {
  let b;
  before(async () => {
    b = await browser();
  });
  after(async () => {
    await b?.close();
  });

  test('aggressive reset, framework CSS and html { font-size: 40px }: layout and type hold', async () => {
    const p = await b.newPage({ width: 1200, height: 900 });
    await p.goto(page('hostile-reset.html'));
    await loaded(p);
    await shot(p, 'reset');
    const report = await p.eval(LAYOUT);
    assertLayout(report);
    // The form's fields still stack: each label sits above its control.
    const stacked = await p.eval(`() => ['message', 'displayName', 'email'].every((id) => {
      const label = deep('campaign-submission-form >>> label[for=' + id + ']').getBoundingClientRect();
      const input = deep('campaign-submission-form >>> #' + id).getBoundingClientRect();
      return label.bottom <= input.top + 1 && input.width > 200;
    })`);
    assert.ok(stacked, 'labels above full-width fields');
    // Spacing follows the widget's text, not the page's 40 px root: a checkbox stays
    // near the size of its label's text (it was 60 px when sized in rem).
    const box = await p.eval(`() => {
      const c = deep('campaign-submission-form >>> input[type=checkbox]');
      return { box: c.getBoundingClientRect().height, text: parseFloat(getComputedStyle(c).fontSize) };
    }`);
    assert.ok(box.box <= box.text * 2, `checkbox ${box.box} px beside ${box.text} px text`);
    // The photo keeps its aspect ratio inside its frame despite img { height: 300px !important }.
    const photo = await p.eval(`() => {
      const img = deep('campaign-photo >>> img[part=image]');
      const r = img.getBoundingClientRect();
      return { ratio: r.width / r.height, natural: img.naturalWidth / img.naturalHeight };
    }`);
    assert.ok(
      Math.abs(photo.ratio - photo.natural) < 0.02,
      `photo drawn at ${photo.ratio}, not ${photo.natural}`,
    );
    const probe = await p.eval(PROBE);
    assert.deepEqual(probe.errors, []);
    await p.close();
  });

  test('strict CSP with Trusted Types: no violation, and every widget works', async () => {
    const p = await b.newPage();
    await p.goto(page('strict-csp.html'));
    await loaded(p);
    // Nothing the widgets did while loading and rendering broke the policy.
    assert.deepEqual((await p.eval(PROBE)).violations, [], 'violations while loading');
    // Policy in force (the page cannot run inline script)?
    const enforced = await p.eval(`() => {
      const s = document.createElement('script');
      try {
        s.textContent = 'window.__inline = 1'; // refused by Trusted Types where supported
      } catch {
        return 'trusted types';
      }
      document.head.append(s);
      return window.__inline !== 1 && 'script-src';
    }`);
    figure('strict CSP enforced by', enforced);
    assert.ok(enforced, 'the page runs under the policy');
    // The probe's own inline script was refused: forget that one violation only.
    await p.eval(`() => { window.__e2e.violations.length = 0; return true; }`);

    // Photo zoom: the enlarged photo opens in a dialog and loads.
    await p.click('campaign-photo >>> button[part=zoom]');
    await waitFor(
      p,
      `() => { const i = deep('campaign-photo >>> dialog[open] img'); return i && i.complete && i.naturalWidth > 0; }`,
      [],
      { what: 'the zoomed photo' },
    );
    await shot(p, 'csp-zoom');
    await p.press('Escape');
    await waitFor(p, `() => !deep('campaign-photo >>> dialog[open]')`, [], {
      what: 'the dialog to close',
    });

    // Story teaser: opening it fires the typed event (the probe keeps the page here).
    await p.click('campaign-story-teaser >>> a[part=link]');
    await waitFor(
      p,
      `() => window.__e2e.events.some((e) => e.name === 'campaign-story-open')`,
      [],
      {
        what: 'campaign-story-open',
      },
    );

    // Submission form: words sent across origins.
    const words = `Sent under a strict policy in ${ENGINE}: the ropeway over the Yangtze at dusk. ${Date.now()}`;
    await p.click('campaign-submission-form >>> #message');
    await p.type(words);
    await p.click('campaign-submission-form >>> #anonymous');
    await p.click('campaign-submission-form >>> #consentGiven');
    await p.click('campaign-submission-form >>> #publishPermission');
    await p.click('campaign-submission-form >>> #send');
    await waitFor(
      p,
      `() => document.querySelector('campaign-submission-form').getAttribute('state') === 'sent'`,
      [],
      {
        timeout: 20000,
        what: 'the form to be sent',
      },
    );
    const id = (await p.eval(PROBE)).events.find((e) => e.name === 'campaign-submitted').detail.id;

    // Quote wall: the approved quote arrives live on the stream. (Back at the top: a
    // reader scrolled into the wall gets a "new quotes" button instead.)
    await p.eval(`() => { scrollTo(0, 0); document.activeElement?.blur(); return true; }`);
    const approved = await fetch(`${CAMPAIGN}/submissions/${id}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.ok(approved.ok, `approve answered ${approved.status}`);
    await waitFor(
      p,
      `(t) => deep('campaign-quote-wall >>> blockquote', true).some((q) => q.textContent.trim() === t)`,
      [words],
      { timeout: 10000, what: 'the live quote' },
    );
    await shot(p, 'csp-done');
    const probe = await p.eval(PROBE);
    assert.deepEqual(probe.violations, [], 'securitypolicyviolation events');
    assert.deepEqual(probe.errors, []);
    await p.close();
  });

  test('loaded three times (an older copy first, module, classic): no error, one working set', async () => {
    const p = await b.newPage();
    await p.goto(page('double-load.html'));
    await loaded(p);
    const state = await p.eval(`() => {
      const reg = globalThis[Symbol.for('campaign-widgets.registry')];
      return {
        versions: [...new Set(reg.tags.values())],
        tags: [...reg.tags.keys()].sort(),
        probe: window.__e2e,
        hosts: ['campaign-story-teaser', 'campaign-photo', 'campaign-submission-form', 'campaign-quote-wall']
          .map((t) => document.querySelectorAll(t).length + ':' + !!document.querySelector(t).shadowRoot),
      };
    }`);
    assert.deepEqual(state.versions, [OLD_VERSION], 'the first copy defined every tag');
    assert.deepEqual(state.tags, [
      'campaign-photo',
      'campaign-quote-wall',
      'campaign-story-teaser',
      'campaign-submission-form',
    ]);
    assert.deepEqual(state.hosts, ['1:true', '1:true', '1:true', '1:true']);
    assert.deepEqual(state.probe.errors, []);
    // One warning naming both versions, however many later copies stepped aside.
    const warnings = state.probe.warnings.filter((w) => w.startsWith('campaign-widgets:'));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], new RegExp(OLD_VERSION.replaceAll('.', '\\.')));
    // The widgets the older copy defined respond: the wall is live, the form validates.
    await waitFor(p, `() => deep('campaign-quote-wall >>> [part=status].live')`, [], {
      what: 'live wall',
    });
    await p.click('campaign-submission-form >>> #send');
    await waitFor(p, `() => deep('campaign-submission-form >>> [part=error-summary]')`, [], {
      what: 'the error summary',
    });
    await shot(p, 'double-load');
    await p.close();
  });

  test('right-to-left page: widgets mirror', async () => {
    const p = await b.newPage();
    await p.goto(page('rtl.html'));
    await loaded(p);
    await shot(p, 'rtl');
    const m = await p.eval(`() => {
      const rect = (path) => deep(path).getBoundingClientRect();
      const form = rect('campaign-submission-form');
      const label = rect('campaign-submission-form >>> label[for=message]');
      const consent = rect('campaign-submission-form >>> #consentGiven');
      const consentLabel = rect('campaign-submission-form >>> label[for=consentGiven]');
      const mark = getComputedStyle(deep('campaign-photo >>> button[part=zoom]'), '::after');
      const teaser = rect('campaign-story-teaser');
      const media = rect('campaign-story-teaser >>> .media');
      return {
        direction: getComputedStyle(deep('campaign-submission-form >>> form')).direction,
        labelAtRight: Math.abs(label.right - form.right) < 2,
        checkboxRightOfLabel: consent.left > consentLabel.right - 1,
        zoomAtLeft: parseFloat(mark.left) < parseFloat(mark.right),
        mediaAtRight: Math.abs(media.right - teaser.right) < 3 && media.left > teaser.left + 20,
      };
    }`);
    assert.deepEqual(m, {
      direction: 'rtl',
      labelAtRight: true,
      checkboxRightOfLabel: true,
      zoomAtLeft: true,
      mediaAtRight: true,
    });
    assertLayout(await p.eval(LAYOUT));
    await p.close();
  });

  test('<html lang="zh-CN">: every widget speaks Chinese', async () => {
    const p = await b.newPage();
    await p.goto(page('partner-b.html'));
    await loaded(p);
    await waitFor(p, `() => deep('campaign-quote-wall >>> [part=status].live')`, [], {
      what: 'live wall',
    });
    const ui = await p.eval(`() => ({
      label: deep('campaign-submission-form >>> label[for=message]').textContent.trim(),
      send: deep('campaign-submission-form >>> #send').textContent.trim(),
      live: deep('campaign-quote-wall >>> [part=status]').textContent.trim(),
      date: deep('campaign-story-teaser >>> time').textContent.trim(),
      zoom: deep('campaign-photo >>> button[part=zoom]').getAttribute('aria-label'),
      lang: document.documentElement.lang,
    })`);
    assert.equal(ui.label, '您的留言');
    assert.equal(ui.send, '发送');
    assert.equal(ui.live, '实时');
    assert.match(ui.date, /^\d{4}年\d{1,2}月\d{1,2}日$/);
    assert.match(ui.zoom, /[\u4e00-\u9fff]/, 'the zoom button is labelled in Chinese');
    await shot(p, 'zh-CN');
    await p.close();
  });

  test('320 px wide viewport: no horizontal overflow', async () => {
    const { top, p } = await narrowPartnerPage(b);
    await loaded(p);
    const widths = await p.eval(
      `() => ({ inner: innerWidth, scroll: document.documentElement.scrollWidth })`,
    );
    assert.equal(widths.inner, 320);
    assert.ok(widths.scroll <= 320, `the page scrolls sideways: ${widths.scroll} px`);
    assertLayout(await p.eval(LAYOUT), { minWidth: 250 });
    await shot(top, 'narrow-320');
    await top.close();
  });

  test('space reserved with reserve-space.css: cumulative layout shift is 0', async (t) => {
    // A desktop viewport, as readers measure it: shifts count while in view (the
    // waits below bring each widget into view as it loads).
    const p = await b.newPage({ width: 1200, height: 900 });
    await p.goto(page('cls.html'));
    const supported = await p.eval(`() => window.__shifts !== null`);
    if (!supported) {
      t.skip(`${ENGINE} has no Layout Instability API (layout-shift entries)`);
      await p.close();
      return;
    }
    await loaded(p);
    // Every photo the teasers show has arrived too, and a frame has passed.
    await waitFor(
      p,
      `() => deep('campaign-story-teaser >>> campaign-photo >>> img', true).every((i) => i.complete && i.naturalWidth > 0)`,
      [],
      { what: 'the teasers’ photos' },
    );
    await new Promise((r) => setTimeout(r, 500));
    const shifts = await p.eval(`() => window.__shifts`);
    const cls = shifts.reduce((sum, s) => sum + s.value, 0);
    figure('CLS with reserve-space.css', cls.toFixed(4));
    await shot(p, 'cls');
    assert.equal(cls, 0, JSON.stringify(shifts, null, 1));
    await p.close();
  });
});
