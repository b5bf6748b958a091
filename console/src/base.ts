import { LitElement } from 'lit';
import { updateWhenLocaleChanges } from '@lit/localize';

/** Every view: re-renders when the console's language changes. */
export class ConsoleElement extends LitElement {
  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }
}
