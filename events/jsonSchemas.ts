// The JSON Schema of each event envelope, derived from its zod schema.
import { z } from 'zod';
import { envelopeSchemas, type EventType } from './contracts.ts';

/** File name → file content, e.g. `order.created.v1.json`. */
export function jsonSchemaFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [type, schema] of Object.entries(envelopeSchemas) as [EventType, z.ZodType][]) {
    const jsonSchema = {
      $id: `https://cqrs-commerce.local/events/${type}.v1.json`,
      title: `${type} v1`,
      ...z.toJSONSchema(schema, { target: 'draft-2020-12' }),
    };
    files[`${type}.v1.json`] = `${JSON.stringify(jsonSchema, null, 2)}\n`;
  }
  return files;
}
