/**
 * Add's `outcome` after a lost answer: never `created` for a person who was there before the run, never `existing`
 * (nor a failure under If Referrer Exists → Fail) for one the run added. The person's own `signed_up_at`, in each
 * of the forms the sandbox can write it (docs/referral-factory-api.md, A11), against the time the add was first sent.
 */
import { runReferralFactoryNode } from '../../helpers/engine';
import { addReferrerParameters, useSandbox } from '../../helpers/setup';

const t = useSandbox();
const DAY = 24 * 3_600_000;
const person = { firstName: 'Nathan', email: 'nathan@example.com' };

/** Nathan joined `ago` ms before now, by the sandbox's clock. */
async function joinedBefore(ago: number) {
	await t.client.configure({ clockOffsetMs: -ago });
	await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: person.email });
	await t.client.configure({ clockOffsetMs: 0 });
	await t.client.clearRequests();
}

const add = (ifExists = 'returnExisting') => addReferrerParameters({ ifExists, options: { retryFor: 10 } });

async function posts() {
	return (await t.client.requests()).filter((r) => r.method === 'POST' && r.path === '/api/v2/users').map((r) => r.status);
}

describe('Add Referrer: outcome after a lost answer', () => {
	it.each(['iso', 'local', 'date'] as const)('a person there since last week (dates written as %s) is existing, not created', async (dateFormat) => {
		await t.client.configure({ dateFormat });
		await joinedBefore(7 * DAY);
		await t.client.addFault({ method: 'POST', path: '/users', drop: true, when: 'after', times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: add(), input: [person] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ email: person.email, outcome: 'existing' });
		expect(await posts()).toEqual([-1]);
		expect(await t.client.users()).toHaveLength(1);
	});

	it('a person there since an hour ago, dates with a time and zone: existing', async () => {
		await t.client.configure({ dateFormat: 'iso' });
		await joinedBefore(3_600_000);
		await t.client.addFault({ method: 'POST', path: '/users', status: 500, when: 'after', times: 1 });

		const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: add(), input: [person] });

		expect(items[0].json).toMatchObject({ outcome: 'existing' });
	});

	it('a person there since an hour ago, dates without a time: unknown, not created (the day cannot tell)', async () => {
		await t.client.configure({ dateFormat: 'date' });
		await joinedBefore(3_600_000);
		await t.client.addFault({ method: 'POST', path: '/users', status: 500, when: 'after', times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: add(), input: [person] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ email: person.email, outcome: 'unknown' });
	});

	it('a person this run added, found after the lost answer, with a server clock 2 minutes behind: created', async () => {
		await t.client.configure({ dateFormat: 'iso', clockOffsetMs: -120_000 });
		await t.client.addFault({ method: 'POST', path: '/users', drop: true, when: 'after', times: 1 });

		const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: add(), input: [person] });

		expect(items[0].json).toMatchObject({ outcome: 'created' });
		expect(await t.client.users()).toHaveLength(1);
	});

	it.each(['fail', 'updateFields'])('If Referrer Exists → %s, the answer lost and the person found at once, dates without a time: created (the look-up before sending found nobody)', async (ifExists) => {
		// The look-up before sending (POST /users/search) passes; the add is done and its connection dropped.
		await t.client.addFault({ method: 'POST', path: '/users', drop: true, when: 'after', skip: 1, times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: add(ifExists), input: [person] });

		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ email: person.email, outcome: 'created' });
		expect(await posts()).toEqual([-1]);
	});

	describe('the run\'s own person answered as "already there" on the resend (a search that lags behind the add)', () => {
		// The add is done but its answer is lost; the search right after does not see the person yet, so the node sends
		// again, and Referral Factory answers that the email is there: with the same user, or with a 422.
		async function laggingSearch() {
			await t.client.addFault({ method: 'POST', path: '/users/search', status: 200, body: { data: [], links: { next: null } }, times: 2 });
			await t.client.addFault({ method: 'POST', path: '/users', drop: true, when: 'after', times: 1 });
		}

		it.each(['return-existing', 'reject'] as const)('If Referrer Exists → Fail (duplicates: %s): created, not an error', async (duplicates) => {
			await t.client.configure({ duplicates });
			await laggingSearch();

			const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: add('fail'), input: [person] });

			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({ email: person.email, outcome: 'created' });
			expect((await posts())[0]).toBe(-1);
			expect((await posts()).length).toBeGreaterThan(1);
			expect(await t.client.users()).toHaveLength(1);
		});

		it('If Referrer Exists → Update Fields: created, and no update sent', async () => {
			await laggingSearch();

			const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: add('updateFields'), input: [person] });

			expect(items[0].json).toMatchObject({ outcome: 'created' });
			expect((await t.client.requests()).filter((r) => r.method === 'PUT')).toEqual([]);
		});

		it('Return Existing, dates with a time: created (joined after the first send)', async () => {
			await t.client.configure({ dateFormat: 'iso' });
			await laggingSearch();

			const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: add(), input: [person] });

			expect(items[0].json).toMatchObject({ outcome: 'created' });
		});

		it('Return Existing, dates without a time: created (the look-up after the lost answer found nobody)', async () => {
			await laggingSearch();

			const { items } = await runReferralFactoryNode({ credential: t.credential, parameters: add(), input: [person] });

			expect(items[0].json).toMatchObject({ outcome: 'created' });
		});
	});
});
