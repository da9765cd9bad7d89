import type { Command } from 'commander';
import Table from 'cli-table3';
import { loadConfig } from '../runtime/config.js';
import { MetadataError } from '../errors/index.js';
import { openStore } from '../store/open-store.js';
import { SqlStore } from '../store/sql-store.js';
import { Role, TokenStore } from '../store/token-store.js';

/**
 * Tokens are managed straight in the store (no server needed), so the first admin token can be
 * made before anything runs. A file-backed PGlite is one process's at a time: with the embedded
 * store, stop `serve` first, or use POST /tokens with an admin token.
 */
async function withTokens<T>(fn: (tokens: TokenStore) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore({ DATA_DIR: config.DATA_DIR, DATABASE_URL: config.DATABASE_URL });
  try {
    if (!(store instanceof SqlStore)) throw new MetadataError(`the ${store.kind} store does not keep API tokens`);
    return await fn(new TokenStore(store.executor));
  } finally {
    await store.close();
  }
}

export function registerToken(program: Command): void {
  const token = program.command('token').description('API tokens: create (the secret is printed once), list, revoke');

  token
    .command('create')
    .description('create a token and print it on stdout, once; only its hash is kept')
    .requiredOption('--role <role>', `one of ${Role.options.join(', ')}`)
    .option('--name <name>', 'who or what it is for', 'unnamed')
    .action(async (o: { role: string; name: string }) => {
      const role = Role.safeParse(o.role);
      if (!role.success) throw new MetadataError(`--role must be one of ${Role.options.join(', ')} (got "${o.role}")`);
      const created = await withTokens((t) => t.createToken(role.data, o.name));
      process.stdout.write(`${created.token}\n`);
      process.stderr.write(`token ${created.id} (${role.data}, "${o.name}") created; it is not shown again\n`);
    });

  token
    .command('list')
    .description('list tokens (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const list = await withTokens((t) => t.list());
      if (o.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      const table = new Table({ head: ['id', 'name', 'role', 'created', 'revoked'], style: { head: [], border: [] } });
      for (const t of list) table.push([t.id, t.name, t.role, t.createdAt.toISOString(), t.revokedAt?.toISOString() ?? '']);
      process.stdout.write(`${table.toString()}\n`);
    });

  token
    .command('revoke')
    .description('revoke a token by id')
    .argument('<id>')
    .action(async (idText: string) => {
      const id = Number(idText);
      if (!Number.isInteger(id) || id <= 0) throw new MetadataError(`token id must be a positive whole number, got "${idText}"`);
      if (!(await withTokens((t) => t.revoke(id)))) throw new MetadataError(`token ${id} not found or already revoked`);
      process.stderr.write(`token ${id} revoked\n`);
    });
}
