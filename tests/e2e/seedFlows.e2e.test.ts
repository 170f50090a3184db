// Each seed's documented flow through `npm run dev` (tests/support/seedFlows.ts).
import { afterAll, beforeAll } from 'vitest';
import { startDevStack, type DevStack } from '../support/devStack.ts';
import { describeSeedFlows } from '../support/seedFlows.ts';

let stack: DevStack;

beforeAll(async () => {
  stack = await startDevStack();
});

afterAll(async () => {
  await stack?.stop();
});

describeSeedFlows(() => stack);
