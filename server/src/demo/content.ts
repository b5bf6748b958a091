/**
 * The demo campaign, "Spirit of Chongqing City", in English and Simplified Chinese.
 * Facts (titles, byline, date, photo subjects and credits) follow the newsroom's
 * launch article of 24 March 2024; the wording here is our own. The pictures are
 * illustrations drawn for this demo, and their captions say so.
 */
import { DEFAULT_SAFETY } from '../safety/settings.js';
import { DEFAULT_SUBMISSION_LIMITS, type Locale } from '../../../src/api/wire.js';
import type { CampaignRecord, DistrictRecord, PhotoText, StoryRecord } from '../store/store.js';

export const DEMO_CAMPAIGN_ID = 'spirit-of-chongqing';
export const MAIN_STORY_ID = 'spirit-of-chongqing-city';

const d = (id: string, en: string, zh: string): DistrictRecord => ({
  id,
  names: { en, 'zh-Hans': zh },
});

export const DISTRICTS: DistrictRecord[] = [
  d('yuzhong', 'Yuzhong', '渝中区'),
  d('jiangbei', 'Jiangbei', '江北区'),
  d('nanan', "Nan'an", '南岸区'),
  d('shapingba', 'Shapingba', '沙坪坝区'),
  d('jiulongpo', 'Jiulongpo', '九龙坡区'),
  d('dadukou', 'Dadukou', '大渡口区'),
  d('beibei', 'Beibei', '北碚区'),
  d('yubei', 'Yubei', '渝北区'),
  d('banan', 'Banan', '巴南区'),
  d('wanzhou', 'Wanzhou', '万州区'),
  d('fuling', 'Fuling', '涪陵区'),
  d('changshou', 'Changshou', '长寿区'),
  d('jiangjin', 'Jiangjin', '江津区'),
  d('hechuan', 'Hechuan', '合川区'),
  d('yongchuan', 'Yongchuan', '永川区'),
  d('bishan', 'Bishan', '璧山区'),
  d('wulong', 'Wulong', '武隆区'),
  d('elsewhere', 'Somewhere else', '其他地方'),
];

export const DEMO_CAMPAIGN: CampaignRecord = {
  id: DEMO_CAMPAIGN_ID,
  defaultLocale: 'en',
  locales: ['en', 'zh-Hans'],
  status: 'open',
  closesAt: null,
  privacyPolicyUrl: '/privacy',
  consentVersion: '2024-03',
  text: {
    en: {
      title: 'Spirit of Chongqing City',
      summary:
        'What gives Chongqing its character? Read how history, culture and everyday courage ' +
        'shape the city, then add your own words to the wall.',
      consentText:
        'The newsroom may keep what I send and publish my words on the campaign wall and on ' +
        'partner sites, with my name unless I choose to stay anonymous. My email, if I give ' +
        'it, is only for the newsroom to reach me and is never published. I can ask for my ' +
        'submission to be deleted at any time.',
    },
    'zh-Hans': {
      title: '重庆城市精神',
      summary:
        '是什么塑造了重庆的性格？读一读历史、文化与平凡人的担当如何成就这座城市，再把你心中的答案写上留言墙。',
      consentText:
        '我同意编辑部保存我提交的内容，并将我的文字发布在活动留言墙及合作网站上；除非我选择匿名，发布时会署上我的名字。我留下的电子邮箱仅供编辑部联系我，绝不公开。我可以随时要求删除我的投稿。',
    },
  },
  limits: { ...DEFAULT_SUBMISSION_LIMITS, photoTypes: [...DEFAULT_SUBMISSION_LIMITS.photoTypes] },
  districts: DISTRICTS,
  allowedOrigins: [],
  safety: {
    ...DEFAULT_SAFETY,
    // The line the city's own news pages give for reporting illegal and harmful content.
    reportContact: {
      kind: 'phone',
      value: '+86-23-67158993',
      label: {
        en: 'Chongqing reporting line for illegal and harmful online information',
        'zh-Hans': '重庆互联网违法和不良信息举报电话',
      },
    },
  },
};

const PUBLISHED = Date.parse('2024-03-24T08:00:00.000Z');

