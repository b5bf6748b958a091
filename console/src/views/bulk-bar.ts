import { css, html, nothing, type PropertyValues } from 'lit';
import { ConsoleElement } from '../base.js';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import { REJECT_REASONS, type RejectReason } from '../../../src/api/newsroom.js';
import type { Locale, SubmissionStatus } from '../../../src/api/wire.js';
import { emit } from '../events.js';
import { formatNumber } from '../i18n/format.js';
import { consoleLocale } from '../i18n/locale.js';
import { REASON_LABELS } from '../i18n/messages.js';
import { shared } from '../styles/shared.js';

/**
 * Above the list: "select all on this page", how many are selected, and one decision
 * for all of them (with a reason for a rejection or removal).
 *
 * @summary The queue's selection and bulk decision bar.
 * @fires newsroom-select-all - Select or clear every item on the page.
 * @fires newsroom-bulk - Decide every selected item.
 */
export class NewsroomBulkBar extends ConsoleElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
        min-height: calc(var(--_target) + 0.5rem);
        padding: 0.25rem 0;
      }
      .all {
        display: inline-flex;
        gap: 0.5rem;
        align-items: center;
        min-height: var(--_target);
        font-weight: normal;
        padding-inline-end: 0.25rem;
      }
      .count {
        font-weight: 600;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
        padding: 0.5rem;
        border: 1px solid var(--_line);
        border-radius: var(--_radius);
        background: var(--_soft);
      }
    `,
  ];

  @property({ type: Number }) selected = 0;
  @property({ type: Number }) total = 0;
  @property() status: SubmissionStatus = 'pending';
  @property({ type: Boolean }) busy = false;
  /** Offer restoring the selected (the Reported tab). */
  @property({ type: Boolean }) restore = false;

  @state() private _asking: 'reject' | 'remove' | null = null;
  @state() private _reason: RejectReason | '' = '';

  private get _all(): HTMLInputElement | null {
    return this.renderRoot.querySelector<HTMLInputElement>('#all');
  }
  private get _reasonSelect(): HTMLSelectElement | null {
    return this.renderRoot.querySelector<HTMLSelectElement>('#bulk-reason');
  }

  protected override updated(changed: PropertyValues<this>) {
    if (this._all) this._all.indeterminate = this.selected > 0 && this.selected < this.total;
    if (changed.has('selected') && this.selected === 0) this._asking = null;
  }

  override render() {
    const locale = consoleLocale();
    const n = formatNumber(this.selected, locale);
    const disabled = this.selected === 0 || this.busy;
    return html`<div class="bar" role="group" aria-label=${msg('Selection')}>
        <label class="all">
          <input
            id="all"
            type="checkbox"
            .checked=${this.total > 0 && this.selected === this.total}
            ?disabled=${this.total === 0}
            @change=${(e: Event) =>
              emit(this, 'newsroom-select-all', {
                selected: (e.target as HTMLInputElement).checked,
              })}
          />
          ${msg('Select all on this page')}
        </label>
        <span class="count" aria-live="polite"
          >${this.selected ? msg(str`${n} selected`) : nothing}</span
        >
        ${
          this.status === 'pending'
            ? html`<button
                  class="approve"
                  type="button"
                  ?disabled=${disabled}
                  @click=${() => emit(this, 'newsroom-bulk', { action: 'approve' })}
                >
                  ${msg('Approve selected')}
                </button>
                <button
                  class="reject"
                  type="button"
                  ?disabled=${disabled}
                  aria-expanded=${this._asking ? 'true' : 'false'}
                  @click=${() => this.#ask('reject')}
                >
                  ${msg('Reject selected…')}
                </button>`
            : this.status === 'approved'
              ? html`${
                    this.restore
                      ? html`<button
                          class="approve"
                          type="button"
                          ?disabled=${disabled}
                          @click=${() => emit(this, 'newsroom-bulk', { action: 'restore' })}
                        >
                          ${msg('Restore selected')}
                        </button>`
                      : nothing
                  }<button
                    class="reject"
                    type="button"
                    ?disabled=${disabled}
                    aria-expanded=${this._asking ? 'true' : 'false'}
                    @click=${() => this.#ask('remove')}
                  >
                    ${msg('Remove selected…')}
                  </button>`
              : html`<button
                  type="button"
                  ?disabled=${disabled}
                  @click=${() => emit(this, 'newsroom-bulk', { action: 'reopen' })}
                >
                  ${msg('Reopen selected')}
                </button>`
        }
        ${
          this.selected
            ? html`<button
                type="button"
                class="link"
                @click=${() => emit(this, 'newsroom-select-all', { selected: false })}
              >
                ${msg('Clear selection')}
              </button>`
            : nothing
        }
      </div>
      ${this._asking && this.selected ? this.#renderReason(this._asking, locale) : nothing}`;
  }

  #renderReason(action: 'reject' | 'remove', locale: Locale) {
    const other: Locale = locale === 'en' ? 'zh-Hans' : 'en';
    return html`<form
      @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        if (!this._reason) return;
        emit(this, 'newsroom-bulk', { action, reason: this._reason });
        this._asking = null;
      }}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          this._asking = null;
        }
      }}
    >
      <label for="bulk-reason"
        >${
          action === 'reject'
            ? msg(str`Why reject these ${formatNumber(this.selected, locale)}?`)
            : msg(str`Why remove these ${formatNumber(this.selected, locale)}?`)
        }</label
      >
      <select
        id="bulk-reason"
        @change=${(e: Event) =>
          (this._reason = (e.target as HTMLSelectElement).value as RejectReason | '')}
      >
        <option value="" ?selected=${this._reason === ''}>${msg('Choose a reason')}</option>
        ${REJECT_REASONS.map(
          (reason) =>
            html`<option value=${reason} ?selected=${this._reason === reason}>
              ${REASON_LABELS[reason][locale]} · ${REASON_LABELS[reason][other]}
            </option>`,
        )}
      </select>
      <button class="danger" type="submit" ?disabled=${!this._reason || this.busy}>
        ${action === 'reject' ? msg('Reject selected') : msg('Remove selected')}
      </button>
      <button type="button" @click=${() => (this._asking = null)}>${msg('Cancel')}</button>
    </form>`;
  }

  async #ask(action: 'reject' | 'remove') {
    this._asking = action;
    await this.updateComplete;
    this._reasonSelect?.focus();
  }
}
