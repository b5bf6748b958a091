/**
 * The queue's view as URL parameters (`?status=approved&q=火锅&photo=yes`), so a view
 * can be shared and survives a reload, and as the API query. Pure functions.
 */
import { msg } from '@lit/localize';
import { QUEUE_FLAGS, type QueueFlag } from '../../../src/api/newsroom.js';
import { LOCALES, type Locale, type SubmissionStatus } from '../../../src/api/wire.js';

/** The tabs' counts: per status, and the items with open reports. */
export type TabCounts = Partial<Record<SubmissionStatus | 'reported', number>>;

export interface QueueTab {
  id: string;
  /** What the tab adds to the queue query: a status (null: any), and a flag. */
  status: SubmissionStatus | null;
  flag?: QueueFlag;
  label: () => string;
  count: (counts: TabCounts) => number | undefined;
}

/** The tabs, in order. */
export const QUEUE_TABS: readonly QueueTab[] = [
  { id: 'pending', status: 'pending', label: () => msg('Pending'), count: (c) => c.pending },
  { id: 'approved', status: 'approved', label: () => msg('Approved'), count: (c) => c.approved },
  { id: 'rejected', status: 'rejected', label: () => msg('Rejected'), count: (c) => c.rejected },
  { id: 'removed', status: 'removed', label: () => msg('Removed'), count: (c) => c.removed },
  // Open reports whatever the status (published quotes, in practice).
  {
    id: 'reported',
    status: null,
    flag: 'reported',
    label: () => msg('Reported'),
    count: (c) => c.reported,
  },
];

export const ORDERS = ['oldest', 'newest'] as const;
export type Order = (typeof ORDERS)[number];
export const PHOTO_FILTERS = ['yes', 'no'] as const;

export interface QueueFilters {
  tab: string;
  order: Order;
  q: string;
  locale: Locale | '';
  district: string;
  photo: 'yes' | 'no' | '';
  origin: string;
  from: string;
  to: string;
  flag: QueueFlag | '';
}

export const DEFAULT_FILTERS: QueueFilters = {
  tab: 'pending',
  order: 'oldest',
  q: '',
  locale: '',
  district: '',
  photo: '',
  origin: '',
  from: '',
  to: '',
  flag: '',
};

/** URL parameter names; `tab` is written `status` (what people read in a shared link). */
const PARAM: Record<keyof QueueFilters, string> = {
  tab: 'status',
  order: 'order',
  q: 'q',
  locale: 'locale',
  district: 'district',
  photo: 'photo',
  origin: 'origin',
  from: 'from',
  to: 'to',
  flag: 'flag',
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function tabOf(filters: QueueFilters): QueueTab {
  return QUEUE_TABS.find((tab) => tab.id === filters.tab) ?? QUEUE_TABS[0];
}

const oneOf = <T extends string>(list: readonly T[], value: string | null): T | '' =>
  value !== null && (list as readonly string[]).includes(value) ? (value as T) : '';

export function filtersFromUrl(params: URLSearchParams): QueueFilters {
  const get = (key: keyof QueueFilters) => params.get(PARAM[key]);
  const tab = get('tab');
  return {
    tab: QUEUE_TABS.some((t) => t.id === tab) ? tab! : DEFAULT_FILTERS.tab,
    order: oneOf(ORDERS, get('order')) || DEFAULT_FILTERS.order,
    q: (get('q') ?? '').slice(0, 200),
    locale: oneOf(LOCALES, get('locale')),
    district: (get('district') ?? '').slice(0, 100),
    photo: oneOf(PHOTO_FILTERS, get('photo')),
    origin: (get('origin') ?? '').slice(0, 300),
    from: DATE.test(get('from') ?? '') ? get('from')! : '',
    to: DATE.test(get('to') ?? '') ? get('to')! : '',
    flag: oneOf(QUEUE_FLAGS, get('flag')),
  };
}

/** Writes the filters that differ from the defaults into `params`; removes the rest. */
export function writeFilters(filters: QueueFilters, params: URLSearchParams): void {
  for (const key of Object.keys(PARAM) as (keyof QueueFilters)[]) {
    const value = filters[key];
    if (value && value !== DEFAULT_FILTERS[key]) params.set(PARAM[key], value);
    else params.delete(PARAM[key]);
  }
}

/** How many filters besides the tab, the order and the search are set. */
export function activeFilterCount(filters: QueueFilters): number {
  const fixed = tabOf(filters).flag;
  return (['locale', 'district', 'photo', 'origin', 'from', 'to', 'flag'] as const).filter(
    (key) => filters[key] !== '' && !(key === 'flag' && fixed),
  ).length;
}

export const PAGE_SIZE = 50;

/** The `GET …/staff/queue` query for these filters. */
export function queueQuery(
  filters: QueueFilters,
  after: string | null,
  limit = PAGE_SIZE,
): Record<string, string | number | null> {
  const tab = tabOf(filters);
  return {
    status: tab.status,
    order: filters.order,
    q: filters.q.trim(),
    locale: filters.locale,
    district: filters.district,
    photo: filters.photo,
    origin: filters.origin,
    from: filters.from,
    to: filters.to,
    // A tab that is a flag (Reported) takes the one flag the API filters by.
    flag: tab.flag ?? filters.flag,
    after,
    limit,
  };
}
