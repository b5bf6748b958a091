import { css, html, nothing } from 'lit';
import { ConsoleElement } from '../base.js';
import { property, state } from 'lit/decorators.js';
import { msg } from '@lit/localize';
import type {
  SafetySettings,
  SafetySettingsUpdate,
  StaffMember,
} from '../../../src/api/newsroom.js';
import type { Locale } from '../../../src/api/wire.js';
import { isFailure, type ConsoleApi } from '../api/client.js';
import { announce } from '../events.js';
import { errorText, languageLabel } from '../i18n/messages.js';
import { shared } from '../styles/shared.js';

/** The form as typed: numbers and word lists as their text, switches as booleans. */
interface Draft {
  moderation: 'pre' | 'post';
  reportThreshold: string;
  reportsOptional: boolean;
  contactKind: '' | 'phone' | 'email' | 'url';
  contactValue: string;
  'label.en': string;
  'label.zh-Hans': string;
  'words.en': string;
  'words.zh-Hans': string;
  holdLinks: boolean;
  holdPhones: boolean;
  holdEmails: boolean;
  holdRepeats: boolean;
  check: boolean;
  checkUrl: string;
  checkTimeout: string;
  checkSecret: string;
}
type Key = keyof Draft;
type FieldErrors = Partial<Record<Key, string>>;

/** The word lists, Chinese first (the campaign's own language). */
const WORD_LOCALES: Locale[] = ['zh-Hans', 'en'];
const HOLDS = ['holdLinks', 'holdPhones', 'holdEmails', 'holdRepeats'] as const;

