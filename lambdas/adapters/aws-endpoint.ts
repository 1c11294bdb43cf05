// Where an AWS SDK client connects: AWS's regional endpoint (none given), or a local stand-in in tests
// and on a laptop (dynalite, DynamoDB Local, fauxqs, a Secrets Manager emulator).

export interface AwsEndpoint {
  /** e.g. http://127.0.0.1:4566; undefined means the AWS regional endpoint. */
  endpoint?: string | undefined;
  region?: string | undefined;
}

/** An SDK client's connection settings for `at`; a local endpoint without a region gets `localRegion`. */
export function endpointSettings(at: AwsEndpoint, localRegion = 'us-east-1') {
  const local = at.endpoint !== undefined;
  return {
    endpoint: at.endpoint,
    region: at.region ?? (local ? localRegion : undefined),
    // Local endpoints accept any credentials; never make a laptop user configure AWS for them.
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  };
}
