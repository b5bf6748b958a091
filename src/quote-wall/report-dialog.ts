import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { msg, str } from '@lit/localize';
import type { CampaignApiClient } from '../api/client.js';
import type { CampaignApiError, HttpError } from '../api/errors.js';
import { REPORT_REASONS } from '../api/wire.js';
import type { Campaign, Locale, Quote, ReportContact, ReportReason } from '../api/wire.js';
import { DEV, warnOnce } from '../core/dev.js';
import { emit } from '../core/events.js';
import { formatNumber, formatRelativeTime } from '../i18n/format.js';
import { describeError } from '../i18n/messages.js';

/** Detail of `campaign-report`: the newsroom accepted a reader's report of a quote. */
export interface QuoteReportDetail {
  quoteId: string;
  reason: ReportReason;
}

/** Longest note a report may carry, in characters. */
export const REPORT_NOTE_MAX = 500;
/** Quotes a browser remembers having reported, per API and campaign. */
export const REPORTED_MAX = 500;

/** What the report action needs from its wall. */
export interface ReportHost extends ReactiveControllerHost, HTMLElement {
  readonly client: CampaignApiClient | undefined;
  readonly locale: Locale;
  readonly hideReport: boolean;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

const SENDING = 1;
const DONE = 2;

const reasonText = (reason: ReportReason): string =>
  ({
    illegal: msg('Illegal content'),
    harassment: msg('Harassment or hate'),
    spam: msg('Spam or advertising'),
    personal_info: msg("Someone's personal information"),
    other: msg('Something else'),
  })[reason];

/** A link for the campaign's reporting line: `tel:`, `mailto:` or an https URL only. */
const contactHref = ({ kind, value }: ReportContact): string | undefined =>
  kind === 'phone'
    ? `tel:${value.replace(/[^+\d-]/g, '')}`
    : kind === 'email'
      ? `mailto:${value}`
      : /^https:\/\//i.test(value)
        ? value
        : undefined;

/**
 * The wall's "Report" action: which quotes this browser has reported (kept in
 * `localStorage` as `campaign-widgets:reported:<api>|<campaign>`, storage errors
 * ignored), whether the partner may hide the action (`hide-report`, only where the
 * campaign's `reportsOptional` allows it), and the modal dialog that sends a report.
 * The campaign (its reporting line and `reportsOptional`) is read once per wall: when a
 * dialog first opens, or at once with `hide-report`.
 */
export class QuoteReports implements ReactiveController {
  /** The campaign as last read once it has answered; null when it could not be read. */
  campaign?: Campaign | null;
  #host: ReportHost;
  #campaignKey?: string;
  #abort?: AbortController;
  #storeKey?: string;
  #reported = new Set<string>();
  /** The quote whose dialog is open, and what the reader chose and wrote in it. */
  #quote?: Quote;
  #reason?: ReportReason;
  #note = '';
  #phase = 0;
  #noReason = false;
  #error = '';
  /** What to focus in the dialog once it has rendered. */
  #focus?: string;

