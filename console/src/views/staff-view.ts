import { css, html, nothing } from 'lit';
import { ConsoleElement } from '../base.js';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import {
  STAFF_ROLES,
  type StaffLinkIssued,
  type StaffMember,
  type StaffRole,
} from '../../../src/api/newsroom.js';
import type { Locale } from '../../../src/api/wire.js';
import { CAMPAIGN_ROLES, type CampaignRole } from '../../../src/api/campaigns.js';
import { isFailure, type ConsoleApi } from '../api/client.js';
import { announce } from '../events.js';
import { formatWhen } from '../i18n/format.js';
import { consoleLocale } from '../i18n/locale.js';
import { campaignRoleLabel, errorText, roleLabel } from '../i18n/messages.js';
import { shared } from '../styles/shared.js';

/**
 * Staff accounts (admins only; the API refuses everyone else anyway): the list, adding
 * someone (their one-time link is shown once, with a copy button), changing a role,
 * disabling and enabling, a new link for a forgotten password, and each account's role
 * per campaign (a campaign without one goes by the account's own role).
 *
 * @summary Staff accounts.
 * @fires newsroom-announce - What a change did.
 */
export class NewsroomStaff extends ConsoleElement {
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
      h3 {
        font-size: 1.0625rem;
        margin: 1.25rem 0 0.5rem;
      }
      form.add {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr));
        gap: 0.5rem 0.75rem;
        align-items: end;
      }
      form.add input,
      form.add select {
        width: 100%;
      }
      .issued {
        display: flex;
        flex-direction: column;
        gap: 0.5rem;
        margin: 0.75rem 0;
        padding: 0.75rem;
        border: 2px solid var(--_ok);
        border-radius: var(--_radius);
        background: var(--_ok-soft);
      }
      .issued .row {
        display: flex;
        gap: 0.5rem;
        flex-wrap: wrap;
      }
      .issued input {
        flex: 1 1 14rem;
        min-width: 0;
        font-family: ui-monospace, monospace;
        font-size: 0.875rem;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.375rem;
      }
      .scroll {
        overflow-x: auto;
      }
      td {
        overflow-wrap: anywhere;
      }
      .per-campaign {
        display: flex;
        flex-direction: column;
        gap: 0.5rem;
        margin: 0.25rem 0 0.75rem;
        border: 1px solid var(--_line);
        border-radius: var(--_radius);
        padding: 0.5rem 0.75rem;
      }
      .per-campaign .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
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
          border-bottom: 1px solid var(--_line);
          padding: 0.5rem 0;
        }
        td {
          border: none;
          padding: 0.125rem 0;
        }
        td[data-label]::before {
          content: attr(data-label) ': ';
          color: var(--_muted);
        }
      }
    `,
  ];

  @property({ attribute: false }) api!: ConsoleApi;
  @property({ attribute: false }) me: StaffMember | null = null;
  /** The campaigns this API carries (the session's list). */
  @property({ attribute: false }) campaigns: string[] = [];

  @state() private _accounts: StaffMember[] = [];
  @state() private _loading = true;
  @state() private _error = '';
  @state() private _addError = '';
  @state() private _issued: StaffLinkIssued | null = null;
  @state() private _copied = false;
  @state() private _busy = new Set<string>();
  /** Roles per campaign by account, where set. */
  @state() private _roles = new Map<string, Record<string, CampaignRole>>();
  /** The account whose roles per campaign are being edited, and the edit. */
  @state() private _editing: { id: string; roles: Record<string, CampaignRole> } | null = null;

  private get _linkInput(): HTMLInputElement | null {
    return this.renderRoot.querySelector<HTMLInputElement>('#issued-link');
  }
  private get _issuedHeading(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('#issued-heading');
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.#load();
  }

  get accounts(): readonly StaffMember[] {
    return this._accounts;
  }

  async #load() {
    try {
      const [accounts, roles] = await Promise.all([
        this.api.listAccounts(),
        this.api.campaignRoles(),
      ]);
      this._accounts = accounts.items;
      this._roles = new Map(roles.items.map((item) => [item.staffId, item.roles]));
      this._error = '';
    } catch (error) {
      this._error = errorText(error);
    } finally {
      this._loading = false;
    }
  }

  #put(member: StaffMember) {
    const index = this._accounts.findIndex((a) => a.id === member.id);
    this._accounts =
      index < 0
        ? [...this._accounts, member]
        : this._accounts.map((a) => (a.id === member.id ? member : a));
  }

  async #busy<T>(id: string, work: () => Promise<T>): Promise<T | undefined> {
    this._busy = new Set(this._busy).add(id);
    try {
      return await work();
    } catch (error) {
      this._error = errorText(error);
      announce(this, this._error);
      return undefined;
    } finally {
      const busy = new Set(this._busy);
      busy.delete(id);
      this._busy = busy;
    }
  }

  async #add(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    const email = value('email').trim();
    const name = value('name').trim();
    if (!email || !name) {
      this._addError = msg('Enter their email address and name.');
      return;
    }
    try {
      const issued = await this.api.addAccount({
        email,
        name,
        role: value('role') as StaffRole,
        locale: value('locale') as Locale,
      });
      this._addError = '';
      void this.#show(issued);
      form.reset();
    } catch (error) {
      this._addError = isFailure(error, 'email_taken')
        ? msg('Another staff account already uses this email address.')
        : errorText(error);
    }
  }

  async #show(issued: StaffLinkIssued) {
    this.#put(issued.staff);
    this._issued = issued;
    this._copied = false;
    await this.updateComplete;
    this._issuedHeading?.focus();
  }

  get campaignRoles(): ReadonlyMap<string, Record<string, CampaignRole>> {
    return this._roles;
  }

  async #editRoles(member: StaffMember) {
    if (this._editing?.id === member.id) {
      this._editing = null;
      return;
    }
    this._editing = { id: member.id, roles: { ...(this._roles.get(member.id) ?? {}) } };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#per-campaign-${member.id} select`)?.focus();
  }

  async #saveRoles(member: StaffMember) {
    const editing = this._editing;
    if (!editing) return;
    const saved = await this.#busy(member.id, async () => {
      const answer = await this.api.setCampaignRoles(member.id, editing.roles);
      this._roles = new Map(this._roles).set(member.id, answer.roles);
      this._editing = null;
      announce(this, msg(str`Roles per campaign of ${member.name} saved.`));
      return answer;
    });
    if (!saved) return;
    // Back to the button that opened it, once it is enabled again.
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#roles-button-${member.id}`)?.focus();
  }

  #rolesSummary(member: StaffMember): string {
    const entries = Object.entries(this._roles.get(member.id) ?? {});
    if (!entries.length) return msg('Own role on every campaign');
    return entries.map(([id, role]) => `${id}: ${campaignRoleLabel(role)}`).join('; ');
  }

  #renderRolesEditor(member: StaffMember) {
    const editing = this._editing!;
    const busy = this._busy.has(member.id);
    return html`<tr>
      <td colspan="7">
        <form
          class="per-campaign"
          id="per-campaign-${member.id}"
          aria-labelledby="per-campaign-heading-${member.id}"
          @submit=${(e: Event) => {
            e.preventDefault();
            void this.#saveRoles(member);
          }}
        >
          <h3 id="per-campaign-heading-${member.id}">
            ${msg(str`Roles of ${member.name} per campaign`)}
          </h3>
          <p class="hint">
            ${msg(
              str`A campaign set to “Own role” goes by ${member.name}’s own role (${roleLabel(member.role)}).`,
            )}
          </p>
          ${this.campaigns.map(
            (campaign) =>
              html`<div class="row">
                <label for="cr-${member.id}-${campaign}">${campaign}</label>
                <select
                  id="cr-${member.id}-${campaign}"
                  @change=${(e: Event) => {
                    const value = (e.target as HTMLSelectElement).value;
                    const roles = { ...editing.roles };
                    if (value) roles[campaign] = value as CampaignRole;
                    else delete roles[campaign];
                    this._editing = { id: member.id, roles };
                  }}
                >
                  <option value="" ?selected=${!editing.roles[campaign]}>
                    ${msg(str`Own role (${roleLabel(member.role)})`)}
                  </option>
                  ${CAMPAIGN_ROLES.map(
                    (role) =>
                      html`<option value=${role} ?selected=${editing.roles[campaign] === role}>
                        ${campaignRoleLabel(role)}
                      </option>`,
                  )}
                </select>
              </div>`,
          )}
          <div class="row">
            <button class="primary" type="submit" ?disabled=${busy}>
              ${msg('Save roles per campaign')}
            </button>
            <button type="button" @click=${() => (this._editing = null)}>${msg('Cancel')}</button>
          </div>
        </form>
      </td>
    </tr>`;
  }

  async #copy() {
    const link = this._issued?.link ?? '';
    try {
      await navigator.clipboard.writeText(link);
      this._copied = true;
    } catch {
      // No clipboard permission: select it so Ctrl+C copies it.
      this._linkInput?.select();
      this._copied = false;
    }
    announce(this, this._copied ? msg('Link copied.') : msg('Press Ctrl+C to copy the link.'));
  }

  override render() {
    const locale = consoleLocale();
    return html`
      <h2 id="staff-heading">${msg('Staff')}</h2>
      ${this._error ? html`<p class="notice bad" role="alert">${this._error}</p>` : nothing}
      ${this._issued ? this.#renderIssued(this._issued, locale) : nothing}
      ${
        this._loading
          ? html`<p role="status">${msg('Loading…')}</p>`
          : html`<div class="scroll">
              <table aria-labelledby="staff-heading">
                <thead>
                  <tr>
                    <th scope="col">${msg('Name')}</th>
                    <th scope="col">${msg('Email')}</th>
                    <th scope="col">${msg('Role')}</th>
                    <th scope="col">${msg('Status')}</th>
                    <th scope="col">${msg('Last sign-in')}</th>
                    <th scope="col">${msg('Roles per campaign')}</th>
                    <th scope="col"><span class="visually-hidden">${msg('Actions')}</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${this._accounts.map(
                    (member) =>
                      html`${this.#renderMember(member, locale)}
                      ${this._editing?.id === member.id ? this.#renderRolesEditor(member) : nothing}`,
                  )}
                </tbody>
              </table>
            </div>`
      }
      <h3 id="add-heading">${msg('Add a staff member')}</h3>
      <form class="add" @submit=${this.#add} aria-labelledby="add-heading" novalidate>
        ${this._addError ? html`<p class="notice bad" role="alert">${this._addError}</p>` : nothing}
        <div class="field">
          <label for="s-email">${msg('Email')}</label>
          <input id="s-email" name="email" type="email" autocomplete="off" required />
        </div>
        <div class="field">
          <label for="s-name">${msg('Name')}</label>
          <input id="s-name" name="name" autocomplete="off" required />
        </div>
        <div class="field">
          <label for="s-role">${msg('Role')}</label>
          <select id="s-role" name="role">
            ${STAFF_ROLES.map(
              (role) =>
                html`<option value=${role} ?selected=${role === 'moderator'}>
                  ${roleLabel(role)}
                </option>`,
            )}
          </select>
        </div>
        <div class="field">
          <label for="s-locale">${msg('Console language')}</label>
          <select id="s-locale" name="locale">
            <option value="en" lang="en" ?selected=${locale === 'en'}>English</option>
            <option value="zh-Hans" lang="zh-Hans" ?selected=${locale === 'zh-Hans'}>中文</option>
          </select>
        </div>
        <div><button class="primary" type="submit">${msg('Add and get a link')}</button></div>
      </form>
    `;
  }

  #renderIssued(issued: StaffLinkIssued, locale: Locale) {
    return html`<section class="issued" aria-labelledby="issued-heading">
      <h3 id="issued-heading" tabindex="-1">${msg(str`Sign-in link for ${issued.staff.name}`)}</h3>
      <p>
        ${msg(
          str`Send this link to them yourself. It is shown only this once, works once, and expires ${formatWhen(issued.expiresAt, locale)}.`,
        )}
      </p>
      <div class="row">
        <label for="issued-link" class="visually-hidden">${msg('Sign-in link')}</label>
        <input id="issued-link" readonly .value=${issued.link} />
        <button type="button" class="primary" @click=${() => void this.#copy()}>
          ${this._copied ? msg('Copied') : msg('Copy link')}
        </button>
        <button type="button" @click=${() => (this._issued = null)}>${msg('Done')}</button>
      </div>
    </section>`;
  }

  #renderMember(member: StaffMember, locale: Locale) {
    const self = member.id === this.me?.id;
    const busy = this._busy.has(member.id);
    const status = member.disabledAt
      ? msg('Disabled')
      : member.passwordSet
        ? msg('Active')
        : msg('Invited (no password yet)');
    return html`<tr>
      <td>${member.name}<span class="muted">${self ? ` (${msg('you')})` : ''}</span></td>
      <td>${member.email}</td>
      <td>
        <label class="visually-hidden" for="role-${member.id}"
          >${msg(str`Role of ${member.name}`)}</label
        >
        <select
          id="role-${member.id}"
          ?disabled=${self || busy}
          @change=${(e: Event) => {
            const role = (e.target as HTMLSelectElement).value as StaffRole;
            void this.#busy(member.id, async () => {
              this.#put(await this.api.updateAccount(member.id, { role }));
              announce(this, msg(str`${member.name} is now ${roleLabel(role)}.`));
            });
          }}
        >
          ${STAFF_ROLES.map(
            (role) =>
              html`<option value=${role} ?selected=${member.role === role}>
                ${roleLabel(role)}
              </option>`,
          )}
        </select>
      </td>
      <td data-label=${msg('Status')}>${status}</td>
      <td data-label=${msg('Last sign-in')}>
        ${member.lastSignInAt ? formatWhen(member.lastSignInAt, locale) : '—'}
      </td>
      <td data-label=${msg('Roles per campaign')}>
        <span>${this.#rolesSummary(member)}</span>
        <button
          type="button"
          id="roles-button-${member.id}"
          aria-expanded=${this._editing?.id === member.id ? 'true' : 'false'}
          aria-controls="per-campaign-${member.id}"
          ?disabled=${busy}
          @click=${() => void this.#editRoles(member)}
        >
          ${msg(str`Roles per campaign for ${member.name}`)}
        </button>
      </td>
      <td>
        <div class="actions">
          ${
            self
              ? nothing
              : html`<button
                  type="button"
                  ?disabled=${busy}
                  @click=${() =>
                    void this.#busy(member.id, async () => {
                      const disabled = !member.disabledAt;
                      this.#put(await this.api.updateAccount(member.id, { disabled }));
                      announce(
                        this,
                        disabled
                          ? msg(str`${member.name} can no longer sign in.`)
                          : msg(str`${member.name} can sign in again.`),
                      );
                    })}
                >
                  ${
                    member.disabledAt
                      ? msg(str`Enable ${member.name}`)
                      : msg(str`Disable ${member.name}`)
                  }
                </button>`
          }
          <button
            type="button"
            ?disabled=${busy || Boolean(member.disabledAt)}
            @click=${() =>
              void this.#busy(member.id, async () =>
                this.#show(await this.api.resetLink(member.id)),
              )}
          >
            ${msg(str`New sign-in link for ${member.name}`)}
          </button>
        </div>
      </td>
    </tr>`;
  }
}
