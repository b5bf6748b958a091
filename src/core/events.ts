/**
 * Every event a widget fires is prefixed (`campaign-…`), bubbles, crosses shadow
 * boundaries and carries a typed `detail`. Widgets declare their events in `@fires
 * {CustomEvent<XDetail>}` tags; scripts/gen-types.mjs adds them to
 * `GlobalEventHandlersEventMap` (src/generated/widget-types.ts), so
 * `el.addEventListener('campaign-submitted', e => e.detail.id)` is typed for partners.
 */
import type { CampaignWidgetEventMap } from '../generated/widget-types.js';

export type CampaignEvent<T> = CustomEvent<T>;

/**
 * Fires `name` from `target`. Returns false when the event was cancelable and a
 * listener called `preventDefault()`.
 */
export function emit<K extends keyof GlobalEventHandlersEventMap>(
  target: EventTarget,
  name: K,
  detail: GlobalEventHandlersEventMap[K] extends CustomEvent<infer D> ? D : never,
  options: { cancelable?: boolean } = {},
): boolean {
  const event = new CustomEvent(name, {
    detail,
    bubbles: true,
    composed: true,
    cancelable: options.cancelable ?? false,
  });
  return target.dispatchEvent(event);
}

/** Detail of `campaign-error`: a widget could not load what it needs and shows its fallback. */
export interface CampaignErrorDetail {
  /** Stable code: `network`, `timeout`, `http`, `parse`, or the server's own error code. */
  code: string;
  /** HTTP status, when the server answered. */
  status?: number;
  message: string;
}

/** Detail of `campaign-locale-change`, fired on `document` when the page's UI language changes. */
export interface CampaignLocaleChangeDetail {
  locale: string;
  previous: string;
}

declare global {
  // The widgets' events come from their `@fires` tags (src/generated/widget-types.ts);
  // the locale change is the page's, fired on document, not a widget's.
  interface GlobalEventHandlersEventMap extends CampaignWidgetEventMap {
    'campaign-locale-change': CustomEvent<CampaignLocaleChangeDetail>;
  }
}
