import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }
  /* Server-rendered, until the script's first render takes over: the buttons hold
     their places but are not shown or reachable, since nothing would answer them. */
  :host([data-ssr]) button {
    visibility: hidden;
  }
  [part='controls'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5em;
    margin-block-end: 0.5em;
    font-size: 0.875em;
    color: var(--_muted);
  }
  /* Each state has its own mark as well as its word: a filled dot (live), a dotted ring
     (reconnecting), two bars (paused), an empty ring (offline). */
  [part='status']::before {
    content: '○ ';
  }
  .live {
    color: var(--_text);
  }
  .live::before {
    content: '● ';
    color: var(--_accent);
  }
  .reconnecting::before {
    content: '◌ ';
  }
  .paused::before {
    content: '‖ ';
  }
  [part='status'].connecting {
    display: inline; /* empty, but not gone: see span:empty */
    visibility: hidden;
  }
  [part='status'].connecting::after {
    content: attr(data-place);
  }
  button {
    min-height: 2em;
    padding: 0.25em 0.875em;
    font: inherit;
    font-weight: 600;
    color: var(--_accent);
    background: var(--_surface);
    border: 2px solid var(--_accent);
    border-radius: var(--_radius);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  /* Columns of at least 16em, each quote as tall as its own words and photo. Quotes run
     down the first column, then the next: the order screen readers and the keyboard
     follow. */
  .grid ul {
    columns: 16em;
    column-gap: var(--_space);
  }
  .grid li {
    break-inside: avoid;
    margin-block-end: var(--_space);
  }
  figure {
    margin: 0;
    padding: var(--_space);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    /* Readers' words, names and districts wrap, however long a word or URL. */
    overflow-wrap: anywhere;
  }
  blockquote {
    margin: 0 0 0.5em;
    white-space: pre-line;
  }
  figcaption {
    display: flow-root; /* holds the floated Report action, even when it wraps */
    font-size: 0.875em;
    color: var(--_muted);
  }
  b {
    color: var(--_text);
  }
  figcaption > :not(b, button)::before {
    content: ' · ';
  }
  span:empty {
    display: none;
  }
  .arrived-0 {
    animation: arrive-0 0.4s;
  }
  .arrived-1 {
    animation: arrive-1 0.4s;
  }
  @keyframes arrive-0 {
    from {
      opacity: 0;
      transform: translateY(-0.5em);
    }
  }
  @keyframes arrive-1 {
    from {
      opacity: 0;
      transform: translateY(-0.5em);
    }
  }
  .spot {
    display: block;
    font-size: 1.25em;
  }
  .ticker {
    overflow: hidden;
  }
  .ticker ul {
    display: flex;
    width: max-content;
    padding-inline-start: 100%;
    animation: tick 60s linear infinite;
  }
  .ticker * {
    white-space: nowrap;
    margin: 0;
  }
  .ticker figure {
    display: flex;
    gap: 0.5em;
    padding-block: 0.25em;
  }
  .ticker campaign-photo,
  .ticker time {
    display: none;
  }
  :host([paused]) ul,
  .ticker:hover ul,
  ul:focus-within {
    animation-play-state: paused;
  }
  @keyframes tick {
    to {
      transform: translateX(-100%);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .ticker {
      overflow-x: auto;
    }
    .ticker ul {
      animation: none;
      padding: 0;
    }
  }
`;
