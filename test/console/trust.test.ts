import { expect, waitUntil } from '@open-wc/testing';
import {
  button,
  cleanUp,
  detailOf,
  openConsole,
  openQueue,
  press,
  queueOf,
  rowText,
  rows,
  settle,
  shadow,
} from './support/console.js';
import type { NewsroomConsole } from '../../console/src/newsroom-console.js';
import { A_READER, CAMPAIGN, LI_MING, RULES, World, makeItem } from './support/world.js';

const STAFF = `/v1/campaigns/${CAMPAIGN}/staff`;
const decisions = (w: World) => w.api.find('POST', /\/decision$/);
const liveRegion = (el: Element) => shadow(el).querySelector('[aria-live="polite"]')!;

/** Opens the item under the cursor; its detail's shadow root. */
async function openDetail(el: NewsroomConsole) {
  press('o');
  await waitUntil(() => detailOf(el)?.shadowRoot, 'detail open');
  await settle(detailOf(el)!);
  return shadow(detailOf(el));
}

/** A world with three published quotes that readers reported (s2 hidden), and one not. */
function reportedWorld(options: ConstructorParameters<typeof World>[0] = {}) {
  const w = new World({ items: 6, ...options });
  for (const id of ['s2', 's4', 's5', 's6']) w.decideAs(LI_MING, id, 'approve');
  w.report('s2', 'spam');
  w.report('s2', 'illegal', 'An advert for a <b>hotpot</b> chain');
  w.report('s2', 'spam');
  w.report('s4', 'harassment');
  w.report('s6', 'personal_info');
  return w;
}

