/** The integration database (DESIGN.md: integration tests use the real PostgreSQL). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
