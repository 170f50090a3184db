// PROJECTION_PARTITIONS's format, apart from streams.ts: config.ts checks the setting with it, and
// streams.ts reads the setting through config.ts (one module each way would be an import cycle).
import { z } from 'zod';
import { projectionNames, type ProjectionName } from './catalog.ts';

/**
 * PROJECTION_PARTITIONS (config.ts checks it at cold start with this; streams.ts reads it): `4` → every projection 4;
 * `directory=4` → the directory 4, the rest the catalog's.
 */
export const partitionsSetting = z
  .string()
  .regex(/^(\d{1,2}|[a-z]+=\d{1,2}(,[a-z]+=\d{1,2})*)$/, 'a count, or name=count pairs separated by commas')
  .transform((setting, context): Partial<Record<ProjectionName, number>> => {
    const counts: [string, number][] = /^\d+$/.test(setting)
      ? projectionNames.map((name) => [name, Number(setting)])
      : setting.split(',').map((pair) => [pair.split('=')[0]!, Number(pair.split('=')[1])]);
    for (const [name, count] of counts) {
      if (!projectionNames.includes(name as ProjectionName)) {
        context.addIssue({ code: 'custom', message: `no projection ${name}` });
      }
      if (count < 1 || count > 64)
        context.addIssue({ code: 'custom', message: `${name}: 1 to 64 partitions` });
    }
    return Object.fromEntries(counts);
  });
