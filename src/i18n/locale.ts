import { configureLocalization } from '@lit/localize';
import { sourceLocale, targetLocales } from '../generated/locale-codes.js';
import * as zhHans from '../generated/locales/zh-Hans.js';
import { onConfigChange, pageSetting } from '../core/config.js';
import type { Locale } from '../api/wire.js';

/**
 * The page's UI language. Both locales are inlined in the bundle, so switching
 * costs no request. The language comes from, strongest first:
 * `setLocale()`, the page-wide `locale` setting (script tag, meta, `configure`),
 * then `<html lang>` — which is watched, so a page that changes its `lang`
 * re-renders every widget in the new language.
 */
const localization = configureLocalization({
  sourceLocale,
  targetLocales,
  // Static import: the zh-Hans strings are part of the one script, never fetched.
  loadLocale: () => Promise.resolve(zhHans),
});

let explicit: Locale | undefined;
let observer: MutationObserver | undefined;

/**
 * Maps any language tag to a supported locale: Chinese written in simplified
 * characters (zh, zh-CN, zh-SG, zh-Hans, zh-Hans-*) → `zh-Hans`; anything else → `en`.
 */
export function matchLocale(tag: string | null | undefined): Locale {
  const parts = (tag ?? '').trim().toLowerCase().replace(/_/g, '-').split('-');
  if (parts[0] !== 'zh') return 'en';
  const rest = parts.slice(1);
  if (rest.length === 0) return 'zh-Hans';
  if (rest[0] === 'hans') return 'zh-Hans';
  if (rest[0] === 'cn' || rest[0] === 'sg') return 'zh-Hans';
  return 'en';
}

/** The locale the page asks for right now. */
export function pageLocale(): Locale {
  if (explicit) return explicit;
  const configured = pageSetting('locale');
  if (configured) return matchLocale(configured);
  return matchLocale(typeof document === 'undefined' ? 'en' : document.documentElement.lang);
}

/** The locale widgets render in right now. */
export function getLocale(): Locale {
  return localization.getLocale() as Locale;
}

async function apply(): Promise<void> {
  const previous = getLocale();
  const next = pageLocale();
  if (next === previous) return;
  await localization.setLocale(next);
  document.dispatchEvent(
    new CustomEvent('campaign-locale-change', {
      detail: { locale: next, previous },
      bubbles: true,
      composed: true,
    }),
  );
}

/**
 * Switches every widget on the page to `locale` (any tag; see `matchLocale`).
 * Pass `undefined` to follow the page again (`<html lang>` or the page setting).
 */
export function setLocale(locale: string | undefined): Promise<void> {
  explicit = locale === undefined ? undefined : matchLocale(locale);
  return apply();
}

/**
 * Starts following the page's language. Called once by the base element; safe to
 * call again.
 */
export function watchPageLocale(): void {
  if (observer || typeof document === 'undefined') return;
  observer = new MutationObserver(() => void apply());
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  onConfigChange(() => void apply());
  void apply();
}
