// DynamoDB's TTL on a table that lacks it (dynalite): a sweep deletes exactly the items whose expiry
// has passed, whatever the mix of items and expiry times, at most once a day; one cut short by a
// crash after any store call and run again leaves what one clean sweep leaves.

import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TTL_ATTRIBUTE } from '../../../lambdas/adapters/store/table-schema.ts';
import { crashingClient } from '../../helpers/crashing-client.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamo.ts';

const NOW = new Date('2026-12-02T12:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const DAY = 86_400_000;

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

/** An item of the table: a post with its expiry, or an item that never expires (a bucket, a source state). */
type Seeded = { pk: string; sk: string; expiresAt: number | null };

const seededItems = fc.uniqueArray(
  fc.record({
    id: fc.integer({ min: 0, max: 10_000 }),
    // Around the sweep's clock, both sides, and exactly on it (not yet expired: DynamoDB deletes only past it).
    expiresAt: fc.option(fc.oneof(fc.integer({ min: NOW_SECONDS - 3 * 86_400, max: NOW_SECONDS + 3 * 86_400 }), fc.constant(NOW_SECONDS)), { nil: null }),
  }),
  { selector: (item) => item.id, maxLength: 40 },
).map((items) => items.map(({ id, expiresAt }): Seeded => (expiresAt === null ? { pk: `TREND#t${id}`, sk: '2026-12-01T00:00:00.000Z', expiresAt } : { pk: `POST#p${id}`, sk: 'POST', expiresAt })));

async function seed(tableName: string, items: Seeded[]) {
  for (const { pk, sk, expiresAt } of items) {
    await dynamo.client.send(new PutCommand({ TableName: tableName, Item: { pk, sk, text: 'Bosch Legacy rewatch', ...(expiresAt === null ? {} : { [TTL_ATTRIBUTE]: expiresAt }) } }));
  }
}

async function keysLeft(tableName: string): Promise<string[]> {
  const { Items = [] } = await dynamo.client.send(new ScanCommand({ TableName: tableName }));
  return Items.filter((item) => item.pk !== 'META').map((item) => `${item.pk}/${item.sk}`).sort();
}

const unexpired = (items: Seeded[]) => items.filter((item) => item.expiresAt === null || item.expiresAt >= NOW_SECONDS).map((item) => `${item.pk}/${item.sk}`).sort();

describe('the expiry sweep of a table without TTL', () => {
  it('deletes exactly the items whose expiry has passed and reports how many', async () => {
    await fc.assert(
      fc.asyncProperty(seededItems, async (items) => {
        const { store, tableName } = await dynamo.newStore({ sweepsExpiredItems: true });
        await seed(tableName, items);
        expect(await store.sweepExpired(NOW)).toBe(items.length - unexpired(items).length);
        expect(await keysLeft(tableName)).toEqual(unexpired(items));
      }),
      { numRuns: 25 },
    );
  });

  it('runs at most once a day', async () => {
    const { store, tableName } = await dynamo.newStore({ sweepsExpiredItems: true });
    await seed(tableName, [{ pk: 'POST#a', sk: 'POST', expiresAt: NOW_SECONDS - 1 }]);
    expect(await store.sweepExpired(NOW)).toBe(1);
    await seed(tableName, [{ pk: 'POST#b', sk: 'POST', expiresAt: NOW_SECONDS + 3_600 }]);
    // Two hours later post b has expired, but the day's sweep has run.
    expect(await store.sweepExpired(new Date(NOW.getTime() + 2 * 3_600_000))).toBeNull();
    expect(await keysLeft(tableName)).toEqual(['POST#b/POST']);
    expect(await store.sweepExpired(new Date(NOW.getTime() + DAY))).toBe(1);
    expect(await keysLeft(tableName)).toEqual([]);
  });

  it('notes nothing when stopped, so the next pass sweeps again', async () => {
    const { store, tableName } = await dynamo.newStore({ sweepsExpiredItems: true });
    await seed(tableName, [{ pk: 'POST#a', sk: 'POST', expiresAt: NOW_SECONDS - 1 }]);
    expect(await store.sweepExpired(NOW, AbortSignal.abort())).toBe(1);
    expect(await store.sweepExpired(NOW)).toBe(0);
    expect(await store.sweepExpired(NOW)).toBeNull();
  });

  it('does nothing on a table that expires its own items (DynamoDB)', async () => {
    const { store, tableName } = await dynamo.newStore();
    await seed(tableName, [{ pk: 'POST#a', sk: 'POST', expiresAt: NOW_SECONDS - 1 }]);
    expect(await store.sweepExpired(NOW)).toBeNull();
    expect(await keysLeft(tableName)).toEqual(['POST#a/POST']);
  });

  it('leaves what one clean sweep leaves when a sweep crashes after any store call and runs again', async () => {
    const items: Seeded[] = [
      ...Array.from({ length: 12 }, (_, i): Seeded => ({ pk: `POST#old${i}`, sk: 'POST', expiresAt: NOW_SECONDS - 100 * (i + 1) })),
      ...Array.from({ length: 4 }, (_, i): Seeded => ({ pk: `POST#new${i}`, sk: 'POST', expiresAt: NOW_SECONDS + 100 * (i + 1) })),
      { pk: 'TREND#bosch-legacy', sk: '2026-12-01T10:00:00.000Z', expiresAt: null },
    ];
    const counter = crashingClient(dynamo.endpoint, Number.POSITIVE_INFINITY);
    const { tableName: counted } = await dynamo.newStore();
    await seed(counted, items);
    const { store: counting } = await dynamo.newStore({ tableName: counted, client: counter.client, sweepsExpiredItems: true });
    expect(await counting.sweepExpired(NOW)).toBe(12);
    const calls = counter.calls();
    expect(calls).toBeGreaterThan(12);

    for (let crashAfter = 1; crashAfter <= calls; crashAfter++) {
      const { tableName } = await dynamo.newStore();
      await seed(tableName, items);
      const { store: crashing } = await dynamo.newStore({ tableName, client: crashingClient(dynamo.endpoint, crashAfter).client, sweepsExpiredItems: true });
      await expect(crashing.sweepExpired(NOW), `crash after store call ${crashAfter}`).rejects.toThrow();
      const { store } = await dynamo.newStore({ tableName, sweepsExpiredItems: true });
      // A sweep cut short noted nothing, so the re-run sweeps; one that crashed after its last call, the note, had gone through.
      const rerun = await store.sweepExpired(NOW);
      if (crashAfter === calls) expect(rerun, 'crash after the note').toBeNull();
      else expect(rerun, `crash after store call ${crashAfter}`).not.toBeNull();
      expect(await keysLeft(tableName), `crash after store call ${crashAfter}`).toEqual(unexpired(items));
    }
  });
});
