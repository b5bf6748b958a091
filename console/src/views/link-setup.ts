import { css, html, nothing } from 'lit';
import { ConsoleElement } from '../base.js';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import type { StaffLinkInfo } from '../../../src/api/newsroom.js';
import type { Locale } from '../../../src/api/wire.js';
import { isFailure, type ConsoleApi } from '../api/client.js';
import { emit } from '../events.js';
import { formatWhen } from '../i18n/format.js';
import { consoleLocale } from '../i18n/locale.js';
import { errorText } from '../i18n/messages.js';
import { shared } from '../styles/shared.js';

export const MIN_PASSWORD_LENGTH = 10;

/**
 * A one-time link (`/moderate#link=<token>`): the first admin sets up their account,
 * an invited person or one whose password was reset chooses a password. Using it
 * signs in.
 *
 * @summary Sets a password through a one-time link.
 * @fires newsroom-signed-in - The link was used; `detail` is the session.
 * @fires newsroom-leave-link - The person chose to sign in normally instead.
 */
export class NewsroomLinkSetup extends ConsoleElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        max-width: 26rem;
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
      input,
      select {
        width: 100%;
      }
    `,
  ];

  @property({ attribute: false }) api!: ConsoleApi;
  @property() token = '';

  @state() private _info: StaffLinkInfo | null = null;
  @state() private _loadError = '';
  @state() private _error = '';
  @state() private _busy = false;

  private get _errorBox(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('#error');
  }

  #controller: AbortController | null = null;

  override connectedCallback() {
    super.connectedCallback();
    void this.#load();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#controller?.abort();
  }

  async #load() {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    try {
      this._info = await this.api.getLink(this.token, controller.signal);
      this._loadError = '';
    } catch (error) {
      if (controller.signal.aborted) return;
      this._loadError = errorText(error);
    }
  }

  override render() {
    if (this._loadError) {
      return html`<h2>${msg('This link cannot be used')}</h2>
        <p class="notice bad" role="alert">${this._loadError}</p>
        <p>
          <button type="button" @click=${() => emit(this, 'newsroom-leave-link', null)}>
            ${msg('Go to sign-in')}
          </button>
        </p>`;
    }
    const info = this._info;
    if (!info) return html`<p role="status">${msg('Checking the link…')}</p>`;
    const first = info.purpose === 'first-admin';
    const heading =
      info.purpose === 'first-admin'
        ? msg('Set up the newsroom console')
        : info.purpose === 'invite'
          ? msg('Welcome to the newsroom console')
          : msg('Choose a new password');
    const expires = formatWhen(info.expiresAt, consoleLocale());
    return html`
      <form @submit=${this.#submit} novalidate>
        <h2>${heading}</h2>
        <p>
          ${
            first
              ? msg('You are the first admin. Enter your details and choose a password.')
              : info.name
                ? msg(str`${info.name}, choose the password you will sign in with.`)
                : msg('Choose the password you will sign in with.')
          }
        </p>
        <p class="hint">${msg(str`This link works once, until ${expires}.`)}</p>
        ${
          this._error
            ? html`<p id="error" class="notice bad" role="alert" tabindex="-1">${this._error}</p>`
            : nothing
        }
        ${
          first
            ? html`<div class="field">
                  <label for="email">${msg('Email')}</label>
                  <input id="email" name="email" type="email" autocomplete="username" required />
                </div>
                <div class="field">
                  <label for="name">${msg('Your name, as colleagues see it')}</label>
                  <input id="name" name="name" autocomplete="name" required />
                </div>
                <div class="field">
                  <label for="locale">${msg('Console language')}</label>
                  <select id="locale" name="locale">
                    <option value="en" lang="en" ?selected=${consoleLocale() === 'en'}>
                      English
                    </option>
                    <option
                      value="zh-Hans"
                      lang="zh-Hans"
                      ?selected=${consoleLocale() === 'zh-Hans'}
                    >
                      中文
                    </option>
                  </select>
                </div>`
            : html`<p>
                <span class="muted">${msg('Email')}:</span> <strong>${info.email ?? ''}</strong>
              </p>`
        }
        <div class="field">
          <label for="password">${msg('New password')}</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="new-password"
            minlength=${MIN_PASSWORD_LENGTH}
            required
            aria-describedby="password-hint"
          />
          <span id="password-hint" class="hint"
            >${msg(str`At least ${MIN_PASSWORD_LENGTH} characters.`)}</span
          >
        </div>
        <div class="field">
          <label for="confirm">${msg('The same password again')}</label>
          <input id="confirm" name="confirm" type="password" autocomplete="new-password" required />
        </div>
        <button class="primary" type="submit" ?disabled=${this._busy}>
          ${first ? msg('Create my account') : msg('Set password and sign in')}
        </button>
      </form>
    `;
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const value = (name: string) =>
      (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '';
    const first = this._info?.purpose === 'first-admin';
    const password = value('password');
    if (first && (!value('email').trim() || !value('name').trim())) {
      return this.#fail(msg('Enter your email address and your name.'));
    }
    if (password.length < MIN_PASSWORD_LENGTH) {
      return this.#fail(msg(str`The password needs at least ${MIN_PASSWORD_LENGTH} characters.`));
    }
    if (password !== value('confirm')) {
      return this.#fail(msg('The two passwords are not the same.'));
    }
    this._busy = true;
    try {
      const body: { password: string; email?: string; name?: string; locale?: Locale } = {
        password,
      };
      if (first) {
        body.email = value('email').trim();
        body.name = value('name').trim();
        body.locale = value('locale') === 'zh-Hans' ? 'zh-Hans' : 'en';
      }
      const session = await this.api.useLink(this.token, body);
      emit(this, 'newsroom-signed-in', session);
    } catch (error) {
      if (isFailure(error, 'link_invalid')) this._loadError = errorText(error);
      else await this.#fail(errorText(error));
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
