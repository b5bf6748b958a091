import { expect } from '@open-wc/testing';
import { html } from 'lit';
import { CampaignElement } from '../src/base/campaign-element.js';
import { NEAR } from '../src/base/first-render.js';

/** A widget that only counts its renders: the scheduling is CampaignElement's. */
const order: Element[] = [];
class Counting extends CampaignElement {
  renders = 0;
  override render() {
    this.renders++;
    order.push(this);
    return html`<p>rendered</p>`;
  }
}
const TAG = `cw-first-render-${Math.random().toString(36).slice(2, 7)}`;
customElements.define(TAG, Counting);

const idle = () =>
  new Promise<void>((resolve) =>
    typeof requestIdleCallback === 'function'
      ? requestIdleCallback(() => resolve(), { timeout: 2000 })
      : setTimeout(resolve, 100),
  );

describe('first render of widgets', () => {
  let box: HTMLDivElement;

  beforeEach(async () => {
    // An idle period the last test left scheduled runs first (idle callbacks run in
    // the order they were asked for), so none can render this test's widgets.
    await idle();
    box = document.createElement('div');
    document.body.prepend(box);
    scrollTo(0, 0);
  });
  afterEach(() => box.remove());

  /** A widget at `top` px from the top of the page, inside `box`. */
  function place(top: number): Counting {
    const el = document.createElement(TAG) as Counting;
    el.textContent = 'fallback';
    el.style.cssText = `display: block; position: absolute; left: 0; top: ${top}px; height: 50px`;
    box.append(el);
    return el;
  }

  it('renders widgets near the viewport before the next frame, and the far ones later', async () => {
    let frame = false;
    requestAnimationFrame(() => (frame = true));
    let task = false;
    setTimeout(() => (task = true));
    const seen = place(10);
    const near = place(innerHeight + NEAR - 100);
    const far = place(innerHeight + NEAR + 2000);
    await seen.updateComplete;
    await near.updateComplete;
    // Still inside the task that connected them: no frame of fallback was painted.
    expect([frame, task], 'no frame or task passed').to.deep.equal([false, false]);
    expect([seen.renders, near.renders, far.renders]).to.deep.equal([1, 1, 0]);
    expect(far.hasUpdated).to.equal(false);
    expect(far.shadowRoot!.querySelector('p'), 'far widget keeps its fallback').to.equal(null);
    // With nothing else to do, the page renders it too.
    await far.updateComplete;
    expect(far.renders).to.equal(1);
    expect(task, 'after the task that connected it').to.equal(true);
  });

  it('renders a far widget when it scrolls near; idle periods take the rest in page order', async () => {
    box.style.cssText = 'position: relative; height: 20000px';
    const held: IdleRequestCallback[] = [];
    const realIdle = window.requestIdleCallback;
    window.requestIdleCallback = (callback) => held.push(callback);
    const widgets = Array.from({ length: 6 }, (_, i) => place(innerHeight + NEAR + 3000 * (i + 1)));
    const last = widgets.at(-1)!;
    order.length = 0;
    try {
      await new Promise((r) => requestAnimationFrame(r));
      expect(last.renders).to.equal(0);
      scrollTo(0, 3000 * 6 + NEAR + 100);
      await last.updateComplete;
      expect(widgets.map((w) => w.renders)).to.deep.equal([0, 0, 0, 0, 0, 1]);
    } finally {
      window.requestIdleCallback = realIdle;
      for (const callback of held) callback({ didTimeout: false, timeRemaining: () => 50 });
    }
    await Promise.all(widgets.map((w) => w.updateComplete));
    expect(order.map((w) => widgets.indexOf(w as Counting))).to.deep.equal([5, 0, 1, 2, 3, 4]);
  });

  it('renders every waiting widget before the page is printed', async () => {
    const far = Array.from({ length: 4 }, (_, i) => place(innerHeight + NEAR + 1000 * (i + 1)));
    let task = false;
    setTimeout(() => (task = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(far.map((w) => w.renders)).to.deep.equal([0, 0, 0, 0]);
    dispatchEvent(new Event('beforeprint'));
    await Promise.all(far.map((w) => w.updateComplete));
    expect(far.map((w) => w.renders)).to.deep.equal([1, 1, 1, 1]);
    expect(task, 'in the same task as the print request').to.equal(false);
  });

  it('does not render a widget taken out of the page, until it is put back', async () => {
    const far = place(innerHeight + NEAR + 2000);
    await Promise.resolve();
    await Promise.resolve();
    far.remove();
    for (let i = 0; i < 4; i++) await idle();
    expect(far.renders, 'off the page').to.equal(0);
    far.style.top = '0px';
    box.append(far);
    await far.updateComplete;
    expect(far.renders).to.equal(1);
  });

  it('renders a widget that takes no space yet at once, wherever it is', async () => {
    // No fallback and no reserved size: rendering it later would move what follows.
    const empty = place(innerHeight + NEAR + 2000);
    empty.textContent = '';
    empty.style.height = '0';
    const far = place(innerHeight + NEAR + 2000);
    let task = false;
    setTimeout(() => (task = true));
    await empty.updateComplete;
    expect(empty.renders).to.equal(1);
    expect(far.renders, 'the one with a box waits').to.equal(0);
    expect(task, 'in the task that connected it').to.equal(false);
  });

  it('renders a hidden widget when the page is idle, so it is ready when shown', async () => {
    const hidden = place(0);
    hidden.style.display = 'none';
    await Promise.resolve();
    await Promise.resolve();
    expect(hidden.renders).to.equal(0);
    await hidden.updateComplete;
    expect(hidden.renders).to.equal(1);
  });

  it('renders again at once after the first render, wherever the widget is', async () => {
    const far = place(innerHeight + NEAR + 2000);
    await far.updateComplete;
    far.requestUpdate();
    await far.updateComplete;
    expect(far.renders).to.equal(2);
  });
});
