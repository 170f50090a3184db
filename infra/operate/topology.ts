// `npm run topology`: creates the exchange, queues and bindings on the broker at RABBITMQ_URL.
import amqp from 'amqplib';
import { brokerUrl, settings } from '../../functions/shared/config.ts';
import { setupTopology } from '../../functions/operations/brokerTopology.ts';
import { parseCommandLine } from '../terminal/commandLine.ts';

parseCommandLine(
  { options: {} },
  'Usage: npm run topology\n\nDeclares the exchange, queues and bindings on the broker at RABBITMQ_URL.',
);

const connection = await amqp.connect(await brokerUrl());
try {
  await setupTopology(connection, settings.EVENTS_EXCHANGE, console.log);
  console.log(`topology ready on ${new URL(await brokerUrl()).host}`);
} finally {
  await connection.close();
}
