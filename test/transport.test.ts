import { apiPath, backoffMs } from '../nodes/ReferralFactory/transport';
import { describeApiError, fieldMessages } from '../nodes/ReferralFactory/transport/errors';

describe('transport', () => {
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

	it('reads a message from an HTML error page without pasting the page', () => {
		expect(describeApiError(418, '<html><body><h1>Teapot</h1></body></html>').message).toBe(
			'Referral Factory answered with HTTP 418: Teapot',
		);
	});
});
