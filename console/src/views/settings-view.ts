import { css, html, nothing } from 'lit';
import { ConsoleElement } from '../base.js';
import { property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { msg, str } from '@lit/localize';
import type {
  CampaignSettingField,
  CampaignSettings,
  CampaignSettingsUpdate,
} from '../../../src/api/campaign-settings.js';
import type { StaffMember } from '../../../src/api/newsroom.js';
import type { FieldErrorCode, Locale } from '../../../src/api/wire.js';
import { isFailure, type ConsoleApi } from '../api/client.js';
import { announce, emit } from '../events.js';
import { consoleLocale } from '../i18n/locale.js';
import { errorText, languageLabel } from '../i18n/messages.js';
import { shared } from '../styles/shared.js';

const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
const LIMIT_KEYS = [
  'messageMinLength',
  'messageMaxLength',
  'displayNameMaxLength',
  'photoMaxKb',
  'photoMaxDimension',
] as const;
type LimitKey = (typeof LIMIT_KEYS)[number];

interface DistrictDraft {
  /** Stable across edits, for focus and ids. */
  key: number;
  id: string;
  en: string;
  'zh-Hans': string;
  /** Added here (its id may still change). */
  added: boolean;
}

/** The form as typed: numbers as their text, the closing time as the input's local value. */
interface Draft {
  closesAt: string;
  consentVersion: string;
  'consent.en': string;
  'consent.zh-Hans': string;
  privacyPolicyUrl: string;
  districts: DistrictDraft[];
  messageMinLength: string;
  messageMaxLength: string;
  displayNameMaxLength: string;
  photoMaxKb: string;
  photoMaxDimension: string;
  photoTypes: string[];
}
type TextKey = Exclude<keyof Draft, 'districts' | 'photoTypes'>;
/** A form field an error is shown beside (a district's field as `d-<key>-<part>`). */
type ErrorKey = TextKey | 'photoTypes' | 'districts' | 'status' | `d-${number}-${'id' | Locale}`;

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DDTHH:MM` in this browser's time zone, as `datetime-local` shows it. */
function localInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The input's local time as ISO (UTC); '' is none; anything unreadable is sent as is. */
function isoOf(local: string): string | null {
  if (!local.trim()) return null;
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? local : new Date(ms).toISOString();
}

/** "Asia/Shanghai (UTC+08:00)": the zone closing times are typed and shown in. */
export function timeZoneLabel(at = new Date()): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const offset = -at.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${zone} (UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)})`;
}

let districtKeys = 0;

function draftOf(s: CampaignSettings): Draft {
  return {
    closesAt: localInput(s.closesAt),
    consentVersion: s.consent.version,
    'consent.en': s.consent.text.en ?? '',
    'consent.zh-Hans': s.consent.text['zh-Hans'] ?? '',
    privacyPolicyUrl: s.privacyPolicyUrl,
    districts: s.districts.map((d) => ({
      key: ++districtKeys,
      id: d.id,
      en: d.names.en,
      'zh-Hans': d.names['zh-Hans'],
      added: false,
    })),
    messageMinLength: String(s.limits.messageMinLength),
    messageMaxLength: String(s.limits.messageMaxLength),
    displayNameMaxLength: String(s.limits.displayNameMaxLength),
    photoMaxKb: String(Math.round(s.limits.photoMaxBytes / 1024)),
    photoMaxDimension: String(s.limits.photoMaxDimension),
    photoTypes: [...s.limits.photoTypes],
  };
}

/** A number as typed; what is not one goes as null, so the API names the field. */
const numberOf = (text: string): number => (text.trim() === '' ? NaN : Number(text));

