import { css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import type { StaffMember } from '../../../src/api/newsroom.js';
import type { PartnerList, PartnerSite } from '../../../src/api/partners.js';
import { isFailure, type ConsoleApi } from '../api/client.js';
import { ConsoleElement } from '../base.js';
import { announce } from '../events.js';
import { consoleLocale } from '../i18n/locale.js';
import { errorText } from '../i18n/messages.js';
import { shared } from '../styles/shared.js';

interface Draft {
  name: string;
  /** One origin a line, as typed. */
  origins: string;
  contact: string;
  enabled: boolean;
}

type Field = 'name' | 'origins' | 'contact';

const emptyDraft = (): Draft => ({ name: '', origins: '', contact: '', enabled: true });

const linesOf = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/**
 * The campaign's partner sites: every page that may send submissions and reports, with
 * what its readers did (submissions, published quotes, walls open now). Admins add,
 * edit, disable and delete them; a change applies within seconds on every instance.
 * Other roles read. Origins from the server's configuration are listed read-only.
 * Results are announced in the console's live region; a refused field says why beside it.
 *
 * @summary Partner sites.
 * @fires newsroom-announce - A partner site was added, saved, enabled, disabled or deleted.
 */
export class NewsroomPartners extends ConsoleElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        padding: 0.75rem 1rem 2rem;
        max-width: 72rem;
      }
      h2 {
        font-size: 1.25rem;
      }
      h3 {
        font-size: 1.0625rem;
        margin: 0;
      }
      section,
      form {
        display: flex;
        flex-direction: column;
        gap: 0.75rem;
        margin-top: 1rem;
      }
      form {
        border: 1px solid var(--_line);
        border-radius: var(--_radius);
        padding: 0.75rem;
        max-width: 40rem;
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
      textarea {
        min-height: 5rem;
      }
      [aria-invalid='true'] {
        border: 2px solid var(--_bad) !important;
      }
      .table-wrap {
        overflow-x: auto;
      }
      ul.origins {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      ul.origins li,
      td.origin {
        overflow-wrap: anywhere;
      }
      td.number {
        text-align: end;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  @property({ attribute: false }) api!: ConsoleApi;
  @property({ attribute: false }) me: StaffMember | null = null;
  @state() private _list: PartnerList | null = null;
  @state() private _problem = '';
  /** The partner being edited (`new` for a new one), else null. */
  @state() private _editing: string | null = null;
  @state() private _draft: Draft = emptyDraft();
  @state() private _fieldErrors: Partial<Record<Field, string>> = {};
  @state() private _busy = false;
  #controller: AbortController | null = null;

  get #admin(): boolean {
    return this.me?.role === 'admin';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
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
      this._list = await this.api.partners(controller.signal);
      if (this._editing === null) this._problem = '';
    } catch (error) {
      if (!controller.signal.aborted) this._problem = errorText(error);
    }
  }

  #number(n: number): string {
    return new Intl.NumberFormat(consoleLocale()).format(n);
  }

  #edit(partner: PartnerSite | null) {
    this._editing = partner ? partner.id : 'new';
    this._draft = partner
      ? {
          name: partner.name,
          origins: partner.origins.join('\n'),
          contact: partner.contact ?? '',
          enabled: partner.enabled,
        }
      : emptyDraft();
    this._fieldErrors = {};
    this._problem = '';
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLInputElement>('#pt-name')?.focus(),
    );
  }

  #cancel() {
    const id = this._editing;
    this._editing = null;
    this._problem = '';
    this._fieldErrors = {};
    // Focus goes back where the edit started.
    void this.updateComplete.then(() =>
      this.renderRoot
        .querySelector<HTMLButtonElement>(id === 'new' || !id ? '#pt-add' : `#pt-edit-${id}`)
        ?.focus(),
    );
  }

  /** The refused fields, in the console's language, from the API's field errors. */
  #fieldErrorsOf(
    fields: { field: string; code: string; message?: string }[],
    origins: string[],
  ): Partial<Record<Field, string>> {
    const errors: Partial<Record<Field, string>> = {};
    const max = this._list?.limits.originsPerPartner ?? 20;
    for (const { field, code } of fields) {
      if (field === 'name') {
        errors.name ??=
          code === 'required'
            ? msg('Name the partner site.')
            : code === 'too_long'
              ? msg('The name is too long: at most 120 characters.')
              : msg('Write the name on one line, without tabs.');
      } else if (field === 'contact') {
        errors.contact ??=
          code === 'too_long'
            ? msg('The contact is too long: at most 300 characters.')
            : msg('Write the contact on one line, without tabs.');
      } else if (field === 'origins') {
        errors.origins ??=
          code === 'too_long'
            ? msg(str`At most ${max} origins per partner site.`)
            : msg('Give at least one origin, such as https://news.example.com.');
      } else if (field.startsWith('origins.')) {
        const index = Number(field.slice('origins.'.length));
        const line = index + 1;
        const value = origins[index] ?? '';
        errors.origins ??= msg(
          str`Line ${line} (${value}) is not an origin, or is listed twice. Write https:// and the host name only, such as https://news.example.com (http:// only for localhost).`,
        );
      }
    }
    return errors;
  }

  async #focusFirstError() {
    await this.updateComplete;
    const first = (['name', 'origins', 'contact'] as const).find((f) => this._fieldErrors[f]);
    if (first) this.renderRoot.querySelector<HTMLElement>(`#pt-${first}`)?.focus();
  }

  async #save(event: Event) {
    event.preventDefault();
    const draft = this._draft;
    const origins = linesOf(draft.origins);
    const errors: Partial<Record<Field, string>> = {};
    if (!draft.name.trim()) errors.name = msg('Name the partner site.');
    if (origins.length === 0) {
      errors.origins = msg('Give at least one origin, such as https://news.example.com.');
    }
    this._fieldErrors = errors;
    if (Object.keys(errors).length > 0) {
      await this.#focusFirstError();
      return;
    }
    this._busy = true;
    this._problem = '';
    const body = {
      name: draft.name.trim(),
      origins,
      contact: draft.contact.trim() || null,
      enabled: draft.enabled,
    };
    const editing = this._editing;
    try {
      if (editing === 'new') {
        await this.api.addPartner(body);
        announce(this, msg(str`Partner site ${body.name} added. Its pages may send now.`));
      } else if (editing) {
        const current = this._list?.items.find((p) => p.id === editing);
        await this.api.updatePartner(editing, { ...body, version: current?.version ?? 1 });
        announce(this, msg(str`Partner site ${body.name} saved.`));
      }
      this._editing = null;
      await this.load();
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#pt-title')?.focus();
    } catch (error) {
      if (isFailure(error, 'validation')) {
        this._fieldErrors = this.#fieldErrorsOf(error.body?.fields ?? [], origins);
        this._problem = msg('Some fields need a change; see beside each.');
        await this.#focusFirstError();
      } else if (isFailure(error, 'origin_taken')) {
        const details = error.body?.details as
          { origin: string; partner: { name: string } } | undefined;
        const origin = details?.origin ?? '';
        const partner = details?.partner.name ?? '';
        this._fieldErrors = {
          origins: msg(str`${origin} already belongs to the partner site ${partner}.`),
        };
        this._problem = msg('Some fields need a change; see beside each.');
        await this.#focusFirstError();
      } else if (isFailure(error, 'stale')) {
        this._problem = msg(
          'Someone changed this partner site first. Their version is shown now; make your change again.',
        );
        await this.load();
        const current = this._list?.items.find((p) => p.id === editing);
        if (current) this.#edit(current);
        this._problem = msg(
          'Someone changed this partner site first. Their version is shown now; make your change again.',
        );
      } else if (isFailure(error, 'limit_reached')) {
        this._problem = msg(
          'This campaign has as many partner sites as it can hold. Delete one first.',
        );
      } else {
        this._problem = errorText(error);
      }
      announce(this, this._problem);
    } finally {
      this._busy = false;
    }
  }

  async #act(label: string, work: () => Promise<unknown>) {
    this._busy = true;
    this._problem = '';
    try {
      await work();
      announce(this, label);
    } catch (error) {
      this._problem = isFailure(error, 'stale')
        ? msg('Someone changed this partner site first. The list shows it as it is now.')
        : errorText(error);
      announce(this, this._problem);
    } finally {
      this._busy = false;
      await this.load();
    }
  }

  #toggle(partner: PartnerSite) {
    const enabled = !partner.enabled;
    void this.#act(
      enabled
        ? msg(str`Partner site ${partner.name} enabled: its pages may send again.`)
        : msg(str`Partner site ${partner.name} disabled: its pages may no longer send.`),
      () =>
        this.api.updatePartner(partner.id, {
          version: partner.version,
          name: partner.name,
          origins: partner.origins,
          contact: partner.contact,
          enabled,
        }),
    );
  }

  #delete(partner: PartnerSite) {
    if (
      !confirm(
        msg(
          str`Delete the partner site ${partner.name}? Its pages will no longer be able to send.`,
        ),
      )
    ) {
      return;
    }
    void this.#act(msg(str`Partner site ${partner.name} deleted.`), () =>
      this.api.deletePartner(partner.id, partner.version),
    );
  }

  override render() {
    const list = this._list;
    return html`<h2 id="pt-title" tabindex="-1">${msg('Partner sites')}</h2>
      <p class="hint">
        ${msg(
          'Pages on these sites may send readers’ words and reports to this campaign. A change applies within seconds, with no restart.',
        )}
        ${this.#admin ? nothing : msg('Only admins can add or change partner sites.')}
      </p>
      ${
        this._problem && this._editing === null
          ? html`<p class="notice" role="alert">${this._problem}</p>`
          : nothing
      }
      ${
        list === null
          ? this._problem
            ? nothing
            : html`<p aria-busy="true">${msg('Loading…')}</p>`
          : html`${this.#renderTable(list)} ${this.#renderAdd(list)} ${this.#renderConfigured(list)}
            ${this.#renderUnassigned(list)}`
      }`;
  }

  #renderTable(list: PartnerList) {
    if (list.items.length === 0) return html`<p>${msg('No partner sites yet.')}</p>`;
    const admin = this.#admin;
    return html`<div class="table-wrap">
      <table>
        <caption class="visually-hidden">
          ${msg('Partner sites and what their readers did')}
        </caption>
        <thead>
          <tr>
            <th scope="col">${msg('Name')}</th>
            <th scope="col">${msg('Origins')}</th>
            <th scope="col">${msg('Contact')}</th>
            <th scope="col">${msg('Status')}</th>
            <th scope="col">${msg('Submissions')}</th>
            <th scope="col">${msg('Published')}</th>
            <th scope="col">${msg('Walls open now')}</th>
            ${admin ? html`<th scope="col">${msg('Actions')}</th>` : nothing}
          </tr>
        </thead>
        <tbody>
          ${list.items.map((partner) => this.#renderRow(partner, admin))}
        </tbody>
      </table>
    </div>`;
  }

  #renderRow(partner: PartnerSite, admin: boolean) {
    if (this._editing === partner.id) {
      return html`<tr>
        <td colspan=${admin ? 8 : 7}>${this.#renderForm()}</td>
      </tr>`;
    }
    const { figures } = partner;
    return html`<tr>
      <th scope="row">${partner.name}</th>
      <td>
        <ul class="origins">
          ${partner.origins.map((origin) => html`<li>${origin}</li>`)}
        </ul>
      </td>
      <td class="origin">${partner.contact ?? ''}</td>
      <td>
        <span class="badge ${partner.enabled ? 'approved' : 'removed'}"
          >${partner.enabled ? msg('Enabled') : msg('Disabled')}</span
        >
      </td>
      <td class="number">${this.#number(figures.submissions)}</td>
      <td class="number">${this.#number(figures.published)}</td>
      <td class="number">${this.#number(figures.openWalls)}</td>
      ${
        admin
          ? html`<td>
              <div class="row">
                <button
                  type="button"
                  id="pt-edit-${partner.id}"
                  ?disabled=${this._busy}
                  @click=${() => this.#edit(partner)}
                >
                  ${msg('Edit')}<span class="visually-hidden"> ${partner.name}</span>
                </button>
                <button type="button" ?disabled=${this._busy} @click=${() => this.#toggle(partner)}>
                  ${partner.enabled ? msg('Disable') : msg('Enable')}<span class="visually-hidden">
                    ${partner.name}</span
                  >
                </button>
                <button
                  type="button"
                  class="danger"
                  ?disabled=${this._busy}
                  @click=${() => this.#delete(partner)}
                >
                  ${msg('Delete')}<span class="visually-hidden"> ${partner.name}</span>
                </button>
              </div>
            </td>`
          : nothing
      }
    </tr>`;
  }

  #renderAdd(list: PartnerList) {
    if (!this.#admin) return nothing;
    if (this._editing === 'new') return this.#renderForm();
    const full = list.items.length >= list.limits.partners;
    return html`<div class="row">
      <button
        type="button"
        id="pt-add"
        class="primary"
        ?disabled=${this._busy || full}
        @click=${() => this.#edit(null)}
      >
        ${msg('Add a partner site')}
      </button>
      ${
        full
          ? html`<span class="hint"
              >${msg(str`A campaign can have at most ${list.limits.partners} partner sites.`)}</span
            >`
          : nothing
      }
    </div>`;
  }

  #renderConfigured(list: PartnerList) {
    if (list.configuredOrigins.length === 0) return nothing;
    return html`<section aria-labelledby="pt-configured">
      <h3 id="pt-configured">${msg('From the server’s configuration')}</h3>
      <p class="hint">
        ${msg(
          'These origins may always send. They are set where the API runs (CAMPAIGN_ALLOWED_ORIGINS) and cannot be changed here.',
        )}
      </p>
      <ul class="origins">
        ${list.configuredOrigins.map((origin) => html`<li>${origin}</li>`)}
      </ul>
    </section>`;
  }

  #renderUnassigned(list: PartnerList) {
    if (list.unassigned.length === 0) return nothing;
    return html`<section aria-labelledby="pt-unassigned">
      <h3 id="pt-unassigned">${msg('Other origins')}</h3>
      <p class="hint">
        ${msg('Submissions or open walls came from these origins, which belong to no partner site.')}
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">${msg('Origin')}</th>
              <th scope="col">${msg('Submissions')}</th>
              <th scope="col">${msg('Published')}</th>
              <th scope="col">${msg('Walls open now')}</th>
            </tr>
          </thead>
          <tbody>
            ${list.unassigned.map(
              (row) =>
                html`<tr>
                  <th scope="row" class="origin">${row.origin}</th>
                  <td class="number">${this.#number(row.submissions)}</td>
                  <td class="number">${this.#number(row.published)}</td>
                  <td class="number">${this.#number(row.openWalls)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>`;
  }

  #renderForm() {
    const d = this._draft;
    const errors = this._fieldErrors;
    const set = (patch: Partial<Draft>) => {
      this._draft = { ...this._draft, ...patch };
    };
    const describedBy = (field: Field, hint = false) =>
      [hint ? `pt-${field}-hint` : '', errors[field] ? `pt-${field}-error` : '']
        .filter(Boolean)
        .join(' ') || nothing;
    return html`<form
      novalidate
      @submit=${(e: Event) => void this.#save(e)}
      @keydown=${(e: KeyboardEvent) => {
        // Escape leaves the form, as Cancel does (nothing is sent).
        if (e.key === 'Escape' && !this._busy) {
          e.preventDefault();
          this.#cancel();
        }
      }}
    >
      <h3>${this._editing === 'new' ? msg('Add a partner site') : msg('Edit the partner site')}</h3>
      ${this._problem ? html`<p class="notice" role="alert">${this._problem}</p>` : nothing}
      <div class="field">
        <label for="pt-name">${msg('Name')}</label>
        <input
          id="pt-name"
          autocomplete="off"
          maxlength="120"
          required
          .value=${d.name}
          aria-invalid=${errors.name ? 'true' : 'false'}
          aria-describedby=${describedBy('name')}
          @input=${(e: Event) => set({ name: (e.target as HTMLInputElement).value })}
        />
        ${errors.name ? html`<span class="error" id="pt-name-error">${errors.name}</span>` : nothing}
      </div>
      <div class="field">
        <label for="pt-origins">${msg('Origins, one a line')}</label>
        <textarea
          id="pt-origins"
          spellcheck="false"
          autocomplete="off"
          required
          .value=${d.origins}
          aria-invalid=${errors.origins ? 'true' : 'false'}
          aria-describedby=${describedBy('origins', true)}
          @input=${(e: Event) => set({ origins: (e.target as HTMLTextAreaElement).value })}
        ></textarea>
        <span class="hint" id="pt-origins-hint"
          >${msg(
            'The start of the partner’s page addresses: https:// and the host name, with a port if it has one, such as https://news.example.com. No path.',
          )}</span
        >
        ${
          errors.origins
            ? html`<span class="error" id="pt-origins-error">${errors.origins}</span>`
            : nothing
        }
      </div>
      <div class="field">
        <label for="pt-contact">${msg('Contact (optional)')}</label>
        <input
          id="pt-contact"
          autocomplete="off"
          maxlength="300"
          .value=${d.contact}
          aria-invalid=${errors.contact ? 'true' : 'false'}
          aria-describedby=${describedBy('contact', true)}
          @input=${(e: Event) => set({ contact: (e.target as HTMLInputElement).value })}
        />
        <span class="hint" id="pt-contact-hint"
          >${msg('Whom to ask at the partner: a name, an email address or a phone number.')}</span
        >
        ${
          errors.contact
            ? html`<span class="error" id="pt-contact-error">${errors.contact}</span>`
            : nothing
        }
      </div>
      <label class="choice">
        <input
          type="checkbox"
          .checked=${d.enabled}
          @change=${(e: Event) => set({ enabled: (e.target as HTMLInputElement).checked })}
        />
        ${msg('Enabled: its pages may send')}
      </label>
      <div class="row">
        <button type="submit" class="primary" ?disabled=${this._busy}>${msg('Save')}</button>
        <button type="button" @click=${() => this.#cancel()}>${msg('Cancel')}</button>
      </div>
    </form>`;
  }
}
