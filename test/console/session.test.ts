import { expect, waitUntil } from '@open-wc/testing';
import { consoleLocale } from '../../console/src/i18n/locale.js';
import { failure } from './support/fake-api.js';
import {
  button,
  cleanUp,
  detailOf,
  focused,
  openConsole,
  openQueue,
  press,
  queueOf,
  rowText,
  rows,
  settle,
  shadow,
} from './support/console.js';
import { World } from './support/world.js';

const signInOf = (el: Element) => shadow(el).querySelector('newsroom-sign-in');

function fillSignIn(form: Element, email: string, password: string) {
  const root = shadow(form);
  (root.querySelector('#email') as HTMLInputElement).value = email;
  (root.querySelector('#password') as HTMLInputElement).value = password;
  root.querySelector('form')!.requestSubmit();
}

describe('newsroom console: signing in', () => {
  afterEach(cleanUp);

  it('asks to sign in without a session, and says so in the console’s language when it fails', async () => {
    const w = new World({ signedIn: false });
    const el = await openConsole(w);
    await waitUntil(() => signInOf(el), 'sign-in form');
    fillSignIn(signInOf(el)!, 'wang@newsroom.example', 'wrong password!');
    await waitUntil(() => shadow(signInOf(el)).querySelector('[role="alert"]'));
    const alert = () => shadow(signInOf(el)).querySelector('[role="alert"]')!;
    expect(alert().textContent).to.include('do not match an account');
    expect(focused()).to.equal(alert());
    const sent = w.api.find('POST', /^\/v1\/staff\/session$/)[0];
    expect(sent.body).to.deep.equal({
      email: 'wang@newsroom.example',
      password: 'wrong password!',
    });
    expect(sent.credentials).to.equal('same-origin');
    // 中文: the switch works before signing in, and the message follows it.
    button(shadow(el), '中文').click();
    await waitUntil(() => document.documentElement.lang === 'zh-Hans');
    await settle(signInOf(el)!);
    expect(shadow(signInOf(el)).querySelector('h2')!.textContent).to.include('登录编辑部审核台');
    fillSignIn(signInOf(el)!, 'wang@newsroom.example', 'wrong again!!');
    await waitUntil(() => alert().textContent.includes('电子邮箱或密码不正确'));
    // Nothing was saved for a person not signed in.
    expect(w.api.find('PATCH', /\/me$/)).to.have.length(0);
  });

  it('says how long to wait after too many attempts', async () => {
    const w = new World({ signedIn: false });
    w.api.on(
      'POST',
      '/v1/staff/session',
      failure(429, 'rate_limited', 'Slow down', { headers: { 'retry-after': '42' } }),
    );
    const el = await openConsole(w);
    await waitUntil(() => signInOf(el));
    fillSignIn(signInOf(el)!, 'wang@newsroom.example', 'whatever it is');
    await waitUntil(() =>
      shadow(signInOf(el)).textContent.includes('Too many attempts. Try again in 42 seconds.'),
    );
  });

  it('signs in, then follows the person’s saved language: the header and tabs in Chinese', async () => {
    const w = new World({ signedIn: false, me: { locale: 'zh-Hans', name: '李明' } });
    const el = await openConsole(w);
    await waitUntil(() => signInOf(el));
    fillSignIn(signInOf(el)!, 'li@newsroom.example', 'correct horse battery');
    await waitUntil(() => rows(el).length > 0, 'queue after sign-in');
    expect(document.documentElement.lang).to.equal('zh-Hans');
    expect(consoleLocale()).to.equal('zh-Hans');
    const header = shadow(el).querySelector('header')!.textContent;
    expect(header).to.include('李明').and.include('审核员').and.include('重庆城市精神');
    const tabs = shadow(queueOf(el)).querySelector('[role="tablist"]')!.textContent;
    expect(tabs)
      .to.include('待审核')
      .and.include('已通过')
      .and.include('已拒绝')
      .and.include('已撤下');
    expect(rowText(rows(el)[1])).to.include('英文');
    expect(rowText(rows(el)[0]))
      .to.include('中文')
      .and.match(/\d+月\d+日 \d\d:\d\d/);
    // The campaign was asked for in Chinese (district names).
    expect(
      w.api
        .find('GET', /^\/v1\/campaigns\/[^/]+$/)
        .at(-1)!
        .query.get('locale'),
    ).to.equal('zh-Hans');
  });

  it('the language switch renders Chinese labels and saves the choice to the person', async () => {
    const w = new World();
    const el = await openQueue(w);
    expect(shadow(queueOf(el)).querySelector('#tab-pending')!.textContent).to.include('Pending');
    button(shadow(el), '中文').click();
    await waitUntil(() => w.api.find('PATCH', /\/v1\/staff\/me$/).length === 1);
    expect(w.api.find('PATCH', /\/v1\/staff\/me$/)[0].body).to.deep.equal({ locale: 'zh-Hans' });
    expect(w.api.find('PATCH', /\/v1\/staff\/me$/)[0].headers['x-csrf-token']).to.equal('csrf-1');
    await settle(queueOf(el));
    expect(shadow(queueOf(el)).querySelector('#tab-pending')!.textContent).to.include('待审核');
    expect(shadow(el).querySelector('nav')!.textContent)
      .to.include('审核队列')
      .and.include('操作记录');
    expect(document.documentElement.lang).to.equal('zh-Hans');
    expect(button(shadow(el), '中文').getAttribute('aria-pressed')).to.equal('true');
    button(shadow(el), 'English').click();
    await waitUntil(() => document.documentElement.lang === 'en');
  });

  it('a one-time link sets up the first admin, signs in and clears the fragment', async () => {
    const w = new World({ signedIn: false, me: { role: 'admin' } });
    w.api.on('POST', /^\/v1\/staff\/links\/info$/, {
      body: {
        purpose: 'first-admin',
        email: null,
        name: null,
        expiresAt: new Date(Date.now() + 3600000).toISOString(),
      },
    });
    w.api.on('POST', /^\/v1\/staff\/links\/use$/, () => {
      w.signedIn = true;
      return { body: w.session() };
    });
    const app = await openConsole(w, '', '#link=first-admin-token-123');
    await waitUntil(() =>
      shadow(app).querySelector('newsroom-link-setup')?.shadowRoot?.querySelector('form'),
    );
    const setup = shadow(shadow(app).querySelector('newsroom-link-setup'));
    expect(setup.querySelector('h2')!.textContent).to.include('Set up the newsroom console');
    const set = (id: string, value: string) => {
      (setup.querySelector(`#${id}`) as HTMLInputElement).value = value;
    };
    set('email', 'chief@newsroom.example');
    set('name', 'Chen Jing');
    set('password', 'short');
    set('confirm', 'short');
    setup.querySelector('form')!.requestSubmit();
    await waitUntil(() =>
      setup.querySelector('[role="alert"]')?.textContent?.includes('at least 10'),
    );
    expect(w.api.find('POST', /\/links\/use/)).to.have.length(0);
    set('password', 'a long enough passphrase');
    set('confirm', 'a long enough passphrase');
    setup.querySelector('form')!.requestSubmit();
    await waitUntil(() => rows(app).length > 0, 'signed in');
    const used = w.api.find('POST', /\/links\/use/)[0];
    // The token travels in the body, never in a URL a log would keep.
    expect(used.path).to.equal('/v1/staff/links/use');
    expect(w.api.find('POST', /\/links\/info/)[0].body).to.deep.equal({
      token: 'first-admin-token-123',
    });
    expect(used.body).to.deep.equal({
      token: 'first-admin-token-123',
      password: 'a long enough passphrase',
      email: 'chief@newsroom.example',
      name: 'Chen Jing',
      locale: 'en',
    });
    expect(location.hash).to.equal('');
  });

  it('an expired link says so in Chinese and offers the sign-in', async () => {
    const w = new World({ signedIn: false });
    w.api.on('POST', /^\/v1\/staff\/links\/info$/, failure(410, 'link_invalid', 'Gone'));
    localStorage.setItem('newsroom-console:locale', 'zh-Hans');
    const app = await openConsole(w, '', '#link=expired-token-123');
    await waitUntil(() =>
      shadow(app).querySelector('newsroom-link-setup')?.shadowRoot?.querySelector('[role="alert"]'),
    );
    const setup = shadow(shadow(app).querySelector('newsroom-link-setup'));
    expect(setup.querySelector('[role="alert"]')!.textContent).to.include('此链接已失效');
    button(setup, '前往登录').click();
    await waitUntil(() => signInOf(app));
    expect(location.hash).to.equal('');
  });

  it('a session that ends mid-work asks to sign in again over the queue, keeping the typed reason', async () => {
    const w = new World({ items: 3 });
    const el = await openQueue(w);
    press('r');
    await waitUntil(() => detailOf(el)?.shadowRoot?.querySelector('fieldset'));
    const detail = shadow(detailOf(el));
    detail.querySelector<HTMLInputElement>('fieldset input[value="personal_data"]')!.click();
    const note = detail.querySelector('#note') as HTMLTextAreaElement;
    note.value = 'Phone number in the text';
    note.dispatchEvent(new Event('input'));
    await settle(detailOf(el)!);
    w.signedIn = false;
    detail.querySelector('fieldset')!.closest('form')!.requestSubmit();
    const dialog = () => shadow(el).querySelector('dialog.reauth') as HTMLDialogElement;
    await waitUntil(
      () => dialog().open && dialog().querySelector('newsroom-sign-in'),
      'asked again',
    );
    // Shortcuts wait while the dialog is open.
    const asked = w.api.requests.length;
    press('j');
    expect(w.api.requests.length).to.equal(asked);
    const form = dialog().querySelector('newsroom-sign-in')!;
    expect((shadow(form).querySelector('#email') as HTMLInputElement).value).to.equal(
      'wang@newsroom.example',
    );
    fillSignIn(form, 'wang@newsroom.example', 'correct horse battery');
    await waitUntil(() => !dialog().open, 'dialog closed');
    // Everything stayed: the row, the reason and the note; sending again works.
    expect(rows(el)).to.have.length(3);
    expect((detail.querySelector('#note') as HTMLTextAreaElement).value).to.equal(
      'Phone number in the text',
    );
    expect(detail.querySelector<HTMLInputElement>('input[value="personal_data"]')!.checked).to.be
      .true;
    detail.querySelector('fieldset')!.closest('form')!.requestSubmit();
    await waitUntil(() => rowText(rows(el)[0]).includes('Rejected by Wang Fang'));
  });

  it('changes the person’s name and password; a wrong current password is not an ended session', async () => {
    const w = new World();
    const el = await openQueue(w);
    button(shadow(el), 'Account…').click();
    await settle(el);
    button(shadow(el), 'Name and password').click();
    const account = shadow(el).querySelector('newsroom-account-dialog')!;
    const root = shadow(account);
    await waitUntil(() => root.querySelector('dialog')!.open);
    (root.querySelector('#name') as HTMLInputElement).value = 'Wang Fang (night desk)';
    root.querySelector('#name')!.closest('form')!.requestSubmit();
    await waitUntil(() => w.api.find('PATCH', /\/me$/).length === 1);
    expect(w.api.find('PATCH', /\/me$/)[0].body).to.deep.equal({ name: 'Wang Fang (night desk)' });
    await waitUntil(() => shadow(el).querySelector('header')!.textContent.includes('night desk'));
    w.api.on('PATCH', '/v1/staff/me', failure(401, 'unauthorized', 'Wrong password'));
    const set = (id: string, value: string) =>
      ((root.querySelector(`#${id}`) as HTMLInputElement).value = value);
    set('current-password', 'not it at all');
    set('new-password', 'a much longer passphrase');
    set('confirm-password', 'a much longer passphrase');
    root.querySelector('#new-password')!.closest('form')!.requestSubmit();
    await waitUntil(() => root.textContent.includes('The current password is not right.'));
    expect(w.api.find('PATCH', /\/me$/)[1].body).to.deep.equal({
      password: 'a much longer passphrase',
      currentPassword: 'not it at all',
    });
    // Still signed in: no sign-in dialog over the queue.
    expect((shadow(el).querySelector('dialog.reauth') as HTMLDialogElement).open).to.be.false;
  });

  it('signs out, and signs out everywhere', async () => {
    const w = new World();
    const el = await openQueue(w);
    button(shadow(el), 'Account…').click();
    await settle(el);
    button(shadow(el), 'Sign out everywhere').click();
    await waitUntil(() => signInOf(el));
    const sent = w.api.find('DELETE', /sessions$/)[0];
    expect(sent.path).to.equal('/v1/staff/sessions');
    expect(sent.headers['x-csrf-token']).to.equal('csrf-1');
  });
});
