import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CampaignApiClient } from '../api/client.js';
import { clearDraft, loadDraft, saveDraft, type Draft } from './draft-store.js';
import { newSecret } from './receipts.js';

const newKey = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

/** An empty draft with its own Idempotency-Key and receipt secret. */
export const blankDraft = (): Draft => ({
  message: '',
  displayName: '',
  anonymous: false,
  district: '',
  email: '',
  consentGiven: false,
  publishPermission: false,
  photoPermission: false,
  website: '',
  photo: null,
  key: newKey(),
  secret: newSecret(),
});

export interface DraftHost extends ReactiveControllerHost {
  readonly client?: CampaignApiClient;
}

/**
 * What the reader has entered, kept on the device (draft-store.ts, per API and campaign):
 * saved 300 ms after each edit and at once before a send, restored when the form meets
 * its API and campaign (unless the reader has started typing), cleared once accepted.
 */
export class DraftController implements ReactiveController {
  #host: DraftHost;
  #onRestore: (restored: boolean) => void;
  #value = blankDraft();
  /** The draft id restored last (`''`: none yet). */
  #restored = '';
  #edited = false;
  #saveTimer?: ReturnType<typeof setTimeout>;

  /**
   * `onRestore` runs once the saved draft of the current id was looked for: `true` when
   * it replaced the blank one.
   */
  constructor(host: DraftHost, onRestore: (restored: boolean) => void) {
    (this.#host = host).addController(this);
    this.#onRestore = onRestore;
  }

  /** Where the draft is kept: per API and campaign. */
  get id(): string {
    const client = this.#host.client;
    return client ? `${client.base}|${client.campaign}` : '';
  }

  get value(): Draft {
    return this.#value;
  }

  /** Changes the draft without counting it as the reader's edit, and without saving. */
  set(patch: Partial<Draft>): void {
    this.#value = { ...this.#value, ...patch };
    this.#host.requestUpdate();
  }

  /** The reader's edit: kept, and saved shortly. */
  edit(patch: Partial<Draft>): void {
    this.set(patch);
    this.#edited = true;
    clearTimeout(this.#saveTimer);
    this.#saveTimer = setTimeout(() => this.save(), 300);
  }

  /** Saves now (failures ignored: the form simply goes without drafts). */
  save(): void {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    const id = this.id;
    if (id) saveDraft(id, this.#value).catch(() => undefined);
  }

  /** The server has it: removed from the device, and a new blank draft begins. */
  async clear(): Promise<void> {
    await clearDraft(this.id).catch(() => undefined);
    this.#edited = false;
    this.#value = blankDraft();
    this.#host.requestUpdate();
  }

  hostUpdate(): void {
    const id = this.id;
    if (id === this.#restored) return;
    this.#restored = id;
    if (id) void this.#restore(id);
  }

  hostDisconnected(): void {
    if (this.#saveTimer) this.save();
    this.#restored = '';
  }

  async #restore(id: string): Promise<void> {
    const saved = await loadDraft(id).catch(() => undefined);
    if (id !== this.#restored) return;
    const restored = !!saved && !this.#edited;
    if (restored) {
      this.#value = { ...blankDraft(), ...saved };
      this.#host.requestUpdate();
    }
    this.#onRestore(restored);
  }
}
