import { css, html, nothing } from 'lit';
import { ConsoleElement } from '../base.js';
import { property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { msg, str } from '@lit/localize';
import type {
  SafetySettings,
  SafetySettingsUpdate,
  StaffMember,
} from '../../../src/api/newsroom.js';
import type { Locale } from '../../../src/api/wire.js';
import { isFailure, type ConsoleApi } from '../api/client.js';
import { announce } from '../events.js';
import { consoleLocale } from '../i18n/locale.js';
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
        return msg('Reports that hide a quote (1 to 100)');
      case 'contactKind':
        return msg('Contact');
      case 'contactValue':
        return this._draft?.contactKind === 'email'
          ? msg('Email address')
          : this._draft?.contactKind === 'url'
            ? msg('Web address')
            : msg('Phone number');
      case 'label.en':
      case 'label.zh-Hans': {
        const language = languageLabel(key === 'label.en' ? 'en' : 'zh-Hans');
        return msg(str`Label (${language})`);
      }
      case 'words.en':
        return msg('Words in English');
      case 'words.zh-Hans':
        return msg('Words in Chinese');
      case 'check':
        return msg('Use an external check');
      case 'checkUrl':
        return msg('Web address');
      case 'checkTimeout':
        return msg('Time limit in milliseconds (500 to 10000)');
      case 'checkSecret':
        return msg('Secret');
      default:
        return key;
    }
  }

  #message(key: Key | null): string {
    const kind = this._draft?.contactKind;
    switch (key) {
      case 'reportThreshold':
      case 'checkTimeout':
        return msg('Enter a whole number in the range given.');
      case 'contactValue':
        return kind === 'email'
          ? msg('Enter an email address.')
          : kind === 'url'
            ? msg('Enter an address that starts with https://.')
            : msg('Enter a phone number, like +86-23-67158993.');
      case 'checkUrl':
        return msg('Enter an address that starts with https://.');
      case 'words.en':
      case 'words.zh-Hans':
        return msg('At most 500 lines of up to 50 characters each.');
      case 'checkSecret':
        return msg('Enter a secret of 16 to 200 characters.');
      default:
        return msg('This value is not accepted.');
    }
  }

  /** "Email address: Enter an email address, …" for the summary. */
  #named(key: Key, text: string): string {
    return `${this.#label(key)}${consoleLocale() === 'zh-Hans' ? '：' : ': '}${text}`;
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
    this._errors = {};
    this._otherErrors = [];
    this._problem = '';
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
        for (const { field } of error.body.fields) {
          const key = keyOf(field);
          const text = this.#message(key);
          if (key && key !== 'moderation' && key !== 'check') found[key] ??= text;
          else other.push(key ? this.#named(key, text) : text);
        }
        this._errors = found;
        this._otherErrors = other;
        return this.#showSummary();
      }
      this._problem =
        isFailure(error) && error.status === 409
          ? msg('Someone changed these settings meanwhile. Check them and save again.')
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
                        >${this.#named(key, text)}</a
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
        <fieldset aria-describedby="moderation-hint">
          <legend>${msg('Moderation')}</legend>
          ${this.#choice('moderation', 'pre', msg('Pre-moderation'), draft.moderation === 'pre')}
          ${this.#choice('moderation', 'post', msg('Post-moderation'), draft.moderation === 'post')}
          <p class="hint" id="moderation-hint">
            ${msg(
              'Pre-moderation is the default: mainland rules ask for review before publication. Post-moderation publishes at once what has no flag.',
            )}
          </p>
        </fieldset>
        <fieldset>
          <legend>${msg('Readers’ reports')}</legend>
          ${this.#field('reportThreshold', 'number')}
          ${this.#choice('reportsOptional', '', msg('Partners may hide the report button'), draft.reportsOptional)}
          <fieldset>
            <legend>${msg('Where readers report illegal or harmful content')}</legend>
            <div class="field">
              <label for="sf-contactKind">${this.#label('contactKind')}</label>
              <select id="sf-contactKind" name="contactKind" ?disabled=${!admin}>
                ${(
                  [
                    ['', msg('None')],
                    ['phone', msg('Phone number')],
                    ['email', msg('Email address')],
                    ['url', msg('Web address')],
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
                ? html`${this.#field('contactValue', draft.contactKind === 'phone' ? 'tel' : draft.contactKind)}
                  ${this.#field('label.zh-Hans', 'text', 'zh-Hans')}
                  ${this.#field('label.en', 'text', 'en')}`
                : nothing
            }
          </fieldset>
        </fieldset>
        <fieldset aria-describedby="words-hint">
          <legend>${msg('Word lists')}</legend>
          <p class="hint" id="words-hint">${msg('One word or phrase per line.')}</p>
          ${this.#field('words.zh-Hans', '', 'zh-Hans')} ${this.#field('words.en', '', 'en')}
        </fieldset>
        <fieldset>
          <legend>${msg('Hold for a person')}</legend>
          ${this.#choice('holdLinks', '', msg('Links'), draft.holdLinks)}
          ${this.#choice('holdPhones', '', msg('Phone numbers'), draft.holdPhones)}
          ${this.#choice('holdEmails', '', msg('Email addresses'), draft.holdEmails)}
          ${this.#choice('holdRepeats', '', msg('Sent again by the same client'), draft.holdRepeats)}
        </fieldset>
        <fieldset>
          <legend>${msg('External check')}</legend>
          ${this.#choice('check', '', this.#label('check'), draft.check)}
          ${
            draft.check
              ? html`${this.#field('checkUrl', 'url')} ${this.#field('checkTimeout', 'number')}
                ${admin ? this.#field('checkSecret', 'password') : nothing}`
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
                    ? html`<span role="status">${msg('Sending…')}</span>`
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

  /** A text field (a textarea without a type) with its label, hint and error. */
  #field(
    key: Key,
    type: '' | 'number' | 'tel' | 'email' | 'url' | 'text' | 'password',
    lang?: Locale,
  ) {
    const id = idOf(key);
    const error = this._errors[key];
    const hint =
      key === 'checkSecret' && this._saved?.externalCheck?.secretSet
        ? msg('A secret is set; leave empty to keep it.')
        : '';
    const described =
      [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].join(' ').trim() || nothing;
    const readonly = !this.#admin;
    const invalid = error ? 'true' : 'false';
    const value = String(this._draft![key]);
    return html`<div class="field">
      <label for=${id}>${this.#label(key)}</label>
      ${
        type
          ? html`<input
              id=${id}
              name=${key}
              type=${type}
              lang=${ifDefined(lang)}
              autocomplete=${type === 'password' ? 'new-password' : 'off'}
              ?readonly=${readonly}
              aria-invalid=${invalid}
              aria-describedby=${described}
              .value=${value}
            />`
          : html`<textarea
              id=${id}
              name=${key}
              rows="5"
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
