import { css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import type { StaffMember } from '../../../src/api/newsroom.js';
import {
  WEBHOOK_EVENTS,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEventType,
} from '../../../src/api/webhooks.js';
import { isFailure, type ConsoleApi } from '../api/client.js';
import { ConsoleElement } from '../base.js';
import { announce } from '../events.js';
import { consoleLocale } from '../i18n/locale.js';
import { errorText } from '../i18n/messages.js';
import { shared } from '../styles/shared.js';

export function webhookEventLabel(event: string): string {
  switch (event) {
    case 'submission.received':
      return msg('Submission received');
    case 'submission.approved':
      return msg('Submission approved');
    case 'submission.rejected':
      return msg('Submission rejected');
    case 'submission.reported':
      return msg('Quote reported');
    case 'submission.removed':
      return msg('Quote removed');
    case 'submission.withdrawn':
      return msg('Withdrawn by the reader');
    case 'webhook.test':
      return msg('Test event');
    default:
      return event;
  }
}

function deliveryStatusLabel(status: WebhookDelivery['status']): string {
  switch (status) {
    case 'pending':
      return msg('Waiting to be sent');
    case 'delivered':
      return msg('Delivered');
    case 'failed':
      return msg('Failed: no more attempts');
  }
}

interface Draft {
  url: string;
  description: string;
  events: WebhookEventType[];
  enabled: boolean;
}

const emptyDraft = (): Draft => ({
  url: '',
  description: '',
  events: ['submission.approved'],
  enabled: true,
});

/**
 * The campaign's outbound webhooks, for admins: each endpoint with its events, added,
 * changed, disabled, deleted; its secret shown once (with a copy button) when it is
 * made or rotated; each endpoint's recent deliveries with their attempts and last
 * error, and a button that sends one again. Results are announced in the console's
 * live region; a refused field says why beside it.
 *
 * @summary Outbound webhooks.
 * @fires newsroom-announce - An endpoint was saved, deleted or tested, or a delivery resent.
 */
export class NewsroomWebhooks extends ConsoleElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        padding: 0.75rem 1rem 2rem;
        max-width: 64rem;
      }
      h2 {
        font-size: 1.25rem;
      }
      h3 {
        font-size: 1.0625rem;
        margin: 0;
        overflow-wrap: anywhere;
      }
      ul.endpoints {
        list-style: none;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 0.75rem;
      }
      ul.endpoints > li,
      form,
      .secret {
        border: 1px solid var(--_line);
        border-radius: var(--_radius);
        padding: 0.75rem;
      }
      form,
      fieldset {
        display: flex;
        flex-direction: column;
        gap: 0.75rem;
        min-width: 0;
      }
      fieldset {
        border: 1px solid var(--_line);
        border-radius: var(--_radius);
      }
      legend {
        font-weight: 600;
      }
      .choice {
        font-weight: normal;
        display: flex;
        gap: 0.5rem;
        align-items: center;
        min-height: var(--_target);
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      .secret {
        border: 2px solid var(--_warn);
      }
      .secret code {
        overflow-wrap: anywhere;
        font-size: 1rem;
      }
      [aria-invalid='true'] {
        border: 2px solid var(--_bad) !important;
      }
      .table-wrap {
        overflow-x: auto;
      }
    `,
  ];

  @property({ attribute: false }) api!: ConsoleApi;
  @property({ attribute: false }) me: StaffMember | null = null;
  @state() private _endpoints: WebhookEndpoint[] | null = null;
  @state() private _max = 20;
  @state() private _problem = '';
  /** The endpoint being edited (`new` for a new one), else null. */
  @state() private _editing: string | null = null;
  @state() private _draft: Draft = emptyDraft();
  @state() private _fieldErrors: { url?: string; events?: string; description?: string } = {};
  @state() private _busy = false;
  @state() private _secret: { endpoint: WebhookEndpoint; secret: string } | null = null;
  @state() private _copied = false;
  /** The endpoint whose deliveries are shown. */
  @state() private _open: string | null = null;
  @state() private _deliveries: WebhookDelivery[] = [];
  @state() private _next: string | null = null;
  @state() private _deliveriesProblem = '';
  #controller: AbortController | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.me?.role === 'admin') void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#controller?.abort();
  }

  async load(): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    try {
      const list = await this.api.webhooks(controller.signal);
      this._endpoints = list.items;
      this._max = list.max;
      this._problem = '';
    } catch (error) {
      if (!controller.signal.aborted) this._problem = errorText(error);
    }
  }

  #time(iso: string | null): string {
    if (!iso) return '';
    return new Intl.DateTimeFormat(consoleLocale(), {
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(new Date(iso));
  }

  #edit(endpoint: WebhookEndpoint | null) {
    this._editing = endpoint ? endpoint.id : 'new';
    this._draft = endpoint
      ? {
          url: endpoint.url,
          description: endpoint.description,
          events: [...endpoint.events],
          enabled: endpoint.enabled,
        }
      : emptyDraft();
    this._fieldErrors = {};
    this._problem = '';
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLInputElement>('#wh-url')?.focus(),
    );
  }

  async #save(event: Event) {
    event.preventDefault();
    const draft = this._draft;
    const errors: typeof this._fieldErrors = {};
    if (!draft.url.trim()) errors.url = msg('Enter the address that receives the events.');
    if (draft.events.length === 0) errors.events = msg('Choose at least one event.');
    this._fieldErrors = errors;
    if (Object.keys(errors).length > 0) {
      await this.updateComplete;
      this.renderRoot
        .querySelector<HTMLElement>(errors.url ? '#wh-url' : 'input[name="events"]')
        ?.focus();
      return;
    }
    this._busy = true;
    this._problem = '';
    const body = {
      url: draft.url.trim(),
      events: draft.events,
      description: draft.description.trim(),
      enabled: draft.enabled,
    };
    try {
      if (this._editing === 'new') {
        const created = await this.api.addWebhook(body);
        this.#showSecret(created);
        announce(this, msg('Webhook added. Copy its secret now: it is shown only once.'));
      } else if (this._editing) {
        await this.api.updateWebhook(this._editing, body);
        announce(this, msg('Webhook saved.'));
      }
      this._editing = null;
      await this.load();
    } catch (error) {
      if (isFailure(error, 'validation')) {
        const fields = error.body?.fields ?? [];
        const url = fields.find((f) => f.field === 'url');
        if (url) {
          this._fieldErrors = { url: msg('This address cannot receive webhooks.') };
          this._problem = url.message ?? '';
          await this.updateComplete;
          this.renderRoot.querySelector<HTMLInputElement>('#wh-url')?.focus();
        } else {
          this._problem = error.message;
        }
      } else {
        this._problem = errorText(error);
      }
    } finally {
      this._busy = false;
    }
  }

  #showSecret(answer: { endpoint: WebhookEndpoint; secret: string }) {
    this._secret = answer;
    this._copied = false;
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>('.secret h3')?.focus(),
    );
  }

  async #copy() {
    if (!this._secret) return;
    try {
      await navigator.clipboard.writeText(this._secret.secret);
      this._copied = true;
      announce(this, msg('Secret copied.'));
    } catch {
      // The secret is selectable on screen: copying by hand still works.
      announce(this, msg('Could not copy. Select the secret and copy it by hand.'));
    }
  }

  async #act(label: string, work: () => Promise<unknown>) {
    this._busy = true;
    this._problem = '';
    try {
      await work();
      announce(this, label);
      await this.load();
      if (this._open) await this.#loadDeliveries(this._open);
    } catch (error) {
      this._problem = errorText(error);
      announce(this, this._problem);
    } finally {
      this._busy = false;
    }
  }

  async #loadDeliveries(id: string, more = false) {
    this._open = id;
    this._deliveriesProblem = '';
    try {
      const page = await this.api.webhookDeliveries(id, more ? { before: this._next } : {});
      this._deliveries = more ? [...this._deliveries, ...page.items] : page.items;
      this._next = page.next;
    } catch (error) {
      this._deliveriesProblem = errorText(error);
    }
  }

  override render() {
    if (this.me?.role !== 'admin') {
      return html`<h2>${msg('Webhooks')}</h2>
        <p>${msg('Only admins can see and change webhooks: they hold secrets.')}</p>`;
    }
    const endpoints = this._endpoints;
    return html`<h2 tabindex="-1">${msg('Webhooks')}</h2>
      <p class="hint">
        ${msg(
          'Webhooks send what happens to submissions to the newsroom’s other systems, signed with a secret, and retry for about a day until they are accepted.',
        )}
      </p>
      ${
        this._problem && this._editing === null
          ? html`<p class="notice" role="alert">${this._problem}</p>`
          : nothing
      }
      ${this._secret ? this.#renderSecret() : nothing}
      ${
        endpoints === null
          ? html`<p aria-busy="true">${msg('Loading…')}</p>`
          : html`${
                endpoints.length === 0 && this._editing === null
                  ? html`<p>${msg('No webhooks yet.')}</p>`
                  : nothing
              }
              <ul class="endpoints">
                ${endpoints.map((endpoint) => this.#renderEndpoint(endpoint))}
              </ul>
              ${
                this._editing === 'new'
                  ? this.#renderForm()
                  : html`<button
                      type="button"
                      class="primary"
                      ?disabled=${this._busy || endpoints.length >= this._max}
                      @click=${() => this.#edit(null)}
                    >
                      ${msg('Add a webhook')}
                    </button>`
              }
              ${
                endpoints.length >= this._max
                  ? html`<p class="hint">
                      ${msg(str`A campaign can have at most ${this._max} webhooks.`)}
                    </p>`
                  : nothing
              }`
      }`;
  }

  #renderSecret() {
    const { endpoint, secret } = this._secret!;
    return html`<section class="secret" aria-labelledby="wh-secret-title">
      <h3 id="wh-secret-title" tabindex="-1">${msg('Copy the secret now')}</h3>
      <p>
        ${msg(
          str`This is the secret of ${endpoint.url}. It is shown only this once; the receiver needs it to check each signature.`,
        )}
      </p>
      <p><code id="wh-secret">${secret}</code></p>
      <div class="row">
        <button type="button" class="primary" @click=${() => void this.#copy()}>
          ${this._copied ? msg('Copied') : msg('Copy the secret')}
        </button>
        <button
          type="button"
          @click=${() => {
            this._secret = null;
          }}
        >
          ${msg('I have kept it')}
        </button>
      </div>
    </section>`;
  }

  #renderEndpoint(endpoint: WebhookEndpoint) {
    if (this._editing === endpoint.id) return html`<li>${this.#renderForm()}</li>`;
    const open = this._open === endpoint.id;
    const title = endpoint.description || endpoint.url;
    return html`<li>
      <h3>${title}</h3>
      ${endpoint.description ? html`<p class="muted">${endpoint.url}</p>` : nothing}
      <p>
        <span class="badge ${endpoint.enabled ? 'approved' : 'removed'}"
          >${endpoint.enabled ? msg('Enabled') : msg('Disabled')}</span
        >
        ${msg(str`Secret ending in ${endpoint.secretHint}`)} ·
        ${msg(str`${endpoint.pending} waiting`)} ·
        <span class=${endpoint.failed > 0 ? 'error' : ''}
          >${msg(str`${endpoint.failed} failed`)}</span
        >
      </p>
      <p>${msg('Events:')} ${endpoint.events.map(webhookEventLabel).join(', ')}</p>
      <div class="row">
        <button type="button" ?disabled=${this._busy} @click=${() => this.#edit(endpoint)}>
          ${msg('Edit')}
        </button>
        <button
          type="button"
          ?disabled=${this._busy}
          @click=${() =>
            void this.#act(
              endpoint.enabled ? msg('Webhook disabled.') : msg('Webhook enabled.'),
              () => this.api.updateWebhook(endpoint.id, { enabled: !endpoint.enabled }),
            )}
        >
          ${endpoint.enabled ? msg('Disable') : msg('Enable')}
        </button>
        <button
          type="button"
          ?disabled=${this._busy}
          @click=${() =>
            void this.#act(msg('Test event sent.'), () => this.api.sendWebhookTest(endpoint.id))}
        >
          ${msg('Send a test event')}
        </button>
        <button
          type="button"
          ?disabled=${this._busy}
          @click=${() => {
            if (!confirm(msg('Rotate the secret? The old one stops working at once.'))) return;
            void this.#act(msg('New secret made. Copy it now.'), async () =>
              this.#showSecret(await this.api.rotateWebhookSecret(endpoint.id)),
            );
          }}
        >
          ${msg('Rotate secret')}
        </button>
        <button
          type="button"
          aria-expanded=${open ? 'true' : 'false'}
          aria-controls="wh-deliveries-${endpoint.id}"
          @click=${() => {
            if (open) this._open = null;
            else void this.#loadDeliveries(endpoint.id);
          }}
        >
          ${msg('Recent deliveries')}
        </button>
        <button
          type="button"
          class="danger"
          ?disabled=${this._busy}
          @click=${() => {
            if (!confirm(msg(str`Delete the webhook to ${endpoint.url} and its deliveries?`))) {
              return;
            }
            if (this._open === endpoint.id) this._open = null;
            void this.#act(msg('Webhook deleted.'), () => this.api.deleteWebhook(endpoint.id)).then(
              // Its buttons are gone: focus goes to the view's heading, not to the page.
              () => this.renderRoot.querySelector<HTMLElement>('h2')?.focus(),
            );
          }}
        >
          ${msg('Delete')}
        </button>
      </div>
      <div id="wh-deliveries-${endpoint.id}">
        ${open ? this.#renderDeliveries(endpoint) : nothing}
      </div>
    </li>`;
  }

  #renderDeliveries(endpoint: WebhookEndpoint) {
    if (this._deliveriesProblem) {
      return html`<p class="notice" role="alert">${this._deliveriesProblem}</p>`;
    }
    if (this._deliveries.length === 0) return html`<p>${msg('Nothing sent yet.')}</p>`;
    return html`<div class="table-wrap">
        <table>
          <caption class="visually-hidden">
            ${msg(str`Recent deliveries to ${endpoint.url}`)}
          </caption>
          <thead>
            <tr>
              <th scope="col">${msg('Event')}</th>
              <th scope="col">${msg('Status')}</th>
              <th scope="col">${msg('Attempts')}</th>
              <th scope="col">${msg('Last answer')}</th>
              <th scope="col">${msg('Created')}</th>
              <th scope="col"><span class="visually-hidden">${msg('Actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            ${this._deliveries.map(
              (d) =>
                html`<tr>
                  <td>${webhookEventLabel(d.event)}</td>
                  <td>
                    <span
                      class="badge ${
                        d.status === 'delivered'
                          ? 'approved'
                          : d.status === 'failed'
                            ? 'rejected'
                            : 'pending'
                      }"
                      >${deliveryStatusLabel(d.status)}</span
                    >
                    ${
                      d.status === 'pending' && d.nextAttemptAt
                        ? html`<br /><span class="hint"
                              >${msg(str`Next attempt ${this.#time(d.nextAttemptAt)}`)}</span
                            >`
                        : nothing
                    }
                  </td>
                  <td>${d.attempts}</td>
                  <td>
                    ${
                      d.lastError
                        ? html`<span class="error">${d.lastError}</span>`
                        : d.lastStatus !== null
                          ? `HTTP ${d.lastStatus}`
                          : ''
                    }
                  </td>
                  <td>${this.#time(d.createdAt)}</td>
                  <td>
                    <button
                      type="button"
                      ?disabled=${this._busy}
                      @click=${() =>
                        void this.#act(msg('Delivery sent again.'), () =>
                          this.api.resendWebhookDelivery(endpoint.id, d.id),
                        )}
                    >
                      ${msg('Resend')}
                      <span class="visually-hidden"
                        >${webhookEventLabel(d.event)} ${this.#time(d.createdAt)}</span
                      >
                    </button>
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${
        this._next
          ? html`<button type="button" @click=${() => void this.#loadDeliveries(endpoint.id, true)}>
              ${msg('Show older deliveries')}
            </button>`
          : nothing
      }`;
  }

  #renderForm() {
    const d = this._draft;
    const errors = this._fieldErrors;
    const set = (patch: Partial<Draft>) => {
      this._draft = { ...this._draft, ...patch };
    };
    return html`<form novalidate @submit=${(e: Event) => void this.#save(e)}>
      <h3>${this._editing === 'new' ? msg('Add a webhook') : msg('Edit the webhook')}</h3>
      ${this._problem ? html`<p class="notice" role="alert">${this._problem}</p>` : nothing}
      <div class="field">
        <label for="wh-url">${msg('Address (https://)')}</label>
        <input
          id="wh-url"
          type="url"
          inputmode="url"
          autocomplete="off"
          spellcheck="false"
          required
          .value=${d.url}
          aria-invalid=${errors.url ? 'true' : 'false'}
          aria-describedby="wh-url-hint ${errors.url ? 'wh-url-error' : ''}"
          @input=${(e: Event) => set({ url: (e.target as HTMLInputElement).value })}
        />
        <span class="hint" id="wh-url-hint"
          >${msg('A public https address; plain http only to this machine, for testing.')}</span
        >
        ${errors.url ? html`<span class="error" id="wh-url-error">${errors.url}</span>` : nothing}
      </div>
      <div class="field">
        <label for="wh-description">${msg('Description (optional)')}</label>
        <input
          id="wh-description"
          maxlength="200"
          .value=${d.description}
          @input=${(e: Event) => set({ description: (e.target as HTMLInputElement).value })}
        />
      </div>
      <fieldset aria-describedby=${errors.events ? 'wh-events-error' : nothing}>
        <legend>${msg('Events')}</legend>
        ${WEBHOOK_EVENTS.map(
          (event) =>
            html`<label class="choice">
              <input
                type="checkbox"
                name="events"
                .checked=${d.events.includes(event)}
                @change=${(e: Event) => {
                  const on = (e.target as HTMLInputElement).checked;
                  set({
                    events: on
                      ? WEBHOOK_EVENTS.filter((x) => x === event || d.events.includes(x))
                      : d.events.filter((x) => x !== event),
                  });
                }}
              />
              ${webhookEventLabel(event)}
            </label>`,
        )}
        ${
          errors.events
            ? html`<span class="error" id="wh-events-error">${errors.events}</span>`
            : nothing
        }
      </fieldset>
      <label class="choice">
        <input
          type="checkbox"
          .checked=${d.enabled}
          @change=${(e: Event) => set({ enabled: (e.target as HTMLInputElement).checked })}
        />
        ${msg('Enabled')}
      </label>
      <div class="row">
        <button type="submit" class="primary" ?disabled=${this._busy}>${msg('Save')}</button>
        <button
          type="button"
          @click=${() => {
            this._editing = null;
            this._problem = '';
          }}
        >
          ${msg('Cancel')}
        </button>
      </div>
    </form>`;
  }
}
