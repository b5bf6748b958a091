import { html } from 'lit';
import { CampaignElement } from '../base/campaign-element.js';
import { tokens } from '../styles/tokens.js';

/**
 * @summary Placeholder until the widget is built: renders its slotted fallback.
 *
 * @slot - Fallback content shown as is.
 */
export class CampaignPhoto extends CampaignElement {
  static override styles = [tokens];

  override render() {
    return html`<slot></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'campaign-photo': CampaignPhoto;
  }
}
