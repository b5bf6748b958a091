// An in-browser stand-in for the campaign API's settings and submissions endpoints, so the
// submission form's stories show every state without a server. Only URLs under
// https://submissions.example/<scenario> are answered:
//   open     — accepts submissions after a short upload;
//   slow     — the upload never finishes (the form stays "sending");
//   offline  — every submission fails as if the network were down;
//   busy     — answers 429 with Retry-After: 300;
//   invalid  — answers 400 with field errors for the district and the terms;
//   closed   — the campaign is closed.
import { DEFAULT_SUBMISSION_LIMITS, type Campaign } from '../../src/api/wire.js';
import { answerFetch, json } from './fake-fetch.js';

const ORIGIN = 'https://submissions.example';

const campaign = (locale: string, closed: boolean): Campaign => {
  const zh = locale === 'zh-Hans';
  return {
    id: 'spirit-of-chongqing',
    locale: zh ? 'zh-Hans' : 'en',
    defaultLocale: 'en',
    locales: ['en', 'zh-Hans'],
    title: zh ? '重庆城市精神' : 'Spirit of Chongqing City',
    summary: '',
    status: closed ? 'closed' : 'open',
    closesAt: null,
    privacyPolicyUrl: 'https://example.org/privacy',
    consent: {
      version: '2024-03',
      text: zh
        ? '我同意编辑部保存我提交的内容，并在活动留言墙及合作网站上发布我的文字；我的电子邮箱绝不公开。'
        : 'The newsroom may keep what I send and publish my words on the campaign wall and on partner sites. My email is never published.',
    },
    limits: DEFAULT_SUBMISSION_LIMITS,
    districts: [
      ['yuzhong', 'Yuzhong', '渝中区'],
      ['jiangbei', 'Jiangbei', '江北区'],
      ['nanan', "Nan'an", '南岸区'],
      ['shapingba', 'Shapingba', '沙坪坝区'],
    ].map(([id, en, zhName]) => ({ id, name: zh ? zhName : en })),
    reportContact: {
      kind: 'phone',
      value: '+86-23-67158993',
      label: zh
        ? '重庆互联网违法和不良信息举报电话'
        : 'Chongqing reporting line for illegal and harmful online information',
    },
    reportsOptional: false,
  };
};

const scenario = (url: string) =>
  url.startsWith(ORIGIN) ? new URL(url).pathname.split('/')[1] : undefined;

answerFetch(ORIGIN, (url) => {
  const name = scenario(url.href);
  return json(200, campaign(url.searchParams.get('locale') ?? 'en', name === 'closed'));
});

/**
 * The campaign's own event stream (`…/stream`), which the form opens to follow its
 * campaign: here it opens and stays quiet (the stories' campaigns do not change).
 */
class QuietEventSource extends EventTarget {
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  constructor(readonly url: string) {
    super();
    setTimeout(() => {
      if (this.readyState === this.CLOSED) return;
      this.readyState = this.OPEN;
      this.onopen?.(new Event('open'));
    }, 50);
  }
  close() {
    this.readyState = this.CLOSED;
  }
}
const RealEventSource = window.EventSource;
window.EventSource = function (url: string | URL, init?: EventSourceInit) {
  return scenario(String(url)) ? new QuietEventSource(String(url)) : new RealEventSource(url, init);
} as unknown as typeof EventSource;

const RealXhr = XMLHttpRequest;
/** Answers submissions of the fake scenarios; everything else goes to a real request. */
class FakeXhr extends EventTarget {
  upload = new EventTarget() as XMLHttpRequestUpload;
  status = 0;
  statusText = '';
  response = '';
  timeout = 0;
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  #name?: string;
  #real?: XMLHttpRequest;
  #headers: Record<string, string> = {};

  open(method: string, url: string) {
    this.#name = scenario(url);
    if (!this.#name) {
      this.#real = new RealXhr();
      this.#real.open(method, url);
    }
  }
  setRequestHeader(name: string, value: string) {
    this.#real?.setRequestHeader(name, value);
  }
  getResponseHeader(name: string) {
    return this.#real ? this.#real.getResponseHeader(name) : (this.#headers[name] ?? null);
  }
  abort() {
    this.#real?.abort();
  }
  send(body: XMLHttpRequestBodyInit) {
    const real = this.#real;
    if (real) {
      real.upload.onprogress = this.upload.onprogress;
      real.onload = () => {
        Object.assign(this, { status: real.status, statusText: real.statusText });
        this.response = real.response as string;
        this.onload?.();
      };
      real.onerror = () => this.onerror?.();
      return real.send(body);
    }
    const answer = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      this.status = status;
      this.response = JSON.stringify(json);
      this.#headers = headers;
      this.onload?.();
    };
    const steps = this.#name === 'slow' ? 3 : 10;
    for (let i = 1; i <= steps; i++) {
      setTimeout(() => {
        (this.upload.onprogress as ((e: ProgressEvent) => void) | null)?.(
          new ProgressEvent('progress', { lengthComputable: true, loaded: i, total: 10 }),
        );
        if (i < 10) return;
        if (this.#name === 'offline') this.onerror?.();
        else if (this.#name === 'busy') {
          answer(
            429,
            { statusCode: 429, code: 'rate_limited', message: '' },
            { 'retry-after': '300' },
          );
        } else if (this.#name === 'invalid') {
          answer(400, {
            statusCode: 400,
            code: 'validation',
            message: '',
            fields: [
              { field: 'district', code: 'unknown_district' },
              { field: 'consentVersion', code: 'consent_outdated' },
            ],
          });
        } else
          answer(202, {
            id: crypto.randomUUID(),
            status: 'pending',
            receivedAt: new Date().toISOString(),
          });
      }, i * 150);
    }
  }
}
globalThis.XMLHttpRequest = FakeXhr as unknown as typeof XMLHttpRequest;

/** API base URL of a scenario. */
export const fakeSubmissionApi = (name: string) => `${ORIGIN}/${name}`;
