import type { Locale } from '../../../src/api/wire.js';

/**
 * Times and numbers through `Intl`, in the console's language and the browser's time
 * zone: "14:02" today, "Dec 1, 14:02" / "12月1日 14:02" this year, with the year
 * before that. Formatters are cached (creating one costs far more than using it).
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function dateFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`;
  let format = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, format);
  }
  return format;
}

const TIME: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const SHORT_MONTH: Intl.DateTimeFormatOptions = { ...TIME, month: 'short', day: 'numeric' };
const WITH_YEAR: Intl.DateTimeFormatOptions = { ...SHORT_MONTH, year: 'numeric' };

/** "14:02" today, "Dec 1, 14:02" / "12月1日 14:02" otherwise. */
export function formatWhen(
  value: string | number | Date,
  locale: Locale,
  now = new Date(),
): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const sameYear = date.getFullYear() === now.getFullYear();
  const sameDay =
    sameYear && date.getMonth() === now.getMonth() && date.getDate() === now.getDate();
  // A short month is "Dec" in English and "12月" in Chinese ("12月1日 14:02").
  return dateFormat(locale, sameDay ? TIME : sameYear ? SHORT_MONTH : WITH_YEAR).format(date);
}

/** The full date and time, for a tooltip or a screen reader. */
export function formatFull(value: string | number | Date, locale: Locale): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  return dateFormat(locale, { dateStyle: 'long', timeStyle: 'short', hourCycle: 'h23' }).format(
    date,
  );
}

export function formatNumber(value: number, locale: Locale): string {
  const key = `n|${locale}`;
  let format = formatters.get(key) as Intl.NumberFormat | undefined;
  if (!format) {
    format = new Intl.NumberFormat(locale);
    formatters.set(key, format);
  }
  return format.format(value);
}

/** "partner.example" from "https://partner.example". */
export function siteName(origin: string | null): string {
  if (!origin) return '';
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}
