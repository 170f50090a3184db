// Field schemas shared by the event payloads of every version.
import { z } from 'zod';

export const id = z.number().int().positive();
export const cents = z.number().int().nonnegative();
