import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import { CampaignElement } from '../base/campaign-element.js';
import { emit } from '../core/events.js';
import { describeError } from '../i18n/messages.js';
import { formatDate, formatNumber, formatRelativeTime } from '../i18n/format.js';
import { CampaignApiClient } from '../api/client.js';
import { hasInvisible } from '../api/invisible.js';
import { AbortedError, HttpError, type CampaignApiError } from '../api/errors.js';
import type {
  Campaign,
  SubmissionAccepted,
  SubmissionLimits,
  SubmissionRequest,
} from '../api/wire.js';
import { tokens } from '../styles/tokens.js';
import { styles } from './submission-form.styles.js';
import { clearDraft, loadDraft, saveDraft, type Draft } from './draft-store.js';
import { xhrFetch } from './xhr-fetch.js';
import { resizePhoto } from './resize-photo.js';
import { ReceiptsController, newSecret, type ReceiptEntry } from './receipts.js';
import { LiveCampaign } from './live-campaign.js';

/** States of the form, reflected as the `state` attribute. */
export const SUBMISSION_FORM_STATES = [
  'idle',
  'sending',
  'retrying',
  'blocked',
  'sent',
  'closed',
] as const;
export type SubmissionFormState = (typeof SUBMISSION_FORM_STATES)[number];

/** Detail of `campaign-submit`: the body about to be sent. */
export interface SubmitDetail {
  request: SubmissionRequest;
  /** Whether a photo goes with it. */
  photo: boolean;
}
/** Detail of `campaign-submitted`. */
export interface SubmittedDetail {
  id: string;
}
/** Detail of `campaign-submit-error`. */
export interface SubmitErrorDetail {
  /** `validation` for problems found before sending, else the API error code. */
  code: string;
  status?: number;
  /** True when the draft is kept and sending will be retried automatically. */
  retrying: boolean;
}

/** Used until the campaign's own settings arrive. */
const DEFAULT_LIMITS: SubmissionLimits = {
  messageMinLength: 10,
  messageMaxLength: 1000,
  displayNameMaxLength: 60,
  photoMaxBytes: 5 * 1024 * 1024,
  photoMaxDimension: 2048,
  photoTypes: ['image/jpeg', 'image/png', 'image/webp'],
};

/** Fields in the order they appear (the error summary follows it). */
const FIELDS = ['message', 'displayName', 'district', 'email', 'photo', 'consentGiven'];
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

const newKey = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

const blank = (): Draft => ({
  message: '',
  displayName: '',
  anonymous: false,
  district: '',
  email: '',
  consentGiven: false,
  publishPermission: false,
  photoPermission: false,
  website: '',
  photo: null,
  key: newKey(),
  secret: newSecret(),
});

const RECEIVED: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The partner's developer is told once per page that this origin may not send yet. */
let warned = false;

/**
 * @summary The campaign's call to readers: their words, a name or anonymity, a district,
 * an optional private email and photo, and consent — never lost, never stored twice.
 *
 * Renders at once from defaults and refines its limits, districts and terms when the
 * campaign's settings arrive. What the reader enters is kept on the device (IndexedDB)
 * as they type and restored after a reload or a crash; it is cleared only once the
 * server has accepted it. A failed send (offline, timeout, server error) keeps the
 * draft, retries with backoff and as soon as the browser is back online, always with
 * the draft's one Idempotency-Key and receipt secret. Photos are resized and re-encoded
 * as JPEG in the browser, which strips EXIF and GPS data before anything leaves the
 * device; a photo is published only if the reader also says they took it or may share it.
 *
 * Each accepted submission leaves a private receipt in this browser (`localStorage`, per
 * API and campaign, the latest 10). The form lists them under "Your messages" with what
 * became of each (waiting for review, published with a link to it on the wall, not
 * published) and lets the reader withdraw one, after asking: it is then deleted for good.
 *
 * @slot - Introduction shown above the fields (a heading, the call to readers).
 *
 * @csspart form - The form.
 * @csspart field - Each field with its label, help and error.
 * @csspart error-summary - The list of problems shown after a failed send.
 * @csspart button - The buttons.
 * @csspart progress - The upload progress bar.
 * @csspart status - The status message (saved, retrying, thank you, closed).
 * @csspart receipts - The reader's own messages sent from this browser, and their state.
 *
 * @cssprop --campaign-color-accent - Buttons, links and focus ring.
 * @cssprop --campaign-color-danger - Errors.
 *
 * @fires campaign-submit - Before sending; cancelable: `preventDefault()` stops it. `detail.request` is the body.
 * @fires campaign-submitted - The server accepted the submission; `detail.id` is its id.
 * @fires campaign-submit-error - Sending failed or was refused; `detail.code` (`origin_not_allowed`: this site may not send to the API yet), `detail.retrying`.
 *
 * @tagname campaign-submission-form
 */
