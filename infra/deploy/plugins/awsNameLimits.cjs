// A local osls plugin: every name the template gives a resource fits AWS's limit, whatever the stage.
//
// - IAM roles get no fixed name. serverless-iam-roles-per-function names each role
//   `<service>-<stage>-<function>-<region>-lambdaRole`, which passes IAM's 64 characters on stage
//   `prod` in us-east-1 and then refuses to package; nothing refers to a role by name, so
//   CloudFormation may name them (it keeps generated names unique and within the limit). This hook
//   runs before that plugin's (it is listed first in serverless.yml) and gives each function's role
//   the name `Ref: AWS::NoValue`, which CloudFormation reads as "no name given".
// - The names that do carry the stage (functions, tables, queues, log groups) are checked against
//   their limits, so that a stage too long fails here, with the longest stage that fits, instead of
//   half-way through a deploy.
'use strict';

/** The longest name each service accepts, for the names this template sets. */
const LIMITS = [
  { type: 'AWS::Lambda::Function', property: 'FunctionName', max: 64, what: 'a Lambda function name' },
  // a rebuild creates `<table>-<9 characters>` (infra/operate/rebuildProjection.ts)
  { type: 'AWS::DynamoDB::Table', property: 'TableName', max: 255 - 10, what: 'a DynamoDB table name' },
  { type: 'AWS::SQS::Queue', property: 'QueueName', max: 80, what: 'an SQS queue name' },
  { type: 'AWS::Logs::LogGroup', property: 'LogGroupName', max: 512, what: 'a log group name' },
  { type: 'AWS::ApiGatewayV2::Api', property: 'Name', max: 128, what: 'an HTTP API name' },
];

class AwsNameLimits {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'before:package:finalize': () => {
        this.leaveRoleNamesToCloudFormation();
        this.checkNameLengths();
      },
    };
  }

  leaveRoleNamesToCloudFormation() {
    const { service } = this.serverless;
    for (const name of service.getAllFunctions()) {
      const fn = service.getFunction(name);
      if (fn.iamRoleStatements !== undefined && fn.iamRoleStatementsName === undefined) {
        fn.iamRoleStatementsName = { Ref: 'AWS::NoValue' };
      }
    }
    // the provider's role, which serverless-iam-roles-per-function copies for each function
    const resources = service.provider.compiledCloudFormationTemplate.Resources;
    const providerRole = resources[this.serverless.getProvider('aws').naming.getRoleLogicalId()];
    if (providerRole) delete providerRole.Properties.RoleName;
  }

  checkNameLengths() {
    const stage = this.serverless.getProvider('aws').getStage();
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    for (const [logicalId, resource] of Object.entries(resources)) {
      for (const limit of LIMITS) {
        const name = resource.Type === limit.type ? resource.Properties?.[limit.property] : undefined;
        if (typeof name !== 'string' || name.length <= limit.max) continue;
        const longestStage = stage.length - (name.length - limit.max);
        throw new this.serverless.classes.Error(
          `Stage "${stage}" makes ${logicalId}'s ${limit.property} "${name}" ${name.length} characters ` +
            `long, and ${limit.what} may have at most ${limit.max}: use a stage of at most ` +
            `${Math.max(longestStage, 0)} characters.`,
        );
      }
    }
  }
}

module.exports = AwsNameLimits;
