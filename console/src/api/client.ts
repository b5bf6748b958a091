/**
 * The console's API client: every route of the newsroom contract (src/api/newsroom.ts)
 * as a method. The session is a cookie the console never sees (`credentials:
 * 'same-origin'`); every change carries `X-CSRF-Token`. Failures are `ApiFailure`s
 * with the API's code; a request the network drops is tried again (the caller's typed
 * text stays where it is) until it gets an answer or is aborted.
 */
import type {
  AuditPage,
  BulkDecisionRequest,
  BulkDecisionResult,
  DecisionRequest,
  PrivacyMatches,
  QueueItem,
  QueueItemDetail,
  QueuePage,
  SafetySettings,
  SafetySettingsUpdate,
  StaffLinkInfo,
  StaffLinkIssued,
  StaffMember,
  StaffRole,
  StaffSessionInfo,
  SubmissionEdit,
} from '../../../src/api/newsroom.js';
import type { ApiErrorBody, Campaign, ErrorCode, Locale } from '../../../src/api/wire.js';
import type {
  CampaignSettings,
  CampaignSettingsUpdate,
} from '../../../src/api/campaign-settings.js';
import type {
  CampaignCreate,
  CampaignList,
  CampaignRole,
  CampaignRoleList,
  CampaignSummary,
  StaffCampaignRoles,
} from '../../../src/api/campaigns.js';
import type {
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointList,
  WebhookEndpointUpdate,
  WebhookEndpointWithSecret,
} from '../../../src/api/webhooks.js';
import type {
  PartnerDeleted,
  PartnerList,
  PartnerSite,
  PartnerSiteInput,
  PartnerSiteUpdate,
} from '../../../src/api/partners.js';

/** `network`: no answer at all; `unknown`: an answer that is not the API's error shape. */
export type FailureCode = ErrorCode | 'network' | 'unknown';

export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  constructor(
    readonly status: number,
    readonly code: FailureCode,
    message: string,
    readonly body: ApiErrorBody | null = null,
    /** Seconds from `Retry-After`, when the API sent one. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

export const isFailure = (error: unknown, code?: FailureCode): error is ApiFailure =>
  error instanceof ApiFailure && (code === undefined || error.code === code);

type Query = Record<string, string | number | null | undefined>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** False for the sign-in routes: their 401 is an answer, not an ended session. */
  session?: boolean;
}

export interface ConsoleApiOptions {
  /** Origin and path prefix of the API; the page's own origin by default. */
  base?: string;
  /** The session ended (401 on a signed-in route). */
  onUnauthorized?: () => void;
  /** The network went away (true) or came back (false). */
  onConnectivity?: (offline: boolean) => void;
}

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const queryString = (query: Query = {}): string => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
};

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener('online', done);
      signal?.removeEventListener('abort', done);
      if (signal?.aborted) reject(signal.reason as Error);
      else resolve();
    };
    const timer = setTimeout(done, ms);
    // Back online: try at once rather than at the end of the wait.
    window.addEventListener('online', done);
    signal?.addEventListener('abort', done);
  });

export class ConsoleApi {
  /** Waits between tries while the network is down, in ms (the last one repeats). */
  retryDelays = [1000, 2000, 5000, 10000];
  campaign = '';
  csrfToken: string | null = null;
  readonly base: string;
  #options: ConsoleApiOptions;
  #offline = false;

  constructor(options: ConsoleApiOptions = {}) {
    this.#options = options;
    this.base = (options.base ?? '').replace(/\/$/, '');
  }

  get offline(): boolean {
    return this.#offline;
  }

  #setOffline(offline: boolean) {
    if (this.#offline === offline) return;
    this.#offline = offline;
    this.#options.onConnectivity?.(offline);
  }

  url(path: string, query?: Query): string {
    return `${this.base}${path}${queryString(query)}`;
  }

