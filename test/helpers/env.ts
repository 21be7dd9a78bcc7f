// n8n-core reads N8N_USER_FOLDER when it is first imported and writes its instance settings there:
// point it at a throwaway folder so tests never touch ~/.n8n.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'rf-n8n-test-'));
process.env.N8N_ENCRYPTION_KEY ??= 'referral-factory-tests';
