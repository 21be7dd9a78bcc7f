import { runReferralFactoryNode } from '../../helpers/engine';
import { operationParameters, useSandbox } from '../../helpers/setup';

const t = useSandbox();

const deleteReferrer = (referrerId: Record<string, unknown>, values: Record<string, unknown> = {}) =>
	operationParameters('referrer', 'delete', { referrerId: { __rl: true, ...referrerId }, options: { retryFor: 10 }, ...values });

async function paths() {
	return (await t.client.requests()).map((r) => `${r.method} ${r.path.replace('/api/v2', '')} ${r.status}`);
}

describe('Referrer → Delete', () => {
	let nathan: Awaited<ReturnType<typeof t.client.createUser>>;
	beforeEach(async () => {
		nathan = await t.client.createUser({ campaign_id: 1, first_name: 'Nathan', email: 'nathan@example.com' });
		await t.client.clearRequests();
	});

	it('deletes the referrer and outputs { deleted: true }', async () => {
		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: deleteReferrer({ mode: 'code', value: nathan.code }), input: [{}] });

		expect(error).toBeUndefined();
		expect(items).toEqual([{ json: { deleted: true, outcome: 'deleted' }, pairedItem: { item: 0 } }]);
		expect(await t.client.users()).toEqual([]);
		expect(await paths()).toEqual([`GET /users/${nathan.code} 200`, `DELETE /users/${nathan.id} 200`]);
	});

	it('resends after a 5xx, and takes a 404 on the resend as done (the lost answer had deleted them)', async () => {
		// The first DELETE is carried out, then its answer is lost (a 500 instead).
		await t.client.addFault({ status: 500, when: 'after', path: `/users/${nathan.id}`, method: 'DELETE', times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: deleteReferrer({ mode: 'id', value: String(nathan.id) }), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({ deleted: true, outcome: 'deleted' });
		expect(await paths()).toEqual([`GET /users/${nathan.id} 200`, `DELETE /users/${nathan.id} 500`, `DELETE /users/${nathan.id} 404`]);
	});

	it('a referrer that is not there is gone already (a re-run): outcome gone, and no DELETE sent', async () => {
		const { error, items } = await runReferralFactoryNode({ credential: t.credential, parameters: deleteReferrer({ mode: 'id', value: '999999' }), input: [{}] });

		expect(error).toBeUndefined();
		expect(items).toEqual([{ json: { deleted: true, outcome: 'gone' }, pairedItem: { item: 0 } }]);
		expect(await paths()).toEqual(['GET /users/999999 404']);
	});

	it('a referrer that is not there, with Fail If Already Done: an error, not a deletion', async () => {
		const { error, items } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: deleteReferrer({ mode: 'id', value: '999999' }, { options: { retryFor: 10, failIfAlreadyDone: true } }),
			input: [{}],
		});

		expect(items).toEqual([]);
		expect(error!.message).toBe('No referrer with ID 999999 was found [item 0]');
		expect(await paths()).toEqual(['GET /users/999999 404']);
	});

	it('deleted by someone else between the look-up and the DELETE (its 404 on the first try): gone, not deleted by this run', async () => {
		await t.client.addFault({ status: 404, path: `/users/${nathan.id}`, method: 'DELETE', times: 1 });

		const { items, error } = await runReferralFactoryNode({ credential: t.credential, parameters: deleteReferrer({ mode: 'id', value: String(nathan.id) }), input: [{}] });

		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({ deleted: true, outcome: 'gone' });
		expect(await paths()).toEqual([`GET /users/${nathan.id} 200`, `DELETE /users/${nathan.id} 404`]);
	});

	it('the same with Fail If Already Done: the error says someone else deleted them', async () => {
		await t.client.addFault({ status: 404, path: `/users/${nathan.id}`, method: 'DELETE', times: 1 });

		const { error } = await runReferralFactoryNode({
			credential: t.credential,
			parameters: deleteReferrer({ mode: 'id', value: String(nathan.id) }, { options: { retryFor: 10, failIfAlreadyDone: true } }),
			input: [{}],
		});

		expect(error!.message).toBe(`Referrer ${nathan.id} was deleted meanwhile [item 0]`);
	});

	it('never deletes a lead given as a referrer', async () => {
		const lead = await t.client.createUser({ campaign_id: 1, first_name: 'Lea', email: 'lea@example.com', referrer: { field: 'id', value: nathan.id } });

		const { error } = await runReferralFactoryNode({ credential: t.credential, parameters: deleteReferrer({ mode: 'id', value: String(lead.id) }), input: [{}] });

		expect(error!.message).toMatch(/is a lead, not a referrer/);
		expect((await t.client.users()).map((u) => u.id)).toEqual([nathan.id, lead.id]);
	});
});
