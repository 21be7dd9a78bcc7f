/** Every resource of the node and its operations, as saved in workflows (these values are a public interface). */
export interface ReferralFactoryOperations {
	referrer: 'add';
}

export type Resource = keyof ReferralFactoryOperations;
export type OperationName<R extends Resource = Resource> = ReferralFactoryOperations[R];