export const DEMO_STORIES: StoryRecord[] = [
  {
    campaignId: DEMO_CAMPAIGN_ID,
    id: MAIN_STORY_ID,
    position: 0,
    byline: 'XINYI LI',
    publishedAt: PUBLISHED,
    url: `/stories/${MAIN_STORY_ID}`,
    photoId: 'grand-theater-night',
    text: {
      en: {
        headline: "Cultivating the Essence to Refine the 'Spirit of Chongqing City'",
        excerpt:
          'Old lanes and new towers share the same riverbanks in Chongqing. A new campaign asks ' +
          'what holds the city together — Bayu, Three Gorges and Hongyan culture, neighbours who ' +
          'stood up to the mountain fires — and invites readers to answer in their own words.',
      },
      'zh-Hans': {
        headline: '涵养城市精髓 提炼“重庆城市精神”',
        excerpt:
          '在重庆，老街巷与新高楼共享同一片江岸。一项新的征集活动追问：是什么把这座城市凝聚在一起？巴渝文化、三峡文化、红岩文化，还有在山火面前挺身而出的街坊邻里。欢迎读者用自己的话来回答。',
      },
    },
  },
  {
    campaignId: DEMO_CAMPAIGN_ID,
    id: 'a-tour-in-chongqing',
    position: 1,
    byline: 'iChongqing',
    publishedAt: PUBLISHED,
    url: '/stories/a-tour-in-chongqing',
    photoId: 'tuanjie-village-train',
    text: {
      en: {
        headline: 'A Tour in Chongqing, A Gain in Vision',
        excerpt:
          'From riverside cable cars to freight trains bound for Europe, a trip through the ' +
          'city widens the view of what a mountain metropolis can be.',
      },
      'zh-Hans': {
        headline: '游一趟重庆 长一番见识',
        excerpt: '从江上索道到开往欧洲的货运班列，走一趟重庆，你会重新认识一座山城能有多大的格局。',
      },
    },
  },
  {
    campaignId: DEMO_CAMPAIGN_ID,
    id: 'a-land-of-natural-beauty',
    position: 2,
    byline: 'iChongqing',
    publishedAt: PUBLISHED,
    url: '/stories/a-land-of-natural-beauty',
    photoId: 'hongyan-museum',
    text: {
      en: {
        headline: 'A Land of Natural Beauty, A City with Cultural Appeal',
        excerpt:
          'Mountains, two great rivers and centuries of history: how landscape and heritage ' +
          'give Chongqing a pull that visitors feel long after they leave.',
      },
      'zh-Hans': {
        headline: '山水之美 人文之城',
        excerpt:
          '群山、两江与千年历史交织在一起，山水与人文让重庆拥有一种让人离开后仍念念不忘的吸引力。',
      },
    },
  },
];

const ILLUSTRATION_LICENSE: Record<Locale, string> = {
  en: 'Illustration drawn for this demo; free to reuse with the campaign. The original photograph is not reproduced.',
  'zh-Hans': '本图为演示而绘制的示意插图，可随活动自由使用；原照片未被复制。',
};

const photo = (
  id: string,
  photographer: string,
  en: { caption: string; alt: string },
  zh: { caption: string; alt: string },
): { id: string; text: Record<Locale, PhotoText> } => ({
  id,
  text: {
    en: {
      ...en,
      photographer,
      organization: 'Visual Chongqing',
      license: ILLUSTRATION_LICENSE.en,
    },
    'zh-Hans': {
      ...zh,
      photographer,
      organization: '视觉重庆',
      license: ILLUSTRATION_LICENSE['zh-Hans'],
    },
  },
});

