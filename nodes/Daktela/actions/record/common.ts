/** What the shared contact / account operations have in common. */

/** Contacts and accounts have the same shape and operations; the code is shared. */
export type RecordEntity = 'contact' | 'account';

/**
 * Records written (or fetched) at once. The client also caps requests in flight; the pool stays
 * at the same size so that, when a failure stops the node, no queued write still goes out.
 */
export const WRITE_CONCURRENCY = 5;
