import { css, html, nothing, type PropertyValues } from 'lit';
import { ConsoleElement } from '../base.js';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { msg, str } from '@lit/localize';
import {
  QUEUE_FLAGS,
  type BulkDecisionResult,
  type Decision,
  type QueueItem,
  type StaffEventData,
  type StaffMember,
  type SubmissionEdit,
} from '../../../src/api/newsroom.js';
import { LOCALES, type Campaign, type SubmissionStatus } from '../../../src/api/wire.js';
import { isFailure, type ConsoleApi } from '../api/client.js';
import { announce, type BulkAsk, type DecisionAsk, type EditAsk } from '../events.js';
import { formatFull, formatNumber, formatWhen, siteName } from '../i18n/format.js';
import { consoleLocale } from '../i18n/locale.js';
import {
  decisionLine,
  errorText,
  flagLabel,
  holdFlagText,
  languageLabel,
  reportLine,
  staleCurrent,
  staleLine,
  statusLabel,
} from '../i18n/messages.js';
import { StaffEventsController } from '../live/staff-events.js';
import {
  DEFAULT_FILTERS,
  PAGE_SIZE,
  QUEUE_TABS,
  activeFilterCount,
  filtersFromUrl,
  queueQuery,
  tabOf,
  writeFilters,
  type QueueFilters,
  type TabCounts,
} from '../queue/filters.js';
import type { ItemOutcome } from '../queue/outcome.js';
import { canRestore } from '../queue/reports.js';
import { isShortcut } from '../shortcuts.js';
import { shared } from '../styles/shared.js';
import type { NewsroomItemDetail } from './item-detail.js';

const EXCERPT = 180;
const excerpt = (text: string) =>
  text.length > EXCERPT ? `${text.slice(0, EXCERPT).trimEnd()}…` : text;
/** As the styles' media queries: the detail beside the list (else over it). */
const WIDE = '(min-width: 60rem)';

/** What a decision makes of a status, for the counts. */
const AFTER: Record<Decision, SubmissionStatus> = {
  approve: 'approved',
  reject: 'rejected',
  remove: 'removed',
  reopen: 'pending',
  restore: 'approved',
};

/**
 * The moderation queue: tabs with counts, search and filters (kept in the URL), a
 * page of at most 50 rows as a grid with one focus stop (arrow keys and j/k move),
 * the item's detail beside it (or over it on a phone), the bulk bar, and the live
 * feed: new submissions wait behind a "3 new" button, another moderator's decision
 * changes its row in place. Decided rows stay where they are, marked, until the next
 * page or a reload; the DOM never holds more than one page.
 *
 * @summary The moderation queue.
 * @fires newsroom-announce - A short summary for the live region.
 */
