import { simplifyUser } from '../nodes/ReferralFactory/helpers/user';

// The v1 user shape (a boolean `qualified`: docs/referral-factory-api.md, P3) cannot come from the v2 sandbox.
describe('the simplified person', () => {
	it.each([
		[{ qualified_at: '2026-05-01' }, true],
		[{ qualified_at: null }, false],
		[{ qualified: true }, true],
		[{ qualified: false }, false],
		[{}, false],
	])('reads qualification from v2 and v1 user objects (%j → %s)', (user, qualified) => {
		expect(simplifyUser(user).qualified).toBe(qualified);
	});
});
