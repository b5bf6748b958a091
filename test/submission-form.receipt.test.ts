import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { setLocale } from '../src/i18n/locale.js';
import { formatDate } from '../src/i18n/format.js';
import {
  MAX_RECEIPTS,
  addReceipt,
  loadReceipts,
  newSecret,
} from '../src/submission-form/receipts.js';
import {
  CAMPAIGN,
  LONG_ENOUGH,
  choosePhoto,
  clearDrafts,
  clearReceipts,
  draftOf,
  fill,
  fillValid,
  focused,
  formFor,
  jpegWithGps,
  part,
  parts,
  planFor,
  postedTo,
  proxied,
  proxyAvailable,
  receiptsOf,
  seedReceipt,
  send,
  text,
  until,
  watchWarnings,
  type Form,
} from './support/submission-form.js';
import { testApi } from './support/api.js';

// The receipt routes are answered by the submission endpoints' proxy
// (test/support/submission-endpoints.mjs), which also records what the browser posted;
// submissions go through it to the shared test API.
const run = Math.random().toString(36).slice(2, 8);
const apiFor = (client: string) => proxied('shared', `${client}-${run}`);
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const RECEIVED: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };

const button = (root: Element, label: string) =>
  parts(root, 'button').find((b) => text(b) === label);
const entries = (el: Form) => parts(el, 'section li');
const entryOf = (el: Form, id: string) => entries(el).find((li) => li.dataset.id === id)!;
const inEntry = (li: HTMLElement, label: string) =>
  [...li.querySelectorAll('button')].find((b) => text(b) === label);
const live = (el: Form) => part(el, 'section [aria-live=polite]');

/** A form whose receipt list has been checked with the API. */
async function formWithReceipts(api: string, count: number): Promise<Form> {
  const el = await formFor(api);
  await until(() => entries(el).length === count, `expected ${count} receipts`);
  return el;
}

/** Sends a valid submission, with a photo when given; resolves with the accepted id. */
async function sendValid(el: Form, message: string, photo?: File): Promise<string> {
  fillValid(el, message);
  if (photo) {
    choosePhoto(el, photo);
    await until(() => part(el, '#photoPermission'), 'no photo permission');
  }
  const submitted = oneEvent(el, 'campaign-submitted');
  send(el);
  return (await submitted).detail.id;
}

