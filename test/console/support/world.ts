/**
 * A small newsroom behind the fake API: a campaign, staff, submissions and an audit
 * trail that decisions change, answering the console's routes as the contract says
 * (src/api/newsroom.ts). Tests change it directly ("someone else approved s3") and
 * read what the console asked for in `api.requests`.
 */
import type {
  Actor,
  AuditEntry,
  HoldFlag,
  QueueItem,
  ReportEntry,
  SafetySettings,
  StaffEventData,
  StaffMember,
  StaffSessionInfo,
} from '../../../src/api/newsroom.js';
import type {
  Campaign,
  FieldErrorCode,
  Locale,
  ReportReason,
  SubmissionStatus,
} from '../../../src/api/wire.js';
import type { CampaignRole, CampaignSummary } from '../../../src/api/campaigns.js';
import { FakeApi, failure, type Recorded, type Reply } from './fake-api.js';

export const CAMPAIGN = 'spirit-of-chongqing';
const BASE = `/v1/campaigns/${CAMPAIGN}`;
const STAFF = `${BASE}/staff`;

const DISTRICTS = [
  { id: 'yuzhong', en: 'Yuzhong', zh: '渝中区' },
  { id: 'jiangbei', en: 'Jiangbei', zh: '江北区' },
  { id: 'nanan', en: 'Nan’an', zh: '南岸区' },
];

const WORDS_EN = [
  'Chongqing people climb every hill together and never give up.',
  'Hotpot with strangers on a foggy night: that is the spirit of this city.',
  'The Hongyan spirit taught my grandmother to hold firm; she taught me.',
  'When fire swept the mountains, we carried water up on motorbikes.',
];
const WORDS_ZH = [
  '重庆人爬坡上坎，从不服输。',
  '雾夜里和陌生人一起吃火锅，这就是这座城市的精神。',
  '红岩精神教会奶奶坚守，奶奶又教会了我。',
  '山火蔓延的时候，我们骑着摩托把水送上山。',
];

export const NOW = Date.now();

/** A campaign as `GET /v1/staff/campaigns` lists it (the asker's role filled in there). */
export function campaignSummary(id: string, title: string): CampaignSummary {
  return {
    id,
    status: 'open',
    title,
    locales: ['en', 'zh-Hans'],
    defaultLocale: 'en',
    closesAt: null,
    role: 'admin',
    counts: { pending: 3, approved: 5, rejected: 1, removed: 0 },
  };
}

export function member(overrides: Partial<StaffMember> = {}): StaffMember {
  return {
    id: 'u-wang',
    email: 'wang@newsroom.example',
    name: 'Wang Fang',
    role: 'moderator',
    locale: 'en',
    disabledAt: null,
    passwordSet: true,
    createdAt: new Date(NOW - 86400000 * 30).toISOString(),
    lastSignInAt: new Date(NOW - 3600000).toISOString(),
    ...overrides,
  };
}

export const LI_MING: Actor = { kind: 'staff', id: 'u-li', name: '李明' };
export const A_READER: Actor = { kind: 'reader', id: null, name: 'reader' };
export const RULES: Actor = { kind: 'rule', id: null, name: 'post-moderation' };

export function makeItem(i: number, overrides: Partial<QueueItem> = {}): QueueItem {
  const zh = i % 2 === 1;
  const district = DISTRICTS[i % DISTRICTS.length];
  return {
    id: `s${i}`,
    status: 'pending',
    version: 1,
    message: `${zh ? WORDS_ZH[i % 4] : WORDS_EN[i % 4]} #${i}`,
    displayName: i % 5 === 4 ? null : zh ? `读者${i}` : `Reader ${i}`,
    anonymous: i % 5 === 4,
    district: { id: district.id, name: district.en },
    email: i % 3 === 0 ? `reader${i}@example.com` : null,
    locale: zh ? 'zh-Hans' : 'en',
    publishPermission: i % 7 !== 6,
    consentVersion: '2024-03',
    receivedAt: new Date(NOW - (10000 - i) * 60000).toISOString(),
    origin: i % 2 ? 'https://partner.example' : 'https://news.example',
    photoId: i % 3 === 0 ? `reader-photo-${i}` : null,
    photoPublished: true,
    photoAlt: null,
    featured: false,
    decision: null,
    photoPermission: true,
    flags: [],
    reports: null,
    hidden: false,
    ...overrides,
  };
}

