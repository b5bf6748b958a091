/**
 * The console's live connection: `GET …/staff/events` (Server-Sent Events), opened when
 * the host connects and closed when it disconnects. Events missed while the connection
 * was down are not replayed, so a reconnect calls `onReconnect` (the queue reloads its
 * counts). A stream the server refuses (the browser gives up: `CLOSED`) is opened
 * again after a growing wait.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { StaffEventData } from '../../../src/api/newsroom.js';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'off';

export const STAFF_EVENT_TYPES = ['received', 'changed', 'deleted', 'reported'] as const;

export interface StaffEventsOptions {
  /** The stream's URL, or null while there is nothing to listen to. */
  url: () => string | null;
  onEvent: (event: StaffEventData) => void;
  onReconnect?: () => void;
  onStatus?: (status: LiveStatus) => void;
}

export class StaffEventsController implements ReactiveController {
  /** Waits before opening a refused stream again, in ms (the last one repeats). */
  static retryDelays = [1000, 3000, 10000, 30000];

  status: LiveStatus = 'off';
  #host: ReactiveControllerHost;
  #options: StaffEventsOptions;
  #source: EventSource | null = null;
  #url: string | null = null;
  #lostConnection = false;
  #retries = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReactiveControllerHost, options: StaffEventsOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** The open EventSource, if any (tests read it). */
  get source(): EventSource | null {
    return this.#source;
  }

  hostConnected(): void {
    this.#open();
  }

  hostUpdated(): void {
    // The campaign can change while connected: follow the URL.
    if (this.#options.url() !== this.#url) this.#open();
  }

  hostDisconnected(): void {
    this.#close();
    this.#set('off');
  }

  #set(status: LiveStatus) {
    if (status === this.status) return;
    this.status = status;
    this.#options.onStatus?.(status);
    this.#host.requestUpdate();
  }

  #close() {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#source?.close();
    this.#source = null;
  }

  #open() {
    this.#close();
    this.#url = this.#options.url();
    if (!this.#url || typeof EventSource === 'undefined') {
      this.#set('off');
      return;
    }
    const source = new EventSource(this.#url, { withCredentials: true });
    this.#source = source;
    this.#set(this.#lostConnection ? 'reconnecting' : 'connecting');
    source.addEventListener('open', () => {
      if (source !== this.#source) return;
      this.#retries = 0;
      this.#set('live');
      if (this.#lostConnection) {
        this.#lostConnection = false;
        this.#options.onReconnect?.();
      }
    });
    source.addEventListener('error', () => {
      if (source !== this.#source) return;
      this.#lostConnection = true;
      this.#set('reconnecting');
      if (source.readyState === EventSource.CLOSED) {
        // The browser will not try again by itself: wait, then open a new stream.
        const delays = StaffEventsController.retryDelays;
        const wait = delays[Math.min(this.#retries++, delays.length - 1)] ?? 30000;
        source.close();
        this.#timer = setTimeout(() => this.#open(), wait);
      }
    });
    for (const type of STAFF_EVENT_TYPES) {
      source.addEventListener(type, (event) => {
        if (source !== this.#source) return;
        try {
          const data = JSON.parse((event as MessageEvent<string>).data) as StaffEventData;
          this.#options.onEvent({ ...data, type } as StaffEventData);
        } catch {
          // not JSON: nothing to show
        }
      });
    }
  }
}
