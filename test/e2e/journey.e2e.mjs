// The partner's day, end to end: a reader on partner page A (English) sends words and
// a photo; a moderator (a staff account of their own, made with the service token)
// signs in on the API's /moderate console, finds it in the pending queue and approves
// it; it arrives on partner page B's wall (Chinese UI, the quote in its own language)
// within 2 s; the moderator removes it, with a reason, and it leaves B. Once with
// pointer clicks, once with the keyboard alone, each pass with its own account.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIVE, waitFor } from './support/driver.mjs';
import {
  ANNOUNCED,
  DETAIL,
  QUEUE,
  row,
  rowIndex,
  rowState,
  search,
  signIn,
  staffAccount,
  waitForElement,
  waitForQueue,
} from './support/staff.mjs';
import {
  API,
  ARTIFACTS,
  ENGINE,
  PHOTO,
  PROBE,
  TOKEN,
  browser,
  page,
  shots,
} from './support/context.mjs';

const FORM = 'campaign-submission-form';
const WALL = 'campaign-quote-wall';

/** Records, in page B, when a quote with `text` is first shown and when it is gone. */
const WATCH = `(text) => {
  const w = (window.__watch = { text, shown: 0, gone: 0 });
  const wall = document.querySelector('${WALL}');
  const check = () => {
    const here = deep('${WALL} >>> blockquote', true).some((q) => q.textContent.trim() === text);
    if (here && !w.shown) w.shown = Date.now();
    if (!here && w.shown && !w.gone) w.gone = Date.now();
  };
  // Mutations are seen as the wall renders, whatever timers a background window gets.
  new MutationObserver(check).observe(wall.shadowRoot, { childList: true, subtree: true, characterData: true });
  setInterval(check, 50);
  return true;
}`;

/** Records, in the staff page, when the next button click or key press happens. */
const ACTED = `() => {
  window.__actedAt = 0;
  const mark = () => { window.__actedAt ||= Date.now(); };
  if (!window.__acting) {
    window.__acting = true;
    document.addEventListener('click', (e) => {
      if (e.composedPath().some((n) => n.localName === 'button')) mark();
    }, { capture: true });
    document.addEventListener('keydown', mark, { capture: true });
  }
  return true;
}`;

/** A deep-active-element predicate for tabTo. */
const focused = (test) => `() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return !!el && (${test})(el);
}`;

async function tabUntil(p, predicate, what, options) {
  const fn = focused(predicate);
  for (let i = 0; i < (options?.max ?? 60); i++) {
    if (await p.eval(fn)) return;
    await p.press('Tab', options);
  }
  if (await p.eval(fn)) return;
  throw new Error(`keyboard focus never reached ${what}; it is on ${await p.eval(ACTIVE)}`);
}

function figure(name, value) {
  mkdirSync(ARTIFACTS, { recursive: true });
  appendFileSync(join(ARTIFACTS, 'figures.txt'), `${name}\t${value}\n`);
}

