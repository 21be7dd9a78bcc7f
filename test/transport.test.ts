import { apiPath, backoffMs } from '../nodes/ReferralFactory/transport';
import { exhaustedUntil, parseBody, retryAfterMs, surfaceUrl } from '../nodes/ReferralFactory/transport/http';
import { describeApiError, fieldMessages } from '../nodes/ReferralFactory/transport/errors';
import { redact } from '../nodes/ReferralFactory/transport/redact';
import { sleepFor } from '../nodes/ReferralFactory/transport/sleep';
import { ManualExecutionCancelledError } from 'n8n-workflow';

const TOKEN = 'rf_live_0123456789abcdef';

describe('transport', () => {
	it('hides the token in every string and key of an answer, and leaves numbers, booleans and nulls as they are', () => {
		const answer = { code: 422, ok: false, none: null, missing: undefined, list: [1, true, `Bearer ${TOKEN}`], [`h-${TOKEN}`]: { seen: `${TOKEN}${TOKEN}` } };

		expect(redact(answer, TOKEN)).toEqual({ code: 422, ok: false, none: null, missing: undefined, list: [1, true, 'Bearer [hidden]'], 'h-[hidden]': { seen: '[hidden][hidden]' } });
		// A secret too short to be a token is not looked for (it would cut ordinary words).
		expect(redact({ message: 'abc' }, 'abc')).toEqual({ message: 'abc' });
	});

	it('reads an answer that refers to itself (through a list or a field) to a bounded depth, without running out of stack', () => {
		const throughList: Record<string, unknown> = { message: `echo ${TOKEN}` };
		throughList.items = [throughList];
		const throughField: Record<string, unknown> = { message: `echo ${TOKEN}` };
		throughField.self = throughField;

		const list = redact(throughList, TOKEN) as { message: string; items: Array<{ message: string }> };
		const field = redact(throughField, TOKEN) as { message: string; self: { message: string } };

		expect([list.message, list.items[0].message, field.message, field.self.message]).toEqual(Array(4).fill('echo [hidden]'));
	});

	it('waits no time when the execution was already stopped: n8n\'s cancellation error at once', async () => {
		const stopped = new AbortController();
		stopped.abort();

		// Were it to wait the minute, the test's own 30 s limit would fail it.
		await expect(sleepFor(60_000, stopped.signal)).rejects.toBeInstanceOf(ManualExecutionCancelledError);
	});

	it('encodes every path segment, so input can never change the route', () => {
		expect(apiPath('users', '1/../campaigns')).toBe('/users/1%2F..%2Fcampaigns');
		expect(apiPath('campaigns', 'a b?c#d')).toBe('/campaigns/a%20b%3Fc%23d');
		expect(apiPath('users', 42)).toBe('/users/42');
	});

	it('backs off longer after each failure, never past 15 seconds, and not in lockstep', () => {
		const first = Array.from({ length: 50 }, () => backoffMs(0));
		const fifth = Array.from({ length: 50 }, () => backoffMs(4));
		const late = Array.from({ length: 50 }, () => backoffMs(40));
		expect(Math.min(...fifth)).toBeGreaterThan(Math.max(...first));
		expect(Math.max(...late)).toBeLessThanOrEqual(15_000);
		expect(Math.min(...late)).toBeGreaterThan(Math.max(...fifth) / 2);
		// Jitter: clients that failed together do not come back together.
		expect(new Set(fifth).size).toBeGreaterThan(10);
	});

	it.each([
		['documented', { code: 422, message: 'Validation errors', errors: { email: [{ field: 'email', message: 'Bad.' }] } }],
		['plain', { message: 'Validation errors', errors: { email: ['Bad.'] } }],
		['a flat list', { errors: [{ field: 'email', message: 'Bad.' }] }],
	])('reads field messages from the %s error shape', (_shape, body) => {
		expect(fieldMessages(body)).toEqual([{ field: 'email', message: 'Bad.' }]);
		expect(describeApiError(422, body, { fieldLabel: (field) => (field === 'email' ? 'Email' : undefined) }).message).toBe(
			"Referral Factory did not accept the request: 'Email': Bad",
		);
	});

	it("finds Referral Factory's n8n endpoints beside the Base URL's /api/v…, or after a Base URL without one", () => {
		expect(surfaceUrl('https://referral-factory.com/api/v2', 'n8n')).toBe('https://referral-factory.com/api/n8n');
		expect(surfaceUrl('https://referral-factory.com/API/V12', 'n8n')).toBe('https://referral-factory.com/api/n8n');
		// A proxy whose path goes on after /api/v2 is not cut there.
		expect(surfaceUrl('https://proxy.example/api/v2/acme', 'n8n')).toBe('https://proxy.example/api/v2/acme/api/n8n');
	});

	it('reads Retry-After as seconds or a date; an empty or unreadable one is no answer', () => {
		expect(retryAfterMs(undefined)).toBeUndefined();
		expect(retryAfterMs({})).toBeUndefined();
		expect(retryAfterMs({ 'retry-after': '' })).toBeUndefined();
		expect(retryAfterMs({ 'retry-after': ' ' })).toBeUndefined();
		expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
		expect(retryAfterMs({ 'retry-after': '12' })).toBe(12_000);
		expect(retryAfterMs({ 'retry-after': '-3' })).toBe(0);
		const inTenSeconds = retryAfterMs({ 'retry-after': new Date(Date.now() + 10_000).toUTCString() })!;
		expect(inTenSeconds).toBeGreaterThan(8_000);
		expect(inTenSeconds).toBeLessThanOrEqual(10_000);
		expect(retryAfterMs({ 'retry-after': new Date(Date.now() - 60_000).toUTCString() })).toBe(0);
	});

	it('holds the token back only on X-RateLimit-Remaining 0 with a Reset it can read (seconds from now, or a Unix time)', () => {
		const now = 1_000_000;
		const headers = (remaining?: string, reset?: string) => ({ 'x-ratelimit-remaining': remaining, 'x-ratelimit-reset': reset });
		expect(exhaustedUntil(headers('0', '30'), now)).toBe(now + 30_000);
		expect(exhaustedUntil(headers('0', '1999999999'), now)).toBe(1_999_999_999_000);
		expect(exhaustedUntil(headers('-1', '5'), now)).toBe(now + 5_000);
		expect(exhaustedUntil(headers(undefined, '30'), now)).toBeUndefined();
		expect(exhaustedUntil(headers(' ', '30'), now)).toBeUndefined();
		expect(exhaustedUntil(headers('0', 'Infinity'), now)).toBeUndefined();
		expect(exhaustedUntil(headers('many', '30'), now)).toBeUndefined();
		expect(exhaustedUntil(headers('1', '30'), now)).toBeUndefined();
		expect(exhaustedUntil(headers('0', '0'), now)).toBeUndefined();
		expect(exhaustedUntil(headers('0', 'later'), now)).toBeUndefined();
		expect(exhaustedUntil(headers('0'), now)).toBeUndefined();
	});

	it('reads an answer that n8n left as text: JSON in it, nothing for blank, the text itself otherwise', () => {
		expect(parseBody('{"data":{"id":1}}')).toEqual({ data: { id: 1 } });
		expect(parseBody(' \n ')).toBeUndefined();
		expect(parseBody('')).toBeUndefined();
		expect(parseBody('<html>Bad Gateway</html>')).toBe('<html>Bad Gateway</html>');
		const parsed = { id: 1 };
		expect(parseBody(parsed)).toBe(parsed);
	});

	it('reads a message from an HTML error page without pasting the page', () => {
		expect(describeApiError(418, '<html><body><h1>Teapot</h1></body></html>').message).toBe(
			'Referral Factory answered with HTTP 418: Teapot',
		);
	});
});
