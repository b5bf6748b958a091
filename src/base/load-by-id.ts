import type { ReactiveControllerHost } from 'lit';
import type { CampaignApiClient, RequestOptions } from '../api/client.js';
import type { CampaignApiError } from '../api/errors.js';
import type { Locale } from '../api/wire.js';
import { emit } from '../core/events.js';

type Host = ReactiveControllerHost & HTMLElement & { client?: CampaignApiClient; locale: Locale };

/** Where a load is: nothing to load, under way, done, failed. */
export const INITIAL = 0;
export const PENDING = 1;
export const COMPLETE = 2;
export const ERROR = 3;
export type LoadStatus = typeof INITIAL | typeof PENDING | typeof COMPLETE | typeof ERROR;

/** One item loaded for a widget: its status, and its value once it has arrived. */
export interface Load<T> {
  readonly status: LoadStatus;
  /** The last answer; kept while the next one loads, cleared by a failure. */
  readonly value: T | undefined;
}

/**
 * Loads one item by id from the campaign API for a content widget (the photo and the
 * story teaser), in the page's locale. A new id, API, campaign or locale aborts the request in flight and loads
 * again; removing the element aborts it too, and putting it back loads again. A
 * failure other than an abort fires `campaign-error` so the partner knows the widget
 * fell back to its attributes or slotted content.
 *
 * `snapshot`, when it returns an item before the first update, is that item: the widget
 * renders it and asks the API for nothing until the id, API, campaign or locale changes.
 *
 * A controller of our own rather than `@lit/task`'s `Task`, for bytes: `Task` 1.0.3
 * minified is 982 bytes gzip on its own (it also builds `taskComplete` promises,
 * `render()` and `argsEqual`, none of which the widgets use), while this whole
 * controller, abort on disconnect and `campaign-error` included, is 491. `Task` would
 * still need a wrapper here for those two, since it neither aborts when the host is
 * removed nor reports errors as events.
 */
export function loadById<T>(
  host: Host,
  id: () => string | undefined,
  load: (client: CampaignApiClient, id: string, options: RequestOptions) => Promise<T>,
  snapshot?: () => T | undefined,
): Load<T> {
  const state: { status: LoadStatus; value: T | undefined } = {
    status: INITIAL,
    value: undefined,
  };
  // Until a load of its own has begun, a snapshot given before the first render is the
  // item: complete, with no request (also on the server, where `hostUpdate` never runs).
  const view: Load<T> = {
    get status() {
      return state.status === INITIAL && snapshot?.() !== undefined ? COMPLETE : state.status;
    },
    get value() {
      return state.status === INITIAL ? (snapshot?.() ?? state.value) : state.value;
    },
  };
  let args: unknown[] = [];
  let calls = 0;
  let abort: AbortController | undefined;
  let interrupted = false;

  const run = async () => {
    const [key, client, locale] = (args = [id(), host.client, host.locale]) as [
      string | undefined,
      CampaignApiClient | undefined,
      Locale,
    ];
    if (state.status === PENDING) abort?.abort();
    // What was shown stays while the next answer loads, a snapshot included.
    state.value = view.value;
    state.status = PENDING;
    host.requestUpdate();
    const call = ++calls;
    const signal = (abort = new AbortController()).signal;
    let value: T | undefined;
    let status: LoadStatus = COMPLETE;
    try {
      if (key && client) value = await load(client, key, { signal, locale });
      else status = INITIAL;
    } catch (error) {
      status = ERROR;
      const e = error as CampaignApiError;
      if (call === calls && e.code !== 'aborted') {
        emit(host, 'campaign-error', {
          code: e.code ?? 'parse',
          status: (e as { status?: number }).status,
          message: e.message,
        });
      }
    }
    if (call !== calls) return;
    state.status = status;
    if (status !== INITIAL) state.value = value;
    host.requestUpdate();
  };

  host.addController({
    hostUpdate() {
      const next = [id(), host.client, host.locale];
      // The first update with a snapshot takes it for what these arguments would load.
      if (!args.length && snapshot?.() !== undefined) args = next;
      if (next.some((v, i) => v !== args[i])) void run();
    },
    hostConnected() {
      if (interrupted) void run();
      interrupted = false;
    },
    hostDisconnected() {
      interrupted = state.status === PENDING;
      if (interrupted) abort?.abort();
    },
  });
  return view;
}
