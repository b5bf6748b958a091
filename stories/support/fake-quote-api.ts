// An in-browser stand-in for the campaign API's quotes and their live stream, so the
// quote wall's stories show every state without a server. Only URLs under
// https://quotes.example/<name> are answered; everything else goes to the network.
// The protocol (pages, events, catch-up, ETags, reports) is test/support/quote-protocol.ts,
// the one the tests' HTTP endpoints answer through.
import type { Locale, Quote } from '../../src/api/wire.js';
import { QuoteRoom, localeOf } from '../../test/support/quote-protocol.js';
import { answerFetch, json, never } from './fake-fetch.js';

const ORIGIN = 'https://quotes.example';

/** A quote as the fake wall keeps it: which sample and district, not their words. */
interface FakeQuote {
  id?: string;
  sample: number;
  district: number;
  approvedAt: string;
}

interface Wall {
  room: QuoteRoom<FakeQuote>;
  /** Every request fails as if the network were down. */
  down: boolean;
  /** The first page never arrives. */
  loading: boolean;
  /** The live stream opens, then drops and keeps trying to reconnect. */
  drops: boolean;
}

const walls = new Map<string, Wall>();

/** Districts as the API names them in each language (`?locale=`); some readers give none. */
const DISTRICTS: ([string, string, string] | null)[] = [
  ['yuzhong', 'Yuzhong', '渝中区'],
  ['jiangbei', 'Jiangbei', '江北区'],
  ['shapingba', 'Shapingba', '沙坪坝区'],
  null,
];

type Sample = Pick<Quote, 'text' | 'displayName' | 'locale'>;

/**
 * Quotes from readers about the campaign's themes, as a wall in each language would
 * hold them: mostly in its language, with a reader or two writing in the other.
 */
export const SAMPLES: Record<Locale, Sample[]> = {
  en: [
    {
      text: 'When the mountain fires came, neighbours carried water up the slopes on motorbikes. That is our city.',
      displayName: 'Chen Jing',
      locale: 'en',
    },
    {
      text: '红岩精神是山城人骨子里的坚韧。',
      displayName: '王磊',
      locale: 'zh-Hans',
    },
    {
      text: 'The Grand Theater lit up at night reminds me why I came back home after ten years away.',
      displayName: null,
      locale: 'en',
    },
    {
      text: 'Freight trains from Tuanjie Village tie Chongqing to the rest of the world.',
      displayName: 'Li Xue',
      locale: 'en',
    },
    {
      text: 'Open, warm and never afraid of hard work: that is the Spirit of Chongqing City for me.',
      displayName: 'Tom Zhou',
      locale: 'en',
    },
    {
      text: 'Bayu, the Three Gorges and Hongyan: the roots this city grows from.',
      displayName: null,
      locale: 'en',
    },
  ],
  'zh-Hans': [
    {
      text: '山火来的时候，邻居们骑着摩托车把水一趟趟运上山坡。这就是我们的城市。',
      displayName: '陈静',
      locale: 'zh-Hans',
    },
    {
      text: '红岩精神是山城人骨子里的坚韧。',
      displayName: '王磊',
      locale: 'zh-Hans',
    },
    {
      text: 'The Grand Theater lit up at night reminds me why I came back home after ten years away.',
      displayName: null,
      locale: 'en',
    },
    {
      text: '从团结村出发的班列，把重庆和世界连在一起。',
      displayName: '李雪',
      locale: 'zh-Hans',
    },
    {
      text: '开放、热情、不怕吃苦，这就是我心中的“重庆城市精神”。',
      displayName: '周涛',
      locale: 'zh-Hans',
    },
    {
      text: '巴渝文化、三峡文化、红岩文化，是这座城市的根。',
      displayName: null,
      locale: 'zh-Hans',
    },
  ],
};

/** The quote as the API answers a request in `locale`. */
function toWire(quote: FakeQuote & { id: string }, locale: Locale): Quote {
  const district = DISTRICTS[quote.district % DISTRICTS.length];
  return {
    ...SAMPLES[locale][quote.sample % SAMPLES[locale].length],
    id: quote.id,
    photoId: null,
    district: district && {
      id: district[0],
      name: locale === 'zh-Hans' ? district[2] : district[1],
    },
    approvedAt: quote.approvedAt,
  };
}

/**
 * Creates (or resets: its old streams hear no more) a fake wall and returns its API base
 * URL. `count` quotes from the samples, the newest approved a minute ago, one more every
 * few minutes before.
 */
