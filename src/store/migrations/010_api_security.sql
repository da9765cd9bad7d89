-- API security (issue 14, part 5).

-- A token is found by its lookup key, the first 8 characters after `bq_` (48 of its 256 random
-- bits; not secret, like a key id), and only then is its sha256 compared, in constant time, in
-- the process (src/store/token-store.ts): the secret part never meets a database index, whose
-- comparisons stop at the first differing byte. Tokens made before this migration have no lookup
-- yet; they are compared the same way and get their lookup on first use (the hash cannot be undone).
ALTER TABLE api_tokens ADD COLUMN lookup text CHECK (lookup ~ '^[A-Za-z0-9_-]{8}$');
CREATE INDEX api_tokens_lookup ON api_tokens (lookup);

-- Every use of a token on a write route (POST, PUT, PATCH, DELETE), allowed or not: who (token_id;
-- null when the token presented was unknown, revoked or malformed), what (method, the route
-- template and the path), the answer's status, when and from where. Append-only.
CREATE TABLE api_audit (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  token_id  integer REFERENCES api_tokens (id),
  method    text NOT NULL,
  route     text NOT NULL,
  path      text NOT NULL,
  status    integer NOT NULL CHECK (status BETWEEN 100 AND 599),
  ip        text
);
CREATE INDEX api_audit_token ON api_audit (token_id, id);
