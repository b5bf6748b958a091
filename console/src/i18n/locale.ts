import { configureLocalization } from '@lit/localize';
import type { Locale } from '../../../src/api/wire.js';
import { sourceLocale, targetLocales } from '../generated/locale-codes.js';
import * as zhHans from '../generated/locales/zh-Hans.js';

/**
 * The console's language. Both locales are in the one script (no request to switch).
 * Signed in, it follows the person's saved `locale`; before that, the last language
 * chosen on this browser, else the browser's own.
 */
const localization = configureLocalization({
  sourceLocale,
  targetLocales,
  loadLocale: () => Promise.resolve(zhHans),
});

const STORAGE_KEY = 'newsroom-console:locale';

/** Any language tag → a console locale: Chinese in simplified characters → zh-Hans. */
export function matchLocale(tag: string | null | undefined): Locale {
  const [language, script] = (tag ?? '').trim().toLowerCase().replace(/_/g, '-').split('-');
  if (language !== 'zh') return 'en';
  return script === undefined || ['hans', 'cn', 'sg'].includes(script) ? 'zh-Hans' : 'en';
}

export function consoleLocale(): Locale {
  return localization.getLocale() as Locale;
}

/** The language to show before anyone has signed in. */
export function preferredLocale(): Locale {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage refused (private mode): fall back to the browser's language
  }
  if (saved === 'en' || saved === 'zh-Hans') return saved;
  return matchLocale(navigator.languages?.[0] ?? navigator.language);
}

/** Switches every view, sets `<html lang>` and remembers the choice on this browser. */
export async function setConsoleLocale(locale: Locale): Promise<void> {
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // nothing to remember it in
  }
  if (consoleLocale() !== locale) await localization.setLocale(locale);
}
