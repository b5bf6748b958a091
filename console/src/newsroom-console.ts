import { css, html, nothing } from 'lit';
import { ConsoleElement } from './base.js';
import { property, state } from 'lit/decorators.js';
import { msg } from '@lit/localize';
import type { StaffMember, StaffSessionInfo } from '../../src/api/newsroom.js';
import type { Campaign, Locale } from '../../src/api/wire.js';
import { ConsoleApi } from './api/client.js';
import { consoleLocale, preferredLocale, setConsoleLocale } from './i18n/locale.js';
import { errorText, roleLabel } from './i18n/messages.js';
import { isShortcut } from './shortcuts.js';
import { shared } from './styles/shared.js';
import type { NewsroomAccountDialog } from './views/account-dialog.js';
import type { NewsroomHelpDialog } from './views/help-dialog.js';
import type { NewsroomQueue } from './views/queue-view.js';
import type { NewsroomSignIn } from './views/sign-in.js';

export const VIEWS = [
  'queue',
  'audit',
  'safety',
  'settings',
  'staff',
  'privacy',
  'exports',
  'campaigns',
  'webhooks',
  'partners',
] as const;
export type View = (typeof VIEWS)[number];
const ADMIN_VIEWS: readonly View[] = ['staff', 'privacy', 'webhooks'];

type Phase = 'loading' | 'sign-in' | 'link' | 'ready';

/** The one-time token in `#link=<token>`, if any. */
export function linkToken(hash: string): string | null {
  const match = /^#link=([A-Za-z0-9._~-]{8,200})$/.exec(hash);
  return match ? match[1] : null;
}

/**
 * The newsroom console: sign-in (or a one-time link), then the header (campaign,
 * who is signed in, language, sign out), the views (queue, audit, safety, staff,
 * privacy, exports), the keyboard shortcuts and one polite live region. A session
 * that ends mid-work asks to sign in again over what was on screen, so nothing typed
 * is lost.
 *
 * @summary The newsroom console app.
 */