describe('<campaign-submission-form> photo permission and receipts', function () {
  let warnings: ReturnType<typeof watchWarnings>;

  before(async function () {
    // The first request starts the shared test API.
    this.timeout(60_000);
    if (!(await proxyAvailable())) {
      console.warn('receipt tests need test/support/submission-endpoints.mjs in the test runner');
      this.skip();
    }
    // Just started, a busy API may answer 503 for a while (and a form then goes on with
    // its defaults, without districts): wait until it answers.
    for (let i = 0; i < 150; i++) {
      if ((await fetch(`${apiFor('warm-up')}/v1/campaigns/${CAMPAIGN}`)).ok) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });
  beforeEach(async () => {
    await clearDrafts();
    clearReceipts();
    warnings = watchWarnings();
  });
  afterEach(async () => {
    warnings.restore();
    await setLocale(undefined);
    warnings.check();
  });

  describe('photo permission', () => {
    it('is offered only with a photo, under the terms, optional, with its own hint', async () => {
      const el = await formFor(apiFor('permission-shown'));
      expect(part(el, '#photoPermission')).to.equal(null);
      choosePhoto(el, await jpegWithGps(800, 600));
      await until(() => part(el, '#photoPermission'), 'no photo permission');
      const box = part<HTMLInputElement>(el, '#photoPermission');
      expect(box.type).to.equal('checkbox');
      expect(box.checked).to.equal(false);
      expect(text(part(el, 'label[for=photoPermission]'))).to.equal(
        'I took this photo, or may share it: the newsroom may publish it with my words.',
      );
      expect(box.getAttribute('aria-describedby')).to.equal('photoPermission-hint');
      expect(text(part(el, '#photoPermission-hint'))).to.equal(
        'Without this, only the newsroom sees the photo.',
      );
      // In the terms' block, after the consent and the words' permission.
      const terms = part(el, '#consentGiven').closest('.field')!;
      expect(terms.contains(box)).to.equal(true);
      const order = parts(el, 'input[type=checkbox]').map((i) => i.id);
      expect(order.slice(-3)).to.deep.equal([
        'consentGiven',
        'publishPermission',
        'photoPermission',
      ]);
      expect(box.getBoundingClientRect().height, 'target size').to.be.at.least(24);
      await expect(el).to.be.accessible();
    });

    it('sends photoPermission true only when checked and a photo goes with it', async () => {
      const api = apiFor('permission-sent');
      const el = await formFor(api);
      const photo = await jpegWithGps(800, 600);

      // Checked, with a photo: true.
      fillValid(el, `${LONG_ENOUGH} Checked ${run}.`);
      choosePhoto(el, photo);
      await until(() => part(el, '#photoPermission'), 'no photo permission');
      fill(el, 'photoPermission', true);
      let submitted = oneEvent(el, 'campaign-submitted');
      send(el);
      await submitted;
      button(el, 'Send another')!.click();
      await el.updateComplete;

      // A photo, not checked: false, and the photo still goes to the newsroom.
      expect(part(el, '#photoPermission'), 'cleared with the sent photo').to.equal(null);
      await sendValid(el, `${LONG_ENOUGH} Unchecked ${run}.`, photo);
      button(el, 'Send another')!.click();
      await el.updateComplete;

      // Checked, then the photo removed: the permission goes with it.
      fillValid(el, `${LONG_ENOUGH} Removed ${run}.`);
      choosePhoto(el, photo);
      await until(() => part(el, '#photoPermission'), 'no photo permission');
      fill(el, 'photoPermission', true);
      button(el, 'Remove photo')!.click();
      await el.updateComplete;
      expect(part(el, '#photoPermission')).to.equal(null);
      submitted = oneEvent(el, 'campaign-submitted');
      send(el);
      await submitted;

      const { posted } = await postedTo(api);
      expect(posted.map((p) => [p.photo, p.photoPermission])).to.deep.equal([
        [true, true],
        [true, false],
        [false, false],
      ]);
    });

    it('is kept in the draft with the photo, and restored; cleared with the photo', async () => {
      const api = apiFor('permission-draft');
      const first = await formFor(api);
      fillValid(first);
      choosePhoto(first, await jpegWithGps(800, 600));
      await until(() => part(first, '#photoPermission'), 'no photo permission');
      fill(first, 'photoPermission', true);
      await until(async () => (await draftOf(api))?.photoPermission === true, 'not saved');
      first.remove();

      const second = await formFor(api);
      await until(() => part(second, '#photoPermission'), 'photo not restored');
      expect(part<HTMLInputElement>(second, '#photoPermission').checked).to.equal(true);
      button(second, 'Remove photo')!.click();
      await until(async () => {
        const draft = await draftOf(api);
        return draft?.photo === null && draft.photoPermission === false;
      }, 'permission kept without its photo');
      // A new photo asks again.
      choosePhoto(second, await jpegWithGps(800, 600));
      await until(() => part(second, '#photoPermission'), 'no photo permission');
      expect(part<HTMLInputElement>(second, '#photoPermission').checked).to.equal(false);
    });

    it('speaks Chinese', async () => {
      await setLocale('zh-Hans');
      const el = await formFor(apiFor('permission-zh'));
      choosePhoto(el, await jpegWithGps(800, 600));
      await until(() => part(el, '#photoPermission'), 'no photo permission');
      expect(text(part(el, 'label[for=photoPermission]'))).to.equal(
        '这张照片是我拍的，或我有权分享：编辑部可将它与我的留言一同发表。',
      );
      expect(text(part(el, '#photoPermission-hint'))).to.equal('若不勾选，照片仅供编辑部查看。');
      await expect(el).to.be.accessible();
    });
  });

  describe('receipt secret', () => {
    it('is 43 characters of base64url from 32 random bytes, new each time', () => {
      const secrets = new Set(Array.from({ length: 50 }, newSecret));
      expect(secrets.size).to.equal(50);
      for (const secret of secrets) expect(secret).to.match(SECRET);
    });

    it('goes with the body, the same on a retry after a failed send', async () => {
      const api = apiFor('secret-retry');
      const el = await formFor(api);
      fillValid(el);
      await planFor(api, '', 'refuse');
      const failed = oneEvent(el, 'campaign-submit-error');
      send(el);
      expect((await failed).detail.retrying).to.equal(true);
      const pending = (await draftOf(api))!.request!;
      expect(pending.receiptSecret).to.match(SECRET);
      const submitted = oneEvent(el, 'campaign-submitted');
      window.dispatchEvent(new Event('online'));
      const { id } = (await submitted).detail;

      const { posted } = await postedTo(api);
      expect(posted).to.have.length(2);
      expect(posted[1].key).to.equal(posted[0].key);
      expect(posted.map((p) => p.receiptSecret)).to.deep.equal([
        pending.receiptSecret,
        pending.receiptSecret,
      ]);
      // The receipt kept is that secret's, under the accepted id.
      expect(receiptsOf(api).map((r) => [r.id, r.secret])).to.deep.equal([
        [id, pending.receiptSecret],
      ]);
      // The next submission has a secret of its own.
      button(el, 'Send another')!.click();
      await el.updateComplete;
      await sendValid(el, `${LONG_ENOUGH} The next one.`);
      const next = (await postedTo(api)).posted[2].receiptSecret;
      expect(next).to.match(SECRET);
      expect(next).not.to.equal(pending.receiptSecret);
      expect(receiptsOf(api)).to.have.length(2);
    });

    it('is the same after a reload with a send pending', async () => {
      const api = apiFor('secret-reload');
      const first = await formFor(api);
      fillValid(first);
      await planFor(api, '', 'refuse');
      const failed = oneEvent(first, 'campaign-submit-error');
      send(first);
      await failed;
      const pending = (await draftOf(api))!.request!;
      first.remove();

      // A new page: the pending send carries on by itself, with the same key and secret.
      const second = await fixture<Form>(
        html`<campaign-submission-form api=${api} campaign=${CAMPAIGN}></campaign-submission-form>`,
      );
      await until(() => second.state === 'sent', 'not resent');
      const { posted } = await postedTo(api);
      expect(posted).to.have.length(2);
      expect(posted[1].key).to.equal(posted[0].key);
      expect(posted[1].receiptSecret).to.equal(pending.receiptSecret);
      expect(receiptsOf(api)[0].secret).to.equal(pending.receiptSecret);
    });
  });

  describe('the reader’s messages', () => {
    it('keeps a receipt after 202 and shows it at once, waiting for review, with Withdraw', async () => {
      const api = apiFor('after-send');
      const el = await formFor(api);
      expect(part(el, 'section'), 'nothing to show yet').to.equal(null);
      const id = await sendValid(el, `${LONG_ENOUGH} Kept ${run}.`);
      await el.updateComplete;
      const [receipt] = receiptsOf(api);
      expect(receipt.id).to.equal(id);
      expect(receipt.secret).to.equal((await postedTo(api)).posted[0].receiptSecret);
      expect(Date.parse(receipt.receivedAt)).to.be.closeTo(Date.now(), 60_000);
      // The thank-you state lists it.
      expect(el.state).to.equal('sent');
      const section = part(el, 'section');
      expect(text(section.querySelector('h2'))).to.equal('Your messages');
      expect(section.getAttribute('aria-labelledby')).to.equal('receipts-title');
      const li = entryOf(el, id);
      expect(text(li.querySelector('p'))).to.equal(
        `Waiting for review Received ${formatDate(receipt.receivedAt, 'en', RECEIVED)}`,
      );
      expect(inEntry(li, 'Withdraw')).to.exist;
      await expect(el).to.be.accessible();
      // The newest comes first.
      button(el, 'Send another')!.click();
      await el.updateComplete;
      const second = await sendValid(el, `${LONG_ENOUGH} Kept too ${run}.`);
      await el.updateComplete;
      expect(entries(el).map((e) => e.dataset.id)).to.deep.equal([second, id]);
      expect(receiptsOf(api).map((r) => r.id)).to.deep.equal([second, id]);

      // On the next visit both are asked about; once published, the first links to the wall.
      el.remove();
      await fetch(`${api}/__receipt?id=${id}&status=published`, { method: 'POST' });
      const next = await formWithReceipts(api, 2);
      expect(text(entryOf(next, second).querySelector('p'))).to.match(/^Waiting for review /);
      expect(text(entryOf(next, id).querySelector('p'))).to.match(
        /^Published See it on the wall Received /,
      );
      expect(entryOf(next, id).querySelector('a')!.getAttribute('href')).to.equal(
        `#campaign-quote-${id}`,
      );
      const { posted, calls } = await postedTo(api);
      expect(calls.map((c) => [c.id, c.secret]).sort()).to.deep.equal(
        [
          [second, posted[1].receiptSecret],
          [id, posted[0].receiptSecret],
        ].sort(),
      );
    });

    it('shows each kept receipt in a new form with its state; drops one the API does not know', async () => {
      const api = apiFor('states');
      const day = (n: number) => new Date(Date.UTC(2026, 2, n, 8, 30)).toISOString();
      const pending = await seedReceipt(api, 'pending', day(24));
      const published = await seedReceipt(api, 'published', day(23));
      const unknown = await seedReceipt(api, 'unknown', day(22));
      const declined = await seedReceipt(api, 'not_published', day(21));
      const el = await formWithReceipts(api, 3);
      const line = (id: string) => text(entryOf(el, id).querySelector('p'));
      const received = (iso: string) => `Received ${formatDate(iso, 'en', RECEIVED)}`;
      expect(entries(el).map((e) => e.dataset.id)).to.deep.equal([
        pending.id,
        published.id,
        declined.id,
      ]);
      expect(line(pending.id)).to.equal(`Waiting for review ${received(day(24))}`);
      expect(line(published.id)).to.equal(`Published See it on the wall ${received(day(23))}`);
      expect(line(declined.id)).to.equal(`Not published ${received(day(21))}`);
      const link = entryOf(el, published.id).querySelector('a')!;
      expect(link.getAttribute('href')).to.equal(`#campaign-quote-${published.id}`);
      expect(link.getBoundingClientRect().height, 'target size').to.be.at.least(24);
      expect(entryOf(el, pending.id).querySelector('a')).to.equal(null);
      expect(entryOf(el, declined.id).querySelector('a')).to.equal(null);
      for (const li of entries(el)) expect(inEntry(li, 'Withdraw')).to.exist;
      // Each asked once, with its own secret and the form's locale.
      const { calls } = await postedTo(api);
      expect(
        calls.map((c) => [c.route, c.id, c.secret, c.locale]).sort(),
        'receipt requests',
      ).to.deep.equal(
        [pending, published, unknown, declined]
          .map((r) => ['receipt', r.id, r.secret, 'en'])
          .sort(),
      );
      // 404: gone from the device too.
      expect(receiptsOf(api).map((r) => r.id)).to.deep.equal([
        pending.id,
        published.id,
        declined.id,
      ]);
      await expect(el).to.be.accessible();
    });

    it('keeps a receipt it could not check, and says so', async () => {
      const api = apiFor('check-failed');
      const kept = await seedReceipt(api, 'published');
      await planFor(api, 'receipt', 'refuse');
      const el = await formWithReceipts(api, 1);
      expect(text(entryOf(el, kept.id).querySelector('p'))).to.match(
        /^Could not check just now Received /,
      );
      expect(entryOf(el, kept.id).querySelector('a')).to.equal(null);
      expect(receiptsOf(api).map((r) => r.id)).to.deep.equal([kept.id]);
      await expect(el).to.be.accessible();
      // Next time it is asked again.
      el.remove();
      const again = await formWithReceipts(api, 1);
      await until(() => entryOf(again, kept.id).querySelector('a'), 'not checked again');
    });

    it('asks before withdrawing, inline; “Keep it” withdraws nothing', async () => {
      const api = apiFor('keep-it');
      const kept = await seedReceipt(api, 'pending');
      const el = await formWithReceipts(api, 1);
      const asked: string[] = [];
      const { confirm } = window;
      window.confirm = (question?: string) => {
        asked.push(String(question));
        return true;
      };
      try {
        inEntry(entryOf(el, kept.id), 'Withdraw')!.click();
        await el.updateComplete;
        const li = entryOf(el, kept.id);
        const group = li.querySelector('[role=group]')!;
        const question = li.querySelector(`#${group.getAttribute('aria-labelledby')}`);
        expect(text(question)).to.equal(
          'Withdraw this message? It is deleted for good and taken off every wall.',
        );
        expect([...group.querySelectorAll('button')].map(text)).to.deep.equal([
          'Withdraw',
          'Keep it',
        ]);
        // The safe answer has focus.
        expect(focused(el)).to.equal(inEntry(li, 'Keep it'));
        await expect(el).to.be.accessible();
        inEntry(li, 'Keep it')!.click();
        await el.updateComplete;
        expect(entryOf(el, kept.id).querySelector('[role=group]')).to.equal(null);
        expect(focused(el)).to.equal(inEntry(entryOf(el, kept.id), 'Withdraw'));
        expect(asked, 'no confirm()').to.deep.equal([]);
      } finally {
        window.confirm = confirm;
      }
      const { calls } = await postedTo(api);
      expect(calls.filter((c) => c.route === 'withdraw')).to.deep.equal([]);
      expect(receiptsOf(api).map((r) => r.id)).to.deep.equal([kept.id]);
    });

    it('withdraws once on “Withdraw”, drops the receipt, says so politely and moves focus', async () => {
      const api = apiFor('withdraw');
      const first = await seedReceipt(api, 'published');
      const second = await seedReceipt(api, 'pending');
      const el = await formWithReceipts(api, 2);
      inEntry(entryOf(el, first.id), 'Withdraw')!.click();
      await el.updateComplete;
      const confirmed = inEntry(entryOf(el, first.id), 'Withdraw')!;
      confirmed.click();
      // A second press while it is under way sends nothing more.
      confirmed.click();
      await until(() => entryOf(el, first.id).querySelector('button') === null, 'not withdrawn');
      const li = entryOf(el, first.id);
      expect(text(li)).to.equal('Withdrawn. Nothing of it is kept.');
      expect(focused(el)).to.equal(li);
      await until(() => text(live(el)) === 'Withdrawn. Nothing of it is kept.', 'not announced');
      const { calls } = await postedTo(api);
      expect(
        calls.filter((c) => c.route === 'withdraw').map((c) => [c.id, c.secret]),
      ).to.deep.equal([[first.id, first.secret]]);
      expect(receiptsOf(api).map((r) => r.id)).to.deep.equal([second.id]);
      // The other one is untouched.
      expect(text(entryOf(el, second.id).querySelector('p'))).to.match(/^Waiting for review /);
      await expect(el).to.be.accessible();
      // A new form shows only what is left.
      el.remove();
      const again = await formWithReceipts(api, 1);
      expect(entries(again)[0].dataset.id).to.equal(second.id);
    });

    it('keeps the receipt when withdrawing fails, with the reason in the reader’s language', async () => {
      const api = apiFor('withdraw-failed');
      const kept = await seedReceipt(api, 'pending');
      const el = await formWithReceipts(api, 1);
      const withdraw = async () => {
        inEntry(entryOf(el, kept.id), 'Withdraw')!.click();
        await el.updateComplete;
        inEntry(entryOf(el, kept.id), 'Withdraw')!.click();
        await until(() => entryOf(el, kept.id).querySelector('.error'), 'no error');
      };
      await planFor(api, 'withdraw', 'refuse', '429');
      await withdraw();
      const offline =
        'Not withdrawn. You seem to be offline, or the campaign server could not be reached.';
      const li = entryOf(el, kept.id);
      const error = li.querySelector('.error')!;
      expect(text(error)).to.equal(offline);
      const again = inEntry(li, 'Withdraw')!;
      expect(focused(el)).to.equal(again);
      expect(again.getAttribute('aria-describedby')!.split(' ')).to.include(error.id);
      await until(() => text(live(el)) === offline, 'not announced');
      expect(receiptsOf(api).map((r) => r.id)).to.deep.equal([kept.id]);
      await expect(el).to.be.accessible();

      await withdraw();
      await until(
        () =>
          text(entryOf(el, kept.id).querySelector('.error')) ===
          'Not withdrawn. Too many attempts. Please wait a moment and try again.',
        'no rate-limit reason',
      );
      expect(receiptsOf(api).map((r) => r.id)).to.deep.equal([kept.id]);
      // Then it goes through.
      inEntry(entryOf(el, kept.id), 'Withdraw')!.click();
      await el.updateComplete;
      inEntry(entryOf(el, kept.id), 'Withdraw')!.click();
      await until(() => text(entryOf(el, kept.id)).startsWith('Withdrawn.'), 'not withdrawn');
      expect(receiptsOf(api)).to.deep.equal([]);
      const { calls } = await postedTo(api);
      expect(calls.filter((c) => c.route === 'withdraw')).to.have.length(3);
    });

    it('says so when the message is already gone (404), and forgets it', async () => {
      const api = apiFor('already-gone');
      const kept = await seedReceipt(api, 'pending');
      const el = await formWithReceipts(api, 1);
      // Withdrawn meanwhile, from another tab.
      await fetch(`${api}/v1/campaigns/spirit-of-chongqing/submissions/${kept.id}/withdraw`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ secret: kept.secret }),
      });
      inEntry(entryOf(el, kept.id), 'Withdraw')!.click();
      await el.updateComplete;
      inEntry(entryOf(el, kept.id), 'Withdraw')!.click();
      await until(() => entryOf(el, kept.id).querySelector('button') === null, 'still offered');
      expect(text(entryOf(el, kept.id))).to.equal('Already gone. Nothing of it is kept.');
      expect(focused(el)).to.equal(entryOf(el, kept.id));
      expect(receiptsOf(api)).to.deep.equal([]);
    });

    it('withdraws the one just sent, from the thank-you state', async () => {
      const api = apiFor('withdraw-sent');
      const el = await formFor(api);
      const id = await sendValid(el, `${LONG_ENOUGH} Sent then withdrawn ${run}.`);
      await el.updateComplete;
      inEntry(entryOf(el, id), 'Withdraw')!.click();
      await el.updateComplete;
      inEntry(entryOf(el, id), 'Withdraw')!.click();
      await until(() => text(entryOf(el, id)).startsWith('Withdrawn.'), 'not withdrawn');
      const { posted, calls } = await postedTo(api);
      expect(calls.filter((c) => c.route === 'withdraw')).to.deep.equal([
        { route: 'withdraw', id, secret: posted[0].receiptSecret, locale: 'en' },
      ]);
      expect(receiptsOf(api)).to.deep.equal([]);
    });

    it('speaks Chinese: heading, states, link, question, answers and outcome', async () => {
      await setLocale('zh-Hans');
      const api = apiFor('receipts-zh');
      const day = new Date(Date.UTC(2026, 2, 24, 8, 30)).toISOString();
      const pending = await seedReceipt(api, 'pending', day);
      const published = await seedReceipt(api, 'published', day);
      const declined = await seedReceipt(api, 'not_published', day);
      const unchecked = await seedReceipt(api, 'pending', day);
      await planFor(api, `receipt:${unchecked.id}`, '503');
      const el = await formWithReceipts(api, 4);
      const state = (id: string) => text(entryOf(el, id).querySelector('strong'));
      expect(text(part(el, 'section h2'))).to.equal('您发送的留言');
      expect(state(pending.id)).to.equal('等待审核');
      expect(state(published.id)).to.equal('已发表');
      expect(state(declined.id)).to.equal('未发表');
      expect(state(unchecked.id)).to.equal('暂时无法查询');
      expect(text(entryOf(el, pending.id).querySelector('p'))).to.equal(
        `等待审核 收到时间：${formatDate(day, 'zh-Hans', RECEIVED)}`,
      );
      expect(text(entryOf(el, published.id).querySelector('a'))).to.equal('在留言墙上查看');
      const { calls } = await postedTo(api);
      expect(calls.map((c) => c.locale)).to.deep.equal(Array(4).fill('zh-Hans'));
      await expect(el).to.be.accessible();

      await planFor(api, 'withdraw', 'refuse');
      const li = () => entryOf(el, declined.id);
      inEntry(li(), '撤回')!.click();
      await el.updateComplete;
      expect(text(li().querySelector('[role=group] p'))).to.equal(
        '要撤回这条留言吗？它将被永久删除，并从所有留言墙上撤下。',
      );
      expect(inEntry(li(), '保留')).to.exist;
      await expect(el).to.be.accessible();
      inEntry(li(), '撤回')!.click();
      await until(() => li().querySelector('.error'), 'no error');
      expect(text(li().querySelector('.error'))).to.equal(
        '未能撤回。您似乎已离线，或无法连接到活动服务器。',
      );
      await expect(el).to.be.accessible();
      inEntry(li(), '撤回')!.click();
      await el.updateComplete;
      inEntry(li(), '撤回')!.click();
      await until(() => !li().querySelector('button'), 'not withdrawn');
      expect(text(li())).to.equal('已撤回，不会保留任何内容。');
      await expect(el).to.be.accessible();
    });

    it('fits a 320 px wide column, with targets of at least 24 px', async () => {
      const api = apiFor('narrow');
      await seedReceipt(api, 'published');
      await seedReceipt(api, 'pending');
      const el = await formWithReceipts(api, 2);
      el.style.width = '320px';
      inEntry(entries(el)[1], 'Withdraw')!.click();
      await el.updateComplete;
      const section = part(el, 'section');
      expect(section.scrollWidth).to.be.at.most(section.clientWidth);
      expect(section.getBoundingClientRect().width).to.be.at.most(320);
      for (const target of parts(el, 'section button, section a')) {
        const box = target.getBoundingClientRect();
        expect(box.height, text(target)).to.be.at.least(24);
        expect(box.width, text(target)).to.be.at.least(24);
        expect(box.right, text(target)).to.be.at.most(el.getBoundingClientRect().right + 0.5);
      }
      await expect(el).to.be.accessible();
    });
  });

  describe('with the reference API’s own receipt routes', () => {
    it('tells what became of a submission, then withdraws it for good', async function () {
      this.timeout(30_000);
      const { url: api, adminToken } = await testApi();
      const base = `${api}/v1/campaigns/${CAMPAIGN}/submissions`;
      const first = await formFor(api);
      const id = await sendValid(first, `${LONG_ENOUGH} Asked of the API ${run}.`);
      const [receipt] = receiptsOf(api);
      expect(receipt.id).to.equal(id);
      first.remove();

      const pending = await formWithReceipts(api, 1);
      await until(() => entryOf(pending, id).querySelector('strong'), 'not asked');
      expect(text(entryOf(pending, id).querySelector('strong'))).to.equal('Waiting for review');
      pending.remove();

      // Staff publish it (staff routes answer no CORS: through the proxy).
      const approved = await fetch(
        `/__test/sf/shared/staff${new URL(base).pathname}/${id}/approve`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}` },
        },
      );
      expect(approved.status).to.equal(200);
      const published = await formWithReceipts(api, 1);
      await until(
        () => text(entryOf(published, id).querySelector('strong')) === 'Published',
        'not published',
      );
      expect(entryOf(published, id).querySelector('a')!.getAttribute('href')).to.equal(
        `#campaign-quote-${id}`,
      );

      inEntry(entryOf(published, id), 'Withdraw')!.click();
      await published.updateComplete;
      inEntry(entryOf(published, id), 'Withdraw')!.click();
      await until(() => text(entryOf(published, id)).startsWith('Withdrawn.'), 'not withdrawn');
      expect(receiptsOf(api)).to.deep.equal([]);
      // Gone for the API too: its receipt answers 404.
      const after = await fetch(`${base}/${id}/receipt`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ secret: receipt.secret }),
      });
      expect(after.status).to.equal(404);
    });
  });

  describe('where receipts are kept', () => {
    it('keeps at most 10, newest first, per API and campaign', () => {
      const id = `http://example.test|limits-${run}`;
      for (let i = 0; i < 12; i++) {
        addReceipt(id, { id: `r${i}`, secret: `s${i}`, receivedAt: '2026-03-24T08:00:00.000Z' });
      }
      expect(MAX_RECEIPTS).to.equal(10);
      expect(loadReceipts(id).map((r) => r.id)).to.deep.equal(
        Array.from({ length: 10 }, (_, i) => `r${11 - i}`),
      );
      expect(loadReceipts(`${id}-other`)).to.deep.equal([]);
      expect(localStorage.getItem(`campaign-widgets:receipts:${id}`)).to.be.a('string');
    });

    it('keeps them in memory for this page where storage throws, and says nothing', async () => {
      const api = apiFor('no-storage');
      const { setItem, getItem } = Storage.prototype;
      Storage.prototype.setItem = () => {
        throw new DOMException('Quota', 'QuotaExceededError');
      };
      Storage.prototype.getItem = function (this: Storage, key: string) {
        if (key.startsWith('campaign-widgets:receipts:')) throw new DOMException('Denied');
        return getItem.call(this, key);
      };
      try {
        const el = await formFor(api);
        const id = await sendValid(el, `${LONG_ENOUGH} In memory ${run}.`);
        await el.updateComplete;
        expect(entries(el).map((li) => li.dataset.id)).to.deep.equal([id]);
        el.remove();
        const again = await formWithReceipts(api, 1);
        expect(entries(again)[0].dataset.id).to.equal(id);
        expect(text(entries(again)[0].querySelector('p'))).to.match(/^Waiting for review /);
      } finally {
        Object.assign(Storage.prototype, { setItem, getItem });
      }
    });
  });
});