  #scoped(path: string): string {
    return `/v1/campaigns/${encodeURIComponent(this.campaign)}/staff${path}`;
  }

  async #send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (WRITE.has(method) && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(this.url(path, options.query), {
          method,
          headers,
          credentials: 'same-origin',
          cache: 'no-store',
          body: options.body === undefined ? null : JSON.stringify(options.body),
          signal: options.signal ?? null,
        });
        this.#setOffline(false);
        return response;
      } catch (error) {
        if (options.signal?.aborted) throw error;
        // No answer: the network is down (or the server unreachable). Keep trying.
        this.#setOffline(true);
        const delays = this.retryDelays;
        await sleep(delays[Math.min(attempt, delays.length - 1)] ?? 1000, options.signal);
      }
    }
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    let response = await this.#send(method, path, options);
    let failure = response.ok ? null : await this.#failure(response);
    // The CSRF token can change (another tab signed in again): read it and retry once.
    if (failure?.code === 'csrf_failed' && options.session !== false) {
      const session = await this.getSession().catch(() => null);
      if (session) {
        response = await this.#send(method, path, options);
        failure = response.ok ? null : await this.#failure(response);
      }
    }
    if (failure) {
      if (failure.status === 401 && options.session !== false) this.#options.onUnauthorized?.();
      throw failure;
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async #failure(response: Response): Promise<ApiFailure> {
    let body: ApiErrorBody | null = null;
    try {
      body = (await response.json()) as ApiErrorBody;
    } catch {
      body = null;
    }
    const header = response.headers.get('retry-after');
    const seconds = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : null;
    const code = body && typeof body.code === 'string' ? body.code : 'unknown';
    return new ApiFailure(
      response.status,
      code,
      body?.message ?? response.statusText ?? String(response.status),
      body,
      seconds,
    );
  }

  // ---- sign-in ---------------------------------------------------------------

  async getSession(signal?: AbortSignal): Promise<StaffSessionInfo> {
    const session = await this.request<StaffSessionInfo>('GET', '/v1/staff/session', {
      signal,
      session: false,
    });
    this.csrfToken = session.csrfToken;
    return session;
  }

  async signIn(email: string, password: string): Promise<StaffSessionInfo> {
    const session = await this.request<StaffSessionInfo>('POST', '/v1/staff/session', {
      body: { email, password },
      session: false,
    });
    this.csrfToken = session.csrfToken;
    return session;
  }

  async signOut(everywhere = false): Promise<void> {
    await this.request<void>('DELETE', everywhere ? '/v1/staff/sessions' : '/v1/staff/session', {
      session: false,
    });
    this.csrfToken = null;
  }

  /**
   * `checksPassword`: the change carries `currentPassword`, whose refusal (401) is an
   * answer about the password, not an ended session.
   */
  updateMe(
    patch: { name?: string; locale?: Locale; password?: string; currentPassword?: string },
    checksPassword = false,
  ): Promise<StaffMember> {
    return this.request('PATCH', '/v1/staff/me', { body: patch, session: !checksPassword });
  }

  getLink(token: string, signal?: AbortSignal): Promise<StaffLinkInfo> {
    // The token goes in a body: a URL's path or query would end up in access logs.
    return this.request('POST', '/v1/staff/links/info', {
      body: { token },
      signal,
      session: false,
    });
  }

  async useLink(
    token: string,
    body: { password: string; email?: string; name?: string; locale?: Locale },
  ): Promise<StaffSessionInfo> {
    const session = await this.request<StaffSessionInfo>('POST', '/v1/staff/links/use', {
      body: { token, ...body },
      session: false,
    });
    this.csrfToken = session.csrfToken;
    return session;
  }

  // ---- staff accounts (admin) -------------------------------------------------

  listAccounts(signal?: AbortSignal): Promise<{ items: StaffMember[] }> {
    return this.request('GET', '/v1/staff/accounts', { signal });
  }

  addAccount(body: {
    email: string;
    name: string;
    role: StaffRole;
    locale?: Locale;
  }): Promise<StaffLinkIssued> {
    return this.request('POST', '/v1/staff/accounts', { body });
  }

  updateAccount(
    id: string,
    patch: { name?: string; role?: StaffRole; disabled?: boolean },
  ): Promise<StaffMember> {
    return this.request('PATCH', `/v1/staff/accounts/${encodeURIComponent(id)}`, { body: patch });
  }

  resetLink(id: string): Promise<StaffLinkIssued> {
    return this.request('POST', `/v1/staff/accounts/${encodeURIComponent(id)}/link`);
  }

  // ---- campaigns, and roles per campaign (src/api/campaigns.ts) -------------------

  /** The campaigns the signed-in person has a role on, with that role and counts. */
  listCampaigns(signal?: AbortSignal): Promise<CampaignList> {
    return this.request('GET', '/v1/staff/campaigns', { signal });
  }

  /** Global admins; `400 validation` names each refused field, `409 campaign_exists`. */
  createCampaign(body: CampaignCreate): Promise<CampaignSummary> {
    return this.request('POST', '/v1/staff/campaigns', { body });
  }

  /** Every account's roles per campaign, where set (global admins). */
  campaignRoles(signal?: AbortSignal): Promise<CampaignRoleList> {
    return this.request('GET', '/v1/staff/campaign-roles', { signal });
  }

  /** Replaces all of the account's roles per campaign (global admins). */
  setCampaignRoles(id: string, roles: Record<string, CampaignRole>): Promise<StaffCampaignRoles> {
    return this.request('PUT', `/v1/staff/accounts/${encodeURIComponent(id)}/campaign-roles`, {
      body: { roles },
    });
  }

  // ---- the campaign ------------------------------------------------------------

  getCampaign(locale: Locale, signal?: AbortSignal): Promise<Campaign> {
    return this.request('GET', `/v1/campaigns/${encodeURIComponent(this.campaign)}`, {
      query: { locale },
      signal,
    });
  }

  queue(query: Query, signal?: AbortSignal): Promise<QueuePage> {
    return this.request('GET', this.#scoped('/queue'), { query, signal });
  }

  detail(id: string, signal?: AbortSignal): Promise<QueueItemDetail> {
    return this.request('GET', this.#scoped(`/submissions/${encodeURIComponent(id)}`), {
      signal,
    });
  }

  photoUrl(id: string, width = 640): string {
    return this.url(this.#scoped(`/submissions/${encodeURIComponent(id)}/photo`), { width });
  }

  decide(id: string, decision: DecisionRequest): Promise<QueueItem> {
    return this.request('POST', this.#scoped(`/submissions/${encodeURIComponent(id)}/decision`), {
      body: decision,
    });
  }

  edit(id: string, edit: SubmissionEdit): Promise<QueueItem> {
    return this.request('PATCH', this.#scoped(`/submissions/${encodeURIComponent(id)}`), {
      body: edit,
    });
  }

  bulk(request: BulkDecisionRequest): Promise<BulkDecisionResult> {
    return this.request('POST', this.#scoped('/submissions/bulk'), { body: request });
  }

  audit(query: Query, signal?: AbortSignal): Promise<AuditPage> {
    return this.request('GET', this.#scoped('/audit'), { query, signal });
  }

  auditCsvUrl(query: Query): string {
    return this.url(this.#scoped('/audit.csv'), query);
  }

  undo(entryId: string): Promise<QueueItem> {
    return this.request('POST', this.#scoped(`/audit/${encodeURIComponent(entryId)}/undo`));
  }

  privacy(email: string, signal?: AbortSignal): Promise<PrivacyMatches> {
    return this.request('GET', this.#scoped('/privacy'), { query: { email }, signal });
  }

  privacyExportUrl(email: string): string {
    return this.url(this.#scoped('/privacy/export'), { email });
  }

  privacyDelete(email: string): Promise<{ deleted: number }> {
    return this.request('POST', this.#scoped('/privacy/delete'), { body: { email } });
  }

  exportUrl(format: 'csv' | 'json'): string {
    return this.url(this.#scoped(`/exports/quotes.${format}`));
  }

  /** The campaign's trust and safety settings (any signed-in staff). */
  safety(signal?: AbortSignal): Promise<SafetySettings> {
    return this.request('GET', this.#scoped('/safety'), { signal });
  }

  /** Admins only; `422 validation` names each refused field. */
  saveSafety(update: SafetySettingsUpdate): Promise<SafetySettings> {
    return this.request('PUT', this.#scoped('/safety'), { body: update });
  }

  /** The campaign's settings: status, closing time, consent, districts, limits (any staff). */
  campaignSettings(signal?: AbortSignal): Promise<CampaignSettings> {
    return this.request('GET', this.#scoped('/settings'), { signal });
  }

  /**
   * Admins only, with the `revision` read: `409 stale` carries the settings as they now
   * stand (`details.current`); `400`/`422 validation` name each refused field.
   */
  saveCampaignSettings(update: CampaignSettingsUpdate): Promise<CampaignSettings> {
    return this.request('PUT', this.#scoped('/settings'), { body: update });
  }

  // ---- outbound webhooks (admins only, reading too) ----

  webhooks(signal?: AbortSignal): Promise<WebhookEndpointList> {
    return this.request('GET', this.#scoped('/webhooks'), { signal });
  }

  /** The answer holds the secret: the only time it is sent. */
  addWebhook(body: WebhookEndpointCreate): Promise<WebhookEndpointWithSecret> {
    return this.request('POST', this.#scoped('/webhooks'), { body });
  }

  updateWebhook(id: string, body: WebhookEndpointUpdate): Promise<WebhookEndpoint> {
    return this.request('PATCH', this.#scoped(`/webhooks/${encodeURIComponent(id)}`), { body });
  }

  rotateWebhookSecret(id: string): Promise<WebhookEndpointWithSecret> {
    return this.request('POST', this.#scoped(`/webhooks/${encodeURIComponent(id)}/secret`));
  }

  deleteWebhook(id: string): Promise<void> {
    return this.request('DELETE', this.#scoped(`/webhooks/${encodeURIComponent(id)}`));
  }

  webhookDeliveries(
    id: string,
    query: { before?: string | null; limit?: number } = {},
    signal?: AbortSignal,
  ): Promise<WebhookDeliveryPage> {
    return this.request('GET', this.#scoped(`/webhooks/${encodeURIComponent(id)}/deliveries`), {
      query: { before: query.before ?? null, limit: query.limit ?? null },
      signal,
    });
  }

  resendWebhookDelivery(id: string, delivery: string): Promise<WebhookDelivery> {
    return this.request(
      'POST',
      this.#scoped(
        `/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(delivery)}/resend`,
      ),
    );
  }

  sendWebhookTest(id: string): Promise<{ eventId: string }> {
    return this.request('POST', this.#scoped(`/webhooks/${encodeURIComponent(id)}/test`));
  }

  // ---- partner sites (every role reads; admins change) ----

  partners(signal?: AbortSignal): Promise<PartnerList> {
    return this.request('GET', this.#scoped('/partners'), { signal });
  }

  /** `409 origin_taken`: another partner has one of the origins; `limit_reached`: too many. */
  addPartner(body: PartnerSiteInput): Promise<PartnerSite> {
    return this.request('POST', this.#scoped('/partners'), { body });
  }

  /** With the `version` read: `409 stale` carries the partner as it now stands. */
  updatePartner(id: string, body: PartnerSiteUpdate): Promise<PartnerSite> {
    return this.request('PUT', this.#scoped(`/partners/${encodeURIComponent(id)}`), { body });
  }

  deletePartner(id: string, version: number): Promise<PartnerDeleted> {
    return this.request('DELETE', this.#scoped(`/partners/${encodeURIComponent(id)}`), {
      query: { version },
    });
  }

  eventsUrl(): string {
    return this.url(this.#scoped('/events'));
  }
}
