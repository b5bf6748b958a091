import { expect } from '@open-wc/testing';
import type { Campaign } from '../src/api/wire.js';
import { testApi } from './support/api.js';
import { fastTiming, settled, room, texts, until, wallFor } from './support/quote-wall.js';

// The wall against the real reference API (server/): moderation reaches the wall live,
// and a dropped or refused stream loses nothing. Other suites and engines use the same
// server at the same time, so every assertion is about this test's own quotes.
const CAMPAIGN = 'spirit-of-chongqing';
const tag = () => Math.random().toString(36).slice(2, 8);

async function submit(message: string): Promise<string> {
  const { url } = await testApi();
  const base = `${url}/v1/campaigns/${CAMPAIGN}`;
  const campaign = (await fetch(base).then((r) => r.json())) as Campaign;
  const response = await fetch(`${base}/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({
      message,
      displayName: 'Wall Tester',
      anonymous: false,
      district: campaign.districts[0]?.id ?? null,
      email: null,
      consentGiven: true,
      consentVersion: campaign.consent.version,
      publishPermission: true,
      locale: 'en',
    }),
  });
  expect(response.status, await response.clone().text()).to.equal(202);
  return ((await response.json()) as { id: string }).id;
}

// Staff routes answer no CORS, so the browser reaches them through the test server's
// proxy (test/support/quote-endpoints.mjs), with the staff token.
const staffRoom = room();
async function moderate(id: string, action: 'approve' | 'remove'): Promise<void> {
  const { url, adminToken } = await testApi();
  await staffRoom.call(`upstream?url=${encodeURIComponent(url)}`);
  const response = await fetch(
    `/__qw/${staffRoom.id}/staff/v1/campaigns/${CAMPAIGN}/submissions/${id}/${action}`,
    { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } },
  );
  expect(response.ok, `${action}: ${response.status}`).to.equal(true);
}

const count = (el: HTMLElement, text: string) => texts(el).filter((t) => t === text).length;

describe('<campaign-quote-wall> with the reference API', function () {
  this.timeout(20000);
  beforeEach(fastTiming);

  it('shows a quote once staff approve it, and takes it away when they remove it', async () => {
    const { url } = await testApi();
    const el = await wallFor(url, {}, CAMPAIGN);
    await until(() => el.live.status === 'live', 'live', 8000);
    const text = `Approved live on the wall ${tag()}`;
    const id = await submit(text);
    // Pending: nothing unapproved reaches the wall.
    expect(count(el, text)).to.equal(0);
    await moderate(id, 'approve');
    await until(() => count(el, text) === 1, 'the approved quote appears', 8000);
    expect(texts(el)[0]).to.equal(text);
    await moderate(id, 'remove');
    await until(() => count(el, text) === 0, 'the removed quote disappears', 8000);
    await settled(el);
    await expect(el).to.be.accessible();
  });

  it('resumes a dropped stream with every quote exactly once', async () => {
    const { url } = await testApi();
    // Through the test server's proxy, which can cut the stream.
    const r = room();
    await r.call(`upstream?url=${encodeURIComponent(url)}`);
    const el = await wallFor(r.api, {}, CAMPAIGN);
    await until(() => el.live.status === 'live', 'live', 8000);
    const before = `Before the cut ${tag()}`;
    await moderate(await submit(before), 'approve');
    await until(() => count(el, before) === 1, 'first quote', 8000);
    await r.call('drop');
    const during = [`During the cut one ${tag()}`, `During the cut two ${tag()}`];
    for (const text of during) await moderate(await submit(text), 'approve');
    await until(() => during.every((t) => count(el, t) === 1), 'missed quotes arrive', 12000);
    expect(count(el, before)).to.equal(1);
    const stats = await r.stats();
    // The browser resumed with Last-Event-ID, after the server's retry delay.
    expect(stats.resumedFrom.length).to.be.at.least(2);
    expect(stats.resumedFrom.at(-1)).to.be.greaterThan(stats.resumedFrom[0]);
  });

  it('polls when the stream is refused, and returns to streaming', async () => {
    const { url } = await testApi();
    const r = room();
    await r.call(`upstream?url=${encodeURIComponent(url)}`);
    await r.call('refuse?on=1');
    const el = await wallFor(r.api, {}, CAMPAIGN);
    await until(() => el.live.feed?.loaded === true, 'first page', 8000);
    const polled = `Seen by polling ${tag()}`;
    await moderate(await submit(polled), 'approve');
    await until(() => count(el, polled) === 1, 'polled quote', 8000);
    expect((await r.stats()).open).to.equal(0);
    await r.call('refuse?on=0');
    await until(() => el.live.status === 'live', 'live', 8000);
    for (let i = 0; i < 200 && !(await r.stats()).open; i++) {
      await new Promise((f) => setTimeout(f, 20));
    }
    expect((await r.stats()).open).to.equal(1);
  });
});
