import { css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import type { StaffMember } from '../../../src/api/newsroom.js';
import { ConsoleElement } from '../base.js';
import { isFailure, type ConsoleApi } from '../api/client.js';
import { announce } from '../events.js';
import { errorText } from '../i18n/messages.js';
import { shared } from '../styles/shared.js';
import { MIN_PASSWORD_LENGTH } from './link-setup.js';

/**
 * The signed-in person's own account: the name colleagues see, and a new password
 * (with the current one). A modal `<dialog>`; the language is the header's switch.
 *
 * @summary Name and password of the signed-in person.
 * @fires newsroom-account - The account changed; `detail` is the person as now saved.
 * @fires newsroom-announce - What was saved.
 */
export class NewsroomAccountDialog extends ConsoleElement {
  static override styles = [
    shared,
    css`
      dialog {
        width: min(28rem, calc(100vw - 1rem));
        border: 1px solid var(--_line);
        border-radius: var(--_radius);
        padding: 1rem;
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.4);
      }
      form {
        display: flex;
        flex-direction: column;
        gap: 0.75rem;
        margin-top: 0.75rem;
      }
      h2 {
        font-size: 1.25rem;
      }
      h3 {
        font-size: 1rem;
      }
      input {
        width: 100%;
      }
      .row {
        display: flex;
        gap: 0.5rem;
        justify-content: flex-end;
      }
    `,
  ];

  @property({ attribute: false }) api!: ConsoleApi;
  @property({ attribute: false }) me: StaffMember | null = null;

  @state() private _error = '';
  @state() private _done = '';
  @state() private _busy = false;

  private get _dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector<HTMLDialogElement>('dialog');
  }

  get open(): boolean {
    return this._dialog?.open ?? false;
  }

  async show() {
    this._error = '';
    this._done = '';
    await this.updateComplete;
    if (this._dialog && !this._dialog.open) this._dialog.showModal();
  }

  close() {
    this._dialog?.close();
  }

  async #save(event: SubmitEvent, kind: 'name' | 'password') {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    let patch: { name?: string; password?: string; currentPassword?: string };
    if (kind === 'name') {
      const name = value('name').trim();
      if (!name) return this.#fail(msg('Enter the name colleagues see.'));
      patch = { name };
    } else {
      const password = value('new-password');
      if (password.length < MIN_PASSWORD_LENGTH) {
        return this.#fail(msg(str`The password needs at least ${MIN_PASSWORD_LENGTH} characters.`));
      }
      if (password !== value('confirm-password')) {
        return this.#fail(msg('The two passwords are not the same.'));
      }
      patch = { password, currentPassword: value('current-password') };
    }
    this._busy = true;
    try {
      const me = await this.api.updateMe(patch, kind === 'password');
      this.dispatchEvent(
        new CustomEvent('newsroom-account', { detail: me, bubbles: true, composed: true }),
      );
      this._error = '';
      this._done = kind === 'name' ? msg('Name saved.') : msg('Password changed.');
      announce(this, this._done);
      if (kind === 'password') form.reset();
    } catch (error) {
      this.#fail(
        kind === 'password' && (isFailure(error, 'unauthorized') || isFailure(error, 'forbidden'))
          ? msg('The current password is not right.')
          : errorText(error),
      );
    } finally {
      this._busy = false;
    }
  }

  #fail(message: string) {
    this._done = '';
    this._error = message;
  }

  override render() {
    return html`<dialog aria-labelledby="account-heading">
      <h2 id="account-heading">${msg('Your account')}</h2>
      <p class="hint">${this.me?.email ?? ''}</p>
      ${this._error ? html`<p class="notice bad" role="alert">${this._error}</p>` : nothing}
      ${this._done ? html`<p class="notice ok" role="status">${this._done}</p>` : nothing}
      <form @submit=${(e: SubmitEvent) => void this.#save(e, 'name')}>
        <div class="field">
          <label for="name">${msg('Your name, as colleagues see it')}</label>
          <input id="name" name="name" autocomplete="name" .value=${this.me?.name ?? ''} />
        </div>
        <div class="row">
          <button type="submit" ?disabled=${this._busy}>${msg('Save name')}</button>
        </div>
      </form>
      <form @submit=${(e: SubmitEvent) => void this.#save(e, 'password')}>
        <h3>${msg('Change password')}</h3>
        <div class="field">
          <label for="current-password">${msg('Current password')}</label>
          <input
            id="current-password"
            name="current-password"
            type="password"
            autocomplete="current-password"
          />
        </div>
        <div class="field">
          <label for="new-password">${msg('New password')}</label>
          <input
            id="new-password"
            name="new-password"
            type="password"
            autocomplete="new-password"
            aria-describedby="new-password-hint"
          />
          <span id="new-password-hint" class="hint"
            >${msg(str`At least ${MIN_PASSWORD_LENGTH} characters.`)}</span
          >
        </div>
        <div class="field">
          <label for="confirm-password">${msg('The same password again')}</label>
          <input
            id="confirm-password"
            name="confirm-password"
            type="password"
            autocomplete="new-password"
          />
        </div>
        <div class="row">
          <button type="submit" class="primary" ?disabled=${this._busy}>
            ${msg('Change password')}
          </button>
        </div>
      </form>
      <div class="row">
        <button type="button" @click=${() => this.close()}>${msg('Close')}</button>
      </div>
    </dialog>`;
  }
}
