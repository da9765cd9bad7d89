-- API tokens (issue 3). Only the sha256 of each secret is stored; the secret is shown once.
CREATE TABLE api_tokens (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('submitter', 'reader', 'admin')),
  token_hash  text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
