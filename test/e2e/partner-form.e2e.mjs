// The form on a partner's page as the newsroom sets the campaign up, on an API of its own
// (started as `npm start` starts it) that does not allow the partner site's origin:
//   a. a Chinese reader's page on that origin says, in Chinese, that it cannot send to
//      the newsroom yet, sends nothing again by itself, fires `origin_not_allowed` and
//      warns the partner's developer once; an admin signed in on /moderate adds the
//      origin in the console's Partner sites view; the same page, with no restart of the
//      API, sends on "Try again" and the submission is stored exactly once;
//   b. an admin closes the campaign in the console's Settings view: an open form shows it
//      closed within seconds, with no reload; reopening there brings the form back, with
//      the reader's words.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startApiProcess } from '../../scripts/api-process.mjs';
import { ENGINE, PROBE, SITE, browser, page, separateBrowser, shots } from './support/context.mjs';
import { waitFor } from './support/driver.mjs';
import { CONSOLE, signIn, staffAccount, waitForElement } from './support/staff.mjs';

const CAMPAIGN = 'spirit-of-chongqing';
const TOKEN = 'e2e-partner-token-4b81c2';
const FORM = 'campaign-submission-form';
const SECONDS = 8000;

describe(`the form on a partner's page in ${ENGINE}`, () => {
  const origin = new URL(SITE).origin;
  const shot = shots('partner-form');
  let api;
  let b;
  let admin; // { cookie, csrf }
  let account; // the admin's email and password

  /** A staff request under the campaign, as the signed-in admin (cookie and CSRF token, as the console sends). */
  const asAdmin = async (method, path, body) => {
    const response = await fetch(`${api.url}/v1/campaigns/${CAMPAIGN}${path}`, {
      method,
      headers: {
        cookie: admin.cookie,
        'x-csrf-token': admin.csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  const stored = async () => {
    const answer = await asAdmin('GET', '/submissions?limit=50');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.items.map((s) => s.message);
  };
  const readerUrl = (lang) =>
    `${page('reader.html')}?api=${encodeURIComponent(api.url)}&lang=${lang}`;
  const formState = (p) => p.eval(`() => document.querySelector('${FORM}').getAttribute('state')`);
  const statusText = (p) =>
    p.eval(
      `() => (deep('${FORM} >>> [role=status]')?.textContent ?? '').replace(/\\s+/g, ' ').trim()`,
    );
  const untilState = (p, state, timeout = SECONDS) =>
    waitFor(p, `(s) => document.querySelector('${FORM}').getAttribute('state') === s`, [state], {
      timeout,
      what: `the form ${state}`,
    });
  /** Submissions this page has sent (resource timing lists each request, cross-origin too). */
  const posts = (p) =>
    p.eval(
      `() => performance.getEntriesByType('resource').filter((e) => /\\/submissions$/.test(e.name)).length`,
    );

  async function fill(p, message) {
    await waitFor(p, `() => deep('${FORM} >>> #district option', true).length > 1`, [], {
      timeout: 20000,
      what: 'the campaign settings in the form',
    });
    await p.click(`${FORM} >>> #message`);
    await p.type(message);
    await p.click(`${FORM} >>> #displayName`);
    await p.type('Chen Jing');
    await p.click(`${FORM} >>> #consentGiven`);
    await p.click(`${FORM} >>> #publishPermission`);
  }

  before(async () => {
    api = await startApiProcess({
      entry: 'start',
      env: {
        CAMPAIGN_ADMIN_TOKEN: TOKEN,
        CAMPAIGN_RATE_LIMIT: 'off',
        // Another partner only: the test site's origin is not allowed yet.
        CAMPAIGN_ALLOWED_ORIGINS: 'https://courier.example',
      },
    });
    let ok = false;
    for (let attempt = 0; attempt < 40 && !ok; attempt++) {
      ok = (await fetch(`${api.url}/v1/campaigns/${CAMPAIGN}`)).ok;
      if (!ok) await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(ok, 'the API answers with the campaign');
    account = await staffAccount(api.url, TOKEN, {
      label: 'partners',
      name: 'Partner Desk',
      role: 'admin',
    });
    const signedIn = await fetch(`${api.url}/v1/staff/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: account.email, password: account.password }),
    });
    assert.equal(signedIn.status, 200, 'the admin signs in');
    admin = {
      cookie: signedIn.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; '),
      csrf: (await signedIn.json()).csrfToken,
    };
    b = await browser();
  });

  after(async () => {
    await b?.close().catch(() => undefined);
    await api?.stop();
  });

  test('a. not allowed yet: says so, keeps the words, sends once the newsroom adds the site', async (t) => {
    const partners = await asAdmin('GET', '/staff/partners');
    if (partners.status === 404) {
      t.skip('this API has no partner sites (GET …/staff/partners answers 404)');
      return;
    }
    assert.equal(partners.status, 200);
    const p = await b.newPage({ width: 1280, height: 900 });
    await p.goto(readerUrl('zh-Hans'));
    const message = `来福士旁边的石阶，每天早上都有人一边爬一边唱歌。${Date.now()}`;
    await fill(p, message);
    await p.click(`${FORM} >>> #send`);
    await untilState(p, 'blocked');
    assert.equal(
      await statusText(p),
      '此页面暂时还不能把您的留言发送给编辑部。留言已保存在这台设备上，不会丢失，请稍后再试。',
    );
    let probe = await p.eval(PROBE);
    const refused = probe.events.filter((e) => e.name === 'campaign-submit-error');
    assert.deepEqual(
      refused.map((e) => e.detail),
      [{ code: 'origin_not_allowed', status: 403, retrying: false }],
    );
    assert.equal(probe.warnings.length, 1, probe.warnings.join('\n'));
    assert.ok(probe.warnings[0].includes(origin), probe.warnings[0]);
    assert.ok(probe.warnings[0].includes('partner site'), probe.warnings[0]);
    await shot(p, 'a-cannot-send-yet');
    // Past the first retry delay (2 s) nothing more is sent.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await posts(p), 1, 'no retry');
    assert.equal(await formState(p), 'blocked');
    assert.ok(!(await stored()).includes(message), 'nothing stored');

    // The admin, at another desk, adds the site in the console.
    const desk = await separateBrowser();
    t.after(() => desk.close().catch(() => undefined));
    const d = await desk.newPage({ width: 1280, height: 900 });
    await d.goto(`${api.url}/moderate?view=partners`);
    await signIn(d, account);
    const view = `${CONSOLE} >>> newsroom-partners`;
    await waitForElement(d, `${view} >>> #pt-add`, 'the Add a partner site button');
    await d.click(`${view} >>> #pt-add`);
    await waitForElement(d, `${view} >>> #pt-name`, 'the partner form');
    await d.click(`${view} >>> #pt-name`);
    await d.type('The Valley Courier');
    await d.click(`${view} >>> #pt-origins`);
    await d.type(origin);
    await d.click(`${view} >>> #pt-contact`);
    await d.type('web@valley-courier.example');
    await d.click(`${view} >>> form button[type=submit]`);
    await waitFor(
      d,
      `(origin) => deep('${view} >>> ul.origins li', true).some((li) => li.textContent.trim() === origin)`,
      [origin],
      { timeout: 15000, what: 'the partner site in the list' },
    );
    await shot(d, 'a-partner-added');
    const listed = (await asAdmin('GET', '/staff/partners')).body.items;
    assert.deepEqual(
      listed.map((x) => x.origins),
      [[origin]],
    );
    // The same page, the same words, no reload of the page or the API.
    assert.equal(
      await p.eval(`() => deep('${FORM} >>> #message').value`),
      message,
      'the words are still there',
    );
    await p.click(`${FORM} >>> #send`);
    await untilState(p, 'sent', 15000);
    probe = await p.eval(PROBE);
    assert.equal(probe.warnings.length, 1, 'warned once');
    assert.equal(probe.events.filter((e) => e.name === 'campaign-submitted').length, 1);
    assert.deepEqual(
      (await stored()).filter((m) => m === message),
      [message],
      'stored exactly once',
    );
    await shot(p, 'a-sent');
    await p.close();
  });

  test('b. an admin closes the campaign: an open form shows it closed, and back on reopening', async (t) => {
    // The same reader's browser (WebKit's driver holds one session besides the desk's).
    const p = await b.newPage({ width: 1280, height: 900 });
    await p.goto(readerUrl('en'));
    const message = 'The cable car over the river is how my grandmother went to market.';
    await fill(p, message);
    // The admin, at another desk, closes and reopens it in the console's Settings view.
    const desk = await separateBrowser();
    t.after(() => desk.close().catch(() => undefined));
    const d = await desk.newPage({ width: 1280, height: 900 });
    await d.goto(`${api.url}/moderate?view=settings`);
    await signIn(d, account);
    const view = `${CONSOLE} >>> newsroom-settings`;
    const change = async (status) => {
      await waitForElement(d, `${view} >>> #toggle`, 'the open or closed button');
      await d.click(`${view} >>> #toggle`);
      await waitForElement(d, `${view} >>> dialog[open] button.primary`, 'the confirmation');
      await d.click(`${view} >>> dialog[open] button.primary`);
      // Saved: the API answers with the new status (the form hears it on its stream).
      const deadline = Date.now() + 15000;
      let seen;
      while (Date.now() < deadline) {
        seen = (await (await fetch(`${api.url}/v1/campaigns/${CAMPAIGN}`)).json()).status;
        if (seen === status) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(seen, status, `the console saved the campaign ${status}`);
    };
    await change('closed');
    await untilState(p, 'closed');
    assert.equal(await statusText(p), 'This campaign is closed. Thank you for taking part.');
    await shot(p, 'b-closed');
    await change('open');
    await untilState(p, 'idle');
    assert.equal(await p.eval(`() => deep('${FORM} >>> #message').value`), message);
    await shot(p, 'b-open-again');
    await p.close();
  });
});
