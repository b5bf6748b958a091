import { html, isServer, noChange, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { msg, str } from '@lit/localize';
import { CampaignElement } from '../base/campaign-element.js';
import { emit } from '../core/events.js';
import { describeError } from '../i18n/messages.js';
import { formatDate, formatNumber, formatRelativeTime } from '../i18n/format.js';
import { HttpError, type CampaignApiError } from '../api/errors.js';
import {
  DEFAULT_SUBMISSION_LIMITS,
  type Campaign,
  type SubmissionAccepted,
  type SubmissionLimits,
  type SubmissionRequest,
} from '../api/wire.js';
import { fields } from '../styles/fields.js';
import { tokens } from '../styles/tokens.js';
import { noScriptStyles, styles } from './submission-form.styles.js';
import type { Draft } from './draft-store.js';
import { DraftController } from './draft-controller.js';
import { SubmitController, type Job } from './submit-controller.js';
import { checkDraft, messageKey, serverProblems, type MessageKey } from './validation.js';
import { problemText } from './messages.js';
import { resizePhoto } from './resize-photo.js';
import { ReceiptsController, type ReceiptEntry } from './receipts.js';
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

/**
 * A checkbox's `.checked` on the client only: Lit's server render writes a property
 * binding as the attribute, `checked="false"` included, which ticks the box. A box
 * rendered on the server is unticked (the draft is the browser's).
 */
const tickedOnClient = (ticked: boolean) => (isServer ? noChange : ticked);

const RECEIVED: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The draft's yes-or-no fields, each a check box (`#checkbox`). */
type CheckField = 'anonymous' | 'consentGiven' | 'publishPermission' | 'photoPermission';

/** What sets one input apart from another (`#input`). */
interface InputOptions {
  type?: 'text' | 'email';
  autocomplete?: string;
  spellcheck?: 'false';
  maxlength?: number;
  disabled?: boolean;
  value: string;
}

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
 * @cssprop --campaign-terms-lines - Lines reserved for the campaign's terms while the API
 *   answers, so nothing below them moves when they arrive. Default: 4 (7 below 30em, 8 below 22em).
 *
 * @fires {CustomEvent<SubmitDetail>} campaign-submit - Before sending; cancelable: `preventDefault()` stops it. `detail.request` is the body.
 * @fires {CustomEvent<SubmittedDetail>} campaign-submitted - The server accepted the submission; `detail.id` is its id.
 * @fires {CustomEvent<SubmitErrorDetail>} campaign-submit-error - Sending failed or was refused; `detail.code` (`origin_not_allowed`: this site may not send to the API yet), `detail.retrying`.
 *
 * @tagname campaign-submission-form
 */
export class CampaignSubmissionForm extends CampaignElement {
  static override styles = isServer
    ? [tokens, fields, styles, noScriptStyles]
    : [tokens, fields, styles];

  /**
   * Where the form is: `idle`, `sending`, `retrying` (saved, will retry), `blocked` (saved;
   * this page's origin may not send to the API yet, and nothing is retried until the
   * reader tries again), `sent`, `closed`.
   */
  @property({ reflect: true }) state: SubmissionFormState = 'idle';

  /**
   * The campaign as `GET /v1/campaigns/:campaign` answers it (for this locale), for a
   * form rendered on the server or from data the page already has: set before the first
   * render, the form renders from it and does not read the campaign again.
   */
  @property({ attribute: false }) snapshot?: Campaign;

  /**
   * The page a reader returns to after sending without JavaScript (the form posts to the
   * API, which answers with its own page and links back here when this page's origin may
   * send). Default: this page.
   */
  @property({ attribute: 'return-url' }) returnUrl?: string;

  @state() private _campaign?: Campaign;
  /** Problems to show: field → text; the key `''` holds one not tied to a field. */
  @state() private _errors: Record<string, string> = {};
  @state() private _photoUrl = '';
  /** What the receipt list last said to assistive technology. */
  @state() private _announcement = '';
  /** What the status region says while the form is idle (the terms changed). */
  @state() private _notice = '';
  /** The campaign closed while the form was shown (announced: the form just went). */
  @state() private _closedLive = false;

  readonly #receipts = new ReceiptsController(this);
  readonly #draft = new DraftController(this, (restored) => this.#onRestore(restored));
  readonly #sender = new SubmitController(this, {
    job: () => this.#job(),
    accepted: (accepted, job) => this.#onAccepted(accepted, job),
    blocked: () => this.#keepUnsent(),
    refused: (error) => this.#onRefused(error),
  });

  /** The API, campaign and locale the campaign was last read for. */
  #campaignKey = '';
  /** The next change of "Open for N more …", or the closing time. */
  #clock?: ReturnType<typeof setTimeout>;
  #load?: AbortController;

  constructor() {
    super();
    // The campaign's live stream: open while the form is in a visible page.
    new LiveCampaign(this, (c) => (c ? this.#apply(c) : void this.#fetchCampaign()));
  }

  get #limits(): SubmissionLimits {
    return this._campaign?.limits ?? DEFAULT_SUBMISSION_LIMITS;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#load?.abort();
    clearTimeout(this.#clock);
    this.#campaignKey = '';
  }

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const snapshot = this.snapshot;
    if (changed.has('snapshot') && snapshot && snapshot !== this._campaign) {
      if (isServer) this._campaign = snapshot;
      else this.#apply(snapshot);
    }
    // On the server nothing is fetched: the form renders from the snapshot or defaults.
    if (isServer) return;
    if (!this.hasUpdated) this.#adoptTyped();
    const key = this.#draft.id;
    if (key && key + this.locale !== this.#campaignKey) {
      this.#campaignKey = key + this.locale;
      // The snapshot already holds this campaign in this locale: no second read.
      const held = this._campaign;
      if (!(held && held.locale === this.locale && held.id === this.client?.campaign)) {
        void this.#fetchCampaign();
      }
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
  #apply(campaign: Campaign): void {
    const left = Date.parse(campaign.closesAt ?? '') - Date.now();
    this._campaign = campaign;
    clearTimeout(this.#clock);
    if (campaign.status === 'closed' || left <= 0) this.#close();
    else {
      if (this.state === 'closed') {
        this.state = 'idle';
        if (this.#draft.value.request) void this.#sender.send();
      }
      const unit = left > DAY ? DAY : HOUR;
      // No closing time (NaN): no clock.
      if (left > 0) {
        this.#clock = setTimeout(
          () => this.#apply(this._campaign!),
          Math.min(left % unit || unit, 2 ** 31 - 1),
        );
      }
    }
    this.#checkConsent();
  }

  /** The campaign closed: the form goes (the draft kept), unless a send is under way. */
  #close(): void {
    const current = this.state;
    if (current === 'sending' || current === 'sent') return;
    this.#sender.cancelRetry();
    if (current !== 'closed' && this.hasUpdated) {
      // The form goes from under the reader: say why, and keep focus in the widget.
      this._closedLive = true;
      if (this.shadowRoot!.activeElement)
        void this.updateComplete.then(() => this.#focus('status'));
    }
    this.state = 'closed';
  }

  /** A consent given to another version of the terms is taken back, and the reader told. */
  #checkConsent(): void {
    const draft = this.#draft.value;
    const version = this._campaign?.consent.version;
    if (!draft.consentGiven || version === undefined || draft.consentVersion === version) return;
    if (draft.consentVersion === undefined) return this.#draft.set({ consentVersion: version });
    this.#edit({ consentGiven: false });
    this._errors = {
      ...this._errors,
      consentGiven: (this._notice = this.#problem('consentGiven', 'consent_outdated')),
    };
  }

  #onRestore(restored: boolean): void {
    if (restored) {
      this.#showPhoto(this.#draft.value.photo);
      this.#checkConsent();
    }
    // A send that was under way when the page closed carries on, with the same key.
    if (this.#draft.value.request && this.state !== 'sending') void this.#sender.send();
  }

  /** The reader's edit: kept, saved shortly, and a field's error gone once it is right. */
  #edit(patch: Partial<Draft>): void {
    this.#draft.edit(patch);
    const problems = checkDraft(this.#draft.value, this.#limits);
    const errors = { ...this._errors };
    for (const field in patch) if (!problems[field]) delete errors[field];
    this._errors = errors;
  }

  /**
   * What the reader entered in the server-rendered form before the script ran (still
   * in the shadow root until the first render replaces it): taken into the draft as
   * their edits, so it is neither lost nor replaced by an older saved draft.
   */
  #adoptTyped(): void {
    const form = this.renderRoot.querySelector('form');
    for (const input of form?.querySelectorAll<HTMLInputElement>('input[id], textarea, select') ??
      []) {
      const entered = input.files
        ? input.files.length
        : input.type === 'checkbox'
          ? input.checked
          : input.value;
      if (entered) this.#onInput({ target: input, type: 'change' } as unknown as Event);
    }
  }

  #onInput = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    const name = input.id as keyof Draft;
    if (input.files) {
      if (event.type === 'change') void this.#pickPhoto(input);
    } else if (name === 'consentGiven') {
      this._notice = '';
      this.#edit({ consentGiven: input.checked, consentVersion: this._campaign?.consent.version });
    } else if (name in this.#draft.value) {
      this.#edit({ [name]: input.type === 'checkbox' ? input.checked : input.value });
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
        this.#edit({ photo });
        this.#showPhoto(photo);
      }
    } catch {
      code = 'unreadable';
    }
    this._errors = { ...this._errors, photo: code && this.#problem('photo', code) };
  }

  #showPhoto(photo: Blob | null): void {
    URL.revokeObjectURL(this._photoUrl);
    this._photoUrl = photo ? URL.createObjectURL(photo) : '';
  }

  #removePhoto = (): void => {
    this.#edit({ photo: null, photoPermission: false });
    this.#showPhoto(null);
    this.#focus('photo');
  };

  #focus(id: string): void {
    this.renderRoot.querySelector<HTMLElement>(`#${id}`)?.focus();
  }

  /** Specific, localized text for a field's problem (from the check here or the server). */
  #problem(field: string, code: string): string {
    return this.#text(messageKey(field, code));
  }

  #text(key: MessageKey): string {
    return problemText(key, this.#limits);
  }

  async #showErrors(errors: Record<string, string>): Promise<void> {
    this._errors = errors;
    await this.updateComplete;
    this.#focus('summary');
  }

  #onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (this.state !== 'idle' && this.state !== 'blocked') return;
    const problems = checkDraft(this.#draft.value, this.#limits);
    if (Object.keys(problems).length) {
      emit(this, 'campaign-submit-error', { code: 'validation', retrying: false });
      const errors: Record<string, string> = {};
      for (const field in problems) errors[field] = this.#problem(field, problems[field]);
      return this.#showErrors(errors);
    }
    if (!this._campaign) await this.#fetchCampaign();
    const draft = this.#draft.value;
    const request = this.#request(draft);
    if (!emit(this, 'campaign-submit', { request, photo: !!draft.photo }, { cancelable: true }))
      return;
    this._errors = {};
    // Saved before it leaves: a crash mid-send resumes this very body with the same key.
    this.#draft.set({ request });
    this.#draft.save();
    this.#focus('send');
    return this.#sender.send();
  };

  /** The body to send, from a draft that passed the checks. */
  #request(draft: Draft): SubmissionRequest {
    return {
      message: draft.message.trim(),
      displayName: draft.anonymous ? null : draft.displayName.trim(),
      anonymous: draft.anonymous,
      district: draft.district || null,
      email: draft.email.trim() || null,
      consentGiven: true,
      consentVersion: this._campaign?.consent.version ?? '',
      publishPermission: draft.publishPermission,
      photoPermission: !!draft.photo && draft.photoPermission,
      receiptSecret: draft.secret,
      locale: this.locale,
      ...(draft.website ? { website: draft.website } : {}),
    };
  }

  #job(): Job | undefined {
    const { request, key, photo } = this.#draft.value;
    return request && { request, key, photo };
  }

  async #onAccepted(accepted: SubmissionAccepted, job: Job): Promise<void> {
    const secret = job.request.receiptSecret;
    if (secret) {
      this.#receipts.add({ id: accepted.id, secret, receivedAt: accepted.receivedAt });
    }
    await this.#draft.clear();
    this.#showPhoto(null);
    this.state = 'sent';
    emit(this, 'campaign-submitted', { id: accepted.id });
    await this.updateComplete;
    this.#focus('status');
  }

  /** Not sent, and not to be resent by itself: the draft stays, without its pending body. */
  #keepUnsent(): void {
    this.#draft.set({ request: undefined });
    this.#draft.save();
  }

  /** Refused for good: the reader is told what to change (closed: the form goes). */
  async #onRefused(error: CampaignApiError): Promise<void> {
    this.state = error.code === 'campaign_closed' ? 'closed' : 'idle';
    const keys = serverProblems((error as HttpError).fields ?? []);
    const errors: Record<string, string> = {};
    for (const field in keys) errors[field] = this.#text(keys[field]);
    this.#draft.set({
      request: undefined,
      ...(errors.consentGiven ? { consentGiven: false } : {}),
    });
    if (errors.consentGiven) void this.#fetchCampaign();
    if (/^(photo_too_large|unsupported_media_type)$/.test(error.code)) {
      errors.photo = this.#problem('photo', error.code);
    } else if (error instanceof HttpError && error.status === 429) {
      const when = formatRelativeTime(Date.now() + (error.retryAfter ?? 60) * 1000, this.locale);
      errors[''] = msg(str`Too many attempts. Please try again ${when}.`);
    } else if (!Object.keys(errors).length) errors[''] = describeError(error);
    this.#draft.save();
    if (this.state === 'idle') await this.#showErrors(errors);
  }

  #sendAnother = (): void => {
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
    const status = this.#renderStatus();
    if (this.state === 'sent') {
      return html`${status}<button part="button" @click=${this.#sendAnother}>
          ${msg('Send another')}
        </button>`;
    }
    if (this.state === 'closed') return status;
    const campaign = this._campaign;
    const draft = this.#draft.value;
    // Without JavaScript (a server-rendered form) the browser posts the form itself to
    // the API, which answers with its own page; with it, the submit is taken over.
    return html`<form
      part="form"
      method="post"
      action=${this.client?.url('/submissions') ?? ''}
      enctype="multipart/form-data"
      novalidate
      @submit=${this.#onSubmit}
      @input=${this.#onInput}
      @change=${this.#onInput}
    >
      <slot></slot>
      ${campaign ? this.#closesIn(campaign) : nothing} ${this.#renderSummary()}
      <fieldset ?disabled=${this.#busy}>
        ${this.#renderMessage()} ${this.#renderName()} ${this.#renderDistrict()}
        ${this.#renderEmail()} ${this.#renderPhoto()} ${this.#renderConsent()}
        <div class="hp" aria-hidden="true">
          <label
            >Website
            <input
              id="website"
              name="website"
              tabindex="-1"
              autocomplete="off"
              .value=${this.#draft.value.website}
          /></label>
        </div>
      </fieldset>
      ${status} ${this.#renderActions()}
      <!-- Last: with them first, Tab from before the form did not reach its first field in WebKit. -->
      <input type="hidden" name="idempotencyKey" value=${draft.key} />
      <input type="hidden" name="consentVersion" value=${campaign?.consent.version ?? ''} />
      <input type="hidden" name="lang" value=${this.locale} />
      <input type="hidden" name="return" value=${this.#returnUrl} />
    </form>`;
  }

  /** Where the API's page after a plain post links back to. */
  get #returnUrl(): string {
    return this.returnUrl ?? (typeof location === 'undefined' ? '' : location.href);
  }

  /** Sending or waiting to retry: the fields are locked. */
  get #busy(): boolean {
    return this.state !== 'idle' && this.state !== 'blocked';
  }

  #invalid(id: string): 'true' | 'false' {
    return this._errors[id] ? 'true' : 'false';
  }

  /**
   * A check box and its label, ticked as the draft says (on the server, never). With
   * `described`, named by its help (`hint`, under the label, or the paragraph with its
   * id above) and its error.
   */
  #checkbox(id: CheckField, label: string, options: { described?: boolean; hint?: string } = {}) {
    const text = html`<label for=${id}>${label}</label>`;
    return html`<div class="check">
      <input
        type="checkbox"
        id=${id}
        name=${id}
        aria-invalid=${this.#invalid(id)}
        aria-describedby=${ifDefined(options.described ? this.#describedBy(id) : undefined)}
        .checked=${tickedOnClient(this.#draft.value[id])}
      />
      ${
        options.hint
          ? html`<div>
              ${text}
              <p class="hint" id="${id}-hint">${options.hint}</p>
            </div>`
          : text
      }
    </div>`;
  }

  /**
   * A field's text input, named by its id, described by its help and error, showing
   * the draft's `value`. (The photo's file input has no value to show: it stays apart.)
   */
  #input(id: 'displayName' | 'email', options: InputOptions) {
    return html`<input
      id=${id}
      name=${id}
      type=${options.type ?? 'text'}
      autocomplete=${ifDefined(options.autocomplete)}
      spellcheck=${ifDefined(options.spellcheck)}
      maxlength=${ifDefined(options.maxlength)}
      ?disabled=${options.disabled}
      aria-invalid=${this.#invalid(id)}
      aria-describedby=${this.#describedBy(id)}
      .value=${options.value}
    />`;
  }

  /** The status region: saved and retrying, blocked, thank you, closed, or a notice. */
  #renderStatus() {
    const note =
      this.state === 'sent'
        ? msg('Thank you! The newsroom will review your words before they appear.')
        : this.state === 'closed'
          ? msg('This campaign is closed. Thank you for taking part.')
          : this.state === 'retrying'
            ? msg('Saved on this device. We could not reach the newsroom and will keep trying.')
            : this.state === 'blocked'
              ? msg(
                  'This page cannot send your words to the newsroom yet. They are saved on this device, so nothing is lost: please try again later.',
                )
              : this._notice;
    return html`<div part="status" id="status" role="status" tabindex="-1">
      ${note ? html`<p class="note">${note}</p>` : nothing}
    </div>`;
  }

  /** The problems after a failed send, each linked to its field. */
  #renderSummary() {
    const errors = Object.entries(this._errors).filter(([, text]) => text);
    if (!errors.length) return nothing;
    const item = ([id, text]: [string, string]) =>
      html`<li>
        ${id ? html`<a href="#${id}" @click=${this.#onSummaryClick}>${text}</a>` : text}
      </li>`;
    return html`<div
      class="summary"
      part="error-summary"
      id="summary"
      role="alert"
      tabindex="-1"
      aria-labelledby="summary-title"
    >
      <h2 id="summary-title">${msg('There is a problem')}</h2>
      <ul>
        ${errors.map(item)}
      </ul>
    </div>`;
  }

  /** The reader's words, with a count and, near the limit, how many characters are left. */
  #renderMessage() {
    const limits = this.#limits;
    const draft = this.#draft.value;
    const left = limits.messageMaxLength - draft.message.trim().length;
    const number = (n: number) => formatNumber(n, this.locale);
    const spoken =
      left < 0
        ? this.#problem('message', 'too_long')
        : left <= Math.max(20, limits.messageMaxLength / 10)
          ? msg(str`${number(left)} characters left`)
          : '';
    return this.#field(
      'message',
      msg('Your words'),
      msg(
        str`What does the spirit of the city mean to you? ${limits.messageMinLength} to ${limits.messageMaxLength} characters.`,
      ),
      html`<textarea
          id="message"
          name="message"
          rows="6"
          aria-invalid=${this.#invalid('message')}
          aria-describedby="${this.#describedBy('message')} count"
          .value=${draft.message}
        ></textarea>
        <p class="hint count" id="count">
          ${number(limits.messageMaxLength - left)} / ${number(limits.messageMaxLength)}
        </p>
        <p class="visually-hidden" aria-live="polite">${spoken}</p>`,
    );
  }

  #renderName() {
    const draft = this.#draft.value;
    return this.#field(
      'displayName',
      msg('Your name'),
      msg('Published with your words.'),
      html`${this.#input('displayName', {
        autocomplete: 'name',
        maxlength: this.#limits.displayNameMaxLength,
        disabled: draft.anonymous,
        value: draft.displayName,
      })}
      ${this.#checkbox('anonymous', msg('Publish anonymously instead'))}`,
    );
  }

  #renderDistrict() {
    const chosen = this.#draft.value.district;
    return this.#field(
      'district',
      msg('District (optional)'),
      nothing,
      html`<select id="district" name="district" aria-describedby=${this.#describedBy('district')}>
        <option value="">${msg('Not chosen')}</option>
        ${this._campaign?.districts.map(
          (o) => html`<option value=${o.id} ?selected=${o.id === chosen}>${o.name}</option>`,
        )}
      </select>`,
    );
  }

  #renderEmail() {
    return this.#field(
      'email',
      msg('Email (optional)'),
      msg('Private: for the newsroom only, never published.'),
      this.#input('email', {
        type: 'email',
        autocomplete: 'email',
        spellcheck: 'false',
        value: this.#draft.value.email,
      }),
    );
  }

  #renderPhoto() {
    const preview = this._photoUrl
      ? html`<div>
          <img src=${this._photoUrl} alt=${msg('Your photo')} />
          <button type="button" part="button" class="secondary" @click=${this.#removePhoto}>
            ${msg('Remove photo')}
          </button>
        </div>`
      : nothing;
    return this.#field(
      'photo',
      msg('Photo (optional)'),
      // Rendered on the server, the photo may be sent by the browser itself, unresized:
      // the API then removes its location data.
      isServer
        ? msg('JPEG, PNG or WebP. Its location data is removed before the newsroom keeps it.')
        : msg('JPEG, PNG or WebP. Made smaller, and its location data removed, on your device.'),
      // The native picker's own button speaks the browser's language; this one
      // speaks the page's. The input stays in the tab order, under its label.
      html`<input
          id="photo"
          name="photo"
          class="visually-hidden"
          type="file"
          accept="image/*"
          aria-invalid=${this.#invalid('photo')}
          aria-describedby=${this.#describedBy('photo')}
        /><label for="photo" part="button" class="button secondary">${msg('Choose a photo')}</label>
        ${preview}`,
    );
  }

  /** The terms and the privacy policy, consent, and the permissions to publish. */
  #renderConsent() {
    const campaign = this._campaign;
    const draft = this.#draft.value;
    // With an API, the terms come with its answer: their lines are reserved (and kept).
    return html`<div class="field" part="field">
      <p class=${this.client ? 'hint terms' : 'hint'} id="consentGiven-hint">
        ${
          // The campaign's terms replace the default words as new nodes, not by editing
          // the old one's text, which a browser counts as moving it.
          campaign
            ? html`<span>${campaign.consent.text}</span>
                <a href=${campaign.privacyPolicyUrl} target="_blank" rel="noopener"
                  >${msg('Privacy policy')}</a
                >`
            : html`<span
                >${msg(
                  'The newsroom keeps what you send and may publish your words. Your email is never published.',
                )}</span
              >`
        }
      </p>
      ${this.#error('consentGiven')}
      ${this.#checkbox('consentGiven', msg('I agree to these terms'), { described: true })}
      ${this.#checkbox(
        'publishPermission',
        msg('Publish my words, with my name unless I stay anonymous'),
      )}
      ${
        draft.photo || isServer
          ? this.#checkbox(
              'photoPermission',
              msg('I took this photo, or may share it: the newsroom may publish it with my words.'),
              {
                described: true,
                hint: msg('Without this, only the newsroom sees the photo.'),
              },
            )
          : nothing
      }
    </div>`;
  }

  /** Send (or Try again), Try again now while retrying, and the upload's progress. */
  #renderActions() {
    const busy = this.#busy;
    return html`<div>
      <button type="submit" id="send" part="button" aria-disabled=${busy}>
        ${busy ? msg('Sending…') : this.state === 'blocked' ? msg('Try again') : msg('Send')}
      </button>
      ${
        this.state === 'retrying'
          ? html`<button
              type="button"
              part="button"
              class="secondary"
              @click=${() => this.#sender.send()}
            >
              ${msg('Try again now')}
            </button>`
          : nothing
      }
      ${
        this.state === 'sending'
          ? html`<progress
              part="progress"
              max="1"
              .value=${this.#sender.progress}
              aria-label=${msg('Sending…')}
            ></progress>`
          : nothing
      }
    </div>`;
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
      ${this.#renderWithdraw(e, id)}
    </li>`;
  }

  /** Withdraw, or once asked: the question, Withdraw for good and Keep it. */
  #renderWithdraw(e: ReceiptEntry, id: string) {
    const act = (what: 'ask' | 'keep' | 'withdraw') => () => void this.#onReceipt(e.id, what);
    return e.asking
      ? html`<div role="group" aria-labelledby="${id}-ask">
          <p id="${id}-ask">
            ${msg('Withdraw this message? It is deleted for good and taken off every wall.')}
          </p>
          <button part="button" class="danger" aria-disabled=${!!e.busy} @click=${act('withdraw')}>
            ${msg('Withdraw')}
          </button>
          <button part="button" class="secondary" @click=${act('keep')}>${msg('Keep it')}</button>
        </div>`
      : html`<button
          part="button"
          class="secondary"
          aria-describedby="${id}${e.error ? ` ${id}-error` : ''}"
          @click=${act('ask')}
        >
          ${msg('Withdraw')}
        </button>`;
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
}