export function fakeQuoteApi(
  name: string,
  count: number,
  options: { down?: boolean; loading?: boolean; drops?: boolean } = {},
) {
  install();
  const room = new QuoteRoom<FakeQuote>({ localize: toWire });
  for (let i = count; i--;) {
    const approvedAt = new Date(Date.now() - 60_000 - i * 7 * 60_000).toISOString();
    room.add({ id: `${name}-${room.seq + 1}`, sample: i, district: i, approvedAt });
  }
  walls.set(name, {
    room,
    down: !!options.down,
    loading: !!options.loading,
    drops: !!options.drops,
  });
  return `${ORIGIN}/${name}`;
}

/** Approves one more quote on a fake wall: its live stream carries it. */
export function approve(name: string, sample = Math.floor(Math.random() * SAMPLES.en.length)) {
  const room = walls.get(name)?.room;
  const seq = (room?.seq ?? 0) + 1;
  room?.add({ id: `${name}-${seq}`, sample, district: seq, approvedAt: new Date().toISOString() });
}

function wallOf(url: URL) {
  return walls.get(url.pathname.split('/')[1] ?? '');
}

class FakeEventSource extends EventTarget {
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  #unsubscribe?: () => void;

  constructor(readonly url: string) {
    super();
    const at = new URL(url);
    const locale = localeOf(at.searchParams.get('locale'));
    setTimeout(() => {
      const wall = wallOf(at);
      if (this.readyState === this.CLOSED) return;
      if (!wall || wall.down) {
        this.readyState = this.CLOSED;
        this.onerror?.(new Event('error'));
        return;
      }
      this.readyState = this.OPEN;
      this.onopen?.(new Event('open'));
      // Catch up after the page's event id, then every event as it comes.
      const from = wall.room.resumeFrom(null, at.searchParams.get('lastEventId'))!;
      for (const event of wall.room.after(from, locale)) this.send(event);
      this.#unsubscribe = wall.room.subscribe((event) => this.send(wall.room.view(event, locale)));
      if (wall.drops) {
        setTimeout(() => {
          // As a browser does when a stream breaks: error, then try again later.
          this.readyState = this.CONNECTING;
          this.onerror?.(new Event('error'));
        }, 200);
      }
    }, 50);
  }

  send(event: { id: number; type: string; data: unknown }) {
    this.dispatchEvent(
      new MessageEvent(event.type, {
        data: JSON.stringify(event.data),
        lastEventId: String(event.id),
      }),
    );
  }

  close() {
    this.readyState = this.CLOSED;
    this.#unsubscribe?.();
  }
}

let installed = false;

function install() {
  if (installed) return;
  installed = true;
  const RealEventSource = window.EventSource;
  answerFetch(ORIGIN, async (url, init) => {
    const wall = wallOf(url);
    if (wall?.loading) return never(init?.signal);
    await new Promise((resolve) => setTimeout(resolve, 150));
    if (init?.signal?.aborted) throw new DOMException('Aborted', 'AbortError');
    if (!wall || wall.down) throw new TypeError('Failed to fetch');
    const locale = localeOf(url.searchParams.get('locale'));
    const campaign = /^\/[^/]+\/v1\/campaigns\/([^/]+)$/.exec(url.pathname);
    if (campaign) return json(200, wall.room.campaign(decodeURIComponent(campaign[1]), locale));
    const report = /\/quotes\/([^/]+)\/reports$/.exec(url.pathname);
    if (report && init?.method === 'POST') {
      const answer = wall.room.report(
        decodeURIComponent(report[1]),
        `${init.body as string}`,
        locale,
      );
      if (answer.drop) throw new TypeError('Failed to fetch');
      await new Promise((resolve) => setTimeout(resolve, answer.delay ?? 0));
      return json(answer.status, answer.body, answer.headers);
    }
    const query = { limit: url.searchParams.get('limit'), before: url.searchParams.get('before') };
    const tag = new Headers(init?.headers).get('if-none-match');
    const page = wall.room.pageAnswer(query, locale, tag);
    return new Response(page.body, {
      status: page.status,
      headers: { 'content-type': 'application/json', etag: page.etag },
    });
  });
  window.EventSource = function (url: string | URL, init?: EventSourceInit) {
    return String(url).startsWith(ORIGIN)
      ? new FakeEventSource(String(url))
      : new RealEventSource(url, init);
  } as unknown as typeof EventSource;
}
