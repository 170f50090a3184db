// Loads every command handler, configured for a test database. The handlers are built when their
// modules load (their middleware reads the settings), so they are loaded after the configuration is
// given.
import { configure, type GivenSettings } from '../../functions/shared/config.ts';
import { logAtLeast, type LogLevel } from './logLevel.ts';

export async function loadHandlers(
  databaseUrl: string,
  { POWERTOOLS_LOG_LEVEL = 'WARN', ...given }: GivenSettings & { POWERTOOLS_LOG_LEVEL?: LogLevel } = {},
) {
  configure({ DATABASE_URL: databaseUrl, RELAY_WAKE: 'notify', ...given });
  logAtLeast(POWERTOOLS_LOG_LEVEL);
  return {
    createSystemApiUsers: (await import('../../functions/users/command/createSystemApiUsers.ts')).handler,
    registerUser: (await import('../../functions/users/command/registerUser.ts')).handler,
    updateUser: (await import('../../functions/users/command/updateUser.ts')).handler,
    deleteUser: (await import('../../functions/users/command/deleteUser.ts')).handler,
    createAccounts: (await import('../../functions/accounts/command/createAccounts.ts')).handler,
    placeServiceOrders: (await import('../../functions/orders/command/placeServiceOrders.ts')).handler,
    placeCatalogOrder: (await import('../../functions/orders/command/placeCatalogOrder.ts')).handler,
    createProduct: (await import('../../functions/products/command/createProduct.ts')).handler,
    createTodo: (await import('../../functions/todos/command/createTodo.ts')).handler,
    completeTodo: (await import('../../functions/todos/command/completeTodo.ts')).handler,
    deleteTodo: (await import('../../functions/todos/command/deleteTodo.ts')).handler,
    postgres: await import('../../functions/shared/postgres.ts'),
  };
}
