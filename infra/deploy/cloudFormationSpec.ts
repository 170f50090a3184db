// Checks a CloudFormation template against the resource specification (@aws-cdk/aws-service-spec, the
// database the AWS CDK generates its resources from), as far as it can be checked without deploying:
// every resource type known, every property known and of the right shape, required properties
// present, every Ref, GetAtt, Sub and DependsOn naming something the template defines (and GetAtt an
// attribute its type has). It also refuses the YAML that CloudFormation refuses: anchors, aliases and
// merge keys ("YAML aliases are not allowed in CloudFormation templates").
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { parseDocument, visit, isAlias, isScalar, type Node } from 'yaml';

type SpecDatabase = Awaited<ReturnType<typeof loadAwsServiceSpec>>;
type Json = unknown;

export interface CloudFormationResource {
  Type: string;
  Properties?: Record<string, Json>;
  DependsOn?: string | string[];
  Condition?: string;
}

/** A CloudFormation template, as far as this project reads one. */
export interface CloudFormationTemplate {
  Parameters?: Record<string, Json>;
  Conditions?: Record<string, Json>;
  Resources: Record<string, CloudFormationResource>;
  Outputs?: Record<string, { Value: Json }>;
}

/** A property type as the spec writes it. */
interface PropertyType {
  type: string;
  element?: PropertyType;
  types?: PropertyType[];
  reference?: { $ref: string };
}

interface PropertySpec {
  type: PropertyType;
  required?: boolean;
}

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

const kindOfType = (type: PropertyType) =>
  type.type === 'array' ? 'list' : type.type === 'ref' || type.type === 'map' ? 'object' : 'scalar';
const kindOfValue = (value: Json) =>
  Array.isArray(value) ? 'list' : typeof value === 'object' && value !== null ? 'object' : 'scalar';

let spec: Promise<SpecDatabase> | undefined;
const loadSpec = () => (spec ??= loadAwsServiceSpec());

const isIntrinsic = (value: Json): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  /^(Ref|Fn::\w+|Condition)$/.test(Object.keys(value)[0]!);

/** Problems with the YAML features CloudFormation refuses; none for a plain document. */
export function refusedYamlFeatures(text: string): string[] {
  const problems: string[] = [];
  const document = parseDocument(text, { merge: false });
  const lineAt = (offset: number) => `line ${text.slice(0, offset).split('\n').length}`;
  const where = (node: Node) => lineAt(node.range?.[0] ?? 0);
  visit(document, {
    Alias(_, node) {
      problems.push(`${where(node)}: an alias (*${node.source}); CloudFormation refuses YAML aliases`);
    },
    Node(_, node) {
      if (!isAlias(node) && node.anchor) {
        // the node starts after its anchor, possibly on the next line: name the anchor's own line
        const at = text.lastIndexOf(`&${node.anchor}`, node.range?.[0] ?? 0);
        problems.push(`${lineAt(at)}: an anchor (&${node.anchor}); CloudFormation refuses YAML anchors`);
      }
    },
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === '<<') {
        problems.push(`${where(pair.key)}: a merge key (<<); CloudFormation refuses YAML merge keys`);
      }
    },
  });
  for (const error of document.errors) problems.push(error.message);
  return problems;
}

