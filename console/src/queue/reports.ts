import type { QueueItem } from '../../../src/api/newsroom.js';

/** A published quote with open reports, or hidden after them: staff may restore it. */
export const canRestore = (item: QueueItem): boolean =>
  item.status === 'approved' && (item.hidden || (item.reports?.open ?? 0) > 0);
