import * as workflow from 'n8n-workflow';
import { ManualExecutionCancelledError } from 'n8n-workflow';

type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Waits `ms`, or ends at once with n8n's cancellation error when `signal` aborts: the node's only way to wait
 * (pacing, backoff), through n8n-workflow so that no timer of ours is left behind.
 *
 * The package runs on the `n8n-workflow` of the n8n it is installed in, and its API moved: up to the 2.x lines of
 * early 2026 (2.8.0) the abortable wait is `sleepWithAbort(ms, signal)` and `sleep(ms)` ignores a signal; in 2.41.0
 * `sleepWithAbort` is gone and `sleep(ms, signal)` aborts. Found in queue mode on n8n 2.41.1: a plain import of
 * `sleepWithAbort` is undefined there, and every wait failed with "sleepWithAbort is not a function". So the one
 * that exists is picked at run time, and a rejection is always n8n's cancellation error.
 */
export async function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted) throw new ManualExecutionCancelledError('');
	const api = workflow as unknown as { sleepWithAbort?: Sleep; sleep: Sleep };
	const waiting = signal && typeof api.sleepWithAbort === 'function' ? api.sleepWithAbort(ms, signal) : api.sleep(ms, signal);
	await waiting.then(
		() => undefined,
		() => {
			throw new ManualExecutionCancelledError('');
		},
	);
	if (signal?.aborted) throw new ManualExecutionCancelledError('');
}
