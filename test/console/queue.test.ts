import { expect, waitUntil } from '@open-wc/testing';
import { failure } from './support/fake-api.js';
import {
  button,
  cleanUp,
  detailOf,
  focused,
  hasButton,
  openQueue,
  press,
  queueOf,
  rowText,
  rows,
  settle,
  shadow,
  time,
} from './support/console.js';
import { CAMPAIGN, LI_MING, World, makeItem } from './support/world.js';

const STAFF = `/v1/campaigns/${CAMPAIGN}/staff`;
const decisions = (w: World) => w.api.find('POST', /\/decision$/);

describe('newsroom console: the queue', () => {
  afterEach(cleanUp);

  it('shows a dense row per item: excerpt, name or anonymous, district, language, time, photo, site', async () => {
    const w = new World({ items: 5 });
    const el = await openQueue(w);
    const list = rows(el);
    expect(list).to.have.length(5);
    // s3: Chinese, a photo, partner.example; s4: anonymous, English, news.example.
    expect(rowText(list[2])).to.include('读者3').and.include('Chinese').and.include('photo');
    expect(rowText(list[2])).to.include('partner.example').and.include('Yuzhong');
    expect(rowText(list[3])).to.include('Anonymous').and.include('English');
    expect(rowText(list[3])).to.include('news.example').and.not.include('photo');
    expect(list[2].querySelector('.excerpt')!.getAttribute('lang')).to.equal('zh-Hans');
    // The tabs carry the counts, and the queue was asked oldest first.
    const tab = shadow(queueOf(el)).querySelector('#tab-pending')!;
    expect(tab.textContent).to.include('5');
    const query = w.api.find('GET', /\/queue$/)[0].query;
    expect(query.get('status')).to.equal('pending');
    expect(query.get('order')).to.equal('oldest');
    expect(w.api.find('GET', /\/queue$/)[0].credentials).to.equal('same-origin');
  });

  it('j and k move the cursor and focus, x selects, shortcuts are off while typing', async () => {
    const w = new World({ items: 4 });
    const el = await openQueue(w);
    const q = queueOf(el);
    press('j');
    await settle(q);
    expect(rows(el)[1].classList.contains('cursor')).to.be.true;
    expect(rows(el)[1].contains(focused())).to.be.true;
    press('j');
    press('k');
    await settle(q);
    expect(rows(el)[1].classList.contains('cursor')).to.be.true;
    press('x');
    await settle(q);
    const box = rows(el)[1].querySelector('input[type="checkbox"]') as HTMLInputElement;
    expect(box.checked).to.be.true;
    // Typing "j" in the search box types; the cursor stays.
    const search = shadow(q).querySelector('#q') as HTMLInputElement;
    search.focus();
    press('j', search);
    await settle(q);
    expect(rows(el)[1].classList.contains('cursor')).to.be.true;
    // The grid has a single tab stop: the cursor row's control.
    const stops = shadow(q).querySelectorAll('[role="grid"] [tabindex="0"]');
    expect(stops).to.have.length(1);
    expect(rows(el)[1].contains(stops[0])).to.be.true;
  });

  it('a approves the item under the cursor with its version, and the row shows the outcome in place', async () => {
    const w = new World({ items: 3 });
    w.item('s2').version = 7;
    const el = await openQueue(w);
    press('j');
    await settle(queueOf(el));
    press('a');
    await waitUntil(() => decisions(w).length === 1, 'a decision was sent');
    const sent = decisions(w)[0];
    expect(sent.path).to.equal(`${STAFF}/submissions/s2/decision`);
    expect(sent.body).to.include({ action: 'approve', version: 7 });
    expect(sent.headers['x-csrf-token']).to.equal('csrf-1');
    await waitUntil(() => rowText(rows(el)[1]).includes('Approved by Wang Fang'));
    // Still there, in the same place, marked; the counts moved.
    expect(rows(el)).to.have.length(3);
    expect(rows(el)[1].classList.contains('decided')).to.be.true;
    const tabs = shadow(queueOf(el));
    expect(tabs.querySelector('#tab-pending')!.textContent).to.include('2');
    expect(tabs.querySelector('#tab-approved')!.textContent).to.include('1');
    // Announced politely.
    await waitUntil(() =>
      shadow(el).querySelector('[aria-live="polite"]')!.textContent.includes('Approved by'),
    );
  });

  it('counts a decision once when its own live event arrives before the answer', async () => {
    const w = new World({ items: 3 });
    const el = await openQueue(w);
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    w.api.on('POST', /\/decision$/, async () => {
      const item = w.decideAs({ kind: 'staff', id: w.me.id, name: w.me.name }, 's1', 'approve');
      w.api.emit('changed', {
        type: 'changed',
        id: 's1',
        status: 'approved',
        version: item.version,
        actor: item.decision!.actor,
        action: 'approve',
        at: item.decision!.at,
      });
      await held;
      return { body: item };
    });
    press('a');
    const tab = (id: string) => shadow(queueOf(el)).querySelector(`#tab-${id}`)!.textContent;
    await waitUntil(() => tab('approved').includes('1'), 'the event counted');
    answer();
    await waitUntil(() => rowText(rows(el)[0]).includes('Approved by Wang Fang'));
    await settle(queueOf(el));
    expect(tab('pending')).to.include('2');
    expect(tab('approved')).to.include('1').and.not.include('2');
  });

  it('r opens the reason list with focus in it, and the rejection carries the reason and note', async () => {
    const w = new World({ items: 3 });
    const el = await openQueue(w);
    press('r');
    await waitUntil(() => detailOf(el)?.shadowRoot?.querySelector('fieldset'), 'reasons shown');
    const detail = shadow(detailOf(el));
    const radios = [...detail.querySelectorAll<HTMLInputElement>('fieldset input[type="radio"]')];
    expect(radios).to.have.length(7);
    expect(focused()).to.equal(radios[0]);
    // A letter pressed in the reason list decides nothing.
    press('a', radios[0]);
    await settle(queueOf(el));
    expect(decisions(w)).to.have.length(0);
    // Each reason in both languages.
    expect(detail.querySelector('fieldset')!.textContent)
      .to.include('Spam')
      .and.include('垃圾信息');
    radios[3].click();
    const note = detail.querySelector('#note') as HTMLTextAreaElement;
    note.value = 'Same link as yesterday';
    note.dispatchEvent(new Event('input'));
    await settle(detailOf(el)!);
    detail.querySelector('fieldset')!.closest('form')!.requestSubmit();
    await waitUntil(() => decisions(w).length === 1);
    expect(decisions(w)[0].body).to.deep.equal({
      action: 'reject',
      version: 1,
      reason: 'spam',
      note: 'Same link as yesterday',
    });
    await waitUntil(() => rowText(rows(el)[0]).includes('Rejected by Wang Fang'));
    expect(rowText(rows(el)[0])).to.include('Spam');
  });

  it('a 409 stale says who decided first and when, shows the current state, and the next try sends the new version', async () => {
    const w = new World({ items: 3 });
    const el = await openQueue(w);
    // 李明 approves s1 on another console; this one has not heard yet.
    press('o');
    await waitUntil(() => detailOf(el)?.shadowRoot, 'detail open');
    const current = w.decideAs(LI_MING, 's1', 'approve');
    press('a');
    await waitUntil(() => rowText(rows(el)[0]).includes('Already approved by 李明'));
    expect(rowText(rows(el)[0])).to.include(
      `Already approved by 李明 at ${time(current.decision!.at)}`,
    );
    expect(rowText(rows(el)[0])).to.include('Approved');
    const detail = shadow(detailOf(el));
    expect(detail.textContent).to.include('Already approved by 李明');
    // The item is approved now: its buttons are the approved ones, with the new version.
    button(detail, 'Remove').click();
    await settle(detailOf(el)!);
    detail.querySelector<HTMLInputElement>('fieldset input[value="duplicate"]')!.click();
    await settle(detailOf(el)!);
    detail.querySelector('fieldset')!.closest('form')!.requestSubmit();
    await waitUntil(() => decisions(w).length === 2);
    expect(decisions(w)[1].body).to.include({ action: 'remove', version: 2, reason: 'duplicate' });
  });

  it('a received event raises the "N new" count without adding rows until pressed', async () => {
    const w = new World({ items: 3 });
    const el = await openQueue(w);
    const before = w.api.find('GET', /\/queue$/).length;
    for (const id of ['s4', 's5']) {
      w.items.push(makeItem(Number(id.slice(1))));
      w.api.emit('received', {
        type: 'received',
        id,
        status: 'pending',
        at: new Date().toISOString(),
      });
    }
    const q = queueOf(el);
    await waitUntil(() => shadow(q).textContent.includes('2 new'));
    expect(rows(el)).to.have.length(3);
    expect(w.api.find('GET', /\/queue$/).length).to.equal(before);
    expect(shadow(q).querySelector('#tab-pending')!.textContent).to.include('5');
    button(shadow(q), '2 new').click();
    await waitUntil(() => rows(el).length === 5, 'new rows after pressing');
    expect(shadow(q).textContent).not.to.include('2 new');
  });

  it('oldest first, "N new" reloads the page the moderator is on rather than jumping back', async () => {
    const w = new World({ items: 60 });
    const el = await openQueue(w);
    const q = queueOf(el);
    button(shadow(q), 'Next page').click();
    await waitUntil(() => q.items[0]?.id === 's51');
    w.items.push(makeItem(61));
    w.api.emit('received', {
      type: 'received',
      id: 's61',
      status: 'pending',
      at: new Date().toISOString(),
    });
    await waitUntil(() => shadow(q).textContent.includes('1 new'));
    button(shadow(q), '1 new').click();
    await waitUntil(() => rows(el).length === 11, 'page 2 with the new one at its end');
    expect(
      w.api
        .find('GET', /\/queue$/)
        .at(-1)!
        .query.get('after'),
    ).to.equal('s50');
    expect(q.items.at(-1)!.id).to.equal('s61');
  });

  it('a changed event updates the row in place, and its buttons then send the new version', async () => {
    const w = new World({ items: 3 });
    const el = await openQueue(w);
    const current = w.decideAs(LI_MING, 's2', 'reject', 'off_topic');
    w.api.emit('changed', {
      type: 'changed',
      id: 's2',
      status: 'rejected',
      version: current.version,
      actor: LI_MING,
      action: 'reject',
      at: current.decision!.at,
    });
    await waitUntil(() => rowText(rows(el)[1]).includes('Rejected by 李明'));
    expect(rows(el)).to.have.length(3);
    // The reason arrives with the refreshed item.
    await waitUntil(() => rowText(rows(el)[1]).includes('Off topic'));
    press('j');
    press('o');
    await waitUntil(() => detailOf(el)?.shadowRoot, 'detail open');
    await settle(detailOf(el)!);
    button(shadow(detailOf(el)), 'Reopen').click();
    await waitUntil(() => decisions(w).length === 1);
    expect(decisions(w)[0].body).to.deep.equal({ action: 'reopen', version: 2 });
  });

  it('a deleted event strikes the row out and takes it out of the selection', async () => {
    const w = new World({ items: 3 });
    const el = await openQueue(w);
    press('x');
    await settle(queueOf(el));
    w.api.emit('deleted', {
      type: 'deleted',
      id: 's1',
      actor: LI_MING,
      at: new Date().toISOString(),
    });
    await waitUntil(() => rows(el)[0].classList.contains('gone'));
    expect(rowText(rows(el)[0])).to.include('Deleted');
    const box = rows(el)[0].querySelector('input[type="checkbox"]') as HTMLInputElement;
    expect(box.checked).to.be.false;
    expect(box.disabled).to.be.true;
    expect(shadow(queueOf(el)).querySelector('#tab-pending')!.textContent).to.include('2');
    press('a');
    await settle(queueOf(el));
    expect(decisions(w)).to.have.length(0);
  });

  it('reloads the counts when the live stream reconnects', async () => {
    const w = new World({ items: 3 });
    const el = await openQueue(w);
    const asked = () => w.api.find('GET', /\/queue$/).length;
    const before = asked();
    w.items.push(makeItem(4), makeItem(5));
    w.api.open()[0].fail();
    await settle(queueOf(el));
    expect(shadow(queueOf(el)).textContent).to.include('Reconnecting');
    w.api.sources[0].open();
    await waitUntil(() => asked() === before + 1, 'counts reloaded');
    await waitUntil(() =>
      shadow(queueOf(el)).querySelector('#tab-pending')!.textContent.includes('5'),
    );
    expect(rows(el)).to.have.length(3);
  });

  it('approves many at once in one bulk request and reports per-item results', async () => {
    const w = new World({ items: 6 });
    const el = await openQueue(w);
    const q = queueOf(el);
    // Click s1, shift-click s3: s1–s3; x adds s5 (moved there by j).
    const box = (i: number) =>
      rows(el)[i].querySelector('input[type="checkbox"]') as HTMLInputElement;
    box(0).click();
    box(2).dispatchEvent(new MouseEvent('click', { bubbles: true, shiftKey: true }));
    await settle(q);
    expect([0, 1, 2].map((i) => box(i).checked)).to.deep.equal([true, true, true]);
    press('j');
    press('j');
    await settle(q);
    press('x');
    await settle(q);
    expect(box(4).checked).to.be.true;
    // 李明 approved s2 meanwhile.
    w.decideAs(LI_MING, 's2', 'approve');
    const bar = shadow(shadow(q).querySelector('newsroom-bulk-bar'));
    expect(bar.textContent).to.include('4 selected');
    button(bar, 'Approve selected').click();
    await waitUntil(() => w.api.find('POST', /\/bulk$/).length === 1);
    expect(decisions(w)).to.have.length(0);
    const sent = w.api.find('POST', /\/bulk$/)[0].body;
    expect(sent.action).to.equal('approve');
    expect(sent.items).to.deep.equal([
      { id: 's1', version: 1 },
      { id: 's2', version: 1 },
      { id: 's3', version: 1 },
      { id: 's5', version: 1 },
    ]);
    const live = shadow(el).querySelector('[aria-live="polite"]')!;
    await waitUntil(() => live.textContent.includes('3 approved, 1 already decided by others'));
    expect(rowText(rows(el)[1])).to.include('Already approved by 李明');
    expect(rowText(rows(el)[4])).to.include('Approved by Wang Fang');
    expect(rows(el)).to.have.length(6);
  });

  it('filters write the URL and the query, and a reload reads them back', async () => {
    const w = new World({ items: 8 });
    const el = await openQueue(w);
    const q = queueOf(el);
    button(shadow(q), 'Filters').click();
    await settle(q);
    const photo = shadow(q).querySelector('#f-photo') as HTMLSelectElement;
    photo.value = 'yes';
    photo.dispatchEvent(new Event('change'));
    const search = shadow(q).querySelector('#q') as HTMLInputElement;
    search.value = 'hotpot';
    search.dispatchEvent(new Event('input'));
    await waitUntil(() => new URL(location.href).searchParams.get('q') === 'hotpot');
    const url = new URL(location.href).searchParams;
    expect(url.get('photo')).to.equal('yes');
    const last = w.api.find('GET', /\/queue$/).at(-1)!.query;
    expect(last.get('q')).to.equal('hotpot');
    expect(last.get('photo')).to.equal('yes');
    // The approved tab is a URL too.
    shadow(q).querySelector<HTMLButtonElement>('#tab-approved')!.click();
    await waitUntil(() => new URL(location.href).searchParams.get('status') === 'approved');
    expect(
      w.api
        .find('GET', /\/queue$/)
        .at(-1)!
        .query.get('status'),
    ).to.equal('approved');
    // A shared link opens the same view.
    await cleanUp();
    const w2 = new World({ items: 8 });
    const again = await openQueue(w2, '?status=pending&q=climb&photo=no&locale=en');
    const query = w2.api.find('GET', /\/queue$/)[0].query;
    expect([query.get('q'), query.get('photo'), query.get('locale')]).to.deep.equal([
      'climb',
      'no',
      'en',
    ]);
    expect(rows(again)).to.have.length(2);
    expect((shadow(queueOf(again)).querySelector('#q') as HTMLInputElement).value).to.equal(
      'climb',
    );
  });

  it('a viewer sees no decision buttons or checkboxes, shortcuts decide nothing, and a 403 is still explained', async () => {
    const w = new World({ items: 3, me: { role: 'viewer' } });
    const el = await openQueue(w);
    const q = queueOf(el);
    expect(shadow(q).querySelectorAll('input[type="checkbox"]')).to.have.length(0);
    expect(shadow(q).querySelector('newsroom-bulk-bar')).to.be.null;
    press('o');
    await waitUntil(() => detailOf(el)?.shadowRoot, 'detail open');
    await settle(detailOf(el)!);
    const detail = shadow(detailOf(el));
    expect([...detail.querySelectorAll('button')].map((b) => b.textContent)).not.to.satisfy(
      (texts: string[]) => texts.some((t) => /Approve|Reject/.test(t)),
    );
    expect(detail.textContent).to.include('can read the queue but not decide');
    press('a');
    press('r');
    await settle(q);
    expect(decisions(w)).to.have.length(0);
    // The server is the judge: a moderator whose role was lowered meanwhile gets 403.
    await cleanUp();
    const w2 = new World({ items: 3 });
    const el2 = await openQueue(w2);
    w2.api.on('POST', /\/decision$/, failure(403, 'forbidden', 'Viewers cannot decide'));
    press('a');
    await waitUntil(() => rowText(rows(el2)[0]).includes('Your role does not allow this'));
  });

  it('keeps at most 50 rows while paging through 1,000 items', async () => {
    const w = new World({ items: 1000 });
    for (const item of w.items) item.publishPermission = true;
    const el = await openQueue(w);
    const q = queueOf(el);
    let seen = rows(el).length;
    expect(seen).to.equal(50);
    for (let page = 2; page <= 20; page++) {
      // Decide one on each page: decided rows stay until the next page.
      press('a');
      await waitUntil(() => rowText(rows(el)[0]).includes('Approved by'));
      button(shadow(q), 'Next page').click();
      await waitUntil(() => q.items[0]?.id === `s${(page - 1) * 50 + 1}`, `page ${page}`);
      await settle(q);
      expect(rows(el).length).to.be.at.most(50);
      seen += rows(el).length;
    }
    expect(seen).to.equal(1000);
    expect(shadow(q).querySelectorAll('[role="row"]').length).to.equal(50);
    const last = w.api.find('GET', /\/queue$/).at(-1)!.query;
    expect(last.get('after')).to.equal('s950');
    expect(last.get('limit')).to.equal('50');
    expect(button(shadow(q), 'Next page').disabled).to.be.true;
  });

  it('offers approving the words only for an item with a photo, and saves its alt text', async () => {
    const w = new World({ items: 3 });
    const el = await openQueue(w);
    press('j');
    press('j');
    press('o');
    await waitUntil(() => detailOf(el)?.shadowRoot, 'detail open');
    await settle(detailOf(el)!);
    const detail = shadow(detailOf(el));
    expect(detail.querySelector('img')!.getAttribute('src')).to.equal(
      `${STAFF}/submissions/s3/photo?width=640`,
    );
    const alt = detail.querySelector('#alt') as HTMLTextAreaElement;
    alt.value = 'A steep stairway between old houses, lit by lanterns';
    alt.dispatchEvent(new Event('input'));
    await settle(detailOf(el)!);
    button(detail, 'Save alt text').click();
    await waitUntil(() => w.api.find('PATCH', /\/submissions\/s3$/).length === 1);
    expect(w.api.find('PATCH', /\/submissions\/s3$/)[0].body).to.deep.equal({
      version: 1,
      photoAlt: 'A steep stairway between old houses, lit by lanterns',
    });
    await waitUntil(() => detail.textContent.includes('Alt text saved'));
    button(detail, 'Approve words only').click();
    await waitUntil(() => decisions(w).length === 1);
    expect(decisions(w)[0].body).to.deep.equal({ action: 'approve', version: 2, withPhoto: false });
  });

  it('offers no approval when the reader did not allow publishing', async () => {
    const w = new World({ items: 3 });
    w.item('s2').publishPermission = false;
    const el = await openQueue(w);
    press('j');
    press('o');
    await waitUntil(() => detailOf(el)?.shadowRoot, 'detail open');
    await settle(detailOf(el)!);
    const detail = shadow(detailOf(el));
    expect([...detail.querySelectorAll('button')].some((b) => /Approve/.test(b.textContent))).to.be
      .false;
    expect(detail.textContent).to.include('did not allow publishing');
    expect(hasButton(detail, 'Reject')).to.be.true;
    press('a');
    await settle(queueOf(el));
    expect(decisions(w)).to.have.length(0);
  });

  it('f features an approved quote; the history lists each decision with an undo', async () => {
    const w = new World({ items: 2 });
    w.decideAs(LI_MING, 's1', 'approve');
    const el = await openQueue(w, '?status=approved');
    press('o');
    await waitUntil(() => detailOf(el)?.shadowRoot, 'detail open');
    press('f');
    await waitUntil(() => w.api.find('PATCH', /\/submissions\/s1$/).length === 1);
    expect(w.api.find('PATCH', /\/submissions\/s1$/)[0].body).to.deep.equal({
      version: 2,
      featured: true,
    });
    const detail = () => shadow(detailOf(el));
    await waitUntil(
      () => detail().textContent.includes('History') && detail().querySelector('ol.history li'),
    );
    const entry = detail().querySelector('ol.history li')!;
    expect(entry.textContent).to.include('Approved').and.include('李明');
    button(entry, 'Undo').click();
    await waitUntil(() => w.api.find('POST', /\/audit\/a1\/undo$/).length === 1);
    await waitUntil(() => rowText(rows(el)[0]).includes('Removed'));
  });

  it('closes its live connection when removed', async () => {
    const w = new World({ items: 2 });
    const el = await openQueue(w);
    const source = w.api.open()[0];
    expect(new URL(source.url, location.href).pathname).to.equal(`${STAFF}/events`);
    expect(source.withCredentials).to.be.true;
    el.remove();
    expect(source.readyState).to.equal(2);
  });

  it('offline: says so and retries, keeping the typed reason', async () => {
    const w = new World({ items: 2 });
    const el = await openQueue(w);
    let down = true;
    const original = w.api;
    original.on('POST', /\/decision$/, () => (down ? 'network' : failure(500, 'internal')));
    press('r');
    await waitUntil(() => detailOf(el)?.shadowRoot?.querySelector('fieldset'));
    const detail = shadow(detailOf(el));
    detail.querySelector<HTMLInputElement>('fieldset input[value="abusive"]')!.click();
    const note = detail.querySelector('#note') as HTMLTextAreaElement;
    note.value = 'Insults a named person';
    note.dispatchEvent(new Event('input'));
    await settle(detailOf(el)!);
    detail.querySelector('fieldset')!.closest('form')!.requestSubmit();
    await waitUntil(() => shadow(el).textContent.includes('Offline'), 'offline banner');
    await waitUntil(() => decisions(w).length >= 2, 'retried');
    expect((detail.querySelector('#note') as HTMLTextAreaElement).value).to.equal(
      'Insults a named person',
    );
    // The connection returns; the retry lands (the fake now decides for real).
    down = false;
    original.on('POST', /\/decision$/, (r) => {
      const item = w.item(r.path.split('/').at(-2)!);
      Object.assign(item, { status: 'rejected', version: item.version + 1 });
      item.decision = {
        actor: { kind: 'staff', id: w.me.id, name: w.me.name },
        at: new Date().toISOString(),
        reason: r.body.reason,
        note: r.body.note,
      };
      return { body: item };
    });
    await waitUntil(() => rowText(rows(el)[0]).includes('Rejected by Wang Fang'));
    expect(shadow(el).textContent).not.to.include('Offline');
  });
});
