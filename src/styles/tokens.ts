import { css } from 'lit';

/**
 * Design tokens. Partners theme with public, prefixed custom properties set on any
 * ancestor (`--campaign-accent`, …); widgets read them only through private
 * variables with a fallback, and never declare the public ones on `:host`, so one
 * declaration on `body` themes every widget on the page.
 *
 * Defaults meet WCAG 2.2 AA contrast on white: text #1f2328 (15.8:1), muted #57606a
 * (6.4:1), accent #0b5cad (6.6:1), danger #b42318 (6.5:1).
 *
 * @cssprop --campaign-font-family - Font of the widgets. Default: the page's own.
 * @cssprop --campaign-color-text - Text colour.
 * @cssprop --campaign-color-muted - Secondary text colour (bylines, credits, help).
 * @cssprop --campaign-color-surface - Background of cards and fields.
 * @cssprop --campaign-color-border - Borders and dividers.
 * @cssprop --campaign-color-accent - Links, buttons, focus ring.
 * @cssprop --campaign-color-on-accent - Text on the accent colour.
 * @cssprop --campaign-color-danger - Errors.
 * @cssprop --campaign-color-placeholder - Image placeholders and skeletons.
 * @cssprop --campaign-radius - Corner radius.
 * @cssprop --campaign-space - Base spacing unit.
 */
export const tokens = css`
  :host {
    --_font: var(--campaign-font-family, inherit);
    --_text: var(--campaign-color-text, #1f2328);
    --_muted: var(--campaign-color-muted, #57606a);
    --_surface: var(--campaign-color-surface, #ffffff);
    --_border: var(--campaign-color-border, #d0d7de);
    --_accent: var(--campaign-color-accent, #0b5cad);
    --_on-accent: var(--campaign-color-on-accent, #ffffff);
    --_danger: var(--campaign-color-danger, #b42318);
    --_placeholder: var(--campaign-color-placeholder, #eaeef2);
    --_radius: var(--campaign-radius, 8px);
    --_space: var(--campaign-space, 1em);

    font-family: var(--_font);
    color: var(--_text);
    box-sizing: border-box;
    /* A host page's odd line-height or letter-spacing does not leak into widgets. */
    line-height: 1.5;
    letter-spacing: normal;
    text-align: start;
  }
  :host([hidden]) {
    display: none !important;
  }
  /* Not inherited from the host: a page rule on the host (\`* { all: unset }\`) would
     turn every field and card back to content-box and push them out of the widget. */
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :focus-visible,
  :focus-visible + .button {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation-duration: 0.01ms !important;
      animation-iteration-count: 1 !important;
      transition-duration: 0.01ms !important;
      scroll-behavior: auto !important;
    }
  }
`;
