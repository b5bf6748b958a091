import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { getLocale, matchLocale, setLocale } from '../src/i18n/locale.js';
import { describeError } from '../src/i18n/messages.js';
import { formatDate, formatNumber, formatRelativeTime } from '../src/i18n/format.js';
import { CampaignElement } from '../src/base/campaign-element.js';
import { NetworkError } from '../src/api/errors.js';
import { defineElement } from '../src/core/register.js';
import { configure, resetConfig } from '../src/core/config.js';

class LocaleProbe extends CampaignElement {
  override render() {
    return html`<p>${describeError(new NetworkError('x'))}</p>`;
  }
}
defineElement('cw-locale-probe', LocaleProbe);

const EN = 'You seem to be offline, or the campaign server could not be reached.';
const ZH = '您似乎已离线，或无法连接到活动服务器。';
const text = (el: Element) => el.shadowRoot!.querySelector('p')!.textContent;

describe('matchLocale', () => {
  const cases: [string | null | undefined, string][] = [
    ['zh', 'zh-Hans'],
    ['zh-CN', 'zh-Hans'],
    ['zh-cn', 'zh-Hans'],
    ['zh_CN', 'zh-Hans'],
    ['zh-Hans', 'zh-Hans'],
    ['zh-Hans-CN', 'zh-Hans'],
    ['zh-SG', 'zh-Hans'],
    ['zh-TW', 'en'],
    ['zh-Hant', 'en'],
    ['en', 'en'],
    ['en-GB', 'en'],
    ['fr', 'en'],
    ['', 'en'],
    [null, 'en'],
    [undefined, 'en'],
    ['  zh  ', 'zh-Hans'],
  ];
  for (const [tag, expected] of cases) {
    it(`maps ${JSON.stringify(tag)} to ${expected}`, () => {
      expect(matchLocale(tag)).to.equal(expected);
    });
  }
});

describe('page locale', () => {
  afterEach(async () => {
    resetConfig();
    await setLocale(undefined);
    document.documentElement.lang = 'en';
    await waitUntil(() => getLocale() === 'en');
  });

  it('follows <html lang> changes at run time', async () => {
    document.documentElement.lang = 'en';
    const el = await fixture<LocaleProbe>(html`<cw-locale-probe></cw-locale-probe>`);
    expect(text(el)).to.equal(EN);

    const changed = oneEvent(document, 'campaign-locale-change');
    document.documentElement.lang = 'zh-CN';
    const event = await changed;
    expect(event.detail).to.deep.equal({ locale: 'zh-Hans', previous: 'en' });
    await el.updateComplete;
    expect(text(el)).to.equal(ZH);

    document.documentElement.lang = 'en-US';
    await waitUntil(() => getLocale() === 'en');
    await el.updateComplete;
    expect(text(el)).to.equal(EN);
  });

  it('lets setLocale() override <html lang> until cleared', async () => {
    document.documentElement.lang = 'en';
    const el = await fixture<LocaleProbe>(html`<cw-locale-probe></cw-locale-probe>`);
    await setLocale('zh-Hans');
    await el.updateComplete;
    expect(text(el)).to.equal(ZH);

    document.documentElement.lang = 'fr';
    await new Promise((r) => setTimeout(r, 20));
    expect(getLocale()).to.equal('zh-Hans');

    await setLocale(undefined);
    await el.updateComplete;
    expect(text(el)).to.equal(EN);
  });

  it('prefers the page-wide locale setting over <html lang>', async () => {
    document.documentElement.lang = 'en';
    const el = await fixture<LocaleProbe>(html`<cw-locale-probe></cw-locale-probe>`);
    configure({ locale: 'zh' });
    await waitUntil(() => getLocale() === 'zh-Hans');
    await el.updateComplete;
    expect(text(el)).to.equal(ZH);
  });
});

