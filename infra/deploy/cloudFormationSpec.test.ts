// The template checks themselves: they pass what CloudFormation accepts and name what it refuses.
// (The packaged template is checked in template.int.test.ts, foundation.yml in foundation.test.ts.)
import { describe, expect, it } from 'vitest';
import { checkTemplate, refusedYamlFeatures } from './cloudFormationSpec.ts';

const table = {
  Type: 'AWS::DynamoDB::Table',
  Properties: {
    TableName: 'shop',
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  },
};

describe('checkTemplate', () => {
  it('accepts a correct template, intrinsics included', async () => {
    expect(
      await checkTemplate({
        Resources: {
          Table: table,
          Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { 'Fn::Sub': '${AWS::StackName}-q' } } },
        },
        Outputs: { TableArn: { Value: { 'Fn::GetAtt': ['Table', 'Arn'] } } },
      }),
    ).toEqual([]);
  });

  it('names an unknown type, an unknown property, a missing required one and a wrong shape', async () => {
    const problems = await checkTemplate({
      Resources: {
        Typo: { Type: 'AWS::DynamoDB::Tabel', Properties: {} },
        Table: {
          Type: 'AWS::DynamoDB::Table',
          Properties: {
            TableName: 'shop',
            BillingMode: 'PAY_PER_REQUEST',
            PointInTimeRecovery: true,
            AttributeDefinitions: { AttributeName: 'pk' },
          },
        },
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'Resources.Typo: AWS::DynamoDB::Tabel is no CloudFormation resource type',
        'Resources.Table.Properties.PointInTimeRecovery: no such property',
        'Resources.Table.Properties.KeySchema: required, and missing',
        expect.stringMatching(/^Resources\.Table\.Properties\.AttributeDefinitions/),
      ]),
    );
  });

  it('names a reference to nothing and an attribute the type lacks', async () => {
    const problems = await checkTemplate({
      Resources: {
        Table: { ...table, DependsOn: 'Nothing' },
        Queue: {
          Type: 'AWS::SQS::Queue',
          Properties: { QueueName: { 'Fn::Sub': '${Missing}-${Table.StreamArn}-${Table.Url}' } },
        },
      },
      Outputs: { Url: { Value: { 'Fn::GetAtt': ['Queue', 'Endpoint'] } }, Id: { Value: { Ref: 'Gone' } } },
    });
    expect(problems).toEqual([
      'Resources.Table.DependsOn: the template defines no Nothing',
      'Resources.Queue.Properties.QueueName: Fn::Sub ${Missing}: the template defines no such resource or parameter',
      'Resources.Queue.Properties.QueueName: Fn::GetAtt Table.Url: AWS::DynamoDB::Table has no attribute Url',
      'Outputs.Url.Value: Fn::GetAtt Queue.Endpoint: AWS::SQS::Queue has no attribute Endpoint',
      'Outputs.Id.Value: Ref Gone: the template defines no such resource or parameter',
    ]);
  });
});

describe('refusedYamlFeatures', () => {
  it('names anchors, aliases and merge keys, with their lines', () => {
    const text = ['A: &shared', '  x: 1', 'B:', '  <<: *shared', '  y: 2', 'C: *shared'].join('\n');
    expect(refusedYamlFeatures(text)).toEqual([
      'line 1: an anchor (&shared); CloudFormation refuses YAML anchors',
      'line 4: a merge key (<<); CloudFormation refuses YAML merge keys',
      'line 4: an alias (*shared); CloudFormation refuses YAML aliases',
      'line 6: an alias (*shared); CloudFormation refuses YAML aliases',
    ]);
  });

  it('lets CloudFormation’s own short forms through', () => {
    expect(refusedYamlFeatures("A: !Ref B\nC: !Sub '${AWS::Region}'\n")).toEqual([]);
  });
});
