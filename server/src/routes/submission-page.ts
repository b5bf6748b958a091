/**
 * A browser's plain post of the submission form (no JavaScript): the fields of the form
 * by their wire names (`message`, `displayName`, …, `photo`), a hidden `idempotencyKey`,
 * `return` (the partner page) and `lang`, sent as `multipart/form-data` or
 * `application/x-www-form-urlencoded` without an Idempotency-Key header. The API answers
 * with a page in the reader's language: thank you (with a link back to the partner page
 * when its origin is allowed), or the form again with each problem beside its field and
 * everything typed kept. The same key posted twice stores one submission.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LOCALES, type Locale, type SubmissionRequest } from '../../../src/api/wire.js';
import { ApiError, type FieldProblem } from '../errors.js';
import { clientKey } from '../client-address.js';
import type { CampaignRecord, CreateResult } from '../store/store.js';
import {
  isHoneypot,
  submissionHash,
  validateSubmission,
  type CleanSubmission,
} from '../validate.js';
import { acceptedLocale, campaignToWire, isOpen, resolveLocale } from '../wire-mapping.js';
import { PAGE_CSP, escapeHtml } from './pages.js';

/** The most bytes a text field keeps; a longer one is refused (413) with this much kept. */
export const FORM_FIELD_LIMIT = 16 * 1024;
/** The most bytes of a form-encoded body read; the rest is drained and refused (413). */
export const FORM_BODY_LIMIT = 1024 * 1024;
/** The most fields of a form-encoded body kept (the form has 13). */
const FORM_FIELDS_MAX = 32;
/** Text fields the form sends, besides the photo. */
const FIELDS = [
  'message',
  'displayName',
  'anonymous',
  'district',
  'email',
  'consentGiven',
  'consentVersion',
  'publishPermission',
  'photoPermission',
  'website',
  'idempotencyKey',
  'return',
  'lang',
] as const;
type FieldName = (typeof FIELDS)[number];
type Fields = Partial<Record<FieldName, string>>;

const KEY_PATTERN = /^[\x21-\x7e]{8,200}$/;

/** What the submission route stores a checked form with (its own rate-limit slot taken). */
export interface FormStore {
  (checked: {
    body: CleanSubmission;
    bodyHash: string;
    key: string;
    photoBytes: Buffer | null;
    origin: string | null;
    client: string;
  }): Promise<CreateResult>;
}

/**
 * A browser's own post of the form: form-encoded, or multipart asking for HTML, and
 * without the Idempotency-Key header a script sends (its key is a field).
 */
export function isFormPost(request: FastifyRequest): boolean {
  if (request.headers['idempotency-key'] !== undefined) return false;
  const type = request.headers['content-type'] ?? '';
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) return true;
  return (
    /^multipart\/form-data\b/i.test(type) && /\btext\/html\b/i.test(request.headers.accept ?? '')
  );
}

/**
 * The form-encoded body, split into its fields as it arrives: each field keeps at most
 * FORM_FIELD_LIMIT bytes of its text (as percent-encoded bytes, three per byte), the
 * rest of it is dropped and the field marked; past FORM_BODY_LIMIT bytes in all, or
 * FORM_FIELDS_MAX fields, nothing more is kept and the body is marked.
 */
export function addFormBodyParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', (_request, payload, done) => {
    const pairs: [string, string][] = [];
    const cutFields: string[] = [];
    const pairLimit = FORM_FIELD_LIMIT * 3 + 256;
    let current: Buffer[] = [];
    let currentSize = 0;
    let currentCut = false;
    let total = 0;
    let oversize = false;
    const finish = () => {
      if (currentSize === 0 && !currentCut) return;
      // A cut may end inside a %XX escape: that part goes, the text before it stays.
      const text = Buffer.concat(current)
        .toString('latin1')
        .replace(/%[0-9a-f]?$/i, '');
      const [pair] = new URLSearchParams(text);
      if (pair && pairs.length < FORM_FIELDS_MAX) {
        pairs.push(pair);
        if (currentCut) cutFields.push(pair[0]);
      } else if (pair) oversize = true;
      current = [];
      currentSize = 0;
      currentCut = false;
    };
    payload.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > FORM_BODY_LIMIT) oversize = true;
      if (oversize) return;
      let start = 0;
      for (let amp = chunk.indexOf(0x26); ; amp = chunk.indexOf(0x26, start)) {
        const piece = chunk.subarray(start, amp === -1 ? chunk.length : amp);
        const room = pairLimit - currentSize;
        if (piece.length > room) currentCut = true;
        if (room > 0) {
          const kept = piece.subarray(0, room);
          current.push(kept);
          currentSize += kept.length;
        }
        if (amp === -1) break;
        finish();
        start = amp + 1;
      }
    });
    payload.on('error', (error) => done(error, undefined));
    payload.on('end', () => {
      finish();
      done(null, { pairs, cutFields, oversize });
    });
  });
}

