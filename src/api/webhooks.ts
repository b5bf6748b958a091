/**
 * Outbound webhooks, as the newsroom console and the API speak of them
 * (`/v1/campaigns/:campaign/staff/webhooks`, admins only: endpoints hold secrets).
 * What a receiver gets is described in `docs/webhooks.md`.
 */

export const WEBHOOK_EVENTS = [
  'submission.received',
  'submission.approved',
  'submission.rejected',
  'submission.reported',
  'submission.removed',
  'submission.withdrawn',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** The event "Send a test event" delivers (to one endpoint, whatever it subscribes to). */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Most endpoints a campaign may have. */
export const WEBHOOK_ENDPOINTS_MAX = 20;
export const WEBHOOK_URL_MAX = 2000;
export const WEBHOOK_DESCRIPTION_MAX = 200;

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEventType[];
  enabled: boolean;
  description: string;
  /** The secret's last four characters, to tell secrets apart (the secret is shown once). */
  secretHint: string;
  createdAt: string;
  updatedAt: string;
  /** Deliveries not delivered yet, and given up on. */
  pending: number;
  failed: number;
}

/** The answer to a create or a secret rotation: the only time the secret is sent. */
export interface WebhookEndpointWithSecret {
  endpoint: WebhookEndpoint;
  secret: string;
}

export interface WebhookEndpointList {
  items: WebhookEndpoint[];
  /** The cap on endpoints per campaign. */
  max: number;
}

export interface WebhookEndpointCreate {
  url: string;
  events: WebhookEventType[];
  description?: string;
  enabled?: boolean;
}

export type WebhookEndpointUpdate = Partial<WebhookEndpointCreate>;

export interface WebhookDelivery {
  id: string;
  /** The event id receivers deduplicate by (`Campaign-Webhook-Id`). */
  eventId: string;
  event: WebhookEventType | typeof WEBHOOK_TEST_EVENT;
  status: DeliveryStatus;
  attempts: number;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: string | null;
  /** The receiver's last HTTP status, if it answered. */
  lastStatus: number | null;
  /** Why the last attempt failed, in English (e.g. "timeout", "HTTP 500"). */
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  /** The submission the event is about, if any. */
  submissionId: string | null;
}

export interface WebhookDeliveryPage {
  items: WebhookDelivery[];
  next: string | null;
}
