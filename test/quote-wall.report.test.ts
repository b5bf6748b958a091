import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { setLocale } from '../src/i18n/locale.js';
import type { CampaignQuoteWall, QuoteReportDetail } from '../src/quote-wall/quote-wall.js';
import {
  $,
  fastTiming,
  reportableFailures,
  room,
  settled,
  showing,
  texts,
  until,
  wallFor,
  type Room,
} from './support/quote-wall.js';
import { captureWarnings } from './support/warnings.js';

// Reporting a quote from <campaign-quote-wall>: the Report action, its dialog, what is
// sent, and what the wall remembers. Against the quotes test API
// (test/support/quote-endpoints.mjs), which records the reports it receives.
reportableFailures();

const STORE = 'campaign-widgets:reported:';

const reportButtons = (el: HTMLElement) => [
  ...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="report"]'),
];
/** The Report action of the quote with this id. */
const reportOf = (el: HTMLElement, id: string) =>
  $<HTMLButtonElement>(el, `#campaign-quote-${id} [part="report"]`)!;
const dialogOf = (el: HTMLElement) => $<HTMLDialogElement>(el, 'dialog');
const inDialog = <T extends Element = HTMLElement>(el: HTMLElement, selector: string) =>
  dialogOf(el)?.querySelector<T>(selector) ?? null;
const focused = (el: HTMLElement) => el.shadowRoot!.activeElement;
/** Whether the quote with this id is on the wall and has focus. */
const quoteFocused = (el: HTMLElement, id: string) => {
  const li = $(el, `#campaign-quote-${id}`);
  return !!li && focused(el) === li;
};
const words = (node: Element | null | undefined) =>
  node?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const radios = (el: HTMLElement) => [
  ...dialogOf(el)!.querySelectorAll<HTMLInputElement>('input[type="radio"]'),
];
const alertText = (el: HTMLElement) => words(inDialog(el, '[role="alert"]'));

/** A wall of three quotes (ids q1…q3; q3 is newest, on top), live. */
async function wall(
  setup: (r: Room) => Promise<unknown> = () => Promise.resolve(),
  attrs: Parameters<typeof wallFor>[1] = {},
) {
  const r = room();
  await setup(r);
  await r.add({ text: 'Mountain city, warm people', name: '李明' });
  await r.add({ text: '山城人热情好客', lang: 'zh-Hans', name: '' });
  await r.add({ text: 'Hot pot and hills', name: 'Wang Fang' });
  const el = await wallFor(r.api, attrs);
  await until(() => el.live.status === 'live' && texts(el).length === 3, 'wall loaded');
  return { r, el };
}

async function open(el: CampaignQuoteWall, id: string) {
  const button = reportOf(el, id);
  button.focus();
  button.click();
  await until(() => !!dialogOf(el)?.open, 'the dialog opens');
  return dialogOf(el)!;
}

/** Picks the reason at `index` (none for -1) and writes `note`. */
async function choose(el: CampaignQuoteWall, index: number, note?: string) {
  radios(el)[index]?.click();
  if (note !== undefined) {
    const area = inDialog<HTMLTextAreaElement>(el, 'textarea')!;
    area.value = note;
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }
  await el.updateComplete;
}

const send = (el: CampaignQuoteWall) => inDialog<HTMLButtonElement>(el, '.primary')!.click();

/** Waits for the campaign's reporting line to show in the dialog. */
const contactShown = (el: CampaignQuoteWall) =>
  until(() => !!inDialog(el, '.contact a'), 'the reporting line shows');

