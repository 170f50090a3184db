import { Logger } from '@aws-lambda-powertools/logger';

// the same `service` as the metrics: the service with its stage where serverless.yml says so
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'cqrs-commerce' });
