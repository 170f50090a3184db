// `npm run topology`: creates the exchange, queues and bindings on the broker at RABBITMQ_URL.
import amqp from 'amqplib';
import { settings } from '../../functions/shared/config.ts';
import { setupTopology } from '../../functions/operations/brokerTopology.ts';

const connection = await amqp.connect(settings.RABBITMQ_URL);
try {
  await setupTopology(connection, settings.EVENTS_EXCHANGE, console.log);
  console.log(`topology ready on ${new URL(settings.RABBITMQ_URL).host}`);
} finally {
  await connection.close();
}
