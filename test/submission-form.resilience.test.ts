import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { StaffSubmissionPage } from '../src/api/wire.js';
import {
  CAMPAIGN,
  LONG_ENOUGH,
  clearDrafts,
  clearReceipts,
  draftOf,
  fillValid,
  part,
  parts,
  proxyAvailable,
  send,
  staffGet,
  text,
  until,
  watchWarnings,
  type Form,
} from './support/submission-form.js';

// Failures on purpose, through the proxy of test/support/submission-endpoints.mjs in
// front of the real reference API: connections dropped after the server stored a
// submission, refused before it got there, the server process killed mid-request.
const run = Math.random().toString(36).slice(2, 8);
const through = (instance: string, client: string) =>
  `${location.origin}/__test/sf/${instance}/${client}-${run}`;
const plan = (api: string, ...modes: string[]) =>
  fetch(`${api}/__plan?modes=${modes.join(',')}`, { method: 'POST' });

async function stored(instance: string, campaign = CAMPAIGN) {
  const page = await staffGet<StaffSubmissionPage>(
    `/v1/campaigns/${campaign}/submissions?limit=200`,
    instance,
  );
  return page.items;
}

describe('<campaign-submission-form> when things fail', function () {
  let warnings: ReturnType<typeof watchWarnings>;

  before(async function () {
    this.timeout(60_000);
    if (!(await proxyAvailable())) {
      console.warn(
        'submission form resilience tests need test/support/submission-endpoints.mjs in the ' +
          'test runner: npx wtr --config test/support/submission.wtr.config.mjs',
      );
      this.skip();
    }
    // Start the API instances these tests use (each a server process) before timing anything.
    await fetch('/__test/sf/limits/__info');
  });
  beforeEach(async () => {
    await clearDrafts();
    clearReceipts();
    warnings = watchWarnings();
  });
  afterEach(() => {
    warnings.restore();
    warnings.check();
  });

  const formAt = async (api: string, campaign = CAMPAIGN) => {
    const el = await fixture<Form>(
      html`<campaign-submission-form api=${api} campaign=${campaign}></campaign-submission-form>`,
    );
    await until(
      () => part(el, 'option[value=yuzhong]') || el.state === 'closed',
      'no campaign',
      60_000,
    );
    return el;
  };

  it('keeps the draft through a network failure, says so, and stores exactly one on retry', async () => {
    const api = through('shared', 'recovery');
    const el = await formAt(api);
    const message = `${LONG_ENOUGH} Recovery ${run}.`;
    fillValid(el, message);
    // The server stores it, then the connection is lost before the answer arrives.
    await plan(api, 'store');
    const failed = oneEvent(el, 'campaign-submit-error');
    send(el);
    expect((await failed).detail).to.deep.equal({
      code: 'network',
      status: undefined,
      retrying: true,
    });
    await el.updateComplete;
    expect(el.state).to.equal('retrying');
    expect(text(part(el, '[role=status]'))).to.equal(
      'Saved on this device. We could not reach the newsroom and will keep trying.',
    );
    // Saved with the very body to resend, before the automatic retry even starts.
    const draft = await draftOf(api);
    expect(draft?.request?.message).to.equal(message);
    // The reader asks to try again: the same key, so the server answers with the first one.
    const submitted = oneEvent(el, 'campaign-submitted');
    // (On a slow machine the automatic retry may already be under way and the button
    // gone; either path must store exactly one.)
    parts(el, 'button')
      .find((b) => text(b) === 'Try again now')
      ?.click();
    const { id } = (await submitted).detail;
    const mine = (await stored('shared')).filter((s) => s.message === message);
    expect(mine.map((s) => s.id)).to.deep.equal([id]);
    expect(await draftOf(api)).to.equal(undefined);
  });

  it('retries by itself as soon as the browser is back online', async () => {
    const api = through('shared', 'online');
    const el = await formAt(api);
    const message = `${LONG_ENOUGH} Online ${run}.`;
    fillValid(el, message);
    await plan(api, 'refuse');
    const failed = oneEvent(el, 'campaign-submit-error');
    send(el);
    await failed;
    const submitted = oneEvent(el, 'campaign-submitted');
    window.dispatchEvent(new Event('online'));
    const { id } = (await submitted).detail;
    expect(
      (await stored('shared')).filter((s) => s.message === message).map((s) => s.id),
    ).to.deep.equal([id]);
  });

  it('says when to try again after 429, keeping the draft and the form usable', async () => {
    const api = through('limits', 'busy');
    const el = await formAt(api);
    // Five accepted submissions in ten minutes are allowed per client; refused ones count
    // nothing (a bad body must not spend a neighbour's allowance). Use them up.
    const refused = await fetch(`${api}/v1/campaigns/${CAMPAIGN}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `filler-bad-${run}` },
      body: '{}',
    });
    expect(refused.status).to.equal(400);
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${api}/v1/campaigns/${CAMPAIGN}/submissions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `filler-${i}-${run}` },
        body: JSON.stringify({
          message: `${LONG_ENOUGH} Filler ${i} ${run}.`,
          displayName: null,
          anonymous: true,
          district: null,
          email: null,
          consentGiven: true,
          consentVersion: '2024-03',
          publishPermission: false,
          locale: 'en',
        }),
      });
      expect(r.status).to.equal(202);
    }
    fillValid(el);
    const failed = oneEvent(el, 'campaign-submit-error');
    send(el);
    expect((await failed).detail).to.deep.equal({
      code: 'rate_limited',
      status: 429,
      retrying: false,
    });
    await until(() => part(el, '#summary'), 'no summary');
    expect(el.state).to.equal('idle');
    expect(text(part(el, '#summary li'))).to.match(
      /^Too many attempts\. Please try again in (10|9) minutes\.$/,
    );
    expect(el.shadowRoot!.activeElement).to.equal(part(el, '#summary'));
    expect(part<HTMLTextAreaElement>(el, '#message').value).to.equal(LONG_ENOUGH);
    expect((await draftOf(api))?.message).to.equal(LONG_ENOUGH);
  });

  it('shows a closed notice instead of the form for a closed campaign', async () => {
    const el = await formAt(through('limits', 'closed'), 'closed-campaign');
    expect(el.state).to.equal('closed');
    expect(el.getAttribute('state')).to.equal('closed');
    expect(part(el, 'form')).to.equal(null);
    expect(text(part(el, '[role=status]'))).to.equal(
      'This campaign is closed. Thank you for taking part.',
    );
    await expect(el).to.be.accessible();
  });

  it('loses nothing and stores nothing twice when the server is killed mid-submit, 24 times', async function () {
    this.timeout(240_000);
    const instance = `kill-${run}`;
    const rounds = 24;
    const modes = ['store', 'kill', 'kill-early', 'refuse'];
    let draftsLost = 0;
    const ids: string[] = [];
    for (let i = 0; i < rounds; i++) {
      const api = through(instance, `round-${i}`);
      const el = await formAt(api);
      const message = `${LONG_ENOUGH} Round ${i} of run ${run}.`;
      fillValid(el, message);
      await plan(api, modes[i % 4]);
      const failed = oneEvent(el, 'campaign-submit-error');
      send(el);
      await failed;
      const draft = await draftOf(api);
      if (draft?.request?.message !== message) draftsLost += 1;
      // Back online: retried with the same key until the (restarted) server answers.
      const submitted = oneEvent(el, 'campaign-submitted');
      window.dispatchEvent(new Event('online'));
      ids.push((await submitted).detail.id as string);
      el.remove();
    }
    const items = (await stored(instance)).filter((s) => s.message.includes(`of run ${run}.`));
    const perRound = new Map<string, number>();
    for (const item of items) perRound.set(item.message, (perRound.get(item.message) ?? 0) + 1);
    const duplicates = items.length - perRound.size;
    const info = (await (await fetch(`/__test/sf/${instance}/__info`)).json()) as { kills: number };
    console.log(
      `kill-the-server: rounds ${rounds}, server kills ${info.kills}, stored ${perRound.size}, ` +
        `duplicates ${duplicates}, drafts lost ${draftsLost}`,
    );
    expect(info.kills).to.equal(12);
    expect(perRound.size).to.equal(rounds);
    expect(duplicates).to.equal(0);
    expect(draftsLost).to.equal(0);
    expect(new Set(ids).size).to.equal(rounds);
    expect(items.map((s) => s.id).sort()).to.deep.equal([...ids].sort());
  });
});