  constructor(host: ReportHost) {
    (this.#host = host).addController(this);
  }

  /**
   * Whether the wall offers the action: hidden only where the campaign says partners
   * may hide it, and while a wall with `hide-report` waits for the campaign's word.
   */
  get offered(): boolean {
    const campaign = this.campaign;
    return !this.#host.hideReport || (campaign !== undefined && campaign?.reportsOptional !== true);
  }

  /** This browser reported the quote already. */
  reported(id: string): boolean {
    return this.#reported.has(id);
  }

  /** Opens the report dialog for `quote`. */
  open(quote: Quote): void {
    // A campaign that could not be read is asked again.
    if (this.campaign === null) this.#campaignKey = undefined;
    this.#quote = quote;
    this.#reason = undefined;
    this.#note = this.#error = '';
    this.#phase = 0;
    this.#noReason = false;
    this.#focus = 'input';
    this.#host.requestUpdate();
  }

  hostUpdate(): void {
    const client = this.#host.client;
    if (!client) return;
    const store = `campaign-widgets:reported:${client.base}|${client.campaign}`;
    if (store !== this.#storeKey) {
      this.#storeKey = store;
      try {
        this.#reported = new Set(JSON.parse(localStorage.getItem(store) ?? '[]') as string[]);
      } catch {
        this.#reported = new Set();
      }
    }
    if (this.#host.hideReport || this.#quote) this.#loadCampaign(client);
  }

  hostUpdated(): void {
    const dialog = this.#host.renderRoot.querySelector('dialog');
    if (!dialog || !this.#focus) return;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>(this.#focus)?.focus();
    this.#focus = undefined;
  }

  hostDisconnected(): void {
    // A read cut short is read again when the wall returns.
    if (this.campaign === undefined) this.#campaignKey = undefined;
    this.#abort?.abort();
  }

  #loadCampaign(client: CampaignApiClient): void {
    const locale = this.#host.locale;
    const key = client.url('', { locale });
    if (key === this.#campaignKey) return;
    this.#campaignKey = key;
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    client.getCampaign({ locale, signal: abort.signal }).then(
      (campaign) => {
        this.campaign = campaign;
        if (DEV && this.#host.hideReport && campaign.reportsOptional !== true) {
          warnOnce(
            `hide-report:${key}`,
            `<campaign-quote-wall> keeps its Report actions despite hide-report: campaign "${client.campaign}" does not let partners hide them (reportsOptional is false).`,
          );
        }
        this.#host.requestUpdate();
      },
      () => {
        if (abort.signal.aborted) return;
        // Without the campaign's word, readers keep the action.
        this.campaign = null;
        this.#host.requestUpdate();
      },
    );
  }

  #remember(id: string): void {
    this.#reported.add(id);
    try {
      localStorage.setItem(
        this.#storeKey!,
        JSON.stringify([...this.#reported].slice(-REPORTED_MAX)),
      );
    } catch {
      // Private mode, a full or a refused storage: remembered on this page only.
    }
  }

  #describe(error: CampaignApiError): string {
    switch (error.code) {
      case 'not_found':
        return msg('This quote is no longer on the wall.');
      case 'rate_limited': {
        const wait = ((error as HttpError).retryAfter ?? 60) * 1000;
        const when = formatRelativeTime(Date.now() + wait, this.#host.locale);
        return msg(str`Too many attempts. Please try again ${when}.`);
      }
      case 'origin_not_allowed':
        return msg('Reports cannot be sent from this website.');
      default:
        return describeError(error);
    }
  }

  #send = async (event: Event): Promise<void> => {
    event.preventDefault();
    const quote = this.#quote!;
    const reason = this.#reason;
    const client = this.#host.client;
    if (this.#phase || !client) return;
    this.#error = '';
    this.#noReason = !reason;
    if (!reason) {
      this.#focus = 'input';
      return this.#host.requestUpdate();
    }
    this.#phase = SENDING;
    this.#host.requestUpdate();
    const note = this.#note.trim();
    let error = '';
    try {
      await client.report(quote.id, note ? { reason, note } : { reason }, {
        locale: this.#host.locale,
      });
      this.#remember(quote.id);
      emit(this.#host, 'campaign-report', { quoteId: quote.id, reason });
    } catch (failure) {
      error = this.#describe(failure as CampaignApiError);
    }
    // The reader may have closed this dialog meanwhile, or opened another.
    if (this.#quote === quote) {
      this.#phase = error ? 0 : DONE;
      this.#error = error;
      if (!error) this.#focus = '.primary';
    }
    this.#host.requestUpdate();
  };

  #close = () => this.#host.renderRoot.querySelector('dialog')?.close();

  /** Back to the quote's Report button, or to the quote once it is reported. */
  #closed = () => {
    const id = this.#quote?.id;
    this.#quote = undefined;
    this.#host.requestUpdate();
    const li = (this.#host.renderRoot as ShadowRoot).getElementById(`campaign-quote-${id}`);
    (li?.querySelector<HTMLElement>('[part=report]:enabled') ?? li)?.focus();
  };

  #pick(reason: ReportReason): void {
    this.#reason = reason;
    this.#noReason = false;
    this.#host.requestUpdate();
  }

  #form() {
    const left = REPORT_NOTE_MAX - this.#note.length;
    // Named as in the submission form, whose message this is too.
    const number = (n: number) => formatNumber(n, this.#host.locale);
    const contact = this.campaign?.reportContact;
    const href = contact && contactHref(contact);
    return html`<form novalidate @submit=${this.#send}>
      <fieldset aria-describedby=${this.#noReason ? 'report-reason-error' : nothing}>
        <legend>${msg('What is wrong with it?')}</legend>
        ${
          this.#noReason
            ? html`<p class="error" id="report-reason-error">
                <span class="visually-hidden">${msg('Error:')}</span> ${msg('Choose a reason.')}
              </p>`
            : nothing
        }
        ${REPORT_REASONS.map(
          (reason) =>
            html`<label
              ><input
                type="radio"
                name="reason"
                .checked=${this.#reason === reason}
                @change=${() => this.#pick(reason)}
              />${reasonText(reason)}</label
            >`,
        )}
      </fieldset>
      <label for="report-note">${msg('Note for the newsroom (optional)')}</label>
      <textarea
        id="report-note"
        rows="3"
        maxlength=${REPORT_NOTE_MAX}
        aria-describedby="report-count"
        .value=${this.#note}
        @input=${(e: Event) => {
          this.#note = (e.target as HTMLTextAreaElement).value;
          this.#host.requestUpdate();
        }}
      ></textarea>
      <p class="hint" id="report-count" aria-live="polite">
        ${left > 100 ? '' : msg(str`${number(left)} characters left`)}
      </p>
      ${
        contact
          ? html`<p class="hint contact">
              ${contact.label}<br />${href ? html`<a href=${href}>${contact.value}</a>` : contact.value}
            </p>`
          : nothing
      }
      <p class="error" role="alert">
        ${
          this.#error
            ? html`<span class="visually-hidden">${msg('Error:')}</span> ${this.#error}`
            : nothing
        }
      </p>
      <p class="actions">
        <button part="button" class="primary">
          ${this.#phase ? msg('Sending…') : msg('Send report')}
        </button>
        <button part="button" type="button" @click=${this.#close}>${msg('Cancel')}</button>
      </p>
    </form>`;
  }

  /** The dialog while one is open. */
  render() {
    const quote = this.#quote;
    if (!quote) return nothing;
    return html`<dialog part="dialog" aria-labelledby="report-title" @close=${this.#closed}>
      <h2 id="report-title">${msg('Report this quote')}</h2>
      <blockquote lang=${quote.locale}>${quote.text}</blockquote>
      ${
        this.#phase === DONE
          ? html`<p role="status">${msg('Thank you. The newsroom will look at it.')}</p>
              <p class="actions">
                <button part="button" class="primary" @click=${this.#close}>${msg('Close')}</button>
              </p>`
          : this.#form()
      }
    </dialog>`;
  }
}
