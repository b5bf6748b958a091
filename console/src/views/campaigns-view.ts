import { css, html, nothing } from 'lit';
import { ConsoleElement } from '../base.js';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import type { CampaignCreate, CampaignSummary } from '../../../src/api/campaigns.js';
import type { StaffMember } from '../../../src/api/newsroom.js';
import { LOCALES, type Locale } from '../../../src/api/wire.js';
import { isFailure, type ConsoleApi } from '../api/client.js';
import { announce } from '../events.js';
import { formatWhen } from '../i18n/format.js';
import { consoleLocale } from '../i18n/locale.js';
import { errorText, languageLabel, roleLabel } from '../i18n/messages.js';
import { shared } from '../styles/shared.js';

/** The form's fields by the API's field path (`text.en.title` → `c-text-en-title`). */
const idOf = (field: string) => `c-${field.replace(/\./g, '-')}`;

interface Draft {
  id: string;
  locales: Locale[];
  defaultLocale: Locale;
  text: Record<Locale, { title: string; summary: string; consentText: string }>;
  consentVersion: string;
  privacyPolicyUrl: string;
  status: 'open' | 'closed';
  closesAt: string;
  districts: string;
}

const emptyDraft = (): Draft => ({
  id: '',
  locales: ['en', 'zh-Hans'],
  defaultLocale: 'en',
  text: {
    en: { title: '', summary: '', consentText: '' },
    'zh-Hans': { title: '', summary: '', consentText: '' },
  },
  consentVersion: '1',
  privacyPolicyUrl: '',
  status: 'closed',
  closesAt: '',
  districts: '',
});

/** One district a line: `id, English name, Chinese name` (names in the campaign's languages). */
function districtsOf(text: string, locales: readonly Locale[]): CampaignCreate['districts'] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [id = '', ...names] = line.split(',').map((part) => part.trim());
      const byLocale: Partial<Record<Locale, string>> = {};
      locales.forEach((locale, i) => {
        if (names[i]) byLocale[locale] = names[i];
      });
      return { id, names: byLocale };
    });
}

/** What the API is sent: exactly the contract's fields. */
export function createBodyOf(draft: Draft): CampaignCreate {
  const locales = LOCALES.filter((locale) => draft.locales.includes(locale));
  const text: CampaignCreate['text'] = {};
  for (const locale of locales) text[locale] = { ...draft.text[locale] };
  return {
    id: draft.id.trim(),
    locales,
    defaultLocale: draft.defaultLocale,
    text,
    consentVersion: draft.consentVersion.trim(),
    privacyPolicyUrl: draft.privacyPolicyUrl.trim(),
    status: draft.status,
    closesAt: draft.closesAt ? new Date(draft.closesAt).toISOString() : null,
    districts: districtsOf(draft.districts, locales),
  };
}

/**
 * The campaigns this person has a role on (with their role, and what waits and what is
 * published on each), and — for an account whose own role is admin — a form that creates
 * a new campaign. The widgets on partner pages name it by its id.
 *
 * @summary Campaigns, and a new one.
 * @fires newsroom-announce - What creating a campaign did.
 */
