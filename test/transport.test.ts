import { apiPath, backoffMs } from '../nodes/ReferralFactory/transport';
import { describeApiError, fieldMessages } from '../nodes/ReferralFactory/transport/errors';

describe('transport', () => {
	it('encodes every path segment, so input can never change the route', () => {
		expect(apiPath('users', '1/../campaigns')).toBe('/users/1%2F..%2Fcampaigns');
		expect(apiPath('campaigns', 'a b?c#d')).toBe('/campaigns/a%20b%3Fc%23d');
		expect(apiPath('users', 42)).toBe('/users/42');
	});

	it('backs off exponentially with jitter, up to 15 seconds', () => {
		for (let attempt = 0; attempt < 10; attempt++) {
			const ceiling = Math.min(15_000, 500 * 2 ** attempt);
			for (let i = 0; i < 20; i++) {
				const wait = backoffMs(attempt);
				expect(wait).toBeGreaterThanOrEqual(ceiling / 2);
				expect(wait).toBeLessThanOrEqual(ceiling);
			}
		}
	});

	it.each([
		['documented', { code: 422, message: 'Validation errors', errors: { email: [{ field: 'email', message: 'Bad.' }] } }],
		['plain', { message: 'Validation errors', errors: { email: ['Bad.'] } }],
		['a flat list', { errors: [{ field: 'email', message: 'Bad.' }] }],
	])('reads field messages from the %s error shape', (_shape, body) => {
		expect(fieldMessages(body)).toEqual([{ field: 'email', message: 'Bad.' }]);
		expect(describeApiError(422, body).message).toBe('Referral Factory did not accept the request: Email: Bad.');
	});

	it('reads a message from an HTML error page without pasting the page', () => {
		expect(describeApiError(418, '<html><body><h1>Teapot</h1></body></html>').message).toBe(
			'Referral Factory answered with HTTP 418: Teapot',
		);
	});
});
