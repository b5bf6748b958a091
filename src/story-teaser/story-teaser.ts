import { html, isServer, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { msg } from '@lit/localize';
import { CampaignElement } from '../base/campaign-element.js';
import { ParseError } from '../api/errors.js';
import type { Story } from '../api/wire.js';
import { emit } from '../core/events.js';
import { formatDate } from '../i18n/format.js';
import { tokens } from '../styles/tokens.js';
import { ERROR, PENDING, loadById } from '../base/load-by-id.js';
import { teaserStyles } from './story-teaser.styles.js';

/** Values of `layout`. Anything else is shown as `card`. */
export const TEASER_LAYOUTS = ['card', 'horizontal', 'compact'] as const;
export type TeaserLayout = (typeof TEASER_LAYOUTS)[number];

/**
 * What a teaser renders from without asking the API: the story as the API answers it,
 * with its photo when known (`Story.photo`).
 */
export type StorySnapshot = Story;

/** Detail of `campaign-story-open`. */
export interface StoryOpenDetail {
  /** The story's id (`story`), or null for a teaser built from attributes alone. */
  id: string | null;
  /** Where the link goes. */
  href: string;
}

/**
 * @summary A campaign story as a card: image with its credit, headline, byline, date and
 * excerpt, the whole card one link to the story.
 *
 * Give `story` (an id on the campaign API) or the attributes, or both: an attribute
 * always wins over the API's value. Write a plain link inside the tag — readers without
 * script see it, and it is shown in the card, in the same space, while the API answers
 * and if it fails. Every layout has a fixed shape for its width (headline and excerpt
 * are clamped to three lines), so the card never changes size when the answer or the
 * image arrives.
 *
 * @slot - Fallback link to the story (`<a href="…">Headline</a>`).
 *
 * @csspart card - The card.
 * @csspart link - The link to the story (the headline; it covers the whole card).
 * @csspart headline - The headline.
 * @csspart byline - The author line, with the date.
 * @csspart date - The `<time>` of publication.
 * @csspart excerpt - The excerpt (or the short error message).
 * @csspart photo - The lead `<campaign-photo>`; its own parts are exported as
 *   `figure`, `image`, `credit`.
 *
 * @cssprop --campaign-teaser-ratio - Aspect ratio of the lead image. Default: `3 / 2`.
 *
 * @fires {CustomEvent<StoryOpenDetail>} campaign-story-open - The reader opens the story (cancelable: `preventDefault()`
 *   keeps the page where it is). `detail`: `{ id, href }`.
 * @fires {CustomEvent<CampaignErrorDetail>} campaign-error - The API could not deliver the story (or its photo).
 *
 * @tagname campaign-story-teaser
 */
export class CampaignStoryTeaser extends CampaignElement {
  static override styles = [tokens, teaserStyles];

  /** Story id on the campaign API. */
  @property() story?: string;
  /** `card` (default), `horizontal` or `compact` (no image, no excerpt). */
  @property({ reflect: true }) layout: TeaserLayout = 'card';
  /** Link to the story (overrides the API's). */
  @property() href?: string;
  /** Browsing context of the link, e.g. `_blank`. */
  @property() target?: string;
  @property() headline?: string;
  @property() byline?: string;
  /** Publication date, ISO 8601 (e.g. `2024-03-24`). */
  @property() date?: string;
  @property() excerpt?: string;
  /** Photo id of the lead image on the campaign API (overrides the story's). */
  @property() photo?: string;
  /** Lead image URL, when not using a photo id. */
  @property() src?: string;
  @property() srcset?: string;
  @property() alt?: string;
  @property() photographer?: string;
  @property() organization?: string;
  /**
   * The story as the API answers it (with its `photo` record, optionally). Set before the
   * first render, the teaser shows it and asks the API for nothing (server rendering).
   */
  @property({ attribute: false }) snapshot?: StorySnapshot;

  private _story = loadById<StorySnapshot>(
    this,
    () => this.story,
    (client, id, options) =>
      client.getStory(id, options).then((s) => {
        if (typeof s?.url !== 'string') throw new ParseError(`Not a story: ${id}`);
        return s;
      }),
    () => this.snapshot,
  );

  constructor() {
    super();
    this.addEventListener('click', this._open);
    this.addEventListener('auxclick', this._open);
  }

  override render() {
    // While a new language or id loads, the last answer stays on screen (an error clears it).
    const s: Partial<StorySnapshot> = (this._story.status !== ERROR && this._story.value) || {};
    const status = this._story.status;
    const loading = status === PENDING;
    const failed = status === ERROR;
    const href = this.href ?? s.url;
    const headline = this.headline ?? s.headline;
    const byline = this.byline ?? s.byline;
    const excerpt = this.excerpt ?? s.excerpt;
    const photo = this.photo ?? s.photoId ?? undefined;
    const raw = this.date ?? s.publishedAt ?? '';
    const date = new Date(raw);
    const dated = !Number.isNaN(date.getTime());
    const fallback = !isServer && !!this.querySelector('a');
    const skeleton = loading && !s.url ? 'skeleton' : '';
    const media =
      photo || this.src
        ? html`<campaign-photo
            part="photo"
            exportparts="figure,image,credit"
            caption=""
            .api=${this.api}
            .campaign=${this.campaign}
            .photo=${photo}
            .snapshot=${s.photo && s.photo.id === photo ? s.photo : undefined}
            .src=${this.src}
            .srcset=${this.srcset}
            .alt=${this.alt}
            .photographer=${this.photographer}
            .organization=${this.organization}
          ></campaign-photo>`
        : html`<div class="placeholder ${skeleton}"></div>`;
    return html`<div part="card" class="card" aria-busy=${ifDefined(loading ? 'true' : undefined)}>
      ${this.layout === 'compact' ? nothing : html`<div class="media">${media}</div>`}
      <div class="body">
        <div part="headline" class="headline ${fallback ? '' : skeleton}">
          ${
            href && headline
              ? html`<a part="link" href=${href} target=${this.target || nothing}>${headline}</a>`
              : fallback
                ? html`<slot></slot>`
                : href
                  ? html`<a part="link" href=${href} target=${this.target || nothing}
                      >${msg('Read the story')}</a
                    >`
                  : nothing
          }
        </div>
        <p part="byline" class="byline ${skeleton}">
          ${byline ? html`<span>${byline}</span>` : nothing}
          ${
            dated
              ? html`<time part="date" datetime=${date.toISOString()}
                  >${formatDate(
                    date,
                    this.locale,
                    // A date without a time is a calendar day: never shift it to the day before.
                    raw.includes('T') ? undefined : { dateStyle: 'long', timeZone: 'UTC' },
                  )}</time
                >`
              : nothing
          }
        </p>
        ${
          this.layout === 'compact'
            ? nothing
            : html`<p part="excerpt" class="excerpt ${skeleton}">
                ${
                  excerpt ??
                  (failed && !headline ? msg('The story preview could not be loaded.') : '')
                }
              </p>`
        }
      </div>
    </div>`;
  }

  private _open = (e: MouseEvent) => {
    if (e.type === 'auxclick' && e.button !== 1) return;
    const a = e.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!a?.href) return;
    const opened = emit(
      this,
      'campaign-story-open',
      { id: this.story ?? null, href: a.href },
      { cancelable: true },
    );
    if (!opened) e.preventDefault();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'campaign-story-teaser': CampaignStoryTeaser;
  }
}
