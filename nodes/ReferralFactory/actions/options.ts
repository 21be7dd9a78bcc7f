import type { INodeProperties } from 'n8n-workflow';

/**
 * How requests are sent, for every operation: read once per run by the router (actions/router.ts) and applied by
 * the transport. The credential's rate limit applies whatever these are.
 */
export function requestOptions(displayOptions: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions,
		options: [
			{
				displayName: 'Max Concurrent Requests',
				name: 'concurrency',
				type: 'number',
				default: 5,
				typeOptions: { minValue: 1, maxValue: 50 },
				description:
					"How many items are sent to Referral Factory at the same time. The credential's rate limit applies whatever this is.",
			},
			{
				displayName: 'Request Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				default: 30,
				typeOptions: { minValue: 1 },
				description:
					'How long to wait for one answer. Referral Factory sometimes takes over 25 seconds; a timed-out add is checked before it is sent again.',
			},
			{
				displayName: 'Retry For Up To (Seconds)',
				name: 'retryFor',
				type: 'number',
				default: 120,
				typeOptions: { minValue: 1 },
				description:
					'How long to keep retrying an item after rate limits, server failures or network drops before it fails',
			},
		],
	};
}
