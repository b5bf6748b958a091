// React 19 and Vue 3 apps (built by esbuild in the setup) render all four widgets, set
// properties and attributes on them, re-render them, and receive their typed events.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './support/driver.mjs';
import { ENGINE, PROBE, SITE, browser, shots } from './support/context.mjs';

const shot = shots('frameworks');

describe(`framework apps in ${ENGINE}`, () => {
  let b;
  before(async () => {
    b = await browser();
  });
  after(async () => {
    await b?.close();
  });

  for (const framework of ['react', 'vue']) {
    const name = framework === 'react' ? 'React' : 'Vue';
    test(`${name}: widgets take properties and attributes, and their events arrive`, async () => {
      const p = await b.newPage();
      await p.goto(`${SITE}/build/${framework}.html`);
      await waitFor(
        p,
        `() => deep('campaign-quote-wall >>> blockquote', true).length > 0 &&
          !!deep('campaign-story-teaser >>> a[part=link]') &&
          !!deep('campaign-photo >>> [part=caption]')`,
        [],
        { timeout: 20000, what: `the ${name} app's widgets` },
      );
      const state = await p.eval(`() => ({
        teaserLayout: document.querySelector('campaign-story-teaser').getAttribute('layout'),
        caption: deep('campaign-photo >>> [part=caption]').textContent.trim(),
        zoomable: document.querySelector('campaign-photo').zoomable,
        zoomButton: !!deep('campaign-photo >>> button[part=zoom]'),
        maxItems: document.querySelector('campaign-quote-wall').maxItems,
        quotes: deep('campaign-quote-wall >>> blockquote', true).length,
        status: !!deep('campaign-quote-wall >>> [part=status]'),
        hideStatus: document.querySelector('campaign-quote-wall').hideStatus,
      })`);
      assert.deepEqual(state, {
        teaserLayout: 'horizontal',
        caption: `Captioned from ${name}`,
        zoomable: true,
        zoomButton: true,
        maxItems: 2, // a number property, not the string of an attribute
        quotes: 2,
        status: false, // hide-status, as an attribute
        hideStatus: true,
      });

      // Typed events reach the framework's own listeners.
      await waitFor(
        p,
        `() => window.__app.events.some((e) => e.type === 'campaign-live-status' && e.detail.status === 'live')`,
        [],
        { what: 'campaign-live-status' },
      );
      await p.click('campaign-submission-form >>> #send');
      await waitFor(
        p,
        `() => window.__app.events.some((e) => e.type === 'campaign-submit-error')`,
        [],
        {
          what: 'campaign-submit-error',
        },
      );
      await p.click('campaign-story-teaser >>> a[part=link]');
      await waitFor(
        p,
        `() => window.__app.events.some((e) => e.type === 'campaign-story-open')`,
        [],
        {
          what: 'campaign-story-open',
        },
      );
      const events = await p.eval(`() => window.__app.events`);
      const of = (type) => events.find((e) => e.type === type);
      assert.deepEqual(of('campaign-submit-error'), {
        type: 'campaign-submit-error',
        target: 'campaign-submission-form',
        detail: { code: 'validation', retrying: false },
      });
      assert.equal(of('campaign-story-open').target, 'campaign-story-teaser');
      assert.equal(of('campaign-story-open').detail.id, 'a-tour-in-chongqing');
      assert.match(of('campaign-story-open').detail.href, /\/stories\/a-tour-in-chongqing$/);
      // The framework's handler kept the page here (preventDefault on a cancelable event).
      assert.equal(await p.eval(`() => location.pathname`), `/build/${framework}.html`);

      // A re-render with new state reaches the widget as a property.
      await p.eval(`() => { window.__app.setLayout('spotlight'); return true; }`);
      await waitFor(
        p,
        `() => document.querySelector('campaign-quote-wall').getAttribute('layout') === 'spotlight' &&
          deep('campaign-quote-wall >>> blockquote', true).length === 1`,
        [],
        { what: 'the spotlight layout' },
      );
      await shot(p, framework);
      const probe = await p.eval(PROBE);
      assert.deepEqual(probe.errors, []);
      await p.close();
    });
  }
});
