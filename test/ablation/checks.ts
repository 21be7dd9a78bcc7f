/**
 * The node's safety checks, each with the edit that switches it off. The ablation run (run.ts) applies one edit at a
 * time to a copy of the sources and expects the mixed fault suite to fail. An edit's `find` must occur exactly
 * once, so a refactor that moves the check breaks the run loudly instead of silently testing nothing.
 */
export interface SafetyCheck {
	/** What the check guarantees, as the issue and the README state it. */
	name: string;
	file: string;
	find: string;
	replace: string;
}

/** Makes a function return at once while keeping its code reachable for the type checker. */
const bail = (value: string) => `if (Math.random() < 2) return ${value};`;

// Cancel's look-up before a resend is no longer a safety check: a second cancel cannot pay, and a resend refused after
// a lost answer is read as this run's work (cancel.operation.ts), so without the look-up the outcome is still right;
// it saves a request. Switched off, the mixed suite passes, as it should.
export const SAFETY_CHECKS: SafetyCheck[] = [
	{
		name: 'Add (referrer, lead): after an ambiguous failure, look the person up before sending again',
		file: 'nodes/ReferralFactory/actions/people/add.ts',
		find: 'find: async () => {',
		replace: `find: async () => {\n${bail('undefined')}`,
	},
	{
		name: 'Reads, Update, Qualify, Delete: resent after a transient failure',
		file: 'nodes/ReferralFactory/transport/client.ts',
		find: 'const idempotent = options.idempotent ?? IDEMPOTENT.has(method);',
		replace: 'const idempotent = options.idempotent ?? (IDEMPOTENT.has(method) && false);',
	},
	{
		name: 'Delete: a 404 on a resend means the lost first answer had deleted the person',
		file: 'nodes/ReferralFactory/actions/people/delete.ts',
		find: 'goneAfterResend: true,',
		replace: 'goneAfterResend: false,',
	},
	{
		name: 'Issue reward: after no answer, wait the request timeout and look; never send again blind',
		file: 'nodes/ReferralFactory/actions/reward/issue.operation.ts',
		find: 'if (!isAmbiguous(sent.error)) throw sent.error;',
		// Once per item, at once (resending on every lost answer would loop until the suite timed out).
		replace: `if (!isAmbiguous(sent.error)) throw sent.error;\nconst blind = send as { blind?: boolean };\nif (!blind.blind) {\nblind.blind = true;\nreturn await send(resends);\n}`,
	},
	{
		name: 'Issue reward: a reward the run\'s lists show issued is not sent again (a re-run, to an API that would pay again)',
		file: 'nodes/ReferralFactory/actions/reward/issue.operation.ts',
		find: "const due = (await rewardsInState(client, 'due', lookup)).get(String(rewardId));",
		replace: "const due = (await rewardsInState(client, 'due', lookup)).get(String(rewardId)) ?? (await rewardsInState(client, 'issued', lookup)).get(String(rewardId));",
	},
	{
		name: 'Qualify: a lead in that state already is not sent again, and the outcome says so',
		file: 'nodes/ReferralFactory/actions/lead/qualification.ts',
		find: 'if (isQualified(now) === qualified) return',
		replace: 'if (Math.random() > 2 && isQualified(now) === qualified) return',
	},
	{
		name: 'Retry On Fail: what an earlier try of the execution wrote is remembered (the retried renames say updated)',
		file: 'nodes/ReferralFactory/helpers/claims.ts',
		find: 'return done?.record === record ? done.outcome : undefined;',
		replace: 'return done?.record === record ? undefined : undefined;',
	},
	{
		name: "Pacing: every request waits for the token's rate limiter",
		file: 'nodes/ReferralFactory/transport/limiter.ts',
		find: 'async acquire(signal?: AbortSignal): Promise<() => void> {',
		replace: `async acquire(signal?: AbortSignal): Promise<() => void> {\n${bail('() => undefined')}`,
	},
];