describe('newsroom console: trust and safety in the queue', () => {
  afterEach(cleanUp);

  it('a photo the reader kept for the newsroom: said in the row and the detail, never published', async () => {
    const w = new World({ items: 6 });
    // s3 and s6 have photos: s3 without the reader's permission, s6 with it.
    w.item('s3').photoPermission = false;
    const el = await openQueue(w);
    expect(rowText(rows(el)[2])).to.include('photo, newsroom only');
    expect(rowText(rows(el)[5])).to.include('photo, may be published');
    press('j');
    press('j');
    const detail = await openDetail(el);
    const reason = detail.querySelector('#photo-permission')!;
    expect(reason.textContent).to.include(
      'Newsroom only: the reader did not allow publishing this photo',
    );
    // Approving with the photo is offered but disabled, and says why.
    const withPhoto = button(detail, 'Approve with photo');
    expect(withPhoto.disabled).to.be.true;
    expect(withPhoto.getAttribute('aria-describedby')).to.equal('photo-permission');
    expect(button(detail, 'Approve words only').disabled).to.be.false;
    // `a` approves the words only.
    press('a');
    await waitUntil(() => decisions(w).length === 1);
    expect(decisions(w)[0].body).to.deep.equal({ action: 'approve', version: 1, withPhoto: false });
    // Published, the photo still cannot be: "Publish the photo" is disabled with the reason.
    await waitUntil(() => detail.textContent.includes('Words only: the photo is not published'));
    const publish = button(detail, 'Publish the photo');
    expect(publish.disabled).to.be.true;
    expect(publish.getAttribute('aria-describedby')).to.equal('photo-permission');
    expect(w.api.find('PATCH', /\/submissions\/s3$/)).to.have.length(0);
  });

  it('a photo the reader allowed says so, and approving sends it with the photo', async () => {
    const w = new World({ items: 3 });
    const el = await openQueue(w);
    press('j');
    press('j');
    const detail = await openDetail(el);
    expect(detail.querySelector('#photo-permission')!.textContent).to.include(
      'The reader allowed publishing this photo.',
    );
    button(detail, 'Approve with photo').click();
    await waitUntil(() => decisions(w).length === 1);
    expect(decisions(w)[0].body).to.deep.equal({ action: 'approve', version: 1, withPhoto: true });
  });

  it('shows each hold flag as a labelled chip with its reason, in the row and the detail', async () => {
    const w = new World({ items: 2 });
    w.item('s1').flags = [
      { code: 'word', detail: '坏词' },
      { code: 'link', detail: 'example.com' },
      { code: 'phone', detail: null },
      { code: 'email', detail: null },
      { code: 'repeat', detail: null },
      { code: 'external_hold', detail: 'possible fraud' },
      { code: 'external_flag', detail: 'advertising' },
      { code: 'external_error', detail: 'timeout' },
      { code: 'external_error', detail: 'bad_signature' },
    ];
    const expected = [
      'Word on the list: 坏词',
      'Link: example.com',
      'Phone number',
      'Email address in the message',
      'Sent again by the same client',
      'External check: hold — possible fraud',
      'External check: flagged — advertising',
      'External check failed: timeout',
      'External check failed: bad signature',
    ];
    const el = await openQueue(w);
    const chips = [...rows(el)[0].querySelectorAll('.chip')].map((c) => c.textContent.trim());
    expect(chips).to.deep.equal(expected);
    expect(rows(el)[1].querySelectorAll('.chip')).to.have.length(0);
    const detail = await openDetail(el);
    const list = detail.querySelector('ul.chips')!;
    expect(list.getAttribute('aria-label')).to.equal('Flags');
    expect([...list.querySelectorAll('li')].map((c) => c.textContent.trim())).to.deep.equal(
      expected,
    );
  });

  it('the flag filter offers the new flags with their labels and sends flag=word', async () => {
    const w = new World({ items: 5 });
    w.item('s2').flags = [{ code: 'word', detail: '坏词' }];
    w.item('s4').flags = [{ code: 'link', detail: 'example.com' }];
    const el = await openQueue(w);
    const q = queueOf(el);
    button(shadow(q), 'Filters').click();
    await settle(q);
    const flag = shadow(q).querySelector('#f-flag') as HTMLSelectElement;
    const options = new Map([...flag.options].map((o) => [o.value, o.textContent.trim()]));
    expect(options.get('word')).to.equal('Word on the list');
    expect(options.get('link')).to.equal('Link in the message');
    expect(options.get('phone')).to.equal('Phone number');
    expect(options.get('email')).to.equal('Email address in the message');
    expect(options.get('repeat')).to.equal('Sent again by the same client');
    expect(options.get('external')).to.equal('External check');
    expect(options.get('flagged')).to.equal('Any flag');
    expect(options.get('reported')).to.equal('Open reports');
    expect(options.get('hidden')).to.equal('Hidden from walls');
    expect(options.get('photo_private')).to.equal('Photo for the newsroom only');
    flag.value = 'word';
    flag.dispatchEvent(new Event('change'));
    await waitUntil(() => rows(el).length === 1, 'only the flagged item');
    const last = w.api.find('GET', /\/queue$/).at(-1)!.query;
    expect(last.get('flag')).to.equal('word');
    expect(last.get('status')).to.equal('pending');
    expect(new URL(location.href).searchParams.get('flag')).to.equal('word');
    expect(rowText(rows(el)[0])).to.include('Word on the list: 坏词');
  });

  it('the Reported tab lists only items with open reports, any status, with counts and reasons', async () => {
    const w = reportedWorld();
    // A restored one: reported before, no open report now.
    w.decideAs(LI_MING, 's1', 'approve');
    w.report('s1', 'spam');
    w.item('s1').reports!.open = 0;
    const el = await openQueue(w);
    const q = queueOf(el);
    const tab = shadow(q).querySelector('#tab-reported')!;
    await waitUntil(() => tab.textContent.includes('3'), 'the Reported count');
    expect(tab.textContent).to.include('Reported');
    (tab as HTMLButtonElement).click();
    await waitUntil(() => q.items.length === 3 && q.items[0].id === 's2', 'reported rows');
    expect(q.items.map((i) => i.id)).to.deep.equal(['s2', 's4', 's6']);
    const query = w.api.find('GET', /\/queue$/).at(-1)!.query;
    expect(query.get('flag')).to.equal('reported');
    expect(query.has('status')).to.be.false;
    expect(new URL(location.href).searchParams.get('status')).to.equal('reported');
    const first = rowText(rows(el)[0]);
    expect(first).to.include('Reports: 3 open of 3');
    expect(first).to.include('Illegal content ×1').and.include('Spam ×2');
    expect(first).to.include('Hidden from walls');
    expect(rowText(rows(el)[1])).to.include('Reports: 1 open of 1 · Harassment or hate ×1');
    expect(rowText(rows(el)[1])).not.to.include('Hidden from walls');
    // The status of each row shows, whatever it is.
    expect(rows(el)[0].querySelector('.badge.approved')).to.exist;
    // In this tab the flag is the tab's: the filter does not offer another.
    button(shadow(q), 'Filters').click();
    await settle(q);
    expect(shadow(q).querySelector('#f-flag')).to.be.null;
    // The detail lists each report: reason, the note as text, the time.
    const detail = await openDetail(el);
    const reports = [...detail.querySelectorAll('ol.reports li')].map((li) =>
      li.textContent.replace(/\s+/g, ' ').trim(),
    );
    expect(reports).to.have.length(3);
    expect(reports[1])
      .to.include('Illegal content')
      .and.include('An advert for a <b>hotpot</b> chain');
    expect(detail.querySelector('ol b')).to.be.null;
    expect(detail.querySelectorAll('ol.reports time')).to.have.length(3);
  });

  it('restore sends action restore with the version, closes the reports and takes the item out of the tab', async () => {
    const w = reportedWorld();
    const el = await openQueue(w, '?status=reported');
    const q = queueOf(el);
    await waitUntil(() => shadow(q).querySelector('#tab-reported')!.textContent.includes('3'));
    const version = w.item('s2').version;
    const detail = await openDetail(el);
    const restore = button(detail, 'Restore');
    expect(restore.getAttribute('aria-keyshortcuts')).to.equal('a');
    expect(detail.textContent).to.include('puts it back on the walls');
    restore.click();
    await waitUntil(() => decisions(w).length === 1);
    expect(decisions(w)[0].body).to.deep.equal({ action: 'restore', version });
    expect(decisions(w)[0].path).to.equal(`${STAFF}/submissions/s2/decision`);
    await waitUntil(() => shadow(q).querySelector('#tab-reported')!.textContent.includes('2'));
    await waitUntil(() => liveRegion(el).textContent.includes('Restored'));
    expect(w.item('s2').hidden).to.be.false;
    // The row stays marked where it was until the list is loaded again; then it is gone.
    expect(rows(el)[0].classList.contains('decided')).to.be.true;
    expect(rowText(rows(el)[0])).not.to.include('Hidden from walls');
    shadow(q).querySelector<HTMLButtonElement>('#tab-pending')!.click();
    await waitUntil(() => q.items[0]?.status === 'pending');
    shadow(q).querySelector<HTMLButtonElement>('#tab-reported')!.click();
    await waitUntil(
      () => q.items.every((i) => i.status === 'approved') && q.items.length === 2,
      'the restored item left the tab',
    );
    expect(q.items.map((i) => i.id)).to.deep.equal(['s4', 's6']);
    // `a` restores the item under the cursor.
    const s4 = w.item('s4').version;
    press('a');
    await waitUntil(() => decisions(w).length === 2);
    expect(decisions(w)[1].body).to.deep.equal({ action: 'restore', version: s4 });
    await waitUntil(() => shadow(q).querySelector('#tab-reported')!.textContent.includes('1'));
  });

  it('remove from the Reported tab takes the quote down and closes its reports', async () => {
    const w = reportedWorld();
    const el = await openQueue(w, '?status=reported');
    const q = queueOf(el);
    await waitUntil(() => shadow(q).querySelector('#tab-reported')!.textContent.includes('3'));
    press('r');
    await waitUntil(() => detailOf(el)?.shadowRoot?.querySelector('fieldset'));
    const detail = shadow(detailOf(el));
    expect(detail.querySelector('legend')!.textContent).to.include('Why remove it?');
    detail.querySelector<HTMLInputElement>('fieldset input[value="spam"]')!.click();
    await settle(detailOf(el)!);
    detail.querySelector('fieldset')!.closest('form')!.requestSubmit();
    await waitUntil(() => decisions(w).length === 1);
    expect(decisions(w)[0].body).to.include({ action: 'remove', reason: 'spam' });
    await waitUntil(() => shadow(q).querySelector('#tab-reported')!.textContent.includes('2'));
    expect(w.item('s2').status).to.equal('removed');
  });

  it('a live reported event updates the count and the row, and is announced', async () => {
    const w = reportedWorld();
    const el = await openQueue(w, '?status=reported');
    const q = queueOf(el);
    const tab = () => shadow(q).querySelector('#tab-reported')!.textContent;
    await waitUntil(() => tab().includes('3'));
    // A new one: s5 was never reported.
    w.api.emit('reported', w.report('s5', 'other'));
    await waitUntil(() => tab().includes('4'), 'the count goes up');
    await waitUntil(() => shadow(q).textContent.includes('1 new'), 'waits behind "1 new"');
    await waitUntil(() => liveRegion(el).textContent.includes('A reader reported a quote.'));
    // One on screen: its row follows.
    w.api.emit('reported', w.report('s4', 'spam', 'Same advert again'));
    await waitUntil(() => rowText(rows(el)[1]).includes('Reports: 2 open of 2'));
    await waitUntil(() => rowText(rows(el)[1]).includes('Spam ×1'));
    expect(tab()).to.include('4');
    await waitUntil(() => liveRegion(el).textContent.includes('A reader reported: '));
    expect(liveRegion(el).getAttribute('aria-live')).to.equal('polite');
  });

  it('the pending tab counts reported items too, from the same live stream', async () => {
    const w = reportedWorld();
    const el = await openQueue(w);
    const q = queueOf(el);
    const tab = () => shadow(q).querySelector('#tab-reported')!.textContent;
    await waitUntil(() => tab().includes('3'));
    w.api.emit('reported', w.report('s5', 'spam'));
    await waitUntil(() => tab().includes('4'));
    // Not in the Reported tab: no "new" button for it.
    expect(shadow(q).textContent).not.to.include('1 new');
  });

  it('post-moderation: a submission published at once counts in Approved, not as new pending', async () => {
    const w = new World({ items: 3 });
    const el = await openQueue(w);
    const q = queueOf(el);
    const count = (id: string) => shadow(q).querySelector(`#tab-${id} .count`)!.textContent;
    expect(count('approved')).to.equal('0');
    w.items.push(
      makeItem(4, {
        status: 'approved',
        decision: { actor: RULES, at: '', reason: null, note: null },
      }),
    );
    w.api.emit('received', { type: 'received', id: 's4', status: 'approved', at: '' });
    await waitUntil(() => count('approved') === '1', 'Approved counts it');
    expect(count('pending')).to.equal('3');
    expect(shadow(q).textContent).not.to.include('1 new');
  });

  it('names readers and the campaign rules as actors, and the new audit actions', async () => {
    const w = reportedWorld();
    w.logAs(A_READER, 'hide', 's2');
    w.logAs(RULES, 'approve', 's3');
    w.logAs(A_READER, 'withdraw', null);
    w.logAs(LI_MING, 'restore', 's4');
    w.logAs(LI_MING, 'safety_settings', null);
    w.decideAs(RULES, 's1', 'approve');
    const el = await openConsole(w, '?view=audit');
    await waitUntil(() => shadow(el).querySelector('newsroom-audit')?.shadowRoot);
    const audit = () => shadow(shadow(el).querySelector('newsroom-audit'));
    await waitUntil(() => audit().querySelectorAll('tbody tr').length > 5, 'audit rows');
    const body = audit().querySelector('tbody')!.textContent;
    expect(body).to.include('A reader').and.include('Campaign rules');
    expect(body).to.include('Hidden after reports').and.include('Withdrawn by the reader');
    expect(body).to.include('Restored after reports').and.include('Safety settings changed');
    const actor = audit().querySelector('#a-actor') as HTMLSelectElement;
    const options = new Map([...actor.options].map((o) => [o.value, o.textContent.trim()]));
    expect(options.get('reader')).to.equal('A reader');
    expect(options.get('rule')).to.equal('Campaign rules');
    const action = audit().querySelector('#a-action') as HTMLSelectElement;
    expect([...action.options].map((o) => o.value)).to.include.members([
      'hide',
      'restore',
      'withdraw',
      'safety_settings',
    ]);
    actor.value = 'reader';
    actor.dispatchEvent(new Event('change'));
    await waitUntil(
      () =>
        w.api
          .find('GET', /\/audit$/)
          .at(-1)!
          .query.get('actor') === 'reader',
    );
    const csv = audit().querySelector('a[download]')!.getAttribute('href')!;
    expect(new URL(csv, location.href).searchParams.get('actor')).to.equal('reader');
  });

  it('an item decided by the rules and hidden by readers says so in its row and history', async () => {
    const w = reportedWorld();
    w.decideAs(RULES, 's1', 'approve');
    w.logAs(A_READER, 'hide', 's2');
    const el = await openQueue(w, '?status=approved');
    expect(rowText(rows(el)[0])).to.include('Approved by Campaign rules');
    press('j');
    const detail = await openDetail(el);
    await waitUntil(() => detail.querySelector('ol.history li'));
    const history = [...detail.querySelectorAll('ol.history li')].map((li) => li.textContent);
    expect(history.some((t) => t.includes('Hidden after reports') && t.includes('by a reader'))).to
      .be.true;
  });
});