describe('<campaign-quote-wall> reports', () => {
  let console_: ReturnType<typeof captureWarnings>;
  let warnings: unknown[][];

  beforeEach(() => {
    fastTiming();
    console_ = captureWarnings();
    warnings = console_.warnings;
  });

  afterEach(async () => {
    console_.restore();
    await setLocale(undefined);
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith(STORE)) localStorage.removeItem(key);
    }
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    expect(console_.lit(), 'Lit development warnings').to.deep.equal([]);
  });

  it('offers a quiet Report action on every quote, named for its quote, without asking the API yet', async () => {
    const { r, el } = await wall();
    const buttons = reportButtons(el);
    expect(buttons.length).to.equal(3);
    for (const button of buttons) {
      expect(words(button)).to.equal('Report');
      expect(button.hidden || button.disabled).to.equal(false);
      expect(button.getAttribute('aria-haspopup')).to.equal('dialog');
      // Within its quote's caption, and a target of at least 24 × 24 px.
      expect(button.closest('figcaption')).to.exist;
      const box = button.getBoundingClientRect();
      expect(box.width, 'target width').to.be.at.least(24);
      expect(box.height, 'target height').to.be.at.least(24);
    }
    expect(reportOf(el, 'q1').getAttribute('aria-label')).to.equal('Report this quote by 李明');
    expect(reportOf(el, 'q2').getAttribute('aria-label')).to.equal(
      'Report this quote by Anonymous',
    );
    expect(reportOf(el, 'q3').getAttribute('aria-label')).to.equal(
      'Report this quote by Wang Fang',
    );
    // Keyboard focus is visible.
    reportOf(el, 'q1').focus();
    await sendKeys({ press: 'Shift' });
    expect(getComputedStyle(reportOf(el, 'q1')).outlineStyle).to.equal('solid');
    // Nothing about the campaign is read until a reader opens a dialog.
    expect((await r.stats()).campaigns).to.equal(0);
    expect(dialogOf(el)).to.equal(null);
    await settled(el);
    await expect(el).to.be.accessible();
  });

  it('opens a labelled modal dialog with focus inside, five reasons and the reporting line', async () => {
    const { r, el } = await wall();
    const dialog = await open(el, 'q1');
    expect(dialog.matches(':modal'), 'modal').to.equal(true);
    const title = dialog.querySelector(`#${dialog.getAttribute('aria-labelledby')}`);
    expect(words(title)).to.equal('Report this quote');
    expect(dialog.contains(focused(el)), 'focus inside the dialog').to.equal(true);
    expect(focused(el) === radios(el)[0], 'focus on the first reason').to.equal(true);
    // Which quote, in its own language.
    expect(words(dialog.querySelector('blockquote'))).to.equal('Mountain city, warm people');
    expect(words(dialog.querySelector('legend'))).to.equal('What is wrong with it?');
    expect(radios(el).map((radio) => words(radio.closest('label')))).to.deep.equal([
      'Illegal content',
      'Harassment or hate',
      'Spam or advertising',
      "Someone's personal information",
      'Something else',
    ]);
    expect(radios(el).every((radio) => !radio.checked)).to.equal(true);
    const note = inDialog<HTMLTextAreaElement>(el, 'textarea')!;
    expect(note.maxLength).to.equal(500);
    expect(words(note.labels[0])).to.equal('Note for the newsroom (optional)');
    expect(words(inDialog(el, '.primary'))).to.equal('Send report');
    expect(words(inDialog(el, 'button[type="button"]'))).to.equal('Cancel');
    await contactShown(el);
    const link = inDialog<HTMLAnchorElement>(el, '.contact a')!;
    expect(link.getAttribute('href')).to.equal('tel:+86-23-67158993');
    expect(words(link)).to.equal('+86-23-67158993');
    expect(words(link.parentElement)).to.contain('Spirit of Chongqing reporting line');
    expect((await r.stats()).campaigns).to.equal(1);
    await settled(el);
    await expect(el).to.be.accessible();
    // Once per wall: another dialog reads nothing again.
    dialog.close();
    await until(() => !dialogOf(el), 'closed');
    await open(el, 'q2');
    await contactShown(el);
    expect((await r.stats()).campaigns).to.equal(1);
  });

  it('closes on Escape and on Cancel, sending nothing, focus back on the Report button', async () => {
    const { r, el } = await wall();
    await open(el, 'q2');
    await choose(el, 1, 'Never mind');
    await sendKeys({ press: 'Escape' });
    await until(() => !dialogOf(el), 'Escape closes the dialog');
    expect(focused(el) === reportOf(el, 'q2'), 'focus back on the Report button').to.equal(true);
    const dialog = await open(el, 'q3');
    // A new dialog starts afresh.
    expect(radios(el).some((radio) => radio.checked)).to.equal(false);
    expect(inDialog<HTMLTextAreaElement>(el, 'textarea')!.value).to.equal('');
    inDialog<HTMLButtonElement>(el, 'button[type="button"]')!.click();
    await until(() => !dialogOf(el), 'Cancel closes the dialog');
    expect(dialog.open).to.equal(false);
    expect(focused(el) === reportOf(el, 'q3'), 'focus back on the Report button').to.equal(true);
    expect(await r.reports()).to.deep.equal([]);
    expect(words(reportOf(el, 'q3'))).to.equal('Report');
  });

  it('asks for a reason, on the reasons, before sending anything', async () => {
    const { r, el } = await wall();
    const fresh = await open(el, 'q1');
    await choose(el, -1, 'A note alone is not enough');
    send(el);
    await until(() => !!inDialog(el, '#report-reason-error'), 'the reason error');
    const fieldset = fresh.querySelector('fieldset')!;
    const error = fieldset.querySelector('#report-reason-error')!;
    expect(words(error)).to.equal('Error: Choose a reason.');
    expect(fieldset.getAttribute('aria-describedby')).to.equal('report-reason-error');
    expect(focused(el) === radios(el)[0], 'focus on the first reason').to.equal(true);
    expect(fresh.open).to.equal(true);
    await settled(el);
    await expect(el).to.be.accessible();
    expect(await r.reports()).to.deep.equal([]);
    // Choosing one clears it.
    await choose(el, 4);
    expect(inDialog(el, '#report-reason-error')).to.equal(null);
    expect(fieldset.hasAttribute('aria-describedby')).to.equal(false);
  });

  it('sends the reason and note, thanks the reader, says "Reported", fires campaign-report and remembers it', async () => {
    const { r, el } = await wall();
    await open(el, 'q1');
    await choose(el, 2, '  Advertises a hotel, twice.  ');
    const fired = oneEvent(el, 'campaign-report');
    send(el);
    const event = (await fired) as CustomEvent<QuoteReportDetail>;
    expect(event.detail).to.deep.equal({ quoteId: 'q1', reason: 'spam' });
    expect(event.bubbles && event.composed).to.equal(true);
    const received = await r.reports();
    expect(received.map(({ quoteId, body, locale }) => ({ quoteId, body, locale }))).to.deep.equal([
      { quoteId: 'q1', body: { reason: 'spam', note: 'Advertises a hotel, twice.' }, locale: 'en' },
    ]);
    await until(() => !!inDialog(el, '[role="status"]'), 'thank-you');
    expect(words(inDialog(el, '[role="status"]'))).to.equal(
      'Thank you. The newsroom will look at it.',
    );
    expect(inDialog(el, 'form')).to.equal(null);
    const close = inDialog<HTMLButtonElement>(el, '.primary')!;
    expect(words(close)).to.equal('Close');
    await until(() => focused(el) === close, 'focus on Close');
    await settled(el);
    await expect(el).to.be.accessible();
    // The quote is reported: no second offer.
    const button = reportOf(el, 'q1');
    expect(words(button)).to.equal('Reported');
    expect(button.disabled).to.equal(true);
    expect(button.hasAttribute('aria-label')).to.equal(false);
    close.click();
    await until(() => !dialogOf(el), 'closed');
    expect(quoteFocused(el, 'q1'), 'focus on the reported quote').to.equal(true);
    expect(JSON.parse(localStorage.getItem(`${STORE}${r.api}|demo`)!)).to.deep.equal(['q1']);
    // Another wall for the same campaign (a reload) offers the others only.
    const again = await wallFor(r.api);
    await until(() => texts(again).length === 3, 'second wall loaded');
    expect(words(reportOf(again, 'q1'))).to.equal('Reported');
    expect(reportOf(again, 'q1').disabled).to.equal(true);
    expect(words(reportOf(again, 'q2'))).to.equal('Report');
    // A body without a note carries no note.
    await open(el, 'q3');
    await choose(el, 0);
    send(el);
    await until(() => !!inDialog(el, '[role="status"]'), 'second thank-you');
    expect((await r.reports())[1].body).to.deep.equal({ reason: 'illegal' });
  });

  for (const [answer, message] of [
    ['not_found', 'This quote is no longer on the wall.'],
    ['rate_limited', 'Too many attempts. Please try again in 2 minutes.'],
    ['drop', 'You seem to be offline, or the campaign server could not be reached.'],
    ['origin', 'Reports cannot be sent from this website.'],
    ['validation', 'Something went wrong (validation).'],
  ] as const) {
    it(`says what went wrong (${answer}), keeping the reason and the note`, async () => {
      const { r, el } = await wall((room) => room.reporting({ answer }));
      let fired = false;
      el.addEventListener('campaign-report', () => (fired = true));
      await open(el, 'q3');
      await choose(el, 3, 'My phone number is in it');
      send(el);
      await until(() => alertText(el) !== '', 'an error');
      expect(alertText(el)).to.equal(`Error: ${message}`);
      expect(dialogOf(el)!.open).to.equal(true);
      expect(radios(el)[3].checked).to.equal(true);
      expect(inDialog<HTMLTextAreaElement>(el, 'textarea')!.value).to.equal(
        'My phone number is in it',
      );
      expect((await r.reports()).map((x) => x.body)).to.deep.equal([
        { reason: 'personal_info', note: 'My phone number is in it' },
      ]);
      expect(fired).to.equal(false);
      expect(words(reportOf(el, 'q3'))).to.equal('Report');
      expect(localStorage.getItem(`${STORE}${r.api}|demo`)).to.equal(null);
      if (answer === 'not_found') {
        await settled(el);
        await expect(el).to.be.accessible();
      }
    });
  }

  it('keeps a dialog whose quote leaves the wall meanwhile; sending says it is gone', async () => {
    const { r, el } = await wall();
    await open(el, 'q2');
    await choose(el, 1, 'Insults a neighbour');
    await r.call('remove?id=q2');
    await until(() => !$(el, '#campaign-quote-q2'), 'the quote leaves the wall');
    expect(texts(el)).to.deep.equal(['Hot pot and hills', 'Mountain city, warm people']);
    expect(dialogOf(el)!.open).to.equal(true);
    expect(words(inDialog(el, 'blockquote'))).to.equal('山城人热情好客');
    send(el);
    await until(() => alertText(el) !== '', 'an error');
    expect(alertText(el)).to.equal('Error: This quote is no longer on the wall.');
    inDialog<HTMLButtonElement>(el, 'button[type="button"]')!.click();
    await until(() => !dialogOf(el), 'closed');
    expect(texts(el).length).to.equal(2);
  });

  it('hides the action with hide-report only where the campaign allows it, and warns once otherwise', async () => {
    const allowed = await wall((r) => r.reporting({ optional: true }), { hideReport: true });
    await until(async () => (await allowed.r.stats()).campaigns === 1, 'campaign read');
    await allowed.el.updateComplete;
    expect(reportButtons(allowed.el).length).to.equal(3);
    for (const button of reportButtons(allowed.el)) {
      expect(button.hidden, 'hidden').to.equal(true);
      expect(button.getClientRects().length, 'not rendered').to.equal(0);
    }
    expect(warnings.filter((w) => /hide-report/.test(String(w[0])))).to.deep.equal([]);

    const refused = await wall((r) => r.reporting({ optional: false }), { hideReport: true });
    await until(() => reportButtons(refused.el).every((b) => !b.hidden), 'the actions stay');
    expect(reportButtons(refused.el).length).to.equal(3);
    const said = warnings.filter((w) => /hide-report/.test(String(w[0])));
    expect(said.length).to.equal(1);
    expect(String(said[0][0])).to.contain('reportsOptional');
    // Once: a second wall for the same campaign says nothing more.
    const second = await wallFor(refused.r.api, { hideReport: true });
    await until(() => reportButtons(second).length === 3, 'second wall');
    await until(() => reportButtons(second).every((b) => !b.hidden), 'its actions stay');
    expect(warnings.filter((w) => /hide-report/.test(String(w[0]))).length).to.equal(1);
    warnings = warnings.filter((w) => !/hide-report/.test(String(w[0])));
    // And the dialog reuses what the wall read.
    await open(refused.el, 'q1');
    await contactShown(refused.el);
    expect((await refused.r.stats()).campaigns).to.equal(2);
  });

  it('keeps the action under hide-report when the campaign cannot be read, and asks again on open', async () => {
    const { r, el } = await wall((room) => room.reporting({ optional: true, down: true }), {
      hideReport: true,
    });
    await until(() => reportButtons(el).every((b) => !b.hidden), 'the actions stay');
    expect((await r.stats()).campaigns).to.equal(1);
    expect(warnings.filter((w) => /hide-report/.test(String(w[0])))).to.deep.equal([]);
    // Opening a dialog reads the campaign again, and shows its reporting line.
    await r.reporting({ down: false, optional: false });
    await open(el, 'q2');
    await contactShown(el);
    expect((await r.stats()).campaigns).to.equal(2);
    warnings = warnings.filter((w) => !/hide-report/.test(String(w[0])));
  });

  it('focuses the quote the page address links to, on load and on hashchange', async () => {
    const r = room();
    for (const text of ['One', 'Two', 'Three']) await r.add({ text });
    history.replaceState(null, '', '#campaign-quote-q2');
    const spacer = document.createElement('div');
    spacer.style.height = '150vh';
    const el = await fixture<CampaignQuoteWall>(
      html`<div>
        ${spacer}
        <campaign-quote-wall api=${r.api} campaign="demo"></campaign-quote-wall>
      </div>`,
    ).then((div) => div.querySelector('campaign-quote-wall')!);
    await until(() => quoteFocused(el, 'q2'), 'the linked quote focused');
    const box = $(el, '#campaign-quote-q2')!.getBoundingClientRect();
    expect(box.top >= 0 && box.bottom <= innerHeight, 'scrolled into view').to.equal(true);
    location.hash = '#campaign-quote-q3';
    await until(() => quoteFocused(el, 'q3'), 'the newly linked quote');
    // A quote not on the wall changes nothing.
    location.hash = '#campaign-quote-q9';
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(quoteFocused(el, 'q3'), 'focus stays').to.equal(true);
    window.scrollTo(0, 0);
    // The spotlight turns to the linked quote.
    const spot = await wallFor(r.api, { layout: 'spotlight' });
    await showing(spot, ['Three']);
    location.hash = '#campaign-quote-q1';
    await showing(spot, ['One']);
    await until(() => quoteFocused(spot, 'q1'), 'spotlight focus');
    window.scrollTo(0, 0);
  });

  it('shows a count as the note nears its limit of 500 characters', async () => {
    const { el } = await wall();
    await open(el, 'q1');
    const count = inDialog(el, '#report-count')!;
    expect(words(count)).to.equal('');
    await choose(el, 4, 'x'.repeat(399));
    expect(words(count)).to.equal('');
    await choose(el, 4, 'x'.repeat(450));
    expect(words(count)).to.equal('50 characters left');
    expect(inDialog(el, 'textarea')!.getAttribute('aria-describedby')).to.equal('report-count');
  });

  it('links an email or web reporting line, and shows none when the campaign has none', async () => {
    for (const [contact, href] of [
      ['email', 'mailto:report@spirit.example.cn'],
      ['url', 'https://report.spirit.example.cn/'],
    ] as const) {
      const { el } = await wall((r) => r.reporting({ contact }));
      await open(el, 'q1');
      await contactShown(el);
      expect(inDialog(el, '.contact a')!.getAttribute('href')).to.equal(href);
    }
    const { r, el } = await wall((room) => room.reporting({ contact: 'none' }));
    await open(el, 'q1');
    await until(async () => (await r.stats()).campaigns === 1, 'campaign read');
    await el.updateComplete;
    expect(inDialog(el, '.contact a')).to.equal(null);
  });

  it('remembers at most 500 reported quotes, and reports where storage fails', async () => {
    const r = room();
    const key = `${STORE}${r.api}|demo`;
    localStorage.setItem(key, JSON.stringify(Array.from({ length: 500 }, (_, i) => `old${i}`)));
    const { el } = await wall(() => Promise.resolve(), {}).then(async (w) => {
      w.el.remove();
      await r.add({ text: 'Fresh' });
      const el = await wallFor(r.api);
      await until(() => texts(el).length === 1, 'loaded');
      return { el };
    });
    await open(el, 'q1');
    await choose(el, 0);
    send(el);
    await until(() => !!inDialog(el, '[role="status"]'), 'thank-you');
    const stored = JSON.parse(localStorage.getItem(key)!) as string[];
    expect(stored.length).to.equal(500);
    expect(stored.at(-1)).to.equal('q1');
    expect(stored[0]).to.equal('old1');

    // Storage that throws (private mode, a sandboxed frame): reporting still works.
    const { getItem, setItem } = Storage.prototype;
    Storage.prototype.getItem = () => {
      throw new DOMException('denied', 'SecurityError');
    };
    Storage.prototype.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    try {
      const other = await wall();
      await open(other.el, 'q2');
      await choose(other.el, 4);
      send(other.el);
      await until(() => !!inDialog(other.el, '[role="status"]'), 'thank-you');
      expect(words(reportOf(other.el, 'q2'))).to.equal('Reported');
    } finally {
      Object.assign(Storage.prototype, { getItem, setItem });
    }
  });

  it('speaks Chinese with the page in Chinese, the reporting line too', async () => {
    await setLocale('zh-Hans');
    const { r, el } = await wall((room) => room.reporting({ answer: 'not_found' }));
    expect(words(reportOf(el, 'q1'))).to.equal('举报');
    expect(reportOf(el, 'q1').getAttribute('aria-label')).to.equal('举报李明的这条留言');
    expect(reportOf(el, 'q2').getAttribute('aria-label')).to.equal('举报匿名的这条留言');
    const dialog = await open(el, 'q1');
    expect(words(dialog.querySelector('h2'))).to.equal('举报这条留言');
    expect(radios(el).map((radio) => words(radio.closest('label')))).to.deep.equal([
      '违法内容',
      '骚扰或仇恨言论',
      '垃圾信息或广告',
      '泄露他人个人信息',
      '其他',
    ]);
    expect(words(inDialog(el, '.primary'))).to.equal('提交举报');
    expect(words(inDialog(el, 'button[type="button"]'))).to.equal('取消');
    await contactShown(el);
    // Read in the wall's language.
    expect(words(inDialog(el, '.contact'))).to.contain('山城精神举报电话');
    send(el);
    await until(() => !!inDialog(el, '#report-reason-error'), 'the reason error');
    expect(words(inDialog(el, '#report-reason-error'))).to.equal('错误： 请选择举报原因。');
    await choose(el, 0, 'x'.repeat(420));
    expect(words(inDialog(el, '#report-count'))).to.equal('还可输入 80 个字符');
    send(el);
    await until(() => alertText(el) !== '', 'an error');
    expect(alertText(el)).to.equal('错误： 这条留言已不在留言墙上。');
    expect((await r.reports())[0].locale).to.equal('zh-Hans');
    await settled(el);
    await expect(el).to.be.accessible();
    await r.reporting({ answer: 'accept' });
    send(el);
    await until(() => !!inDialog(el, '[role="status"]'), 'thank-you');
    expect(words(inDialog(el, '[role="status"]'))).to.equal('谢谢。编辑部会查看这条留言。');
    expect(words(inDialog(el, '.primary'))).to.equal('关闭');
    await expect(el).to.be.accessible();
    expect(words(reportOf(el, 'q1'))).to.equal('已举报');
  });
});