export class NewsroomQueue extends ConsoleElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      .head {
        display: flex;
        flex-direction: column;
        gap: 0.5rem;
        padding: 0.5rem 1rem 0;
      }
      [role='tablist'] {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        border-bottom: 1px solid var(--_line);
      }
      [role='tab'] {
        border: none;
        border-bottom: 3px solid transparent;
        border-radius: 0;
        background: none;
        padding-inline: 0.625rem;
      }
      [role='tab'][aria-selected='true'] {
        border-bottom-color: var(--_accent);
        font-weight: 600;
      }
      .count {
        display: inline-block;
        min-width: 1.5em;
        padding: 0 0.35em;
        border-radius: 999px;
        background: var(--_soft);
        border: 1px solid var(--_line);
        font-size: 0.8125rem;
        font-weight: 600;
      }
      .tools {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      form[role='search'] {
        flex: 1 1 14rem;
        display: flex;
        min-width: 0;
      }
      form[role='search'] input {
        flex: 1;
        min-width: 0;
        width: 100%;
      }
      .filters {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(10.5rem, 1fr));
        gap: 0.5rem 0.75rem;
        padding: 0.5rem;
        border: 1px solid var(--_line);
        border-radius: var(--_radius);
        background: var(--_soft);
      }
      .filters select,
      .filters input {
        width: 100%;
      }
      .filters .end {
        align-self: end;
      }
      .live {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        min-height: 1.5rem;
        font-size: 0.875rem;
      }
      .live .dot {
        width: 0.625rem;
        height: 0.625rem;
        border-radius: 50%;
        background: var(--_muted);
      }
      .live .dot.on {
        background: var(--_ok);
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
      }
      @media (min-width: 60rem) {
        .layout {
          grid-template-columns: minmax(0, 1fr) minmax(22rem, 0.9fr);
          align-items: start;
        }
        .detail {
          position: sticky;
          top: 0;
          max-height: 100vh;
          overflow-y: auto;
          border-inline-start: 1px solid var(--_line);
        }
      }
      @media (max-width: 59.98rem) {
        .head.open,
        .layout.open .list {
          display: none;
        }
        .layout:not(.open) .detail {
          display: none;
        }
      }
      .list {
        padding: 0 1rem 1rem;
        min-width: 0;
      }
      [role='grid'] {
        display: flex;
        flex-direction: column;
        border-top: 1px solid var(--_line);
      }
      [role='row'] {
        display: grid;
        grid-template-columns: auto minmax(0, 1fr);
        grid-template-areas: 'select main' '. state';
        column-gap: 0.25rem;
        border-bottom: 1px solid var(--_line);
        padding: 0.125rem 0;
      }
      @media (min-width: 40rem) {
        [role='row'] {
          grid-template-columns: auto minmax(0, 1fr) auto;
          grid-template-areas: 'select main state';
        }
      }
      [role='row'].cursor {
        background: var(--_accent-soft);
        box-shadow: inset 4px 0 0 var(--_accent);
      }
      [role='row'].decided .excerpt,
      [role='row'].gone .excerpt {
        color: var(--_muted);
      }
      [role='row'].gone .excerpt {
        text-decoration: line-through;
      }
      .select {
        grid-area: select;
        display: flex;
        align-items: center;
        justify-content: center;
      }
      .select label {
        display: flex;
        align-items: center;
        justify-content: center;
        min-width: var(--_target);
        min-height: var(--_target);
        cursor: pointer;
      }
      .main {
        grid-area: main;
        min-width: 0;
      }
      button.open {
        display: block;
        width: 100%;
        min-width: 0;
        text-align: start;
        border: none;
        background: none;
        padding: 0.25rem 0.375rem;
        white-space: normal;
        border-radius: var(--_radius);
      }
      button.open:hover {
        background: transparent;
        text-decoration: underline;
      }
      .excerpt,
      .meta {
        display: block;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .meta {
        font-size: 0.8125rem;
        color: var(--_muted);
        /* Wraps rather than clip: district, language and time stay in view on a phone. */
        white-space: normal;
      }
      .flags,
      .reports {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        margin-top: 0.125rem;
        font-size: 0.8125rem;
      }
      .meta .who {
        display: inline-block;
        max-width: 12em;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        vertical-align: bottom;
      }
      .state {
        grid-area: state;
        max-width: 15rem;
        display: flex;
        flex-direction: column;
        justify-content: center;
        gap: 0.125rem;
        font-size: 0.8125rem;
        padding: 0 0.375rem 0.25rem;
        min-width: 0;
        overflow-wrap: anywhere;
      }
      .state .bad {
        color: var(--_bad);
        font-weight: 600;
      }
      .pager {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
        padding-top: 0.75rem;
      }
      .pager .range {
        margin-inline-end: auto;
        color: var(--_muted);
        font-size: 0.875rem;
      }
      .empty {
        padding: 2rem 0;
        text-align: center;
        color: var(--_muted);
      }
      svg {
        width: 0.9em;
        height: 0.9em;
        vertical-align: -0.1em;
      }
    `,
  ];

  @property({ attribute: false }) api!: ConsoleApi;
  @property({ attribute: false }) me: StaffMember | null = null;
  @property({ attribute: false }) campaign: Campaign | null = null;

  @state() private _filters: QueueFilters = { ...DEFAULT_FILTERS };
  @state() private _items: QueueItem[] = [];
  @state() private _counts: TabCounts = {};
  /** Items with open reports (the Reported tab's count), and whether there are more. */
  @state() private _reported = new Set<string>();
  @state() private _reportedMore = false;
  @state() private _origins: string[] = [];
  @state() private _next: string | null = null;
  @state() private _loading = true;
  @state() private _loadError = '';
  @state() private _cursor = 0;
  @state() private _column = 1;
  @state() private _openId: string | null = null;
  /** An item opened from the URL that is not on this page. */
  @state() private _outside: QueueItem | null = null;
  @state() private _detailOpen = false;
  @state() private _selected = new Set<string>();
  @state() private _outcomes = new Map<string, ItemOutcome>();
  /** Decided on this page since it loaded (marked, and kept in place). */
  @state() private _decided = new Set<string>();
  @state() private _gone = new Set<string>();
  @state() private _newCount = 0;
  @state() private _bulkBusy = false;
  @state() private _filtersOpen = false;
  @state() private _wide = true;

  private get _search(): HTMLInputElement | null {
    return this.renderRoot.querySelector<HTMLInputElement>('#q');
  }
  private get _detail(): NewsroomItemDetail | null {
    return this.renderRoot.querySelector<NewsroomItemDetail>('newsroom-item-detail');
  }
  private get _grid(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('[role="grid"]');
  }

  readonly live = new StaffEventsController(this, {
    url: () => (this.api?.campaign ? this.api.eventsUrl() : null),
    onEvent: (event) => this.#onEvent(event),
    onReconnect: () => void this.#refreshCounts(),
  });

  /** `after` of each page up to the one shown (null: the first). */
  #pages: (string | null)[] = [null];
  #abort: AbortController | null = null;
  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  #countsTimer: ReturnType<typeof setTimeout> | undefined;
  #anchor: number | null = null;
  #media: MediaQueryList | null = null;
  #onMedia = () => (this._wide = this.#media?.matches ?? true);
  #onPopState = () => this.#readUrl();

  get #canDecide(): boolean {
    return this.me?.role === 'admin' || this.me?.role === 'moderator';
  }

  /** The rows on screen now (tests and the benchmark read it). */
  get items(): readonly QueueItem[] {
    return this._items;
  }

  override connectedCallback() {
    super.connectedCallback();
    this.#media = window.matchMedia(WIDE);
    this.#media.addEventListener('change', this.#onMedia);
    this.#onMedia();
    window.addEventListener('popstate', this.#onPopState);
    this.#readUrl();
    void this.#refreshCounts();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#media?.removeEventListener('change', this.#onMedia);
    window.removeEventListener('popstate', this.#onPopState);
    this.#abort?.abort();
    clearTimeout(this.#searchTimer);
    clearTimeout(this.#countsTimer);
  }

  protected override updated(changed: PropertyValues<this>) {
    if (changed.has('api') && changed.get('api')) this.#reload();
  }

  #readUrl() {
    const params = new URLSearchParams(location.search);
    this._filters = filtersFromUrl(params);
    this._openId = params.get('item');
    this._detailOpen = this._openId !== null;
    this.#pages = [null];
    void this.#load();
  }

  #writeUrl() {
    const url = new URL(location.href);
    writeFilters(this._filters, url.searchParams);
    if (this._openId && this._detailOpen) url.searchParams.set('item', this._openId);
    else url.searchParams.delete('item');
    if (url.href !== location.href) history.replaceState(history.state, '', url);
  }

  #setFilters(patch: Partial<QueueFilters>, debounce = false) {
    this._filters = { ...this._filters, ...patch };
    clearTimeout(this.#searchTimer);
    const go = () => {
      this.#writeUrl();
      this.#reload();
    };
    if (debounce) this.#searchTimer = setTimeout(go, 300);
    else go();
  }

  #reload() {
    this.#pages = [null];
    void this.#load();
  }

  // ---- loading ------------------------------------------------------------------

  async #load(focusFirst = false) {
    if (!this.api) return;
    this.#abort?.abort();
    const controller = new AbortController();
    this.#abort = controller;
    this._loading = true;
    const after = this.#pages[this.#pages.length - 1] ?? null;
    try {
      const page = await this.api.queue(queueQuery(this._filters, after), controller.signal);
      if (controller.signal.aborted) return;
      this._items = page.items.slice(0, PAGE_SIZE);
      this._counts = { ...page.counts, reported: this._counts.reported };
      this._origins = page.origins;
      this._next = page.next;
      this._loadError = '';
      this._selected = new Set();
      this._decided = new Set();
      this._gone = new Set();
      this._outcomes = new Map();
      this.#anchor = null;
      if (after === null) this._newCount = 0;
      const open = this._openId ? this._items.findIndex((i) => i.id === this._openId) : -1;
      this._cursor = open >= 0 ? open : 0;
      if (this._openId && open < 0) void this.#loadOutside(this._openId);
      else this._outside = null;
      if (!this._detailOpen || open < 0) this._openId = this._detailOpen ? this._openId : null;
    } catch (error) {
      if (controller.signal.aborted) return;
      this._loadError = errorText(error);
    } finally {
      if (this.#abort === controller) this._loading = false;
    }
    if (focusFirst) {
      await this.updateComplete;
      this.#focusCursor();
    }
  }

  async #loadOutside(id: string) {
    try {
      const detail = await this.api.detail(id);
      if (this._openId === id) this._outside = detail.item;
    } catch (error) {
      announce(this, errorText(error));
    }
  }

  /** The counts per status and, in the same answer, the items with open reports. */
  async #refreshCounts() {
    try {
      const page = await this.api.queue({ flag: 'reported', limit: 100 });
      this._reported = new Set(
        page.items.filter((i) => (i.reports?.open ?? 0) > 0).map((i) => i.id),
      );
      this._reportedMore = page.next !== null;
      this._counts = { ...page.counts, reported: this._reported.size };
      this._origins = page.origins;
    } catch {
      // the counts stay as they were; the next change tries again
    }
  }

  /** Follows an item's open reports into the Reported tab's count. */
  #trackReports(id: string, open: number) {
    if (open > 0 === this._reported.has(id)) return;
    const reported = new Set(this._reported);
    if (open > 0) reported.add(id);
    else reported.delete(id);
    this._reported = reported;
    this._counts = { ...this._counts, reported: reported.size };
  }

  #scheduleCounts() {
    clearTimeout(this.#countsTimer);
    this.#countsTimer = setTimeout(() => void this.#refreshCounts(), 500);
  }

  #bump(from: SubmissionStatus, to: SubmissionStatus) {
    if (from === to) return;
    const counts = { ...this._counts };
    counts[from] = Math.max(0, (counts[from] ?? 0) - 1);
    counts[to] = (counts[to] ?? 0) + 1;
    this._counts = counts;
  }

  async #page(step: 'next' | 'previous' | 'first') {
    if (step === 'next' && this._next) this.#pages = [...this.#pages, this._next];
    else if (step === 'previous' && this.#pages.length > 1) this.#pages = this.#pages.slice(0, -1);
    else if (step === 'first') this.#pages = [null];
    else return;
    this._openId = null;
    this._detailOpen = false;
    this.#writeUrl();
    await this.#load(true);
    const first = (this.#pages.length - 1) * PAGE_SIZE + 1;
    announce(
      this,
      msg(
        str`Items ${formatNumber(first, consoleLocale())} to ${formatNumber(first + this._items.length - 1, consoleLocale())}`,
      ),
    );
  }

  // ---- the current item ---------------------------------------------------------

  #current(): QueueItem | null {
    if (this._outside && this._openId === this._outside.id) return this._outside;
    return this._items[this._cursor] ?? null;
  }

  #replace(item: QueueItem) {
    if (this._outside?.id === item.id) this._outside = item;
    const index = this._items.findIndex((i) => i.id === item.id);
    if (index < 0) return;
    const items = [...this._items];
    items[index] = item;
    this._items = items;
  }

  #setOutcome(id: string, outcome: ItemOutcome | null) {
    const outcomes = new Map(this._outcomes);
    if (outcome) outcomes.set(id, outcome);
    else outcomes.delete(id);
    this._outcomes = outcomes;
  }

  #moveCursor(index: number, focus = true) {
    if (!this._items.length) return;
    const next = Math.max(0, Math.min(this._items.length - 1, index));
    this._cursor = next;
    this._outside = null;
    if (this._wide || this._detailOpen) {
      this._openId = this._items[next].id;
      if (this._detailOpen) this.#writeUrl();
    }
    if (focus) void this.updateComplete.then(() => this.#focusCursor());
  }

  #focusCursor() {
    const row = this._grid?.querySelectorAll<HTMLElement>('[role="row"]')[this._cursor];
    const controls = row?.querySelectorAll<HTMLElement>('input, button.open');
    const column = this.#canDecide ? this._column : 0;
    (controls?.[Math.min(column, (controls?.length ?? 1) - 1)] ?? controls?.[0])?.focus();
  }

  async #open(index = this._cursor, focus = true) {
    const item = this._items[index];
    if (!item) return;
    this._cursor = index;
    this._outside = null;
    this._openId = item.id;
    this._detailOpen = true;
    this.#writeUrl();
    if (!focus) return;
    await this.updateComplete;
    await this._detail?.updateComplete;
    this._detail?.focusHeading();
  }

  async #closeDetail() {
    this._detailOpen = false;
    this._outside = null;
    this.#writeUrl();
    await this.updateComplete;
    this.#focusCursor();
  }

  #toggle(id: string, on?: boolean) {
    const selected = new Set(this._selected);
    if (on ?? !selected.has(id)) selected.add(id);
    else selected.delete(id);
    this._selected = selected;
  }

  #onCheck(event: MouseEvent, index: number) {
    const item = this._items[index];
    if (!item) return;
    const on = (event.target as HTMLInputElement).checked;
    if (event.shiftKey && this.#anchor !== null) {
      // Shift-click: the range from the last checkbox clicked takes this one's state.
      const [from, to] = [Math.min(this.#anchor, index), Math.max(this.#anchor, index)];
      const selected = new Set(this._selected);
      for (const row of this._items.slice(from, to + 1)) {
        if (on) selected.add(row.id);
        else selected.delete(row.id);
      }
      this._selected = selected;
    } else this.#toggle(item.id, on);
    this.#anchor = index;
    this._cursor = index;
    this._column = 0;
  }

  // ---- keyboard -------------------------------------------------------------------

  /** A key pressed anywhere in the console while the queue shows; true if it acted. */
  handleKey(event: KeyboardEvent): boolean {
    if (!isShortcut(event)) return false;
    const item = this.#current();
    if (item && this._gone.has(item.id) && 'arxf'.includes(event.key)) {
      announce(this, msg('This item has been deleted.'));
      return true;
    }
    switch (event.key) {
      case 'j':
        this.#moveCursor(this._cursor + 1);
        return true;
      case 'k':
        this.#moveCursor(this._cursor - 1);
        return true;
      case 'o':
        void this.#open();
        return true;
      case '/':
        this._search?.focus();
        this._search?.select();
        return true;
      case 'x':
        if (!item || !this.#canDecide) return this.#refuse();
        this.#toggle(item.id);
        announce(this, this._selected.has(item.id) ? msg('Selected') : msg('Not selected'));
        return true;
      case 'a':
        if (!item || !this.#canDecide) return this.#refuse();
        if (canRestore(item)) {
          void this.#decide({ id: item.id, action: 'restore' });
          return true;
        }
        if (item.status !== 'pending') {
          announce(this, msg('Only a pending item can be approved.'));
          return true;
        }
        if (!item.publishPermission) {
          announce(this, msg('The reader did not allow publishing: it can only be rejected.'));
          return true;
        }
        // Without the reader's permission for the photo: the words only.
        void this.#decide({
          id: item.id,
          action: 'approve',
          ...(item.photoId && !item.photoPermission ? { withPhoto: false } : {}),
        });
        return true;
      case 'r':
        if (!item || !this.#canDecide) return this.#refuse();
        void this.#askReason();
        return true;
      case 'f':
        if (!item || !this.#canDecide) return this.#refuse();
        if (item.status !== 'approved') {
          announce(this, msg('Only an approved quote can be featured.'));
          return true;
        }
        void this.#edit({ id: item.id, featured: !item.featured });
        return true;
      case 'Escape':
        if (this._detail?.closeReason()) {
          this._detail.focusHeading();
          return true;
        }
        if (this._detailOpen && !this._wide) {
          void this.#closeDetail();
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  #refuse(): boolean {
    if (!this.#canDecide) announce(this, msg('Your role can read the queue but not decide.'));
    return true;
  }

  async #askReason() {
    const item = this.#current();
    if (!item) return;
    if (item.status !== 'pending' && item.status !== 'approved') {
      announce(this, msg('Only a pending or approved item can be rejected or removed.'));
      return;
    }
    if (!this._detailOpen || this._openId !== item.id) await this.#open(this._cursor, false);
    await this.updateComplete;
    await this._detail?.updateComplete;
    await this._detail?.askReason();
  }

  #onGridKey(event: KeyboardEvent) {
    const moves: Record<string, () => void> = {
      ArrowDown: () => this.#moveCursor(this._cursor + 1),
      ArrowUp: () => this.#moveCursor(this._cursor - 1),
      Home: () => this.#moveCursor(0),
      End: () => this.#moveCursor(this._items.length - 1),
      ArrowLeft: () => {
        if (!this.#canDecide) return;
        this._column = 0;
        this.#focusCursor();
      },
      ArrowRight: () => {
        this._column = 1;
        this.#focusCursor();
      },
    };
    const move = moves[event.key];
    if (!move || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    move();
  }

  #onGridFocus(event: FocusEvent) {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[role="row"]');
    if (!row) return;
    const index = Number(row.dataset['index']);
    if (Number.isInteger(index)) this._cursor = index;
    this._column = (event.target as HTMLElement).matches('input') ? 0 : 1;
    if (this._wide && this._items[index]) {
      this._openId = this._items[index].id;
      this._outside = null;
    }
  }

  // ---- decisions ------------------------------------------------------------------

  async #decide(ask: DecisionAsk) {
    const item = this._items.find((i) => i.id === ask.id) ?? this._outside;
    if (!item || item.id !== ask.id) return;
    if (this._outcomes.get(item.id)?.kind === 'sending' || this._gone.has(item.id)) return;
    this.#setOutcome(item.id, { kind: 'sending', text: '' });
    try {
      const result = await this.api.decide(item.id, {
        action: ask.action,
        version: item.version,
        ...(ask.withPhoto === undefined ? {} : { withPhoto: ask.withPhoto }),
        ...(ask.reason ? { reason: ask.reason } : {}),
        ...(ask.note ? { note: ask.note } : {}),
      });
      this.#landed(ask.action, result);
    } catch (error) {
      const current = staleCurrent(error);
      // Sent twice across a dropped connection: the first one landed.
      if (
        current &&
        current.status === AFTER[ask.action] &&
        current.decision?.actor.id === this.me?.id &&
        current.decision?.actor.kind === 'staff' &&
        !(ask.action === 'restore' && canRestore(current))
      ) {
        this.#landed(ask.action, current);
        return;
      }
      this.#failed(item, error);
    }
  }

  /** The row as it stands now (a live event may have changed it since it was sent). */
  #shown(id: string): QueueItem | undefined {
    return (
      this._items.find((i) => i.id === id) ?? (this._outside?.id === id ? this._outside : undefined)
    );
  }

  /** Puts the API's answer in place, and moves the counts from what the row showed. */
  #apply(item: QueueItem) {
    const shown = this.#shown(item.id);
    if (shown && item.version < shown.version) return;
    if (shown) this.#bump(shown.status, item.status);
    this.#trackReports(item.id, item.reports?.open ?? 0);
    this.#replace(item);
  }

  #landed(action: Decision, after: QueueItem) {
    this.#apply(after);
    this._decided = new Set(this._decided).add(after.id);
    this.#toggle(after.id, false);
    const line =
      action === 'restore'
        ? msg('Restored: its reports are closed.')
        : decisionLine(after.status, after.decision) || statusLabel(after.status);
    this.#setOutcome(after.id, { kind: 'ok', text: line });
    announce(this, `${line}: ${excerpt(after.message).slice(0, 60)}`);
  }

  #failed(item: QueueItem, error: unknown) {
    const current = staleCurrent(error);
    if (current) {
      this.#apply(current);
    } else if (isFailure(error, 'invalid_transition') || isFailure(error, 'not_found')) {
      void this.#refresh(item.id);
    }
    const text = current ? staleLine(current) : errorText(error);
    this.#setOutcome(item.id, { kind: 'error', text });
    announce(this, text);
  }

  async #edit(ask: EditAsk) {
    const item = this._items.find((i) => i.id === ask.id) ?? this._outside;
    if (!item || item.id !== ask.id) return;
    this.#setOutcome(item.id, { kind: 'sending', text: '' });
    const edit: SubmissionEdit = { version: item.version };
    if (ask.featured !== undefined) edit.featured = ask.featured;
    if (ask.photoAlt !== undefined) edit.photoAlt = ask.photoAlt;
    if (ask.photoPublished !== undefined) edit.photoPublished = ask.photoPublished;
    try {
      const result = await this.api.edit(item.id, edit);
      this.#apply(result);
      const text =
        edit.featured !== undefined
          ? result.featured
            ? msg('Featured: it leads the wall.')
            : msg('No longer featured.')
          : edit.photoAlt !== undefined
            ? msg('Alt text saved.')
            : result.photoPublished
              ? msg('The photo is published.')
              : msg('The photo is withheld: words only.');
      this.#setOutcome(item.id, { kind: 'ok', text });
      announce(this, text);
    } catch (error) {
      const current = staleCurrent(error);
      if (current) this.#apply(current);
      const text = current
        ? msg('Someone changed this item meanwhile. Check it and try again.')
        : errorText(error);
      this.#setOutcome(item.id, { kind: 'error', text });
      announce(this, text);
    }
  }

  async #undo(entryId: string) {
    const id = this._openId;
    try {
      const result = await this.api.undo(entryId);
      this.#apply(result);
      const text = msg(str`Undone: the item is ${statusLabel(result.status)} again.`);
      this.#setOutcome(result.id, { kind: 'ok', text });
      announce(this, text);
    } catch (error) {
      const text = errorText(error);
      if (id) this.#setOutcome(id, { kind: 'error', text });
      announce(this, text);
    }
  }

  async #bulk(ask: BulkAsk) {
    const items = this._items.filter((i) => this._selected.has(i.id) && !this._gone.has(i.id));
    if (!items.length) return;
    this._bulkBusy = true;
    try {
      const result = await this.api.bulk({
        action: ask.action,
        items: items.map((i) => ({ id: i.id, version: i.version })),
        ...(ask.reason ? { reason: ask.reason } : {}),
        ...(ask.note ? { note: ask.note } : {}),
      });
      announce(this, this.#bulkReport(ask.action, items, result));
    } catch (error) {
      announce(this, errorText(error));
    } finally {
      this._bulkBusy = false;
    }
  }

  /** Applies a bulk answer to the rows and says what happened: "18 approved, 2 …". */
  #bulkReport(action: Decision, items: QueueItem[], result: BulkDecisionResult): string {
    const byId = new Map(items.map((i) => [i.id, i]));
    let ok = 0;
    let stale = 0;
    let failed = 0;
    const decided = new Set(this._decided);
    const selected = new Set(this._selected);
    for (const r of result.results) {
      if (r.item && byId.has(r.id)) this.#apply(r.item);
      if (r.ok) {
        ok++;
        decided.add(r.id);
        selected.delete(r.id);
        const line = r.item ? decisionLine(r.item.status, r.item.decision) : '';
        this.#setOutcome(r.id, { kind: 'ok', text: line });
      } else if (r.code === 'stale') {
        stale++;
        selected.delete(r.id);
        this.#setOutcome(r.id, {
          kind: 'error',
          text: r.item ? staleLine(r.item) : errorText(null),
        });
      } else {
        failed++;
        this.#setOutcome(r.id, {
          kind: 'error',
          text:
            r.code === 'not_found'
              ? msg('Not found: it may have been deleted.')
              : msg('That decision no longer applies to this item as it stands now.'),
        });
      }
    }
    this._decided = decided;
    this._selected = selected;
    const locale = consoleLocale();
    const n = formatNumber(ok, locale);
    const parts: string[] = [];
    if (ok || (!stale && !failed)) {
      parts.push(
        action === 'approve'
          ? msg(str`${n} approved`)
          : action === 'reject'
            ? msg(str`${n} rejected`)
            : action === 'remove'
              ? msg(str`${n} removed`)
              : action === 'restore'
                ? msg(str`${n} restored`)
                : msg(str`${n} reopened`),
      );
    }
    if (stale) parts.push(msg(str`${formatNumber(stale, locale)} already decided by others`));
    if (failed) parts.push(msg(str`${formatNumber(failed, locale)} could not be changed`));
    return parts.join(locale === 'zh-Hans' ? '，' : ', ');
  }

  async #refresh(id: string) {
    try {
      const detail = await this.api.detail(id);
      this.#apply(detail.item);
    } catch {
      // the row keeps what the event said
    }
  }

  // ---- live -----------------------------------------------------------------------

  #onEvent(event: StaffEventData) {
    if (event.type === 'received') {
      // Pending, or (post-moderation, nothing flagged) published at once.
      const status = event.status;
      this._counts = { ...this._counts, [status]: (this._counts[status] ?? 0) + 1 };
      if (tabOf(this._filters).status === status) this._newCount++;
      return;
    }
    if (event.type === 'reported') {
      this.#reportedLive(event.id, event.open);
      return;
    }
    const item = this._items.find((i) => i.id === event.id) ?? this._outside;
    if (!item || item.id !== event.id) {
      this.#scheduleCounts();
      return;
    }
    if (event.type === 'deleted') {
      this.#trackReports(event.id, 0);
      this._gone = new Set(this._gone).add(event.id);
      this.#toggle(event.id, false);
      const counts = { ...this._counts };
      counts[item.status] = Math.max(0, (counts[item.status] ?? 0) - 1);
      this._counts = counts;
      return;
    }
    if (event.version <= item.version) return;
    const statusChanged = event.status !== item.status;
    this.#bump(item.status, event.status);
    this.#replace({
      ...item,
      status: event.status,
      version: event.version,
      decision: statusChanged
        ? { actor: event.actor, at: event.at, reason: null, note: null }
        : item.decision,
    });
    if (statusChanged && event.actor.id !== this.me?.id) {
      this._decided = new Set(this._decided).add(item.id);
      this.#toggle(item.id, false);
    }
    // The event says who and what; the rest (reason, featured, alt text) is one GET.
    void this.#refresh(item.id);
  }

  /** A reader reported a quote: the count, the row (one GET for its reasons), a word. */
  #reportedLive(id: string, open: number) {
    const known = this._reported.has(id);
    this.#trackReports(id, open);
    const item = this.#shown(id);
    if (!item) {
      if (open > 0 && !known && tabOf(this._filters).flag === 'reported') this._newCount++;
      announce(this, msg('A reader reported a quote.'));
      return;
    }
    // Every new report is one more in all: the row shows both at once, then the GET.
    const reports = item.reports;
    if (reports) {
      const more = Math.max(0, open - reports.open);
      this.#replace({ ...item, reports: { ...reports, open, count: reports.count + more } });
    }
    void this.#refresh(id);
    const text = excerpt(item.message).slice(0, 60);
    announce(this, msg(str`A reader reported: ${text}`));
  }

  /**
   * Newest first: the first page, where they are. Oldest first: this page again (decided
   * rows go, new ones join its end if they fall within it): new words queue behind the
   * older ones, and the moderator keeps their place.
   */
  async #showNew() {
    this._newCount = 0;
    if (this._filters.order === 'newest') this.#pages = [null];
    await this.#load(true);
  }

  // ---- rendering ------------------------------------------------------------------

  override render() {
    const tab = tabOf(this._filters);
    const open =
      this._outside && this._openId === this._outside.id
        ? this._outside
        : (this._items.find((i) => i.id === this._openId) ??
          (this._wide ? (this._items[this._cursor] ?? null) : null));
    const openIndex = open ? this._items.indexOf(open) : -1;
    const locale = consoleLocale();
    return html`
      <div class="head ${this._detailOpen ? 'open' : ''}">
        ${this.#renderTabs(tab.id)}
        <div class="tools">
          <form role="search" @submit=${(e: Event) => e.preventDefault()}>
            <label for="q" class="visually-hidden">${msg('Search the queue')}</label>
            <input
              id="q"
              type="search"
              aria-keyshortcuts="/"
              placeholder=${msg('Search words, names, emails  ( / )')}
              .value=${this._filters.q}
              @input=${(e: Event) =>
                this.#setFilters({ q: (e.target as HTMLInputElement).value }, true)}
            />
          </form>
          <button
            type="button"
            aria-expanded=${this._filtersOpen ? 'true' : 'false'}
            aria-controls="filters"
            @click=${() => (this._filtersOpen = !this._filtersOpen)}
          >
            ${
              activeFilterCount(this._filters)
                ? msg(str`Filters (${activeFilterCount(this._filters)})`)
                : msg('Filters')
            }
          </button>
          <label class="visually-hidden" for="order">${msg('Order')}</label>
          <select
            id="order"
            @change=${(e: Event) =>
              this.#setFilters({
                order: (e.target as HTMLSelectElement).value === 'newest' ? 'newest' : 'oldest',
              })}
          >
            <option value="oldest" ?selected=${this._filters.order === 'oldest'}>
              ${msg('Oldest first')}
            </option>
            <option value="newest" ?selected=${this._filters.order === 'newest'}>
              ${msg('Newest first')}
            </option>
          </select>
        </div>
        ${this._filtersOpen ? this.#renderFilters() : nothing}
        <div class="live">
          <span class="dot ${this.live.status === 'live' ? 'on' : ''}" aria-hidden="true"></span>
          <span class="muted"
            >${
              this.live.status === 'live'
                ? msg('Live')
                : this.live.status === 'reconnecting'
                  ? msg('Reconnecting…')
                  : msg('Not live')
            }</span
          >
          <span role="status">
            ${
              this._newCount
                ? html`<button type="button" class="primary" @click=${() => void this.#showNew()}>
                    ${msg(str`${formatNumber(this._newCount, locale)} new – show them`)}
                  </button>`
                : nothing
            }
          </span>
        </div>
        ${
          this.#canDecide
            ? html`<newsroom-bulk-bar
                .selected=${this._selected.size}
                .total=${this._items.filter((i) => !this._gone.has(i.id)).length}
                .status=${tab.status ?? 'approved'}
                ?restore=${tab.flag === 'reported'}
                ?busy=${this._bulkBusy}
                @newsroom-select-all=${(e: CustomEvent<{ selected: boolean }>) => {
                  this._selected = e.detail.selected
                    ? new Set(this._items.filter((i) => !this._gone.has(i.id)).map((i) => i.id))
                    : new Set();
                }}
                @newsroom-bulk=${(e: CustomEvent<BulkAsk>) => void this.#bulk(e.detail)}
              ></newsroom-bulk-bar>`
            : nothing
        }
      </div>
      <div class="layout ${this._detailOpen ? 'open' : ''}">
        <div
          class="list"
          role="tabpanel"
          id="panel"
          aria-labelledby="tab-${tab.id}"
          aria-busy=${this._loading ? 'true' : 'false'}
        >
          ${this.#renderList(tab.label())} ${this.#renderPager()}
        </div>
        <div
          class="detail"
          @newsroom-decision=${(e: CustomEvent<DecisionAsk>) => void this.#decide(e.detail)}
          @newsroom-edit=${(e: CustomEvent<EditAsk>) => void this.#edit(e.detail)}
          @newsroom-undo=${(e: CustomEvent<{ entryId: string }>) =>
            void this.#undo(e.detail.entryId)}
          @newsroom-move=${(e: CustomEvent<{ to: 'next' | 'previous' | 'close' }>) => {
            if (e.detail.to === 'close') void this.#closeDetail();
            else if (openIndex >= 0) {
              const to = openIndex + (e.detail.to === 'next' ? 1 : -1);
              if (this._items[to]) void this.#open(to);
            }
          }}
        >
          ${
            this._wide || this._detailOpen
              ? html`<newsroom-item-detail
                  .api=${this.api}
                  .me=${this.me}
                  .item=${open}
                  .outcome=${open ? this._outcomes.get(open.id) : undefined}
                  ?deleted=${open ? this._gone.has(open.id) : false}
                  ?standalone=${!this._wide}
                  ?hasPrevious=${openIndex > 0}
                  ?hasNext=${openIndex >= 0 && openIndex < this._items.length - 1}
                  position=${
                    openIndex >= 0
                      ? msg(
                          str`${formatNumber(openIndex + 1, locale)} of ${formatNumber(this._items.length, locale)}`,
                        )
                      : ''
                  }
                ></newsroom-item-detail>`
              : nothing
          }
        </div>
      </div>
    `;
  }

  #renderTabs(active: string) {
    const locale = consoleLocale();
    const select = (id: string, focus: boolean) => {
      if (id !== this._filters.tab) {
        this._openId = null;
        this._detailOpen = false;
        this.#setFilters({ tab: id });
      }
      if (focus) {
        void this.updateComplete.then(() =>
          this.renderRoot.querySelector<HTMLElement>(`#tab-${id}`)?.focus(),
        );
      }
    };
    return html`<div
      role="tablist"
      aria-label=${msg('Queues')}
      @keydown=${(e: KeyboardEvent) => {
        const index = QUEUE_TABS.findIndex((t) => t.id === active);
        const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
        if (!step) return;
        e.preventDefault();
        const next = QUEUE_TABS[(index + step + QUEUE_TABS.length) % QUEUE_TABS.length];
        select(next.id, true);
      }}
    >
      ${QUEUE_TABS.map((tab) => {
        const count = tab.count(this._counts);
        return html`<button
          role="tab"
          id="tab-${tab.id}"
          type="button"
          aria-selected=${tab.id === active ? 'true' : 'false'}
          aria-controls="panel"
          tabindex=${tab.id === active ? 0 : -1}
          @click=${() => select(tab.id, false)}
        >
          ${tab.label()}
          ${
            count === undefined
              ? nothing
              : html`<span class="count"
                  >${formatNumber(count, locale)}${
                    tab.flag === 'reported' && this._reportedMore ? '+' : ''
                  }</span
                >`
          }
        </button>`;
      })}
    </div>`;
  }

  #renderFilters() {
    const f = this._filters;
    const districts = this.campaign?.districts ?? [];
    const select = <K extends keyof QueueFilters>(
      key: K,
      label: string,
      options: [string, string][],
    ) =>
      html`<div class="field">
        <label for="f-${key}">${label}</label>
        <select
          id="f-${key}"
          @change=${(e: Event) =>
            this.#setFilters({ [key]: (e.target as HTMLSelectElement).value })}
        >
          <option value="" ?selected=${f[key] === ''}>${msg('Any')}</option>
          ${options.map(
            ([value, text]) =>
              html`<option value=${value} ?selected=${f[key] === value}>${text}</option>`,
          )}
        </select>
      </div>`;
    const date = (key: 'from' | 'to', label: string) =>
      html`<div class="field">
        <label for="f-${key}">${label}</label>
        <input
          id="f-${key}"
          type="date"
          .value=${f[key]}
          @change=${(e: Event) => this.#setFilters({ [key]: (e.target as HTMLInputElement).value })}
        />
      </div>`;
    return html`<div class="filters" id="filters" role="group" aria-label=${msg('Filters')}>
      ${select(
        'locale',
        msg('Language'),
        LOCALES.map((l) => [l, languageLabel(l)]),
      )}
      ${select(
        'district',
        msg('District'),
        districts.map((d) => [d.id, d.name]),
      )}
      ${select('photo', msg('Photo'), [
        ['yes', msg('With a photo')],
        ['no', msg('Without a photo')],
      ])}
      ${select(
        'origin',
        msg('Partner site'),
        this._origins.map((o) => [o, siteName(o)]),
      )}
      ${date('from', msg('Received from'))} ${date('to', msg('Received until'))}
      ${
        tabOf(f).flag
          ? nothing
          : select(
              'flag',
              msg('Flag'),
              QUEUE_FLAGS.map((flag) => [flag, flagLabel(flag)]),
            )
      }
      <div class="end">
        <button
          type="button"
          ?disabled=${activeFilterCount(f) === 0}
          @click=${() =>
            this.#setFilters({
              locale: '',
              district: '',
              photo: '',
              origin: '',
              from: '',
              to: '',
              flag: '',
            })}
        >
          ${msg('Clear filters')}
        </button>
      </div>
    </div>`;
  }

  #renderList(tabLabel: string) {
    if (this._loadError) {
      return html`<div class="empty" role="alert">
        <p>${this._loadError}</p>
        <p><button type="button" @click=${() => void this.#load()}>${msg('Try again')}</button></p>
      </div>`;
    }
    if (!this._items.length) {
      return html`<p class="empty" role="status">
        ${
          this._loading
            ? msg('Loading…')
            : this._filters.q || activeFilterCount(this._filters)
              ? msg('Nothing matches this search and these filters.')
              : msg('Nothing here.')
        }
      </p>`;
    }
    const canDecide = this.#canDecide;
    const now = new Date();
    const start = (this.#pages.length - 1) * PAGE_SIZE;
    return html`<div
      role="grid"
      aria-label=${tabLabel}
      aria-rowcount=${
        this._filters.q ||
        activeFilterCount(this._filters) ||
        (tabOf(this._filters).flag && this._reportedMore)
          ? -1
          : (tabOf(this._filters).count(this._counts) ?? -1)
      }
      @keydown=${this.#onGridKey}
      @focusin=${this.#onGridFocus}
    >
      ${repeat(
        this._items,
        (item) => item.id,
        (item, index) => {
          const cursor = index === this._cursor;
          const stop = (column: number) =>
            cursor && (canDecide ? this._column : 1) === column ? 0 : -1;
          const who = item.anonymous || !item.displayName ? msg('Anonymous') : item.displayName;
          const outcome = this._outcomes.get(item.id);
          const gone = this._gone.has(item.id);
          const decided = this._decided.has(item.id);
          const text = excerpt(item.message);
          return html`<div
            role="row"
            aria-rowindex=${start + index + 1}
            data-index=${index}
            class="${cursor ? 'cursor' : ''} ${decided ? 'decided' : ''} ${gone ? 'gone' : ''}"
          >
            ${
              canDecide
                ? html`<div role="gridcell" class="select">
                    <label>
                      <input
                        type="checkbox"
                        tabindex=${stop(0)}
                        aria-label=${msg(str`Select: ${text.slice(0, 60)}`)}
                        .checked=${this._selected.has(item.id)}
                        ?disabled=${gone}
                        @click=${(e: MouseEvent) => this.#onCheck(e, index)}
                      />
                    </label>
                  </div>`
                : nothing
            }
            <div role="gridcell" class="main">
              <button
                type="button"
                class="open"
                tabindex=${stop(1)}
                aria-current=${this._openId === item.id && this._detailOpen ? 'true' : 'false'}
                @click=${() => void this.#open(index)}
              >
                <span class="excerpt" lang=${item.locale}>${text}</span>
                <span class="meta">${this.#renderMeta(item, who, now)}</span>
                ${
                  item.flags.length
                    ? html`<span class="flags"
                        >${item.flags.map(
                          (flag) => html`<span class="chip">${holdFlagText(flag)}</span>`,
                        )}</span
                      >`
                    : nothing
                }
                ${
                  item.reports?.count || item.hidden
                    ? html`<span class="reports"
                        >${item.reports?.count ? html`<span>${reportLine(item.reports)}</span>` : nothing}
                        ${
                          item.hidden
                            ? html`<span class="badge removed">${msg('Hidden from walls')}</span>`
                            : nothing
                        }</span
                      >`
                    : nothing
                }
              </button>
            </div>
            <div role="gridcell" class="state">
              ${
                gone
                  ? html`<span class="badge removed">${msg('Deleted')}</span>`
                  : html`${
                      decided || item.status !== tabOf(this._filters).status
                        ? html`<span
                            ><span class="badge ${item.status}"
                              >${statusLabel(item.status)}</span
                            ></span
                          >`
                        : nothing
                    }
                    ${
                      item.decision
                        ? html`<span class="muted"
                            >${decisionLine(item.status, item.decision)}</span
                          >`
                        : nothing
                    }
                    ${
                      outcome?.kind === 'sending'
                        ? html`<span
                            >${this.api.offline ? msg('Offline. Retrying…') : msg('Sending…')}</span
                          >`
                        : outcome?.kind === 'error'
                          ? html`<span class="bad">${outcome.text}</span>`
                          : nothing
                    }`
              }
            </div>
          </div>`;
        },
      )}
    </div>`;
  }

  /** "刘洋 · Jiangbei · Chinese · 14:02 · photo · partner.example". */
  #renderMeta(item: QueueItem, who: string, now: Date) {
    const locale = consoleLocale();
    const parts: unknown[] = [html`<span class="who" title=${who}>${who}</span>`];
    if (item.district) parts.push(item.district.name);
    parts.push(languageLabel(item.locale));
    parts.push(
      html`<time datetime=${item.receivedAt} title=${formatFull(item.receivedAt, locale)}
        >${formatWhen(item.receivedAt, locale, now)}</time
      >`,
    );
    if (item.photoId) {
      parts.push(
        html`<svg viewBox="0 0 16 16" aria-hidden="true">
            <path
              fill="currentColor"
              d="M2 4h3l1-1.5h4L11 4h3v9H2zm6 7.5a3 3 0 1 0 0-6 3 3 0 0 0 0 6z"
            /></svg
          >${item.photoPermission ? msg('photo, may be published') : msg('photo, newsroom only')}`,
      );
    }
    if (item.origin) parts.push(siteName(item.origin));
    if (item.featured) parts.push(`★ ${msg('Featured')}`);
    return parts.map((part, i) => (i ? [' · ', part] : part));
  }

  #renderPager() {
    if (!this._items.length) return nothing;
    const locale = consoleLocale();
    const start = (this.#pages.length - 1) * PAGE_SIZE + 1;
    const end = start + this._items.length - 1;
    return html`<nav class="pager" aria-label=${msg('Pages')}>
      <span class="range"
        >${msg(str`Items ${formatNumber(start, locale)} to ${formatNumber(end, locale)}`)}</span
      >
      ${
        this.#pages.length > 1
          ? html`<button type="button" @click=${() => void this.#page('first')}>
                ${msg('First page')}
              </button>
              <button type="button" @click=${() => void this.#page('previous')}>
                ${msg('Previous page')}
              </button>`
          : nothing
      }
      <button
        type="button"
        class="primary"
        ?disabled=${!this._next}
        @click=${() => void this.#page('next')}
      >
        ${msg('Next page')}
      </button>
    </nav>`;
  }
}
