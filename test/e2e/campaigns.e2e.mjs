// A second campaign on the same API, end to end: an admin creates it (the service token
// here, as a script would); a partner page whose form and wall name it shows its consent
// text and districts; a reader sends words through the form, which is stored once under
// that campaign; its moderator (an account that is a viewer everywhere else) approves it
// and it arrives live on the page's wall; the first campaign's wall never shows it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './support/driver.mjs';
import { API, PROBE, TOKEN, browser, page, shots } from './support/context.mjs';

// After spirit-of-chongqing in the campaigns' order: the other files' consoles, on the
// same API, still open on the first campaign.
const ID = 'valley-riverside';
const FORM = 'campaign-submission-form';
const WALL = 'campaign-quote-wall';
const CONSENT = 'The Valley Courier may publish my words about the riverside on its wall.';
const WORDS = `Keep the old banyan trees by the water, they have seen the whole city grow. ${Date.now()}`;
const service = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

async function api(method, path, body) {
  const response = await fetch(`${API}${path}`, {
    method,
    headers: service,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null, text };
}

describe('a second campaign on one API', () => {
  let b;
  let p;
  const shot = shots('new-campaign');

  before(async () => {
    const created = await api('POST', '/v1/staff/campaigns', {
      id: ID,
      locales: ['en', 'zh-Hans'],
      defaultLocale: 'en',
      text: {
        en: {
          title: 'Voices of the Riverside',
          summary: 'What should the new riverside park keep?',
          consentText: CONSENT,
        },
        'zh-Hans': {
          title: '江岸之声',
          summary: '新的江岸公园应该留下什么？',
          consentText: '我同意《山谷信使报》在留言墙上发布我关于江岸的文字。',
        },
      },
      consentVersion: 'riverside-1',
      privacyPolicyUrl: '/privacy',
      status: 'open',
      districts: [
        { id: 'north-bank', names: { en: 'North bank', 'zh-Hans': '北岸' } },
        { id: 'south-bank', names: { en: 'South bank', 'zh-Hans': '南岸' } },
      ],
    });
    // The engines share one API: the first engine's run created it (the same body).
    const existed = created.status === 409 && created.json?.code === 'campaign_exists';
    assert.ok(created.status === 201 || existed, created.text);
    b = await browser();
    p = await b.newPage();
    await p.goto(page('new-campaign.html'));
  });
  after(async () => {
    await b?.close();
  });

  test('the form and the wall show the new campaign', async () => {
    const consent = await waitFor(
      p,
      `(text) => deep('${FORM}')?.shadowRoot?.textContent.includes(text)`,
      [CONSENT],
      { timeout: 20000, what: 'the new campaign’s consent text in the form' },
    );
    assert.ok(consent);
    const districts = await p.eval(
      `() => deep('${FORM} >>> #district option', true).map((o) => o.textContent.trim())`,
    );
    assert.ok(districts.includes('North bank') && districts.includes('South bank'), districts);
    await waitFor(p, `() => deep('${WALL} >>> [part=status].live')`, [], {
      timeout: 20000,
      what: 'the new campaign’s wall to go live',
    });
    await shot(p, 'form-and-wall');
  });

  test('a reader sends words: stored once under the new campaign', async () => {
    await p.click(`${FORM} >>> #message`);
    await p.type(WORDS);
    await p.click(`${FORM} >>> #displayName`);
    await p.type('Lin Wei');
    await p.click(`${FORM} >>> #consentGiven`);
    await p.click(`${FORM} >>> #publishPermission`);
    await p.click(`${FORM} >>> #send`);
    await waitFor(
      p,
      `() => document.querySelector('${FORM}').getAttribute('state') === 'sent'`,
      [],
      { timeout: 20000, what: 'the form to be sent' },
    );
    const list = await api('GET', `/v1/campaigns/${ID}/submissions?status=pending`);
    assert.equal(list.status, 200, list.text);
    const mine = list.json.items.filter((s) => s.message === WORDS);
    assert.equal(mine.length, 1, 'stored once');
    const other = await api('GET', '/v1/campaigns/spirit-of-chongqing/submissions?status=pending');
    assert.ok(!other.text.includes(WORDS), 'not under the first campaign');
    const errors = await p.eval(PROBE);
    assert.deepEqual(errors?.errors ?? [], []);
  });

  test('its moderator approves it and the page’s wall shows it live', async () => {
    // An account that is a viewer, and moderator of the new campaign only.
    const invited = await api('POST', '/v1/staff/accounts', {
      email: `river-${Date.now()}@newsroom.example`,
      name: 'River Moderator',
      role: 'viewer',
    });
    assert.equal(invited.status, 201, invited.text);
    const staffId = invited.json.staff.id;
    const roles = await api('PUT', `/v1/staff/accounts/${staffId}/campaign-roles`, {
      roles: { [ID]: 'moderator' },
    });
    assert.equal(roles.status, 200, roles.text);
    const token = /#link=([A-Za-z0-9_-]+)$/.exec(invited.json.link)[1];
    const used = await fetch(`${API}/v1/staff/links/use`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: 'riverside moderator passphrase' }),
    });
    assert.equal(used.status, 200);
    const cookie = used.headers.get('set-cookie').split(';')[0];
    const { csrfToken, campaigns } = await used.json();
    assert.ok(campaigns.includes(ID));
    const pending = (
      await api('GET', `/v1/campaigns/${ID}/submissions?status=pending`)
    ).json.items.find((s) => s.message === WORDS);
    assert.ok(pending, 'the reader’s submission is waiting');
    const asModerator = (path) =>
      fetch(`${API}${path}`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } });
    const onFirst = await asModerator(
      `/v1/campaigns/spirit-of-chongqing/submissions/${pending.id}/approve`,
    );
    assert.equal(onFirst.status, 403, 'a viewer on the first campaign');
    const approved = await asModerator(`/v1/campaigns/${ID}/submissions/${pending.id}/approve`);
    assert.equal(approved.status, 200, await approved.text());
    const shown = await waitFor(
      p,
      `(text) => deep('${WALL} >>> blockquote', true).some((q) => q.textContent.includes(text))`,
      [WORDS.slice(0, 40)],
      { timeout: 15000, what: 'the quote on the new campaign’s wall' },
    );
    assert.ok(shown);
    await shot(p, 'quote-on-wall');
    const first = await fetch(`${API}/v1/campaigns/spirit-of-chongqing/quotes`);
    assert.ok(!(await first.text()).includes(WORDS), 'not on the first campaign’s wall');
  });
});
