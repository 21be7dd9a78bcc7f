/**
 * Deliberate breakages of the node's behaviour, each a small realistic bug (a wrong comparison, a branch dropped, a
 * fallback forgotten), not a compile error. `npm run test:mutation` applies each to a copy of the sources and runs
 * the unit tests named in `tests` (the files that exercise that code: fewer tests than the whole suite, so a
 * survivor here may still be caught elsewhere, never the other way round). A breakage that the tests do not catch
 * survives. Each `find` must occur exactly once in its file.
 */
export interface Mutation {
	id: string;
	/** What the bug would do to a user. */
	bug: string;
	file: string;
	find: string;
	replace: string;
	tests: string[];
}

const T = 'nodes/ReferralFactory/transport/';
const H = 'nodes/ReferralFactory/helpers/';
const A = 'nodes/ReferralFactory/actions/';
const TR = 'nodes/ReferralFactoryTrigger/';
const PT = 'nodes/ReferralFactoryPollingTrigger/';

export const MUTATIONS: Mutation[] = [
	// Transport.
	{ id: 'retry-after-date', bug: 'A Retry-After given as a date is ignored', file: `${T}http.ts`, find: 'return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());', replace: 'return Number.isNaN(date) ? undefined : undefined;', tests: ['test/resilience.test.ts'] },
	{ id: 'retry-after-seconds', bug: 'A Retry-After in seconds is read as milliseconds', file: `${T}http.ts`, find: 'if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);', replace: 'if (Number.isFinite(seconds)) return Math.max(0, seconds);', tests: ['test/resilience.test.ts'] },
	{ id: 'reset-unix', bug: 'X-RateLimit-Reset as a Unix time is taken for seconds from now (a pause of decades)', file: `${T}http.ts`, find: 'return reset > 1e9 ? reset * 1000 : now + reset * 1000;', replace: 'return now + reset * 1000;', tests: ['test/adaptive-pacing.test.ts', '-t', 'Unix'] },
	{ id: 'exhausted-ignored', bug: 'X-RateLimit-Remaining 0 does not hold the token back', file: `${T}client.ts`, find: 'if (exhausted !== undefined) this.limiter.pause(exhausted);', replace: 'if (exhausted === -1) this.limiter.pause(exhausted);', tests: ['test/adaptive-pacing.test.ts'] },
	{ id: 'surface-url', bug: "The n8n endpoints' URL keeps /api/v2 in it", file: `${T}http.ts`, find: "return `${baseUrl.replace(/\\/api\\/v\\d+$/i, '')}/api/${surface}`;", replace: 'return `${baseUrl}/api/${surface}`;', tests: ['test/operations/lead/qualify.test.ts', 'test/trigger/registration.test.ts'] },
	{ id: 'not-sent-resend', bug: 'An add refused before it left (connection refused) is not sent again', file: `${T}client.ts`, find: 'const certainlyNotDone = status === 429 || (code !== undefined && NOT_SENT.has(code));', replace: 'const certainlyNotDone = status === 429 || (code !== undefined && NOT_SENT.has(code) && status === 0);', tests: ['test/resilience.test.ts', 'test/transport.test.ts'] },
	{ id: '429-not-transient', bug: 'A 429 is not retried', file: `${T}client.ts`, find: 'const transient = status === undefined || status === 429 || status >= 500;', replace: 'const transient = status === undefined || status >= 500;', tests: ['test/resilience.test.ts'] },
	{ id: 'pause-token', bug: 'After a 429 only the refused request waits, not the token', file: `${T}client.ts`, find: 'this.limiter.pause(Date.now() + wait);', replace: 'this.limiter.pause(Date.now());', tests: ['test/resilience.test.ts'] },
	{ id: 'deadline', bug: 'Retries never give up', file: `${T}client.ts`, find: 'if (Date.now() + wait > deadline) throw failure;', replace: 'if (Date.now() + wait > deadline + 3_600_000) throw failure;', tests: ['test/resilience.test.ts', 'test/transport.test.ts'] },
	{ id: 'gone-first-attempt', bug: 'A 404 on a first DELETE counts as done', file: `${T}client.ts`, find: 'if (status === 404 && attempt > 0 && options.goneAfterResend)', replace: 'if (status === 404 && attempt >= 0 && options.goneAfterResend)', tests: ['test/operations/referrer/delete.test.ts', 'test/operations/lead/delete.test.ts', 'test/resilience.test.ts', 'test/transport.test.ts'] },
	{ id: 'redact-errors', bug: 'An answer quoting the token back puts it in the error', file: `${T}client.ts`, find: "const body = redact(answer, String(this.credentials.data?.accessToken ?? ''));", replace: "const body = redact(answer, '');", tests: ['test/token-secrecy.test.ts'] },
	{ id: 'window-edge', bug: "The limiter starts a request as the window's oldest one leaves it, half a second early", file: `${T}limiter.ts`, find: 'ready = Math.max(ready, end + windowMs + 1);', replace: 'ready = Math.max(ready, end + windowMs - 500);', tests: ['test/limiter.test.ts'] },
	{ id: 'adaptive-halving', bug: "Adaptive pacing never lowers the process's share after a 429", file: `${T}limiter.ts`, find: 'this.share = Math.max(MIN_SHARE, this.currentShare(now) / 2);', replace: 'this.share = Math.max(MIN_SHARE, this.currentShare(now));', tests: ['test/adaptive-pacing.test.ts'] },
	{ id: 'links-next', bug: '`links.next: null` does not end a list', file: `${T}paginate.ts`, find: "if (envelope.links && typeof envelope.links === 'object' && 'next' in envelope.links && !envelope.links.next) {", replace: "if (envelope.links && typeof envelope.links === 'object' && 'next' in envelope.links && envelope.links.next === 0) {", tests: ['test/pagination.test.ts'] },
	{ id: 'meta-last-page', bug: '`meta.current_page >= last_page` does not end a list', file: `${T}paginate.ts`, find: 'if (envelope.meta && Number.isFinite(current) && Number.isFinite(last) && current >= last) hasMore = false;', replace: 'if (envelope.meta && Number.isFinite(current) && Number.isFinite(last) && current > last) hasMore = false;', tests: ['test/pagination.test.ts'] },
	{ id: 'keep-later-pages', bug: 'Records on later pages are not checked again', file: `${T}paginate.ts`, find: 'collected.push(...page.items.filter(keep));', replace: 'collected.push(...page.items);', tests: ['test/operations/referrer/getAll.test.ts', 'test/operations/lead/getAll.test.ts', 'test/pagination.test.ts'] },
	{ id: 'redact-lists', bug: 'The token scrubber skips lists', file: `${T}redact.ts`, find: 'if (Array.isArray(current)) return current.map((entry) => visit(entry, depth + 1));', replace: 'if (Array.isArray(current)) return current;', tests: ['test/token-secrecy.test.ts'] },
	{ id: 'errors-list', bug: 'A 422 whose errors are a list is read as having no field errors', file: `${T}errors.ts`, find: '	if (Array.isArray(errors)) {', replace: '	if (Array.isArray(errors) && errors.length < 0) {', tests: ['test/api-errors.test.ts'] },
	{ id: 'field-labels', bug: "A 422 names the API's field instead of the node's", file: `${T}errors.ts`, find: 'const label = field ? (fieldLabel?.(field) ?? field) : undefined;', replace: "const label = field ? (fieldLabel?.('') ?? field) : undefined;", tests: ['test/api-errors.test.ts', 'test/operations/referrer/update.test.ts'] },
	{ id: 'sleep-signal', bug: 'A wait ignores a stopped execution', file: `${T}sleep.ts`, find: "const waiting = signal && typeof api.sleepWithAbort === 'function' ? api.sleepWithAbort(ms, signal) : api.sleep(ms, signal);", replace: "const waiting = signal && typeof api.sleepWithAbort === 'function' ? api.sleepWithAbort(ms) : api.sleep(ms);", tests: ['test/cancellation.test.ts'] },
	{ id: 'client-stop-check', bug: 'An answer cut off by a stop is taken for a lost answer', file: `${T}client.ts`, find: `				finished();
			}
			this.throwIfCancelled();`, replace: `				finished();
			}`, tests: ['test/cancellation.test.ts'] },
	{ id: 'queue-abort', bug: "A stopped item's wait for the limiter is not ended", file: `${T}limiter.ts`, find: "signal?.addEventListener('abort', onAbort, { once: true });", replace: 'void onAbort;', tests: ['test/cancellation.test.ts', 'test/limiter.test.ts'] },
	// Helpers.
	{ id: 'lost-answer-flag', bug: 'After a lost answer Add trusts an "exists" answer about its own person', file: `${H}create-once.ts`, find: 'afterLostAnswer = true;', replace: 'afterLostAnswer = false;', tests: ['test/operations/referrer/add-outcome.test.ts'] },
	{ id: 'clock-skew', bug: "Add's date judgement allows no clock skew", file: `${H}user.ts`, find: 'const CLOCK_SKEW_MS = 5 * 60_000;', replace: 'const CLOCK_SKEW_MS = 0;', tests: ['test/operations/referrer/add-outcome.test.ts'] },
	{ id: 'day-window', bug: 'A day without a time is taken for its UTC midnight', file: `${H}user.ts`, find: 'return { earliest: at - 14 * HOUR, latest: at + (time ? 12 : 36) * HOUR };', replace: 'return { earliest: at - 0 * HOUR, latest: at + (time ? 0 : 0) * HOUR };', tests: ['test/operations/referrer/add-outcome.test.ts'] },
	{ id: 'v1-qualified', bug: "A v1 record's `qualified: 1` is read as not qualified", file: `${H}user.ts`, find: 'user.qualified === true || user.qualified === 1;', replace: 'user.qualified === true;', tests: ['test/simplify-user.test.ts', 'test/trigger/dashboard.test.ts', 'test/operations/lead/get.test.ts'] },
	{ id: 'email-taken', bug: 'A 422 "email taken" is not taken for "the person exists"', file: `${H}user.ts`, find: '/taken|exists|already|duplicate/i.test(message)', replace: '/duplicate/i.test(message)', tests: ['test/operations/referrer/add.test.ts', 'test/continue-on-fail.test.ts'] },
	{ id: 'search-campaign', bug: "A search that ignores the campaign returns another campaign's person", file: `${H}user.ts`, find: "String(user?.email ?? '').toLowerCase() === wanted && String(user?.campaign_id ?? campaignId) === String(campaignId),", replace: "String(user?.email ?? '').toLowerCase() === wanted,", tests: ['test/operations/referrer/add.test.ts'] },
	{ id: 'person-kind', bug: 'A lead given as a referrer is changed or deleted', file: `${H}person.ts`, find: "if (user && typeof user.type === 'string' && user.type !== API_TYPE[role]) {", replace: "if (user && typeof user.type === 'string' && user.type !== API_TYPE[role] && user.type === 'none') {", tests: ['test/operations/referrer/delete.test.ts', 'test/operations/referrer/get.test.ts'] },
	{ id: 'email-several-campaigns', bug: 'A person by email with no campaign, in several campaigns, is taken from the first', file: `${H}person.ts`, find: 'if (ofRole.length > 1) {', replace: 'if (ofRole.length > 99) {', tests: ['test/operations/referrer/get.test.ts'] },
	{ id: 'reward-one-type', bug: 'After a lost answer a reward is looked for in the Fixed Amount lists only', file: `${H}reward.ts`, find: `	for (const state of ['issued', 'due'] as const) {
		for (const type of REWARD_TYPES) {`, replace: `	for (const state of ['issued', 'due'] as const) {
		for (const type of REWARD_TYPES.slice(0, 1)) {`, tests: ['test/operations/reward/issue.test.ts', 'test/operations/reward/cancel.test.ts'] },
	{ id: 'reward-claims', bug: 'The same reward twice in one run is sent twice', file: `${H}reward.ts`, find: 'if (claim === undefined) {', replace: 'if (claim === undefined || Math.random() < 2) {', tests: ['test/operations/reward/issue.test.ts'] },
	{ id: 'email-pattern', bug: 'An email without a domain passes the check', file: `${H}validation.ts`, find: 'const EMAIL_PATTERN = /^[^\\s@]+@[^\\s@]+\\.[^\\s@.]+$/;', replace: 'const EMAIL_PATTERN = /^[^\\s]+$/;', tests: ['test/bad-input.test.ts', 'test/continue-on-fail.test.ts'] },
	{ id: 'field-by-id', bug: 'A custom field given by its ID is sent under the ID', file: `${H}campaign.ts`, find: "const byId = fields.find((field) => String(field.id ?? '').toLowerCase() === wanted);", replace: 'const byId = fields.find(() => false);', tests: ['test/operations/referrer/update.test.ts', 'test/operations/referrer/add.test.ts'] },
	{ id: 'notify', bug: 'Send Welcome Notification is not sent', file: `${H}new-person.ts`, find: '	if (additional.notify !== undefined) {', replace: '	if (additional.notify === null) {', tests: ['test/operations/referrer/add.test.ts', 'test/operations/lead/add.test.ts'] },
	// Operations.
	{ id: 'issue-pre-check', bug: 'A re-run issues an issued reward again', file: `${A}reward/issue.operation.ts`, find: "if (!(await rewardsInState(client, 'due', lookup)).has(String(rewardId))) {", replace: "if (Math.random() > 2 && !(await rewardsInState(client, 'due', lookup)).has(String(rewardId))) {", tests: ['test/operations/reward/issue.test.ts', 'test/rerun.test.ts'] },
	{ id: 'issue-refusal', bug: 'A refusal of an issued reward is an error', file: `${A}reward/issue.operation.ts`, find: 'return alreadyIssued(found.reward);', replace: 'throw sent.error;', tests: ['test/operations/reward/issue.test.ts'] },
	{ id: 'cancel-gone', bug: 'A re-run of Cancel fails', file: `${A}reward/cancel.operation.ts`, find: `			if ((await rewardsInState(client, 'issued', lookup)).has(String(rewardId))) throw issued();
			return await gone();`, replace: `			if ((await rewardsInState(client, 'issued', lookup)).has(String(rewardId))) throw issued();
			throw issued();`, tests: ['test/operations/reward/cancel.test.ts', 'test/rerun.test.ts'] },
	{ id: 'cancel-issued-after-loss', bug: 'A reward issued while a cancel was lost is reported cancelled', file: `${A}reward/cancel.operation.ts`, find: `if (found.state === 'due') return undefined;
					throw issued();`, replace: `if (found.state === 'due') return undefined;
					return true;`, tests: ['test/operations/reward/cancel.test.ts'] },
	{ id: 'qualify-strict', bug: 'Fail If Already Done is ignored by Qualify', file: `${A}lead/qualification.ts`, find: 'if (request.strict) {', replace: 'if (request.strict === undefined) {', tests: ['test/rerun.test.ts'] },
	{ id: 'qualify-pre-read', bug: 'A re-run qualifies a qualified lead again', file: `${A}lead/qualification.ts`, find: 'if (isQualified(before) === qualified) {', replace: 'if (Math.random() > 2 && isQualified(before) === qualified) {', tests: ['test/rerun.test.ts', 'test/operations/lead/qualify.test.ts'] },
	{ id: 'delete-gone', bug: 'A re-run of Delete fails', file: `${A}people/delete.ts`, find: "if (!strict) return { deleted: true, outcome: 'gone' };", replace: "if (strict) return { deleted: true, outcome: 'gone' };", tests: ['test/rerun.test.ts', 'test/operations/referrer/delete.test.ts'] },
	{ id: 'update-unchanged', bug: 'A re-run of Update sends the values again and says updated', file: `${A}people/update.ts`, find: "if (hasValues(person, body)) return output(person, 'unchanged');", replace: "if (hasValues(person, body) && Math.random() > 2) return output(person, 'unchanged');", tests: ['test/rerun.test.ts'] },
	{ id: 'add-known-absent', bug: "Add under Fail judges its own person by the date, not by the look-up it made", file: `${A}people/add.ts`, find: "const judged = ifExists === 'returnExisting' ? addedByThisRun(record.user, sentAt) : 'created';", replace: 'const judged = addedByThisRun(record.user, sentAt);', tests: ['test/operations/referrer/add-outcome.test.ts'] },
	{ id: 'getall-type', bug: 'Get Many returns the other kind of person when the API ignores the filter', file: `${A}people/getAll.ts`, find: 'keep: (user) => (user?.type === undefined || user.type === apiType) &&', replace: 'keep: (user) => (user?.type !== null) &&', tests: ['test/operations/referrer/getAll.test.ts', 'test/operations/lead/getAll.test.ts'] },
	{ id: 'paired-item', bug: 'Every output item is paired with the first input item', file: `${A}router.ts`, find: 'itemData: { item: itemIndex },', replace: 'itemData: { item: 0 },', tests: ['test/continue-on-fail.test.ts'] },
	{ id: 'error-item-description', bug: 'An error item loses the advice', file: `${A}router.ts`, find: 'if (description) json.description = description;', replace: 'if (!description) json.description = description;', tests: ['test/continue-on-fail.test.ts'] },
	// Trigger.
	{ id: 'delivery-data', bug: 'A delivery with the person under `data` loses the person', file: `${TR}payload.ts`, find: "for (const key of ['user', 'data', 'person'])", replace: "for (const key of ['user', 'person'])", tests: ['test/trigger/registration.test.ts'] },
	{ id: 'delivery-referrer-object', bug: "A referrer given as an object loses the lead's referrerId", file: `${TR}payload.ts`, find: 'if (referrerObject?.id !== undefined && user.referrer_id === undefined)', replace: 'if (referrerObject?.id === null && user.referrer_id === undefined)', tests: ['test/trigger/registration.test.ts'] },
	{ id: 'delivery-event-name', bug: '`event_name` is not read as the event', file: `${TR}payload.ts`, find: 'const event = body.event ?? body.event_name ?? body.trigger;', replace: 'const event = body.event ?? body.trigger;', tests: ['test/trigger/registration.test.ts', 'test/trigger/dashboard.test.ts'] },
	{ id: 'header-secret', bug: 'Any header secret is accepted', file: `${TR}ReferralFactoryTrigger.node.ts`, find: 'return timingSafeEqual(digest(given), digest(expected));', replace: 'return timingSafeEqual(digest(given), digest(given));', tests: ['test/trigger/dashboard.test.ts', 'test/trigger/registration.test.ts'] },
	{ id: 'unregistered-accepts', bug: 'A trigger that registered nothing takes any delivery', file: `${TR}registration.ts`, find: 'return slots.some((slot) => slot.registrationId !== undefined || slot.rewardId !== undefined);', replace: 'return true;', tests: ['test/trigger/registration.test.ts'] },
	{ id: 'secret-not-in-url', bug: 'The registered URL carries no secret', file: `${TR}registration.ts`, find: 'url.searchParams.set(SECRET_PARAMETER, secret);', replace: 'void url;', tests: ['test/trigger/registration.test.ts'] },
	{ id: 'other-event', bug: 'A delivery of another event starts the workflow', file: `${TR}ReferralFactoryTrigger.node.ts`, find: '(eventOf(delivery) ?? configured) === configured', replace: '(eventOf(delivery) ?? configured) !== null', tests: ['test/trigger/registration.test.ts'] },
	// Polling trigger.
	{ id: 'poll-step-back', bug: 'After deletions before the mark, new people on the page before the last one are never started', file: `${PT}scan.ts`, find: 'Math.min(...ids) > mark.id', replace: 'Math.min(...ids) > Infinity', tests: ['test/trigger/polling.test.ts'] },
	{ id: 'poll-seen', bug: 'Qualifications seen in the last check are started again', file: `${PT}scan.ts`, find: 'if (mark && at >= mark.from && seen.get(id) !== at)', replace: 'if (mark && at >= mark.from)', tests: ['test/trigger/polling.test.ts'] },
	{ id: 'poll-window', bug: 'A qualification on a page read earlier in the check, or at a clock an hour back, is never started', file: `${PT}scan.ts`, find: 'const from = Math.max(mark?.from ?? -Infinity, newest - WINDOW_MS);', replace: 'const from = Math.max(mark?.from ?? -Infinity, newest);', tests: ['test/trigger/polling.test.ts'] },
	{ id: 'poll-overlap', bug: 'A slow check and the next one start the same records', file: `${PT}ReferralFactoryPollingTrigger.node.ts`, find: 'if (running.has(key)) return null;', replace: 'if (running.has(`${key}?`)) return null;', tests: ['test/trigger/polling.test.ts'] },
	{ id: 'poll-burst-back', bug: 'A person deleted while a burst is read hides a new one', file: `${PT}scan.ts`, find: 'for (let back = current.lastPage; back > start; back--) note((await read(back)).items, back);', replace: 'for (let next = start + 1; next <= current.lastPage; next++) note((await read(next)).items, next);', tests: ['test/trigger/polling.test.ts'] },
	{ id: 'poll-newest-first', bug: 'A list that comes newest first is read from the last page: new people are missed', file: `${PT}scan.ts`, find: 'const newestFirst = ids.length > 1 &&', replace: 'const newestFirst = ids.length > 1000 &&', tests: ['test/trigger/polling.test.ts'] },
	{ id: 'poll-keep', bug: 'When the API ignores the type and campaign filters, other people start the workflow', file: `${PT}ReferralFactoryPollingTrigger.node.ts`, find: 'record.type === people.type && inCampaign(record)', replace: '(inCampaign(record) || true)', tests: ['test/trigger/polling.test.ts'] },
	{ id: 'poll-untimed', bug: 'Leads qualified where the API gives only a flag are never started', file: `${PT}scan.ts`, find: 'if (mark && !untimed.has(id)) fresh.push', replace: 'if (mark && untimed.has(id)) fresh.push', tests: ['test/trigger/polling.test.ts'] },
];
