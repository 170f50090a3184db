// What each job's broker user may do, and how prepareBackend gives it: as a definitions document
// (users, their permissions on the virtual host, their topic permissions), which RabbitMQ imports
// whole (`POST /api/definitions`, Amazon MQ's management API; `rabbitmqctl import_definitions`
// locally), creating or updating each user. Users carry a salted hash: the password itself goes
// nowhere. decision 0036, "A role per job".
//
// RabbitMQ checks, per virtual host: configure (declare, delete, bind a queue's side), write
// (publish to an exchange; bind a queue needs write on it) and read (consume a queue; bind needs read
// on the exchange). Nobody here may configure: the topology is prepareBackend's, as the
// administrator.
import { createHash, randomBytes } from 'node:crypto';
import { eventTypes } from '../../events/contracts.ts';
import { allStreams, type Stream } from '../projectors/streams.ts';
import { brokerJobs, type BrokerJob } from '../shared/brokerUsers.ts';
import { streamsExchange } from './brokerTopology.ts';

export interface Permission {
  configure: string;
  write: string;
  read: string;
}

/** Which routing keys a user may publish with to a topic exchange (RabbitMQ's topic permissions). */
export interface TopicPermission {
  exchange: string;
  write: string;
  read: string;
}

const NOTHING = '^$';
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A regular expression that matches these names and no other. */
const exactly = (names: readonly string[]) =>
  names.length === 0 ? NOTHING : `^(${names.map(escapeRegExp).join('|')})$`;

/**
 * The relay publishes to the events exchange (each event by its type) and to the streams exchange
 * behind it (re-publications and redrives to one stream: brokerTopology.ts), and reads nothing; a
 * projection's mapping consumes its own streams' queues, and writes nothing.
 */
export function brokerPermissions(
  job: BrokerJob,
  exchange: string,
  streams: readonly Stream[] = allStreams(),
): { permission: Permission; topic?: TopicPermission } {
  if (job === 'relay') {
    return {
      permission: {
        configure: NOTHING,
        write: exactly([exchange, streamsExchange(exchange)]),
        read: NOTHING,
      },
      // whatever binds the events exchange by type gets only the event types there are
      topic: { exchange, write: exactly(eventTypes), read: NOTHING },
    };
  }
  const queues = streams.filter((stream) => stream.projection === job).map((stream) => stream.name);
  return { permission: { configure: NOTHING, write: NOTHING, read: exactly(queues) } };
}

/** RabbitMQ's `rabbit_password_hashing_sha256`: base64 of a 4-byte salt and SHA-256(salt ‖ password). */
export function rabbitPasswordHash(password: string, salt = randomBytes(4)): string {
  const hash = createHash('sha256').update(salt).update(password, 'utf8').digest();
  return Buffer.concat([salt, hash]).toString('base64');
}

export interface BrokerDefinitions {
  users: { name: string; password_hash: string; hashing_algorithm: string; tags: string[] }[];
  permissions: ({ user: string; vhost: string } & Permission)[];
  topic_permissions: ({ user: string; vhost: string } & TopicPermission)[];
}

/** Each job's user, with its password and its permissions on `virtualHost`. */
export function brokerDefinitions(
  virtualHost: string,
  exchange: string,
  users: Record<BrokerJob, { username: string; password: string }>,
  streams: readonly Stream[] = allStreams(),
): BrokerDefinitions {
  const definitions: BrokerDefinitions = { users: [], permissions: [], topic_permissions: [] };
  for (const job of brokerJobs) {
    const { username, password } = users[job];
    const { permission, topic } = brokerPermissions(job, exchange, streams);
    definitions.users.push({
      name: username,
      password_hash: rabbitPasswordHash(password),
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      // no tag: no management UI or API, no monitoring, nothing but AMQP
      tags: [],
    });
    definitions.permissions.push({ user: username, vhost: virtualHost, ...permission });
    if (topic) definitions.topic_permissions.push({ user: username, vhost: virtualHost, ...topic });
  }
  return definitions;
}

/** How prepareBackend hands the broker its definitions. */
export type ImportDefinitions = (definitions: BrokerDefinitions) => Promise<void>;

/**
 * Through RabbitMQ's management API (Amazon MQ's broker serves it on its console URL, inside the
 * VPC), as the administrator: `POST /api/definitions` creates or updates what it names and leaves
 * everything else as it is.
 */
export const importThroughManagementApi =
  (managementUrl: string, admin: { username: string; password: string }): ImportDefinitions =>
  async (definitions) => {
    const response = await fetch(new URL('/api/definitions', managementUrl), {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(definitions),
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) {
      // the status and RabbitMQ's reason; never the body sent, which holds the users' hashes
      const reason = (await response.text()).slice(0, 300);
      throw new Error(
        `the broker's management API refused the users' definitions: ${response.status} ${reason}`,
      );
    }
  };