/** The campaign's safety settings as a new campaign has them. */
export function safetyDefaults(overrides: Partial<SafetySettings> = {}): SafetySettings {
  return {
    moderation: 'pre',
    reportThreshold: 3,
    reportsOptional: false,
    reportContact: null,
    words: { en: [], 'zh-Hans': [] },
    holdLinks: true,
    holdPhones: true,
    holdEmails: true,
    holdRepeats: true,
    externalCheck: null,
    ...overrides,
  };
}

/** What each `flag=` of the queue matches, as the API filters. */
const HOLD_OF: Record<string, (code: HoldFlag) => boolean> = {
  flagged: () => true,
  word: (c) => c === 'word',
  link: (c) => c === 'link',
  phone: (c) => c === 'phone',
  email: (c) => c === 'email',
  repeat: (c) => c === 'repeat',
  external: (c) => c.startsWith('external_'),
};

function matchesFlag(item: QueueItem, flag: string | null): boolean {
  if (!flag) return true;
  const hold = HOLD_OF[flag];
  if (hold) return item.flags.some((f) => hold(f.code));
  switch (flag) {
    case 'featured':
      return item.featured;
    case 'anonymous':
      return item.anonymous;
    case 'has_email':
      return item.email !== null;
    case 'no_permission':
      return !item.publishPermission;
    case 'reported':
      return (item.reports?.open ?? 0) > 0;
    case 'hidden':
      return item.hidden;
    case 'photo_private':
      return item.photoId !== null && !item.photoPermission;
    default:
      return false;
  }
}

const AFTER: Record<string, SubmissionStatus> = {
  approve: 'approved',
  reject: 'rejected',
  remove: 'removed',
  reopen: 'pending',
  restore: 'approved',
};
const ALLOWED: Record<string, SubmissionStatus[]> = {
  approve: ['pending'],
  reject: ['pending'],
  remove: ['approved'],
  reopen: ['rejected', 'removed', 'approved'],
  restore: ['approved'],
};

export class World {
  readonly api = new FakeApi();
  items: QueueItem[] = [];
  audit: AuditEntry[] = [];
  me: StaffMember;
  accounts: StaffMember[];
  signedIn = true;
  csrfToken = 'csrf-1';
  /** Readers' reports per item, newest first. */
  reports = new Map<string, ReportEntry[]>();
  safety: SafetySettings = safetyDefaults();
  /** The secret of the external check (the API never sends it back). */
  checkSecret: string | null = null;
  /** The campaigns this API carries, and each account's roles per campaign where set. */
  campaigns: CampaignSummary[] = [campaignSummary(CAMPAIGN, 'Spirit of Chongqing City')];
  campaignRoles = new Map<string, Record<string, CampaignRole>>();
  #auditId = 0;

  constructor(options: { items?: number; me?: Partial<StaffMember>; signedIn?: boolean } = {}) {
    this.me = member(options.me);
    this.signedIn = options.signedIn ?? true;
    this.accounts = [
      this.me,
      member({ id: 'u-li', email: 'li@newsroom.example', name: '李明', role: 'moderator' }),
      member({
        id: 'u-zhao',
        email: 'zhao@newsroom.example',
        name: 'Zhao Lei',
        role: 'viewer',
        passwordSet: false,
        lastSignInAt: null,
      }),
    ];
    for (let i = 1; i <= (options.items ?? 12); i++) this.items.push(makeItem(i));
    this.#routes();
  }

  install(): this {
    this.api.install();
    return this;
  }

  restore() {
    this.api.restore();
  }

  session(): StaffSessionInfo {
    return {
      staff: this.me,
      csrfToken: this.csrfToken,
      expiresAt: new Date(NOW + 86400000).toISOString(),
      campaigns: this.#visible().map(([id]) => id),
      roles: Object.fromEntries(this.#visible()),
    };
  }

  /** The campaigns the signed-in person has a role on, with that role. */
  #visible(): [string, StaffMember['role']][] {
    const entries = this.campaignRoles.get(this.me.id) ?? {};
    return this.campaigns
      .map((c): [string, CampaignRole] => [c.id, entries[c.id] ?? this.me.role])
      .filter((pair): pair is [string, StaffMember['role']] => pair[1] !== 'none');
  }

  item(id: string): QueueItem {
    const item = this.items.find((i) => i.id === id);
    if (!item) throw new Error(`no item ${id}`);
    return item;
  }

