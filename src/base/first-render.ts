/**
 * When a widget renders for the first time. A page may carry many widgets, most of
 * them below the fold; rendering all of them in the task that loads the script makes
 * one long task before the reader can scroll. So:
 *
 * - widgets within `NEAR` pixels of the viewport render at once, in the same
 *   microtask checkpoint as the script's own task, so the first frame the reader sees
 *   already has them (no frame of fallback, no layout shift);
 * - so do widgets that take no space yet (no fallback content, no reserved size):
 *   rendering them later would move everything after them, and where they sit says
 *   nothing while the widgets above them are empty too;
 * - the others keep the partner's fallback and render when they come within `NEAR`
 *   pixels of the viewport, or when the page is idle, one widget per idle period (in
 *   the order they asked: page order for the page's own markup), so that every widget
 *   is rendered soon after load without a long task;
 * - before printing, every waiting widget renders;
 * - a widget taken out of the page before its first render waits, without being
 *   observed or held, until it is put back (its first render may do work, such as
 *   resuming a saved submission, that only a widget on the page should do).
 *
 * Widgets that ask in the same checkpoint are measured together, after one another's
 * requests, so the page is laid out once for all of them.
 */

/** Pixels around the viewport within which a widget renders at once. */
export const NEAR = 400;

const asking: [Element, () => void][] = [];
const waiting = new Map<Element, () => void>();
const parked = new WeakMap<Element, () => void>();
let observer: IntersectionObserver | undefined;
let idle = false;

/** Resolves when `element` should render for the first time. */
export function firstRender(element: Element): Promise<void> {
  return new Promise((go) => ask(element, go));
}

function ask(element: Element, go: () => void): void {
  if (asking.push([element, go]) === 1) queueMicrotask(measure);
}

/** From the widget's `disconnectedCallback`: a waiting widget stops waiting for now. */
export function parkFirstRender(element: Element): void {
  const go = waiting.get(element);
  if (!go) return;
  waiting.delete(element);
  observer?.unobserve(element);
  parked.set(element, go);
}

/** From the widget's `connectedCallback`: a parked widget waits again. */
export function resumeFirstRender(element: Element): void {
  const go = parked.get(element);
  if (!go) return;
  parked.delete(element);
  ask(element, go);
}

function measure(): void {
  const batch = asking.splice(0);
  for (const [element, go] of batch) {
    if (!element.isConnected) {
      parked.set(element, go);
      continue;
    }
    if (near(element, true)) {
      go();
    } else {
      waiting.set(element, go);
      (observer ??= new IntersectionObserver(onIntersect, {
        rootMargin: `${NEAR}px`,
      })).observe(element);
    }
  }
  if (waiting.size) {
    whenIdle();
    addEventListener('beforeprint', releaseAll);
  }
}

/**
 * Whether `element` has a box within `NEAR` pixels of the viewport (or, with `empty`,
 * a box of no size).
 */
function near(element: Element, empty?: boolean): boolean {
  if (!element.getClientRects().length) return false; // not rendered: display none
  const box = element.getBoundingClientRect();
  return (
    (empty && !(box.width && box.height)) ||
    (box.bottom > -NEAR &&
      box.top < innerHeight + NEAR &&
      box.right > -NEAR &&
      box.left < innerWidth + NEAR)
  );
}

function onIntersect(entries: IntersectionObserverEntry[]): void {
  // WebKit reports a host whose shadow root shows nothing yet as intersecting wherever
  // it is: the element's own box decides.
  for (const entry of entries)
    if (entry.isIntersecting && near(entry.target)) release(entry.target);
}

function release(element: Element): void {
  const go = waiting.get(element);
  if (!go) return;
  waiting.delete(element);
  observer?.unobserve(element);
  go();
}

function releaseAll(): void {
  for (const element of [...waiting.keys()]) release(element);
}

/**
 * Renders the longest-waiting widget in the next idle period (or within 500 ms on a page
 * that is never idle), then the next, and so on.
 */
function whenIdle(): void {
  if (idle) return;
  idle = true;
  const next = () => {
    idle = false;
    const first = waiting.keys().next();
    if (first.done) return;
    release(first.value);
    whenIdle();
  };
  if (typeof requestIdleCallback === 'function') requestIdleCallback(next, { timeout: 500 });
  else setTimeout(next, 50);
}
