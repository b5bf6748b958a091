// An in-browser stand-in for the campaign API's photos and stories, so the stories of
// <campaign-photo> and <campaign-story-teaser> show every state without a server.
// Only URLs under https://content.example/<mode> are answered (`loaded`, `loading`
// — never answers — and `down` — 503); everything else goes to the network.
import type { Locale, Photo, Story } from '../../src/api/wire.js';
import { answerFetch, json, never } from './fake-fetch.js';

export const CONTENT_API = {
  loaded: 'https://content.example/loaded',
  loading: 'https://content.example/loading',
  down: 'https://content.example/down',
};

/** A drawn stand-in picture (the campaign's photographs are not reproduced here). */
function picture(sky: string, ground: string, accent: string): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1600 1000"><defs><linearGradient id="s" x2="0" y2="1"><stop offset="0" stop-color="${sky}"/><stop offset="1" stop-color="${ground}"/></linearGradient></defs><rect width="1600" height="1000" fill="url(#s)"/><path d="M0 760 L260 520 L420 640 L700 380 L980 600 L1200 460 L1600 720 V1000 H0Z" fill="${ground}" opacity=".85"/><rect x="620" y="560" width="360" height="160" fill="${accent}"/><circle cx="1300" cy="220" r="80" fill="${accent}" opacity=".8"/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

const PHOTOS: Record<
  string,
  { src: string; en: [string, string, string]; zh: [string, string, string]; by: [string, string] }
> = {
  'grand-theater-night': {
    src: picture('#0b1d3a', '#1e3a5f', '#f2b134'),
    by: ['Long Fan', '龙帆'],
    en: [
      'Chongqing Grand Theater lit up against the night skyline.',
      'Drawing: a glowing theater on the riverbank at night.',
      'Visual Chongqing',
    ],
    zh: [
      '夜幕下，重庆大剧院在城市天际线前熠熠生辉。',
      '示意图：夜晚江边灯光通明的剧院。',
      '视觉重庆',
    ],
  },
  firewall: {
    src: picture('#3b1d12', '#5a3a22', '#ff7a1a'),
    by: ['Qi Lansen', '齐岚森'],
    en: [
      'Residents join hands to build a firebreak on the mountain.',
      'Drawing: a line of people on a hillside, flames beyond the ridge.',
      'Visual Chongqing',
    ],
    zh: [
      '市民齐心协力，在山上筑起一道隔离带。',
      '示意图：山坡上站成一列的人，山脊那边火光冲天。',
      '视觉重庆',
    ],
  },
};

function photo(id: string, locale: Locale): Photo | undefined {
  const p = PHOTOS[id];
  if (!p) return undefined;
  const [caption, alt, organization] = locale === 'zh-Hans' ? p.zh : p.en;
  return {
    id,
    locale,
    src: p.src,
    srcset: [{ src: p.src, width: 1600 }],
    width: 1600,
    height: 1000,
    alt,
    caption,
    credit: { photographer: p.by[locale === 'zh-Hans' ? 1 : 0], organization },
    license: 'Drawing for the component catalogue',
  };
}

function story(id: string, locale: Locale): Story | undefined {
  if (id !== 'spirit-of-chongqing-city') return undefined;
  const zh = locale === 'zh-Hans';
  return {
    id,
    locale,
    headline: zh
      ? '涵养城市精髓 提炼“重庆城市精神”'
      : "Cultivating the Essence to Refine the 'Spirit of Chongqing City'",
    byline: zh ? '李欣怡' : 'XINYI LI',
    publishedAt: '2024-03-24T08:00:00.000Z',
    excerpt: zh
      ? '老街巷与新高楼共享同一片江岸。一项征集活动追问：是什么把这座城市凝聚在一起？'
      : 'Old lanes and new towers share the same riverbanks. A campaign asks what holds the city together, and invites readers to answer.',
    url: '#spirit-of-chongqing-city',
    photoId: 'grand-theater-night',
  };
}

answerFetch('https://content.example', (url, init) => {
  const [, mode, , , , kind, id] = url.pathname.split('/');
  const locale: Locale = url.searchParams.get('locale') === 'zh-Hans' ? 'zh-Hans' : 'en';
  if (mode === 'loading') return never(init?.signal);
  if (mode === 'down') return json(503, { statusCode: 503, code: 'unavailable', message: 'down' });
  const item = kind === 'photos' ? photo(id, locale) : story(id, locale);
  return item
    ? json(200, item)
    : json(404, { statusCode: 404, code: 'not_found', message: 'not found' });
});
