import type { Sql } from '../shared/postgres.ts';
import type { Account } from './account.ts';

export async function insertAccount(sql: Sql, account: Omit<Account, 'id'>): Promise<Account> {
  const { rows } = await sql.query<Account>(
    `INSERT INTO accounts (user_id, address1, address2, city, state, zip) VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING id, user_id AS "userId", address1, address2, city, state, zip`,
    [account.userId, account.address1, account.address2, account.city, account.state, account.zip],
  );
  return rows[0]!;
}
