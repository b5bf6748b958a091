import { css, html, nothing, type PropertyValues } from 'lit';
import { ConsoleElement } from '../base.js';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import {
  REJECT_REASONS,
  type AuditEntry,
  type QueueItem,
  type RejectReason,
  type ReportEntry,
  type StaffMember,
} from '../../../src/api/newsroom.js';
import type { Locale } from '../../../src/api/wire.js';
import type { ConsoleApi } from '../api/client.js';
import { emit } from '../events.js';
import { formatFull, formatWhen, siteName } from '../i18n/format.js';
import { consoleLocale } from '../i18n/locale.js';
import {
  REASON_LABELS,
  actionLabel,
  byActor,
  decisionLine,
  errorText,
  holdFlagText,
  languageLabel,
  reasonLabel,
  reportLine,
  reportReasonLabel,
  statusLabel,
} from '../i18n/messages.js';
import type { ItemOutcome } from '../queue/outcome.js';
import { canRestore } from '../queue/reports.js';
import { shared } from '../styles/shared.js';

interface Draft {
  reason: RejectReason | '';
  note: string;
  alt: string | null;
}

/**
 * One submission: its words, who sent it, the photo with its alt text, the decision
 * buttons, and its whole history. It asks the queue to act (`newsroom-decision`,
 * `newsroom-edit`, `newsroom-undo`) and keeps what the moderator typed — a reason's
 * note, the alt text — per item until the change lands, whatever goes wrong meanwhile.
 *
 * @summary The detail of one queue item.
 * @fires newsroom-decision - Approve, reject, remove, reopen or restore.
 * @fires newsroom-edit - Featured, alt text or whether the photo is published.
 * @fires newsroom-undo - Undo an entry of the history.
 * @fires newsroom-move - Next, previous, or back to the list.
 */