interface FormBody {
  pairs: [string, string][];
  /** Fields cut at FORM_FIELD_LIMIT. */
  cutFields: string[];
  /** More than FORM_BODY_LIMIT bytes or FORM_FIELDS_MAX fields. */
  oversize: boolean;
}

interface ReadForm {
  fields: Fields;
  photo: Buffer | null;
  /** Fields cut at the limit (the body, or one field): answered 413, the rest kept. */
  oversize: string[];
  photoTooLarge: boolean;
  /** The multipart body was broken or cut short. */
  malformed: boolean;
}

const cut = (value: string) =>
  Buffer.byteLength(value) > FORM_FIELD_LIMIT
    ? Buffer.from(value)
        .subarray(0, FORM_FIELD_LIMIT)
        .toString('utf8')
        .replace(/\uFFFD$/, '')
    : value;

function keep(read: ReadForm, name: string, value: string): void {
  if (!(FIELDS as readonly string[]).includes(name) || name in read.fields) return;
  if (Buffer.byteLength(value) > FORM_FIELD_LIMIT && !read.oversize.includes(name)) {
    read.oversize.push(name);
  }
  read.fields[name as FieldName] = cut(value);
}

async function readForm(request: FastifyRequest, campaign: CampaignRecord): Promise<ReadForm> {
  const read: ReadForm = {
    fields: {},
    photo: null,
    oversize: [],
    photoTooLarge: false,
    malformed: false,
  };
  if (!request.isMultipart()) {
    const { pairs, cutFields, oversize } = request.body as FormBody;
    for (const [name, value] of pairs) keep(read, name, value);
    for (const name of cutFields) if (!read.oversize.includes(name)) read.oversize.push(name);
    if (oversize) read.oversize.push('body');
    return read;
  }
  const parts = request.parts({
    limits: {
      fieldSize: FORM_FIELD_LIMIT + 1,
      fields: FIELDS.length + 4,
      files: 1,
      fileSize: campaign.limits.photoMaxBytes,
      parts: FIELDS.length + 5,
    },
  });
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        if (typeof part.value === 'string') keep(read, part.fieldname, part.value);
        if (part.valueTruncated && !read.oversize.includes(part.fieldname)) {
          read.oversize.push(part.fieldname);
        }
      } else if (part.fieldname === 'photo' && read.photo === null) {
        try {
          const bytes = await part.toBuffer();
          read.photo = bytes.length > 0 ? bytes : null;
        } catch (error) {
          if ((error as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw error;
          read.photoTooLarge = true;
        }
      } else part.file.resume();
    }
  } catch (error) {
    // Too many parts or fields, or a form cut short: what arrived is kept, and the post
    // is refused (as too large, or as one to check and send again).
    const code = (error as { code?: string }).code ?? '';
    if (/^FST_(PARTS|FIELDS|FILES)_LIMIT$/.test(code)) read.oversize.push('body');
    else read.malformed = true;
  }
  return read;
}

/** The page's language: the form's `lang`, else the browser's Accept-Language. */
function pageLocale(lang: string | undefined, request: FastifyRequest, campaign: CampaignRecord) {
  if (lang && LOCALES.some((l) => l.toLowerCase() === lang.toLowerCase())) {
    return resolveLocale(lang, campaign);
  }
  return acceptedLocale(request.headers['accept-language'], campaign);
}

/**
 * The partner page to link back to: `return` (or the Referer) when its origin may send
 * to this campaign, else none — never a link to an origin nobody allowed.
 */