describe('newsroom console: trust and safety in Chinese', () => {
  afterEach(cleanUp);

  it('labels flags, reports, photo permission and actors in Chinese', async () => {
    const w = reportedWorld({ me: { locale: 'zh-Hans' } });
    w.item('s1').flags = [
      { code: 'word', detail: '坏词' },
      { code: 'external_error', detail: 'timeout' },
    ];
    w.item('s3').photoPermission = false;
    w.decideAs(RULES, 's3', 'approve');
    w.item('s3').photoPublished = false;
    w.report('s3', 'spam');
    const el = await openQueue(w);
    const q = queueOf(el);
    expect(rowText(rows(el)[0]))
      .to.include('命中词表：坏词')
      .and.include('外部检查失败：超时');
    const tab = shadow(q).querySelector<HTMLButtonElement>('#tab-reported')!;
    expect(tab.textContent).to.include('被举报');
    tab.click();
    await waitUntil(() => q.items.length === 4);
    const s3 = rows(el).find((r) => rowText(r).includes('#3'))!;
    expect(rowText(s3)).to.include('照片（仅供编辑部）');
    expect(rowText(s3)).to.include('活动规则');
    expect(rowText(rows(el)[0]))
      .to.include('举报：共 3 条，3 条待处理')
      .and.include('垃圾信息 ×2');
    expect(rowText(rows(el)[0])).to.include('已从留言墙隐藏');
    const detail = await openDetail(el);
    expect(button(detail, '恢复').getAttribute('aria-keyshortcuts')).to.equal('a');
    expect(detail.textContent).to.include('读者举报');
    press('j');
    await waitUntil(() => detail.textContent.includes('仅供编辑部：读者未同意发布这张照片'));
  });
});
