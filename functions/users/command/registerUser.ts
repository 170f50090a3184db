// POST /users {first_name, last_name, email} → 201 the user with id, tied to the signed-in subject
import { ownerOfNewUser } from '../../shared/callers.ts';
import { commandHandler } from '../../shared/commands/commandHandler.ts';
import { registerUserRoute } from '../api.ts';
import { asUsersDemoUser, userCreated, userFromNameParts } from '../user.ts';
import { insertUser } from '../userStore.ts';

export const handler = commandHandler(registerUserRoute, async ({ body, caller }, sql) => {
  const user = await insertUser(
    sql,
    userFromNameParts(body.first_name, body.last_name, body.email),
    ownerOfNewUser(caller),
  );
  return { statusCode: 201, body: asUsersDemoUser(user), events: [userCreated(user)] };
});
