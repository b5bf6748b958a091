import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CampaignApiClient } from '../api/client.js';
import type { Campaign, Locale } from '../api/wire.js';
import { Connection, type CampaignStreamEvent } from '../quote-wall/connection.js';

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
 * (closed, reopened, a new closing time or consent version). A `Connection` given the
 * stream's URL: it backs off and reconnects as the wall's does (the first failure is
 * left to the browser), pauses once the page has been hidden for `timing.hidden`, and
 * closes when the page is left. The form reads the campaign again after every
 * reconnection, since events may have been missed in between.
 */
export class LiveCampaign implements ReactiveController {
  #host: LiveCampaignHost;
  #changed: CampaignChanged;
  #connection?: Connection;
  #url?: string;

  constructor(host: LiveCampaignHost, changed: CampaignChanged) {
    (this.#host = host).addController(this);
    this.#changed = changed;
  }

  hostConnected(): void {
    this.hostUpdate();
  }

  hostDisconnected(): void {
    this.#connection?.close();
    this.#connection = this.#url = undefined;
  }

  hostUpdate(): void {
    const { client, locale } = this.#host;
    const url = client?.url('/stream', { locale });
    // Another API, campaign or locale: another stream.
    if (this.#url === url) return;
    this.#connection?.close();
    let opened = false;
    const emit = (...[type, value]: CampaignStreamEvent) => {
      if (type === 'campaign') this.#changed(value);
      else if (value === 'live') {
        // Every opening after the first is a reconnection: read the campaign again.
        if (opened) this.#changed();
        opened = true;
      }
    };
    this.#url = url;
    this.#connection = url ? new Connection(client!, locale, emit, url) : undefined;
    this.#connection?.run(true);
  }
}
