import { z } from 'zod';
import { email, text } from '../../shared/http/fields.ts';

/** The body of the users demo's POST and PUT. */
export const usersDemoUserBody = z.strictObject({ first_name: text(100), last_name: text(100), email });
