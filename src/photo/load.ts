import { Task, TaskStatus, initialState } from '@lit/task';
import type { ReactiveControllerHost } from 'lit';
import type { CampaignApiClient, RequestOptions } from '../api/client.js';
import type { CampaignApiError } from '../api/errors.js';
import type { Locale } from '../api/wire.js';
import { emit } from '../core/events.js';

type Host = ReactiveControllerHost & HTMLElement & { client?: CampaignApiClient; locale: Locale };

/**
 * Loads one item by id from the campaign API for a content widget, in the page's
 * locale. A new id, API, campaign or locale aborts the request in flight (through
 * the task's AbortSignal) and loads again; removing the element aborts it too, and
 * putting it back loads again. A failure other than an abort fires `campaign-error`
 * so the partner knows the widget fell back to its attributes or slotted content.
 */
export function loadById<T>(
  host: Host,
  id: () => string | undefined,
  load: (client: CampaignApiClient, id: string, options: RequestOptions) => Promise<T>,
): Task<[string | undefined, CampaignApiClient | undefined, Locale], T> {
  let interrupted = false;
  const task = new Task(host, {
    args: () =>
      [id(), host.client, host.locale] as [
        string | undefined,
        CampaignApiClient | undefined,
        Locale,
      ],
    task: ([key, client, locale], { signal }) =>
      key && client ? load(client, key, { signal, locale }) : initialState,
    onError: (error) => {
      const e = error as CampaignApiError;
      if (e.code === 'aborted') return;
      emit(host, 'campaign-error', {
        code: e.code ?? 'parse',
        status: (e as { status?: number }).status,
        message: e.message,
      });
    },
  });
  host.addController({
    hostConnected() {
      if (interrupted) void task.run();
      interrupted = false;
    },
    hostDisconnected() {
      interrupted = task.status === TaskStatus.PENDING;
      task.abort();
    },
  });
  return task;
}