for (const mode of ['pointer', 'keyboard']) {
  const keyboard = mode === 'keyboard';
  describe(`journey (${mode}) in ${ENGINE}`, () => {
    let b;
    let pageA;
    let pageB;
    let staff;
    let id;
    const shot = shots(`journey-${mode}`);
    const stamp = Date.now();
    const words = `${keyboard ? 'Keyboard' : 'Pointer'} reader ${ENGINE}: the stairways of Yuzhong teach patience, and the river keeps its promises. ${stamp}`;
    const name = keyboard ? 'Wen from Nan’an' : 'Li Ming';
    const moderator = keyboard ? 'Keyboard Moderator' : 'Pointer Moderator';

    before(async () => {
      b = await browser();
      // B is open first, as a reader elsewhere watching the wall.
      pageB = await b.newPage();
      await pageB.goto(page('partner-b.html'));
      pageA = await b.newPage();
      await pageA.goto(page('partner-a.html'));
    });
    after(async () => {
      await b?.close();
    });

    test('page B shows the wall live, in Chinese', async () => {
      await pageB.front();
      const status = await waitFor(
        pageB,
        `() => deep('${WALL} >>> [part=status].live')?.textContent.trim()`,
        [],
        { timeout: 20000, what: 'the wall to go live' },
      );
      assert.equal(status, '实时');
      await shot(pageB, 'b-wall-live');
    });

    test('a reader on page A sends words and a photo', async () => {
      await pageA.front();
      // The campaign's own settings (districts) have arrived.
      await waitFor(pageA, `() => deep('${FORM} >>> #district option', true).length > 1`, [], {
        timeout: 20000,
        what: 'the campaign settings',
      });
      if (keyboard) {
        await tabUntil(pageA, `(el) => el.id === 'message'`, 'the message field');
        await pageA.type(words);
        await pageA.press('Tab');
        await tabUntil(pageA, `(el) => el.id === 'displayName'`, 'the name field');
        await pageA.type(name);
        await tabUntil(pageA, `(el) => el.id === 'photo'`, 'the photo field');
        // The file chooser is the one step no driver can answer from the keyboard.
        await pageA.uploadFile(`${FORM} >>> #photo`, PHOTO);
      } else {
        await pageA.click(`${FORM} >>> #message`);
        await pageA.type(words);
        await pageA.click(`${FORM} >>> #displayName`);
        await pageA.type(name);
        await pageA.uploadFile(`${FORM} >>> #photo`, PHOTO);
      }
      // Resized and re-encoded on the device, then previewed.
      await waitFor(
        pageA,
        `() => { const i = deep('${FORM} >>> [part=field] img'); return i && i.complete && i.naturalWidth > 0; }`,
        [],
        { timeout: 15000, what: 'the photo preview' },
      );
      if (keyboard) {
        await tabUntil(pageA, `(el) => el.id === 'consentGiven'`, 'the consent box');
        await pageA.press('Space');
        await tabUntil(pageA, `(el) => el.id === 'publishPermission'`, 'the publish box');
        await pageA.press('Space');
        // The photo's own permission: without it the photo would reach the newsroom only.
        await tabUntil(pageA, `(el) => el.id === 'photoPermission'`, 'the photo permission box');
        await pageA.press('Space');
      } else {
        await pageA.click(`${FORM} >>> #consentGiven`);
        await pageA.click(`${FORM} >>> #publishPermission`);
        await pageA.click(`${FORM} >>> #photoPermission`);
      }
      const filled = await pageA.eval(
        `() => ({ message: deep('${FORM} >>> #message').value, name: deep('${FORM} >>> #displayName').value,
          consent: deep('${FORM} >>> #consentGiven').checked, publish: deep('${FORM} >>> #publishPermission').checked,
          photo: deep('${FORM} >>> #photoPermission').checked })`,
      );
      assert.deepEqual(filled, { message: words, name, consent: true, publish: true, photo: true });
      await shot(pageA, 'a-form-filled');
      if (keyboard) {
        await tabUntil(pageA, `(el) => el.id === 'send'`, 'the send button');
        await pageA.press('Enter');
      } else {
        await pageA.click(`${FORM} >>> #send`);
      }
      await waitFor(
        pageA,
        `() => document.querySelector('${FORM}').getAttribute('state') === 'sent'`,
        [],
        {
          timeout: 30000,
          what: 'the form to be sent',
        },
      );
      const probe = await pageA.eval(PROBE);
      const submit = probe.events.find((e) => e.name === 'campaign-submit');
      assert.equal(submit.detail.request.message, words);
      assert.equal(submit.detail.request.locale, 'en');
      assert.equal(submit.detail.photo, true);
      id = probe.events.find((e) => e.name === 'campaign-submitted')?.detail.id;
      assert.ok(id, 'campaign-submitted carries the new id');
      const thanks = await pageA.eval(`() => deep('${FORM} >>> [part=status]').textContent.trim()`);
      assert.match(thanks, /Thank you/);
      await shot(pageA, 'a-sent');
      assert.deepEqual(probe.errors, []);
    });

    test('a moderator signs in on /moderate, finds it in the queue and approves it; page B shows it within 2 s', async () => {
      assert.ok(id, 'needs the submission of the previous step');
      // A person's own account: made with the service token, its password set through
      // its one-time link, as an admin's invitation would.
      const account = await staffAccount(API, TOKEN, {
        label: `journey-${mode}-${ENGINE}`,
        name: moderator,
      });
      staff = await b.newPage();
      await staff.goto(`${API}/moderate`);
      await signIn(staff, account, { keyboard });
      await waitForQueue(staff);
      assert.equal(await staff.eval(`() => document.documentElement.lang`), 'en');
      await shot(staff, 'staff-signed-in');

      // Found among the pending ones by a search for its words' stamp.
      await search(staff, String(stamp), { keyboard });
      const index = await rowIndex(staff, words, { what: 'the submission in the pending queue' });
      const listed = await rowState(staff, index);
      assert.deepEqual({ text: listed.text, lang: listed.lang }, { text: words, lang: 'en' });
      assert.match(
        await staff.eval(`() => deep('${QUEUE} >>> [role=tab][aria-selected=true]').textContent`),
        /^\s*Pending\s/,
      );
      if (keyboard) {
        await tabUntil(
          staff,
          `(el) => el.matches('[role=row][data-index="${index}"] button.open')`,
          'its row in the queue',
        );
        await staff.press('Enter');
      } else {
        await staff.click(`${row(index)} button.open`);
      }
      const seen = await waitFor(
        staff,
        `() => { const q = deep('${DETAIL} >>> blockquote'); return q && { text: q.textContent, lang: q.lang }; }`,
        [],
        { timeout: 15000, what: 'the opened item' },
      );
      assert.deepEqual(seen, { text: words, lang: 'en' });
      // The reader's photo reached staff, re-encoded.
      await waitFor(
        staff,
        `() => { const i = deep('${DETAIL} >>> figure img'); return i && i.complete && i.naturalWidth > 0; }`,
        [],
        { timeout: 15000, what: 'the photo in the opened item' },
      );
      await shot(staff, 'staff-pending');

      await pageB.eval(WATCH, words);
      await pageB.front(); // nothing rests on B's wall: its reader is not hovering it
      await staff.front();
      await staff.eval(ACTED);
      let approvedAt;
      if (keyboard) {
        // The opened item's heading has the focus: `a` approves it.
        assert.match(await staff.eval(ACTIVE), /newsroom-item-detail >>> h2#detail-heading/);
        approvedAt = Date.now();
        await staff.press('a');
      } else {
        approvedAt = Date.now();
        await staff.click(`${DETAIL} >>> .actions button.approve`);
      }
      const announced = await waitFor(staff, `() => (${ANNOUNCED})() || null`, [], {
        what: 'the approval to be announced',
      });
      assert.match(announced, new RegExp(`^Approved by ${moderator} at \\d{2}:\\d{2}: `));
      await waitFor(staff, `() => deep('${DETAIL} >>> .badge.approved')`, [], {
        what: 'the opened item to show it is approved',
      });
      await shot(staff, 'staff-approved');

      const shownAt = await waitFor(pageB, `() => window.__watch.shown`, [], {
        timeout: 15000,
        interval: 100,
        what: 'the quote on page B',
      }).catch(async (error) => {
        const state = await pageB.eval(`() => {
          const w = document.querySelector('${WALL}');
          return JSON.stringify({ status: w.live.status, hover: w.matches(':hover'), focus: w.matches(':focus-within'), top: w.getBoundingClientRect().top, visible: document.visibilityState,
            items: (w.live.feed?.items ?? []).slice(0, 3).map((q) => q.text.slice(0, 30)),
            shown: deep('${WALL} >>> blockquote', true).slice(0, 3).map((q) => q.textContent.slice(0, 30)),
            controls: deep('${WALL} >>> [part=controls]')?.textContent.replace(/\\s+/g, ' ') });
        }`);
        throw new Error(`${error.message}; page B: ${state}`);
      });
      // From the moment the button or the key acted in the staff page.
      approvedAt = (await staff.eval(`() => window.__actedAt`)) || approvedAt;
      const latency = shownAt - approvedAt;
      figure(`approve→visible on B (${mode}) ms`, latency);
      assert.ok(latency <= 2000, `the quote took ${latency} ms to appear on page B`);

      await pageB.front();
      const shown = await pageB.eval(
        `(text) => {
        const q = deep('${WALL} >>> blockquote', true).find((b) => b.textContent.trim() === text);
        const fig = q.closest('figure');
        return {
          lang: q.lang,
          name: fig.querySelector('figcaption b').textContent.trim(),
          photo: !!fig.querySelector('campaign-photo'),
          pause: deep('${WALL} >>> [part=controls] button:last-child').textContent.trim(),
        };
      }`,
        words,
      );
      assert.deepEqual(shown, { lang: 'en', name, photo: true, pause: '暂停' });
      await shot(pageB, 'b-quote-arrived');
    });

    test('the moderator removes it from the wall, with a reason; it leaves page B', async () => {
      assert.ok(staff, 'needs the approval of the previous step');
      await staff.front();
      // The approved item stays open: "Remove…" asks why before anything is sent.
      if (keyboard) {
        await staff.press('r');
        await waitFor(staff, focused(`(el) => el.matches('fieldset input[type=radio]')`), [], {
          what: 'the first reason to have the focus',
        });
        await staff.press('Space');
      } else {
        await staff.click(`${DETAIL} >>> .actions button.reject`);
        await waitForElement(staff, `${DETAIL} >>> fieldset input[type=radio]`, 'the reasons');
        await staff.click(`${DETAIL} >>> fieldset input[type=radio]`);
      }
      const reason = await staff.eval(`() => {
        const r = deep('${DETAIL} >>> fieldset input:checked');
        return { legend: deep('${DETAIL} >>> fieldset legend').textContent.trim(),
          label: r?.closest('label').textContent.replace(/\\s+/g, ' ').trim() };
      }`);
      assert.deepEqual(reason, { legend: 'Why remove it?', label: 'Off topic 与主题无关' });
      const remove = `${DETAIL} >>> form button.danger[type=submit]`;
      assert.equal(await staff.eval(`(p) => deep(p).textContent.trim()`, remove), 'Remove');
      await shot(staff, 'staff-remove-reason');
      let removedAt;
      if (keyboard) {
        await tabUntil(
          staff,
          `(el) => el.matches('button.danger[type=submit]')`,
          'the Remove button',
        );
        await staff.eval(ACTED);
        removedAt = Date.now();
        await staff.press('Enter');
      } else {
        await staff.eval(ACTED);
        removedAt = Date.now();
        await staff.click(remove);
      }
      const goneAt = await waitFor(pageB, `() => window.__watch.gone`, [], {
        timeout: 15000,
        interval: 100,
        what: 'the quote to leave page B',
      });
      removedAt = (await staff.eval(`() => window.__actedAt`)) || removedAt;
      figure(`remove→gone on B (${mode}) ms`, goneAt - removedAt);
      assert.ok(
        goneAt - removedAt <= 2000,
        `the quote took ${goneAt - removedAt} ms to leave page B`,
      );
      const announced = await waitFor(
        staff,
        `() => { const t = (${ANNOUNCED})(); return t.startsWith('Removed') && t; }`,
        [],
        { what: 'the removal to be announced' },
      );
      assert.match(
        announced,
        new RegExp(`^Removed by ${moderator} at \\d{2}:\\d{2} · Off topic · 与主题无关: `),
      );
      await shot(staff, 'staff-removed');
      await pageB.front();
      await shot(pageB, 'b-quote-removed');
      for (const p of [pageA, pageB]) {
        const probe = await p.eval(PROBE);
        assert.deepEqual(probe.errors, []);
        assert.deepEqual(probe.violations, []);
      }
    });
  });
}
