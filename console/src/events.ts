/**
 * The console's events: prefixed `newsroom-`, bubbling and composed, with a typed
 * `detail`. Views ask (a decision, an edit, a bulk decision) and the queue acts.
 */
import type {
  Decision,
  RejectReason,
  StaffMember,
  StaffSessionInfo,
} from '../../src/api/newsroom.js';

export interface DecisionAsk {
  id: string;
  action: Decision;
  withPhoto?: boolean;
  reason?: RejectReason;
  note?: string;
}

export interface EditAsk {
  id: string;
  featured?: boolean;
  photoAlt?: string | null;
  photoPublished?: boolean;
}

export interface BulkAsk {
  action: Decision;
  reason?: RejectReason;
  note?: string;
}

export type MoveAsk = 'next' | 'previous' | 'close';

export interface NewsroomEventMap {
  'newsroom-signed-in': StaffSessionInfo;
  'newsroom-announce': { message: string };
  'newsroom-decision': DecisionAsk;
  'newsroom-edit': EditAsk;
  'newsroom-bulk': BulkAsk;
  'newsroom-move': { to: MoveAsk };
  'newsroom-undo': { entryId: string };
  'newsroom-leave-link': null;
  'newsroom-select-all': { selected: boolean };
  'newsroom-account': StaffMember;
  /** Show another view of the console (a link inside a view). */
  'newsroom-go': { view: string };
}

declare global {
  interface GlobalEventHandlersEventMap {
    'newsroom-signed-in': CustomEvent<StaffSessionInfo>;
    'newsroom-announce': CustomEvent<{ message: string }>;
    'newsroom-decision': CustomEvent<DecisionAsk>;
    'newsroom-edit': CustomEvent<EditAsk>;
    'newsroom-bulk': CustomEvent<BulkAsk>;
    'newsroom-move': CustomEvent<{ to: MoveAsk }>;
    'newsroom-undo': CustomEvent<{ entryId: string }>;
    'newsroom-leave-link': CustomEvent<null>;
    'newsroom-select-all': CustomEvent<{ selected: boolean }>;
    'newsroom-account': CustomEvent<StaffMember>;
    'newsroom-go': CustomEvent<{ view: string }>;
  }
}

export function emit<K extends keyof NewsroomEventMap>(
  target: EventTarget,
  type: K,
  detail: NewsroomEventMap[K],
): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

/** Polite announcement through the console's live region. */
export const announce = (target: EventTarget, message: string) =>
  emit(target, 'newsroom-announce', { message });
