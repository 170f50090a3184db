// The stage's CloudWatch dashboard, generated like the alarms: what an operator looks at first. Top:
// the HTTP API's traffic, errors and latency (API Gateway's own metrics), then latency and errors by
// route (the functions' metrics, found by a SEARCH, so a new route needs no change here), the relay's
// publish rate, the dead-letter queue, and for each projection of the catalog a row with every
// partition's lag, events applied and events held (one line a stream: streams.ts).
import { projectionNames } from '../../functions/projectors/catalog.ts';
import { catalogStreams } from '../../functions/projectors/streams.ts';
import { metricNames } from '../../functions/shared/metrics.ts';
import { DEAD_LETTER_QUEUE_ID } from './readModelResources.ts';

export interface DashboardSettings {
  /** the stage's resource prefix, e.g. `cqrs-commerce-prod`: the dashboard's name */
  prefix: string;
  /** where the functions' metrics are: POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME */
  metricsNamespace: string;
  metricsService: string;
}

export const DASHBOARD_ID = 'OperationsDashboard';

const WIDTH = 24;

interface Widget {
  type: 'metric' | 'text';
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const region = '${AWS::Region}';

function metricWidget(title: string, metrics: unknown[], options: Record<string, unknown> = {}): Widget {
  return {
    type: 'metric',
    width: 8,
    height: 6,
    properties: { title, region, view: 'timeSeries', stacked: false, period: 60, metrics, ...options },
  };
}

/** Lays widgets out in rows, left to right, as CloudWatch would, with explicit positions. */
function layout(rows: Widget[][]) {
  let y = 0;
  return rows.flatMap((row) => {
    let x = 0;
    const placed = row.map((widget) => {
      const at = { ...widget, x, y };
      x += widget.width;
      return at;
    });
    y += Math.max(...row.map((widget) => widget.height));
    return placed;
  });
}

export function dashboardResources(settings: DashboardSettings): Record<string, unknown> {
  const { metricsNamespace: namespace, metricsService: service } = settings;
  const api = (metricName: string, stat: string, label: string) => [
    'AWS/ApiGateway',
    metricName,
    'ApiId',
    '${HttpApi}',
    'Stage',
    '$default',
    { stat, label },
  ];
  const byRoute = (metricName: string, stat: string) =>
    `SEARCH('{${namespace},service,route} MetricName="${metricName}" service="${service}"', '${stat}', 60)`;
  const expression = (id: string, search: string, label: string) => [{ id, expression: search, label }];

  const overview: Widget[] = [
    {
      type: 'text',
      width: 6,
      height: 6,
      properties: {
        markdown: [
          `## ${settings.prefix}`,
          'First: 5xx and latency (left), then each projection partition\u2019s lag (its rows below).',
          'A lag that grows with nothing held: the partition\u2019s event source mapping or its batches fail.',
          'Held events: a gap the relay re-publishes after HEAL_GAPS_AFTER_MS.',
          'docs/operating.md (Alarms) says what to do; docs/capacity.md what breaks first.',
        ].join('\n\n'),
      },
    },
    {
      ...metricWidget('HTTP API: requests and errors (per minute)', [
        api('Count', 'Sum', 'requests'),
        api('4xx', 'Sum', '4xx'),
        api('5xx', 'Sum', '5xx'),
      ]),
      width: 9,
    },
    {
      ...metricWidget('HTTP API: latency (ms)', [
        api('Latency', 'p50', 'p50'),
        api('Latency', 'p99', 'p99'),
        api('IntegrationLatency', 'p99', 'integration p99'),
      ]),
      width: 9,
    },
  ];
  const routes: Widget[] = [
    metricWidget(
      'Latency by route, p99 (ms)',
      expression('latency', byRoute(metricNames.requestLatency, 'p99'), ''),
    ),
    metricWidget(
      'Server errors by route (5xx a minute)',
      expression('serverErrors', byRoute(metricNames.serverErrors, 'Sum'), ''),
    ),
    metricWidget(
      'Client errors by route (4xx a minute)',
      expression('clientErrors', byRoute(metricNames.clientErrors, 'Sum'), ''),
    ),
  ];
  const relay: Widget[] = [
    metricWidget('Relay: events published a minute', [
      [namespace, metricNames.relayBatchSize, 'service', service, { stat: 'Sum', label: 'published' }],
    ]),
    metricWidget('Relay: publish to confirm (ms)', [
      [namespace, metricNames.relayPublishLatency, 'service', service, { stat: 'p99', label: 'p99' }],
      [namespace, metricNames.relayPublishLatency, 'service', service, { stat: 'p50', label: 'p50' }],
    ]),
    metricWidget(
      'Parked events (dead-letter queue)',
      [
        [
          'AWS/SQS',
          'ApproximateNumberOfMessagesVisible',
          'QueueName',
          `\${${DEAD_LETTER_QUEUE_ID}.QueueName}`,
          { stat: 'Maximum', label: 'waiting for a fix' },
        ],
      ],
      { period: 300 },
    ),
  ];
  const projections: Widget[][] = projectionNames.map((projection) => {
    const streams = catalogStreams().filter((stream) => stream.projection === projection);
    const perStream = (metricName: string, stat: string) =>
      streams.map(({ name }) => [
        namespace,
        metricName,
        'service',
        service,
        'projector',
        name,
        { stat, label: name },
      ]);
    return [
      metricWidget(
        `${projection}: seconds behind, per partition`,
        perStream(metricNames.secondsBehind, 'Maximum'),
      ),
      metricWidget(`${projection}: events applied a minute`, perStream(metricNames.appliedEvents, 'Sum')),
      metricWidget(`${projection}: events held beyond a gap`, perStream(metricNames.heldEvents, 'Maximum')),
    ];
  });

  const widgets = layout([overview, routes, relay, ...projections]);
  for (const widget of widgets)
    if (widget.x + widget.width > WIDTH) throw new Error('a dashboard row is too wide');
  return {
    [DASHBOARD_ID]: {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardName: settings.prefix,
        // Fn::Sub fills in the region, the API's id and the queue's name
        DashboardBody: { 'Fn::Sub': JSON.stringify({ widgets }) },
      },
    },
  };
}