  /** Someone else decides an item (as another moderator's console would). */
  decideAs(actor: Actor, id: string, action: string, reason: string | null = null): QueueItem {
    const item = this.item(id);
    const at = new Date().toISOString();
    Object.assign(item, {
      status: AFTER[action],
      version: item.version + 1,
      decision: { actor, at, reason, note: null },
    });
    this.#log(actor, action, id, reason, null);
    return item;
  }

  /** An entry of the audit trail by anyone (a reader's withdrawal, the rules' approval). */
  logAs(actor: Actor, action: AuditEntry['action'], id: string | null) {
    this.#log(actor, action, id, null, null);
  }

  /**
   * A reader reports a published quote (as the wall's report button does): the item's
   * summary changes, and at the threshold it is hidden. Returns the live event.
   */
  report(id: string, reason: ReportReason, note: string | null = null): StaffEventData {
    const item = this.item(id);
    const at = new Date().toISOString();
    this.reports.set(id, [{ reason, note, at }, ...(this.reports.get(id) ?? [])]);
    const before = item.reports ?? {
      count: 0,
      open: 0,
      reasons: { illegal: 0, harassment: 0, spam: 0, personal_info: 0, other: 0 },
      lastAt: at,
    };
    item.reports = {
      count: before.count + 1,
      open: before.open + 1,
      reasons: { ...before.reasons, [reason]: before.reasons[reason] + 1 },
      lastAt: at,
    };
    if (item.reports.open >= this.safety.reportThreshold) item.hidden = true;
    return { type: 'reported', id, open: item.reports.open, at };
  }

  counts(): Record<SubmissionStatus, number> {
    const counts = { pending: 0, approved: 0, rejected: 0, removed: 0 };
    for (const item of this.items) counts[item.status]++;
    return counts;
  }

  campaign(locale: Locale): Campaign {
    const zh = locale === 'zh-Hans';
    return {
      id: CAMPAIGN,
      locale,
      defaultLocale: 'zh-Hans',
      locales: ['en', 'zh-Hans'],
      title: zh ? '重庆城市精神' : 'Spirit of Chongqing City',
      summary: '',
      status: 'open',
      closesAt: null,
      privacyPolicyUrl: '/privacy',
      consent: { version: '2024-03', text: '' },
      limits: {
        messageMinLength: 10,
        messageMaxLength: 1000,
        displayNameMaxLength: 60,
        photoMaxBytes: 5000000,
        photoMaxDimension: 2000,
        photoTypes: ['image/jpeg'],
      },
      districts: DISTRICTS.map((d) => ({ id: d.id, name: zh ? d.zh : d.en })),
      reportContact: null,
      reportsOptional: false,
    };
  }

