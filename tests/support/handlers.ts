// Loads every command handler after pointing the configuration at a test database; config.ts reads
// the environment once at import, so the imports must come after the environment is set.
export async function loadHandlers(databaseUrl: string, env: Record<string, string> = {}) {
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    RELAY_WAKE: 'notify',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    ...env,
  });
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
