// The alarms' stage parameters are checked when packaging: a threshold that is not a positive number
// would make an alarm that never fires, or one CloudFormation refuses at deploy time.
import { describe, expect, it } from 'vitest';
import { alarmResources, type AlarmSettings } from './alarmResources.ts';

const settings: AlarmSettings = {
  prefix: 'cqrs-commerce-prod',
  metricsNamespace: 'cqrs-commerce',
  metricsService: 'cqrs-commerce-prod',
  lagSeconds: 300,
  lagMinutes: 5,
  serverErrorPercent: 5,
};

describe('alarmResources', () => {
  it('refuses thresholds that are not positive numbers, naming the stage parameter', () => {
    expect(() => alarmResources({ ...settings, lagSeconds: Number('five') })).toThrow(
      'Invalid stage parameters: alarmLagSeconds must be a positive number',
    );
    expect(() => alarmResources({ ...settings, lagMinutes: 2.5 })).toThrow(
      'alarmLagMinutes must be a whole number',
    );
    expect(() => alarmResources({ ...settings, serverErrorPercent: 0 })).toThrow(/alarm5xxPercent/);
  });

  it('makes no topic when one is given, and subscribes no one to a topic without an email', () => {
    expect(alarmResources({ ...settings, topicArn: 'arn:aws:sns:us-east-1:1:oncall' })).not.toHaveProperty(
      'AlarmTopic',
    );
    expect(alarmResources(settings).AlarmTopic).toEqual({
      Type: 'AWS::SNS::Topic',
      Properties: { DisplayName: 'cqrs-commerce-prod alarms' },
    });
  });
});