export function returnLink(
  request: FastifyRequest,
  campaign: CampaignRecord,
  wanted: string | undefined,
): string | null {
  for (const candidate of [wanted, request.headers.referer]) {
    if (!candidate) continue;
    let url: URL;
    try {
      url = new URL(candidate);
    } catch {
      continue;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') continue;
    if (url.username || url.password) continue;
    if (request.server.partners.allows(request, campaign, url.origin)) return url.href;
  }
  return null;
}

/** The form's fields as the wire body: checkboxes send `on` (any value) when ticked. */
function toRequest(fields: Fields, locale: Locale, hasPhoto: boolean): SubmissionRequest {
  const ticked = (name: FieldName) => fields[name] !== undefined;
  const anonymous = ticked('anonymous');
  return {
    message: fields.message ?? '',
    displayName: anonymous ? null : (fields.displayName ?? ''),
    anonymous,
    district: fields.district || null,
    email: fields.email?.trim() ? fields.email : null,
    consentGiven: ticked('consentGiven'),
    consentVersion: fields.consentVersion ?? '',
    publishPermission: ticked('publishPermission'),
    photoPermission: hasPhoto && ticked('photoPermission'),
    locale,
    ...(fields.website ? { website: fields.website } : {}),
  };
}

// ---------------------------------------------------------------------------------------
// The pages' words, in both locales.

interface Words {
  thanksTitle: string;
  thanks: string;
  back: string;
  noBack: string;
  formTitle: string;
  problem: string;
  error: string;
  words: string;
  wordsHint: (min: number, max: number) => string;
  name: string;
  nameHint: string;
  anonymous: string;
  district: string;
  notChosen: string;
  email: string;
  emailHint: string;
  photo: string;
  photoHint: (mb: string) => string;
  photoPermission: string;
  photoPermissionHint: string;
  consent: string;
  publish: string;
  privacy: string;
  send: string;
  closed: string;
  notAllowed: string;
  tooMany: (seconds: number) => string;
  tooLarge: string;
  sendAgain: string;
  conflict: string;
  deleted: string;
  deletedTitle: string;
  problems: Record<string, string>;
  limits: (min: number, max: number, name: number) => Record<string, string>;
}

const WORDS: Record<Locale, Words> = {
  en: {
    thanksTitle: 'Thank you',
    thanks: 'Thank you! The newsroom will review your words before they appear.',
    back: 'Back to the page you came from',
    noBack: 'You can close this page now.',
    formTitle: 'Send your words',
    problem: 'There is a problem',
    error: 'Error:',
    words: 'Your words',
    wordsHint: (min, max) =>
      `What does the spirit of the city mean to you? ${min} to ${max} characters.`,
    name: 'Your name',
    nameHint: 'Published with your words.',
    anonymous: 'Publish anonymously instead',
    district: 'District (optional)',
    notChosen: 'Not chosen',
    email: 'Email (optional)',
    emailHint: 'Private: for the newsroom only, never published.',
    photo: 'Photo (optional)',
    photoHint: (mb) =>
      `JPEG, PNG or WebP, up to ${mb} MB. Its location and camera data are removed.`,
    photoPermission:
      'I took this photo, or may share it: the newsroom may publish it with my words.',
    photoPermissionHint: 'Without this, only the newsroom sees the photo.',
    consent: 'I agree to these terms',
    publish: 'Publish my words, with my name unless I stay anonymous',
    privacy: 'Privacy policy',
    send: 'Send',
    closed: 'This campaign is closed. Thank you for taking part.',
    notAllowed:
      'This site may not send words to this campaign yet. Nothing was stored: please try again later.',
    tooMany: (s) =>
      `Too many attempts. Nothing was stored: please try again in ${Math.max(1, Math.ceil(s / 60))} minutes.`,
    tooLarge:
      'What you sent is too large. It was cut at the limit and not stored: please shorten it.',
    sendAgain: 'This form could not be sent as it was. Please check it and send it again.',
    conflict:
      'This form was already sent with other words. Nothing new was stored: check your words and send them again.',
    deleted: 'What was sent with this form has been deleted. Nothing was stored again.',
    deletedTitle: 'Deleted',
    problems: {
      'message required': 'Enter your message.',
      'displayName required': 'Enter your name, or choose to publish anonymously.',
      'displayName invisible_characters': 'Remove the invisible characters from your name.',
      'message invisible_characters': 'Remove the invisible characters from your message.',
      'email invalid_email': 'Enter an email address like name@example.com.',
      'district unknown_district': 'Choose a district from the list.',
      'consentGiven consent_required': 'Agree to the terms to send your words.',
      'consentGiven consent_outdated': 'The terms have changed. Please read them again and agree.',
      'photo unsupported_media_type':
        'This photo cannot be read. Choose a JPEG, PNG or WebP photo.',
      'photo photo_too_large': 'This photo is too large. Choose a smaller one.',
      '': 'Check this answer: it cannot be sent as it is.',
    },
    limits: (min, max, name) => ({
      'message too_short': `Tell us a little more: at least ${min} characters.`,
      'message too_long': `Your message is too long: at most ${max} characters.`,
      'displayName too_long': `Your name is too long: at most ${name} characters.`,
    }),
  },
  'zh-Hans': {
    thanksTitle: '谢谢',
    thanks: '谢谢！编辑部审核后，您的留言就会发布。',
    back: '返回您来时的页面',
    noBack: '您现在可以关闭此页面。',
    formTitle: '发送您的留言',
    problem: '提交时遇到问题',
    error: '错误：',
    words: '您的留言',
    wordsHint: (min, max) => `您心中的城市精神是什么？${min} 至 ${max} 个字符。`,
    name: '您的名字',
    nameHint: '将随留言一起发布。',
    anonymous: '改为匿名发布',
    district: '所在区县（选填）',
    notChosen: '未选择',
    email: '电子邮箱（选填）',
    emailHint: '保密：仅供编辑部使用，绝不公开。',
    photo: '照片（选填）',
    photoHint: (mb) => `JPEG、PNG 或 WebP，不超过 ${mb} MB。照片的位置和相机信息会被删除。`,
    photoPermission: '这张照片是我拍的，或我有权分享：编辑部可将它与我的留言一同发表。',
    photoPermissionHint: '若不勾选，照片仅供编辑部查看。',
    consent: '我同意以上条款',
    publish: '允许发布我的留言；除非我选择匿名，发布时署上我的名字',
    privacy: '隐私政策',
    send: '发送',
    closed: '本次活动已结束，感谢您的参与。',
    notAllowed: '此网站暂时不能向本活动提交留言。内容未保存，请稍后再试。',
    tooMany: (s) => `尝试次数过多，内容未保存。请在 ${Math.max(1, Math.ceil(s / 60))} 分钟后再试。`,
    tooLarge: '您提交的内容太长，已在上限处截断，未保存。请删减后再发送。',
    sendAgain: '此表单未能按原样提交。请检查后再发送一次。',
    conflict: '此表单已用其他内容提交过，这次没有保存新内容。请检查您的留言后再发送。',
    deleted: '用此表单提交的内容已被删除，没有再次保存。',
    deletedTitle: '已删除',
    problems: {
      'message required': '请填写您的留言。',
      'displayName required': '请填写您的名字，或选择匿名发布。',
      'displayName invisible_characters': '请删除名字中的不可见字符。',
      'message invisible_characters': '请删除留言中的不可见字符。',
      'email invalid_email': '请填写有效的电子邮箱，例如 name@example.com。',
      'district unknown_district': '请从列表中选择区县。',
      'consentGiven consent_required': '请同意条款后再提交留言。',
      'consentGiven consent_outdated': '条款已更新，请重新阅读并同意。',
      'photo unsupported_media_type': '无法读取这张照片，请选择 JPEG、PNG 或 WebP 格式的照片。',
      'photo photo_too_large': '照片太大，请选择小一些的照片。',
      '': '请检查此项：当前内容无法提交。',
    },
    limits: (min, max, name) => ({
      'message too_short': `请再多写一些：至少 ${min} 个字符。`,
      'message too_long': `留言太长了：最多 ${max} 个字符。`,
      'displayName too_long': `名字太长了：最多 ${name} 个字符。`,
    }),
  },
};

/** The words for a field's problem code, in the page's language. */
function problemText(words: Words, campaign: CampaignRecord, field: string, code: string): string {
  const { messageMinLength, messageMaxLength, displayNameMaxLength } = campaign.limits;
  const key = `${field} ${code}`;
  return (
    words.limits(messageMinLength, messageMaxLength, displayNameMaxLength)[key] ??
    words.problems[key] ??
    words.problems['']
  );
}

// ---------------------------------------------------------------------------------------
// The page.

const STYLE = `body{margin:0;font:1rem/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;line-height:1.25}
.field{margin:0 0 1.25rem}
label{font-weight:600}
.check label{font-weight:400}
.check{display:flex;gap:.5rem;align-items:flex-start;margin:.5rem 0}
.check input{margin-top:.3rem;flex:none}
.hint{margin:.25rem 0;color:#4a4a4a;font-size:.925rem}
.error{margin:.25rem 0;color:#b00020;font-weight:600}
input:not([type=checkbox]),select,textarea{display:block;box-sizing:border-box;width:100%;max-width:100%;font:inherit;padding:.5rem;border:1px solid #555;border-radius:4px}
[aria-invalid=true]{border:2px solid #b00020}
button{font:inherit;font-weight:600;padding:.6rem 1.4rem;border:0;border-radius:4px;background:#0b57d0;color:#fff;cursor:pointer}
:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
.summary{border:3px solid #b00020;padding:0 1rem;margin:0 0 1.5rem}
.summary h2{font-size:1.125rem}
.summary a,a{color:#0b57d0}
.notice{border-left:4px solid #0b57d0;padding:.25rem .75rem}
.hp,.visually-hidden{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
fieldset{border:0;margin:0;padding:0;min-width:0}`;

/** PAGE_CSP, with this page's one stylesheet allowed by its hash and nothing else. */
export const SUBMISSION_PAGE_CSP = PAGE_CSP.replace(
  "style-src 'self'",
  `style-src 'self' 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
);

function page(locale: Locale, title: string, body: string): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body><main>
${body}
</main></body>
</html>
`;
}

function send(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', SUBMISSION_PAGE_CSP)
    .header('referrer-policy', 'strict-origin-when-cross-origin')
    .header('cache-control', 'no-store')
    .send(body);
}

interface FormPage {
  campaign: CampaignRecord;
  locale: Locale;
  fields: Fields;
  /** Field → problem text; `''` for one not tied to a field. */
  errors: Record<string, string>;
  /** A notice above the form (closed, flood, conflict). */
  notice?: string;
  key: string;
  returnUrl: string | null;
  base: string;
}

/** The form again: the problems in a summary and beside their fields, the text kept. */
function formPage(p: FormPage): string {
  const w = WORDS[p.locale];
  const c = campaignToWire(p.campaign, p.locale, p.base, Date.now());
  const v = (name: FieldName) => escapeHtml(p.fields[name] ?? '');
  const on = (name: FieldName) => (p.fields[name] !== undefined ? ' checked' : '');
  const err = (id: string) =>
    p.errors[id]
      ? `<p class="error" id="${id}-error"><span class="visually-hidden">${w.error}</span> ${escapeHtml(p.errors[id])}</p>`
      : '';
  const aria = (id: string) =>
    `aria-describedby="${id}-hint${p.errors[id] ? ` ${id}-error` : ''}" aria-invalid="${p.errors[id] ? 'true' : 'false'}"`;
  const field = (id: string, label: string, hint: string, control: string) =>
    `<div class="field"><label for="${id}">${escapeHtml(label)}</label>
<p class="hint" id="${id}-hint">${escapeHtml(hint)}</p>${err(id)}
${control}</div>`;
  const listed = Object.entries(p.errors).filter(([, text]) => text);
  const summary = listed.length
    ? `<div class="summary" id="summary" role="alert" tabindex="-1" autofocus aria-labelledby="summary-title">
<h2 id="summary-title">${w.problem}</h2><ul>${listed
        .map(([id, text]) =>
          id ? `<li><a href="#${id}">${escapeHtml(text)}</a></li>` : `<li>${escapeHtml(text)}</li>`,
        )
        .join('')}</ul></div>`
    : '';
  const mb = (c.limits.photoMaxBytes / 1024 / 1024).toLocaleString(p.locale, {
    maximumFractionDigits: 1,
  });
  const districts = c.districts
    .map(
      (d) =>
        `<option value="${escapeHtml(d.id)}"${d.id === p.fields.district ? ' selected' : ''}>${escapeHtml(d.name)}</option>`,
    )
    .join('');
  const action = `/v1/campaigns/${encodeURIComponent(p.campaign.id)}/submissions`;
  return page(
    p.locale,
    `${listed.length ? `${w.problem} – ` : ''}${w.formTitle} – ${c.title}`,
    `<h1>${escapeHtml(w.formTitle)}</h1>
<p>${escapeHtml(c.title)}</p>
${p.notice ? `<p class="notice" role="status">${escapeHtml(p.notice)}</p>` : ''}
${summary}
<form method="post" action="${action}" enctype="multipart/form-data">
<input type="hidden" name="idempotencyKey" value="${escapeHtml(p.key)}">
<input type="hidden" name="consentVersion" value="${escapeHtml(c.consent.version)}">
<input type="hidden" name="lang" value="${p.locale}">
${p.returnUrl ? `<input type="hidden" name="return" value="${escapeHtml(p.returnUrl)}">` : ''}
${field(
  'message',
  w.words,
  w.wordsHint(c.limits.messageMinLength, c.limits.messageMaxLength),
  `<textarea id="message" name="message" rows="6" ${aria('message')}>${v('message')}</textarea>`,
)}
${field(
  'displayName',
  w.name,
  w.nameHint,
  `<input id="displayName" name="displayName" autocomplete="name" value="${v('displayName')}" ${aria('displayName')}>
<div class="check"><input type="checkbox" id="anonymous" name="anonymous"${on('anonymous')}><label for="anonymous">${escapeHtml(w.anonymous)}</label></div>`,
)}
${field(
  'district',
  w.district,
  '',
  `<select id="district" name="district" ${aria('district')}><option value="">${escapeHtml(w.notChosen)}</option>${districts}</select>`,
)}
${field(
  'email',
  w.email,
  w.emailHint,
  `<input id="email" name="email" type="email" autocomplete="email" spellcheck="false" value="${v('email')}" ${aria('email')}>`,
)}
${field(
  'photo',
  w.photo,
  w.photoHint(mb),
  `<input id="photo" name="photo" type="file" accept="${escapeHtml(c.limits.photoTypes.join(','))}" ${aria('photo')}>
<div class="check"><input type="checkbox" id="photoPermission" name="photoPermission" aria-describedby="photoPermission-hint"${on('photoPermission')}><div><label for="photoPermission">${escapeHtml(w.photoPermission)}</label><p class="hint" id="photoPermission-hint">${escapeHtml(w.photoPermissionHint)}</p></div></div>`,
)}
<div class="field">
<p class="hint" id="consentGiven-hint">${escapeHtml(c.consent.text)} <a href="${escapeHtml(c.privacyPolicyUrl)}">${escapeHtml(w.privacy)}</a></p>${err('consentGiven')}
<div class="check"><input type="checkbox" id="consentGiven" name="consentGiven" ${aria('consentGiven')}${on('consentGiven')}><label for="consentGiven">${escapeHtml(w.consent)}</label></div>
<div class="check"><input type="checkbox" id="publishPermission" name="publishPermission"${on('publishPermission')}><label for="publishPermission">${escapeHtml(w.publish)}</label></div>
</div>
<div class="hp" aria-hidden="true"><label>Website <input name="website" tabindex="-1" autocomplete="off"></label></div>
<button type="submit">${escapeHtml(w.send)}</button>
</form>`,
  );
}

/** Thank you (or another last word), with the link back when there is one to give. */
function messagePage(locale: Locale, title: string, text: string, returnUrl: string | null) {
  const w = WORDS[locale];
  return page(
    locale,
    title,
    `<h1>${escapeHtml(title)}</h1>
<p role="status">${escapeHtml(text)}</p>
<p>${returnUrl ? `<a href="${escapeHtml(returnUrl)}">${escapeHtml(w.back)}</a>` : escapeHtml(w.noBack)}</p>`,
  );
}

const base = (request: FastifyRequest) =>
  request.server.publicUrl ?? `${request.protocol}://${request.host}`;

/**
 * Checks that need no body, as the JSON route's: the origin, the campaign open, the rate
 * limit. A refusal is the page (the body is left unread).
 */
export async function admitFormPost(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { campaign } = request;
  const app = request.server;
  const locale = pageLocale(undefined, request, campaign);
  const w = WORDS[locale];
  const origin = request.headers.origin;
  const back = returnLink(request, campaign, undefined);
  if (origin !== undefined && !app.partners.allows(request, campaign, origin)) {
    return void send(reply, 403, messagePage(locale, w.problem, w.notAllowed, null));
  }
  if (!isOpen(campaign, Date.now())) {
    return void send(reply, 409, messagePage(locale, w.problem, w.closed, back));
  }
  const wait = app.limiter ? await app.limiter.check(clientKey(request.ip)) : null;
  if (wait !== null) {
    reply.header('retry-after', String(wait));
    return void send(reply, 429, messagePage(locale, w.problem, w.tooMany(wait), back));
  }
}

/** The page for a plain post: read, checked, stored once per key, answered in the reader's language. */
export async function answerFormPost(
  request: FastifyRequest,
  reply: FastifyReply,
  store: FormStore,
): Promise<FastifyReply> {
  const { campaign } = request;
  const app = request.server;
  const read = await readForm(request, campaign);
  const { fields } = read;
  const locale = pageLocale(fields.lang, request, campaign);
  const w = WORDS[locale];
  const returnUrl = returnLink(request, campaign, fields.return);
  const key = fields.idempotencyKey ?? '';
  const again = (
    status: number,
    errors: Record<string, string>,
    options: { notice?: string; newKey?: boolean } = {},
  ) =>
    send(
      reply,
      status,
      formPage({
        campaign,
        locale,
        fields,
        errors,
        ...(options.notice ? { notice: options.notice } : {}),
        key: options.newKey || !KEY_PATTERN.test(key) ? randomUUID() : key,
        returnUrl,
        base: base(request),
      }),
    );

  const data = toRequest(fields, locale, read.photo !== null);
  // As the JSON route: a filled-in honeypot is thanked, and nothing is stored or counted.
  if (isHoneypot(data))
    return send(reply, 200, messagePage(locale, w.thanksTitle, w.thanks, returnUrl));

  if (read.oversize.length || read.photoTooLarge) {
    const errors: Record<string, string> = {};
    for (const name of read.oversize) {
      errors[name === 'body' ? '' : name] =
        name === 'message' || name === 'displayName'
          ? problemText(w, campaign, name, 'too_long')
          : w.tooLarge;
    }
    if (read.photoTooLarge) errors.photo = problemText(w, campaign, 'photo', 'photo_too_large');
    return again(413, errors, { notice: w.tooLarge });
  }
  // A post without a usable key is not stored under a made-up one (a second click would
  // store it twice): the form comes back with everything kept and a key of its own.
  if (!KEY_PATTERN.test(key) || read.malformed) return again(400, {}, { notice: w.sendAgain });

  let body: CleanSubmission;
  try {
    body = validateSubmission(data, campaign);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return again(400, fieldErrors(w, campaign, error.fields ?? []));
  }
  const bodyHash = submissionHash(body, read.photo);
  const earlier = read.photo ? await app.store.findIdempotent(campaign.id, key) : null;
  // Spare a second post of the same photo its image work (createSubmission checks again).
  let result: CreateResult | null =
    earlier?.kind === 'answered'
      ? earlier.bodyHash === bodyHash
        ? { kind: 'replay', accepted: earlier.accepted }
        : { kind: 'conflict' }
      : earlier;
  try {
    result ??= await store({
      body,
      bodyHash,
      key,
      photoBytes: read.photo,
      origin:
        request.headers.origin !== undefined &&
        app.partners.allows(request, campaign, request.headers.origin)
          ? request.headers.origin
          : null,
      client: clientKey(request.ip),
    });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.statusCode === 429) {
      const wait = Number(error.headers['retry-after'] ?? 60);
      reply.header('retry-after', String(wait));
      return again(429, {}, { notice: w.tooMany(wait) });
    }
    if (error.code === 'unsupported_media_type' || error.code === 'photo_too_large') {
      return again(error.statusCode, { photo: problemText(w, campaign, 'photo', error.code) });
    }
    if (error.fields) return again(error.statusCode, fieldErrors(w, campaign, error.fields));
    throw error;
  }
  if (result.kind === 'conflict') return again(409, {}, { notice: w.conflict, newKey: true });
  if (result.kind === 'deleted') {
    return send(reply, 410, messagePage(locale, w.deletedTitle, w.deleted, returnUrl));
  }
  if (result.kind === 'replay') reply.header('idempotent-replayed', 'true');
  return send(reply, 200, messagePage(locale, w.thanksTitle, w.thanks, returnUrl));
}

function fieldErrors(w: Words, campaign: CampaignRecord, problems: FieldProblem[]) {
  const errors: Record<string, string> = {};
  for (const { field, code } of problems) {
    // The terms shown were older than the campaign's: asked again beside the consent.
    const id =
      field === 'consentVersion'
        ? 'consentGiven'
        : FIELDS.includes(field as FieldName)
          ? field
          : '';
    errors[id] ??= problemText(w, campaign, id, code);
  }
  return errors;
}
