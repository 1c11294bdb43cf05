// A recording HTTP proxy in front of a DynamoDB endpoint (dynalite in tests): it notes every
// operation the code under test sends and the capacity units DynamoDB would charge for it, so tests
// can hold a function to its IAM actions and benchmarks can price a pass. It asks the server for
// ReturnConsumedCapacity=TOTAL on each request; the code under test sees the normal response.

import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  /** e.g. "PutItem" (the DynamoDB API action; IAM's is "dynamodb:PutItem"). */
  operation: string;
  status: number;
  /** Read or write capacity units consumed (a write refused by its condition still costs one). */
  units: number;
  /** Items the request carried or returned (BatchWriteItem puts, BatchGetItem / Query items). */
  items: number;
}

export interface DynamoRecorder {
  endpoint: string;
  calls: RecordedCall[];
  reset(): void;
  close(): Promise<void>;
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);

const readBody = (stream: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

type Capacity = { CapacityUnits?: number };

function unitsOf(response: { ConsumedCapacity?: Capacity | Capacity[] }): number {
  const capacity = response.ConsumedCapacity;
  const list = Array.isArray(capacity) ? capacity : capacity ? [capacity] : [];
  return list.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
}

function itemsOf(operation: string, request: Record<string, unknown>, response: Record<string, unknown>): number {
  if (operation === 'BatchWriteItem') {
    return Object.values((request.RequestItems ?? {}) as Record<string, unknown[]>).reduce((n, writes) => n + writes.length, 0);
  }
  if (operation === 'BatchGetItem') {
    return Object.values((response.Responses ?? {}) as Record<string, unknown[]>).reduce((n, items) => n + items.length, 0);
  }
  if (operation === 'Query' || operation === 'Scan') return Number(response.Count ?? 0);
  return 1;
}

export async function startDynamoRecorder(target: string): Promise<DynamoRecorder> {
  const upstream = new URL(target);
  const calls: RecordedCall[] = [];
  const server = createServer(async (req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
    const raw = await readBody(req);
    let body = raw;
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      if (!('ReturnConsumedCapacity' in parsed) && operation !== 'DescribeTable' && operation !== 'CreateTable' && operation !== 'UpdateTimeToLive') {
        body = Buffer.from(JSON.stringify({ ...parsed, ReturnConsumedCapacity: 'TOTAL' }));
      }
    } catch {
      // Not JSON: forward untouched.
    }
    const headers = { ...req.headers, 'content-length': String(body.length), host: upstream.host };
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, async (upstreamRes) => {
      const answer = await readBody(upstreamRes);
      let response: Record<string, unknown> = {};
      try {
        response = JSON.parse(answer.toString('utf8')) as Record<string, unknown>;
      } catch {
        // Not JSON.
      }
      const status = upstreamRes.statusCode ?? 0;
      // DynamoDB bills a write whose condition failed (one unit for these small items); dynalite reports nothing.
      const refused = String(response.__type ?? '').endsWith('ConditionalCheckFailedException') ? 1 : 0;
      calls.push({ operation, status, units: status === 200 ? unitsOf(response) : refused, items: status === 200 ? itemsOf(operation, parsed, response) : 0 });
      res.writeHead(status, { ...upstreamRes.headers, 'content-length': String(answer.length) }).end(answer);
    });
    forward.on('error', (error) => res.writeHead(502).end(String(error)));
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    reset: () => void calls.splice(0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Calls summed per operation: requests, capacity units and items, reads and writes apart. */
export function summarise(calls: readonly RecordedCall[]) {
  const byOperation = new Map<string, { requests: number; units: number; items: number }>();
  for (const call of calls) {
    const entry = byOperation.get(call.operation) ?? { requests: 0, units: 0, items: 0 };
    entry.requests++;
    entry.units += call.units;
    entry.items += call.items;
    byOperation.set(call.operation, entry);
  }
  const total = (reads: boolean) =>
    calls.filter((c) => READS.has(c.operation) === reads).reduce((t, c) => ({ requests: t.requests + 1, units: t.units + c.units }), { requests: 0, units: 0 });
  return { byOperation, reads: total(true), writes: total(false) };
}
