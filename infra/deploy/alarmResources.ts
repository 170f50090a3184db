// The CloudWatch alarms of a stage, with one lag alarm per stream (each projection's partition) of the catalog: events parked
// in the dead-letter queue, a projector behind its stream, the HTTP API answering 5xx. Their
// notifications go to an SNS topic the stack makes (an email subscribed if given) or to one given.
// serverless.yml includes them through alarmsTemplate.cjs; docs/operating.md (Alarms) says what each
// means and what to do.
import { catalogStreams } from '../../functions/projectors/streams.ts';
import { metricNames } from '../../functions/shared/metrics.ts';
import { DEAD_LETTER_QUEUE_ID } from './readModelResources.ts';
import { logicalId } from './logicalIds.ts';

export interface AlarmSettings {
  /** the stage's resource prefix, e.g. `cqrs-commerce-prod`: alarm names start with it */
  prefix: string;
  /** where the functions' metrics are: POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME */
  metricsNamespace: string;
  metricsService: string;
  /** an existing SNS topic for the notifications; without, the stack makes one */
  topicArn?: string;
  /** subscribed to the stack's own topic (SNS asks the address to confirm) */
  email?: string;
  /** a projector's lag alarm: SecondsBehind above this… */
  lagSeconds: number;
  /** …in each of this many consecutive minutes */
  lagMinutes: number;
  /** the HTTP API's alarm: 5xx above this percentage of the requests of five minutes */
  serverErrorPercent: number;
}

/** Fewer requests than this in five minutes say nothing about a rate: a single 5xx would be 100%. */
export const MIN_REQUESTS_FOR_A_RATE = 10;

export const ALARM_TOPIC_ID = 'AlarmTopic';
export const lagAlarmId = (projection: string) => `${logicalId(projection)}ProjectorLagAlarm`;

function checked(settings: AlarmSettings): AlarmSettings {
  const problems = (
    [
      ['alarmLagSeconds', settings.lagSeconds],
      ['alarmLagMinutes', settings.lagMinutes],
      ['alarm5xxPercent', settings.serverErrorPercent],
    ] as const
  )
    .filter(([, value]) => !(Number.isFinite(value) && value > 0))
    .map(([name]) => `${name} must be a positive number`);
  if (!Number.isInteger(settings.lagMinutes)) problems.push('alarmLagMinutes must be a whole number');
  if (problems.length > 0) throw new Error(`Invalid stage parameters: ${problems.join('; ')}`);
  return settings;
}

export function alarmResources(given: AlarmSettings): Record<string, unknown> {
  const settings = checked(given);
  const actions = settings.topicArn ? [settings.topicArn] : [{ Ref: ALARM_TOPIC_ID }];
  // told when it fires and when it is over
  const notify = { ActionsEnabled: true, AlarmActions: actions, OKActions: actions };
  const alarm = (properties: Record<string, unknown>) => ({
    Type: 'AWS::CloudWatch::Alarm',
    Properties: { ...notify, ...properties },
  });

  const topic = settings.topicArn
    ? {}
    : {
        [ALARM_TOPIC_ID]: {
          Type: 'AWS::SNS::Topic',
          Properties: {
            DisplayName: `${settings.prefix} alarms`,
            ...(settings.email && { Subscription: [{ Protocol: 'email', Endpoint: settings.email }] }),
          },
        },
      };

  const lagAlarms = Object.fromEntries(
    catalogStreams().map(({ name: stream, projection, partitions }) => [
      lagAlarmId(stream),
      alarm({
        AlarmName: `${settings.prefix}-${stream}-projector-lag`,
        AlarmDescription:
          `The ${projection} read model${partitions > 1 ? ` (its partition ${stream})` : ''} has lacked a published event for more than ` +
          `${settings.lagSeconds} s, in each of ${settings.lagMinutes} minutes, or the relay has ` +
          `stopped measuring (no data). docs/operating.md, Alarms.`,
        Namespace: settings.metricsNamespace,
        MetricName: metricNames.secondsBehind,
        Dimensions: [
          { Name: 'service', Value: settings.metricsService },
          { Name: 'projector', Value: stream },
        ],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: settings.lagMinutes,
        DatapointsToAlarm: settings.lagMinutes,
        Threshold: settings.lagSeconds,
        ComparisonOperator: 'GreaterThanThreshold',
        // the relay measures every minute at least: a minute without a value is a relay that has
        // stopped (or cannot read the checkpoints), and every read model is going stale
        TreatMissingData: 'breaching',
      }),
    ]),
  );

  const apiMetric = (id: string, metricName: string) => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/ApiGateway',
        MetricName: metricName,
        Dimensions: [
          { Name: 'ApiId', Value: { Ref: 'HttpApi' } },
          { Name: 'Stage', Value: '$default' },
        ],
      },
      Period: 300,
      Stat: 'Sum',
    },
    ReturnData: false,
  });

  return {
    ...topic,
    DeadLetteredEventsAlarm: alarm({
      AlarmName: `${settings.prefix}-dead-lettered-events`,
      AlarmDescription:
        'A projector parked events it could not apply in the dead-letter queue. ' +
        'docs/operating.md, Alarms.',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [DEAD_LETTER_QUEUE_ID, 'QueueName'] } }],
      Statistic: 'Maximum',
      // SQS reports its queues every five minutes
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      // a queue that holds messages is reported; one left alone and empty may go unreported
      TreatMissingData: 'notBreaching',
    }),
    ...lagAlarms,
    HttpApiServerErrorsAlarm: alarm({
      AlarmName: `${settings.prefix}-http-5xx`,
      AlarmDescription:
        `More than ${settings.serverErrorPercent}% of the HTTP API's requests of five minutes ` +
        `were answered 5xx (of at least ${MIN_REQUESTS_FOR_A_RATE}). docs/operating.md, Alarms.`,
      Metrics: [
        apiMetric('errors', '5xx'),
        apiMetric('requests', 'Count'),
        {
          Id: 'rate',
          Label: '5xx, % of requests',
          Expression: `IF(requests >= ${MIN_REQUESTS_FOR_A_RATE}, 100 * errors / requests, 0)`,
          ReturnData: true,
        },
      ],
      EvaluationPeriods: 1,
      Threshold: settings.serverErrorPercent,
      ComparisonOperator: 'GreaterThanThreshold',
      // no requests, no errors
      TreatMissingData: 'notBreaching',
    }),
  };
}
