// The directory read model: users, accounts, orders, products and todos as the list and get
// endpoints show them. Deleted entities stay as tombstones without `kind`, so they drop out of the
// byKind index but an old event can never bring them back. Each owned entity also names its owner
// (`owner`, the byOwner index): a user and a todo their subject, an account and an order their user,
// so that a signed-in caller's lists read only what is theirs. A tombstone has no owner either.
// Every listed item also carries the keys of the indexes its lists are read from (listOrder.ts),
// derived from its fields after each event.
import type { EventData } from '../../events/contracts.ts';
import {
  PoisonEventError,
  type ItemKey,
  type Projection,
  type SubscribedEvent,
} from '../projectors/projection.ts';
import { assertNever } from '../shared/exhaustive.ts';
import { LIST_KEY_ATTRIBUTES, listKeys } from './listOrder.ts';

export type EntityKind = 'USER' | 'ACCOUNT' | 'ORDER' | 'PRODUCT' | 'TODO';

export interface DirectoryItem {
  /** absent on a tombstone */
  kind?: EntityKind;
  id: number;
  /** the byOwner index's key (ownerKey); absent on a tombstone and on what nobody owns */
  owner?: string;
  /** a user's and a todo's owner as created (null: nobody's) */
  ownerSubject?: string | null;
  deleted?: boolean;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

/** An entity's key: its kind is its sort key, so the stored key says what the item is, even a tombstone's. */
export interface EntityKey extends ItemKey {
  sk: EntityKind;
}
export const entityKey = (kind: EntityKind, id: number): EntityKey => ({ pk: `${kind}#${id}`, sk: kind });

/** The byOwner key of what an owner has of a kind: a user's and a todo's owner is a subject, an account's and an order's a user id. */
export const ownerKey = (kind: EntityKind, owner: string | number): string => `${kind}#${owner}`;

const ownedBy = (kind: EntityKind, owner: string | number | null) =>
  owner === null ? {} : { owner: ownerKey(kind, owner) };

export const directoryProjection: Projection<DirectoryItem, 'directory', EntityKey> = {
  name: 'directory',

  keysOf(event) {
    switch (event.type) {
      case 'user.created':
      case 'user.updated':
      case 'user.deleted':
        return [entityKey('USER', event.data.userId)];
      case 'account.created':
        return [entityKey('ACCOUNT', event.data.accountId)];
      case 'product.created':
        return [entityKey('PRODUCT', event.data.productId)];
      case 'order.created':
        return [
          entityKey('ORDER', event.data.orderId),
          ...event.data.lines.flatMap((line) =>
            line.productId === null ? [] : [entityKey('PRODUCT', line.productId)],
          ),
        ];
      case 'todo.created':
      case 'todo.completed':
      case 'todo.deleted':
        return [entityKey('TODO', event.data.todoId)];
      default:
        return assertNever(event, 'event');
    }
  },

  evolve(current, event, key) {
    return withListKeys(evolveEntity(current, event, key));
  },
};

/** The item with its list keys derived afresh from its fields (none on a tombstone or a product). */
function withListKeys(item: DirectoryItem): DirectoryItem {
  const fields: DirectoryItem = { ...item };
  for (const attribute of LIST_KEY_ATTRIBUTES) delete fields[attribute];
  return { ...fields, ...listKeys(fields) };
}

function evolveEntity(
  current: DirectoryItem | undefined,
  event: SubscribedEvent<'directory'>,
  key: EntityKey,
): DirectoryItem {
  const at = event.occurredAt;
  const created = (kind: EntityKind, id: number, fields: object): DirectoryItem => ({
    kind,
    id,
    ...fields,
    createdAt: current?.createdAt ?? at,
    updatedAt: at,
  });
  const existing = (): DirectoryItem => {
    if (!current || current.deleted) {
      throw new PoisonEventError(`${event.type} for ${key.pk}, which does not exist`);
    }
    return current;
  };
  switch (event.type) {
    case 'user.created':
      return created('USER', event.data.userId, {
        ...userFields(event.data),
        ownerSubject: event.data.ownerSubject,
        ...ownedBy('USER', event.data.ownerSubject),
      });
    case 'user.updated': {
      // the owner is the creation's, for good
      const ownerSubject = current?.ownerSubject ?? null;
      return created('USER', event.data.userId, {
        ...userFields(event.data),
        ownerSubject,
        ...ownedBy('USER', ownerSubject),
      });
    }
    case 'user.deleted':
    case 'todo.deleted':
      return { id: existing().id, deleted: true, createdAt: existing().createdAt, updatedAt: at };
    case 'account.created': {
      const { accountId, ...fields } = event.data;
      return created('ACCOUNT', accountId, { ...fields, ...ownedBy('ACCOUNT', fields.userId) });
    }
    case 'product.created': {
      const { productId, ...fields } = event.data;
      return created('PRODUCT', productId, fields);
    }
    case 'order.created': {
      if (key.sk === 'ORDER') {
        // what the order lists show: the lines stay in the event log, not in every index's copy
        const { orderId, customerId, description, totalCents } = event.data;
        return created('ORDER', orderId, {
          customerId,
          description,
          totalCents,
          ...ownedBy('ORDER', customerId),
        });
      }
      const product = existing();
      const sold = event.data.lines
        .filter((line) => line.productId !== null && key.pk === entityKey('PRODUCT', line.productId).pk)
        .reduce((sum, line) => sum + line.quantity, 0);
      const stock = Number(product.stock) - sold;
      if (stock < 0) throw new PoisonEventError(`${key.pk} would have negative stock`);
      return { ...product, stock, updatedAt: at };
    }
    case 'todo.created':
      return created('TODO', event.data.todoId, {
        title: event.data.title,
        completed: false,
        ownerSubject: event.data.ownerSubject,
        ...ownedBy('TODO', event.data.ownerSubject),
      });
    case 'todo.completed':
      return { ...existing(), completed: true, updatedAt: at };
    default:
      return assertNever(event, 'event');
  }
}

const userFields = (data: EventData<'user.updated'>) => ({
  name: data.name,
  firstName: data.firstName,
  lastName: data.lastName,
  email: data.email,
});
