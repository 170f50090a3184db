// The cloud tier's checks of the PostgreSQL connections: the packaged template sends the commands
// through RDS Proxy and the relay past it, with pools and reserved concurrency as docs/deploying.md's
// arithmetic says, and the run shows it: the commands' sessions came through the proxy's door and
// did nothing that pins, the relay's advisory lock and the migrations went to the instance's.
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  connectionBudget,
  maxConnectionsAtMost,
  smallestMaxConnections,
  type ConnectionHolders,
} from '../../../infra/deploy/connectionBudget.ts';
import { roleAllows } from './awsEndpoint.ts';
import type { CloudStack } from './cloudStack.ts';
import type { CloudFunction } from './cloudTemplate.ts';
import { INSTANCE_HOST, pinReasons, PROXY_HOST } from './rdsProxy.ts';

/** The proxy's share of max_connections, as foundation.yml gives it. */
async function proxyMaxConnectionsPercent(): Promise<number> {
  const foundation = parse(
    await readFile(new URL('../../../infra/deploy/foundation.yml', import.meta.url), 'utf8'),
  ) as { Resources: Record<string, { Properties: Record<string, Record<string, number>> }> };
  return foundation.Resources.DatabaseProxyTargets!.Properties.ConnectionPoolConfigurationInfo!
    .MaxConnectionsPercent!;
}

export function describeDatabaseConnections(stack: () => CloudStack) {
  const named = (suffix: string) => stack().service.functions[`cqrs-commerce-${stack().stage}-${suffix}`]!;

  /** the owner's secret and each job's role's */
  const databaseSecrets = () => {
    const { params } = stack();
    return [
      params.databaseSecretArn,
      params.databaseCommandsSecretArn,
      params.databaseRelaySecretArn,
      params.databaseHealthSecretArn,
    ];
  };

  /** the functions whose role may read a database secret: those that connect to PostgreSQL */
  async function connecting(): Promise<CloudFunction[]> {
    const all = Object.values(stack().service.functions);
    const allowed = await Promise.all(
      all.map(async (each) => {
        for (const secret of databaseSecrets())
          if (await roleAllows(each, 'secretsmanager:GetSecretValue', secret)) return true;
        return false;
      }),
    );
    return all.filter((_, index) => allowed[index]);
  }

  it('gives each function that connects its own job’s secret, and lets its role read that one alone (prepareBackend, the owner, reads them all)', async () => {
    const { params } = stack();
    const ownSecret = (each: CloudFunction) =>
      each === named('prepareBackend')
        ? params.databaseSecretArn
        : each === named('relayEvents') || each === named('republishEvents')
          ? params.databaseRelaySecretArn
          : each === named('healthDependencies')
            ? params.databaseHealthSecretArn
            : params.databaseCommandsSecretArn;
    for (const each of await connecting()) {
      expect(each.environment.DATABASE_SECRET_ARN, each.name).toBe(ownSecret(each));
      for (const secret of databaseSecrets()) {
        const mayRead = await roleAllows(each, 'secretsmanager:GetSecretValue', secret);
        expect(mayRead, `${each.name} reading ${secret}`).toBe(
          secret === ownSecret(each) || each === named('prepareBackend'),
        );
      }
    }
  });

  it('gives the commands and the deep health check the proxy’s host, the relay, prepareBackend and republishEvents the instance’s, each container one connection and a reserved concurrency under the proxy’s limit', async () => {
    const direct = [named('relayEvents'), named('prepareBackend'), named('republishEvents')];
    const functions = await connecting();
    // 11 commands, the deep health check, the relay, prepareBackend and the operator's republishEvents
    // (public /health connects to nothing)
    expect(functions).toHaveLength(15);
    const holders = (each: CloudFunction): ConnectionHolders => ({
      name: each.name,
      containers: each.reservedConcurrency!,
      poolMax: Number(each.environment.PG_POOL_MAX),
    });
    for (const each of functions) {
      const goesDirect = direct.includes(each);
      expect(each.environment.DATABASE_HOST, each.name).toBe(goesDirect ? INSTANCE_HOST : PROXY_HOST);
      expect(each.securityGroupIds, each.name).toEqual(
        stack().params[goesDirect ? 'directSecurityGroupIds' : 'securityGroupIds'].split(','),
      );
      expect(each.environment.PG_POOL_MAX, each.name).toBe('1');
      // no function that connects may scale past the arithmetic
      expect(each.reservedConcurrency, each.name).toBeGreaterThan(0);
      // a command wakes the relay with an invoke: no NOTIFY that nobody in the cloud listens for
      expect(each.environment.RELAY_WAKE, each.name).toBe('invoke');
    }
    expect(named('placeCatalogOrder').reservedConcurrency).toBe(4);
    expect(named('healthDependencies').reservedConcurrency).toBe(2);
    expect(functions).not.toContain(named('health'));
    expect(direct.map((each) => each.reservedConcurrency)).toEqual([1, 1, 1]);
    const plan = {
      proxyMaxConnectionsPercent: await proxyMaxConnectionsPercent(),
      throughProxy: functions.filter((each) => !direct.includes(each)).map(holders),
      direct: direct.map(holders),
    };
    // docs/deploying.md: fits every instance with max_connections of 62 or more, among them
    // the foundation's db.t4g.micro (at most 112 by RDS's formula on its 1 GiB)
    expect(smallestMaxConnections(plan)).toBe(62);
    expect(connectionBudget(plan, maxConnectionsAtMost(1)).fits).toBe(true);
  });

  it('sent the commands through the proxy, with nothing that pins a session, and the relay’s lock and the migrations to the instance', () => {
    const { proxy, instance } = stack().databaseDoors;
    expect(proxy.sessions.length).toBeGreaterThan(0);
    expect(proxy.sessions.filter((session) => session.refused)).toEqual([]);
    expect(proxy.sessions.flatMap((session) => session.pins)).toEqual([]);
    const throughProxy = proxy.sessions.flatMap((session) => session.statements);
    expect(throughProxy.some((sql) => /INSERT INTO event_log/.test(sql))).toBe(true);
    expect(throughProxy.filter((sql) => /pg_notify|\bLISTEN\b|advisory/i.test(sql))).toEqual([]);
    const toInstance = instance.sessions.flatMap((session) => session.statements);
    expect(toInstance.some((sql) => /pg_try_advisory_lock/.test(sql))).toBe(true);
    expect(toInstance.some((sql) => /pgmigrations/.test(sql))).toBe(true);
    // which would have pinned a proxy session: the door's rules know them when they see them
    expect(toInstance.flatMap(pinReasons).some((reason) => /session advisory lock/.test(reason))).toBe(true);
    expect(pinReasons('SELECT pg_advisory_xact_lock(1)')).toEqual([]);
    expect(pinReasons("INSERT INTO notes (text) VALUES ('SET it; LISTEN')")).toEqual([]);
  });

  it('refuses at the proxy’s door what RDS Proxy refuses: a startup parameter such as statement_timeout', async () => {
    const { proxy, port } = stack().databaseDoors;
    const client = new pg.Client({
      host: PROXY_HOST,
      port,
      user: 'postgres',
      database: 'postgres',
      statement_timeout: 5_000,
      ssl: { rejectUnauthorized: false },
    });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toMatchObject({ code: '0A000' });
    expect(proxy.sessions.at(-1)!.refused).toMatch(/doesn't support the option statement_timeout/);
  });
}
