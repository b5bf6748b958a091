import { css, html, nothing } from 'lit';
import { ConsoleElement } from '../base.js';
import { property, state } from 'lit/decorators.js';
import { msg } from '@lit/localize';
import { isFailure, type ConsoleApi } from '../api/client.js';
import { emit } from '../events.js';
import { errorText } from '../i18n/messages.js';
import { shared } from '../styles/shared.js';

/**
 * Sign-in: email and password. One message for a wrong email or password (the API
 * does not say which); a rate limit says how long to wait.
 *
 * @summary The console's sign-in form.
 * @fires newsroom-signed-in - Signed in; `detail` is the session.
 */
export class NewsroomSignIn extends ConsoleElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        max-width: 24rem;
        margin: 2rem auto;
        padding: 0 1rem;
      }
      form {
        display: flex;
        flex-direction: column;
        gap: 1rem;
      }
      h2 {
        font-size: 1.375rem;
      }
      input {
        width: 100%;
      }
    `,
  ];

  @property({ attribute: false }) api!: ConsoleApi;
  /** Shown when the session ended while working: what was on screen stays. */
  @property({ type: Boolean }) reauth = false;
  @property() email = '';

  @state() private _error = '';
  @state() private _busy = false;

  private get _errorBox(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('#error');
  }
  private get _emailInput(): HTMLInputElement {
    return this.renderRoot.querySelector<HTMLInputElement>('#email')!;
  }

  override render() {
    return html`
      <form @submit=${this.#submit} novalidate aria-describedby=${this.reauth ? 'why' : nothing}>
        <h2>${this.reauth ? msg('Sign in again') : msg('Sign in to the newsroom console')}</h2>
        ${
          this.reauth
            ? html`<p id="why" class="notice">
                ${msg('Your session has ended. Sign in again: what you were doing is kept.')}
              </p>`
            : nothing
        }
        ${
          this._error
            ? html`<p id="error" class="notice bad" role="alert" tabindex="-1">${this._error}</p>`
            : nothing
        }
        <div class="field">
          <label for="email">${msg('Email')}</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="username"
            required
            .value=${this.email}
            @input=${(e: Event) => (this.email = (e.target as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="password">${msg('Password')}</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
          />
        </div>
        <button class="primary" type="submit" ?disabled=${this._busy}>
          ${this._busy ? msg('Signing in…') : msg('Sign in')}
        </button>
        <p class="hint">
          ${msg('New here, or forgot your password? Ask an admin for a one-time sign-in link.')}
        </p>
      </form>
    `;
  }

  override focus() {
    this._emailInput?.focus();
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const email = (form.elements.namedItem('email') as HTMLInputElement).value.trim();
    const password = (form.elements.namedItem('password') as HTMLInputElement).value;
    if (!email || !password) {
      await this.#fail(msg('Enter your email address and your password.'));
      return;
    }
    this._busy = true;
    try {
      const session = await this.api.signIn(email, password);
      this._error = '';
      (form.elements.namedItem('password') as HTMLInputElement).value = '';
      emit(this, 'newsroom-signed-in', session);
    } catch (error) {
      await this.#fail(
        isFailure(error, 'unauthorized')
          ? msg('That email address and password do not match an account that may sign in.')
          : errorText(error),
      );
    } finally {
      this._busy = false;
    }
  }

  async #fail(message: string) {
    this._error = message;
    await this.updateComplete;
    this._errorBox?.focus();
  }
}
