// The directory read model: users, accounts, orders, products and todos as the list and get
// endpoints show them. Deleted entities stay as tombstones without `kind`, so they drop out of the
// byKind index but an old event can never bring them back.
import type { DomainEvent, EventData } from '../../events/contracts.ts';
import { PoisonEventError, type ItemKey, type Projection } from '../projectors/projection.ts';

export type EntityKind = 'USER' | 'ACCOUNT' | 'ORDER' | 'PRODUCT' | 'TODO';

export interface DirectoryItem {
  /** absent on a tombstone */
  kind?: EntityKind;
  id: number;
  deleted?: boolean;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

export const entityKey = (kind: EntityKind, id: number): ItemKey => ({ pk: `${kind}#${id}`, sk: kind });

export const directoryProjection: Projection<DirectoryItem> = {
  name: 'directory',

  keysOf(event: DomainEvent): ItemKey[] {
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
        return assertNever(event);
    }
  },

  evolve(current, event, key) {
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
      case 'user.updated':
        return created('USER', event.data.userId, userFields(event.data));
      case 'user.deleted':
      case 'todo.deleted':
        return { id: existing().id, deleted: true, createdAt: existing().createdAt, updatedAt: at };
      case 'account.created': {
        const { accountId, ...fields } = event.data;
        return created('ACCOUNT', accountId, fields);
      }
      case 'product.created': {
        const { productId, ...fields } = event.data;
        return created('PRODUCT', productId, fields);
      }
      case 'order.created': {
        if (key.sk === 'ORDER') {
          const { orderId, ...fields } = event.data;
          return created('ORDER', orderId, fields);
        }
        const product = existing();
        const sold = event.data.lines
          .filter((line) => key.pk === `PRODUCT#${line.productId}`)
          .reduce((sum, line) => sum + line.quantity, 0);
        const stock = Number(product.stock) - sold;
        if (stock < 0) throw new PoisonEventError(`${key.pk} would have negative stock`);
        return { ...product, stock, updatedAt: at };
      }
      case 'todo.created':
        return created('TODO', event.data.todoId, { title: event.data.title, completed: false });
      case 'todo.completed':
        return { ...existing(), completed: true, updatedAt: at };
      default:
        return assertNever(event);
    }
  },
};

const userFields = (data: EventData<'user.created'>) => ({
  name: data.name,
  firstName: data.firstName,
  lastName: data.lastName,
  email: data.email,
});

function assertNever(event: never): never {
  throw new PoisonEventError(`unknown event ${JSON.stringify(event)}`);
}