export class NewsroomCampaigns extends ConsoleElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        padding: 0.75rem 1rem 2rem;
        max-width: 56rem;
      }
      h2 {
        font-size: 1.25rem;
        margin-bottom: 0.5rem;
      }
      h3 {
        font-size: 1.0625rem;
        margin: 1.25rem 0 0.5rem;
      }
      form,
      fieldset {
        display: flex;
        flex-direction: column;
        gap: 0.75rem;
        margin: 0.75rem 0 0;
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
      textarea {
        min-height: 4.5rem;
      }
      [aria-invalid='true'] {
        border: 2px solid var(--_bad) !important;
      }
      .summary {
        margin-top: 0.75rem;
        padding: 0.75rem;
        border: 2px solid var(--_bad);
        border-radius: var(--_radius);
      }
      .scroll {
        overflow-x: auto;
      }
      td {
        overflow-wrap: anywhere;
      }
    `,
  ];

  @property({ attribute: false }) api!: ConsoleApi;
  /** The signed-in person, with their own role (not a campaign's). */
  @property({ attribute: false }) me: StaffMember | null = null;

  @state() private _campaigns: CampaignSummary[] = [];
  @state() private _loading = true;
  @state() private _problem = '';
  @state() private _draft: Draft = emptyDraft();
  /** Refused fields by the API's field path, with the message shown. */
  @state() private _errors: Record<string, string> = {};
  @state() private _busy = false;
  @state() private _created: CampaignSummary | null = null;

  get campaigns(): readonly CampaignSummary[] {
    return this._campaigns;
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.#load();
  }

  async #load() {
    try {
      this._campaigns = (await this.api.listCampaigns()).items;
      this._problem = '';
    } catch (error) {
      this._problem = errorText(error);
    } finally {
      this._loading = false;
    }
  }

  get #admin(): boolean {
    return this.me?.role === 'admin';
  }

  #fieldName(field: string): string {
    const [first, locale, part] = field.split('.');
    const inLocale = (name: string) =>
      locale === 'en' || locale === 'zh-Hans' ? msg(str`${name} (${languageLabel(locale)})`) : name;
    switch (first) {
      case 'id':
        return msg('Campaign id');
      case 'locales':
        return msg('Languages');
      case 'defaultLocale':
        return msg('Default language');
      case 'text':
        return inLocale(
          part === 'title'
            ? msg('Title')
            : part === 'summary'
              ? msg('Summary')
              : part === 'consentText'
                ? msg('Consent text')
                : msg('Text'),
        );
      case 'consentVersion':
        return msg('Consent version');
      case 'privacyPolicyUrl':
        return msg('Privacy policy address');
      case 'closesAt':
        return msg('Closing time');
      case 'districts':
        return msg('Districts');
      case 'status':
        return msg('When created');
      default:
        return field;
    }
  }

  #fieldMessage(field: string, code: string): string {
    if (code === 'required') return msg('Fill this in.');
    if (code === 'control_characters' || code === 'invisible_characters') {
      return msg('Remove the hidden or control characters.');
    }
    switch (field.split('.')[0]) {
      case 'id':
        return msg('Use 2 to 64 lower-case letters, digits and single hyphens.');
      case 'defaultLocale':
        return msg('Choose one of the campaign’s languages.');
      case 'privacyPolicyUrl':
        return msg('Use an https:// address, or a path on this API such as /privacy.');
      case 'closesAt':
        return msg('Choose a time in the future, or leave it empty.');
      case 'consentVersion':
        return msg('Use letters, digits, dots, hyphens or underscores.');
      case 'districts':
        return msg('Each line needs an id and a name in every language, ids once each.');
      default:
        return msg('Check this field.');
    }
  }

  /** The form's field for an API field path (districts share one box). */
  #anchor(field: string): string {
    const parts = field.split('.');
    if (parts[0] === 'districts') return 'districts';
    if (parts[0] === 'text' && parts.length === 2) return `${field}.title`;
    return field;
  }

  async #create(event: SubmitEvent) {
    event.preventDefault();
    if (this._busy || !this.#admin) return;
    this._errors = {};
    this._problem = '';
    this._created = null;
    this._busy = true;
    try {
      const created = await this.api.createCampaign(createBodyOf(this._draft));
      this._campaigns = [...this._campaigns, created].sort((a, b) => (a.id < b.id ? -1 : 1));
      this._created = created;
      this._draft = emptyDraft();
      announce(this, msg(str`Campaign ${created.title} created.`));
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#created')?.focus();
    } catch (error) {
      // What was typed stays: only the answer is shown.
      if (isFailure(error, 'campaign_exists')) {
        this._errors = { id: msg('A campaign with this id exists already.') };
      } else if (isFailure(error, 'validation') && error.body?.fields?.length) {
        const found: Record<string, string> = {};
        for (const { field, code } of error.body.fields) {
          found[this.#anchor(field)] ??= this.#fieldMessage(field, code);
        }
        this._errors = found;
      } else {
        this._problem = errorText(error);
        announce(this, this._problem);
        return;
      }
      announce(this, msg('Not created: check the fields listed.'));
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('.summary')?.focus();
    } finally {
      this._busy = false;
    }
  }

  #set<K extends keyof Draft>(key: K, value: Draft[K]) {
    this._draft = { ...this._draft, [key]: value };
  }

  #setText(locale: Locale, key: 'title' | 'summary' | 'consentText', value: string) {
    const text = { ...this._draft.text, [locale]: { ...this._draft.text[locale], [key]: value } };
    this._draft = { ...this._draft, text };
  }

  #toggleLocale(locale: Locale, on: boolean) {
    const locales = on
      ? LOCALES.filter((l) => l === locale || this._draft.locales.includes(l))
      : this._draft.locales.filter((l) => l !== locale);
    const defaultLocale = locales.includes(this._draft.defaultLocale)
      ? this._draft.defaultLocale
      : (locales[0] ?? this._draft.defaultLocale);
    this._draft = { ...this._draft, locales, defaultLocale };
  }

  override render() {
    const locale = consoleLocale();
    return html`
      <h2 id="campaigns-heading">${msg('Campaigns')}</h2>
      ${this._problem ? html`<p class="notice bad" role="alert">${this._problem}</p>` : nothing}
      ${
        this._loading
          ? html`<p role="status">${msg('Loading…')}</p>`
          : html`<div class="scroll">
              <table aria-labelledby="campaigns-heading">
                <thead>
                  <tr>
                    <th scope="col">${msg('Campaign')}</th>
                    <th scope="col">${msg('Status')}</th>
                    <th scope="col">${msg('Your role')}</th>
                    <th scope="col">${msg('Waiting')}</th>
                    <th scope="col">${msg('Published')}</th>
                    <th scope="col">${msg('Closes')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${this._campaigns.map(
                    (c) =>
                      html`<tr>
                        <td>
                          <a href=${`?campaign=${encodeURIComponent(c.id)}`}>${c.title}</a>
                          <span class="muted">${c.id}</span>
                        </td>
                        <td>${c.status === 'open' ? msg('Open') : msg('Closed')}</td>
                        <td>${roleLabel(c.role)}</td>
                        <td>${c.counts.pending}</td>
                        <td>${c.counts.approved}</td>
                        <td>${c.closesAt ? formatWhen(c.closesAt, locale) : '—'}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
      ${this._created ? this.#renderCreated(this._created) : nothing}
      ${this.#admin ? this.#renderForm() : nothing}
    `;
  }

  #renderCreated(created: CampaignSummary) {
    return html`<div class="notice ok" id="created" tabindex="-1">
      <p>
        ${
          created.status === 'open'
            ? msg(
                str`${created.title} is ready and open to readers. Widgets name it as campaign="${created.id}".`,
              )
            : msg(
                str`${created.title} is ready and closed to readers for now. Widgets name it as campaign="${created.id}".`,
              )
        }
      </p>
      <p><a href=${`?campaign=${encodeURIComponent(created.id)}`}>${msg('Open it here')}</a></p>
    </div>`;
  }

  #invalid(field: string) {
    return this._errors[field] ? 'true' : 'false';
  }

  #error(field: string) {
    const text = this._errors[field];
    return text ? html`<p class="error" id=${`${idOf(field)}-error`}>${text}</p>` : nothing;
  }

  #described(field: string, hint?: string) {
    const ids = [hint, this._errors[field] ? `${idOf(field)}-error` : undefined].filter(Boolean);
    return ids.join(' ') || nothing;
  }

  #renderForm() {
    const d = this._draft;
    const errors = Object.entries(this._errors);
    return html`<h3 id="new-heading">${msg('New campaign')}</h3>
      ${
        errors.length
          ? html`<div class="summary" tabindex="-1" aria-labelledby="summary-heading">
              <h4 id="summary-heading">${msg('Not created: check these fields')}</h4>
              <ul>
                ${errors.map(
                  ([field, text]) =>
                    html`<li>
                      <a
                        href=${`#${idOf(field)}`}
                        @click=${(e: Event) => {
                          e.preventDefault();
                          this.renderRoot.querySelector<HTMLElement>(`#${idOf(field)}`)?.focus();
                        }}
                        >${this.#fieldName(field)}: ${text}</a
                      >
                    </li>`,
                )}
              </ul>
            </div>`
          : nothing
      }
      <form novalidate aria-labelledby="new-heading" @submit=${this.#create}>
        <div class="field">
          <label for="c-id">${msg('Campaign id')}</label>
          <input
            id="c-id"
            autocomplete="off"
            spellcheck="false"
            required
            .value=${d.id}
            aria-invalid=${this.#invalid('id')}
            aria-describedby=${this.#described('id', 'c-id-hint')}
            @input=${(e: Event) => this.#set('id', (e.target as HTMLInputElement).value)}
          />
          <p class="hint" id="c-id-hint">
            ${msg(
              'Lower-case letters, digits and hyphens, such as riverside-2027. Widgets name the campaign by it; it cannot be changed later.',
            )}
          </p>
          ${this.#error('id')}
        </div>
        <fieldset id="c-locales" tabindex="-1" aria-invalid=${this.#invalid('locales')}>
          <legend>${msg('Languages')}</legend>
          ${LOCALES.map(
            (l) =>
              html`<label class="choice">
                <input
                  type="checkbox"
                  .checked=${d.locales.includes(l)}
                  @change=${(e: Event) =>
                    this.#toggleLocale(l, (e.target as HTMLInputElement).checked)}
                />
                ${languageLabel(l)}
              </label>`,
          )}
          ${this.#error('locales')}
        </fieldset>
        <div class="field">
          <label for="c-defaultLocale">${msg('Default language')}</label>
          <select
            id="c-defaultLocale"
            aria-invalid=${this.#invalid('defaultLocale')}
            aria-describedby=${this.#described('defaultLocale')}
            @change=${(e: Event) =>
              this.#set('defaultLocale', (e.target as HTMLSelectElement).value as Locale)}
          >
            ${d.locales.map(
              (l) =>
                html`<option value=${l} ?selected=${l === d.defaultLocale}>
                  ${languageLabel(l)}
                </option>`,
            )}
          </select>
          ${this.#error('defaultLocale')}
        </div>
        ${d.locales.map((l) => this.#renderText(l))}
        <div class="field">
          <label for="c-consentVersion">${msg('Consent version')}</label>
          <input
            id="c-consentVersion"
            autocomplete="off"
            .value=${d.consentVersion}
            aria-invalid=${this.#invalid('consentVersion')}
            aria-describedby=${this.#described('consentVersion', 'c-consentVersion-hint')}
            @input=${(e: Event) =>
              this.#set('consentVersion', (e.target as HTMLInputElement).value)}
          />
          <p class="hint" id="c-consentVersion-hint">
            ${msg('Each submission keeps the version its reader agreed to.')}
          </p>
          ${this.#error('consentVersion')}
        </div>
        <div class="field">
          <label for="c-privacyPolicyUrl">${msg('Privacy policy address')}</label>
          <input
            id="c-privacyPolicyUrl"
            type="url"
            autocomplete="off"
            .value=${d.privacyPolicyUrl}
            aria-invalid=${this.#invalid('privacyPolicyUrl')}
            aria-describedby=${this.#described('privacyPolicyUrl')}
            @input=${(e: Event) =>
              this.#set('privacyPolicyUrl', (e.target as HTMLInputElement).value)}
          />
          ${this.#error('privacyPolicyUrl')}
        </div>
        <div class="field">
          <label for="c-closesAt">${msg('Closing time (optional)')}</label>
          <input
            id="c-closesAt"
            type="datetime-local"
            .value=${d.closesAt}
            aria-invalid=${this.#invalid('closesAt')}
            aria-describedby=${this.#described('closesAt', 'c-closesAt-hint')}
            @input=${(e: Event) => this.#set('closesAt', (e.target as HTMLInputElement).value)}
          />
          <p class="hint" id="c-closesAt-hint">
            ${msg('In your own time zone. Leave it empty for no closing time.')}
          </p>
          ${this.#error('closesAt')}
        </div>
        <div class="field">
          <label for="c-districts">${msg('Districts (optional)')}</label>
          <textarea
            id="c-districts"
            .value=${d.districts}
            aria-invalid=${this.#invalid('districts')}
            aria-describedby=${this.#described('districts', 'c-districts-hint')}
            @input=${(e: Event) => this.#set('districts', (e.target as HTMLTextAreaElement).value)}
          ></textarea>
          <p class="hint" id="c-districts-hint">
            ${msg(
              'One a line: an id, then its name in each language in the order above, separated by commas. For example: north-bank, North bank, 北岸',
            )}
          </p>
          ${this.#error('districts')}
        </div>
        <fieldset id="c-status" tabindex="-1">
          <legend>${msg('When created')}</legend>
          <label class="choice">
            <input
              type="radio"
              name="status"
              value="closed"
              .checked=${d.status === 'closed'}
              @change=${() => this.#set('status', 'closed')}
            />
            ${msg('Closed: readers see it, but cannot send yet')}
          </label>
          <label class="choice">
            <input
              type="radio"
              name="status"
              value="open"
              .checked=${d.status === 'open'}
              @change=${() => this.#set('status', 'open')}
            />
            ${msg('Open: readers can send at once')}
          </label>
        </fieldset>
        <div>
          <button class="primary" type="submit" ?disabled=${this._busy}>
            ${this._busy ? msg('Creating…') : msg('Create campaign')}
          </button>
        </div>
      </form>`;
  }

  #renderText(l: Locale) {
    const t = this._draft.text[l];
    const field = (key: 'title' | 'summary' | 'consentText', label: string, multiline: boolean) => {
      const name = `text.${l}.${key}`;
      const onInput = (e: Event) =>
        this.#setText(l, key, (e.target as HTMLInputElement | HTMLTextAreaElement).value);
      return html`<div class="field">
        <label for=${idOf(name)}>${label}</label>
        ${
          multiline
            ? html`<textarea
                id=${idOf(name)}
                lang=${l}
                .value=${t[key]}
                aria-invalid=${this.#invalid(name)}
                aria-describedby=${this.#described(name)}
                @input=${onInput}
              ></textarea>`
            : html`<input
                id=${idOf(name)}
                lang=${l}
                autocomplete="off"
                .value=${t[key]}
                aria-invalid=${this.#invalid(name)}
                aria-describedby=${this.#described(name)}
                @input=${onInput}
              />`
        }
        ${this.#error(name)}
      </div>`;
    };
    return html`<fieldset>
      <legend>${msg(str`Text in ${languageLabel(l)}`)}</legend>
      ${field('title', msg('Title'), false)} ${field('summary', msg('Summary'), true)}
      ${field('consentText', msg('Consent text'), true)}
    </fieldset>`;
  }
}
