// The directory table as its queries read it: its name and the fields each kind of item carries
// (those directoryProjection writes from the events' data).
import type { EventData } from '../../../events/contracts.ts';
import { liveTable } from '../../projectors/liveTables.ts';
import type { DirectoryItem } from '../directoryProjection.ts';

export const directoryTableName = () => liveTable('directory');

/** The index that holds every live item of a kind in id order; tombstones have no kind, so not them. */
export const BY_KIND_INDEX = 'byKind';

/** The index that holds what one owner has of a kind, in id order (directoryProjection's ownerKey). */
export const BY_OWNER_INDEX = 'byOwner';

export type StoredUser = DirectoryItem & Omit<EventData<'user.created'>, 'userId'>;
export type StoredAccount = DirectoryItem & Omit<EventData<'account.created'>, 'accountId'>;
export type StoredOrder = DirectoryItem &
  Pick<EventData<'order.created'>, 'customerId' | 'description' | 'totalCents'>;
export type StoredTodo = DirectoryItem & { title: string; completed: boolean; ownerSubject?: string | null };
