// An in-browser stand-in for the campaign API's quotes and their live stream, so the
// quote wall's stories show every state without a server. Only URLs under
// https://quotes.example/<name> are answered; everything else goes to the network.
import type { Quote, QuotePage } from '../../src/api/wire.js';
import { answerFetch, json, never } from './fake-fetch.js';

const ORIGIN = 'https://quotes.example';

interface Wall {
  quotes: Quote[];
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

const districts = [
  { id: 'yuzhong', name: 'Yuzhong' },
  { id: 'jiangbei', name: 'Jiangbei' },
  { id: 'shapingba', name: 'Shapingba' },
  null,
];

/** Quotes from readers, in both languages, about the campaign's themes. */
export const SAMPLE: Pick<Quote, 'text' | 'displayName' | 'locale' | 'photoId'>[] = [
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
    text: '从团结村出发的班列，把重庆和世界连在一起。',
    displayName: '李雪',
    locale: 'zh-Hans',
    photoId: null,
  },
  {
    text: 'Open, warm and never afraid of hard work: that is the Spirit of Chongqing City for me.',
    displayName: 'Tom Zhou',
    locale: 'en',
    photoId: null,
  },
  {
    text: '巴渝文化、三峡文化、红岩文化，是这座城市的根。',
    displayName: null,
    locale: 'zh-Hans',
    photoId: null,
  },
];

/**
 * Creates (or resets) a fake wall and returns its API base URL. `count` quotes from
 * `SAMPLE`, the newest approved a minute ago, one more every few minutes before.
 */
export function fakeQuoteApi(
  name: string,
  count: number,
  options: { down?: boolean; loading?: boolean; drops?: boolean } = {},
) {
  install();
  const wall: Wall = {
    quotes: [],
    seq: 0,
    down: !!options.down,
    loading: !!options.loading,
    drops: !!options.drops,
    streams: new Set(),
  };
  for (let i = count; i--;) {
    const sample = SAMPLE[i % SAMPLE.length];
    wall.quotes.unshift({
      ...sample,
      id: `${name}-${++wall.seq}`,
      district: districts[i % districts.length]!,
      approvedAt: new Date(Date.now() - 60_000 - i * 7 * 60_000).toISOString(),
    });
  }
  walls.get(name)?.streams.forEach((s) => s.close());
  walls.set(name, wall);
  return `${ORIGIN}/${name}`;
}

/** Approves one more quote on a fake wall: its live stream carries it. */
export function approve(name: string, sample = SAMPLE[Math.floor(Math.random() * SAMPLE.length)]) {
  const wall = walls.get(name);
  if (!wall) return;
  const quote: Quote = {
    ...sample,
    id: `${name}-${++wall.seq}`,
    district: districts[wall.seq % districts.length]!,
    approvedAt: new Date().toISOString(),
  };
  wall.quotes.unshift(quote);
  for (const stream of wall.streams) stream.send('quote', quote, wall.seq);
}

function page(wall: Wall, url: URL): QuotePage {
  const limit = Number(url.searchParams.get('limit') ?? 20);
  const before = Number(url.searchParams.get('before') ?? Infinity);
  const seqOf = (q: Quote) => Number(q.id.split('-').pop());
  const rows = wall.quotes.filter((q) => seqOf(q) < before);
  const items = rows.slice(0, limit);
  return {
    items,
    nextBefore: rows.length > limit ? String(seqOf(items.at(-1)!)) : null,
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

  constructor(readonly url: string) {
    super();
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
