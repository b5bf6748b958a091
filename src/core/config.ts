/**
 * Page-wide configuration: a page with ten widgets says once where the campaign API
 * is, which campaign to show and, if it wants, which language to use.
 *
 * Sources, strongest first:
 * 1. an attribute on the element itself (`api`, `campaign`);
 * 2. `configure({ ... })` called by the page;
 * 3. `data-api`, `data-campaign`, `data-locale` on the script tag that loads the
 *    single-script bundle;
 * 4. `<meta name="campaign-widgets:api" content="…">` (and `:campaign`, `:locale`)
 *    anywhere in the document.
 *
 * The locale has one more source below these: `<html lang>` (see i18n/locale.ts).
 */
export interface PageConfig {
  /** Base URL of the campaign API, e.g. `https://api.example.org`. */
  api?: string;
  /** Campaign id, e.g. `spirit-of-chongqing`. */
  campaign?: string;
  /** UI language: `en` or `zh-Hans` (or any tag that maps to one of them). */
  locale?: string;
}

export const CONFIG_KEYS = ['api', 'campaign', 'locale'] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

const META_PREFIX = 'campaign-widgets:';

let programmatic: PageConfig = {};
let fromScript: PageConfig = {};
const listeners = new Set<() => void>();

function clean(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function fromMeta(key: ConfigKey): string | undefined {
  if (typeof document === 'undefined') return undefined;
  const meta = document.querySelector<HTMLMetaElement>(`meta[name="${META_PREFIX}${key}"]`);
  return clean(meta?.content);
}

/** The page-wide value of one setting (without any element's own attribute). */
export function pageSetting(key: ConfigKey): string | undefined {
  return clean(programmatic[key]) ?? clean(fromScript[key]) ?? fromMeta(key);
}

/** The page-wide configuration as it resolves now. */
export function pageConfig(): PageConfig {
  const out: PageConfig = {};
  for (const key of CONFIG_KEYS) {
    const value = pageSetting(key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Resolves one setting for an element: its own attribute first, then the page's. */
export function resolveSetting(key: ConfigKey, own: string | null | undefined): string | undefined {
  return clean(own) ?? pageSetting(key);
}

function notify(): void {
  for (const listener of listeners) listener();
}

/**
 * Sets page-wide defaults. Keys given as `undefined` are cleared; keys left out keep
 * their value. Widgets already on the page pick up the change.
 */
export function configure(config: PageConfig): void {
  const next = { ...programmatic };
  for (const key of CONFIG_KEYS) {
    if (key in config) next[key] = clean(config[key]);
  }
  programmatic = next;
  notify();
}

/** Reads `data-api`, `data-campaign`, `data-locale` from the script tag that loaded us. */
export function configureFromScript(script: Element | null | undefined): void {
  if (!script) return;
  fromScript = {
    api: clean(script.getAttribute('data-api')),
    campaign: clean(script.getAttribute('data-campaign')),
    locale: clean(script.getAttribute('data-locale')),
  };
  notify();
}

/** Calls `listener` whenever the page-wide configuration changes; returns the unsubscribe. */
export function onConfigChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** For tests: forget everything set by `configure` and by the script tag. */
export function resetConfig(): void {
  programmatic = {};
  fromScript = {};
  notify();
}
