import { css } from 'lit';

export const teaserStyles = css`
  :host {
    display: block;
  }
  .card {
    position: relative;
    height: 100%;
    overflow: hidden;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  :host([layout='horizontal']) .card {
    display: grid;
    grid-template-columns: minmax(0, 2fr) minmax(0, 3fr);
    align-items: start;
  }
  campaign-photo,
  .placeholder {
    --campaign-radius: 0;
    --campaign-photo-ratio: var(--campaign-teaser-ratio, 3 / 2);
  }
  .placeholder {
    aspect-ratio: var(--campaign-photo-ratio);
    background: var(--_placeholder);
  }
  campaign-photo::part(credit) {
    position: absolute;
    bottom: 0;
    inset-inline-end: 0;
    min-height: 0;
    max-width: 100%;
    margin: 0;
    padding: 0.125em 0.5em;
    overflow: hidden;
    background: rgb(0 0 0 / 0.7);
    color: #fff;
    font-size: 0.75em;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  /* The body reserves every block at its tallest (headline and excerpt are clamped), so
     the card is the same size loading, loaded or failed: headline 3 × 1.125em × 1.35, byline 0.875em × (0.375 + 1.5),
     excerpt 0.9375em × (0.5 + 3 × 1.5) = 10.885em (compact: 2 × 1.35em and the byline
     = 4.341em), and the padding. Each block is only as tall as its text, so what the text leaves free
     gathers below the excerpt, never under a short headline. */
  .body {
    padding: calc(var(--_space) * 0.75);
    min-height: calc(10.885em + var(--_space) * 1.5);
  }
  :host([layout='compact']) .body {
    min-height: calc(4.341em + var(--_space) * 1.5);
  }
  .headline,
  .byline,
  .excerpt {
    --_lh: 1.5em;
    margin: 0;
    overflow: hidden;
    line-height: var(--_lh);
  }
  .headline {
    --_lh: 1.35em;
    --_n: 3;
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: var(--_n);
    font-size: 1.125em;
    font-weight: 700;
  }
  :host([layout='compact']) .headline {
    --_n: 2;
    font-size: 1em;
  }
  .byline {
    height: 1.5em;
    margin-top: 0.375em;
    color: var(--_muted);
    font-size: 0.875em;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .byline span + time::before {
    content: ' · ';
  }
  .excerpt {
    --_n: 3;
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: 3;
    margin-top: 0.5em;
    font-size: 0.9375em;
  }
  .skeleton {
    height: calc(var(--_n, 1) * var(--_lh));
    background: linear-gradient(var(--_placeholder) 0 70%, transparent 0) 0 15% / 100% var(--_lh);
  }
  /* While the story loads, the byline and excerpt wait unseen (the headline's length is
     not known yet, so they would move when it arrives): the body, which neither moves
     nor changes size, draws their skeleton at its foot. */
  .byline.skeleton,
  .excerpt.skeleton {
    visibility: hidden;
  }
  .body:has(> .excerpt.skeleton) {
    background: repeating-linear-gradient(var(--_placeholder) 0 1em, #0000 0 1.5em) bottom / 100%
      5.5em no-repeat content-box;
  }
  a {
    color: inherit;
    text-decoration: none;
  }
  a::after {
    /* The headline's link covers the whole card: one real link, nothing nested. */
    content: '';
    position: absolute;
    inset: 0;
    z-index: 1;
  }
  .card:hover a,
  a:focus-visible {
    text-decoration: underline;
  }
  a:focus-visible {
    outline: none;
  }
  a:focus-visible::after {
    outline: 3px solid var(--_accent);
    outline-offset: -3px;
    border-radius: var(--_radius);
  }
  ::slotted(a) {
    color: var(--_accent);
  }
`;
