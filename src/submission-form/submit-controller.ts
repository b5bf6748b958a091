import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CampaignApiClient } from '../api/client.js';
import { AbortedError, HttpError, type CampaignApiError } from '../api/errors.js';
import type { SubmissionAccepted, SubmissionRequest } from '../api/wire.js';
import { emit } from '../core/events.js';
import type { SubmissionFormState } from './submission-form.js';

export interface SubmitHost extends ReactiveControllerHost, HTMLElement {
  readonly client?: CampaignApiClient;
  state: SubmissionFormState;
}

/** One send: the body exactly as saved, its draft's key and photo. */
export interface Job {
  request: SubmissionRequest;
  key: string;
  photo: Blob | null;
}

export interface SubmitOutcomes {
  /** What to send now, if anything. */
  job(): Job | undefined;
  /** The server stored it. */
  accepted(accepted: SubmissionAccepted, job: Job): Promise<void>;
  /** This origin may not send yet: the state is `blocked` and nothing is retried. */
  blocked(): void;
  /** Refused for good (the state is still `sending`): the reader must change something. */
  refused(error: CampaignApiError): Promise<void>;
}

/** The partner's developer is told once per page that this origin may not send yet. */
let warned = false;

/**
 * Sending and resending: one request at a time by `client.submit()` (XHR, for its upload
 * progress), always with the draft's one Idempotency-Key, so a retry never stores twice.
 * A failure worth retrying (offline, timeout, server error; not 429) sets `retrying` and
 * tries again with backoff (2, 4, 8 … at most 60 s) and as soon as the browser is online.
 */
export class SubmitController implements ReactiveController {
  /** Upload progress of the send under way, 0 to 1. */
  progress = 0;
  #host: SubmitHost;
  #outcomes: SubmitOutcomes;
  #attempt = 0;
  #retryTimer?: ReturnType<typeof setTimeout>;
  #abort?: AbortController;

  constructor(host: SubmitHost, outcomes: SubmitOutcomes) {
    (this.#host = host).addController(this);
    this.#outcomes = outcomes;
  }

  hostConnected(): void {
    addEventListener('online', this.#online);
    // Put back after a removal that stopped a send or its retry: sent again at once.
    if (this.#host.state === 'retrying') void this.send();
  }

  hostDisconnected(): void {
    removeEventListener('online', this.#online);
    this.#abort?.abort();
    this.cancelRetry();
    if (this.#host.state === 'sending') this.#host.state = 'retrying';
  }

  cancelRetry(): void {
    clearTimeout(this.#retryTimer);
  }

  #online = () => {
    if (this.#host.state === 'retrying') void this.send();
  };

  /**
   * Sends the outcomes' job now (a send under way is abandoned for this one). A form out
   * of the document sends nothing: what calls late (a draft store answering after
   * removal) finds it kept, and it goes once the form is back (`hostConnected`).
   */
  async send(): Promise<void> {
    const host = this.#host;
    const client = host.client;
    const job = this.#outcomes.job();
    if (!client || !job || !host.isConnected) return;
    this.cancelRetry();
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    host.state = 'sending';
    this.progress = 0;
    try {
      const accepted = await client.submit(job.request, job.key, {
        photo: job.photo,
        signal: abort.signal,
        timeout: 60_000,
        onProgress: (fraction) => {
          this.progress = fraction;
          host.requestUpdate();
        },
      });
      this.#attempt = 0;
      await this.#outcomes.accepted(accepted, job);
    } catch (caught) {
      if (caught instanceof AbortedError) return;
      await this.#failed(caught as CampaignApiError, client);
    }
  }

  async #failed(error: CampaignApiError, client: CampaignApiClient): Promise<void> {
    const host = this.#host;
    const status = error instanceof HttpError ? error.status : undefined;
    // Refused before anything was stored (429 included): the reader may change and resend.
    const retrying = error.retryable && status !== 429;
    emit(host, 'campaign-submit-error', { code: error.code, status, retrying });
    if (retrying) {
      host.state = 'retrying';
      this.#retryTimer = setTimeout(
        () => void this.send(),
        Math.min(60, 2 ** ++this.#attempt) * 1000,
      );
    } else if (error.code === 'origin_not_allowed') {
      // Final until the newsroom adds this site: kept, not retried, the reader told.
      host.state = 'blocked';
      this.#outcomes.blocked();
      if (!warned) {
        warned = true;
        const origin = location.origin;
        console.warn(
          `campaign-widgets: ${client.base} does not accept submissions from ${origin} yet: ask the newsroom to add ${origin} as a partner site of campaign "${client.campaign}".`,
        );
      }
    } else {
      await this.#outcomes.refused(error);
    }
  }
}
