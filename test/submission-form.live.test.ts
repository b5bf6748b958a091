import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { setLocale } from '../src/i18n/locale.js';
import { timing } from '../src/quote-wall/connection.js';
import {
  LONG_ENOUGH,
  clearDrafts,
  clearReceipts,
  draftOf,
  fill,
  focused,
  fillValid,
  part,
  send,
  text,
  until,
  watchWarnings,
  type Form,
} from './support/submission-form.js';

// The form against the campaign test API of test/support/form-endpoints.mjs: a site the
// API does not accept yet (403 origin_not_allowed), and the campaign changing live on
// its stream (closed, reopened, new terms, a closing time).
const run = Math.random().toString(36).slice(2, 8);
let rooms = 0;

interface Stats {
  campaigns: number;
  streams: number;
  open: number;
  locales: string[];
  posts: number;
  stored: number;
}

function room() {
  const api = `${location.origin}/__cf/${run}-${++rooms}`;
  const call = async (path: string) => (await fetch(`${api}/${path}`)).json() as Promise<unknown>;
  return {
    api,
    call,
    stats: () => call('stats') as Promise<Stats>,
    set: (query: Record<string, string>) => call(`set?${new URLSearchParams(query)}`),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
const status = (el: Form) => text(part(el, '[role=status]'));
/** The form's own polite live region, beside (not inside) what it swaps. */
const liveRegion = (el: Form) =>
  [...el.shadowRoot!.children].find((child) => child.matches('p[aria-live=polite]'));

async function formAt(api: string): Promise<Form> {
  const el = await fixture<Form>(
    html`<campaign-submission-form api=${api} campaign="spirit"></campaign-submission-form>`,
  );
  await until(() => part(el, 'option[value=yuzhong]') || el.state === 'closed', 'no campaign');
  return el;
}

/** The form's stream is open on the test API. */
const streaming = (r: ReturnType<typeof room>, open = 1) =>
  until(async () => (await r.stats()).open === open, `not ${open} stream(s) open`);

describe('<campaign-submission-form> on a site the API does not accept yet', () => {
  let warnings: ReturnType<typeof watchWarnings>;

  beforeEach(async () => {
    await clearDrafts();
    clearReceipts();
    warnings = watchWarnings();
  });
  afterEach(async () => {
    warnings.restore();
    await setLocale(undefined);
  });

  it('stops, keeps the draft, says why, fires the code and warns the developer once', async function () {
    this.timeout(20_000);
    const r = room();
    await r.call('answer?mode=origin');
    const el = await formAt(r.api);
    const message = `${LONG_ENOUGH} Not allowed yet.`;
    fillValid(el, message);
    const failed = oneEvent(el, 'campaign-submit-error');
    send(el);
    const { detail } = await failed;
    expect(detail).to.deep.equal({ code: 'origin_not_allowed', status: 403, retrying: false });
    await el.updateComplete;
    expect(el.state).to.equal('blocked');
    expect(status(el)).to.equal(
      'This page cannot send your words to the newsroom yet. They are saved on this device, so nothing is lost: please try again later.',
    );
    // Not "offline", not a problem with an answer: no summary, no field error.
    expect(part(el, '#summary')).to.equal(null);
    expect(el.shadowRoot!.querySelectorAll('.error')).to.have.length(0);
    // The words stay the reader's, on the screen and on the device.
    expect(part<HTMLTextAreaElement>(el, '#message').value).to.equal(message);
    expect(part<HTMLFieldSetElement>(el, 'fieldset').disabled).to.equal(false);
    expect((await draftOf(r.api, 'spirit'))?.message).to.equal(message);
    // Nothing is sent again by itself: not after the first retry delay (2 s), not online.
    window.dispatchEvent(new Event('online'));
    await sleep(2500);
    expect((await r.stats()).posts).to.equal(1);
    expect(el.state).to.equal('blocked');
    // One warning for the partner's developer: the page's origin and what to ask for.
    expect(warnings.warnings).to.have.length(1);
    expect(warnings.warnings[0]).to.contain(location.origin);
    expect(warnings.warnings[0]).to.contain('partner site');
    expect(warnings.warnings[0]).to.contain('"spirit"');
    await expect(el).to.be.accessible();

    // Another form on the same page: refused too, and no second warning.
    const other = await formAt(r.api);
    fillValid(other);
    send(other);
    await until(() => other.state === 'blocked', 'second form not blocked');
    expect(warnings.warnings).to.have.length(1);
    other.remove();

    // Once the newsroom has added the site, the reader's "Try again" sends it, once.
    await r.call('answer?mode=accept');
    expect(text(part(el, '#send'))).to.equal('Try again');
    const sent = oneEvent(el, 'campaign-submitted');
    send(el);
    await sent;
    expect(el.state).to.equal('sent');
    const stats = await r.stats();
    expect(stats.stored).to.equal(1);
    expect(await draftOf(r.api, 'spirit')).to.equal(undefined);
  });

  it('says so in Chinese, with its button, and passes axe', async () => {
    await setLocale('zh-Hans');
    const r = room();
    await r.call('answer?mode=origin');
    const el = await formAt(r.api);
    fillValid(el);
    send(el);
    await until(() => el.state === 'blocked', 'not blocked');
    await el.updateComplete;
    expect(status(el)).to.equal(
      '此页面暂时还不能把您的留言发送给编辑部。留言已保存在这台设备上，不会丢失，请稍后再试。',
    );
    expect(text(part(el, '#send'))).to.equal('重试');
    // The live region that announces it is the form's status.
    expect(part(el, '#status').getAttribute('role')).to.equal('status');
    await expect(el).to.be.accessible();
    // Warned once per page: already done by the test before.
    expect(warnings.warnings).to.have.length(0);
  });

  it('still keeps trying where the browser sees only a failed request (no readable answer)', async () => {
    const r = room();
    await r.call('answer?mode=drop');
    const el = await formAt(r.api);
    fillValid(el);
    const failed = oneEvent(el, 'campaign-submit-error');
    send(el);
    expect((await failed).detail).to.include({ code: 'network', retrying: true });
    await el.updateComplete;
    expect(el.state).to.equal('retrying');
    expect(status(el)).to.contain('will keep trying');
    el.remove();
  });
});

describe('<campaign-submission-form> following its campaign live', () => {
  const saved = { ...timing };
  let warnings: ReturnType<typeof watchWarnings>;

  beforeEach(async () => {
    Object.assign(timing, { retry: 20, maxRetry: 200, hidden: 50 });
    await clearDrafts();
    clearReceipts();
    warnings = watchWarnings();
  });
  afterEach(async () => {
    Object.assign(timing, saved);
    warnings.restore();
    warnings.check();
    await setLocale(undefined);
  });

  it('opens the stream in its language, and closes it when removed', async () => {
    const r = room();
    const el = await formAt(r.api);
    await streaming(r);
    expect((await r.stats()).locales).to.deep.equal(['en']);
    el.remove();
    await streaming(r, 0);
    await sleep(300);
    expect((await r.stats()).streams, 'not opened again').to.equal(1);
  });

  it('pauses while the page is hidden and reads the campaign again when back', async () => {
    const r = room();
    const el = await formAt(r.api);
    await streaming(r);
    const hidden = Object.getOwnPropertyDescriptor(Document.prototype, 'hidden')!;
    try {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
      await streaming(r, 0);
      // Closed meanwhile, with no stream to hear it.
      await r.set({ status: 'closed' });
    } finally {
      Object.defineProperty(document, 'hidden', hidden);
      delete (document as { hidden?: boolean }).hidden;
    }
    document.dispatchEvent(new Event('visibilitychange'));
    await streaming(r);
    await until(() => el.state === 'closed', 'not closed after coming back');
    el.remove();
  });

  it('closes its stream when the page is left, and reads the campaign again when it is back from the cache', async () => {
    const r = room();
    const el = await formAt(r.api);
    await streaming(r);
    // Kept in the back/forward cache, an open stream would hold one of the browser's
    // six connections to the API for as long as the page stays cached.
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    await streaming(r, 0);
    await r.set({ status: 'closed' });
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    await streaming(r);
    expect((await r.stats()).streams).to.equal(2);
    await until(() => el.state === 'closed', 'not closed after coming back');
    el.remove();
  });

  it('closes at once when the campaign closes, keeps the draft, and comes back on reopening', async () => {
    const r = room();
    const el = await formAt(r.api);
    await streaming(r);
    fill(el, 'message', LONG_ENOUGH);
    await until(async () => (await draftOf(r.api, 'spirit'))?.message === LONG_ENOUGH, 'not saved');
    // A live region that is there before the change announces it.
    const region = liveRegion(el);
    expect(text(region)).to.equal('');
    part(el, '#message').focus();
    await r.set({ status: 'closed' });
    await until(() => el.state === 'closed', 'not closed');
    await el.updateComplete;
    const closed = 'This campaign is closed. Thank you for taking part.';
    expect(status(el)).to.equal(closed);
    expect(liveRegion(el)).to.equal(region);
    expect(text(region)).to.equal(closed);
    // The field being typed in is gone: focus stays in the widget, on what it says.
    await until(() => focused(el)?.id === 'status', 'focus lost');
    expect(part(el, 'form')).to.equal(null);
    await expect(el).to.be.accessible();
    expect((await draftOf(r.api, 'spirit'))?.message).to.equal(LONG_ENOUGH);
    await r.set({ status: 'open' });
    await until(() => el.state === 'idle', 'not open again');
    await el.updateComplete;
    expect(text(region)).to.equal('');
    expect(part<HTMLTextAreaElement>(el, '#message').value).to.equal(LONG_ENOUGH);
    expect((await r.stats()).posts).to.equal(0);
    el.remove();
  });

  it('says it is closed in Chinese too', async () => {
    await setLocale('zh-Hans');
    const r = room();
    const el = await formAt(r.api);
    await streaming(r);
    expect((await r.stats()).locales).to.deep.equal(['zh-Hans']);
    await r.set({ status: 'closed' });
    await until(() => el.state === 'closed', 'not closed');
    await el.updateComplete;
    expect(status(el)).to.equal('本次活动已结束，感谢您的参与。');
    await expect(el).to.be.accessible();
    el.remove();
  });

  it('reads the campaign again after the stream was lost, as events may have been missed', async () => {
    const r = room();
    const el = await formAt(r.api);
    await streaming(r);
    const before = (await r.stats()).campaigns;
    await r.set({ status: 'closed', publish: '0' });
    await r.call('drop');
    await until(() => el.state === 'closed', 'not closed after reconnecting');
    const stats = await r.stats();
    expect(stats.campaigns).to.equal(before + 1);
    expect(stats.streams).to.equal(2);
    el.remove();
  });

  it('asks again for a consent given to terms that changed, live and in a restored draft', async () => {
    const r = room();
    const el = await formAt(r.api);
    await streaming(r);
    fillValid(el);
    await until(
      async () => (await draftOf(r.api, 'spirit'))?.consentVersion === '1',
      'consent not saved with its version',
    );
    await r.set({ consent: '2' });
    await until(() => !part<HTMLInputElement>(el, '#consentGiven').checked, 'still ticked');
    await el.updateComplete;
    const changed = 'The terms have changed. Please read them again and agree.';
    expect(text(part(el, '#consentGiven-error'))).to.equal(`Error: ${changed}`);
    expect(status(el)).to.equal(changed);
    expect(text(part(el, '#consentGiven-hint'))).to.contain('Terms version 2');
    await expect(el).to.be.accessible();
    // Agreeing again takes the new version, and the notice goes.
    fill(el, 'consentGiven', true);
    await el.updateComplete;
    expect(status(el)).to.equal('');
    await until(
      async () => (await draftOf(r.api, 'spirit'))?.consentVersion === '2',
      'new version not saved',
    );
    el.remove();

    // The reader comes back after the terms changed again, with no stream to hear it.
    await r.set({ consent: '3' });
    const back = await formAt(r.api);
    await until(() => part<HTMLInputElement>(back, '#message').value === LONG_ENOUGH, 'no draft');
    await until(() => !part<HTMLInputElement>(back, '#consentGiven').checked, 'still ticked');
    expect(status(back)).to.equal(changed);
    await until(
      async () => (await draftOf(r.api, 'spirit'))?.consentGiven === false,
      'the draft still says agreed',
    );
    back.remove();
  });

  it('tells in Chinese that the terms changed', async () => {
    await setLocale('zh-Hans');
    const r = room();
    const el = await formAt(r.api);
    await streaming(r);
    fillValid(el);
    await r.set({ consent: '2' });
    await until(() => !part<HTMLInputElement>(el, '#consentGiven').checked, 'still ticked');
    await el.updateComplete;
    expect(status(el)).to.equal('条款已更新，请重新阅读并同意。');
    await expect(el).to.be.accessible();
    el.remove();
  });

  it('counts down the days, then the hours, in English', async () => {
    const r = room();
    await r.set({ closesAt: inHours(3 * 24 + 1) });
    const el = await formAt(r.api);
    await streaming(r);
    const closes = () => text(part(el, '#closes'));
    expect(closes()).to.equal('Open for 3 more days');
    await r.set({ closesAt: inHours(36) });
    await until(() => closes() === 'Open for 1 more day', closes());
    await r.set({ closesAt: inHours(5 - 1 / 60) });
    await until(() => closes() === 'Open for 5 more hours', closes());
    await r.set({ closesAt: inHours(0.5) });
    await until(() => closes() === 'Open for 1 more hour', closes());
    await expect(el).to.be.accessible();
    await r.set({ closesAt: '' });
    await until(() => !part(el, '#closes'), 'still counting down');
    el.remove();
  });

  it('counts down in Chinese', async () => {
    await setLocale('zh-Hans');
    const r = room();
    await r.set({ closesAt: inHours(3 * 24 + 1) });
    const el = await formAt(r.api);
    await streaming(r);
    const closes = () => text(part(el, '#closes'));
    expect(closes()).to.equal('还可参与 3 天');
    await r.set({ closesAt: inHours(36) });
    await until(() => closes() === '还可参与 1 天', closes());
    await r.set({ closesAt: inHours(5 - 1 / 60) });
    await until(() => closes() === '还可参与 5 小时', closes());
    await expect(el).to.be.accessible();
    el.remove();
  });

  it('closes by itself at the closing time, without asking the server', async function () {
    this.timeout(15_000);
    const r = room();
    const el = await formAt(r.api);
    await streaming(r);
    fill(el, 'message', LONG_ENOUGH);
    await r.set({ closesAt: new Date(Date.now() + 1500).toISOString() });
    await until(() => text(part(el, '#closes')) === 'Open for 1 more hour', 'no countdown');
    const before = await r.stats();
    await until(() => el.state === 'closed', 'not closed on time', 4000);
    const after = await r.stats();
    expect(after.campaigns, 'no request').to.equal(before.campaigns);
    expect(after.streams).to.equal(before.streams);
    expect((await draftOf(r.api, 'spirit'))?.message).to.equal(LONG_ENOUGH);
    el.remove();
  });

  it('keeps one timer for the closing time, cleared when removed', async () => {
    const r = room();
    await r.set({ closesAt: new Date(Date.now() + 800).toISOString() });
    const el = await formAt(r.api);
    await streaming(r);
    el.remove();
    await streaming(r, 0);
    await sleep(1200);
    // Removed before the time: it never closed itself, and nothing asked the server.
    expect(el.state).to.equal('idle');
    expect((await r.stats()).campaigns).to.equal(1);
  });
});
