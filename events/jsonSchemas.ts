// The JSON Schema of each event envelope, derived from its zod schema.
import { z } from 'zod';
import { envelopeSchemas, latestVersions, type EventType } from './contracts.ts';
import { legacyEnvelopeSchemas } from './storedEvents.ts';

/** Every published (type, version): the latest ones and the older ones still in the log. */
export function schemaVersions(): { type: string; version: number; schema: z.ZodType }[] {
  return [
    ...(Object.entries(envelopeSchemas) as [EventType, z.ZodType][]).map(([type, schema]) => ({
      type,
      version: latestVersions[type],
      schema,
    })),
    ...legacyEnvelopeSchemas,
  ];
}

/** File name → file content, e.g. `order.created.v2.json`. */
export function jsonSchemaFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const { type, version, schema } of schemaVersions()) {
    const jsonSchema = {
      $id: `https://cqrs-commerce.local/events/${type}.v${version}.json`,
      title: `${type} v${version}`,
      ...z.toJSONSchema(schema, { target: 'draft-2020-12' }),
    };
    files[`${type}.v${version}.json`] = `${JSON.stringify(jsonSchema, null, 2)}\n`;
  }
  return files;
}
