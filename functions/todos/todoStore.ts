// The todos table.
import type { Sql } from '../shared/postgres.ts';
import type { Todo } from './todo.ts';

export async function insertTodo(
  sql: Sql,
  title: string,
  ownerSubject: string | null,
): Promise<Pick<Todo, 'id' | 'title' | 'ownerSubject'>> {
  const { rows } = await sql.query<Pick<Todo, 'id' | 'title' | 'ownerSubject'>>(
    'INSERT INTO todos (title, owner_subject) VALUES ($1, $2) RETURNING id, title, owner_subject AS "ownerSubject"',
    [title, ownerSubject],
  );
  return rows[0]!;
}

/** Locks the row until the transaction ends, so two completions cannot both pass the rules. */
export async function lockTodo(sql: Sql, id: number): Promise<Todo | undefined> {
  const { rows } = await sql.query<Todo>(
    `SELECT id, title, completed, deleted_at IS NOT NULL AS deleted, owner_subject AS "ownerSubject"
       FROM todos WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0];
}

export async function markTodoCompleted(sql: Sql, id: number, at: Date): Promise<void> {
  await sql.query('UPDATE todos SET completed = true, completed_at = $2 WHERE id = $1', [id, at]);
}

export async function markTodoDeleted(sql: Sql, id: number, at: Date): Promise<void> {
  await sql.query('UPDATE todos SET deleted_at = $2 WHERE id = $1', [id, at]);
}
