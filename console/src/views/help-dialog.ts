import { css, html } from 'lit';
import { ConsoleElement } from '../base.js';
import { state } from 'lit/decorators.js';
import { msg } from '@lit/localize';
import { SHORTCUTS, setShortcutsEnabled, shortcutsEnabled } from '../shortcuts.js';
import { shared } from '../styles/shared.js';

/**
 * Every keyboard shortcut, and the switch that turns single-key shortcuts off.
 * A native modal `<dialog>`: Escape closes it and focus returns where it was.
 *
 * @summary The keyboard shortcuts dialog.
 */
export class NewsroomHelpDialog extends ConsoleElement {
  static override styles = [
    shared,
    css`
      dialog {
        width: min(34rem, calc(100vw - 1rem));
        max-height: calc(100vh - 2rem);
        border: 1px solid var(--_line);
        border-radius: var(--_radius);
        padding: 1rem;
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.4);
      }
      .top {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 1rem;
        margin-bottom: 0.5rem;
      }
      h2 {
        font-size: 1.25rem;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.375rem 1rem;
        margin: 0 0 1rem;
      }
      dt {
        white-space: nowrap;
      }
      dd {
        margin: 0;
      }
      kbd {
        display: inline-block;
        min-width: 1.6em;
        text-align: center;
        border: 1px solid var(--_line);
        border-bottom-width: 2px;
        border-radius: 4px;
        padding: 0 0.3em;
        background: var(--_soft);
        font-family: ui-monospace, monospace;
      }
      .toggle {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        min-height: var(--_target);
      }
    `,
  ];

  @state() private _enabled = shortcutsEnabled();
  private get _dialog(): HTMLDialogElement {
    return this.renderRoot.querySelector<HTMLDialogElement>('dialog')!;
  }

  get open(): boolean {
    return this._dialog?.open ?? false;
  }

  async show() {
    this._enabled = shortcutsEnabled();
    await this.updateComplete;
    if (!this._dialog.open) this._dialog.showModal();
  }

  close() {
    this._dialog?.close();
  }

  override render() {
    return html`<dialog aria-labelledby="help-heading">
      <div class="top">
        <h2 id="help-heading">${msg('Keyboard shortcuts')}</h2>
        <button type="button" @click=${() => this.close()}>${msg('Close')}</button>
      </div>
      <dl>
        ${SHORTCUTS.map(
          (shortcut) =>
            html`<dt>${shortcut.keys.map((key, i) => html`${i ? ' ' : ''}<kbd>${key}</kbd>`)}</dt>
              <dd>${shortcut.label()}</dd>`,
        )}
      </dl>
      <p class="hint">
        ${msg('Shortcuts do nothing while you type in a field. Every one has a button too.')}
      </p>
      <label class="toggle">
        <input
          type="checkbox"
          .checked=${this._enabled}
          @change=${(e: Event) => {
            this._enabled = (e.target as HTMLInputElement).checked;
            setShortcutsEnabled(this._enabled);
          }}
        />
        ${msg('Use single-key shortcuts')}
      </label>
    </dialog>`;
  }
}
