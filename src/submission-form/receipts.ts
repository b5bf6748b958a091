import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CampaignApiClient } from '../api/client.js';
import type { CampaignApiError, HttpError } from '../api/errors.js';
import type { Locale, ReceiptState } from '../api/wire.js';

/**
 * The reader's receipts: for each submission the API accepted from this browser, its id,
 * the secret sent with it and when it was received. Only this browser knows the secret
 * (the API keeps its SHA-256), and with it the reader can see what became of the
 * submission, or withdraw it. Kept in `localStorage` per API and campaign, newest first,
 * at most `MAX_RECEIPTS`; where storage is missing or refuses, in memory for this page.
 */
export interface Receipt {
  id: string;
  secret: string;
  receivedAt: string;
}

export const MAX_RECEIPTS = 10;

/** A receipt secret: 32 random bytes, base64url without padding (43 characters). */
export const newSecret = (): string =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=/g, '');

/** Lists this page could not store: they live here until it closes. */
const memory = new Map<string, Receipt[]>();
const storageKey = (id: string) => `campaign-widgets:receipts:${id}`;

/** The receipts kept for `id` (`api|campaign`), newest first. */
export function loadReceipts(id: string): Receipt[] {
  try {
    return (
      memory.get(id) ??
      (JSON.parse(localStorage.getItem(storageKey(id)) ?? '[]') as Receipt[]).filter(
        (r) => r?.secret,
      )
    );
  } catch {
    // No storage, or not what we wrote there.
    return [];
  }
}

function save(id: string, list: Receipt[]): void {
  try {
    localStorage.setItem(storageKey(id), JSON.stringify(list));
    memory.delete(id);
  } catch {
    memory.set(id, list);
  }
}

/** Keeps a new receipt first, dropping the oldest beyond `MAX_RECEIPTS`. */
export const addReceipt = (id: string, receipt: Receipt): void =>
  save(
    id,
    [receipt, ...loadReceipts(id).filter((r) => r.id !== receipt.id)].slice(0, MAX_RECEIPTS),
  );

export const dropReceipt = (id: string, receiptId: string): void =>
  save(
    id,
    loadReceipts(id).filter((r) => r.id !== receiptId),
  );

/** The API no longer knows it: an unknown id, a wrong secret, or withdrawn. */
const isGone = (error: unknown) => (error as HttpError).status === 404;

/** A receipt as the reader sees it. */
export interface ReceiptEntry extends Receipt {
  /** What the API said; undefined when it could not be asked just now. */
  status?: ReceiptState;
  /** The reader pressed Withdraw and is asked to confirm. */
  asking?: boolean;
  /** Withdrawing is under way. */
  busy?: boolean;
  /** Why the last withdrawal failed. */
  error?: CampaignApiError;
  /** Withdrawn now, or found already gone (`404`): nothing of it is kept. */
  gone?: 'withdrawn' | 'gone';
}

type Host = ReactiveControllerHost & {
  readonly client?: CampaignApiClient;
  readonly locale: Locale;
};

/**
 * The receipts of one form: asks the API about each kept receipt once per API and
 * campaign (dropping those it no longer knows), adds a new one after each accepted
 * submission, and withdraws one when the reader confirms.
 */
export class ReceiptsController implements ReactiveController {
  /** Newest first. */
  entries: ReceiptEntry[] = [];
  readonly #host: Host;
  #checked = '';
  #abort?: AbortController;

  constructor(host: Host) {
    (this.#host = host).addController(this);
  }

  /** Where the receipts are kept: per API and campaign. */
  get #id(): string {
    const client = this.#host.client;
    return client ? `${client.base}|${client.campaign}` : '';
  }

  hostConnected(): void {
    this.#host.requestUpdate();
  }

  hostDisconnected(): void {
    this.#abort?.abort();
    this.#checked = '';
  }

  hostUpdate(): void {
    const id = this.#id;
    if (id !== this.#checked) void this.#check((this.#checked = id));
  }

  async #check(id: string): Promise<void> {
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    const client = this.#host.client;
    this.entries = [];
    const checked = await Promise.all(
      (client ? loadReceipts(id) : []).map(async (r): Promise<ReceiptEntry | undefined> => {
        try {
          const answer = await client!.getReceipt(r.id, r.secret, {
            signal: abort.signal,
            locale: this.#host.locale,
          });
          return { ...r, status: answer.status };
        } catch (error) {
          // Unknown, or withdrawn elsewhere: nothing left to show.
          if (!isGone(error)) return r;
          dropReceipt(id, r.id);
          return undefined;
        }
      }),
    );
    if (abort.signal.aborted) return;
    // A receipt added while asking (a send that just went through) stays first.
    this.entries = [...this.entries, ...(checked.filter(Boolean) as ReceiptEntry[])];
    this.#host.requestUpdate();
  }

  /** Keeps the receipt of a submission the API has just accepted. */
  add(receipt: Receipt): void {
    addReceipt(this.#id, receipt);
    this.entries = [{ ...receipt, status: 'pending' }, ...this.entries];
    this.#host.requestUpdate();
  }

  /** Changes what the reader sees of one receipt. */
  set(id: string, patch: Partial<ReceiptEntry>): ReceiptEntry | undefined {
    let changed: ReceiptEntry | undefined;
    this.entries = this.entries.map((e) => (e.id === id ? (changed = { ...e, ...patch }) : e));
    this.#host.requestUpdate();
    return changed;
  }

  /** Withdraws one for good; resolves with the entry as it now stands. */
  async withdraw(id: string): Promise<ReceiptEntry | undefined> {
    const entry = this.entries.find((e) => e.id === id);
    const client = this.#host.client;
    if (!entry || !client || entry.busy) return entry;
    const key = this.#id;
    this.set(id, { busy: true, error: undefined });
    let gone: ReceiptEntry['gone'] = 'withdrawn';
    try {
      await client.withdraw(id, entry.secret, { locale: this.#host.locale });
    } catch (caught) {
      if (!isGone(caught)) {
        return this.set(id, { busy: false, asking: false, error: caught as CampaignApiError });
      }
      gone = 'gone';
    }
    dropReceipt(key, id);
    return this.set(id, { busy: false, asking: false, gone });
  }
}
