/**
 * Every event a widget fires is prefixed (`campaign-…`), bubbles, crosses shadow
 * boundaries and carries a typed `detail`. Widgets declare their events in
 * `GlobalEventHandlersEventMap` next to their class, so
 * `el.addEventListener('campaign-submitted', e => e.detail.id)` is typed for partners.
 */
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
  interface GlobalEventHandlersEventMap {
    'campaign-error': CustomEvent<CampaignErrorDetail>;
    'campaign-locale-change': CustomEvent<CampaignLocaleChangeDetail>;
  }
}