export class CampaignSubmissionForm extends CampaignElement {
  static override styles = [tokens, styles];

  /**
   * Where the form is: `idle`, `sending`, `retrying` (saved, will retry), `blocked` (saved;
   * this page's origin may not send to the API yet, and nothing is retried until the
   * reader tries again), `sent`, `closed`.
   */
  @property({ reflect: true }) state: SubmissionFormState = 'idle';

  @state() private _campaign?: Campaign;
  @state() private _draft = blank();
  /** Problems to show: field → text; the key `''` holds one not tied to a field. */
  @state() private _errors: Record<string, string> = {};
  @state() private _progress = 0;
  @state() private _photoUrl = '';
  /** What the receipt list last said to assistive technology. */
  @state() private _announcement = '';
  /** What the status region says while the form is idle (the terms changed). */
  @state() private _notice = '';
  /** The campaign closed while the form was shown (announced: the form just went). */
  @state() private _closedLive = false;

  readonly #receipts = new ReceiptsController(this);

  #key = '';
  #campaignKey = '';
  #touched = false;
  #attempt = 0;
  #retryTimer?: ReturnType<typeof setTimeout>;
  /** The next change of "Open for N more …", or the closing time. */
  #clock?: ReturnType<typeof setTimeout>;
  #saveTimer?: ReturnType<typeof setTimeout>;
  #load?: AbortController;
  #send?: AbortController;

  constructor() {
    super();
    // The campaign's live stream: open while the form is in a visible page.
    new LiveCampaign(this, (c) => (c ? this.#apply(c) : void this.#fetchCampaign()));
  }

  /** Where the draft is kept: per API and campaign. */
  get #draftId(): string {
    const client = this.client;
    return client ? `${client.base}|${client.campaign}` : '';
  }

  get #limits(): SubmissionLimits {
    return this._campaign?.limits ?? DEFAULT_LIMITS;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('online', this.#online);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('online', this.#online);
    this.#load?.abort();
    this.#send?.abort();
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#clock);
    if (this.state === 'sending') this.state = 'retrying';
    if (this.#saveTimer) this.#save();
    this.#key = this.#campaignKey = '';
  }

  #online = () => {
    if (this.state === 'retrying') void this.#submit();
  };

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const key = this.#draftId;
    if (key && key + this.locale !== this.#campaignKey) {
      this.#campaignKey = key + this.locale;
      void this.#fetchCampaign();
    }
    if (key !== this.#key) {
      this.#key = key;
      if (key) void this.#restore(key);
    }
  }

  async #fetchCampaign(): Promise<void> {
    this.#load?.abort();
    const load = (this.#load = new AbortController());
    try {
      this.#apply(await this.client!.getCampaign({ signal: load.signal, locale: this.locale }));
    } catch {
      // The defaults stay; sending will tell the reader if something is wrong.
    }
  }