function updateOf(
  d: Draft,
  base: CampaignSettings,
  status: 'open' | 'closed' = base.status,
): CampaignSettingsUpdate {
  const text: Partial<Record<Locale, string>> = {};
  for (const locale of base.locales) text[locale] = d[`consent.${locale}`];
  const kb = numberOf(d.photoMaxKb);
  return {
    revision: base.revision,
    status,
    // Unchanged, the time goes back as stored (the input keeps minutes, not seconds).
    closesAt: d.closesAt === localInput(base.closesAt) ? base.closesAt : isoOf(d.closesAt),
    consent: { version: d.consentVersion.trim(), text },
    privacyPolicyUrl: d.privacyPolicyUrl.trim(),
    districts: d.districts.map((x) => ({
      id: x.id.trim(),
      names: { en: x.en, 'zh-Hans': x['zh-Hans'] },
    })),
    limits: {
      messageMinLength: numberOf(d.messageMinLength),
      messageMaxLength: numberOf(d.messageMaxLength),
      displayNameMaxLength: numberOf(d.displayNameMaxLength),
      photoMaxBytes: Number.isNaN(kb) ? kb : Math.round(kb * 1024),
      photoMaxDimension: numberOf(d.photoMaxDimension),
      photoTypes: PHOTO_TYPES.filter((type) => d.photoTypes.includes(type)),
    },
  };
}

/** The fields of `a` and `b` that differ, as the audit trail names them. */
function changedFields(a: CampaignSettings, b: CampaignSettings): CampaignSettingField[] {
  const pick = (s: CampaignSettings) => ({
    status: s.status,
    closesAt: s.closesAt,
    consent: s.consent,
    privacyPolicyUrl: s.privacyPolicyUrl,
    districts: s.districts,
    limits: s.limits,
  });
  const x = pick(a);
  const y = pick(b);
  return (Object.keys(x) as CampaignSettingField[]).filter(
    (key) => JSON.stringify(x[key]) !== JSON.stringify(y[key]),
  );
}

/**
 * The campaign's settings: open or closed (with a confirmation), when it closes (in the
 * newsroom's time zone), the consent text in each language with its version, the
 * privacy policy, the districts and the submission limits. Everyone signed in reads
 * them; admins change them. What was typed stays whatever a save answers: each refused
 * field says why beside it, and a save that crossed someone else's change says what
 * they changed. The trust and safety settings have their own view (linked).
 *
 * @summary Campaign settings.
 * @fires newsroom-announce - The settings were saved, or the campaign closed or reopened.
 * @fires newsroom-go - The link to the safety settings was followed (detail: the view).
 */
