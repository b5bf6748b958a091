import { expect, waitUntil } from '@open-wc/testing';
import {
  button,
  cleanUp,
  hasButton,
  openConsole,
  openQueue,
  settle,
  shadow,
} from './support/console.js';
import { CAMPAIGN, LI_MING, World, makeItem } from './support/world.js';

const STAFF = `/v1/campaigns/${CAMPAIGN}/staff`;

async function openView(w: World, view: string, selector: string) {
  const el = await openConsole(w, `?view=${view}`);
  await waitUntil(() => shadow(el).querySelector(selector)?.shadowRoot, `${view} view`);
  const child = shadow(el).querySelector(selector)!;
  await settle(child);
  return { el, view: child, root: shadow(child) };
}

describe('newsroom console: audit, staff, privacy, exports', () => {
  afterEach(cleanUp);

  it('audit: lists who did what, filters by person and action, links the same view as CSV, and undoes', async () => {
    const w = new World({ items: 4 });
    w.decideAs(LI_MING, 's1', 'approve');
    w.decideAs(LI_MING, 's2', 'reject', 'spam');
    const { root, view } = await openView(w, 'audit', 'newsroom-audit');
    await waitUntil(() => root.querySelectorAll('tbody tr').length === 2);
    expect(root.querySelector('tbody')!.textContent).to.include('李明').and.include('Spam');
    const action = root.querySelector('#a-action') as HTMLSelectElement;
    action.value = 'reject';
    action.dispatchEvent(new Event('change'));
    await waitUntil(
      () =>
        w.api
          .find('GET', /\/audit$/)
          .at(-1)!
          .query.get('action') === 'reject',
    );
    await waitUntil(() => root.querySelectorAll('tbody tr').length === 1);
    const actor = root.querySelector('#a-actor') as HTMLSelectElement;
    expect([...actor.options].map((o) => o.textContent.trim())).to.include('李明');
    actor.value = 'u-li';
    actor.dispatchEvent(new Event('change'));
    await waitUntil(
      () =>
        w.api
          .find('GET', /\/audit$/)
          .at(-1)!
          .query.get('actor') === 'u-li',
    );
    await settle(view);
    const csv = root.querySelector('a[download]')!.getAttribute('href')!;
    expect(csv).to.match(new RegExp(`^${STAFF}/audit\\.csv\\?`));
    expect(new URL(csv, location.href).searchParams.get('action')).to.equal('reject');
    expect(new URL(csv, location.href).searchParams.get('actor')).to.equal('u-li');
    button(root, 'Undo').click();
    await waitUntil(() => w.api.find('POST', /\/audit\/a2\/undo$/).length === 1);
    expect(w.item('s2').status).to.equal('pending');
    await waitUntil(() => !root.querySelector('tbody button'), 'no undo left once undone');
  });

  it('staff (admin): adds someone and shows the link once with a copy button, refuses a taken email, changes a role, disables, resets', async () => {
    const w = new World({ me: { role: 'admin' } });
    const { el, root } = await openView(w, 'staff', 'newsroom-staff');
    await waitUntil(() => root.querySelectorAll('tbody tr').length === 3);
    expect(shadow(el).querySelector('nav')!.textContent).to.include('Staff').and.include('Privacy');
    const set = (id: string, value: string) =>
      ((root.querySelector(`#${id}`) as HTMLInputElement).value = value);
    set('s-email', 'li@newsroom.example');
    set('s-name', 'Li Again');
    root.querySelector<HTMLFormElement>('form.add')!.requestSubmit();
    await waitUntil(() => root.textContent.includes('already uses this email'));
    set('s-email', 'sun@newsroom.example');
    set('s-name', 'Sun Yue');
    (root.querySelector('#s-role') as HTMLSelectElement).value = 'viewer';
    root.querySelector<HTMLFormElement>('form.add')!.requestSubmit();
    await waitUntil(() => root.querySelector('#issued-link'));
    const added = w.api.find('POST', /^\/v1\/staff\/accounts$/).at(-1)!;
    expect(added.body).to.deep.equal({
      email: 'sun@newsroom.example',
      name: 'Sun Yue',
      role: 'viewer',
      locale: 'en',
    });
    expect((root.querySelector('#issued-link') as HTMLInputElement).value).to.include(
      '/moderate#link=invite-token-',
    );
    expect(button(root, 'Copy link')).to.exist;
    button(root, 'Done').click();
    await settle(shadow(el).querySelector('newsroom-staff')!);
    expect(root.querySelector('#issued-link')).to.be.null;
    expect(root.querySelectorAll('tbody tr')).to.have.length(4);
    // 李明 becomes a viewer; Zhao is disabled; Li gets a reset link.
    const role = root.querySelector('#role-u-li') as HTMLSelectElement;
    role.value = 'viewer';
    role.dispatchEvent(new Event('change'));
    await waitUntil(() => w.api.find('PATCH', /accounts\/u-li$/).length === 1);
    expect(w.api.find('PATCH', /accounts\/u-li$/)[0].body).to.deep.equal({ role: 'viewer' });
    button(root, 'Disable Zhao Lei').click();
    await waitUntil(() => w.api.find('PATCH', /accounts\/u-zhao$/).length === 1);
    expect(w.api.find('PATCH', /accounts\/u-zhao$/)[0].body).to.deep.equal({ disabled: true });
    await waitUntil(() => hasButton(root, 'Enable Zhao Lei'));
    button(root, 'New sign-in link for 李明').click();
    await waitUntil(() =>
      root.querySelector<HTMLInputElement>('#issued-link')?.value.includes('reset-token-u-li'),
    );
    // No button disables the admin themself.
    expect(() => button(root, 'Disable Wang Fang')).to.throw();
  });

  it('staff and privacy are not offered to a moderator', async () => {
    const w = new World();
    const el = await openQueue(w);
    const nav = shadow(el).querySelector('nav')!.textContent;
    expect(nav).to.include('Queue').and.include('Audit trail').and.include('Exports');
    expect(nav).not.to.include('Staff');
    expect(nav).not.to.include('Privacy');
  });

  it('privacy (admin): finds by email, links the JSON export, deletes after a confirmation that says how many', async () => {
    const w = new World({ items: 9, me: { role: 'admin' } });
    w.items.push(makeItem(30, { email: 'reader3@example.com' }));
    const { root, view } = await openView(w, 'privacy', 'newsroom-privacy');
    const email = root.querySelector('#p-email') as HTMLInputElement;
    email.value = 'reader3@example.com';
    email.dispatchEvent(new Event('input'));
    await settle(view);
    root.querySelector('form')!.requestSubmit();
    await waitUntil(() => root.textContent.includes('2 submissions sent with reader3@example.com'));
    const exported = root.querySelector('a[download]')!.getAttribute('href')!;
    expect(exported).to.equal(`${STAFF}/privacy/export?email=reader3%40example.com`);
    button(root, 'Delete all 2').click();
    const dialog = root.querySelector('dialog')!;
    await waitUntil(() => dialog.open);
    expect(dialog.textContent).to.include('This deletes 2 submissions');
    expect(w.api.find('POST', /privacy\/delete$/)).to.have.length(0);
    button(dialog, 'Delete 2 submissions').click();
    await waitUntil(() => w.api.find('POST', /privacy\/delete$/).length === 1);
    expect(w.api.find('POST', /privacy\/delete$/)[0].body).to.deep.equal({
      email: 'reader3@example.com',
    });
    await waitUntil(() => root.textContent.includes('Deleted 2 submissions'));
  });

  it('exports: links to the approved quotes as CSV and JSON', async () => {
    const w = new World();
    const { root } = await openView(w, 'exports', 'newsroom-exports');
    const links = [...root.querySelectorAll('a[download]')].map((a) => a.getAttribute('href'));
    expect(links).to.deep.equal([`${STAFF}/exports/quotes.csv`, `${STAFF}/exports/quotes.json`]);
  });

  it('the ? key opens the shortcut list; Escape closes it', async () => {
    const w = new World();
    const el = await openQueue(w);
    document.body.dispatchEvent(
      new KeyboardEvent('keydown', { key: '?', shiftKey: true, bubbles: true, composed: true }),
    );
    const help = shadow(el).querySelector('newsroom-help-dialog')!;
    const dialog = () => shadow(help).querySelector('dialog')!;
    await waitUntil(() => dialog().open, 'help open');
    const listed = dialog().querySelector('dl')!.textContent;
    for (const key of ['j', 'k', 'o', 'Enter', 'a', 'r', 'x', 'f', '/', '?', 'Escape']) {
      expect(listed).to.include(key);
    }
    // Turning single-key shortcuts off is kept, and j then does nothing.
    const toggle = dialog().querySelector('input[type="checkbox"]') as HTMLInputElement;
    toggle.click();
    expect(localStorage.getItem('newsroom-console:shortcuts')).to.equal('off');
    dialog().close();
    await settle(help);
    const rowsBefore = shadow(shadow(el).querySelector('newsroom-queue')).querySelector('.cursor');
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true }));
    await settle(el);
    expect(shadow(shadow(el).querySelector('newsroom-queue')).querySelector('.cursor')).to.equal(
      rowsBefore,
    );
  });
});
