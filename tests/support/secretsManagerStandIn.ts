// Secrets Manager, answering from a map of secret values, with the calls it was asked counted: the
// network and AWS stand aside, and a test sees how often a secret was fetched.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { vi } from 'vitest';

/** `answerAfterMs`: how long each answer takes, as over a network, so that concurrent callers overlap. */
export function secretsManagerStandIn(values: Map<string, string>, { answerAfterMs = 0 } = {}) {
  const client = new SecretsManagerClient({ region: 'us-east-1' });
  const calls: string[] = [];
  vi.spyOn(client, 'send').mockImplementation(async (command: unknown) => {
    const { SecretId } = (command as GetSecretValueCommand).input;
    calls.push(SecretId!);
    if (answerAfterMs) await new Promise((resolve) => setTimeout(resolve, answerAfterMs));
    return { SecretString: values.get(SecretId!) };
  });
  return { client: () => client, calls };
}