  /**
   * The campaign as it is now (read, or from its live stream): closed at once (the
   * draft kept), open again, the closing time counted down by one timer, and a consent
   * given to older terms asked again.
   */
  #apply(c: Campaign): void {
    const s = this.state;
    const left = Date.parse(c.closesAt ?? '') - Date.now();
    this._campaign = c;
    clearTimeout(this.#clock);
    if (c.status === 'closed' || left <= 0) {
      if (s !== 'sending' && s !== 'sent') {
        clearTimeout(this.#retryTimer);
        if (s !== 'closed' && this.hasUpdated) {
          // The form goes from under the reader: say why, and keep focus in the widget.
          this._closedLive = true;
          if (this.shadowRoot!.activeElement)
            void this.updateComplete.then(() => this.#focus('status'));
        }
        this.state = 'closed';
      }
    } else {
      if (s === 'closed') {
        this.state = 'idle';
        if (this._draft.request) void this.#submit();
      }
      const unit = left > DAY ? DAY : HOUR;
      if (left > 0) {
        this.#clock = setTimeout(
          () => this.#apply(this._campaign!),
          Math.min(left % unit || unit, 2 ** 31 - 1),
        );
      }
    }
    this.#checkConsent();
  }

  /** A consent given to another version of the terms is taken back, and the reader told. */
  #checkConsent(): void {
    const d = this._draft;
    const version = this._campaign?.consent.version;
    if (!d.consentGiven || version === undefined || d.consentVersion === version) return;
    if (d.consentVersion === undefined)
      return void (this._draft = { ...d, consentVersion: version });
    this.#update({ consentGiven: false });
    this._errors = {
      ...this._errors,
      consentGiven: (this._notice = this.#text('consentGiven', 'consent_outdated')),
    };
  }

  async #restore(key: string): Promise<void> {
    const saved = await loadDraft(key).catch(() => undefined);
    if (key !== this.#key) return;
    if (saved && !this.#touched) {
      this._draft = { ...blank(), ...saved };
      this.#showPhoto(saved.photo);
      this.#checkConsent();
    }
    // A send that was under way when the page closed carries on, with the same key.
    if (this._draft.request && this.state !== 'sending') void this.#submit();
  }

  #save(): void {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    const id = this.#draftId;
    if (id) saveDraft(id, this._draft).catch(() => undefined);
  }

  #update(patch: Partial<Draft>): void {
    this._draft = { ...this._draft, ...patch };
    this.#touched = true;
    clearTimeout(this.#saveTimer);
    this.#saveTimer = setTimeout(() => this.#save(), 300);
    // A field's error goes away as soon as its answer is right.
    const problems = this.#check();
    const errors = { ...this._errors };
    for (const field in patch) if (!problems[field]) delete errors[field];
    this._errors = errors;
  }

