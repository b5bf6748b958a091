import { css, html, nothing } from 'lit';
import { ConsoleElement } from '../base.js';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import {
  AUDIT_ACTIONS,
  type Actor,
  type AuditEntry,
  type StaffMember,
} from '../../../src/api/newsroom.js';
import type { ConsoleApi } from '../api/client.js';
import { announce } from '../events.js';
import { formatFull, formatWhen } from '../i18n/format.js';
import { consoleLocale } from '../i18n/locale.js';
import { actionLabel, actorName, errorText, reasonLabel, statusLabel } from '../i18n/messages.js';
import { shared } from '../styles/shared.js';

interface AuditFilters {
  actor: string;
  action: string;
  submission: string;
  from: string;
  to: string;
}

const EMPTY: AuditFilters = { actor: '', action: '', submission: '', from: '', to: '' };
/** The `actor` filter: a staff member's id, or `service`, `reader`, `rule` for the others. */
const actorKey = (actor: Actor) => (actor.kind === 'staff' ? (actor.id ?? '') : actor.kind);

/**
 * The audit trail: who did what and when, filtered by person, action and dates, with
 * an undo button where the API allows one and the same view as a CSV download.
 *
 * @summary The audit trail.
 * @fires newsroom-announce - What an undo did.
 */
export class NewsroomAudit extends ConsoleElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        padding: 0.75rem 1rem 2rem;
      }
      h2 {
        font-size: 1.25rem;
        margin-bottom: 0.5rem;
      }
      form {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(10.5rem, 1fr));
        gap: 0.5rem 0.75rem;
        align-items: end;
        margin-bottom: 0.75rem;
      }
      form select,
      form input {
        width: 100%;
      }
      .scroll {
        overflow-x: auto;
      }
      td.what {
        min-width: 9rem;
      }
      .more {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
        margin-top: 0.75rem;
      }
      code {
        font-size: 0.8125rem;
        overflow-wrap: anywhere;
      }
      @media (max-width: 40rem) {
        table,
        tbody,
        tr,
        td {
          display: block;
        }
        thead {
          display: none;
        }
        tr {
          display: flex;
          flex-wrap: wrap;
          align-items: baseline;
          column-gap: 0.75rem;
          border-bottom: 1px solid var(--_line);
          padding: 0.375rem 0;
        }
        td {
          border: none;
          padding: 0.125rem 0;
        }
        td:empty {
          display: none;
        }
      }
    `,
  ];

  @property({ attribute: false }) api!: ConsoleApi;
  @property({ attribute: false }) me: StaffMember | null = null;

  @state() private _filters: AuditFilters = { ...EMPTY };
  @state() private _entries: AuditEntry[] = [];
  @state() private _next: string | null = null;
  @state() private _loading = true;
  @state() private _error = '';
  @state() private _accounts: StaffMember[] = [];
  @state() private _busy = new Set<string>();

  #pages: (string | null)[] = [null];
  #abort: AbortController | null = null;

  override connectedCallback() {
    super.connectedCallback();
    void this.#load();
    if (this.me?.role === 'admin') {
      this.api
        .listAccounts()
        .then((answer) => (this._accounts = answer.items))
        .catch(() => undefined);
    }
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#abort?.abort();
  }

  get entries(): readonly AuditEntry[] {
    return this._entries;
  }

  #query(before: string | null) {
    return { ...this._filters, before, limit: 50 };
  }

  async #load() {
    this.#abort?.abort();
    const controller = new AbortController();
    this.#abort = controller;
    this._loading = true;
    try {
      const page = await this.api.audit(
        this.#query(this.#pages[this.#pages.length - 1] ?? null),
        controller.signal,
      );
      if (controller.signal.aborted) return;
      this._entries = page.items;
      this._next = page.next;
      this._error = '';
    } catch (error) {
      if (controller.signal.aborted) return;
      this._error = errorText(error);
    } finally {
      if (this.#abort === controller) this._loading = false;
    }
  }

  #set(patch: Partial<AuditFilters>) {
    this._filters = { ...this._filters, ...patch };
    this.#pages = [null];
    void this.#load();
  }

  async #undo(entry: AuditEntry) {
    this._busy = new Set(this._busy).add(entry.id);
    try {
      const item = await this.api.undo(entry.id);
      announce(this, msg(str`Undone: the item is ${statusLabel(item.status)} again.`));
      await this.#load();
    } catch (error) {
      announce(this, errorText(error));
      this._error = errorText(error);
    } finally {
      const busy = new Set(this._busy);
      busy.delete(entry.id);
      this._busy = busy;
    }
  }

  #actors(): [string, string][] {
    const seen = new Map<string, string>();
    if (this.me) seen.set(this.me.id, `${this.me.name} (${msg('you')})`);
    for (const account of this._accounts)
      if (!seen.has(account.id)) seen.set(account.id, account.name);
    for (const entry of this._entries) {
      const key = actorKey(entry.actor);
      if (key && !seen.has(key)) seen.set(key, actorName(entry.actor));
    }
    for (const kind of ['service', 'reader', 'rule'] as const) {
      if (!seen.has(kind)) seen.set(kind, actorName({ kind, id: null, name: '' }));
    }
    return [...seen];
  }

  override render() {
    const f = this._filters;
    const locale = consoleLocale();
    const canUndo = this.me?.role === 'admin' || this.me?.role === 'moderator';
    return html`
      <h2 id="audit-heading">${msg('Audit trail')}</h2>
      <form @submit=${(e: Event) => e.preventDefault()} aria-label=${msg('Audit filters')}>
        <div class="field">
          <label for="a-actor">${msg('Who')}</label>
          <select
            id="a-actor"
            @change=${(e: Event) => this.#set({ actor: (e.target as HTMLSelectElement).value })}
          >
            <option value="" ?selected=${f.actor === ''}>${msg('Anyone')}</option>
            ${this.#actors().map(
              ([id, name]) =>
                html`<option value=${id} ?selected=${f.actor === id}>${name}</option>`,
            )}
          </select>
        </div>
        <div class="field">
          <label for="a-action">${msg('What')}</label>
          <select
            id="a-action"
            @change=${(e: Event) => this.#set({ action: (e.target as HTMLSelectElement).value })}
          >
            <option value="" ?selected=${f.action === ''}>${msg('Any action')}</option>
            ${AUDIT_ACTIONS.map(
              (action) =>
                html`<option value=${action} ?selected=${f.action === action}>
                  ${actionLabel(action)}
                </option>`,
            )}
          </select>
        </div>
        <div class="field">
          <label for="a-from">${msg('From')}</label>
          <input
            id="a-from"
            type="date"
            .value=${f.from}
            @change=${(e: Event) => this.#set({ from: (e.target as HTMLInputElement).value })}
          />
        </div>
        <div class="field">
          <label for="a-to">${msg('Until')}</label>
          <input
            id="a-to"
            type="date"
            .value=${f.to}
            @change=${(e: Event) => this.#set({ to: (e.target as HTMLInputElement).value })}
          />
        </div>
        <div class="field">
          <label for="a-submission">${msg('Submission id')}</label>
          <input
            id="a-submission"
            .value=${f.submission}
            @change=${(e: Event) =>
              this.#set({ submission: (e.target as HTMLInputElement).value.trim() })}
          />
        </div>
        <div>
          <a class="button" href=${this.api.auditCsvUrl(this.#query(null))} download
            >${msg('Download as CSV')}</a
          >
        </div>
      </form>
      ${this._error ? html`<p class="notice bad" role="alert">${this._error}</p>` : nothing}
      ${
        this._loading && !this._entries.length
          ? html`<p role="status">${msg('Loading…')}</p>`
          : !this._entries.length
            ? html`<p class="muted" role="status">${msg('No entries match.')}</p>`
            : html`<div class="scroll">
                <table
                  aria-labelledby="audit-heading"
                  aria-busy=${this._loading ? 'true' : 'false'}
                >
                  <thead>
                    <tr>
                      <th scope="col">${msg('When')}</th>
                      <th scope="col">${msg('Who')}</th>
                      <th scope="col">${msg('What')}</th>
                      <th scope="col">${msg('Item')}</th>
                      <th scope="col">${msg('Reason and note')}</th>
                      <th scope="col"><span class="visually-hidden">${msg('Undo')}</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    ${this._entries.map(
                      (entry) =>
                        html`<tr>
                          <td>
                            <time datetime=${entry.at} title=${formatFull(entry.at, locale)}
                              >${formatWhen(entry.at, locale)}</time
                            >
                          </td>
                          <td>${actorName(entry.actor)}</td>
                          <td class="what">${actionLabel(entry.action)}</td>
                          <td>
                            ${entry.submissionId ? html`<code>${entry.submissionId}</code>` : '—'}
                          </td>
                          <td>
                            ${reasonLabel(entry.reason)}${
                              entry.note
                                ? html`${entry.reason ? ' · ' : ''}<span class="muted"
                                      >“${entry.note}”</span
                                    >`
                                : nothing
                            }
                          </td>
                          <td>
                            ${
                              entry.undoable && canUndo
                                ? html`<button
                                    type="button"
                                    ?disabled=${this._busy.has(entry.id)}
                                    aria-label=${msg(
                                      str`Undo: ${actionLabel(entry.action)}, ${formatWhen(entry.at, locale)}`,
                                    )}
                                    @click=${() => void this.#undo(entry)}
                                  >
                                    ${msg('Undo')}
                                  </button>`
                                : nothing
                            }
                          </td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
      }
      <div class="more">
        ${
          this.#pages.length > 1
            ? html`<button
                type="button"
                @click=${() => {
                  this.#pages = [null];
                  void this.#load();
                }}
              >
                ${msg('Newest entries')}
              </button>`
            : nothing
        }
        <button
          type="button"
          ?disabled=${!this._next}
          @click=${() => {
            this.#pages = [...this.#pages, this._next];
            void this.#load();
          }}
        >
          ${msg('Older entries')}
        </button>
      </div>
    `;
  }
}
