/**
 * The one piece of n8n written here: the credentials store (ICredentialsHelper). In n8n it lives in the server
 * package with a database; this one keeps credentials in memory and applies the credential's own `authenticate`
 * block with the workflow's expression engine, as n8n's server does.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	IHttpRequestOptions,
	INode,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';
import { ICredentialsHelper, isExpression } from 'n8n-workflow';

import { CREDENTIAL_NAME, credentialTypes, SECRET_CREDENTIAL_NAME } from './package-types';

/** In-memory credentials; `authenticate` resolves the credential type's generic block as n8n's server does. */
class InMemoryCredentialsHelper extends ICredentialsHelper {
	readonly stored = new Map<string, ICredentialDataDecryptedObject>();

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const type = credentialTypes[typeName];
		const { authenticate } = type;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		if (authenticate?.type === 'generic') {
			const resolve = (value: string) =>
				isExpression(value)
					? String(
							workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '') ??
								'',
						)
					: value;
			for (const [target, entries] of Object.entries(authenticate.properties)) {
				const bag = ((requestOptions as unknown as Record<string, Record<string, unknown>>)[target] ??= {});
				for (const [key, value] of Object.entries(entries as Record<string, string>)) {
					bag[resolve(key)] = resolve(value);
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('Not used by this package');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: { id: string | null },
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.stored.get(`${type}:${nodeCredentials.id}`);
		if (!data) throw new Error(`No ${type} credential with id ${nodeCredentials.id}`);
		// A copy, as n8n decrypts a fresh object for every call.
		return { ...data };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return credentialTypes[type].properties;
	}
}

export const credentialsHelper = new InMemoryCredentialsHelper();

let credentialCounter = 0;
/** Stores a Referral Factory API credential and returns the reference a node puts in `credentials`. */
export function addCredential(data: {
	accessToken: string;
	baseUrl?: string;
	rateLimit?: number;
	rateLimitWindow?: number;
	adaptivePacing?: boolean;
}): { id: string; name: string } {
	const id = String(++credentialCounter);
	credentialsHelper.stored.set(`${CREDENTIAL_NAME}:${id}`, { ...data } as ICredentialDataDecryptedObject);
	return { id, name: `Referral Factory ${id}` };
}

/** Stores a Referral Factory Webhook Secret credential (the trigger's dashboard mode). */
export function addSecretCredential(data: { headerName: string; secret: string }): { id: string; name: string } {
	const id = String(++credentialCounter);
	credentialsHelper.stored.set(`${SECRET_CREDENTIAL_NAME}:${id}`, { ...data } as ICredentialDataDecryptedObject);
	return { id, name: `Webhook secret ${id}` };
}