export class NewsroomSettings extends ConsoleElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        padding: 0.75rem 1rem 2rem;
        max-width: 52rem;
      }
      h2 {
        font-size: 1.25rem;
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
      input[type='number'] {
        width: 8rem;
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
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      .district {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr));
        gap: 0.5rem;
        align-items: end;
      }
      .state {
        font-size: 1.1rem;
        font-weight: 600;
      }
      dialog {
        max-width: 32rem;
        border: 1px solid var(--_line);
        border-radius: var(--_radius);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 40%);
      }
    `,
  ];

  @property({ attribute: false }) api!: ConsoleApi;
  @property({ attribute: false }) me: StaffMember | null = null;

  /** The settings as the API last answered them (the base of the next save). */
  @state() private _saved: CampaignSettings | null = null;
  @state() private _draft: Draft | null = null;
  @state() private _errors: Partial<Record<ErrorKey, string>> = {};
  @state() private _problem = '';
  /** After a stale save: what someone else changed meanwhile. */
  @state() private _changedMeanwhile: CampaignSettingField[] = [];
  @state() private _busy = false;
  @state() private _done = '';

  private get _dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector<HTMLDialogElement>('dialog');
  }

  get #admin(): boolean {
    return this.me?.role === 'admin';
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.#load();
  }

  async #load() {
    this._problem = '';
    try {
      this._saved = await this.api.campaignSettings();
      this._draft = draftOf(this._saved);
    } catch (error) {
      this._problem = errorText(error);
    }
  }

  #label(key: TextKey | LimitKey): string {
    switch (key) {
      case 'closesAt':
        return msg('Closes at');
      case 'consentVersion':
        return msg('Consent version');
      case 'consent.en':
      case 'consent.zh-Hans': {
        const language = languageLabel(key === 'consent.en' ? 'en' : 'zh-Hans');
        return msg(str`Consent text (${language})`);
      }
      case 'privacyPolicyUrl':
        return msg('Privacy policy address');
      case 'messageMinLength':
        return msg('Shortest message, in characters (1 to 4000)');
      case 'messageMaxLength':
        return msg('Longest message, in characters (1 to 4000)');
      case 'displayNameMaxLength':
        return msg('Longest name, in characters (1 to 200)');
      case 'photoMaxKb':
        return msg('Largest photo, in KB (10 to 10240)');
      case 'photoMaxDimension':
        return msg('Longest side of a photo, in pixels (320 to 8192)');
    }
  }

  #errorLabel(key: ErrorKey): string {
    if (key === 'status') return msg('Status');
    if (key === 'districts') return msg('Districts');
    if (key === 'photoTypes') return msg('Photo types');
    const district = /^d-(\d+)-(.+)$/.exec(key);
    if (district) {
      const index = this._draft!.districts.findIndex((d) => d.key === Number(district[1]));
      const n = index + 1;
      const part = district[2] === 'id' ? msg('Id') : languageLabel(district[2] as Locale);
      return msg(str`District ${n}, ${part}`);
    }
    return this.#label(key as TextKey);
  }

  /** The sentence beside a refused field, by the API's code. */
  #message(key: ErrorKey, code: FieldErrorCode): string {
    switch (code) {
      case 'required':
        return msg('Fill this in.');
      case 'too_long':
        return msg('This is too long.');
      case 'too_short':
        return msg('This is too short.');
      case 'out_of_range':
        return key === 'messageMinLength'
          ? msg('The shortest message cannot be longer than the longest.')
          : key === 'closesAt'
            ? msg('Choose a time within five years.')
            : msg('Enter a whole number in the range given.');
      case 'in_the_past':
        return msg(
          'This time has passed. Choose a time still ahead, or none; or close the campaign.',
        );
      case 'consent_version_required':
        return msg('The text changed: give it a new version, so readers are asked again.');
      case 'consent_version_used':
        return msg('This version was used before. Choose one never used.');
      case 'district_in_use':
        return msg('Submissions name a district you removed. Keep it; its names can change.');
      case 'duplicate':
        return msg('This is listed twice.');
      case 'control_characters':
        return msg('Remove the invisible control characters.');
      default:
        switch (key) {
          case 'privacyPolicyUrl':
            return msg('Enter an address that starts with https://, or a path like /privacy.');
          case 'consentVersion':
            return msg('Use letters, digits, dots, dashes and underscores only.');
          case 'closesAt':
            return msg('Enter a date and time.');
          default:
            return /^d-\d+-id$/.test(key)
              ? msg('Use small letters, digits and dashes only.')
              : msg('This value is not accepted.');
        }
    }
  }

  /** The API's field (`districts.2.names.en`, `limits.photoMaxBytes`) → the form's. */
  #keyOf(field: string): ErrorKey | null {
    const path = field.replace(/^\//, '').replace(/\//g, '.');
    const district = /^districts\.(\d+)(?:\.(id|names\.(en|zh-Hans)))?/.exec(path);
    if (district) {
      const row = this._draft?.districts[Number(district[1])];
      if (!row) return 'districts';
      if (district[2] === 'id') return `d-${row.key}-id`;
      if (district[3]) return `d-${row.key}-${district[3] as Locale}`;
      return `d-${row.key}-id`;
    }
    if (path === 'districts') return 'districts';
    if (path === 'status') return 'status';
    if (path === 'closesAt') return 'closesAt';
    if (path === 'privacyPolicyUrl') return 'privacyPolicyUrl';
    if (path.startsWith('consent.version')) return 'consentVersion';
    if (path.startsWith('consent.text.en')) return 'consent.en';
    if (path.startsWith('consent.text.zh-Hans')) return 'consent.zh-Hans';
    if (path.startsWith('limits.photoTypes')) return 'photoTypes';
    if (path.startsWith('limits.photoMaxBytes')) return 'photoMaxKb';
    for (const key of LIMIT_KEYS) if (path.startsWith(`limits.${key}`)) return key;
    return null;
  }

  #set(patch: Partial<Draft>) {
    if (!this._draft) return;
    this._draft = { ...this._draft, ...patch };
    this._done = '';
  }

  #onInput(event: Event) {
    const target = event.target as HTMLInputElement;
    const name = target.name;
    if (!name || target.readOnly || target.disabled || !this._draft) return;
    if (name === 'photoTypes') {
      const types = new Set(this._draft.photoTypes);
      if (target.checked) types.add(target.value);
      else types.delete(target.value);
      this.#set({ photoTypes: [...types] });
      return;
    }
    const district = /^d-(\d+)-(id|en|zh-Hans)$/.exec(name);
    if (district) {
      const key = Number(district[1]);
      const part = district[2] as 'id' | Locale;
      this.#set({
        districts: this._draft.districts.map((d) =>
          d.key === key ? { ...d, [part]: target.value } : d,
        ),
      });
      return;
    }
    this.#set({ [name]: target.value });
  }

  async #addDistrict() {
    const row: DistrictDraft = { key: ++districtKeys, id: '', en: '', 'zh-Hans': '', added: true };
    this.#set({ districts: [...this._draft!.districts, row] });
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#d-${row.key}-id`)?.focus();
  }

  async #removeDistrict(key: number) {
    const rows = this._draft!.districts;
    const index = rows.findIndex((d) => d.key === key);
    const removed = rows[index];
    this.#set({ districts: rows.filter((d) => d.key !== key) });
    const name = removed?.id || msg('New district');
    announce(this, msg(str`District ${name} removed. Save to keep the change.`));
    await this.updateComplete;
    const next = this._draft!.districts[index] ?? this._draft!.districts[index - 1];
    this.renderRoot
      .querySelector<HTMLElement>(next ? `#d-${next.key}-remove` : '#add-district')
      ?.focus();
  }

  /** Sends the draft (or, from the dialog, only the status change: nothing else typed). */
  async #send(status?: 'open' | 'closed') {
    const draft = this._draft;
    const base = this._saved;
    if (!draft || !base || !this.#admin || this._busy) return;
    this._errors = {};
    this._problem = '';
    this._busy = true;
    this._done = '';
    const body =
      status === undefined
        ? updateOf(draft, base)
        : {
            ...updateOf(draftOf(base), base, status),
            // Reopening a campaign whose closing time has passed removes that time.
            ...(status === 'open' &&
            base.readerStatus === 'closed' &&
            base.closesAt &&
            Date.parse(base.closesAt) <= Date.now()
              ? { closesAt: null }
              : {}),
          };
    try {
      const saved = await this.api.saveCampaignSettings(body);
      const typed = status === undefined ? null : draft;
      this._saved = saved;
      this._changedMeanwhile = [];
      // A status change from the dialog keeps whatever else is being typed.
      this._draft = typed
        ? saved.closesAt === base.closesAt
          ? { ...typed }
          : { ...typed, closesAt: localInput(saved.closesAt) }
        : draftOf(saved);
      this._done =
        status === 'closed'
          ? msg('The campaign is closed. Open forms show it closed within seconds.')
          : status === 'open'
            ? msg('The campaign is open again. Open forms take submissions within seconds.')
            : msg('Campaign settings saved.');
      announce(this, this._done);
    } catch (error) {
      // What was typed stays: only the answer is shown.
      if (isFailure(error, 'stale')) {
        const current = (error.body?.details as { current?: CampaignSettings } | undefined)
          ?.current;
        if (current) {
          this._changedMeanwhile = changedFields(base, current);
          this._saved = current;
        }
        this._problem = msg(
          'Someone changed these settings meanwhile. What you typed is still here: check it against their change and save again.',
        );
        announce(this, this._problem);
        return;
      }
      if (isFailure(error, 'validation') && error.body?.fields?.length) {
        const found: Partial<Record<ErrorKey, string>> = {};
        for (const { field, code } of error.body.fields) {
          const key = this.#keyOf(field) ?? 'status';
          found[key] ??= this.#message(key, code);
        }
        this._errors = found;
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>('.summary')?.focus();
        return;
      }
      this._problem = errorText(error);
      announce(this, this._problem);
    } finally {
      this._busy = false;
    }
  }

  #fieldName(field: CampaignSettingField): string {
    switch (field) {
      case 'status':
        return msg('Open or closed');
      case 'closesAt':
        return msg('Closing time');
      case 'consent':
        return msg('Consent');
      case 'privacyPolicyUrl':
        return msg('Privacy policy');
      case 'districts':
        return msg('Districts');
      case 'limits':
        return msg('Submission limits');
    }
  }

  #when(iso: string): string {
    return new Intl.DateTimeFormat(consoleLocale(), {
      dateStyle: 'long',
      timeStyle: 'short',
    }).format(new Date(iso));
  }

  #confirm() {
    this._dialog?.showModal();
  }

  async #confirmed(event: Event) {
    event.preventDefault();
    const status = this._saved?.readerStatus === 'open' ? 'closed' : 'open';
    this._dialog?.close();
    await this.#send(status);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#toggle')?.focus();
  }

  override render() {
    const draft = this._draft;
    const saved = this._saved;
    if (!draft || !saved) {
      return html`<h2>${msg('Campaign settings')}</h2>
        ${
          this._problem
            ? html`<p class="notice bad" role="alert">${this._problem}</p>
                <p>
                  <button type="button" @click=${() => void this.#load()}>
                    ${msg('Try again')}
                  </button>
                </p>`
            : html`<p role="status">${msg('Loading…')}</p>`
        }`;
    }
    const admin = this.#admin;
    const open = saved.readerStatus === 'open';
    const passed =
      saved.status === 'open' && !open && saved.closesAt !== null
        ? this.#when(saved.closesAt)
        : null;
    const errors = Object.entries(this._errors) as [ErrorKey, string][];
    const dirty =
      JSON.stringify(updateOf(draft, saved)) !== JSON.stringify(updateOf(draftOf(saved), saved));
    const zone = timeZoneLabel();
    const used = saved.pastConsentVersions.join(', ');
    return html`
      <h2 id="settings-heading">${msg('Campaign settings')}</h2>
      ${
        admin
          ? nothing
          : html`<p class="notice">${msg('Only an admin can change these settings.')}</p>`
      }
      <p>
        ${msg('Word lists, the report threshold and the reporting contact have their own view:')}
        <a
          href="?view=safety"
          @click=${(e: Event) => {
            e.preventDefault();
            emit(this, 'newsroom-go', { view: 'safety' });
          }}
          >${msg('Safety settings')}</a
        >
      </p>

      <section aria-labelledby="status-heading">
        <h3 id="status-heading">${msg('Open or closed')}</h3>
        <p class="state" id="state">
          ${
            open
              ? msg('Open: readers can send their words.')
              : passed
                ? msg(str`Closed: its closing time passed (${passed}).`)
                : msg('Closed: forms tell readers the campaign has ended.')
          }
        </p>
        ${
          admin
            ? html`<button
                id="toggle"
                type="button"
                class=${open ? '' : 'primary'}
                aria-describedby="state"
                ?disabled=${this._busy}
                @click=${this.#confirm}
              >
                ${open ? msg('Close the campaign…') : msg('Reopen the campaign…')}
              </button>`
            : nothing
        }
      </section>

      ${
        this._changedMeanwhile.length
          ? html`<div class="notice" role="status">
              <p>${msg('Changed by someone else meanwhile:')}</p>
              <ul>
                ${this._changedMeanwhile.map((f) => html`<li>${this.#fieldName(f)}</li>`)}
              </ul>
            </div>`
          : nothing
      }
      ${
        errors.length
          ? html`<div class="summary" tabindex="-1" aria-labelledby="summary-heading">
              <h3 id="summary-heading">${msg('Not saved: check these fields')}</h3>
              <ul>
                ${errors.map(
                  ([key, text]) =>
                    html`<li>
                      <a
                        href="#${key}"
                        @click=${(e: Event) => {
                          e.preventDefault();
                          this.renderRoot.querySelector<HTMLElement>(`[id="${key}"]`)?.focus();
                        }}
                        >${this.#errorLabel(key)}${consoleLocale() === 'zh-Hans' ? '：' : ': '}${text}</a
                      >
                    </li>`,
                )}
              </ul>
            </div>`
          : nothing
      }
      <form
        novalidate
        aria-labelledby="settings-heading"
        @input=${this.#onInput}
        @change=${this.#onInput}
        @submit=${(e: SubmitEvent) => {
          e.preventDefault();
          void this.#send();
        }}
      >
        <fieldset>
          <legend>${msg('Closing time')}</legend>
          ${this.#field('closesAt', 'datetime-local', msg(str`In ${zone}. Leave empty for no closing time; the form counts down the days and closes on time by itself.`))}
        </fieldset>
        <fieldset>
          <legend>${msg('Consent')}</legend>
          ${this.#field(
            'consentVersion',
            'text',
            used
              ? msg(
                  str`A new text needs a new version; readers are asked again. Used before: ${used}.`,
                )
              : msg('A new text needs a new version; readers are asked again.'),
          )}
          ${saved.locales.map((locale) => this.#field(`consent.${locale}`, '', '', locale))}
          ${this.#field('privacyPolicyUrl', 'text')}
        </fieldset>
        <fieldset
          aria-describedby="districts-hint${this._errors.districts ? ' districts-error' : ''}"
        >
          <legend>${msg('Districts')}</legend>
          <p class="hint" id="districts-hint">
            ${msg('A district that submissions name cannot be removed; its names can change.')}
          </p>
          ${
            this._errors.districts
              ? html`<p class="error" id="districts-error">${this._errors.districts}</p>`
              : nothing
          }
          ${draft.districts.map((d, i) => this.#district(d, i, saved))}
          ${
            admin
              ? html`<div class="row">
                  <button id="add-district" type="button" @click=${() => void this.#addDistrict()}>
                    ${msg('Add a district')}
                  </button>
                </div>`
              : nothing
          }
        </fieldset>
        <fieldset>
          <legend>${msg('Submission limits')}</legend>
          ${LIMIT_KEYS.map((key) => this.#field(key, 'number'))}
          <fieldset
            aria-describedby="photo-types-hint${this._errors.photoTypes ? ' photoTypes' : ''}"
          >
            <legend>${msg('Photo types accepted')}</legend>
            <p class="hint" id="photo-types-hint">${msg('None turns photos off.')}</p>
            ${PHOTO_TYPES.map(
              (type) =>
                html`<label class="choice">
                  <input
                    type="checkbox"
                    name="photoTypes"
                    .value=${type}
                    .checked=${draft.photoTypes.includes(type)}
                    ?disabled=${!admin}
                  />
                  ${type.replace('image/', '').toUpperCase()}
                </label>`,
            )}
            ${
              this._errors.photoTypes
                ? html`<span class="error" id="photoTypes">${this._errors.photoTypes}</span>`
                : nothing
            }
          </fieldset>
        </fieldset>
        ${
          admin
            ? html`<div class="row">
                <button class="primary" type="submit" ?disabled=${this._busy}>
                  ${msg('Save the settings')}
                </button>
                ${
                  this._busy
                    ? html`<span role="status">${msg('Sending…')}</span>`
                    : this._done
                      ? html`<span class="notice ok" role="status">${this._done}</span>`
                      : dirty
                        ? html`<span class="hint">${msg('Not saved yet')}</span>`
                        : nothing
                }
              </div>`
            : nothing
        }
        ${this._problem ? html`<p class="notice bad" role="alert">${this._problem}</p>` : nothing}
      </form>
      ${admin ? this.#renderDialog(open) : nothing}
    `;
  }

  #renderDialog(open: boolean) {
    const passed = !open && this._saved?.closesAt && Date.parse(this._saved.closesAt) <= Date.now();
    return html`<dialog aria-labelledby="confirm-heading" aria-describedby="confirm-text">
      <form method="dialog" @submit=${this.#confirmed}>
        <h3 id="confirm-heading">
          ${open ? msg('Close the campaign now?') : msg('Reopen the campaign now?')}
        </h3>
        <p id="confirm-text">
          ${
            open
              ? msg(
                  'Forms on every page stop taking submissions within seconds and tell readers the campaign has ended. Drafts stay on readers’ devices.',
                )
              : passed
                ? msg(
                    'Its closing time has passed: reopening removes it. Forms on every page take submissions again within seconds.',
                  )
                : msg('Forms on every page take submissions again within seconds.')
          }
        </p>
        <div class="row">
          <button class="primary" type="submit">
            ${open ? msg('Close the campaign') : msg('Reopen the campaign')}
          </button>
          <button type="button" @click=${() => this._dialog?.close()}>${msg('Cancel')}</button>
        </div>
      </form>
    </dialog>`;
  }

  #district(d: DistrictDraft, index: number, saved: CampaignSettings) {
    const admin = this.#admin;
    const inUse = !d.added && saved.districtsInUse.includes(d.id);
    const n = index + 1;
    return html`<fieldset class="district">
      <legend>${d.added ? msg(str`District ${n} (new)`) : msg(str`District ${n}`)}</legend>
      ${this.#input(`d-${d.key}-id`, msg('Id'), d.id, 'text', undefined, !d.added)}
      ${this.#input(`d-${d.key}-zh-Hans`, languageLabel('zh-Hans'), d['zh-Hans'], 'text', 'zh-Hans')}
      ${this.#input(`d-${d.key}-en`, languageLabel('en'), d.en, 'text', 'en')}
      ${
        admin
          ? inUse
            ? html`<span class="hint">${msg('Named by submissions: kept.')}</span>`
            : html`<button
                id="d-${d.key}-remove"
                type="button"
                @click=${() => void this.#removeDistrict(d.key)}
              >
                ${msg(str`Remove district ${n}`)}
              </button>`
          : nothing
      }
    </fieldset>`;
  }

  /** A field of the draft with its label, hint and error. */
  #field(key: TextKey, type: '' | 'number' | 'text' | 'datetime-local', hint = '', lang?: Locale) {
    return this.#input(key, this.#label(key), this._draft![key], type, lang, false, hint);
  }

  /** One input (a textarea without a type) with its label, hint and error. */
  #input(
    id: string,
    label: string,
    value: string,
    type: '' | 'number' | 'text' | 'datetime-local',
    lang?: Locale,
    fixed = false,
    hint = '',
  ) {
    const error = this._errors[id as ErrorKey];
    const described =
      [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].join(' ').trim() || nothing;
    const readonly = !this.#admin || fixed;
    const invalid = error ? 'true' : 'false';
    return html`<div class="field">
      <label for=${id}>${label}</label>
      ${
        type
          ? html`<input
              id=${id}
              name=${id}
              type=${type}
              lang=${ifDefined(lang)}
              autocomplete="off"
              ?readonly=${readonly}
              aria-invalid=${invalid}
              aria-describedby=${described}
              .value=${value}
            />`
          : html`<textarea
              id=${id}
              name=${id}
              rows="4"
              lang=${ifDefined(lang)}
              ?readonly=${readonly}
              aria-invalid=${invalid}
              aria-describedby=${described}
              .value=${value}
            ></textarea>`
      }
      ${hint ? html`<span class="hint" id="${id}-hint">${hint}</span>` : nothing}
      ${error ? html`<span class="error" id="${id}-error">${error}</span>` : nothing}
    </div>`;
  }
}