function draftOf(s: SafetySettings): Draft {
  const contact = s.reportContact;
  const check = s.externalCheck;
  return {
    moderation: s.moderation,
    reportThreshold: String(s.reportThreshold),
    reportsOptional: s.reportsOptional,
    contactKind: contact?.kind ?? '',
    contactValue: contact?.value ?? '',
    'label.en': contact?.label.en ?? '',
    'label.zh-Hans': contact?.label['zh-Hans'] ?? '',
    'words.en': s.words.en.join('\n'),
    'words.zh-Hans': s.words['zh-Hans'].join('\n'),
    holdLinks: s.holdLinks,
    holdPhones: s.holdPhones,
    holdEmails: s.holdEmails,
    holdRepeats: s.holdRepeats,
    check: check !== null,
    checkUrl: check?.url ?? '',
    checkTimeout: String(check?.timeoutMs ?? 3000),
    checkSecret: '',
  };
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** The PUT body: the secret only when one was typed (else the one set is kept). */
function updateOf(d: Draft): SafetySettingsUpdate {
  return {
    moderation: d.moderation,
    reportThreshold: Number(d.reportThreshold),
    reportsOptional: d.reportsOptional,
    reportContact: d.contactKind
      ? {
          kind: d.contactKind,
          value: d.contactValue.trim(),
          label: { en: d['label.en'].trim(), 'zh-Hans': d['label.zh-Hans'].trim() },
        }
      : null,
    words: { en: lines(d['words.en']), 'zh-Hans': lines(d['words.zh-Hans']) },
    holdLinks: d.holdLinks,
    holdPhones: d.holdPhones,
    holdEmails: d.holdEmails,
    holdRepeats: d.holdRepeats,
    externalCheck: d.check
      ? {
          url: d.checkUrl.trim(),
          timeoutMs: Number(d.checkTimeout),
          ...(d.checkSecret ? { secret: d.checkSecret } : {}),
        }
      : null,
  };
}

/** The API's field names (`reportContact.value`, `/words/zh-Hans/3`) → the form's. */
const FIELDS: [string, Key][] = [
  ['reportContact.kind', 'contactKind'],
  ['reportContact.value', 'contactValue'],
  ['reportContact.label.en', 'label.en'],
  ['reportContact.label.zh-Hans', 'label.zh-Hans'],
  ['reportContact', 'contactKind'],
  ['externalCheck.url', 'checkUrl'],
  ['externalCheck.timeoutMs', 'checkTimeout'],
  ['externalCheck.secret', 'checkSecret'],
  ['externalCheck', 'check'],
];

function keyOf(field: string): Key | null {
  const path = field.replace(/^\//, '').replace(/\//g, '.');
  const within = (name: string) => path === name || path.startsWith(`${name}.`);
  const known = FIELDS.find(([name]) => within(name))?.[1];
  if (known) return known;
  for (const key of ['reportThreshold', 'words.en', 'words.zh-Hans', 'moderation'] as const) {
    if (within(key)) return key;
  }
  return null;
}

const idOf = (key: Key) => `sf-${key.replace('.', '-')}`;

const wholeIn = (text: string, min: number, max: number) =>
  /^\d+$/.test(text.trim()) && Number(text) >= min && Number(text) <= max;

/**
 * The campaign's trust and safety settings: pre- or post-moderation, the report
 * threshold and the reporting line, word lists, what holds a submission, and the
 * external check. Everyone signed in reads them; admins change them. What was typed
 * stays in the form whatever a save answers; each refused field says why beside it.
 *
 * @summary Trust and safety settings.
 * @fires newsroom-announce - The settings were saved.
 */
export class NewsroomSafety extends ConsoleElement {
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
        flex-direction: column;
        gap: 1rem;
        margin-top: 0.75rem;
      }
      fieldset {
        display: flex;
        flex-direction: column;
        gap: 0.75rem;
        margin: 0;
        padding: 0.5rem 0.75rem 0.75rem;
        border: 1px solid var(--_line);
        border-radius: var(--_radius);
        min-width: 0;
      }
      legend {
        font-weight: 600;
        padding: 0 0.25rem;
      }
      .choice {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        min-height: var(--_target);
      }
      .choice input {
        flex: none;
      }
      input[type='number'] {
        width: 8rem;
      }
      input[type='url'],
      input[type='password'] {
        width: 100%;
      }
      [aria-invalid='true'] {
        border-color: var(--_bad) !important;
        border-width: 2px !important;
      }
      .summary {
        padding: 0.75rem;
        border: 2px solid var(--_bad);
        border-radius: var(--_radius);
      }
      .summary h3 {
        font-size: 1rem;
        color: var(--_bad);
      }
      .summary ul {
        margin: 0.25rem 0 0;
        padding-inline-start: 1.25rem;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
    `,
  ];

  @property({ attribute: false }) api!: ConsoleApi;
  @property({ attribute: false }) me: StaffMember | null = null;

  /** The settings as the API last answered them. */
  @state() private _saved: SafetySettings | null = null;
  @state() private _draft: Draft | null = null;
  @state() private _errors: FieldErrors = {};
  /** Refused fields the form has no place for. */
  @state() private _otherErrors: string[] = [];
  @state() private _problem = '';
  @state() private _busy = false;
  @state() private _done = false;

  private get _summary(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.summary');
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
      this._saved = await this.api.safety();
      this._draft = draftOf(this._saved);
    } catch (error) {
      this._problem = errorText(error);
    }
  }

  #label(key: Key): string {
    switch (key) {
      case 'moderation':
        return msg('Moderation');
      case 'reportThreshold':
        return msg('Reports that hide a quote');
      case 'contactKind':
        return msg('Kind of contact');
      case 'contactValue':
        return msg('Phone number, email address or web address');
      case 'label.en':
      case 'label.zh-Hans':
        return `${msg('What it is for')} (${languageLabel(key === 'label.en' ? 'en' : 'zh-Hans')})`;
      case 'words.en':
        return msg('Words in English');
      case 'words.zh-Hans':
        return msg('Words in Chinese');
      case 'check':
        return msg('Send each submission to an external check');
      case 'checkUrl':
        return msg('Address of the check');
      case 'checkTimeout':
        return msg('Time limit in milliseconds');
      case 'checkSecret':
        return msg('Secret for signing');
      default:
        return key;
    }
  }

  #message(key: Key | null, code: string): string {
    switch (key) {
      case 'reportThreshold':
        return msg('Enter a whole number from 1 to 100.');
      case 'checkTimeout':
        return msg('Enter a whole number from 500 to 10000.');
      case 'contactValue':
        return this._draft?.contactKind === 'email'
          ? msg('Enter an email address, like report@newsroom.example.')
          : this._draft?.contactKind === 'url'
            ? msg('Enter a web address that starts with https://.')
            : msg('Enter a phone number as it is dialled, like +86-23-67158993.');
      case 'label.en':
      case 'label.zh-Hans':
        return msg('Enter a short label, up to 100 characters.');
      case 'words.en':
      case 'words.zh-Hans':
        return msg('At most 500 lines of up to 50 characters each, with no control characters.');
      case 'checkUrl':
        return msg('Enter a web address that starts with https://.');
      case 'checkSecret':
        return code === 'required'
          ? msg('A new check needs a secret: 16 to 200 characters.')
          : msg('The secret must be 16 to 200 characters long.');
      default:
        return msg('This value is not accepted.');
    }
  }

  #set(key: Key, value: string | boolean) {
    if (!this._draft) return;
    this._draft = { ...this._draft, [key]: value };
    this._done = false;
  }

  #onInput(event: Event) {
    const target = event.target as HTMLInputElement;
    const key = target.name as Key;
    if (!key || target.readOnly || target.disabled) return;
    if (target.type === 'checkbox') this.#set(key, target.checked);
    else if (target.type !== 'radio' || target.checked) this.#set(key, target.value);
  }

  async #save(event: SubmitEvent) {
    event.preventDefault();
    const draft = this._draft;
    if (!draft || !this.#admin || this._busy) return;
    const errors: FieldErrors = {};
    if (!wholeIn(draft.reportThreshold, 1, 100))
      errors.reportThreshold = this.#message('reportThreshold', '');
    if (draft.check && !wholeIn(draft.checkTimeout, 500, 10000)) {
      errors.checkTimeout = this.#message('checkTimeout', '');
    }
    this._otherErrors = [];
    this._problem = '';
    this._errors = errors;
    if (Object.keys(errors).length) return this.#showSummary();
    this._busy = true;
    try {
      this._saved = await this.api.saveSafety(updateOf(draft));
      this._draft = draftOf(this._saved);
      this._done = true;
      announce(this, msg('Safety settings saved.'));
    } catch (error) {
      // What was typed stays: only the answer is shown.
      if (isFailure(error, 'validation') && error.body?.fields?.length) {
        const found: FieldErrors = {};
        const other: string[] = [];
        for (const { field, code } of error.body.fields) {
          const key = keyOf(field);
          const text = this.#message(key, code);
          if (key && key !== 'moderation' && key !== 'check') found[key] ??= text;
          else other.push(key ? `${this.#label(key)}: ${text}` : text);
        }
        this._errors = found;
        this._otherErrors = other;
        return this.#showSummary();
      }
      this._problem =
        isFailure(error) && error.status === 409
          ? msg(
              'Someone changed these settings meanwhile. What you typed is still here: check it and save again.',
            )
          : errorText(error);
      announce(this, this._problem);
    } finally {
      this._busy = false;
    }
  }

  async #showSummary() {
    await this.updateComplete;
    this._summary?.focus();
  }

  override render() {
    const draft = this._draft;
    if (!draft) {
      return html`<h2>${msg('Safety settings')}</h2>
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
    const dirty = JSON.stringify(draft) !== JSON.stringify(draftOf(this._saved!));
    const errors = Object.entries(this._errors) as [Key, string][];
    return html`
      <h2 id="safety-heading">${msg('Safety settings')}</h2>
      <p class="hint">
        ${msg('Rules only flag what readers send; people decide. A change reaches every instance within seconds.')}
      </p>
      ${
        admin
          ? nothing
          : html`<p class="notice">${msg('Only an admin can change these settings.')}</p>`
      }
      ${
        errors.length || this._otherErrors.length
          ? html`<div class="summary" tabindex="-1" aria-labelledby="summary-heading">
              <h3 id="summary-heading">${msg('Not saved: check these fields')}</h3>
              <ul>
                ${errors.map(
                  ([key, text]) =>
                    html`<li>
                      <a
                        href="#${idOf(key)}"
                        @click=${(e: Event) => {
                          e.preventDefault();
                          this.renderRoot.querySelector<HTMLElement>(`#${idOf(key)}`)?.focus();
                        }}
                        >${this.#label(key)}: ${text}</a
                      >
                    </li>`,
                )}
                ${this._otherErrors.map((text) => html`<li>${text}</li>`)}
              </ul>
            </div>`
          : nothing
      }
      <form
        novalidate
        aria-labelledby="safety-heading"
        @input=${this.#onInput}
        @change=${this.#onInput}
        @submit=${this.#save}
      >
        <fieldset>
          <legend>${msg('Moderation')}</legend>
          ${this.#choice('moderation', 'pre', msg('Before publication (pre-moderation)'), draft.moderation === 'pre')}
          ${this.#choice('moderation', 'post', msg('At once, unless a rule flags it (post-moderation)'), draft.moderation === 'post')}
          <p class="hint">
            ${msg(
              'Pre-moderation is the default: mainland rules ask for review before publication, so every submission waits for a person. Post-moderation publishes at once what has no flag; flagged submissions still wait.',
            )}
          </p>
        </fieldset>
        <fieldset>
          <legend>${msg('Readers’ reports')}</legend>
          ${this.#field('reportThreshold', {
            type: 'number',
            min: 1,
            max: 100,
            hint: msg(
              'This many reports take a quote off every wall until staff restore or remove it (1 to 100).',
            ),
          })}
          ${this.#choice('reportsOptional', '', msg('Partners may hide the report action on their pages'), draft.reportsOptional)}
          <fieldset>
            <legend>${msg('Where readers report illegal or harmful content')}</legend>
            <div class="field">
              <label for=${idOf('contactKind')}>${this.#label('contactKind')}</label>
              <select id=${idOf('contactKind')} name="contactKind" ?disabled=${!admin}>
                ${(
                  [
                    ['', msg('None')],
                    ['phone', msg('Phone')],
                    ['email', msg('Email')],
                    ['url', msg('Web page')],
                  ] as const
                ).map(
                  ([value, text]) =>
                    html`<option value=${value} ?selected=${draft.contactKind === value}>
                      ${text}
                    </option>`,
                )}
              </select>
            </div>
            ${
              draft.contactKind
                ? html`${this.#field('contactValue', {
                    type: draft.contactKind === 'phone' ? 'tel' : draft.contactKind,
                  })}
                  ${(['zh-Hans', 'en'] as const).map((locale) =>
                    this.#field(`label.${locale}`, { lang: locale }),
                  )}`
                : nothing
            }
          </fieldset>
        </fieldset>
        <fieldset>
          <legend>${msg('Word lists')}</legend>
          <p class="hint">
            ${msg('One word or phrase per line. A submission with one of them is flagged “Word on the list” and waits for a person.')}
          </p>
          ${WORD_LOCALES.map((locale) => this.#field(`words.${locale}`, { area: true, lang: locale }))}
        </fieldset>
        <fieldset>
          <legend>${msg('Hold for a person')}</legend>
          <p class="hint">
            ${msg('A submission with any of these is flagged and waits for a person, even with post-moderation.')}
          </p>
          ${HOLDS.map((key) =>
            this.#choice(
              key,
              '',
              key === 'holdLinks'
                ? msg('Links')
                : key === 'holdPhones'
                  ? msg('Phone numbers')
                  : key === 'holdEmails'
                    ? msg('Email addresses')
                    : msg('The same words again from the same client'),
              draft[key],
            ),
          )}
        </fieldset>
        <fieldset>
          <legend>${msg('External check')}</legend>
          <p class="hint">
            ${msg('The newsroom’s own content-safety service: it can hold or flag a submission, never publish one.')}
          </p>
          ${this.#choice('check', '', this.#label('check'), draft.check)}
          ${
            draft.check
              ? html`${this.#field('checkUrl', { type: 'url' })}
                ${this.#field('checkTimeout', { type: 'number', min: 500, max: 10000 })}
                ${this.#field('checkSecret', {
                  type: 'password',
                  hint: this._saved?.externalCheck?.secretSet
                    ? msg('A secret is set; leave empty to keep it.')
                    : msg('16 to 200 characters; the check signs its answers with it.'),
                })}`
              : this._saved?.externalCheck
                ? html`<p class="notice">
                    ${msg('Saving removes the external check and its secret.')}
                  </p>`
                : nothing
          }
        </fieldset>
        ${
          admin
            ? html`<div class="row">
                <button class="primary" type="submit" ?disabled=${this._busy}>
                  ${msg('Save the settings')}
                </button>
                ${
                  this._busy
                    ? html`<span role="status">
                        ${this.api.offline ? msg('Offline. Retrying… (what you typed is kept)') : msg('Sending…')}
                      </span>`
                    : this._done
                      ? html`<span class="notice ok" role="status"
                          >${msg('Safety settings saved.')}</span
                        >`
                      : dirty
                        ? html`<span class="hint">${msg('Not saved yet')}</span>`
                        : nothing
                }
              </div>`
            : nothing
        }
        ${this._problem ? html`<p class="notice bad" role="alert">${this._problem}</p>` : nothing}
      </form>
    `;
  }

  /** A radio (with a value) or a checkbox (without one). */
  #choice(key: Key, value: string, label: string, checked: boolean) {
    return html`<label class="choice">
      <input
        type=${value ? 'radio' : 'checkbox'}
        name=${key}
        .value=${value || 'on'}
        .checked=${checked}
        ?disabled=${!this.#admin}
      />
      ${label}
    </label>`;
  }

  #field(
    key: Key,
    options: {
      type?: string;
      min?: number;
      max?: number;
      hint?: string;
      lang?: Locale;
      area?: boolean;
    },
  ) {
    const id = idOf(key);
    const error = this._errors[key];
    const value = String(this._draft![key]);
    const describedBy =
      [options.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].join(' ').trim() || nothing;
    const readonly = !this.#admin;
    return html`<div class="field">
      <label for=${id}>${this.#label(key)}</label>
      ${
        options.area
          ? html`<textarea
              id=${id}
              name=${key}
              rows="5"
              lang=${options.lang ?? nothing}
              ?readonly=${readonly}
              aria-invalid=${error ? 'true' : 'false'}
              aria-describedby=${describedBy}
              .value=${value}
            ></textarea>`
          : html`<input
              id=${id}
              name=${key}
              type=${options.type ?? 'text'}
              min=${options.min ?? nothing}
              max=${options.max ?? nothing}
              lang=${options.lang ?? nothing}
              autocomplete=${options.type === 'password' ? 'new-password' : 'off'}
              ?readonly=${readonly}
              aria-invalid=${error ? 'true' : 'false'}
              aria-describedby=${describedBy}
              .value=${value}
            />`
      }
      ${options.hint ? html`<span class="hint" id="${id}-hint">${options.hint}</span>` : nothing}
      ${error ? html`<span class="error" id="${id}-error">${error}</span>` : nothing}
    </div>`;
  }
}
