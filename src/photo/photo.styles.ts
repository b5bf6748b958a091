import { css } from 'lit';

export const photoStyles = css`
  :host {
    display: block;
  }
  figure {
    position: relative;
    margin: 0;
  }
  .frame {
    position: relative;
    aspect-ratio: var(--campaign-photo-ratio, var(--_r, auto));
    /* The ratio decides, not a taller fallback (a figure with its own caption). */
    min-height: 0;
    overflow: hidden;
    border-radius: var(--_radius);
    background: var(--_placeholder);
  }
  img,
  ::slotted(img),
  ::slotted(a) {
    display: block;
    width: 100%;
    height: 100%;
  }
  .frame img,
  ::slotted(img) {
    object-fit: cover;
  }
  .frame img {
    /* Hidden until loaded: no half-drawn image, no alt text or broken-image icon. */
    opacity: 0;
    color: transparent;
    transition: opacity 0.2s;
  }
  .frame img.ok {
    opacity: 1;
  }
  .failed {
    height: 100%;
    min-height: 4em;
  }
  figcaption {
    /* Contains its children's margins, so its height is all that counts. */
    display: flow-root;
    /* A reader's photo is credited to their name: long words wrap. */
    overflow-wrap: anywhere;
  }
  .caption,
  .credit {
    display: block;
    font-size: 0.875em;
  }
  .caption {
    margin-top: 0.5em;
  }
  /* Caption lines (0.875em × 1.5) plus the credit line and margins. */
  .reserve {
    min-height: calc(var(--campaign-caption-lines, 3) * 1.3125em + 1.9em);
  }
  .credit {
    min-height: 1.5em;
    margin-top: 0.25em;
    color: var(--_muted);
    font-size: 0.8125em;
  }
  .zoom {
    position: absolute;
    inset: 0;
    width: 100%;
    border: 0;
    padding: 0;
    background: none;
    cursor: zoom-in;
  }
  .zoom::after {
    /* A small "enlarge" mark in the corner. */
    content: '';
    position: absolute;
    inset-inline-end: 0.5em;
    top: 0.5em;
    width: 1.75em;
    height: 1.75em;
    border-radius: 50%;
    background:
      linear-gradient(#fff, #fff) center / 0.875em 2px no-repeat,
      linear-gradient(#fff, #fff) center / 2px 0.875em no-repeat,
      rgb(0 0 0 / 0.6);
  }
  .zoom:focus-visible {
    outline-offset: -3px;
  }
  dialog {
    max-width: min(100vw - 2em, 80em);
    max-height: calc(100vh - 2em);
    padding: var(--_space);
    border: 0;
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    font-family: var(--_font);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.8);
  }
  dialog img {
    max-height: calc(100vh - 12em);
    object-fit: contain;
  }
  .close {
    display: block;
    margin: 0 0 0.5em auto;
    padding: 0.375em 0.875em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    font: inherit;
    cursor: pointer;
  }
`;
