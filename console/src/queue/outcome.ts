/** What became of the last thing asked of an item, as its row and detail show it. */
export interface ItemOutcome {
  kind: 'sending' | 'ok' | 'error';
  /** Said in the row or the detail: "Already approved by 李明 at 14:02." */
  text: string;
}
