import { LitElement, adoptStyles, isServer, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { updateWhenLocaleChanges } from '@lit/localize';
import { CampaignApiClient, apiRoot } from '../api/client.js';
import { onConfigChange, resolveSetting } from '../core/config.js';
import { getLocale, watchPageLocale } from '../i18n/locale.js';
import type { Locale } from '../api/wire.js';
import { firstRender, parkFirstRender, resumeFirstRender } from './first-render.js';

/**
 * What every widget shares: the `api` and `campaign` attributes with the page-wide
 * defaults behind them, re-rendering when the page's language or configuration
 * changes, and an API client for the resolved settings.
 */
export abstract class CampaignElement extends LitElement {
  /** Base URL of the campaign API. Defaults to the page-wide setting. */
  @property({ reflect: false }) api?: string;

  /** Campaign id. Defaults to the page-wide setting. */
  @property({ reflect: false }) campaign?: string;

  #unsubscribe?: () => void;
  #client?: CampaignApiClient;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    // On the server the locale is set per render (`src/ssr`), not read from a page.
    if (!isServer) watchPageLocale();
  }

  /**
   * Until the first render the shadow root holds only a bare slot and no styles, so the
   * partner's fallback shows exactly as it did before the script ran (same box, same
   * inherited fonts): nothing moves, and widgets can measure it. A widget rendered on
   * the server (`src/ssr`) keeps its declarative shadow root as it came until then.
   */
  protected override createRenderRoot(): ShadowRoot {
    let root = this.shadowRoot;
    if (!root) {
      root = this.attachShadow((this.constructor as typeof LitElement).shadowRootOptions);
      root.append(document.createElement('slot'));
    }
    return root;
  }

  /**
   * What a server render was made from (`src/ssr` writes it beside its declarative
   * shadow root, as `<script type="application/json" data-campaign-snapshot>`): the
   * widget's `snapshot`, unless one was given, so the first render in the browser shows
   * the same thing without asking the API again.
   */
  #adoptSnapshot(): void {
    const data = this.querySelector(':scope > script[data-campaign-snapshot]');
    const self = this as { snapshot?: unknown };
    if (!data || self.snapshot !== undefined) return;
    try {
      self.snapshot = JSON.parse(data.textContent);
    } catch {
      // Not JSON: the widget loads as if rendered in the browser.
    }
  }

  /**
   * The first render waits until the widget is near the viewport or the page is idle
   * (see `first-render.ts`); `updateComplete` resolves after it. Later renders are
   * Lit's usual microtask.
   */
  protected override scheduleUpdate(): void | Promise<unknown> {
    if (this.hasUpdated) return super.scheduleUpdate();
    return firstRender(this).then(() => super.scheduleUpdate());
  }

  protected override update(changed: PropertyValues): void {
    if (!this.hasUpdated) {
      const root = this.renderRoot as ShadowRoot;
      root.replaceChildren();
      adoptStyles(root, (this.constructor as typeof LitElement).elementStyles);
    }
    super.update(changed);
  }

  override connectedCallback(): void {
    if (!this.hasUpdated) this.#adoptSnapshot();
    super.connectedCallback();
    resumeFirstRender(this);
    this.#unsubscribe = onConfigChange(() => this.requestUpdate());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    parkFirstRender(this);
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** The API base URL in effect: the attribute, else the page's. */
  get resolvedApi(): string | undefined {
    return resolveSetting('api', this.api);
  }

  /** The campaign id in effect: the attribute, else the page's. */
  get resolvedCampaign(): string | undefined {
    return resolveSetting('campaign', this.campaign);
  }

  /** The UI locale in effect (page-wide). */
  get locale(): Locale {
    return getLocale();
  }

  /** A client for the resolved API and campaign, or undefined when either is missing. */
  get client(): CampaignApiClient | undefined {
    const api = this.resolvedApi;
    const campaign = this.resolvedCampaign;
    if (!api || !campaign) return undefined;
    if (this.#client?.base !== apiRoot(api) || this.#client.campaign !== campaign) {
      this.#client = new CampaignApiClient(api, campaign);
    }
    return this.#client;
  }
}