export class NewsroomItemDetail extends ConsoleElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      section {
        display: flex;
        flex-direction: column;
        gap: 0.875rem;
        padding: 0.75rem 1rem 2rem;
      }
      .top {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      .top .position {
        margin-inline-start: auto;
        color: var(--_muted);
        font-size: 0.875rem;
      }
      h2 {
        font-size: 1.125rem;
      }
      h2:focus {
        outline: none;
      }
      h2:focus-visible {
        outline: 3px solid var(--_accent);
      }
      h3 {
        font-size: 1rem;
      }
      blockquote {
        margin: 0;
        padding: 0.75rem 1rem;
        border-inline-start: 4px solid var(--_line);
        background: var(--_soft);
        font-size: 1.0625rem;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.25rem 0.75rem;
        margin: 0;
        font-size: 0.9375rem;
      }
      dt {
        color: var(--_muted);
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      figure {
        margin: 0;
        display: flex;
        flex-direction: column;
        gap: 0.5rem;
      }
      img {
        max-width: 100%;
        max-height: 16rem;
        width: auto;
        height: auto;
        object-fit: contain;
        align-self: flex-start;
        border-radius: var(--_radius);
        background: var(--_soft);
      }
      .actions,
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      fieldset {
        border: 1px solid var(--_line);
        border-radius: var(--_radius);
        padding: 0.5rem 0.75rem 0.75rem;
        margin: 0;
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
      }
      legend {
        font-weight: 600;
        padding: 0 0.25rem;
      }
      .reason {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        min-height: var(--_target);
        font-weight: normal;
      }
      .reason .other {
        color: var(--_muted);
      }
      ul.chips {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-wrap: wrap;
        gap: 0.375rem;
      }
      ol.history {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 0.375rem;
        font-size: 0.9375rem;
      }
      ol.history li {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.5rem;
        align-items: baseline;
        padding-bottom: 0.375rem;
        border-bottom: 1px solid var(--_line);
      }
      kbd {
        font-size: 0.75rem;
        border: 1px solid currentColor;
        border-radius: 3px;
        padding: 0 0.25em;
        opacity: 0.85;
      }
    `,
  ];

  @property({ attribute: false }) api!: ConsoleApi;
  @property({ attribute: false }) item: QueueItem | null = null;
  @property({ attribute: false }) me: StaffMember | null = null;
  @property({ attribute: false }) outcome: ItemOutcome | undefined = undefined;
  /** "3 of 50" */
  @property() position = '';
  /** Whether the item is gone for good (deleted). */
  @property({ type: Boolean }) deleted = false;
  /** Shown as the whole view (a phone): with a way back to the list. */
  @property({ type: Boolean, reflect: true }) standalone = false;
  @property({ type: Boolean }) hasPrevious = false;
  @property({ type: Boolean }) hasNext = false;

  @state() private _history: AuditEntry[] | null = null;
  @state() private _reports: ReportEntry[] = [];
  @state() private _historyError = '';
  /** The decision whose reason list is open (reject or remove), if any. */
  @state() private _asking: 'reject' | 'remove' | null = null;
  @state() private _drafts = new Map<string, Draft>();

  private get _heading(): HTMLElement {
    return this.renderRoot.querySelector<HTMLElement>('h2')!;
  }
  private get _firstReason(): HTMLInputElement | null {
    return this.renderRoot.querySelector<HTMLInputElement>('fieldset input');
  }
  private get _checkedReason(): HTMLInputElement | null {
    return this.renderRoot.querySelector<HTMLInputElement>('fieldset input:checked');
  }

  #historyFor = '';
  #historyAbort: AbortController | null = null;

  get #canDecide(): boolean {
    return this.me?.role === 'admin' || this.me?.role === 'moderator';
  }

  #draft(): Draft {
    const id = this.item?.id ?? '';
    return this._drafts.get(id) ?? { reason: '', note: '', alt: null };
  }

  #setDraft(patch: Partial<Draft>) {
    if (!this.item) return;
    const drafts = new Map(this._drafts);
    drafts.set(this.item.id, { ...this.#draft(), ...patch });
    this._drafts = drafts;
  }

  #dropDraft(id: string, keys: (keyof Draft)[]) {
    const draft = this._drafts.get(id);
    if (!draft) return;
    const drafts = new Map(this._drafts);
    const next = { ...draft };
    for (const key of keys) {
      if (key === 'alt') next.alt = null;
      else if (key === 'reason') next.reason = '';
      else next.note = '';
    }
    drafts.set(id, next);
    this._drafts = drafts;
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#historyAbort?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    const previous = changed.get('item');
    if (changed.has('item') && previous?.id !== this.item?.id) this._asking = null;
    // A decision landed: its reason and note are done with.
    if (
      changed.has('item') &&
      previous &&
      this.item &&
      previous.id === this.item.id &&
      previous.status !== this.item.status
    ) {
      this._asking = null;
      this.#dropDraft(this.item.id, ['reason', 'note']);
    }
    if (
      changed.has('item') &&
      previous &&
      this.item &&
      previous.id === this.item.id &&
      previous.photoAlt !== this.item.photoAlt &&
      this.#draft().alt === this.item.photoAlt
    ) {
      this.#dropDraft(this.item.id, ['alt']);
    }
    // A new report changes no version: its count reloads the list of reports too.
    const item = this.item;
    const key = item ? `${item.id}@${item.version}@${item.reports?.count ?? 0}` : '';
    if (key !== this.#historyFor) {
      this.#historyFor = key;
      void this.#loadHistory();
    }
  }

  async #loadHistory() {
    this.#historyAbort?.abort();
    const item = this.item;
    if (!item || this.deleted) {
      this._history = null;
      return;
    }
    const controller = new AbortController();
    this.#historyAbort = controller;
    if (this._history && !this.#historyFor.startsWith(`${item.id}@`)) this._history = null;
    try {
      const detail = await this.api.detail(item.id, controller.signal);
      if (controller.signal.aborted) return;
      this._history = detail.history;
      this._reports = detail.reports ?? [];
      this._historyError = '';
    } catch (error) {
      if (controller.signal.aborted) return;
      this._historyError = errorText(error);
    }
  }

  /** Moves focus to the item's heading (after opening it). */
  focusHeading() {
    this._heading?.focus();
  }

  /** Opens the reason list for a rejection (pending) or removal (approved). */
  async askReason(): Promise<boolean> {
    const item = this.item;
    if (!item || !this.#canDecide || this.deleted) return false;
    const action =
      item.status === 'pending' ? 'reject' : item.status === 'approved' ? 'remove' : null;
    if (!action) return false;
    this._asking = action;
    await this.updateComplete;
    (this._checkedReason ?? this._firstReason)?.focus();
    return true;
  }

  /** Closes the reason list; true when it was open. */
  closeReason(): boolean {
    if (!this._asking) return false;
    this._asking = null;
    return true;
  }

  override render() {
    const item = this.item;
    if (!item) {
      return html`<section aria-label=${msg('Item')}>
        <p class="muted">${msg('Choose an item in the list to see it here.')}</p>
      </section>`;
    }
    const locale = consoleLocale();
    const who = item.anonymous || !item.displayName ? msg('Anonymous') : item.displayName;
    return html`
      <section aria-labelledby="detail-heading">
        <div class="top">
          ${
            this.standalone
              ? html`<button type="button" @click=${() => this.#move('close')}>
                  ← ${msg('Back to the list')}
                </button>`
              : nothing
          }
          <button
            type="button"
            ?disabled=${!this.hasPrevious}
            @click=${() => this.#move('previous')}
            aria-keyshortcuts="k"
          >
            ${msg('Previous')} <kbd aria-hidden="true">k</kbd>
          </button>
          <button
            type="button"
            ?disabled=${!this.hasNext}
            @click=${() => this.#move('next')}
            aria-keyshortcuts="j"
          >
            ${msg('Next')} <kbd aria-hidden="true">j</kbd>
          </button>
          ${this.position ? html`<span class="position">${this.position}</span>` : nothing}
        </div>
        <h2 id="detail-heading" tabindex="-1">${msg(str`From ${who}`)}</h2>
        <p>
          <span class="badge ${item.status}">${statusLabel(item.status)}</span>
          ${item.featured ? html`<span class="badge">★ ${msg('Featured')}</span>` : nothing}
          ${
            this.deleted
              ? html`<span class="badge removed">${msg('Deleted')}</span>`
              : html`<span class="muted">${decisionLine(item.status, item.decision)}</span>`
          }
        </p>
        <blockquote lang=${item.locale}>${item.message}</blockquote>
        ${
          item.flags.length
            ? html`<ul class="chips" aria-label=${msg('Flags')}>
                ${item.flags.map((flag) => html`<li class="chip">${holdFlagText(flag)}</li>`)}
              </ul>`
            : nothing
        }
        ${this.deleted ? nothing : this.#renderActions(item)} ${this.#renderOutcome()}
        ${this.#renderReports(item, locale)} ${this.#renderPhoto(item)}
        ${this.#renderFacts(item, locale)} ${this.#renderHistory(locale)}
      </section>
    `;
  }

  #renderFacts(item: QueueItem, locale: Locale) {
    return html`<dl>
      <dt>${msg('Name')}</dt>
      <dd>
        ${
          item.anonymous
            ? html`${msg('Anonymous')}
              ${
                item.displayName
                  ? html`<span class="muted">(${msg(str`gave ${item.displayName}`)})</span>`
                  : nothing
              }`
            : (item.displayName ?? msg('Anonymous'))
        }
      </dd>
      <dt>${msg('District')}</dt>
      <dd>${item.district?.name ?? msg('Not given')}</dd>
      <dt>${msg('Language')}</dt>
      <dd>${languageLabel(item.locale)}</dd>
      <dt>${msg('Received')}</dt>
      <dd><time datetime=${item.receivedAt}>${formatFull(item.receivedAt, locale)}</time></dd>
      <dt>${msg('Partner site')}</dt>
      <dd>${siteName(item.origin) || msg('Unknown')}</dd>
      <dt>${msg('Email (private)')}</dt>
      <dd>${item.email ?? msg('Not given')}</dd>
      <dt>${msg('May publish')}</dt>
      <dd>
        ${
          item.publishPermission
            ? msg('Yes')
            : html`<strong class="error">${msg('No: the reader did not give permission')}</strong>`
        }
      </dd>
      <dt>${msg('Consent version')}</dt>
      <dd>${item.consentVersion}</dd>
    </dl>`;
  }

  #renderReports(item: QueueItem, locale: Locale) {
    if (!item.reports?.count && !item.hidden) return nothing;
    return html`<h3>${msg('Readers’ reports')}</h3>
      <p>
        ${item.hidden ? html`<span class="badge removed">${msg('Hidden from walls')}</span>` : nothing}
        ${item.reports ? reportLine(item.reports) : nothing}
      </p>
      ${
        this._reports.length
          ? html`<ol class="history reports">
              ${this._reports.map(
                (report) =>
                  html`<li>
                    <time datetime=${report.at} title=${formatFull(report.at, locale)}
                      >${formatWhen(report.at, locale)}</time
                    >
                    <strong>${reportReasonLabel(report.reason)}</strong>
                    ${report.note ? html`<span class="muted">“${report.note}”</span>` : nothing}
                  </li>`,
              )}
            </ol>`
          : nothing
      }`;
  }

  #renderPhoto(item: QueueItem) {
    if (!item.photoId) return nothing;
    const draft = this.#draft();
    const alt = draft.alt ?? item.photoAlt ?? '';
    const canEdit = this.#canDecide && !this.deleted;
    const changed = alt !== (item.photoAlt ?? '');
    return html`<figure>
      <img
        src=${this.api.photoUrl(item.id, 640)}
        alt=${item.photoAlt || msg('The reader’s photo (no description yet)')}
        loading="lazy"
        decoding="async"
      />
      <figcaption class="field">
        ${
          item.photoPermission
            ? html`<p class="hint" id="photo-permission">
                ${msg('The reader allowed publishing this photo.')}
              </p>`
            : html`<p class="notice" id="photo-permission">
                <strong
                  >${msg('Newsroom only: the reader did not allow publishing this photo')}</strong
                >
              </p>`
        }
        ${
          canEdit
            ? html`<label for="alt">${msg('Alt text')}</label>
                <textarea
                  id="alt"
                  rows="2"
                  maxlength="500"
                  aria-describedby="alt-hint"
                  .value=${alt}
                  @input=${(e: Event) =>
                    this.#setDraft({ alt: (e.target as HTMLTextAreaElement).value })}
                ></textarea>
                <span id="alt-hint" class="hint">
                  ${msg(
                    'Published with the photo, for readers who cannot see it: say what it shows. Needed before the photo goes out.',
                  )}
                </span>
                <div class="row">
                  <button
                    type="button"
                    ?disabled=${!changed || this.outcome?.kind === 'sending'}
                    @click=${() =>
                      emit(this, 'newsroom-edit', { id: item.id, photoAlt: alt.trim() || null })}
                  >
                    ${msg('Save alt text')}
                  </button>
                  ${changed ? html`<span class="hint">${msg('Not saved yet')}</span>` : nothing}
                  ${
                    item.status === 'approved'
                      ? html`<button
                          type="button"
                          ?disabled=${!item.photoPublished && !item.photoPermission}
                          aria-describedby="photo-permission"
                          @click=${() =>
                            emit(this, 'newsroom-edit', {
                              id: item.id,
                              photoPublished: !item.photoPublished,
                            })}
                        >
                          ${item.photoPublished ? msg('Withhold the photo') : msg('Publish the photo')}
                        </button>`
                      : nothing
                  }
                </div>`
            : html`<span class="muted">${msg('Alt text')}:</span> ${item.photoAlt ?? msg('None')}`
        }
        ${
          item.status === 'approved'
            ? html`<span class="hint"
                >${
                  item.photoPublished
                    ? msg('The photo is published with the words.')
                    : msg('Words only: the photo is not published.')
                }</span
              >`
            : nothing
        }
      </figcaption>
    </figure>`;
  }

  #renderActions(item: QueueItem) {
    if (!this.#canDecide) {
      return html`<p class="hint">${msg('Your role can read the queue but not decide.')}</p>`;
    }
    const busy = this.outcome?.kind === 'sending';
    const decide = (action: 'approve' | 'reopen' | 'restore', withPhoto?: boolean) =>
      emit(this, 'newsroom-decision', {
        id: item.id,
        action,
        ...(withPhoto === undefined ? {} : { withPhoto }),
      });
    const missingAlt = item.photoId && item.photoPermission && !(item.photoAlt ?? '').trim();
    // Without the reader's permission the photo is never published: words only.
    const privatePhoto = Boolean(item.photoId) && !item.photoPermission;
    return html`
      <div class="actions" role="group" aria-label=${msg('Decision')}>
        ${
          item.status === 'pending' && item.publishPermission
            ? html`<button
                  class="approve"
                  type="button"
                  ?disabled=${busy || privatePhoto}
                  aria-keyshortcuts=${privatePhoto ? nothing : 'a'}
                  aria-describedby=${privatePhoto ? 'photo-permission' : nothing}
                  @click=${() => decide('approve', item.photoId ? true : undefined)}
                >
                  ${item.photoId ? msg('Approve with photo') : msg('Approve')}
                  ${privatePhoto ? nothing : html`<kbd aria-hidden="true">a</kbd>`}
                </button>
                ${
                  item.photoId
                    ? html`<button
                        type="button"
                        class=${privatePhoto ? 'approve' : ''}
                        ?disabled=${busy}
                        aria-keyshortcuts=${privatePhoto ? 'a' : nothing}
                        @click=${() => decide('approve', false)}
                      >
                        ${msg('Approve words only')}
                        ${privatePhoto ? html`<kbd aria-hidden="true">a</kbd>` : nothing}
                      </button>`
                    : nothing
                }`
            : nothing
        }
        ${
          item.status === 'pending'
            ? html`<button
                class="reject"
                type="button"
                ?disabled=${busy}
                aria-keyshortcuts="r"
                aria-expanded=${this._asking === 'reject' ? 'true' : 'false'}
                @click=${() => void this.askReason()}
              >
                ${msg('Reject…')} <kbd aria-hidden="true">r</kbd>
              </button>`
            : nothing
        }
        ${
          canRestore(item)
            ? html`<button
                class="approve"
                type="button"
                ?disabled=${busy}
                aria-keyshortcuts="a"
                aria-describedby="restore-hint"
                @click=${() => decide('restore')}
              >
                ${msg('Restore')} <kbd aria-hidden="true">a</kbd>
              </button>`
            : nothing
        }
        ${
          item.status === 'approved'
            ? html`<button
                  type="button"
                  aria-pressed=${item.featured ? 'true' : 'false'}
                  aria-keyshortcuts="f"
                  ?disabled=${busy}
                  @click=${() => emit(this, 'newsroom-edit', { id: item.id, featured: !item.featured })}
                >
                  ★ ${msg('Featured')} <kbd aria-hidden="true">f</kbd>
                </button>
                <button
                  class="reject"
                  type="button"
                  ?disabled=${busy}
                  aria-keyshortcuts="r"
                  aria-expanded=${this._asking === 'remove' ? 'true' : 'false'}
                  @click=${() => void this.askReason()}
                >
                  ${msg('Remove…')} <kbd aria-hidden="true">r</kbd>
                </button>`
            : nothing
        }
        ${
          item.status === 'rejected' || item.status === 'removed'
            ? html`<button type="button" ?disabled=${busy} @click=${() => decide('reopen')}>
                ${msg('Reopen')}
              </button>`
            : nothing
        }
      </div>
      ${
        canRestore(item)
          ? html`<p class="hint" id="restore-hint">
              ${msg('Restore closes its reports and puts it back on the walls.')}
            </p>`
          : nothing
      }
      ${
        item.status === 'pending' && !item.publishPermission
          ? html`<p class="hint">
              ${msg('The reader did not allow publishing: it can only be rejected.')}
            </p>`
          : nothing
      }
      ${
        item.status === 'pending' && item.publishPermission && missingAlt
          ? html`<p class="hint">
              ${msg('This item has a photo without alt text: add it below, or approve the words only.')}
            </p>`
          : nothing
      }
      ${this._asking ? this.#renderReasons(item, this._asking) : nothing}
    `;
  }

  #renderReasons(item: QueueItem, action: 'reject' | 'remove') {
    const draft = this.#draft();
    const busy = this.outcome?.kind === 'sending';
    return html`<form
      class="field"
      @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        const reason = this.#draft().reason;
        if (!reason) return;
        const note = this.#draft().note.trim();
        emit(this, 'newsroom-decision', {
          id: item.id,
          action,
          reason,
          ...(note ? { note } : {}),
        });
      }}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          this._asking = null;
          this.focusHeading();
        }
      }}
    >
      <fieldset>
        <legend>${action === 'reject' ? msg('Why reject it?') : msg('Why remove it?')}</legend>
        ${REJECT_REASONS.map((reason) => {
          const locale = consoleLocale();
          const other: Locale = locale === 'en' ? 'zh-Hans' : 'en';
          return html`<label class="reason">
            <input
              type="radio"
              name="reason"
              .value=${reason}
              .checked=${draft.reason === reason}
              @change=${() => this.#setDraft({ reason })}
            />
            <span lang=${locale}>${REASON_LABELS[reason][locale]}</span>
            <span class="other" lang=${other}>${REASON_LABELS[reason][other]}</span>
          </label>`;
        })}
      </fieldset>
      <label for="note">${msg('Note for colleagues (optional, never published)')}</label>
      <textarea
        id="note"
        rows="2"
        maxlength="1000"
        .value=${draft.note}
        @input=${(e: Event) => this.#setDraft({ note: (e.target as HTMLTextAreaElement).value })}
      ></textarea>
      <div class="row">
        <button class="danger" type="submit" ?disabled=${!draft.reason || busy}>
          ${action === 'reject' ? msg('Reject') : msg('Remove')}
        </button>
        <button
          type="button"
          @click=${() => {
            this._asking = null;
          }}
        >
          ${msg('Cancel')}
        </button>
        ${draft.reason ? nothing : html`<span class="hint">${msg('Choose a reason first.')}</span>`}
      </div>
    </form>`;
  }

  #renderOutcome() {
    const outcome = this.outcome;
    if (!outcome) return nothing;
    if (outcome.kind === 'ok') {
      // Announced already (the live region); shown here unless the status line says it.
      const item = this.item;
      const same = item && outcome.text === decisionLine(item.status, item.decision);
      return same || !outcome.text ? nothing : html`<p class="notice ok">${outcome.text}</p>`;
    }
    if (outcome.kind === 'sending') {
      return html`<p class="notice" role="status">
        ${this.api.offline ? msg('Offline. Retrying… (what you typed is kept)') : msg('Sending…')}
      </p>`;
    }
    return html`<p class="notice bad" role="alert">${outcome.text}</p>`;
  }

  #renderHistory(locale: Locale) {
    const history = this._history;
    return html`<h3>${msg('History')}</h3>
      ${
        this._historyError
          ? html`<p class="error">${this._historyError}</p>`
          : history === null
            ? html`<p class="muted">${msg('Loading the history…')}</p>`
            : history.length === 0
              ? html`<p class="muted">${msg('No decisions yet.')}</p>`
              : html`<ol class="history">
                  ${history.map(
                    (entry) =>
                      html`<li>
                        <time datetime=${entry.at} title=${formatFull(entry.at, locale)}
                          >${formatWhen(entry.at, locale)}</time
                        >
                        <strong>${actionLabel(entry.action)}</strong>
                        <span>${byActor(entry.actor)}</span>
                        ${entry.reason ? html`<span>· ${reasonLabel(entry.reason)}</span>` : nothing}
                        ${entry.note ? html`<span class="muted">“${entry.note}”</span>` : nothing}
                        ${
                          entry.undoable && this.#canDecide
                            ? html`<button
                                type="button"
                                class="link"
                                @click=${() => emit(this, 'newsroom-undo', { entryId: entry.id })}
                              >
                                ${msg('Undo')}
                              </button>`
                            : nothing
                        }
                      </li>`,
                  )}
                </ol>`
      } `;
  }

  #move(to: 'next' | 'previous' | 'close') {
    emit(this, 'newsroom-move', { to });
  }
}
