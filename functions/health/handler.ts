// GET /health, public: whether the read models are current (`ok`) or applying what they lack
// (`catching_up`), from the stream head and the checkpoints in DynamoDB. Anyone may call it, so it
// costs no connection and holds no secret: no PostgreSQL, no broker, no VPC, and 1 + one per stream
// eventually consistent GetItems (half a read unit each) over the container's one DynamoDB client;
// how often, the function's reserved concurrency and the stage's throttling bound. The dependencies
// are GET /health/dependencies's, for administrators (checkDependencies.ts).
import { httpHandler } from '../shared/http/httpHandler.ts';
import { healthRoute } from './api.ts';
import { overallStatus, readModelProgress } from './readModelProgress.ts';

export const handler = httpHandler(healthRoute, async () => {
  const readModels = await readModelProgress({ consistent: false });
  return { statusCode: 200, body: { status: overallStatus(readModels), readModels } };
});