describe('Intl formatting', () => {
  const date = '2024-03-24T04:00:00Z';
  it('writes dates the way each locale does', () => {
    expect(formatDate(date, 'en', { dateStyle: 'long', timeZone: 'UTC' })).to.equal(
      '24 March 2024',
    );
    expect(formatDate(date, 'zh-Hans', { dateStyle: 'long', timeZone: 'UTC' })).to.equal(
      '2024年3月24日',
    );
    expect(formatDate('not a date', 'en')).to.equal('');
  });
  it('writes long dates exactly as Intl does, without creating a formatter', () => {
    const days = [
      '2024-03-24T04:00:00Z',
      '2024-01-01T00:30:00Z',
      '1999-12-31T23:59:59Z',
      '2025-09-09T12:00:00Z',
      '2024-02-29T22:00:00Z',
    ];
    for (let month = 0; month < 12; month++) days.push(new Date(2026, month, 15).toISOString());
    for (const locale of ['en', 'zh-Hans'] as const) {
      const tag = locale === 'en' ? 'en-GB' : locale;
      for (const day of days) {
        const local = new Intl.DateTimeFormat(tag, { dateStyle: 'long' }).format(new Date(day));
        const utc = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone: 'UTC' }).format(
          new Date(day),
        );
        const made: unknown[] = [];
        const DateTimeFormat = Intl.DateTimeFormat;
        Intl.DateTimeFormat = function (...args: unknown[]) {
          made.push(args);
          return new DateTimeFormat(...(args as []));
        } as unknown as typeof Intl.DateTimeFormat;
        try {
          expect(formatDate(day, locale), `${locale} ${day}`).to.equal(local);
          expect(formatDate(day, locale, { dateStyle: 'long', timeZone: 'UTC' })).to.equal(utc);
          expect(made, 'no Intl.DateTimeFormat for long dates').to.deep.equal([]);
          if (day === days[0]) {
            // an option set no other test uses, so the formatter is not cached yet
            formatDate(day, locale, { dateStyle: 'full', timeZone: 'Asia/Tokyo' });
            expect(made, 'other options go through Intl').to.have.length(1);
          }
        } finally {
          Intl.DateTimeFormat = DateTimeFormat;
        }
      }
    }
  });
  it('groups numbers per locale', () => {
    expect(formatNumber(12345, 'en')).to.equal('12,345');
    expect(formatNumber(12345, 'zh-Hans')).to.equal('12,345');
  });
  it('writes whole numbers exactly as Intl does, without creating a formatter', () => {
    const values = [0, -0, 1, 7, 10, 99, 999, 1000, 1001, 12345, 999_999, 1_000_000, -1, -999];
    values.push(-1000, -1_234_567, Number.MAX_SAFE_INTEGER, 1.5, -2.25, 1e21, NaN, Infinity);
    for (const locale of ['en', 'zh-Hans'] as const) {
      const intl = new Intl.NumberFormat(locale);
      for (const value of values) {
        expect(formatNumber(value, locale), `${locale} ${value}`).to.equal(intl.format(value));
      }
    }
    const made: unknown[] = [];
    const NumberFormat = Intl.NumberFormat;
    Intl.NumberFormat = function (...args: unknown[]) {
      made.push(args);
      return new NumberFormat(...(args as []));
    } as unknown as typeof Intl.NumberFormat;
    try {
      formatNumber(123_456, 'en');
      formatNumber(-42, 'zh-Hans');
      expect(made, 'no Intl.NumberFormat for whole numbers').to.deep.equal([]);
      expect(formatNumber(0.5, 'en', { style: 'percent' })).to.equal('50%');
      expect(made, 'options go through Intl').to.have.length(1);
    } finally {
      Intl.NumberFormat = NumberFormat;
    }
  });
  it('says relative times in words', () => {
    const now = Date.parse(date);
    expect(formatRelativeTime(now - 3 * 60_000, 'en', now)).to.equal('3 minutes ago');
    expect(formatRelativeTime(now - 3 * 60_000, 'zh-Hans', now)).to.equal('3分钟前');
    expect(formatRelativeTime(now - 86_400_000, 'en', now)).to.equal('yesterday');
    expect(formatRelativeTime(now, 'en', now)).to.equal('now');
  });
});
