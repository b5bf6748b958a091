import { html, isServer, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { msg, str } from '@lit/localize';
import { CampaignElement, shownImages } from '../base/campaign-element.js';
import { ParseError } from '../api/errors.js';
import type { Photo } from '../api/wire.js';
import { DEV, warnOnce } from '../core/dev.js';
import { tokens } from '../styles/tokens.js';
import { ERROR, PENDING, loadById } from '../base/load-by-id.js';
import { photoStyles } from './photo.styles.js';

/** Values of `loading`. Anything else is treated as `lazy`. */
export const PHOTO_LOADING = ['lazy', 'eager'] as const;
export type PhotoLoading = (typeof PHOTO_LOADING)[number];

/** Values of `fetchpriority`, passed to the image as they are. */
export const PHOTO_FETCH_PRIORITIES = ['high', 'low', 'auto'] as const;
export type PhotoFetchPriority = (typeof PHOTO_FETCH_PRIORITIES)[number];

/** The photographer's credit in the reader's language. */
export function creditText(photographer: string, organization?: string | null): string {
  return organization
    ? msg(str`Photo/${photographer} from ${organization}`)
    : msg(str`Photo/${photographer}`);
}

/**
 * @summary A campaign photo with its caption and a visible, localized credit, in a box
 * reserved before anything loads.
 *
 * Give `photo` (an id on the campaign API) or the image attributes, or both: an
 * attribute always wins over the API's value (`caption=""` hides the API's caption).
 * `width` and `height` (or the API's) reserve the box through `aspect-ratio`, so the
 * page never moves when the answer or the image arrives. Until then, and whenever the
 * API fails, the box shows the slotted `<img>` a partner wrote — which is also what
 * readers without script see. A failed image keeps its box, caption and credit.
 *
 * @slot - Fallback image (`<img>` or `<a><img></a>`), shown in the photo's box until the
 *   API answers and when it fails.
 *
 * @csspart figure - The `<figure>`.
 * @csspart image - The `<img>`.
 * @csspart caption - The caption.
 * @csspart credit - The photographer's credit ("Photo/Long Fan from Visual Chongqing").
 * @csspart zoom - The button that enlarges the photo (with `zoomable`).
 * @csspart dialog - The `<dialog>` of the enlarged photo.
 *
 * @cssprop --campaign-photo-ratio - Forces an aspect ratio (e.g. `3 / 2`); the image is
 *   cropped to fill it. Default: `width / height`.
 * @cssprop --campaign-caption-lines - Lines of caption reserved while the API answers
 *   (when no `caption` attribute is given). Default: 3.
 *
 * @fires {CustomEvent<CampaignErrorDetail>} campaign-error - The API could not deliver the photo; the widget shows its
 *   attributes or slotted fallback.
 *
 * @tagname campaign-photo
 */
export class CampaignPhoto extends CampaignElement {
  static override styles = [tokens, photoStyles];

  /** Photo id on the campaign API. */
  @property() photo?: string;
  /** Image URL (overrides the API's). */
  @property() src?: string;
  /** Responsive sources, as for `<img srcset>`. */
  @property() srcset?: string;
  /** As for `<img sizes>`. Default: the rendered width (`auto, 100vw`). */
  @property() sizes?: string;
  /** Intrinsic width in pixels: with `height`, reserves the photo's box. */
  @property({ type: Number }) width?: number;
  /** Intrinsic height in pixels. */
  @property({ type: Number }) height?: number;
  /** Text alternative. `alt=""` marks a decorative photo. */
  @property() alt?: string;
  /** Caption. `caption=""` shows none. */
  @property() caption?: string;
  /** Photographer, in the reader's language. */
  @property() photographer?: string;
  /** Photographer's organization, in the reader's language. */
  @property() organization?: string;
  /** `lazy` (default) or `eager`: when the browser fetches the image. */
  @property() loading: PhotoLoading = 'lazy';
  /** Passed to the image's `fetchpriority`. */
  @property() fetchpriority?: PhotoFetchPriority;
  /** Lets the reader enlarge the photo in a dialog. */
  @property({ type: Boolean, reflect: true }) zoomable = false;
  /**
   * The photo record as the API answers it. Set before the first render, the widget
   * shows it and asks the API for nothing (server rendering).
   */
  @property({ attribute: false }) snapshot?: Photo;

  @state() private _loaded?: string;
  @state() private _failed?: string;
  @state() private _zoomed = false;
  /** Height the partner's fallback gave its caption (below its image), reserved while pending. */
  #fallbackCaption?: number;

  private get _dialog() {
    return this.renderRoot.querySelector('dialog');
  }

  private _photo = loadById(
    this,
    () => this.photo,
    (client, id, options) =>
      client.getPhoto(id, options).then((p) => {
        if (typeof p?.src !== 'string') throw new ParseError(`Not a photo: ${id}`);
        return p;
      }),
    () => this.snapshot,
  );

  /** The photo as shown: attributes over the API's answer. */
  private get _data() {
    // While a new language or id loads, the last answer stays on screen (an error clears it).
    const p: Partial<Photo> = (this._photo.status !== ERROR && this._photo.value) || {};
    const fallback = isServer ? null : this.querySelector('img');
    const dim = (name: 'width' | 'height') =>
      this[name] || p[name] || Number(fallback?.getAttribute(name)) || undefined;
    return {
      src: this.src ?? p.src,
      srcset: this.srcset ?? p.srcset?.map((s) => `${s.src} ${s.width}w`).join(', '),
      width: dim('width'),
      height: dim('height'),
      alt: this.alt ?? p.alt,
      caption: this.caption ?? p.caption,
      photographer: this.photographer ?? p.credit?.photographer,
      organization: this.organization ?? p.credit?.organization,
    };
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // Before the first render the fallback is laid out as the page had it: measure how
    // much room its caption took below the image, so the box keeps that height.
    // Rendered on the server, its image may be on screen already (in its own render or
    // the teaser's it is rebuilt from): shown at once, not faded in again.
    const src = !isServer && !this.hasUpdated && this._data.src;
    if (src && shownImages.has(src)) this._loaded = src;
    const img = !isServer && !this.hasUpdated && this.querySelector('img');
    const cap = img && this.querySelector('figcaption');
    if (cap)
      this.#fallbackCaption =
        cap.getBoundingClientRect().bottom - img.getBoundingClientRect().bottom;
  }

  override render() {
    const d = this._data;
    const api = !!(this.photo && this.client);
    const pending = this._photo.status === PENDING;
    const failed = d.src && this._failed === d.src;
    if (DEV && d.src && d.alt === undefined) {
      warnOnce(`alt:${d.src}`, `<campaign-photo> ${d.src} has no alt text; add alt="…".`);
    }
    const credit = d.photographer ? creditText(d.photographer, d.organization) : '';
    // In API mode without a caption attribute, space for the caption is reserved
    // before the answer arrives, and kept, so nothing below moves.
    const reserve = api && this.caption === undefined;
    return html`
      <figure part="figure" aria-busy=${ifDefined(pending ? 'true' : undefined)}>
        <div class="frame">
          ${
            !d.src
              ? html`<slot></slot>`
              : failed
                ? html`<div class="failed" role="img" aria-label=${d.alt || nothing}></div>`
                : html`<img
                    part="image"
                    class=${isServer || this._loaded === d.src ? 'ok' : ''}
                    src=${d.src}
                    srcset=${ifDefined(d.srcset || undefined)}
                    sizes=${ifDefined(d.srcset ? (this.sizes ?? 'auto, 100vw') : undefined)}
                    width=${ifDefined(d.width)}
                    height=${ifDefined(d.height)}
                    alt=${ifDefined(d.alt)}
                    loading=${this.loading === 'eager' ? 'eager' : 'lazy'}
                    decoding="async"
                    fetchpriority=${ifDefined(this.fetchpriority)}
                    @load=${() => (this._loaded = d.src)}
                    @error=${() => (this._failed = d.src)}
                  />`
          }
          ${
            this.zoomable && d.src && !failed
              ? html`<button
                  part="zoom"
                  class="zoom"
                  type="button"
                  aria-label=${msg('Enlarge photo')}
                  aria-haspopup="dialog"
                  @click=${() => (this._zoomed = true)}
                ></button>`
              : nothing
          }
        </div>
        ${d.caption || credit || reserve ? this._caption(d.caption, credit, reserve, api) : nothing}
      </figure>
      ${
        this._zoomed && d.src
          ? // A click on the backdrop closes too; the keyboard has Escape and the Close button.
            // eslint-disable-next-line lit-a11y/click-events-have-key-events
            html`<dialog
              part="dialog"
              aria-label=${msg('Enlarged photo')}
              @close=${this._closed}
              @click=${(e: Event) => e.target === e.currentTarget && this._dialog?.close()}
            >
              <button class="close" type="button" @click=${() => this._dialog?.close()}>
                ${msg('Close')}
              </button>
              <img
                src=${d.src}
                srcset=${ifDefined(d.srcset || undefined)}
                sizes="100vw"
                alt=${ifDefined(d.alt)}
              />
              ${this._caption(d.caption, credit, false, false)}
            </dialog>`
          : nothing
      }
    `;
  }

  private _caption(caption = '', credit: string, reserve: boolean, api: boolean) {
    return html`<figcaption class=${reserve ? 'reserve' : ''}>
      ${caption ? html`<span part="caption" class="caption">${caption}</span>` : nothing}
      ${credit || api ? html`<span part="credit" class="credit">${credit}</span>` : nothing}
    </figcaption>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // The box's ratio and caption reserve go through the CSSOM, not style attributes,
    // which a page's Content-Security-Policy (style-src without 'unsafe-inline')
    // refuses. Set before the frame is first drawn.
    const { width, height } = this._data;
    const h = this.#fallbackCaption;
    const $ = (q: string) => this.renderRoot.querySelector<HTMLElement>(q)?.style;
    $('.frame')!.setProperty('--_r', width && height ? `${width} / ${height}` : null);
    $('.reserve')?.setProperty('min-height', h ? `${h}px` : null);
    const dialog = this._dialog;
    if (this._zoomed && dialog && !dialog.open) {
      // The dialog gives focus back on closing to what had it on opening: make that the
      // zoom button, which a click does not focus in Safari, nor `click()` anywhere, so
      // that Chromium does not send focus back to the page after `_closed` put it here.
      this.renderRoot.querySelector<HTMLElement>('.zoom')?.focus({ preventScroll: true });
      dialog.showModal();
    }
  }

  private _closed = () => {
    this._zoomed = false;
    // Once the dialog is gone from the page (so nothing is inert any more).
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>('.zoom')?.focus(),
    );
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'campaign-photo': CampaignPhoto;
  }
}
