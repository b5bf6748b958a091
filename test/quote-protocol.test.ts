import { expect } from '@open-wc/testing';
import type { Quote } from '../src/api/wire.js';
import { QuoteRoom, etagOf, sseFrame } from './support/quote-protocol.js';

// The fake quote API's protocol, shared by the tests' HTTP endpoints and the stories.
const quote = (text: string): Omit<Quote, 'id'> => ({
  text,
  displayName: 'Reader',
  district: null,
  locale: 'en',
  approvedAt: '2026-12-01T08:00:00.000Z',
  photoId: null,
});

function roomOf(...texts: string[]) {
  const room = new QuoteRoom<Omit<Quote, 'id'> & { id?: string }>();
  for (const text of texts) room.add(quote(text));
  return room;
}

describe('quote protocol (the fake API core)', () => {
  it('catches up after an id with exactly the later events, in order', () => {
    const room = roomOf('one', 'two', 'three');
    room.edit('q2', { text: 'two, edited' });
    room.remove('q1');
    const after = room.after(2);
    expect(after.map((e) => [e.id, e.type])).to.deep.equal([
      [3, 'quote'],
      [4, 'quote'],
      [5, 'remove'],
    ]);
    expect(after.map((e) => e.data)).to.deep.include.members([{ id: 'q1' }]);
    expect((after[1].data as Quote).text).to.equal('two, edited');
    expect(room.after(5)).to.deep.equal([]);
    expect(room.after(0)).to.have.length(5);
  });

  it('resumes from Last-Event-ID, else ?lastEventId=, else now; refuses a bad header', () => {
    const room = roomOf('one', 'two');
    expect(room.resumeFrom('1', '0')).to.equal(1);
    expect(room.resumeFrom(null, '0')).to.equal(0);
    expect(room.resumeFrom(undefined, null)).to.equal(2);
    expect(room.resumeFrom('  ', null)).to.equal(2);
    expect(room.resumeFrom('1e3', null)).to.equal(null);
    expect(room.resumeFrom('-1', null)).to.equal(null);
  });

  it('takes a withdrawn quote off every page and emits a remove event', () => {
    const room = roomOf('one', 'two', 'three');
    const heard: unknown[] = [];
    room.subscribe((event) => heard.push(event));
    expect(room.remove('q2')).to.equal(true);
    expect(room.page().items.map((q) => q.id)).to.deep.equal(['q3', 'q1']);
    expect(room.page({ limit: 1, before: 3 }).items.map((q) => q.id)).to.deep.equal(['q1']);
    expect(heard).to.deep.equal([{ id: 4, type: 'remove', data: { id: 'q2' } }]);
    expect(room.page().lastEventId).to.equal(4);
    expect(room.has('q2')).to.equal(false);
    expect(room.remove('q2')).to.equal(false);
    expect(room.events).to.have.length(4);
  });

  it('pages newest first with a `before` cursor, at most 100 at a time', () => {
    const room = roomOf(...Array.from({ length: 105 }, (_, i) => `quote ${i + 1}`));
    const first = room.page({ limit: 2 });
    expect(first.items.map((q) => q.text)).to.deep.equal(['quote 105', 'quote 104']);
    expect(first.nextBefore).to.equal('104');
    const second = room.page({ limit: '2', before: first.nextBefore });
    expect(second.items.map((q) => q.text)).to.deep.equal(['quote 103', 'quote 102']);
    expect(room.page({ limit: 500 }).items).to.have.length(100);
    expect(room.page({ limit: 10, before: 3 })).to.deep.include({ nextBefore: null });
  });

  it('changes the ETag when the list changes, not otherwise; 304 for a matching tag', () => {
    const room = roomOf('one', 'two');
    const first = room.pageAnswer({}, 'en');
    expect(first.status).to.equal(200);
    expect(room.pageAnswer({}, 'en').etag).to.equal(first.etag);
    expect(room.pageAnswer({}, 'en', first.etag)).to.deep.equal({
      status: 304,
      etag: first.etag,
      body: null,
    });
    expect(room.pageAnswer({}, 'en', `"x", W/${first.etag}`).status).to.equal(304);
    room.add(quote('three'));
    const added = room.pageAnswer({}, 'en', first.etag);
    expect(added.status).to.equal(200);
    expect(added.etag).not.to.equal(first.etag);
    room.edit('q1', { text: 'one, edited' });
    const edited = room.pageAnswer({}, 'en');
    expect(edited.etag).not.to.equal(added.etag);
    expect(JSON.parse(edited.body!)).to.deep.equal(room.page());
    room.remove('q3');
    expect(room.pageAnswer({}, 'en').etag).not.to.equal(edited.etag);
    expect(etagOf('abc')).to.equal(etagOf('abc'));
    expect(etagOf('abc')).to.match(/^"[0-9a-f]{16}"$/);
    expect(etagOf('abc')).not.to.equal(etagOf('abd'));
  });

  it('localizes quotes per request, in pages and in events', () => {
    const room = new QuoteRoom<{ id?: string; n: number }>({
      localize: (q, locale) => ({ ...quote(`${locale} ${q.n}`), id: q.id, locale }),
    });
    room.add({ n: 1 });
    expect(room.page({}, 'zh-Hans').items[0].text).to.equal('zh-Hans 1');
    expect((room.after(0, 'en')[0].data as Quote).text).to.equal('en 1');
    expect(sseFrame(room.after(0, 'en')[0])).to.match(/^id: 1\nevent: quote\ndata: \{.*\}\n\n$/);
  });

  it('records reports and answers them as the reporting settings say', () => {
    const room = roomOf('one');
    expect(room.report('q1', '{"reason":"spam"}', 'en').status).to.equal(202);
    expect(room.report('q9', '{"reason":"spam"}', null).status).to.equal(404);
    room.setReporting({ answer: 'rate_limited' });
    expect(room.report('q1', 'not json', 'zh-Hans')).to.deep.include({
      status: 429,
      headers: { 'retry-after': '120' },
    });
    expect(room.reports.map((r) => [r.quoteId, r.body, r.locale])).to.deep.equal([
      ['q1', { reason: 'spam' }, 'en'],
      ['q9', { reason: 'spam' }, null],
      ['q1', null, 'zh-Hans'],
    ]);
    room.setReporting({ contact: 'none', optional: '1' });
    expect(room.campaign('demo', 'en')).to.deep.include({
      reportContact: null,
      reportsOptional: true,
    });
    room.setReporting({ contact: 'email' });
    expect(room.campaign('demo', 'zh-Hans').reportContact).to.deep.equal({
      kind: 'email',
      value: 'report@spirit.example.cn',
      label: '山城精神举报电话',
    });
  });
});
