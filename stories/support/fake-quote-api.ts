// An in-browser stand-in for the campaign API's quotes and their live stream, so the
// quote wall's stories show every state without a server. Only URLs under
// https://quotes.example/<name> are answered; everything else goes to the network.
import type { Locale, Quote, QuotePage } from '../../src/api/wire.js';
import { answerFetch, json, never } from './fake-fetch.js';

const ORIGIN = 'https://quotes.example';

/** A quote as the fake wall keeps it: which sample and district, not their words. */
interface FakeQuote {
  seq: number;
  sample: number;
  district: number;
  approvedAt: string;
}

interface Wall {
  name: string;
  quotes: FakeQuote[];
  seq: number;
  /** Every request fails as if the network were down. */
  down: boolean;
  /** The first page never arrives. */
  loading: boolean;
  /** The live stream opens, then drops and keeps trying to reconnect. */
  drops: boolean;
  streams: Set<FakeEventSource>;
}

const walls = new Map<string, Wall>();

/** Districts as the API names them in each language (`?locale=`); some readers give none. */
const DISTRICTS: ([string, string, string] | null)[] = [
  ['yuzhong', 'Yuzhong', '渝中区'],
  ['jiangbei', 'Jiangbei', '江北区'],
  ['shapingba', 'Shapingba', '沙坪坝区'],
  null,
];

type Sample = Pick<Quote, 'text' | 'displayName' | 'locale' | 'photoId'>;

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
      photoId: null,
    },
    {
      text: '红岩精神是山城人骨子里的坚韧。',
      displayName: '王磊',
      locale: 'zh-Hans',
      photoId: null,
    },
    {
      text: 'The Grand Theater lit up at night reminds me why I came back home after ten years away.',
      displayName: null,
      locale: 'en',
      photoId: null,
    },
    {
      text: 'Freight trains from Tuanjie Village tie Chongqing to the rest of the world.',
      displayName: 'Li Xue',
      locale: 'en',
      photoId: null,
    },
    {
      text: 'Open, warm and never afraid of hard work: that is the Spirit of Chongqing City for me.',
      displayName: 'Tom Zhou',
      locale: 'en',
      photoId: null,
    },
    {
      text: 'Bayu, the Three Gorges and Hongyan: the roots this city grows from.',
      displayName: null,
      locale: 'en',
      photoId: null,
    },
  ],
  'zh-Hans': [
    {
      text: '山火来的时候，邻居们骑着摩托车把水一趟趟运上山坡。这就是我们的城市。',
      displayName: '陈静',
      locale: 'zh-Hans',
      photoId: null,
    },
    {
      text: '红岩精神是山城人骨子里的坚韧。',
      displayName: '王磊',
      locale: 'zh-Hans',
      photoId: null,
    },
    {
      text: 'The Grand Theater lit up at night reminds me why I came back home after ten years away.',
      displayName: null,
      locale: 'en',
      photoId: null,
    },
    {
      text: '从团结村出发的班列，把重庆和世界连在一起。',
      displayName: '李雪',
      locale: 'zh-Hans',
      photoId: null,
    },
    {
      text: '开放、热情、不怕吃苦，这就是我心中的“重庆城市精神”。',
      displayName: '周涛',
      locale: 'zh-Hans',
      photoId: null,
    },
    {
      text: '巴渝文化、三峡文化、红岩文化，是这座城市的根。',
      displayName: null,
      locale: 'zh-Hans',
      photoId: null,
    },
  ],
};

/** The quote as the API answers a request in `locale`. */
function toWire(wall: Wall, quote: FakeQuote, locale: Locale): Quote {
  const district = DISTRICTS[quote.district % DISTRICTS.length];
  return {
    ...SAMPLES[locale][quote.sample % SAMPLES[locale].length],
    id: `${wall.name}-${quote.seq}`,
    district: district && {
      id: district[0],
      name: locale === 'zh-Hans' ? district[2] : district[1],
    },
    approvedAt: quote.approvedAt,
  };
}

const localeOf = (url: URL): Locale =>
  url.searchParams.get('locale') === 'zh-Hans' ? 'zh-Hans' : 'en';

/**
 * Creates (or resets) a fake wall and returns its API base URL. `count` quotes from
 * the samples, the newest approved a minute ago, one more every few minutes before.
 */
export function fakeQuoteApi(
  name: string,
  count: number,
  options: { down?: boolean; loading?: boolean; drops?: boolean } = {},
) {
  install();
  const wall: Wall = {
    name,
    quotes: [],
    seq: 0,
    down: !!options.down,
    loading: !!options.loading,
    drops: !!options.drops,
    streams: new Set(),
  };
  for (let i = count; i--;) {
    wall.quotes.unshift({
      seq: ++wall.seq,
      sample: i,
      district: i,
      approvedAt: new Date(Date.now() - 60_000 - i * 7 * 60_000).toISOString(),
    });
  }
  walls.get(name)?.streams.forEach((s) => s.close());
  walls.set(name, wall);
  return `${ORIGIN}/${name}`;
}

/** Approves one more quote on a fake wall: its live stream carries it. */
export function approve(name: string, sample = Math.floor(Math.random() * SAMPLES.en.length)) {
  const wall = walls.get(name);
  if (!wall) return;
  const quote: FakeQuote = {
    seq: ++wall.seq,
    sample,
    district: wall.seq,
    approvedAt: new Date().toISOString(),
  };
  wall.quotes.unshift(quote);
  for (const stream of wall.streams) {
    stream.send('quote', toWire(wall, quote, stream.locale), wall.seq);
  }
}

function page(wall: Wall, url: URL): QuotePage {
  const limit = Number(url.searchParams.get('limit') ?? 20);
  const before = Number(url.searchParams.get('before') ?? Infinity);
  const rows = wall.quotes.filter((q) => q.seq < before);
  const items = rows.slice(0, limit);
  return {
    items: items.map((q) => toWire(wall, q, localeOf(url))),
    nextBefore: rows.length > limit ? String(items.at(-1)!.seq) : null,
    lastEventId: wall.seq,
  };
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
  #wall?: Wall;
  /** The language the stream was opened in (`?locale=`), as the API's streams are. */
  readonly locale: Locale;

  constructor(readonly url: string) {
    super();
    this.locale = localeOf(new URL(url));
    setTimeout(() => {
      const wall = wallOf(new URL(url));
      if (this.readyState === this.CLOSED) return;
      if (!wall || wall.down) {
        this.readyState = this.CLOSED;
        this.onerror?.(new Event('error'));
        return;
      }
      this.#wall = wall;
      wall.streams.add(this);
      this.readyState = this.OPEN;
      this.onopen?.(new Event('open'));
      if (wall.drops) {
        setTimeout(() => {
          // As a browser does when a stream breaks: error, then try again later.
          this.readyState = this.CONNECTING;
          this.onerror?.(new Event('error'));
        }, 200);
      }
    }, 50);
  }

  send(type: string, data: unknown, id: number) {
    this.dispatchEvent(
      new MessageEvent(type, { data: JSON.stringify(data), lastEventId: String(id) }),
    );
  }

  close() {
    this.readyState = this.CLOSED;
    this.#wall?.streams.delete(this);
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
    return json(200, page(wall, url));
  });
  window.EventSource = function (url: string | URL, init?: EventSourceInit) {
    return String(url).startsWith(ORIGIN)
      ? new FakeEventSource(String(url))
      : new RealEventSource(url, init);
  } as unknown as typeof EventSource;
}