export class NewsroomConsole extends ConsoleElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        min-height: 100vh;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        padding: 0.5rem 1rem;
        background: #1b1f24;
        color: #ffffff;
      }
      header button,
      header .button,
      header select {
        background: transparent;
        color: #ffffff;
        border-color: #8c959f;
      }
      header button:hover:not(:disabled) {
        background: #32383f;
      }
      header option {
        color: #1b1f24;
        background: #ffffff;
      }
      header :focus-visible {
        outline-color: #79b8ff;
      }
      .brand {
        display: flex;
        flex-direction: column;
        margin-inline-end: auto;
        min-width: 0;
      }
      h1 {
        font-size: 1.0625rem;
        overflow-wrap: anywhere;
      }
      .brand span {
        font-size: 0.8125rem;
        color: #d0d7de;
      }
      .who {
        font-size: 0.875rem;
      }
      .who .role {
        color: #d0d7de;
      }
      .lang {
        display: inline-flex;
      }
      .lang button {
        border-radius: 0;
      }
      .lang button:first-child {
        border-start-start-radius: var(--_radius);
        border-end-start-radius: var(--_radius);
      }
      .lang button:last-child {
        border-start-end-radius: var(--_radius);
        border-end-end-radius: var(--_radius);
        border-inline-start: none;
      }
      .lang button[aria-pressed='true'] {
        background: #ffffff;
        color: #1b1f24;
      }
      .account {
        position: relative;
      }
      .menu {
        position: absolute;
        inset-inline-end: 0;
        top: calc(100% + 0.25rem);
        z-index: 3;
        display: flex;
        flex-direction: column;
        gap: 0.375rem;
        min-width: 14rem;
        padding: 0.5rem;
        border: 1px solid var(--_line);
        border-radius: var(--_radius);
        background: var(--_bg);
        color: var(--_fg);
        box-shadow: 0 4px 16px rgb(0 0 0 / 0.2);
      }
      .menu button {
        color: var(--_fg);
        background: var(--_bg);
        border-color: var(--_line);
        justify-content: flex-start;
      }
      .menu button:hover:not(:disabled) {
        background: var(--_soft);
      }
      nav.views {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        padding: 0.25rem 1rem;
        border-bottom: 1px solid var(--_line);
        background: var(--_soft);
      }
      nav.views a {
        display: inline-flex;
        align-items: center;
        min-height: var(--_target);
        padding: 0 0.625rem;
        border-radius: var(--_radius);
        color: var(--_fg);
        text-decoration: none;
      }
      nav.views a[aria-current='page'] {
        background: var(--_bg);
        box-shadow: inset 0 -3px 0 var(--_accent);
        font-weight: 600;
      }
      .banner {
        padding: 0.5rem 1rem;
        background: var(--_warn-soft);
        color: var(--_warn);
        font-weight: 600;
      }
      .loading {
        padding: 2rem 1rem;
        text-align: center;
      }
      dialog.reauth {
        width: min(28rem, calc(100vw - 1rem));
        border: 1px solid var(--_line);
        border-radius: var(--_radius);
        padding: 0 0 1rem;
      }
      dialog.reauth::backdrop {
        background: rgb(0 0 0 / 0.5);
      }
      main:focus {
        outline: none;
      }
    `,
  ];

  /** The API client; made on first use unless a page or test supplies one. */
  @property({ attribute: false }) api: ConsoleApi = new ConsoleApi({
    onUnauthorized: () => this.#sessionEnded(),
    onConnectivity: (offline) => (this._offline = offline),
  });

  @state() private _phase: Phase = 'loading';
  @state() private _session: StaffSessionInfo | null = null;
  @state() private _campaign: Campaign | null = null;
  @state() private _view: View = 'queue';
  @state() private _reauth = false;
  @state() private _offline = false;
  @state() private _announcement = '';
  @state() private _menuOpen = false;
  @state() private _problem = '';
  @state() private _linkToken: string | null = null;

  private get _help(): NewsroomHelpDialog | null {
    return this.renderRoot.querySelector<NewsroomHelpDialog>('newsroom-help-dialog');
  }
  private get _account(): NewsroomAccountDialog | null {
    return this.renderRoot.querySelector<NewsroomAccountDialog>('newsroom-account-dialog');
  }
  private get _queue(): NewsroomQueue | null {
    return this.renderRoot.querySelector<NewsroomQueue>('newsroom-queue');
  }
  private get _reauthDialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector<HTMLDialogElement>('dialog.reauth');
  }
  private get _reauthForm(): NewsroomSignIn | null {
    return this.renderRoot.querySelector<NewsroomSignIn>('dialog.reauth newsroom-sign-in');
  }
  private get _main(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('main');
  }

  #onKey = (event: KeyboardEvent) => this.#key(event);
  #onPopState = () => this.#readView();

  get session(): StaffSessionInfo | null {
    return this._session;
  }

  get view(): View {
    return this._view;
  }

  override connectedCallback() {
    super.connectedCallback();
    document.addEventListener('keydown', this.#onKey);
    window.addEventListener('popstate', this.#onPopState);
    void this.#start();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    document.removeEventListener('keydown', this.#onKey);
    window.removeEventListener('popstate', this.#onPopState);
  }

  async #start() {
    await setConsoleLocale(preferredLocale());
    this.#readView();
    this._linkToken = linkToken(location.hash);
    if (this._linkToken) {
      this._phase = 'link';
      return;
    }
    try {
      await this.#signedIn(await this.api.getSession());
    } catch {
      this._phase = 'sign-in';
    }
  }

  #readView() {
    const view = new URLSearchParams(location.search).get('view') as View | null;
    this._view =
      view && VIEWS.includes(view) && (!this._session || this.#mayOpen(view, this._session))
        ? view
        : 'queue';
  }

  async #signedIn(session: StaffSessionInfo) {
    const wasLink = this._phase === 'link';
    const again = this._reauth;
    this._session = session;
    const asked = new URLSearchParams(location.search).get('campaign');
    this.api.campaign =
      asked && session.campaigns.includes(asked) ? asked : (session.campaigns[0] ?? '');
    await setConsoleLocale(session.staff.locale);
    if (wasLink || location.hash.startsWith('#link=')) {
      // The token is spent: keep it out of the address bar and the history.
      history.replaceState(history.state, '', location.pathname + location.search);
      this._linkToken = null;
    }
    if (!this.#mayOpen(this._view, session)) this._view = 'queue';
    this._reauth = false;
    this._reauthDialog?.close();
    this._phase = 'ready';
    if (again) {
      void this.#announce(msg('Signed in again. Carry on where you were.'));
      return;
    }
    void this.#loadCampaign();
    await this.updateComplete;
    this._main?.focus();
  }

  async #loadCampaign() {
    try {
      this._campaign = await this.api.getCampaign(consoleLocale());
      this._problem = '';
      document.title = `${this._campaign.title} · ${msg('Newsroom console')}`;
    } catch (error) {
      this._problem = errorText(error);
    }
  }

  #sessionEnded() {
    if (this._phase !== 'ready') {
      this._phase = 'sign-in';
      return;
    }
    if (this._reauth) return;
    this._reauth = true;
    void this.updateComplete.then(() => {
      if (!this._reauthDialog?.open) this._reauthDialog?.showModal();
      this._reauthForm?.focus();
    });
  }

  async #announce(message: string) {
    this._announcement = '';
    await this.updateComplete;
    this._announcement = message;
  }

  async #setLocale(locale: Locale) {
    await setConsoleLocale(locale);
    const session = this._session;
    if (this._phase === 'ready' && session && session.staff.locale !== locale) {
      try {
        const staff = await this.api.updateMe({ locale });
        this._session = { ...session, staff };
      } catch (error) {
        void this.#announce(errorText(error));
      }
    }
    if (this._phase === 'ready') void this.#loadCampaign();
  }

  async #signOut(everywhere: boolean) {
    this._menuOpen = false;
    try {
      await this.api.signOut(everywhere);
    } catch {
      // signed out or not, the console forgets the session
    }
    this._session = null;
    this._campaign = null;
    this._phase = 'sign-in';
  }

  #go(view: View, event?: Event) {
    event?.preventDefault();
    if (view === this._view) return;
    const url = new URL(location.href);
    for (const key of [...url.searchParams.keys()]) {
      if (key !== 'campaign') url.searchParams.delete(key);
    }
    if (view !== 'queue') url.searchParams.set('view', view);
    history.pushState(null, '', url);
    this._view = view;
    void this.updateComplete.then(() => this._main?.focus());
  }

  #key(event: KeyboardEvent) {
    if (this._phase !== 'ready' || this._reauth || this._help?.open || this._account?.open) {
      return;
    }
    if (event.key === 'Escape' && this._menuOpen) {
      this._menuOpen = false;
      return;
    }
    if (!isShortcut(event)) return;
    if (event.key === '?') {
      event.preventDefault();
      void this._help?.show();
      return;
    }
    if (this._view === 'queue' && this._queue?.handleKey(event)) event.preventDefault();
  }

  override render() {
    return html`
      ${
        this._offline
          ? html`<p class="banner" role="status">
              ${msg('Offline. Retrying… Nothing you typed is lost.')}
            </p>`
          : nothing
      }
      ${this._phase === 'ready' ? this.#renderApp() : this.#renderOutside()}
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        ${this._announcement}
      </div>
    `;
  }

  #renderLanguage() {
    const locale = consoleLocale();
    return html`<div class="lang" role="group" aria-label="Language / 语言">
      <button
        type="button"
        lang="en"
        aria-pressed=${locale === 'en' ? 'true' : 'false'}
        @click=${() => void this.#setLocale('en')}
      >
        English
      </button>
      <button
        type="button"
        lang="zh-Hans"
        aria-pressed=${locale === 'zh-Hans' ? 'true' : 'false'}
        @click=${() => void this.#setLocale('zh-Hans')}
      >
        中文
      </button>
    </div>`;
  }

  #renderOutside() {
    return html`<header>
        <div class="brand">
          <h1>${msg('Newsroom console')}</h1>
        </div>
        ${this.#renderLanguage()}
      </header>
      <main id="main" tabindex="-1">
        ${
          this._phase === 'loading'
            ? html`<p class="loading" role="status">${msg('Loading…')}</p>`
            : this._phase === 'link' && this._linkToken
              ? html`<newsroom-link-setup
                  .api=${this.api}
                  token=${this._linkToken}
                  @newsroom-signed-in=${(e: CustomEvent<StaffSessionInfo>) =>
                    void this.#signedIn(e.detail)}
                  @newsroom-leave-link=${() => {
                    history.replaceState(history.state, '', location.pathname + location.search);
                    this._linkToken = null;
                    this._phase = 'sign-in';
                  }}
                ></newsroom-link-setup>`
              : html`<newsroom-sign-in
                  .api=${this.api}
                  @newsroom-signed-in=${(e: CustomEvent<StaffSessionInfo>) =>
                    void this.#signedIn(e.detail)}
                ></newsroom-sign-in>`
        }
      </main>`;
  }

  #renderApp() {
    const session = this._session!;
    const staff = session.staff;
    const views: [View, string][] = [
      ['queue', msg('Queue')],
      ['audit', msg('Audit trail')],
      ['settings', msg('Settings')],
      ['safety', msg('Safety')],
      ['partners', msg('Partner sites')],
      ...(
        [
          ['staff', msg('Staff')],
          ['privacy', msg('Privacy')],
          ['webhooks', msg('Webhooks')],
        ] as [View, string][]
      ).filter(([view]) => this.#mayOpen(view, session)),
      ['exports', msg('Exports')],
      ['campaigns', msg('Campaigns')],
    ];
    const href = (view: View) => {
      const url = new URL(location.href);
      url.search = '';
      if (this.api.campaign && session.campaigns.length > 1) {
        url.searchParams.set('campaign', this.api.campaign);
      }
      if (view !== 'queue') url.searchParams.set('view', view);
      return `${url.pathname}${url.search}`;
    };
    return html`<header>
        <div class="brand">
          <h1>${this._campaign?.title ?? this.api.campaign}</h1>
          <span>${msg('Newsroom console')}</span>
        </div>
        ${
          session.campaigns.length > 1
            ? html`<label class="visually-hidden" for="campaign">${msg('Campaign')}</label>
                <select
                  id="campaign"
                  @change=${(e: Event) => {
                    const url = new URL(location.href);
                    url.search = '';
                    url.searchParams.set('campaign', (e.target as HTMLSelectElement).value);
                    location.assign(url);
                  }}
                >
                  ${session.campaigns.map(
                    (id) =>
                      html`<option value=${id} ?selected=${id === this.api.campaign}>
                        ${id}
                      </option>`,
                  )}
                </select>`
            : nothing
        }
        <p class="who">
          <strong>${staff.name}</strong>
          <span class="role">· ${roleLabel(this.#campaignMe(session).role)}</span>
        </p>
        ${this.#renderLanguage()}
        <button
          type="button"
          aria-keyshortcuts="?"
          @click=${() => void this._help?.show()}
          aria-label=${msg('Keyboard shortcuts')}
          title=${msg('Keyboard shortcuts')}
        >
          ?
        </button>
        <div class="account">
          <button
            type="button"
            aria-expanded=${this._menuOpen ? 'true' : 'false'}
            aria-controls="account-menu"
            @click=${() => (this._menuOpen = !this._menuOpen)}
          >
            ${msg('Account…')}
          </button>
          ${
            this._menuOpen
              ? html`<div class="menu" id="account-menu">
                  <button
                    type="button"
                    @click=${() => {
                      this._menuOpen = false;
                      void this._account?.show();
                    }}
                  >
                    ${msg('Name and password…')}
                  </button>
                  <button type="button" @click=${() => void this.#signOut(false)}>
                    ${msg('Sign out on this browser')}
                  </button>
                  <button type="button" @click=${() => void this.#signOut(true)}>
                    ${msg('Sign out everywhere')}
                  </button>
                </div>`
              : nothing
          }
        </div>
      </header>
      <nav class="views" aria-label=${msg('Console sections')}>
        ${views.map(
          ([view, label]) =>
            html`<a
              href=${href(view)}
              aria-current=${view === this._view ? 'page' : 'false'}
              @click=${(e: Event) => this.#go(view, e)}
              >${label}</a
            >`,
        )}
      </nav>
      ${this._problem ? html`<p class="banner" role="alert">${this._problem}</p>` : nothing}
      <main
        id="main"
        tabindex="-1"
        aria-label=${views.find(([v]) => v === this._view)?.[1] ?? ''}
        @newsroom-announce=${(e: CustomEvent<{ message: string }>) =>
          void this.#announce(e.detail.message)}
      >
        ${this.#renderView()}
      </main>
      <newsroom-help-dialog></newsroom-help-dialog>
      <newsroom-account-dialog
        .api=${this.api}
        .me=${staff}
        @newsroom-account=${(e: CustomEvent<StaffMember>) => {
          if (this._session) this._session = { ...this._session, staff: e.detail };
        }}
      ></newsroom-account-dialog>
      <dialog
        class="reauth"
        aria-label=${msg('Sign in again')}
        @cancel=${(e: Event) => e.preventDefault()}
      >
        ${
          this._reauth
            ? html`<newsroom-sign-in
                .api=${this.api}
                reauth
                email=${staff.email}
                @newsroom-signed-in=${(e: CustomEvent<StaffSessionInfo>) =>
                  void this.#signedIn(e.detail)}
              ></newsroom-sign-in>`
            : nothing
        }
      </dialog>`;
  }

  /**
   * Admin views: staff accounts need the account's own admin role, the others (privacy,
   * webhooks) the admin role on the campaign shown.
   */
  #mayOpen(view: View, session: StaffSessionInfo): boolean {
    if (!ADMIN_VIEWS.includes(view)) return true;
    const role = view === 'staff' ? session.staff.role : this.#campaignMe(session).role;
    return role === 'admin';
  }

  /** The signed-in person with their role on the campaign shown (campaign views use it). */
  #campaignMe(session: StaffSessionInfo): StaffMember {
    const role = session.roles?.[this.api.campaign] ?? session.staff.role;
    return role === session.staff.role ? session.staff : { ...session.staff, role };
  }

  #renderView() {
    const session = this._session!;
    const me = this.#campaignMe(session);
    switch (this._view) {
      case 'queue':
        return html`<newsroom-queue
          .api=${this.api}
          .me=${me}
          .campaign=${this._campaign}
        ></newsroom-queue>`;
      case 'audit':
        return html`<newsroom-audit .api=${this.api} .me=${me}></newsroom-audit>`;
      case 'staff':
        return session.staff.role === 'admin'
          ? html`<newsroom-staff
              .api=${this.api}
              .me=${session.staff}
              .campaigns=${session.campaigns}
            ></newsroom-staff>`
          : nothing;
      case 'campaigns':
        return html`<newsroom-campaigns
          .api=${this.api}
          .me=${session.staff}
        ></newsroom-campaigns>`;
      case 'privacy':
        return me.role === 'admin'
          ? html`<newsroom-privacy .api=${this.api}></newsroom-privacy>`
          : nothing;
      case 'safety':
        return html`<newsroom-safety .api=${this.api} .me=${me}></newsroom-safety>`;
      case 'settings':
        return html`<newsroom-settings
          .api=${this.api}
          .me=${me}
          @newsroom-go=${(e: CustomEvent<{ view: string }>) => {
            const view = e.detail.view as View;
            if (VIEWS.includes(view)) this.#go(view);
          }}
        ></newsroom-settings>`;
      case 'exports':
        return html`<newsroom-exports .api=${this.api}></newsroom-exports>`;
      case 'partners':
        return html`<newsroom-partners .api=${this.api} .me=${me}></newsroom-partners>`;
      case 'webhooks':
        return me.role === 'admin'
          ? html`<newsroom-webhooks .api=${this.api} .me=${me}></newsroom-webhooks>`
          : nothing;
    }
  }
}
