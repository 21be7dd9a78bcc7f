/** Every resource of the node and its operations, as saved in workflows (these values are a public interface). */
export interface ReferralFactoryOperations {
	campaign: 'get' | 'getAll';
	lead: 'add' | 'delete' | 'get' | 'getAll' | 'qualify' | 'unqualify' | 'update';
	referrer: 'add' | 'delete' | 'get' | 'getAll' | 'update';
	reward: 'cancel' | 'getAll' | 'issue';
}

export type Resource = keyof ReferralFactoryOperations;
export type OperationName<R extends Resource = Resource> = ReferralFactoryOperations[R];