/** Every problem the specification shows in `template`; none for a template CloudFormation accepts. */
export async function checkTemplate(template: CloudFormationTemplate): Promise<string[]> {
  const db = await loadSpec();
  const problems: string[] = [];
  const resources = template.Resources ?? {};
  const parameters = template.Parameters ?? {};
  const resourceSpecs = new Map<string, { attributes: Record<string, unknown> } | undefined>();

  const resourceSpec = (type: string) => {
    if (!resourceSpecs.has(type)) {
      const [found] = db.lookup('resource', 'cloudFormationType', 'equals', type);
      resourceSpecs.set(type, found as never);
    }
    return resourceSpecs.get(type) as
      { attributes: Record<string, unknown>; properties: Record<string, PropertySpec> } | undefined;
  };

  /** References inside a value: Ref, GetAtt and Sub must name what exists. */
  function checkReferences(value: Json, at: string): void {
    if (Array.isArray(value)) return value.forEach((item, index) => checkReferences(item, `${at}[${index}]`));
    if (value === null || typeof value !== 'object') return;
    for (const [key, argument] of Object.entries(value)) {
      if (key === 'Ref') {
        const name = String(argument);
        if (!resources[name] && !(name in parameters) && !PSEUDO_PARAMETERS.has(name)) {
          problems.push(`${at}: Ref ${name}: the template defines no such resource or parameter`);
        }
      } else if (key === 'Fn::GetAtt') {
        const [name, attribute] = Array.isArray(argument)
          ? (argument as string[])
          : String(argument).split(/\.(.*)/);
        checkAttribute(name!, String(attribute), at);
      } else if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
        for (const [, expression] of String(text).matchAll(/\$\{([^}!][^}]*)\}/g)) {
          if (expression! in (variables as Record<string, unknown>)) continue;
          const [name, attribute] = expression!.split(/\.(.*)/);
          if (attribute) checkAttribute(name!, attribute, at);
          else if (!resources[name!] && !(name! in parameters) && !PSEUDO_PARAMETERS.has(name!)) {
            problems.push(`${at}: Fn::Sub \${${name}}: the template defines no such resource or parameter`);
          }
        }
        checkReferences(variables, at);
      } else {
        checkReferences(argument, `${at}.${key}`);
      }
    }
  }

  function checkAttribute(name: string, attribute: string, at: string) {
    const resource = resources[name];
    if (!resource) {
      problems.push(`${at}: Fn::GetAtt ${name}.${attribute}: the template defines no ${name}`);
      return;
    }
    const type = resourceSpec(resource.Type);
    if (type && !(attribute in type.attributes)) {
      problems.push(`${at}: Fn::GetAtt ${name}.${attribute}: ${resource.Type} has no attribute ${attribute}`);
    }
  }

  /** A property value against its type: known properties of nested types, required ones present. */
  function checkValue(value: Json, type: PropertyType, at: string): boolean {
    if (isIntrinsic(value)) return true;
    switch (type.type) {
      case 'union': {
        const candidates = type.types ?? [];
        if (candidates.some((candidate) => matchesQuietly(value, candidate))) return true;
        // none fits: report against the shape of the same kind (a list, an object, a scalar)
        const closest = candidates.find((candidate) => kindOfType(candidate) === kindOfValue(value));
        if (closest) return checkValue(value, closest, at);
        problems.push(`${at}: fits none of the shapes the property allows`);
        return false;
      }
      case 'array':
        if (!Array.isArray(value)) {
          problems.push(`${at}: should be a list`);
          return false;
        }
        return value.every((item, index) => checkValue(item, type.element!, `${at}[${index}]`));
      case 'map':
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          problems.push(`${at}: should be a map`);
          return false;
        }
        return Object.entries(value).every(([key, item]) => checkValue(item, type.element!, `${at}.${key}`));
      case 'ref': {
        const definition = db.get('typeDefinition', type.reference!.$ref) as unknown as {
          name: string;
          properties: Record<string, PropertySpec>;
        };
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          problems.push(`${at}: should be a ${definition.name} object`);
          return false;
        }
        return checkProperties(value as Record<string, Json>, definition.properties, at);
      }
      case 'string':
      case 'date-time':
        if (typeof value === 'string' || typeof value === 'number') return true;
        problems.push(`${at}: should be a string`);
        return false;
      case 'integer':
      case 'number':
        if (
          typeof value === 'number' ||
          (typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value)))
        )
          return true;
        problems.push(`${at}: should be a number`);
        return false;
      case 'boolean':
        if (typeof value === 'boolean' || value === 'true' || value === 'false') return true;
        problems.push(`${at}: should be true or false`);
        return false;
      default:
        // json, tag and the like: any shape
        return true;
    }
  }

  function matchesQuietly(value: Json, type: PropertyType): boolean {
    const before = problems.length;
    const fits = checkValue(value, type, '') && problems.length === before;
    problems.length = before;
    return fits;
  }

  function checkProperties(
    values: Record<string, Json>,
    specs: Record<string, PropertySpec>,
    at: string,
  ): boolean {
    const before = problems.length;
    for (const [name, value] of Object.entries(values)) {
      const property = specs[name];
      if (!property) problems.push(`${at}.${name}: no such property`);
      else checkValue(value, property.type, `${at}.${name}`);
    }
    for (const [name, property] of Object.entries(specs)) {
      if (property.required && !(name in values)) problems.push(`${at}.${name}: required, and missing`);
    }
    return problems.length === before;
  }

  for (const [name, resource] of Object.entries(resources)) {
    const at = `Resources.${name}`;
    for (const dependency of [resource.DependsOn ?? []].flat()) {
      if (!resources[dependency]) problems.push(`${at}.DependsOn: the template defines no ${dependency}`);
    }
    checkReferences(resource.Properties ?? {}, `${at}.Properties`);
    if (/^(Custom::|AWS::CloudFormation::CustomResource$)/.test(resource.Type)) continue;
    const type = resourceSpec(resource.Type);
    if (!type) {
      problems.push(`${at}: ${resource.Type} is no CloudFormation resource type`);
      continue;
    }
    checkProperties(resource.Properties ?? {}, type.properties, `${at}.Properties`);
  }
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    checkReferences(output.Value, `Outputs.${name}.Value`);
  }
  return problems;
}
