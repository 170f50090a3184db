// A Lambda that does nothing: what is left of a request is serverless-offline's own cost.
export const handler = async () => ({ statusCode: 200, body: '{}' });
