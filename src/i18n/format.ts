import type { Locale } from '../api/wire.js';

/**
 * Dates, numbers and relative times through `Intl`, with the formatters cached per
 * locale and options (creating an `Intl` formatter costs far more than using one).
 */
const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>();

function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>(
  kind: string,
  locale: Locale,
  options: object,
  make: () => T,
): T {
  const key = `${kind}|${locale}|${JSON.stringify(options)}`;
  let formatter = cache.get(key) as T | undefined;
  if (!formatter) {
    formatter = make();
    cache.set(key, formatter);
  }
  return formatter;
}

/**
 * How each locale writes dates: the newsroom's English is British ("24 March 2024", as
 * its bylines read), so every widget and page writes the day before the month.
 */
const DATE_TAGS: Partial<Record<Locale, string>> = { en: 'en-GB' };

/** English month names, for long dates written without `Intl` (see `formatDate`). */
const MONTHS =
  'January February March April May June July August September October November December'.split(
    ' ',
  );

/**
 * A date as readers of `locale` write it: "24 March 2024" / "2024年3月24日". The one
 * date formatter of the widgets (story teasers, the quote wall, receipts); a page
 * beside them writes its dates the same way.
 *
 * The long date of the shipped locales, in the reader's time zone or in UTC, is written
 * here exactly as `Intl` writes it: the first `Intl.DateTimeFormat` a page creates loads
 * the engine's locale data (about 20 ms at 4x CPU in Chromium, inside a widget's first
 * render). Other locales, options and years go through `Intl`.
 */
export function formatDate(
  value: Date | string | number,
  locale: Locale,
  options?: Intl.DateTimeFormatOptions,
): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const utc = options?.timeZone === 'UTC';
  if (
    (!options || (options.dateStyle === 'long' && Object.keys(options).length === (utc ? 2 : 1))) &&
    (locale === 'en' || locale === 'zh-Hans')
  ) {
    const year = utc ? date.getUTCFullYear() : date.getFullYear();
    const month = utc ? date.getUTCMonth() : date.getMonth();
    const day = utc ? date.getUTCDate() : date.getDate();
    if (year >= 1000 && year <= 9999) {
      return locale === 'en'
        ? `${day} ${MONTHS[month]} ${year}`
        : `${year}年${month + 1}月${day}日`;
    }
  }
  options ??= { dateStyle: 'long' };
  return cached(
    'date',
    locale,
    options,
    () => new Intl.DateTimeFormat(DATE_TAGS[locale] ?? locale, options),
  ).format(date);
}

/**
 * Group separators of the shipped locales, which both write whole numbers in Western
 * digits grouped by threes. The first `Intl` formatter a page creates loads the
 * engine's locale data (15–25 ms in Chromium); a character count should not cost that
 * on a page that has no other use for it. Other locales and options go through `Intl`.
 */
const GROUP: Partial<Record<Locale, string>> = { en: ',', 'zh-Hans': ',' };

/** A number as readers of `locale` write it: "1,000". */
export function formatNumber(
  value: number,
  locale: Locale,
  options?: Intl.NumberFormatOptions,
): string {
  const group = GROUP[locale];
  if (!options && group && Number.isSafeInteger(value) && !Object.is(value, -0)) {
    return (value < 0 ? '-' : '') + String(Math.abs(value)).replace(/\B(?=(\d{3})+$)/g, group);
  }
  options ??= {};
  return cached('number', locale, options, () => new Intl.NumberFormat(locale, options)).format(
    value,
  );
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "3 minutes ago" / "3分钟前", relative to `now`. */
export function formatRelativeTime(
  value: Date | string | number,
  locale: Locale,
  now: number = Date.now(),
): string {
  const time = (value instanceof Date ? value : new Date(value)).getTime();
  if (Number.isNaN(time)) return '';
  const seconds = Math.round((time - now) / 1000);
  const format = cached(
    'relative',
    locale,
    { numeric: 'auto' },
    () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }),
  );
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return format.format(Math.trunc(seconds / size), unit);
    }
  }
  return '';
}
