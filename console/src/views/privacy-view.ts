import { css, html, nothing } from 'lit';
import { ConsoleElement } from '../base.js';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import type { PrivacyMatches } from '../../../src/api/newsroom.js';
import type { ConsoleApi } from '../api/client.js';
import { announce } from '../events.js';
import { formatNumber, formatWhen } from '../i18n/format.js';
import { consoleLocale } from '../i18n/locale.js';
import { errorText, statusLabel } from '../i18n/messages.js';
import { shared } from '../styles/shared.js';

/**
 * A reader's privacy request (admins): find everything sent with an email address,
 * export it as JSON, or delete all of it for good after a confirmation that says how
 * many submissions go.
 *
 * @summary Privacy requests: find, export, delete.
 * @fires newsroom-announce - How many were deleted.
 */
export class NewsroomPrivacy extends ConsoleElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        padding: 0.75rem 1rem 2rem;
        max-width: 48rem;
      }
      h2 {
        font-size: 1.25rem;
        margin-bottom: 0.5rem;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
        margin: 0.5rem 0 1rem;
      }
      form .field {
        flex: 1 1 16rem;
      }
      form input {
        width: 100%;
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0.5rem 0;
      }
      li {
        padding: 0.375rem 0;
        border-bottom: 1px solid var(--_line);
        overflow-wrap: anywhere;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin-top: 0.75rem;
      }
      dialog {
        max-width: min(30rem, calc(100vw - 2rem));
        border: 1px solid var(--_line);
        border-radius: var(--_radius);
        padding: 1rem;
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.4);
      }
      dialog .actions {
        justify-content: flex-end;
      }
    `,
  ];

  @property({ attribute: false }) api!: ConsoleApi;

  @state() private _email = '';
  @state() private _matches: PrivacyMatches | null = null;
  @state() private _error = '';
  @state() private _done = '';
  @state() private _busy = false;

  private get _dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector<HTMLDialogElement>('dialog');
  }

  async #find(event: SubmitEvent) {
    event.preventDefault();
    const email = this._email.trim();
    if (!email) return;
    this._busy = true;
    this._done = '';
    try {
      this._matches = await this.api.privacy(email);
      this._error = '';
    } catch (error) {
      this._error = errorText(error);
    } finally {
      this._busy = false;
    }
  }

  async #delete() {
    const email = this._matches?.email;
    if (!email) return;
    this._dialog?.close();
    this._busy = true;
    try {
      const { deleted } = await this.api.privacyDelete(email);
      this._done = msg(
        str`Deleted ${formatNumber(deleted, consoleLocale())} submissions sent with ${email}, photos included.`,
      );
      this._matches = { email, items: [] };
      this._error = '';
      announce(this, this._done);
    } catch (error) {
      this._error = errorText(error);
    } finally {
      this._busy = false;
    }
  }

  override render() {
    const matches = this._matches;
    const locale = consoleLocale();
    const count = matches ? formatNumber(matches.items.length, locale) : '';
    return html`
      <h2>${msg('Privacy requests')}</h2>
      <p class="hint">
        ${msg(
          'When a reader asks what the newsroom holds about them, or asks for it to be deleted: find their submissions by the email address they gave.',
        )}
      </p>
      <form role="search" @submit=${this.#find}>
        <div class="field">
          <label for="p-email">${msg('Reader’s email address')}</label>
          <input
            id="p-email"
            type="email"
            autocomplete="off"
            .value=${this._email}
            @input=${(e: Event) => (this._email = (e.target as HTMLInputElement).value)}
          />
        </div>
        <button class="primary" type="submit" ?disabled=${this._busy}>${msg('Find')}</button>
      </form>
      ${this._error ? html`<p class="notice bad" role="alert">${this._error}</p>` : nothing}
      ${this._done ? html`<p class="notice ok" role="status">${this._done}</p>` : nothing}
      ${
        matches && !this._done
          ? html`<p role="status">${msg(str`${count} submissions sent with ${matches.email}.`)}</p>
              <ul>
                ${matches.items.map(
                  (item) =>
                    html`<li>
                      <span class="badge ${item.status}">${statusLabel(item.status)}</span>
                      <span lang=${item.locale}>${item.message.slice(0, 140)}</span>
                      <span class="muted">· ${formatWhen(item.receivedAt, locale)}</span>
                    </li>`,
                )}
              </ul>
              ${
                matches.items.length
                  ? html`<div class="actions">
                      <a class="button" href=${this.api.privacyExportUrl(matches.email)} download
                        >${msg('Export as JSON')}</a
                      >
                      <button
                        type="button"
                        class="danger"
                        ?disabled=${this._busy}
                        @click=${() => this._dialog?.showModal()}
                      >
                        ${msg(str`Delete all ${count}…`)}
                      </button>
                    </div>`
                  : nothing
              }`
          : nothing
      }
      <dialog aria-labelledby="confirm-heading">
        <h3 id="confirm-heading">${msg('Delete for good?')}</h3>
        <p>
          ${
            matches
              ? msg(
                  str`This deletes ${count} submissions sent with ${matches.email}, with their photos. It cannot be undone.`,
                )
              : ''
          }
        </p>
        <div class="actions">
          <button type="button" @click=${() => this._dialog?.close()}>${msg('Cancel')}</button>
          <button type="button" class="danger" @click=${() => void this.#delete()}>
            ${msg(str`Delete ${count} submissions`)}
          </button>
        </div>
      </dialog>
    `;
  }
}
