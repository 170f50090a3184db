// Every route of the HTTP API, by dialect: the one list of them. The OpenAPI document describes these,
// serverless.yml deploys a function for each (infra/deploy/httpFunctions.ts) and the fallback knows
// their paths (infra/deploy/routeList.cjs), so a route cannot be served without being described.
import * as accounts from '../accounts/api.ts';
import * as analytics from '../analytics/api.ts';
import * as health from '../health/api.ts';
import * as invoices from '../invoices/api.ts';
import * as orders from '../orders/api.ts';
import * as products from '../products/api.ts';
import type { RouteContract } from '../shared/http/routeContract.ts';
import * as todos from '../todos/api.ts';
import * as users from '../users/api.ts';
import * as apiDocs from './api.ts';

export const apiRoutes: readonly RouteContract[] = [
  // the invoice demo
  users.createSystemApiUsersRoute,
  users.listSystemApiUsersRoute,
  accounts.createAccountsRoute,
  accounts.listAccountsRoute,
  orders.placeServiceOrdersRoute,
  orders.listServiceOrdersRoute,
  invoices.getInvoicesRoute,
  invoices.getInvoiceRoute,
  // the analytics seed
  products.createProductRoute,
  orders.placeCatalogOrderRoute,
  analytics.getProductSalesRoute,
  analytics.getCategoryRevenueRoute,
  analytics.getCustomerLifetimeValueRoute,
  analytics.getHourlySalesRoute,
  analytics.getSyncStatusRoute,
  // the todo demo
  todos.createTodoRoute,
  todos.listTodosRoute,
  todos.completeTodoRoute,
  todos.deleteTodoRoute,
  // the users demo
  users.registerUserRoute,
  users.listUsersRoute,
  users.getUserRoute,
  users.updateUserRoute,
  users.deleteUserRoute,
  // operations
  health.healthRoute,
  health.healthDependenciesRoute,
  apiDocs.openApiDocumentRoute,
  apiDocs.referencePageRoute,
  apiDocs.referenceAssetRoute,
] as RouteContract[];
