import { css, html } from 'lit';
import { ConsoleElement } from '../base.js';
import { property } from 'lit/decorators.js';
import { msg } from '@lit/localize';
import type { ConsoleApi } from '../api/client.js';
import { shared } from '../styles/shared.js';

/**
 * Downloads of the approved quotes, for the newsroom's own stories and archives.
 *
 * @summary Exports of the approved quotes.
 */
export class NewsroomExports extends ConsoleElement {
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
      ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        list-style: none;
        padding: 0;
        margin: 0.75rem 0;
      }
    `,
  ];

  @property({ attribute: false }) api!: ConsoleApi;

  override render() {
    return html`<h2>${msg('Exports')}</h2>
      <p>
        ${msg(
          'Every approved quote with its name (unless anonymous), district, language and time. Emails are never in an export.',
        )}
      </p>
      <ul>
        <li>
          <a class="button" href=${this.api.exportUrl('csv')} download
            >${msg('Approved quotes as CSV (spreadsheets)')}</a
          >
        </li>
        <li>
          <a class="button" href=${this.api.exportUrl('json')} download
            >${msg('Approved quotes as JSON')}</a
          >
        </li>
      </ul>`;
  }
}
