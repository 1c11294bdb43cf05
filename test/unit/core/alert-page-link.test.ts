import { describe, expect, it } from 'vitest';
import { formatAlertMessage } from '../../../lambdas/core/alert-message.ts';
import { sampleAlert } from '../../helpers/alerts.ts';

const PAGE = 'https://abc123.execute-api.eu-west-1.amazonaws.com/';

describe('the alert e-mail and the dashboard', () => {
  it("links the alert's view when the page's address is known: its topic, by hour, two days up to the window's end", () => {
    const alert = { ...sampleAlert(), topic: 'bosch-legacy', windowStart: '2025-03-27T14:00:00.000Z', windowEnd: '2025-03-27T15:00:00.000Z' };
    const { body } = formatAlertMessage(alert, { pageUrl: PAGE });
    const link = body.split('\n').map((line) => line.trim()).find((line) => line.startsWith(PAGE))!;
    const view = new URL(link).searchParams;
    expect(Object.fromEntries(view)).toEqual({
      range: 'custom',
      since: '2025-03-25T14:00:00.000Z',
      until: '2025-03-27T15:00:00.000Z',
      bucket: 'hour',
      topic: 'bosch-legacy',
    });
  });

  it('has no link without the address (an IAM-authorised API has no page)', () => {
    expect(formatAlertMessage(sampleAlert()).body).not.toContain('range=custom');
    expect(formatAlertMessage(sampleAlert(), {}).body).toBe(formatAlertMessage(sampleAlert()).body);
  });
});
