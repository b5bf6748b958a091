import { LitElement, adoptStyles, isServer, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { updateWhenLocaleChanges } from '@lit/localize';
import { CampaignApiClient, apiRoot } from '../api/client.js';
import { onConfigChange, resolveSetting } from '../core/config.js';
import { getLocale, pageLocale, watchPageLocale } from '../i18n/locale.js';
import type { Locale } from '../api/wire.js';
import { firstRender, parkFirstRender, resumeFirstRender } from './first-render.js';

/**
 * Sources of images a server render had on screen when its widget took over: a photo
 * showing one of them again (the teaser's, rebuilt with it) shows it at once, without
 * fading it in.
 */
export const shownImages = new Set<string>();

/** Notes the images shown in `root`, and in the shadow roots inside it. */
function noteShownImages(root: ParentNode): void {
  for (const el of root.querySelectorAll('*')) {
    if (el instanceof HTMLImageElement && el.complete && el.naturalWidth)
      shownImages.add(el.getAttribute('src')!);
    if (el.shadowRoot) noteShownImages(el.shadowRoot);
  }
}

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
   * shadow root, as `<script type="application/json" data-campaign-snapshot>` with the
   * locale it was rendered in): the widget's `snapshot`, unless one was given or the
   * page speaks another language, so the first render in the browser shows the same
   * thing without asking the API again.
   */
  #adoptSnapshot(): void {
    const data = this.querySelector(':scope > script[data-campaign-snapshot]');
    const self = this as { snapshot?: unknown };
    if (!data || self.snapshot !== undefined) return;
    if (data.getAttribute('data-locale') !== pageLocale()) return;
    try {
      const value: unknown = JSON.parse(data.textContent);
      // Anything but an object: the widget loads as if rendered in the browser.
      if (value && typeof value === 'object') self.snapshot = value;
    } catch {
      // Not JSON: the same.
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

  protected override willUpdate(changed: PropertyValues): void {
    if (!this.hasUpdated && !isServer) noteShownImages(this.renderRoot);
    super.willUpdate(changed);
  }

  protected override update(changed: PropertyValues): void {
    if (this.hasUpdated) return super.update(changed);
    // The first render replaces what the root holds (a bare slot, or the server's
    // render) in one task. Taken over from the server's: the focused field and its
    // selection move to the new one, and images already shown stay shown.
    const root = this.renderRoot as ShadowRoot;
    const focused = root.activeElement as HTMLInputElement | null;
    const selection = focused && [focused.selectionStart, focused.selectionEnd];
    root.replaceChildren();
    adoptStyles(root, (this.constructor as typeof LitElement).elementStyles);
    this.removeAttribute('data-ssr');
    super.update(changed);
    const next = focused?.id && (root.getElementById(focused.id) as HTMLInputElement | null);
    if (next) {
      next.focus({ preventScroll: true });
      if (selection?.[0] != null) next.setSelectionRange?.(selection[0], selection[1]);
    }
  }

  /** Connected, as Lit knows it (a server render waits for its shadow root: below). */
  #connected = false;

  override connectedCallback(): void {
    // Parsed with the script already defined, a server render's host connects before
    // its declarative shadow root is parsed, and attaching one now would make the
    // browser drop the server's: it waits until the document is parsed.
    if (!this.shadowRoot && this.hasAttribute('data-ssr') && document.readyState === 'loading') {
      document.addEventListener(
        'DOMContentLoaded',
        () => this.isConnected && this.connectedCallback(),
        {
          once: true,
        },
      );
      return;
    }
    if (this.#connected) return;
    this.#connected = true;
    if (!this.hasUpdated) this.#adoptSnapshot();
    super.connectedCallback();
    resumeFirstRender(this);
    this.#unsubscribe = onConfigChange(() => this.requestUpdate());
  }

  override disconnectedCallback(): void {
    if (!this.#connected) return;
    this.#connected = false;
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
