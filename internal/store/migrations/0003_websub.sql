-- 0003: the WebSub hub: verified subscriptions, requests awaiting verification
-- of intent, and the distribution queue. Times are unix seconds (UTC), 0
-- meaning "never". claimed_until lets several instances share the queues: a
-- row is worked on by whoever claimed it until then, and is free again after
-- (so a crashed instance's work is picked up).

-- A verified subscription. last_hash is the hash of the last content queued
-- for it, so publishing unchanged content twice (or from two instances)
-- queues one delivery. The secret is kept as given: it keys the HMAC.
CREATE TABLE websub_subscriptions (
	id            INTEGER PRIMARY KEY,
	topic         TEXT    NOT NULL,
	callback      TEXT    NOT NULL,
	secret        TEXT    NOT NULL DEFAULT '',
	lease_seconds INTEGER NOT NULL,
	created       INTEGER NOT NULL,
	verified      INTEGER NOT NULL,
	expires       INTEGER NOT NULL,
	last_hash     BLOB    NOT NULL DEFAULT x'',
	UNIQUE (topic, callback)
) STRICT;

CREATE INDEX websub_subscriptions_expires ON websub_subscriptions (expires);

-- A subscribe or unsubscribe request awaiting verification of intent. It
-- changes nothing until verified; a newer request for the same (topic,
-- callback) replaces it with a new id (AUTOINCREMENT: ids are never reused),
-- so a late answer to the old challenge cannot apply the new request.
CREATE TABLE websub_intents (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	mode          TEXT    NOT NULL CHECK (mode IN ('subscribe', 'unsubscribe')),
	topic         TEXT    NOT NULL,
	callback      TEXT    NOT NULL,
	secret        TEXT    NOT NULL DEFAULT '',
	lease_seconds INTEGER NOT NULL DEFAULT 0,
	requested     INTEGER NOT NULL,
	attempts      INTEGER NOT NULL DEFAULT 0,
	next_attempt  INTEGER NOT NULL,
	claimed_until INTEGER NOT NULL DEFAULT 0,
	last_error    TEXT    NOT NULL DEFAULT '',
	UNIQUE (topic, callback)
) STRICT;

CREATE INDEX websub_intents_due ON websub_intents (next_attempt);

-- A topic's content as published, stored once however many subscribers it
-- goes to; deleted once no delivery refers to it. Ids are never reused, so a
-- delivery that finishes after its content was replaced cannot mistake the
-- replacement for what it sent.
CREATE TABLE websub_contents (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	topic        TEXT    NOT NULL,
	hash         BLOB    NOT NULL,
	content_type TEXT    NOT NULL,
	body         BLOB    NOT NULL,
	created      INTEGER NOT NULL,
	UNIQUE (topic, hash)
) STRICT;

-- At most one pending delivery per subscription: each carries the topic's
-- whole current feed, so newer content replaces older content not yet
-- delivered. attempts and next_attempt stay when it is replaced, so a
-- failing subscriber keeps its backoff.
CREATE TABLE websub_deliveries (
	subscription_id INTEGER PRIMARY KEY REFERENCES websub_subscriptions (id) ON DELETE CASCADE,
	content_id      INTEGER NOT NULL REFERENCES websub_contents (id),
	enqueued        INTEGER NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt    INTEGER NOT NULL,
	claimed_until   INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX websub_deliveries_due ON websub_deliveries (next_attempt);
CREATE INDEX websub_deliveries_content ON websub_deliveries (content_id);