export const DEMO_PHOTOS = [
  photo(
    'grand-theater-night',
    'Long Fan',
    {
      caption:
        "Chongqing Grand Theater glowing against the city's night skyline. Illustration in place of Long Fan's photograph.",
      alt: 'Illustration: an angular, glowing theater on the riverbank in front of lit-up towers at night, reflected in the water.',
    },
    {
      caption: '夜幕下，重庆大剧院在城市天际线前熠熠生辉。本图为示意插图，原照片由 Long Fan 拍摄。',
      alt: '示意插图：夜晚江边一座棱角分明、灯光通明的剧院，背后是亮着灯的高楼，倒映在水中。',
    },
  ),
  photo(
    'hongyan-museum',
    'Long Fan',
    {
      caption:
        "Young visitors at the Chongqing Hongyan Revolutionary History Museum. Illustration in place of Long Fan's photograph.",
      alt: 'Illustration: a line of young people walking towards a long building with red columns, framed by trees.',
    },
    {
      caption: '年轻一代走进重庆红岩革命历史博物馆参观。本图为示意插图，原照片由 Long Fan 拍摄。',
      alt: '示意插图：一队年轻人走向一座红色立柱的长形建筑，两旁绿树成荫。',
    },
  ),
  photo(
    'firewall',
    'Qi Lansen',
    {
      caption:
        "Residents join hands to build a firebreak on the mountain. Illustration in place of Qi Lansen's photograph.",
      alt: 'Illustration: a chain of people with head torches along a cleared strip of hillside while flames glow beyond the ridge.',
    },
    {
      caption: '市民齐心协力，在山上筑起一道隔离带。本图为示意插图，原照片由 Qi Lansen 拍摄。',
      alt: '示意插图：一排戴着头灯的人沿着清理出的山坡站成一列，山脊那边火光冲天。',
    },
  ),
  photo(
    'tuanjie-village-train',
    'Zhang Jinhui',
    {
      caption:
        "A freight train sets off from Tuanjie Village. Illustration in place of Zhang Jinhui's photograph.",
      alt: 'Illustration: a long train of colourful containers crossing green hills under a rising sun.',
    },
    {
      caption: '一列火车从团结村出发。本图为示意插图，原照片由 Zhang Jinhui 拍摄。',
      alt: '示意插图：一列满载彩色集装箱的长长列车驶过绿色山丘，朝阳正在升起。',
    },
  ),
];

export interface DemoQuote {
  message: string;
  displayName: string | null;
  district: string;
  locale: Locale;
  /**
   * How long before the demo was first seeded staff approved it, in minutes: the wall
   * of a freshly started demo reads "6 minutes ago" to "5 days ago", not years.
   */
  approvedMinutesAgo: number;
}

/** Minutes in an hour and in a day, for the quotes' ages below. */
const HOUR = 60;
const DAY = 24 * HOUR;

export const DEMO_QUOTES: DemoQuote[] = [
  {
    message:
      'Climb the steps from the riverbank up to Jiefangbei and you learn this city: nobody carries you, but everybody lends a hand.',
    displayName: 'Mei',
    district: 'yuzhong',
    locale: 'en',
    approvedMinutesAgo: 5 * DAY + 3 * HOUR,
  },
  {
    message: '重庆人说话直，心却热。下雨天，总有陌生人把伞往你这边斜一斜。',
    displayName: '小周',
    district: 'nanan',
    locale: 'zh-Hans',
    approvedMinutesAgo: 4 * DAY + 20,
  },
  {
    message:
      'When the fires came, my neighbours rode their motorbikes up the slopes with water and food for the volunteers. That is the Chongqing I know.',
    displayName: null,
    district: 'beibei',
    locale: 'en',
    approvedMinutesAgo: 2 * DAY + 6 * HOUR,
  },
  {
    message: '爬坡上坎是每天的功课，所以重庆人从来不怕难。',
    displayName: '王阿姨',
    district: 'jiulongpo',
    locale: 'zh-Hans',
    approvedMinutesAgo: DAY + 2 * HOUR + 15,
  },
  {
    message:
      'Share a hot pot table with strangers and by the end of the night you are arguing about spice levels like old friends.',
    displayName: 'Tom H.',
    district: 'jiangbei',
    locale: 'en',
    approvedMinutesAgo: 19 * HOUR,
  },
  {
    message: '红岩的故事听了很多遍，每次都让我更明白什么叫坚持。',
    displayName: null,
    district: 'yubei',
    locale: 'zh-Hans',
    approvedMinutesAgo: 5 * HOUR + 10,
  },
  {
    message:
      'My grandfather moved goods with a shoulder pole. My daughter ships them by rail from Tuanjie Village all the way to Europe.',
    displayName: 'Chen Rui',
    district: 'shapingba',
    locale: 'en',
    approvedMinutesAgo: 47,
  },
  {
    message: '长江和嘉陵江在朝天门交汇，就像这座城市，接纳来自四面八方的人。',
    displayName: '李想',
    district: 'yuzhong',
    locale: 'zh-Hans',
    approvedMinutesAgo: 6,
  },
];
