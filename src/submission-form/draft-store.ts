import type { SubmissionRequest } from '../api/wire.js';

/** What the reader has entered so far, kept on the device until the server confirms it. */
export interface Draft {
  message: string;
  displayName: string;
  anonymous: boolean;
  district: string;
  email: string;
  consentGiven: boolean;
  /** The version of the terms the reader agreed to (a new version asks them again). */
  consentVersion?: string;
  publishPermission: boolean;
  /** Permission to publish the photo; cleared with the photo. */
  photoPermission: boolean;
  /** Honeypot. */
  website: string;
  /** The resized, re-encoded photo. */
  photo: Blob | null;
  /** Idempotency-Key, made once per draft: every retry of it reuses it. */
  key: string;
  /** Receipt secret, made once per draft like the key: every retry sends the same one. */
  secret: string;
  /** The body as sent, once the reader has pressed Send; retries send exactly this. */
  request?: SubmissionRequest;
}

let db: Promise<IDBDatabase> | undefined;

/**
 * One IndexedDB operation on the `drafts` store, resolved once its transaction has
 * committed (so a resolved save survives a crash). Rejects where IndexedDB is missing
 * or blocked; callers then simply go without drafts.
 */
function run<T>(mode: IDBTransactionMode, op: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  db ??= new Promise((resolve, reject) => {
    const open = indexedDB.open('campaign-widgets', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('drafts');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(new Error('No IndexedDB', { cause: open.error }));
  });
  return db.then(
    (database) =>
      new Promise<T>((resolve, reject) => {
        const tx = database.transaction('drafts', mode);
        const request = op(tx.objectStore('drafts'));
        tx.oncomplete = () => resolve(request.result as T);
        tx.onerror = tx.onabort = () => reject(new Error('Not saved', { cause: tx.error }));
      }),
  );
}

// The photo is kept as bytes: some engines (WebKit in private sessions) refuse Blobs.
type Stored = Omit<Draft, 'photo'> & { photo: ArrayBuffer | null };

export const loadDraft = async (id: string): Promise<Draft | undefined> => {
  const saved = await run<Stored | undefined>('readonly', (s) => s.get(id));
  return (
    saved && { ...saved, photo: saved.photo && new Blob([saved.photo], { type: 'image/jpeg' }) }
  );
};
export const saveDraft = async (id: string, draft: Draft) => {
  const photo = draft.photo && (await draft.photo.arrayBuffer());
  return run<unknown>('readwrite', (s) => s.put({ ...draft, photo }, id));
};
export const clearDraft = (id: string) => run<unknown>('readwrite', (s) => s.delete(id));
