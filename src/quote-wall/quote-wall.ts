import { html, isServer, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import { CampaignElement } from '../base/campaign-element.js';
import { emit } from '../core/events.js';
import { DEV, warnOnce } from '../core/dev.js';
import { describeError } from '../i18n/messages.js';
import { formatDate, formatRelativeTime } from '../i18n/format.js';
import type { CampaignApiError } from '../api/errors.js';
import type { Quote, QuotePage } from '../api/wire.js';
import '../photo/photo.js';
import { fields } from '../styles/fields.js';
import { tokens } from '../styles/tokens.js';
import { styles } from './quote-wall.styles.js';
import { LiveQuotes, type Feed, type LiveStatus } from './live-quotes.js';
import { QuoteReports, type QuoteReportDetail } from './report-dialog.js';
import { reportStyles } from './report-dialog.styles.js';

export type { QuoteReportDetail };

/** Layouts of the wall. */
export const QUOTE_WALL_LAYOUTS = ['grid', 'ticker', 'spotlight'] as const;
export type QuoteWallLayout = (typeof QUOTE_WALL_LAYOUTS)[number];

/** Detail of `campaign-live-status`. */
export interface LiveStatusDetail {
  status: LiveStatus;
}

const WEEK = 7 * 24 * 3600e3;

/** A whole number in 1…max, or the fallback for anything else. */
const whole = (value: number, fallback: number, max: number) =>
  value >= 1 ? Math.min(Math.floor(value), max) : fallback;

/**
 * @summary Approved reader quotes of a campaign, arriving live, without moving what the
 * reader is looking at.
 *
 * Shows the newest quotes, then follows the campaign's live stream (one connection
 * shared by every wall for the same API and campaign on the page). While the reader
 * is scrolled into the wall, hovers or focuses inside it, or has paused it, new quotes
 * wait behind an "N new quotes" button; otherwise they slide in (without motion under
 * `prefers-reduced-motion`). A polite live region announces a short summary of
 * arrivals. Quote text is always shown as text.
 *
 * Every quote has a quiet "Report" action that opens a modal dialog: a reason, an
 * optional note and the campaign's own reporting line. A quote this browser reported
 * says "Reported" from then on. A page whose address ends in `#campaign-quote-<id>`
 * (the submission form's receipt links there) scrolls that quote into view and
 * focuses it.
 *
 * @tagname campaign-quote-wall
 *
 * @slot - Fallback shown until the first quotes arrive, and when no API is configured or
 *   they cannot be loaded.
 *
 * @csspart quote - One quote (a `figure`).
 * @csspart status - The live status indicator.
 * @csspart controls - The bar with the status, "new quotes" and pause controls.
 * @csspart button - Every button (new quotes, pause, show more, and the report dialog's).
 * @csspart report - A quote's "Report" action ("Reported" once sent).
 * @csspart dialog - The report dialog.
 *
 * @cssprop --campaign-color-text - Quote text and names.
 * @cssprop --campaign-color-muted - District, time and status.
 * @cssprop --campaign-color-surface - Background of a quote.
 * @cssprop --campaign-color-border - Border of a quote.
 * @cssprop --campaign-color-accent - Buttons and focus ring.
 * @cssprop --campaign-radius - Corner radius.
 * @cssprop --campaign-space - Base spacing unit.
 *
 * @fires {CustomEvent<LiveStatusDetail>} campaign-live-status - The live connection changed state: `detail.status` is
 * `connecting`, `live`, `reconnecting` or `offline`.
 * @fires {CustomEvent<QuoteReportDetail>} campaign-report - The newsroom accepted a reader's report of a quote:
 * `detail.quoteId` and `detail.reason`.
 */
export class CampaignQuoteWall extends CampaignElement {
  static override styles = [tokens, fields, styles, reportStyles];

  /** Milliseconds an announcement of arrivals waits, collecting a burst into one. */
  static announceDelay = 3000;

  /** `grid` (responsive columns), `ticker` (one moving line) or `spotlight` (one quote at a time). Anything else shows a grid. */
  @property({ reflect: true }) layout: QuoteWallLayout = 'grid';

  /** Most quotes on the page (1–1000, default 24; anything else: 24). Older ones: "Show more". */
  @property({ type: Number, attribute: 'max-items' }) maxItems = 24;

  /** Seconds each quote stays in the `spotlight` layout (1–3600, default 8; anything else: 8). */
  @property({ type: Number }) interval = 8;

  /** Hides the live status indicator (`campaign-live-status` still fires). */
  @property({ type: Boolean, attribute: 'hide-status' }) hideStatus = false;

  /** Stops motion, rotation and arrivals until resumed, like the visible pause button. */
  @property({ type: Boolean, reflect: true }) paused = false;

  /**
   * Hides the quotes' "Report" action, where the campaign lets partners
   * (`reportsOptional`); otherwise the action stays and a development warning says why.
   */
  @property({ type: Boolean, attribute: 'hide-report' }) hideReport = false;

  /**
   * The newest quotes to start from (a `GET …/quotes` page: `items`, `lastEventId`,
   * `nextBefore`), given before the first render: the wall shows them at once and its
   * live stream resumes after `lastEventId`, with no first read. Server rendering
   * renders the wall from it (`src/ssr`).
   */
  @property({ attribute: false }) snapshot?: QuotePage;

  readonly live = new LiveQuotes(this);
  readonly reports = new QuoteReports(this);

  #onWall: Quote[] = [];
  /** Approval time of the newest quote shown; newer ones wait while the reader reads. */
  #anchor?: string;
  /** Newer quotes held back above the anchor. */
  #waiting = 0;
  /** Quotes the reader asked for beyond max-items with "Show more". */
  #extraByShowMore = 0;
  /** The next update shows the waiting quotes (the reader asked, or the ticker is off-screen). */
  #takeWaiting = false;
  /** Newest approval time shown, and the one before it: quotes between slide in. */
  #newestShown = '';
  #previousNewest = '';
  /** How many times a new quote took the top: its parity picks the slide-in class. */
  #arrivals = 0;
  /** Id of the quote in the spotlight layout's light. */
  #spotlit?: string;
  /** Quotes arrived since the last "N new quotes" announcement, and that announcement. */
  #unannounced = 0;
  #announcement = '';
  #announcer?: ReturnType<typeof setTimeout>;
  #ticker?: ReturnType<typeof setInterval>;
  #moreError?: CampaignApiError;
  /** The page's `#campaign-quote-<id>` was looked for once the first quotes showed. */
  #linked = false;
  /** The live status the last `campaign-live-status` said. */
  #status: LiveStatus = 'connecting';

  /** @internal How many quotes the wall needs from its feed. */
  get need(): number {
    return this.#waiting + whole(this.maxItems, 24, 1000) + this.#extraByShowMore;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('hashchange', this.#onHashChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('hashchange', this.#onHashChange);
    clearTimeout(this.#announcer);
    clearInterval(this.#ticker);
    this.#announcer = this.#ticker = undefined;
  }

  /** Announces arrivals ("3 new quotes") once a burst of them is over. */
  #announce(): void {
    if ((this.#unannounced += this.live.arrived())) {
      this.#announcer ??= setTimeout(() => {
        const n = this.#unannounced;
        this.#announcement = n === 1 ? msg('1 new quote') : msg(str`${n} new quotes`);
        this.#unannounced = 0;
        this.#announcer = undefined;
        this.requestUpdate();
      }, CampaignQuoteWall.announceDelay);
    }
  }

  /** The reader is looking: paused, pointer or focus inside, or scrolled into the wall. */
  #reading(): boolean {
    return (
      this.paused ||
      this.matches(':hover') ||
      this.matches(':focus-within') ||
      this.getBoundingClientRect().top < 0
    );
  }

  /** The feed on screen: the current one, or the one it replaces until its first page. */
  #feedShown(): Pick<Feed, 'items' | 'loaded' | 'end'> | undefined {
    const { feed, previous } = this.live;
    // On the server there is no feed: the snapshot is the page.
    const page = isServer ? this.snapshot : undefined;
    if (page) return { items: page.items, loaded: true, end: !page.nextBefore };
    return feed?.loaded ? feed : (previous ?? feed);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (DEV && changed.has('layout') && !QUOTE_WALL_LAYOUTS.includes(this.layout)) {
      warnOnce('wall-layout', `unknown layout "${this.layout}": showing a grid`);
    }
    const feed = this.#feedShown();
    const all = feed?.items ?? [];
    // The moving ticker takes arrivals in between two runs; the spotlight never moves.
    const hold =
      this.#anchor !== undefined &&
      !this.#takeWaiting &&
      this.layout !== 'spotlight' &&
      (this.#reading() ||
        (this.layout === 'ticker' && !matchMedia('(prefers-reduced-motion: reduce)').matches));
    this.#takeWaiting = false;
    let k = 0;
    if (hold) {
      k = all.findIndex((q) => q.approvedAt <= this.#anchor!);
      if (k < 0) k = all.length;
    } else if (feed?.loaded) {
      this.#anchor = all[0]?.approvedAt ?? '';
    }
    this.#waiting = k;
    const view = all.slice(k, this.need);
    // Quotes newer than the previous top slide in (until the top changes again).
    const top = view[0]?.approvedAt ?? '';
    // Featured quotes lead, each group newest first.
    this.#onWall = [...view.filter((q) => q.featured), ...view.filter((q) => !q.featured)];
    if (top !== this.#newestShown) {
      this.#previousNewest = this.#newestShown;
      this.#newestShown = top;
      this.#arrivals++;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    // One timer: turns the spotlight and keeps relative times current. None while the
    // wall shows its fallback (before the first page, or far off-screen): nothing to turn.
    if (changed.has('layout') || changed.has('interval') || !this.#ticker) {
      clearInterval(this.#ticker);
      const spotlight = this.layout === 'spotlight';
      this.#ticker = this.#feedShown()?.loaded
        ? setInterval(
            () => {
              const view = this.#onWall;
              if (spotlight && !this.#reading()) {
                this.#spotlit =
                  view[(view.findIndex((q) => q.id === this.#spotlit) + 1) % view.length]?.id;
              }
              this.requestUpdate();
            },
            (spotlight ? whole(this.interval, 8, 3600) : 30) * 1000,
          )
        : undefined;
    }
    this.#announce();
    const { status } = this.live;
    if (status !== this.#status)
      emit(this, 'campaign-live-status', { status: (this.#status = status) });
    if (!this.#linked && this.live.feed?.loaded) {
      this.#linked = true;
      void this.#goToLinked();
    }
    const list = this.renderRoot.querySelector('ul');
    // The ticker moves at about the same reading speed however many quotes it carries.
    if (list) list.style.animationDuration = `${this.#onWall.length * 6 + 6}s`;
  }

  #onHashChange = () => void this.#goToLinked();

  /** The quote the page's address points to (`#campaign-quote-<id>`), if on the wall: into view and focus. */
  async #goToLinked(): Promise<void> {
    await this.updateComplete;
    const id = /^#campaign-quote-(.+)/.exec(location.hash)?.[1];
    if (!this.#onWall.some((q) => q.id === id)) return;
    if (this.#spotlit !== id) {
      // The spotlight turns to it.
      this.#spotlit = id;
      this.requestUpdate();
      await this.updateComplete;
    }
    const li = (this.renderRoot as ShadowRoot).getElementById(`campaign-quote-${id}`);
    li?.scrollIntoView({ block: 'center' });
    li?.focus({ preventScroll: true });
  }

  /** Shows the waiting quotes on top (the "N new quotes" button), then focuses the first. */
  #showNew = () => {
    this.#takeWaiting = true;
    this.#extraByShowMore = 0;
    this.requestUpdate();
    void this.updateComplete.then(() => this.renderRoot.querySelector('li')?.focus());
  };

  /** The moving ticker is off-screen between two runs: take arrivals in then. */
  #onIteration = () => {
    this.#takeWaiting = !this.#reading();
    this.requestUpdate();
  };

  #showMore = async () => {
    const feed = this.live.feed!;
    this.#extraByShowMore += 12;
    this.#moreError = undefined;
    this.requestUpdate();
    try {
      if (feed.loaded && feed.items.length < this.need) await feed.more();
    } catch (error) {
      this.#moreError = error as CampaignApiError;
      this.requestUpdate();
    }
  };

  /** One quote: one template instance (no nested ones but a photo), for speed. */
  #quote(q: Quote, now: number, offered: boolean) {
    const time = Date.parse(q.approvedAt);
    const name = q.displayName ?? msg('Anonymous');
    const reported = this.reports.reported(q.id);
    return html`<li tabindex="-1" id="campaign-quote-${q.id}">
      <figure
        part="quote"
        class=${q.approvedAt > this.#previousNewest && this.#previousNewest ? `arrived-${this.#arrivals % 2}` : ''}
      >
        ${
          q.photoId
            ? html`<campaign-photo
                photo=${q.photoId}
                api=${this.resolvedApi!}
                campaign=${this.resolvedCampaign!}
                caption=""
              ></campaign-photo>`
            : nothing
        }
        <blockquote lang=${q.locale}>${q.text}</blockquote>
        <figcaption>
          <b>${name}</b><span>${q.district?.name}</span>
          <time datetime=${q.approvedAt}
            >${
              // Within a week "3 hours ago"; older, the date as the story teasers write it.
              now - time < WEEK
                ? formatRelativeTime(time, this.locale, now - time < 6e4 ? time : now)
                : formatDate(time, this.locale)
            }</time
          ><button
            part="report"
            aria-haspopup="dialog"
            aria-label=${reported ? nothing : msg(str`Report this quote by ${name}`)}
            ?hidden=${!offered}
            ?disabled=${reported}
            @click=${() => this.reports.open(q)}
          >
            ${reported ? msg('Reported') : msg('Report')}
          </button>
        </figcaption>
      </figure>
    </li>`;
  }

  override render() {
    // Rendered on the server, the wall is connecting as far as it knows.
    const status = isServer ? 'connecting' : this.live.status;
    // Paused by the reader: the wall holds arrivals whatever the connection does.
    const shownStatus = this.paused ? 'paused' : status;
    const feed = this.#feedShown();
    const view = this.#onWall;
    const queued = this.#waiting;
    const now = Date.now();
    const layout = QUOTE_WALL_LAYOUTS.includes(this.layout) ? this.layout : 'grid';
    // Until the first page arrives (or when it cannot), the partner's fallback stays.
    if (!feed?.loaded) return html`<slot></slot>`;
    const spot = view.find((q) => q.id === this.#spotlit) ?? view[0];
    const offered = this.reports.offered;
    this.#spotlit = spot?.id;
    return html`<div part="controls">
        ${
          this.hideStatus
            ? nothing
            : // One polite region for every state, each with its own word and mark (not
              // colour alone). While connecting it holds the place of "Live" (drawn from
              // the attribute, not read out), so the buttons beside it do not move.
              html`<span
                part="status"
                class=${shownStatus}
                aria-live="polite"
                data-place=${msg('Live')}
                >${
                  {
                    connecting: '',
                    live: msg('Live'),
                    reconnecting: msg('Reconnecting…'),
                    offline: msg('Offline'),
                    paused: msg('Paused'),
                  }[shownStatus]
                }</span
              >`
        }
        ${
          queued
            ? html`<button part="button" class="new" @click=${this.#showNew}>
                ${queued === 1 ? msg('1 new quote') : msg(str`${queued} new quotes`)}
              </button>`
            : nothing
        }
        <button part="button" @click=${() => (this.paused = !this.paused)}>
          ${this.paused ? msg('Resume') : msg('Pause')}
        </button>
      </div>
      <div role="status" class="visually-hidden">${this.#announcement}</div>
      ${
        !spot
          ? html`<p>${msg('No quotes yet.')}</p>`
          : layout === 'spotlight'
            ? html`<ul class="spot">
                ${this.#quote(spot, now, offered)}
              </ul>`
            : html`<div class=${layout}>
                <ul tabindex=${layout === 'grid' ? -1 : 0} @animationiteration=${this.#onIteration}>
                  ${view.map((q) => this.#quote(q, now, offered))}
                </ul>
              </div>`
      }
      ${
        layout !== 'grid' || (feed.end && feed.items.length <= this.need)
          ? nothing
          : html`<p>
              <button part="button" @click=${this.#showMore}>${msg('Show more')}</button>
              ${
                this.#moreError
                  ? html`<span role="alert">${describeError(this.#moreError)}</span>`
                  : nothing
              }
            </p>`
      }
      ${this.reports.render()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'campaign-quote-wall': CampaignQuoteWall;
  }
}