  #onInput = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    const name = input.id as keyof Draft;
    if (input.files) {
      if (event.type === 'change') void this.#pickPhoto(input);
    } else if (name === 'consentGiven') {
      this._notice = '';
      this.#update({
        consentGiven: input.checked,
        consentVersion: this._campaign?.consent.version,
      });
    } else if (name in this._draft) {
      this.#update({ [name]: input.type === 'checkbox' ? input.checked : input.value });
    }
  };

  async #pickPhoto(input: HTMLInputElement): Promise<void> {
    const file = input.files![0];
    const limits = this.#limits;
    input.value = '';
    if (!file) return;
    let code = 'photo_too_large';
    try {
      // HEIC goes through where this browser decodes it; anything else not an image fails here.
      if (!/^image\//.test(file.type)) throw new TypeError(file.type);
      const photo = await resizePhoto(file, limits.photoMaxDimension);
      if (photo.size <= limits.photoMaxBytes) {
        code = '';
        this.#update({ photo });
        this.#showPhoto(photo);
      }
    } catch {
      code = 'unreadable';
    }
    this._errors = { ...this._errors, photo: code && this.#text('photo', code) };
  }

  #showPhoto(photo: Blob | null): void {
    URL.revokeObjectURL(this._photoUrl);
    this._photoUrl = photo ? URL.createObjectURL(photo) : '';
  }

  #removePhoto = (): void => {
    this.#update({ photo: null, photoPermission: false });
    this.#showPhoto(null);
    this.#focus('photo');
  };

  #focus(id: string): void {
    this.renderRoot.querySelector<HTMLElement>(`#${id}`)?.focus();
  }

  /** Problems the reader can fix before anything is sent: field → code. */
  #check(): Record<string, string> {
    const d = this._draft;
    const { messageMinLength, messageMaxLength } = this.#limits;
    const problems: Record<string, string> = {};
    const length = d.message.trim().length;
    if (!length) problems.message = 'required';
    else if (length < messageMinLength) problems.message = 'too_short';
    else if (length > messageMaxLength) problems.message = 'too_long';
    if (!d.anonymous) {
      if (!d.displayName.trim()) problems.displayName = 'required';
      // The API's rule: a name must not hide characters that show as nothing.
      else if (hasInvisible(d.displayName)) problems.displayName = 'invisible_characters';
    }
    if (d.email.trim() && !EMAIL.test(d.email.trim())) problems.email = 'invalid_email';
    if (!d.consentGiven) problems.consentGiven = 'consent_required';
    return problems;
  }

  /** Specific, localized text for a field's problem (from the check here or the server). */
  #text(field: string, code: string): string {
    const l = this.#limits;
    switch (`${field} ${code}`) {
      case 'message required':
        return msg('Enter your message.');
      case 'message too_short':
        return msg(str`Tell us a little more: at least ${l.messageMinLength} characters.`);
      case 'message too_long':
        return msg(str`Your message is too long: at most ${l.messageMaxLength} characters.`);
      case 'displayName required':
        return msg('Enter your name, or choose to publish anonymously.');
      case 'displayName invisible_characters':
        return msg('Remove the invisible characters from your name.');
      case 'email invalid_email':
        return msg('Enter an email address like name@example.com.');
      case 'district unknown_district':
        return msg('Choose a district from the list.');
      case 'consentGiven consent_required':
        return msg('Agree to the terms to send your words.');
      case 'consentGiven consent_outdated':
        return msg('The terms have changed. Please read them again and agree.');
      case 'photo unreadable':
      case 'photo unsupported_media_type':
        return msg("This photo can't be read here. Choose a JPEG, PNG or WebP photo.");
      case 'photo photo_too_large':
        return msg('This photo is too large. Choose a smaller one.');
    }
    return msg('Check this answer: it cannot be sent as it is.');
  }

  async #showErrors(errors: Record<string, string>): Promise<void> {
    this._errors = errors;
    await this.updateComplete;
    this.#focus('summary');
  }

  #onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (this.state !== 'idle' && this.state !== 'blocked') return;
    const problems = this.#check();
    if (Object.keys(problems).length) {
      emit(this, 'campaign-submit-error', { code: 'validation', retrying: false });
      const errors: Record<string, string> = {};
      for (const field in problems) errors[field] = this.#text(field, problems[field]);
      return this.#showErrors(errors);
    }
    if (!this._campaign) await this.#fetchCampaign();
    const d = this._draft;
    const request: SubmissionRequest = {
      message: d.message.trim(),
      displayName: d.anonymous ? null : d.displayName.trim(),
      anonymous: d.anonymous,
      district: d.district || null,
      email: d.email.trim() || null,
      consentGiven: true,
      consentVersion: this._campaign?.consent.version ?? '',
      publishPermission: d.publishPermission,
      photoPermission: !!d.photo && d.photoPermission,
      receiptSecret: d.secret,
      locale: this.locale,
      ...(d.website ? { website: d.website } : {}),
    };
    if (!emit(this, 'campaign-submit', { request, photo: !!d.photo }, { cancelable: true })) return;
    this._errors = {};
    // Saved before it leaves: a crash mid-send resumes this very body with the same key.
    this._draft = { ...d, request };
    this.#save();
    this.#focus('send');
    return this.#submit();
  };

  async #submit(): Promise<void> {
    const { client, _draft: d } = this;
    if (!client || !d.request) return;
    clearTimeout(this.#retryTimer);
    this.#send?.abort();
    const send = (this.#send = new AbortController());
    this.state = 'sending';
    this._progress = 0;
    let body: string | FormData = JSON.stringify(d.request);
    if (d.photo) {
      const form = new FormData();
      form.append('data', body);
      form.append('photo', d.photo, 'photo.jpg');
      body = form;
    }
    try {
      const accepted = await new CampaignApiClient(client.base, client.campaign, {
        fetch: xhrFetch((fraction) => (this._progress = fraction)),
        timeout: 60_000,
      }).request<SubmissionAccepted>(
        client.url('/submissions'),
        {
          method: 'POST',
          body,
          headers: {
            'idempotency-key': d.key,
            ...(d.photo ? {} : { 'content-type': 'application/json' }),
          },
        },
        { signal: send.signal },
      );
      if (d.request.receiptSecret) {
        const { id, receivedAt } = accepted;
        this.#receipts.add({ id, secret: d.request.receiptSecret, receivedAt });
      }
      await clearDraft(this.#draftId).catch(() => undefined);
      this.#attempt = 0;
      this.#touched = false;
      this.#showPhoto(null);
      this._draft = blank();
      this.state = 'sent';
      emit(this, 'campaign-submitted', { id: accepted.id });
      await this.updateComplete;
      this.#focus('status');
    } catch (caught) {
      if (caught instanceof AbortedError) return;
      const error = caught as CampaignApiError;
      const status = error instanceof HttpError ? error.status : undefined;
      // Refused before anything was stored (429 included): the reader may change and resend.
      const retrying = error.retryable && status !== 429;
      emit(this, 'campaign-submit-error', { code: error.code, status, retrying });
      if (retrying) {
        this.state = 'retrying';
        this.#retryTimer = setTimeout(
          () => void this.#submit(),
          Math.min(60, 2 ** ++this.#attempt) * 1000,
        );
        return;
      }
      if (error.code === 'origin_not_allowed') {
        // Final until the newsroom adds this site: kept, not retried, the reader told.
        this.state = 'blocked';
        this._draft = { ...d, request: undefined };
        this.#save();
        if (!warned) {
          warned = true;
          const origin = location.origin;
          console.warn(
            `campaign-widgets: ${client.base} does not accept submissions from ${origin} yet: ask the newsroom to add ${origin} as a partner site of campaign "${client.campaign}".`,
          );
        }
        return;
      }
      this.state = error.code === 'campaign_closed' ? 'closed' : 'idle';
      this._draft = { ...d, request: undefined };
      const errors: Record<string, string> = {};
      for (const { field, code } of (error as HttpError).fields ?? []) {
        const name = field === 'consentVersion' ? 'consentGiven' : field;
        errors[FIELDS.includes(name) ? name : ''] ??= this.#text(name, code);
      }
      if (errors.consentGiven) {
        this._draft = { ...this._draft, consentGiven: false };
        void this.#fetchCampaign();
      }
      if (/^(photo_too_large|unsupported_media_type)$/.test(error.code)) {
        errors.photo = this.#text('photo', error.code);
      } else if (status === 429) {
        const when = formatRelativeTime(
          Date.now() + ((error as HttpError).retryAfter ?? 60) * 1000,
          this.locale,
        );
        errors[''] = msg(str`Too many attempts. Please try again ${when}.`);
      } else if (!Object.keys(errors).length) errors[''] = describeError(error);
      this.#save();
      if (this.state === 'idle') await this.#showErrors(errors);
    }
  }

  #again = (): void => {
    this.state = 'idle';
    if (this._campaign) this.#apply(this._campaign);
  };

  #onSummaryClick = (event: Event): void => {
    const link = event.currentTarget as HTMLAnchorElement;
    event.preventDefault();
    this.#focus(link.hash.slice(1));
  };

  #error(id: string) {
    const error = this._errors[id];
    return error
      ? html`<p class="error" id="${id}-error">
          <span class="visually-hidden">${msg('Error:')}</span> ${error}
        </p>`
      : nothing;
  }

  /** One field: label, help, error, then the control and what goes with it. */
  #field(id: string, label: string, hint: unknown, control: unknown) {
    return html`<div class="field" part="field">
      <label for=${id}>${label}</label>
      <p class="hint" id="${id}-hint">${hint}</p>
      ${this.#error(id)} ${control}
    </div>`;
  }

  /** aria-describedby of a field's control: its help, then its error when it has one. */
  #describedBy(id: string): string {
    return `${id}-hint${this._errors[id] ? ` ${id}-error` : ''}`;
  }

  override render() {
    const closed = this._closedLive && this.state === 'closed';
    return html`${this.#renderMain()}
      <p class="visually-hidden" aria-live="polite">
        ${closed ? msg('This campaign is closed. Thank you for taking part.') : ''}
      </p>
      ${this.#renderReceipts()}`;
  }

  /** The form, or in its place the thank-you or closed notice. */
  #renderMain() {
    const s = this.state;
    const note =
      s === 'sent'
        ? msg('Thank you! The newsroom will review your words before they appear.')
        : s === 'closed'
          ? msg('This campaign is closed. Thank you for taking part.')
          : s === 'retrying'
            ? msg('Saved on this device. We could not reach the newsroom and will keep trying.')
            : s === 'blocked'
              ? msg(
                  'This page cannot send your words to the newsroom yet. They are saved on this device, so nothing is lost: please try again later.',
                )
              : this._notice;
    const status = html`<div part="status" id="status" role="status" tabindex="-1">
      ${note ? html`<p class="note">${note}</p>` : nothing}
    </div>`;
    if (s === 'sent' || s === 'closed') {
      return html`${status}${
        s === 'sent'
          ? html`<button part="button" @click=${this.#again}>${msg('Send another')}</button>`
          : nothing
      }`;
    }
    const c = this._campaign;
    const l = this.#limits;
    const d = this._draft;
    const busy = s !== 'idle' && s !== 'blocked';
    const errors = Object.entries(this._errors).filter(([, text]) => text);
    const left = l.messageMaxLength - d.message.trim().length;
    const invalid = (id: string) => (this._errors[id] ? 'true' : 'false');
    const number = (n: number) => formatNumber(n, this.locale);
    return html`<form
      part="form"
      novalidate
      @submit=${this.#onSubmit}
      @input=${this.#onInput}
      @change=${this.#onInput}
    >
      <slot></slot>
      ${c ? this.#closesIn(c) : nothing}
      ${
        errors.length
          ? html`<div
              class="summary"
              part="error-summary"
              id="summary"
              role="alert"
              tabindex="-1"
              aria-labelledby="summary-title"
            >
              <h2 id="summary-title">${msg('There is a problem')}</h2>
              <ul>
                ${errors.map(([id, text]) => html`<li>${id ? html`<a href="#${id}" @click=${this.#onSummaryClick}>${text}</a>` : text}</li>`)}
              </ul>
            </div>`
          : nothing
      }
      <fieldset ?disabled=${busy}>
        ${this.#field(
          'message',
          msg('Your words'),
          msg(
            str`What does the spirit of the city mean to you? ${l.messageMinLength} to ${l.messageMaxLength} characters.`,
          ),
          html`<textarea
              id="message"
              rows="6"
              aria-invalid=${invalid('message')}
              aria-describedby="${this.#describedBy('message')} count"
              .value=${d.message}
            ></textarea>
            <p class="hint count" id="count">
              ${number(l.messageMaxLength - left)} / ${number(l.messageMaxLength)}
            </p>
            <p class="visually-hidden" aria-live="polite">
              ${
                left < 0
                  ? this.#text('message', 'too_long')
                  : left <= Math.max(20, l.messageMaxLength / 10)
                    ? msg(str`${number(left)} characters left`)
                    : ''
              }
            </p>`,
        )}
        ${this.#field(
          'displayName',
          msg('Your name'),
          msg('Published with your words.'),
          html`<input
              id="displayName"
              autocomplete="name"
              maxlength=${l.displayNameMaxLength}
              ?disabled=${d.anonymous}
              aria-invalid=${invalid('displayName')}
              aria-describedby=${this.#describedBy('displayName')}
              .value=${d.displayName}
            />
            <div class="check">
              <input type="checkbox" id="anonymous" .checked=${d.anonymous} />
              <label for="anonymous">${msg('Publish anonymously instead')}</label>
            </div>`,
        )}
        ${this.#field(
          'district',
          msg('District (optional)'),
          nothing,
          html`<select id="district" aria-describedby=${this.#describedBy('district')}>
            <option value="">${msg('Not chosen')}</option>
            ${c?.districts.map((o) => html`<option value=${o.id} ?selected=${o.id === d.district}>${o.name}</option>`)}
          </select>`,
        )}
        ${this.#field(
          'email',
          msg('Email (optional)'),
          msg('Private: for the newsroom only, never published.'),
          html`<input
            id="email"
            type="email"
            autocomplete="email"
            spellcheck="false"
            aria-invalid=${invalid('email')}
            aria-describedby=${this.#describedBy('email')}
            .value=${d.email}
          />`,
        )}
        ${this.#field(
          'photo',
          msg('Photo (optional)'),
          msg('JPEG, PNG or WebP. Made smaller, and its location data removed, on your device.'),
          // The native picker's own button speaks the browser's language; this one
          // speaks the page's. The input stays in the tab order, under its label.
          html`<input
              id="photo"
              class="visually-hidden"
              type="file"
              accept="image/*"
              aria-invalid=${invalid('photo')}
              aria-describedby=${this.#describedBy('photo')}
            /><label for="photo" part="button" class="button secondary"
              >${msg('Choose a photo')}</label
            >
            ${
              this._photoUrl
                ? html`<div>
                    <img src=${this._photoUrl} alt=${msg('Your photo')} />
                    <button
                      type="button"
                      part="button"
                      class="secondary"
                      @click=${this.#removePhoto}
                    >
                      ${msg('Remove photo')}
                    </button>
                  </div>`
                : nothing
            }`,
        )}
        <div class="field" part="field">
          <p class="hint" id="consentGiven-hint">
            ${
              c?.consent.text ??
              msg(
                'The newsroom keeps what you send and may publish your words. Your email is never published.',
              )
            }
            ${c ? html`<a href=${c.privacyPolicyUrl} target="_blank" rel="noopener">${msg('Privacy policy')}</a>` : nothing}
          </p>
          ${this.#error('consentGiven')}
          <div class="check">
            <input
              type="checkbox"
              id="consentGiven"
              aria-invalid=${invalid('consentGiven')}
              aria-describedby=${this.#describedBy('consentGiven')}
              .checked=${d.consentGiven}
            />
            <label for="consentGiven">${msg('I agree to these terms')}</label>
          </div>
          <div class="check">
            <input type="checkbox" id="publishPermission" .checked=${d.publishPermission} />
            <label for="publishPermission"
              >${msg('Publish my words, with my name unless I stay anonymous')}</label
            >
          </div>
          ${
            d.photo
              ? html`<div class="check">
                  <input
                    type="checkbox"
                    id="photoPermission"
                    aria-describedby="photoPermission-hint"
                    .checked=${d.photoPermission}
                  />
                  <div>
                    <label for="photoPermission"
                      >${msg(
                        'I took this photo, or may share it: the newsroom may publish it with my words.',
                      )}</label
                    >
                    <p class="hint" id="photoPermission-hint">
                      ${msg('Without this, only the newsroom sees the photo.')}
                    </p>
                  </div>
                </div>`
              : nothing
          }
        </div>
        <div class="hp" aria-hidden="true">
          <label
            >Website <input id="website" tabindex="-1" autocomplete="off" .value=${d.website}
          /></label>
        </div>
      </fieldset>
      ${status}
      <div>
        <button type="submit" id="send" part="button" aria-disabled=${busy}>
          ${busy ? msg('Sending…') : s === 'blocked' ? msg('Try again') : msg('Send')}
        </button>
        ${
          s === 'retrying'
            ? html`<button
                type="button"
                part="button"
                class="secondary"
                @click=${() => this.#submit()}
              >
                ${msg('Try again now')}
              </button>`
            : nothing
        }
        ${
          s === 'sending'
            ? html`<progress
                part="progress"
                max="1"
                .value=${this._progress}
                aria-label=${msg('Sending…')}
              ></progress>`
            : nothing
        }
      </div>
    </form>`;
  }

  /** "Open for N more days", or hours on the last day, in the reader's language. */
  #closesIn(c: Campaign) {
    const left = Date.parse(c.closesAt ?? '') - Date.now();
    if (!(left > 0)) return nothing;
    const days = left > DAY ? Math.floor(left / DAY) : 0;
    const n = days || Math.ceil(left / HOUR);
    const one = new Intl.PluralRules(this.locale).select(n) === 'one';
    const count = formatNumber(n, this.locale);
    return html`<p class="hint" id="closes">
      ${
        days
          ? one
            ? msg(str`Open for ${count} more day`)
            : msg(str`Open for ${count} more days`)
          : one
            ? msg(str`Open for ${count} more hour`)
            : msg(str`Open for ${count} more hours`)
      }
    </p>`;
  }

  /** The reader's messages from this browser: when each was received, its state, Withdraw. */
  #renderReceipts() {
    const entries = this.#receipts.entries;
    return entries.length
      ? html`<section part="receipts" aria-labelledby="receipts-title">
          <h2 id="receipts-title">${msg('Your messages')}</h2>
          <ul>
            ${entries.map((e, i) => this.#renderReceipt(e, `receipt-${i}`))}
          </ul>
          <p class="visually-hidden" aria-live="polite">${this._announcement}</p>
        </section>`
      : nothing;
  }

  #renderReceipt(e: ReceiptEntry, id: string) {
    if (e.gone) {
      return html`<li data-id=${e.id} tabindex="-1">${this.#receiptOutcome(e)}</li>`;
    }
    const when = formatDate(e.receivedAt, this.locale, RECEIVED);
    const act = (what: 'ask' | 'keep' | 'withdraw') => () => void this.#onReceipt(e.id, what);
    const state =
      e.status === 'published'
        ? msg('Published')
        : e.status === 'not_published'
          ? msg('Not published')
          : e.status
            ? msg('Waiting for review')
            : msg('Could not check just now');
    return html`<li data-id=${e.id}>
      <p id=${id}>
        <strong>${state}</strong>
        ${
          e.status === 'published'
            ? html`<a href="#campaign-quote-${e.id}">${msg('See it on the wall')}</a>`
            : nothing
        }
        <br /><span class="hint">${msg(str`Received ${when}`)}</span>
      </p>
      ${e.error ? html`<p class="error" id="${id}-error">${this.#receiptOutcome(e)}</p>` : nothing}
      ${
        e.asking
          ? html`<div role="group" aria-labelledby="${id}-ask">
              <p id="${id}-ask">
                ${msg('Withdraw this message? It is deleted for good and taken off every wall.')}
              </p>
              <button
                part="button"
                class="danger"
                aria-disabled=${!!e.busy}
                @click=${act('withdraw')}
              >
                ${msg('Withdraw')}
              </button>
              <button part="button" class="secondary" @click=${act('keep')}>
                ${msg('Keep it')}
              </button>
            </div>`
          : html`<button
              part="button"
              class="secondary"
              aria-describedby="${id}${e.error ? ` ${id}-error` : ''}"
              @click=${act('ask')}
            >
              ${msg('Withdraw')}
            </button>`
      }
    </li>`;
  }

  /** What became of a withdrawal, as the entry shows it and the live region says it. */
  #receiptOutcome(e: ReceiptEntry): string {
    return e.gone === 'withdrawn'
      ? msg('Withdrawn. Nothing of it is kept.')
      : e.gone
        ? msg('Already gone. Nothing of it is kept.')
        : msg(str`Not withdrawn. ${describeError(e.error)}`);
  }

  /** Withdraw (asks first), Keep it, or Withdraw for good; then focus and a word. */
  async #onReceipt(id: string, act: 'ask' | 'keep' | 'withdraw'): Promise<void> {
    const receipts = this.#receipts;
    if (receipts.entries.find((e) => e.id === id)?.busy) return;
    const entry =
      act === 'withdraw'
        ? await receipts.withdraw(id)
        : receipts.set(id, { asking: act === 'ask' });
    await this.updateComplete;
    const li = [...this.renderRoot.querySelectorAll('li')].find((l) => l.dataset.id === id);
    // Withdrawn: the entry, which now says so. Else its last button: asked, the safe
    // answer (Keep it); kept, or not withdrawn, Withdraw again.
    (entry?.gone ? li : [...(li?.querySelectorAll('button') ?? [])].pop())?.focus();
    if (act === 'withdraw' && entry) this._announcement = this.#receiptOutcome(entry);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'campaign-submission-form': CampaignSubmissionForm;
  }
  interface GlobalEventHandlersEventMap {
    'campaign-submit': CustomEvent<SubmitDetail>;
    'campaign-submitted': CustomEvent<SubmittedDetail>;
    'campaign-submit-error': CustomEvent<SubmitErrorDetail>;
  }
}