  #log(
    actor: Actor,
    action: string,
    id: string | null,
    reason: string | null,
    note: string | null,
  ) {
    this.audit.unshift({
      id: `a${++this.#auditId}`,
      campaignId: CAMPAIGN,
      at: new Date().toISOString(),
      actor,
      action: action as AuditEntry['action'],
      submissionId: id,
      reason,
      note,
      before: null,
      after: null,
      undoable: ['approve', 'reject', 'remove'].includes(action),
    });
  }

  #meActor(): Actor {
    return { kind: 'staff', id: this.me.id, name: this.me.name };
  }

  #guard(request: Recorded, write = false): Reply | null {
    if (!this.signedIn) return failure(401, 'unauthorized', 'Sign in');
    if (write && request.headers['x-csrf-token'] !== this.csrfToken) {
      return failure(403, 'csrf_failed', 'CSRF');
    }
    if (write && this.me.role === 'viewer') return failure(403, 'forbidden', 'Viewer');
    return null;
  }

  #decide(
    id: string,
    body: { action: string; version: number; reason?: string; note?: string; withPhoto?: boolean },
  ) {
    const item = this.items.find((i) => i.id === id);
    if (!item) return { ok: false, code: 'not_found', item: null };
    if (item.version !== body.version) return { ok: false, code: 'stale', item };
    if (!ALLOWED[body.action]?.includes(item.status)) {
      return { ok: false, code: 'invalid_transition', item };
    }
    const reported = (item.reports?.open ?? 0) > 0 || item.hidden;
    if (body.action === 'restore' && !reported) {
      return { ok: false, code: 'invalid_transition', item };
    }
    const at = new Date().toISOString();
    if (body.action === 'restore' || body.action === 'remove') {
      // Dealt with: the reports are closed, and a hidden quote is back (or gone).
      if (item.reports) item.reports = { ...item.reports, open: 0 };
      item.hidden = false;
    }
    // Without the reader's permission the photo is never published.
    if (body.action === 'approve') {
      item.photoPublished = body.withPhoto !== false && item.photoPermission;
    }
    Object.assign(item, {
      status: AFTER[body.action],
      version: item.version + 1,
      // A restore keeps the approval as the item's decision.
      decision:
        body.action === 'restore'
          ? item.decision
          : {
              actor: this.#meActor(),
              at,
              reason: body.reason ?? null,
              note: body.note ?? null,
            },
    });
    this.#log(this.#meActor(), body.action, id, body.reason ?? null, body.note ?? null);
    return { ok: true, code: null, item };
  }

  #routes() {
    const api = this.api;
    api.on('GET', '/v1/staff/session', () =>
      this.signedIn ? { body: this.session() } : failure(401, 'unauthorized', 'Not signed in'),
    );
    api.on('POST', '/v1/staff/session', (r) => {
      if (r.body?.password !== 'correct horse battery') {
        return failure(401, 'unauthorized', 'Wrong email or password');
      }
      this.signedIn = true;
      return { body: this.session() };
    });
    api.on('DELETE', /^\/v1\/staff\/sessions?$/, () => {
      this.signedIn = false;
      return { status: 204 };
    });
    api.on('PATCH', '/v1/staff/me', (r) => {
      const refused = this.#guard(r, true);
      if (refused && refused !== 'network' && refused.status !== 403) return refused;
      Object.assign(this.me, r.body);
      return { body: this.me };
    });
    api.on('GET', /^\/v1\/campaigns\/[^/]+$/, (r) => ({
      body: this.campaign((r.query.get('locale') as Locale) ?? 'en'),
    }));
    api.on('GET', `${STAFF}/queue`, (r) => this.#guard(r) ?? { body: this.#queue(r.query) });
    api.on('GET', new RegExp(`^${STAFF}/submissions/([^/]+)$`), (r, m) => {
      const refused = this.#guard(r);
      if (refused) return refused;
      const item = this.items.find((i) => i.id === m[1]);
      if (!item) return failure(404, 'not_found');
      return {
        body: {
          item,
          history: this.audit.filter((a) => a.submissionId === item.id),
          reports: this.reports.get(item.id) ?? [],
        },
      };
    });
    api.on('POST', new RegExp(`^${STAFF}/submissions/([^/]+)/decision$`), (r, m) => {
      const refused = this.#guard(r, true);
      if (refused) return refused;
      const result = this.#decide(m[1], r.body);
      if (result.ok) return { body: result.item };
      if (result.code === 'stale') {
        return failure(409, 'stale', 'Changed', { details: { current: result.item } });
      }
      return failure(result.code === 'not_found' ? 404 : 409, result.code!);
    });
    api.on('PATCH', new RegExp(`^${STAFF}/submissions/([^/]+)$`), (r, m) => {
      const refused = this.#guard(r, true);
      if (refused) return refused;
      const item = this.items.find((i) => i.id === m[1]);
      if (!item) return failure(404, 'not_found');
      if (item.version !== r.body.version) {
        return failure(409, 'stale', 'Changed', { details: { current: item } });
      }
      if (r.body.photoPublished === true && !item.photoPermission) {
        return failure(409, 'invalid_transition', 'The reader did not allow the photo');
      }
      const edit = { ...r.body };
      delete edit.version;
      Object.assign(item, edit, { version: item.version + 1 });
      return { body: item };
    });
    api.on('POST', `${STAFF}/submissions/bulk`, (r) => {
      const refused = this.#guard(r, true);
      if (refused) return refused;
      const results = (r.body.items as { id: string; version: number }[]).map(({ id, version }) => {
        const result = this.#decide(id, { ...r.body, version });
        return { id, ...result, message: result.code };
      });
      return { body: { results } };
    });
    api.on('GET', `${STAFF}/audit`, (r) => {
      const refused = this.#guard(r);
      if (refused) return refused;
      const actor = r.query.get('actor');
      const action = r.query.get('action');
      const items = this.audit.filter(
        (a) =>
          (!actor || a.actor.id === actor || a.actor.kind === actor) &&
          (!action || a.action === action),
      );
      return { body: { items, next: null } };
    });
    api.on('POST', new RegExp(`^${STAFF}/audit/([^/]+)/undo$`), (r, m) => {
      const refused = this.#guard(r, true);
      if (refused) return refused;
      const entry = this.audit.find((a) => a.id === m[1]);
      if (!entry?.submissionId || !entry.undoable) return failure(409, 'invalid_transition');
      const item = this.item(entry.submissionId);
      entry.undoable = false;
      const back: Record<string, SubmissionStatus> = {
        approved: 'removed',
        removed: 'approved',
        rejected: 'pending',
      };
      Object.assign(item, { status: back[item.status] ?? 'pending', version: item.version + 1 });
      return { body: item };
    });
    api.on('GET', '/v1/staff/accounts', (r) => {
      const refused = this.#guard(r);
      if (refused) return refused;
      if (this.me.role !== 'admin') return failure(403, 'forbidden');
      return { body: { items: this.accounts } };
    });
    api.on('POST', '/v1/staff/accounts', (r) => {
      const refused = this.#guard(r, true);
      if (refused) return refused;
      if (this.accounts.some((a) => a.email === r.body.email)) return failure(409, 'email_taken');
      const added = member({
        id: `u-${this.accounts.length + 1}`,
        email: r.body.email,
        name: r.body.name,
        role: r.body.role,
        locale: r.body.locale ?? 'en',
        passwordSet: false,
        lastSignInAt: null,
      });
      this.accounts.push(added);
      return {
        status: 201,
        body: {
          staff: added,
          link: `${location.origin}/moderate#link=invite-token-${added.id}`,
          expiresAt: new Date(NOW + 7 * 86400000).toISOString(),
        },
      };
    });
    api.on('PATCH', /^\/v1\/staff\/accounts\/([^/]+)$/, (r, m) => {
      const refused = this.#guard(r, true);
      if (refused) return refused;
      const account = this.accounts.find((a) => a.id === m[1]);
      if (!account) return failure(404, 'not_found');
      if (r.body.role) account.role = r.body.role;
      if (r.body.name) account.name = r.body.name;
      if (r.body.disabled !== undefined) {
        account.disabledAt = r.body.disabled ? new Date().toISOString() : null;
      }
      return { body: account };
    });
    api.on('POST', /^\/v1\/staff\/accounts\/([^/]+)\/link$/, (r, m) => {
      const refused = this.#guard(r, true);
      if (refused) return refused;
      const account = this.accounts.find((a) => a.id === m[1])!;
      return {
        status: 201,
        body: {
          staff: account,
          link: `${location.origin}/moderate#link=reset-token-${account.id}`,
          expiresAt: new Date(NOW + 86400000).toISOString(),
        },
      };
    });
    api.on('GET', '/v1/staff/campaigns', (r) => {
      const refused = this.#guard(r);
      if (refused) return refused;
      const roles = new Map(this.#visible());
      return {
        body: {
          items: this.campaigns
            .filter((c) => roles.has(c.id))
            .map((c) => ({ ...c, role: roles.get(c.id)! })),
        },
      };
    });
    api.on('POST', '/v1/staff/campaigns', (r) => {
      const refused = this.#guard(r, true);
      if (refused) return refused;
      if (this.me.role !== 'admin') return failure(403, 'forbidden');
      if (this.campaigns.some((c) => c.id === r.body.id)) return failure(409, 'campaign_exists');
      const created = {
        ...campaignSummary(r.body.id, r.body.text[r.body.defaultLocale]?.title ?? r.body.id),
        status: r.body.status,
        locales: r.body.locales,
        defaultLocale: r.body.defaultLocale,
        closesAt: r.body.closesAt ?? null,
      };
      this.campaigns.push(created);
      return { status: 201, body: created };
    });
    api.on('GET', '/v1/staff/campaign-roles', (r) => {
      const refused = this.#guard(r);
      if (refused) return refused;
      if (this.me.role !== 'admin') return failure(403, 'forbidden');
      return {
        body: { items: [...this.campaignRoles].map(([staffId, roles]) => ({ staffId, roles })) },
      };
    });
    api.on('PUT', /^\/v1\/staff\/accounts\/([^/]+)\/campaign-roles$/, (r, m) => {
      const refused = this.#guard(r, true);
      if (refused) return refused;
      if (this.me.role !== 'admin') return failure(403, 'forbidden');
      this.campaignRoles.set(m[1], { ...r.body.roles });
      return { body: { staffId: m[1], roles: r.body.roles } };
    });
    api.on('GET', `${STAFF}/safety`, (r) => this.#guard(r) ?? { body: this.#safetyAnswer() });
    api.on('PUT', `${STAFF}/safety`, (r) => {
      const refused = this.#guard(r, true);
      if (refused) return refused;
      if (this.me.role !== 'admin') return failure(403, 'forbidden', 'Admins only');
      const body = r.body as SafetySettings & {
        externalCheck: { url: string; timeoutMs: number; secret?: string } | null;
      };
      const fields: { field: string; code: FieldErrorCode }[] = [];
      const threshold = body.reportThreshold;
      if (!Number.isInteger(threshold) || threshold < 1 || threshold > 100) {
        fields.push({ field: 'reportThreshold', code: 'invalid' });
      }
      if (body.reportContact?.kind === 'email' && !body.reportContact.value.includes('@')) {
        fields.push({ field: 'reportContact.value', code: 'invalid_email' });
      }
      for (const locale of ['en', 'zh-Hans'] as const) {
        if (body.words[locale].some((w) => [...w].length > 50)) {
          fields.push({ field: `words.${locale}`, code: 'too_long' });
        }
      }
      const check = body.externalCheck;
      if (check && !/^https:\/\//.test(check.url)) {
        fields.push({ field: 'externalCheck.url', code: 'invalid' });
      }
      if (check && check.secret === undefined && !this.checkSecret) {
        fields.push({ field: 'externalCheck.secret', code: 'required' });
      }
      if (check?.secret !== undefined && (check.secret.length < 16 || check.secret.length > 200)) {
        fields.push({ field: 'externalCheck.secret', code: 'too_short' });
      }
      if (fields.length) {
        return {
          status: 422,
          body: { statusCode: 422, code: 'validation', message: 'Invalid', fields },
        };
      }
      const before = this.#safetyAnswer();
      this.checkSecret = check ? (check.secret ?? this.checkSecret) : null;
      this.safety = {
        ...body,
        externalCheck: check
          ? { url: check.url, timeoutMs: check.timeoutMs, secretSet: true }
          : null,
      };
      this.audit.unshift({
        id: `a${++this.#auditId}`,
        campaignId: CAMPAIGN,
        at: new Date().toISOString(),
        actor: this.#meActor(),
        action: 'safety_settings',
        submissionId: null,
        reason: null,
        note: null,
        before: before as unknown as Record<string, unknown>,
        after: this.safety as unknown as Record<string, unknown>,
        undoable: false,
      });
      return { body: this.#safetyAnswer() };
    });
    api.on('GET', `${STAFF}/privacy`, (r) => {
      const refused = this.#guard(r);
      if (refused) return refused;
      const email = r.query.get('email');
      return { body: { email, items: this.items.filter((i) => i.email === email) } };
    });
    api.on('POST', `${STAFF}/privacy/delete`, (r) => {
      const refused = this.#guard(r, true);
      if (refused) return refused;
      const before = this.items.length;
      this.items = this.items.filter((i) => i.email !== r.body.email);
      return { body: { deleted: before - this.items.length } };
    });
  }

  #safetyAnswer(): SafetySettings {
    return structuredClone(this.safety);
  }

  #queue(query: URLSearchParams) {
    // No status: any (the Reported tab).
    const status = query.get('status');
    const flag = query.get('flag');
    const q = (query.get('q') ?? '').toLowerCase();
    const locale = query.get('locale');
    const photo = query.get('photo');
    const district = query.get('district');
    const origin = query.get('origin');
    let list = this.items.filter(
      (i) =>
        (!status || i.status === status) &&
        matchesFlag(i, flag) &&
        (!q || i.message.toLowerCase().includes(q) || i.displayName?.toLowerCase().includes(q)) &&
        (!locale || i.locale === locale) &&
        (!district || i.district?.id === district) &&
        (!origin || i.origin === origin) &&
        (photo !== 'yes' || i.photoId) &&
        (photo !== 'no' || !i.photoId),
    );
    const newest = query.get('order') === 'newest';
    if (newest) list = [...list].reverse();
    // Keyset paging, as the API: after the cursor's time, whatever became of that item.
    const cursor = this.items.find((i) => i.id === query.get('after'));
    let start = 0;
    if (cursor) {
      start = list.findIndex((i) =>
        newest ? i.receivedAt < cursor.receivedAt : i.receivedAt > cursor.receivedAt,
      );
      if (start < 0) start = list.length;
    }
    const limit = Number(query.get('limit') ?? 50);
    const items = list.slice(start, start + limit);
    const last = items[items.length - 1];
    return {
      items,
      next: start + limit < list.length && last ? last.id : null,
      counts: this.counts(),
      origins: ['https://news.example', 'https://partner.example'],
    };
  }
}
