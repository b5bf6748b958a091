import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CampaignApiClient } from '../api/client.js';
import type { Campaign, Locale } from '../api/wire.js';
import { backoff, timing } from '../quote-wall/connection.js';

/** What the controller needs from its form. */
export interface LiveCampaignHost extends ReactiveControllerHost {
  readonly client: CampaignApiClient | undefined;
  readonly locale: Locale;
}

/** Called with the campaign as it is now (a `campaign` event), or without to read it again. */
export type CampaignChanged = (campaign?: Campaign) => void;

/**
 * The campaign's own event stream (`GET …/stream?locale=`), open while the form is in
 * the page and the page is visible: a `campaign` event brings the campaign as it is now
 * (closed, reopened, a new closing time or consent version). Backs off and reconnects
 * as the wall's feed does (the first failure is left to the browser), pauses once the
 * page has been hidden for `timing.hidden`, and asks the form to read the campaign
 * again after every reconnection, since events may have been missed in between.
 */
export class LiveCampaign implements ReactiveController {
  #host: LiveCampaignHost;
  #changed: CampaignChanged;
  #es?: EventSource;
  #url?: string;
  #timer?: ReturnType<typeof setTimeout>;
  #hideTimer?: ReturnType<typeof setTimeout>;
  #failures = 0;
  #opened = false;

  constructor(host: LiveCampaignHost, changed: CampaignChanged) {
    (this.#host = host).addController(this);
    this.#changed = changed;
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#visibility);
    addEventListener('pagehide', this.#visibility);
    addEventListener('pageshow', this.#visibility);
    this.#run();
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#visibility);
    removeEventListener('pagehide', this.#visibility);
    removeEventListener('pageshow', this.#visibility);
    clearTimeout(this.#hideTimer);
    this.#stop();
    this.#opened = false;
  }

  hostUpdate(): void {
    // Another API, campaign or locale: another stream.
    if (this.#url !== this.#wanted()) {
      this.#stop();
      this.#opened = false;
      this.#run();
    }
  }

  #wanted(): string | undefined {
    const host = this.#host;
    return host.client?.url('/stream', { locale: host.locale });
  }

  #visibility = (e: Event): void => {
    clearTimeout(this.#hideTimer);
    // Leaving the page (perhaps into the back/forward cache) closes the stream at once.
    if (e.type === 'pagehide') return this.#stop();
    this.#hideTimer = setTimeout(
      () => (document.hidden ? this.#stop() : this.#run()),
      document.hidden ? timing.hidden : 0,
    );
  };

  #stop(): void {
    this.#es?.close();
    clearTimeout(this.#timer);
    this.#es = this.#timer = undefined;
  }

  #run(): void {
    const url = (this.#url = this.#wanted());
    if (!url || this.#es || this.#timer || document.hidden || !window.EventSource) return;
    const es = (this.#es = new EventSource(url));
    es.onopen = () => {
      this.#failures = 0;
      if (this.#opened) this.#changed();
      this.#opened = true;
    };
    es.onerror = () => {
      if (!this.#failures++ && es.readyState === es.CONNECTING) return;
      es.close();
      this.#es = undefined;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#run();
      }, backoff(this.#failures));
    };
    es.addEventListener('campaign', (event) => {
      try {
        this.#changed(JSON.parse(event.data as string) as Campaign);
      } catch {
        // Not JSON: ignored; the next event or reconnection brings the form up to date.
      }
    });
  }
}
