//! The ciphertext store: agencies, and the sealed packets addressed to them.
//!
//! Everything the server keeps goes through [`Store`], so that another backend
//! (PostgreSQL for the rows, S3-compatible object storage for packet bodies) can replace
//! the embedded SQLite file without touching the HTTP layer. What is stored is only what
//! a packet shows without a key: its id, its size, its recipients' key ids, when it came
//! and whether it was acknowledged, and its body, which is ciphertext. No client address.
//! The body's cleartext `aad` member does carry the form id and version and the creation
//! time (coarsened to the day by the core); the store never reads them.
//!
//! Durability: SQLite in WAL mode with `synchronous=FULL`, so a transaction is on disk
//! when its commit returns, and the HTTP layer answers 201 only after that.
//!
//! Deletion: `secure_delete` overwrites deleted rows in the database file, and every
//! deletion of packets ends with a truncating checkpoint, because until then the
//! write-ahead log still holds the pages as they were written, ciphertext and all.
//!
//! Quota: an agency may have at most so many bytes of packets waiting (received, not yet
//! acknowledged by it). The check runs in the transaction that inserts, so uploads that
//! arrive together cannot overshoot it between them.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, mpsc};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};

/// An agency of the directory, as published to browsers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agency {
    pub kid: String,
    pub name: String,
    pub kind: String,
    /// The public JWK, exactly as registered.
    pub jwk: String,
    pub fingerprint: String,
    /// The agency's Ed25519 signing key (a public JWK), when it has registered one.
    pub signing_jwk: Option<String>,
    /// That signing key's endorsement of `jwk`, given at its rotation.
    pub endorsement: Option<String>,
}

/// A partner site that may embed one form in a frame, for fixed agencies
/// (`confidant partner add`, `docs/embedding.md`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partner {
    /// Random, base64url: what the partner's snippet names.
    pub id: String,
    /// The one origin that may frame it.
    pub origin: String,
    /// The partner's name, as the frame shows it to the visitor beside the origin.
    pub name: String,
    /// Whether the frame tells the partner's page that something was sent (a bare
    /// `completed` message, nothing in it): off unless the partner asked.
    pub completed: bool,
    /// The form it embeds.
    pub form: String,
    /// The key ids of the agencies what is sent through it is sealed to.
    pub recipients: Vec<String>,
    /// Seconds since the epoch.
    pub added: u64,
}

/// What the server answers for an accepted packet; the same for every upload of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub packet_id: String,
    /// Seconds since the epoch.
    pub received: u64,
}

/// A packet in an agency's inbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxEntry {
    pub packet_id: String,
    pub size: u64,
    pub received: u64,
    pub acknowledged: Option<u64>,
}

/// The outcome of storing a packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    /// New: it is now durably stored.
    New(Receipt),
    /// The very same packet was stored before.
    Again(Receipt),
    /// Another packet with this id was stored before: refused.
    Conflict,
    /// Storing it would take a recipient over its quota of bytes waiting: refused.
    OverQuota,
}

/// A failure of the storage itself (disk full, file unreadable, …): the request that hit
/// it fails, nothing half-done remains, and the message names no packet content.
#[derive(Debug)]
pub struct StoreError(String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        Self(format!("storage error: {error}"))
    }
}

/// What every storage backend does. Methods are blocking; the HTTP layer calls them off
/// its async threads.
pub trait Store: Send + Sync {
    fn add_agency(
        &self,
        agency: &Agency,
        credential_hash: &[u8; 32],
        now: u64,
    ) -> Result<bool, StoreError>;
    fn remove_agency(&self, kid: &str) -> Result<bool, StoreError>;
    fn agencies(&self) -> Result<Vec<Agency>, StoreError>;
    /// The agency whose credential hashes to `credential_hash`.
    fn agency_by_credential(
        &self,
        credential_hash: &[u8; 32],
    ) -> Result<Option<String>, StoreError>;
    /// Whether an agency with this key id is registered, under its current key or a
    /// former one (a packet sealed before a rotation is still delivered).
    fn is_agency(&self, kid: &str) -> Result<bool, StoreError>;
    /// Gives the agency now under `old_kid` the key `new`: its name, kind, credential and
    /// waiting packets stay; `old_kid` becomes a former key of it, so that packets still
    /// sealed to it are delivered to the agency.
    fn rotate_agency(&self, old_kid: &str, new: &NewKey, now: u64) -> Result<Rotated, StoreError>;
    /// Registers `signing_jwk` as the signing key of the agency under `kid` (its current
    /// key id), replacing any before; `false` if there is no such agency.
    fn set_signing_key(&self, kid: &str, signing_jwk: &str) -> Result<bool, StoreError>;
    /// Registers a partner; `false` if its origin embeds its form already.
    fn add_partner(&self, partner: &Partner) -> Result<bool, StoreError>;
    /// Every partner, by origin and form.
    fn partners(&self) -> Result<Vec<Partner>, StoreError>;
    /// The partner with this id.
    fn partner(&self, id: &str) -> Result<Option<Partner>, StoreError>;
    /// Removes the partners of `origin` (for `form` only, when given); how many.
    fn remove_partners(&self, origin: &str, form: Option<&str>) -> Result<usize, StoreError>;
    /// After the agency under `old_kid` rotated to `new_kid` (`Some`) or was removed
    /// (`None`): every partner sealing to `old_kid` seals to `new_kid` instead, or no longer
    /// to it, and a partner left with no agency is removed. The partners changed, as they
    /// are now, and whether each was removed.
    fn repoint_partners(
        &self,
        old_kid: &str,
        new_kid: Option<&str>,
    ) -> Result<Vec<(Partner, bool)>, StoreError>;
    /// Replaces the credential of the agency under `kid`; `false` if there is none.
    fn replace_credential(&self, kid: &str, credential_hash: &[u8; 32])
    -> Result<bool, StoreError>;
    /// Stores a packet for its agency recipients, all of which must be registered, unless
    /// it would take one of them over `quota_bytes` of packets waiting (see
    /// [`Store::waiting_bytes`]): then nothing is stored, and the outcome is
    /// [`Stored::OverQuota`]. The quota is checked in the transaction that inserts (for
    /// PostgreSQL: with the agencies' rows locked, `SELECT … FOR UPDATE`), so concurrent
    /// uploads cannot overshoot it. A packet stored before is [`Stored::Again`] whatever
    /// the quota.
    fn put_packet(
        &self,
        packet_id: &str,
        recipients: &[String],
        body: &[u8],
        now: u64,
        quota_bytes: u64,
    ) -> Result<Stored, StoreError>;
    /// The sum of the sizes of the packets waiting for an agency: addressed to it and not
    /// yet acknowledged by it.
    fn waiting_bytes(&self, kid: &str) -> Result<u64, StoreError>;
    fn inbox(&self, kid: &str) -> Result<Vec<InboxEntry>, StoreError>;
    fn packet_for(&self, kid: &str, packet_id: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Marks a packet acknowledged by one agency; `false` if it is not in its inbox.
    fn acknowledge(&self, kid: &str, packet_id: &str, now: u64) -> Result<bool, StoreError>;
    /// Deletes deliveries acknowledged before `acknowledged_before` and unacknowledged
    /// ones received before `received_before`, then packets nobody is waiting for, and
    /// leaves no copy of their bodies behind (no log, no free page). Returns how many
    /// packets were deleted.
    fn expire(&self, acknowledged_before: u64, received_before: u64) -> Result<usize, StoreError>;
}

/// An agency's next key, as the directory will publish it.
#[derive(Clone, Debug)]
pub struct NewKey {
    pub kid: String,
    pub jwk: String,
    pub fingerprint: String,
    /// The agency's signing key's endorsement of the new key (`docs/server.md`), if given.
    pub endorsement: Option<String>,
}

/// What became of a rotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rotated {
    /// Rotated; this many packets were waiting and still are.
    Done { waiting: usize },
    /// No agency has `old_kid` as its current key.
    NoSuchAgency,
    /// The new key is already an agency's key, current or former.
    KeyTaken,
}

/// The embedded default: one SQLite file in the data folder.
///
/// Uploads go to one writer thread with a connection of its own, which commits every
/// upload waiting at that moment in a single transaction: twenty clients uploading at
/// once cost one `fsync`, not twenty, and each is answered only after that commit.
/// Everything else uses a second connection (WAL lets readers and the writer proceed
/// side by side).
#[derive(Debug)]
pub struct SqliteStore {
    connection: Mutex<Connection>,
    uploads: Mutex<mpsc::Sender<Upload>>,
    path: PathBuf,
}

/// One upload waiting for the writer thread, and where its outcome goes.
#[derive(Debug)]
struct Upload {
    packet_id: String,
    recipients: Vec<String>,
    body: Vec<u8>,
    now: u64,
    quota_bytes: u64,
    outcome: mpsc::Sender<Result<Stored, StoreError>>,
}

/// At most this many uploads share a commit, so that no answer waits on a huge batch.
const MAX_BATCH: usize = 64;

/// The file name of the database inside the data folder.
pub const DATABASE_FILE: &str = "confidant.sqlite3";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS agencies (
    kid TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    jwk TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    credential_hash BLOB NOT NULL UNIQUE,
    added INTEGER NOT NULL,
    signing_jwk TEXT,
    endorsement TEXT
) STRICT;
CREATE TABLE IF NOT EXISTS packets (
    id TEXT PRIMARY KEY,
    body BLOB NOT NULL,
    sha256 BLOB NOT NULL,
    size INTEGER NOT NULL,
    received INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS deliveries (
    kid TEXT NOT NULL,
    packet_id TEXT NOT NULL REFERENCES packets(id) ON DELETE CASCADE,
    acknowledged INTEGER,
    size INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kid, packet_id)
) STRICT;
CREATE INDEX IF NOT EXISTS deliveries_by_packet ON deliveries(packet_id);
CREATE TABLE IF NOT EXISTS partners (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    name TEXT NOT NULL,
    completed INTEGER NOT NULL,
    form TEXT NOT NULL,
    recipients TEXT NOT NULL,
    added INTEGER NOT NULL,
    UNIQUE (origin, form)
) STRICT;
CREATE TABLE IF NOT EXISTS former_keys (
    kid TEXT PRIMARY KEY,
    agency TEXT NOT NULL,
    retired INTEGER NOT NULL
) STRICT;
";

/// The bytes each agency has waiting, kept by triggers as deliveries come, are
/// acknowledged and go, so that the quota check on every upload reads one row. (Summing
/// the packets instead read every waiting packet's row, body and all, on every upload:
/// ingest fell to a fifth with a thousand packets waiting.)
const WAITING: &str = "
CREATE TABLE IF NOT EXISTS waiting (
    kid TEXT PRIMARY KEY,
    bytes INTEGER NOT NULL
) STRICT;
CREATE TRIGGER IF NOT EXISTS waiting_on_delivery AFTER INSERT ON deliveries
WHEN NEW.acknowledged IS NULL BEGIN
    INSERT INTO waiting (kid, bytes) VALUES (NEW.kid, NEW.size)
    ON CONFLICT (kid) DO UPDATE SET bytes = bytes + NEW.size;
END;
CREATE TRIGGER IF NOT EXISTS waiting_on_acknowledgment AFTER UPDATE OF acknowledged ON deliveries
WHEN OLD.acknowledged IS NULL AND NEW.acknowledged IS NOT NULL BEGIN
    UPDATE waiting SET bytes = bytes - OLD.size WHERE kid = OLD.kid;
END;
CREATE TRIGGER IF NOT EXISTS waiting_on_removal AFTER DELETE ON deliveries
WHEN OLD.acknowledged IS NULL BEGIN
    UPDATE waiting SET bytes = bytes - OLD.size WHERE kid = OLD.kid;
END;
";

/// A partner's row: id, origin, name, completed, form, recipients (a JSON list of key
/// ids), added.
type PartnerRow = (String, String, String, bool, String, String, i64);

fn partner_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<PartnerRow> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
    ))
}

fn partner_of(
    (id, origin, name, completed, form, recipients, added): PartnerRow,
) -> Result<Partner, StoreError> {
    let recipients = serde_json::from_str(&recipients)
        .map_err(|error| StoreError(format!("a partner's recipients do not read: {error}")))?;
    Ok(Partner {
        id,
        origin,
        name,
        completed,
        form,
        recipients,
        added: u64::try_from(added).unwrap_or(0),
    })
}

/// Every partner, by origin and form.
fn all_partners(connection: &Connection) -> Result<Vec<Partner>, StoreError> {
    let mut statement = connection.prepare(
        "SELECT id, origin, name, completed, form, recipients, added FROM partners
         ORDER BY origin, form",
    )?;
    let rows = statement.query_map([], partner_row)?;
    rows.map(|row| partner_of(row?)).collect()
}

/// A partner's recipients as the `recipients` column keeps them: a JSON list of key ids.
fn recipients_json(recipients: &[String]) -> Result<String, StoreError> {
    serde_json::to_string(recipients)
        .map_err(|error| StoreError(format!("cannot write the recipients: {error}")))
}

/// Brings a store made before deliveries carried their size up to date: the sizes are
/// copied from the packets and the waiting bytes counted once, in one transaction.
fn migrate(connection: &mut Connection) -> Result<(), StoreError> {
    let has_size = connection
        .prepare("SELECT 1 FROM pragma_table_info('deliveries') WHERE name = 'size'")?
        .exists([])?;
    // Stores made before agencies signed: their agencies have no signing key yet.
    let mut missing = Vec::new();
    for column in ["signing_jwk", "endorsement"] {
        if !connection
            .prepare("SELECT 1 FROM pragma_table_info('agencies') WHERE name = ?1")?
            .exists([column])?
        {
            missing.push(column);
        }
    }
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for column in missing {
        transaction.execute_batch(&format!("ALTER TABLE agencies ADD COLUMN {column} TEXT;"))?;
    }
    if !has_size {
        transaction.execute_batch(
            "ALTER TABLE deliveries ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
             UPDATE deliveries SET size = (SELECT size FROM packets WHERE id = packet_id);",
        )?;
    }
    let counted: bool = transaction
        .prepare("SELECT 1 FROM sqlite_master WHERE name = 'waiting'")?
        .exists([])?;
    transaction.execute_batch(WAITING)?;
    if !has_size || !counted {
        transaction.execute_batch(
            "DELETE FROM waiting;
             INSERT INTO waiting (kid, bytes)
             SELECT kid, SUM(size) FROM deliveries WHERE acknowledged IS NULL GROUP BY kid;",
        )?;
    }
    transaction.commit()?;
    Ok(())
}

impl SqliteStore {
    /// Opens (or creates) the store in `data`, a folder only its owner may read.
    pub fn open(data: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data)
            .map_err(|error| StoreError(format!("cannot create `{}`: {error}", data.display())))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(data, std::fs::Permissions::from_mode(0o700)).map_err(
                |error| StoreError(format!("cannot restrict `{}`: {error}", data.display())),
            )?;
        }
        let path = data.join(DATABASE_FILE);
        let mut connection = open_connection(&path)?;
        connection.execute_batch(SCHEMA)?;
        migrate(&mut connection)?;
        let writer = open_connection(&path)?;
        let (uploads, queue) = mpsc::channel();
        std::thread::Builder::new()
            .name("confidant-writer".to_owned())
            .spawn(move || write_uploads(writer, &queue))
            .map_err(|error| StoreError(format!("cannot start the writer: {error}")))?;
        Ok(Self {
            connection: Mutex::new(connection),
            uploads: Mutex::new(uploads),
            path,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (every change is
        // a transaction), so the connection stays usable.
        self.connection
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Store for SqliteStore {
    fn add_agency(
        &self,
        agency: &Agency,
        credential_hash: &[u8; 32],
        now: u64,
    ) -> Result<bool, StoreError> {
        let added = self.connection().execute(
            "INSERT OR IGNORE INTO agencies
                 (kid, name, kind, jwk, fingerprint, credential_hash, added, signing_jwk)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                agency.kid,
                agency.name,
                agency.kind,
                agency.jwk,
                agency.fingerprint,
                &credential_hash[..],
                now as i64,
                agency.signing_jwk
            ],
        )?;
        Ok(added == 1)
    }

    fn remove_agency(&self, kid: &str) -> Result<bool, StoreError> {
        let mut connection = self.connection();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let removed = transaction.execute("DELETE FROM agencies WHERE kid = ?1", params![kid])?;
        transaction.execute("DELETE FROM deliveries WHERE kid = ?1", params![kid])?;
        transaction.execute("DELETE FROM former_keys WHERE agency = ?1", params![kid])?;
        let deleted = transaction.execute(
            "DELETE FROM packets WHERE id NOT IN (SELECT packet_id FROM deliveries)",
            [],
        )?;
        transaction.commit()?;
        if deleted > 0 {
            truncate_write_ahead_log(&connection)?;
        }
        Ok(removed == 1)
    }

    fn agencies(&self) -> Result<Vec<Agency>, StoreError> {
        let connection = self.connection();
        let mut statement = connection.prepare(
            "SELECT kid, name, kind, jwk, fingerprint, signing_jwk, endorsement FROM agencies
                 ORDER BY name, kid",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(Agency {
                kid: row.get(0)?,
                name: row.get(1)?,
                kind: row.get(2)?,
                jwk: row.get(3)?,
                fingerprint: row.get(4)?,
                signing_jwk: row.get(5)?,
                endorsement: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn agency_by_credential(
        &self,
        credential_hash: &[u8; 32],
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .connection()
            .query_row(
                "SELECT kid FROM agencies WHERE credential_hash = ?1",
                params![&credential_hash[..]],
                |row| row.get(0),
            )
            .optional()?)
    }

    fn put_packet(
        &self,
        packet_id: &str,
        recipients: &[String],
        body: &[u8],
        now: u64,
        quota_bytes: u64,
    ) -> Result<Stored, StoreError> {
        let (outcome, answer) = mpsc::channel();
        let upload = Upload {
            packet_id: packet_id.to_owned(),
            recipients: recipients.to_vec(),
            body: body.to_vec(),
            now,
            quota_bytes,
            outcome,
        };
        let gone = || StoreError("the writer has stopped".to_owned());
        self.uploads
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .send(upload)
            .map_err(|_| gone())?;
        answer.recv().map_err(|_| gone())?
    }

    fn waiting_bytes(&self, kid: &str) -> Result<u64, StoreError> {
        waiting_bytes(&self.connection(), kid)
    }

    fn is_agency(&self, kid: &str) -> Result<bool, StoreError> {
        is_agency_key(&self.connection(), kid)
    }

    fn rotate_agency(&self, old_kid: &str, new: &NewKey, now: u64) -> Result<Rotated, StoreError> {
        let mut connection = self.connection();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: bool = transaction
            .prepare("SELECT 1 FROM agencies WHERE kid = ?1")?
            .exists(params![old_kid])?;
        if !current {
            return Ok(Rotated::NoSuchAgency);
        }
        if is_agency_key(&transaction, &new.kid)? {
            return Ok(Rotated::KeyTaken);
        }
        transaction.execute(
            "UPDATE agencies SET kid = ?2, jwk = ?3, fingerprint = ?4, endorsement = ?5
             WHERE kid = ?1",
            params![old_kid, new.kid, new.jwk, new.fingerprint, new.endorsement],
        )?;
        transaction.execute(
            "UPDATE deliveries SET kid = ?2 WHERE kid = ?1",
            params![old_kid, new.kid],
        )?;
        // The waiting bytes follow the deliveries (their triggers watch inserts,
        // acknowledgments and deletions, not a change of key).
        transaction.execute("DELETE FROM waiting WHERE kid = ?1", params![new.kid])?;
        transaction.execute(
            "UPDATE waiting SET kid = ?2 WHERE kid = ?1",
            params![old_kid, new.kid],
        )?;
        transaction.execute(
            "UPDATE former_keys SET agency = ?2 WHERE agency = ?1",
            params![old_kid, new.kid],
        )?;
        transaction.execute(
            "INSERT INTO former_keys (kid, agency, retired) VALUES (?1, ?2, ?3)",
            params![old_kid, new.kid, now as i64],
        )?;
        let waiting: i64 = transaction.query_row(
            "SELECT COUNT(*) FROM deliveries WHERE kid = ?1 AND acknowledged IS NULL",
            params![new.kid],
            |row| row.get(0),
        )?;
        transaction.commit()?;
        Ok(Rotated::Done {
            waiting: waiting as usize,
        })
    }

    fn add_partner(&self, partner: &Partner) -> Result<bool, StoreError> {
        let recipients = recipients_json(&partner.recipients)?;
        let added = self.connection().execute(
            "INSERT OR IGNORE INTO partners (id, origin, name, completed, form, recipients, added)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                partner.id,
                partner.origin,
                partner.name,
                partner.completed,
                partner.form,
                recipients,
                partner.added as i64
            ],
        )?;
        Ok(added == 1)
    }

    fn partners(&self) -> Result<Vec<Partner>, StoreError> {
        all_partners(&self.connection())
    }

    fn partner(&self, id: &str) -> Result<Option<Partner>, StoreError> {
        self.connection()
            .query_row(
                "SELECT id, origin, name, completed, form, recipients, added FROM partners
                 WHERE id = ?1",
                params![id],
                partner_row,
            )
            .optional()?
            .map(partner_of)
            .transpose()
    }

    fn remove_partners(&self, origin: &str, form: Option<&str>) -> Result<usize, StoreError> {
        Ok(self.connection().execute(
            "DELETE FROM partners WHERE origin = ?1 AND (?2 IS NULL OR form = ?2)",
            params![origin, form],
        )?)
    }

    fn repoint_partners(
        &self,
        old_kid: &str,
        new_kid: Option<&str>,
    ) -> Result<Vec<(Partner, bool)>, StoreError> {
        let mut connection = self.connection();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut changed = Vec::new();
        for mut partner in all_partners(&transaction)? {
            if !partner.recipients.iter().any(|kid| kid == old_kid) {
                continue;
            }
            let mut recipients = Vec::new();
            for kid in partner.recipients.drain(..) {
                let kid = if kid == old_kid {
                    new_kid.map(str::to_owned)
                } else {
                    Some(kid)
                };
                if let Some(kid) = kid.filter(|kid| !recipients.contains(kid)) {
                    recipients.push(kid);
                }
            }
            partner.recipients = recipients;
            let removed = partner.recipients.is_empty();
            if removed {
                transaction.execute("DELETE FROM partners WHERE id = ?1", params![partner.id])?;
            } else {
                transaction.execute(
                    "UPDATE partners SET recipients = ?2 WHERE id = ?1",
                    params![partner.id, recipients_json(&partner.recipients)?],
                )?;
            }
            changed.push((partner, removed));
        }
        transaction.commit()?;
        Ok(changed)
    }

    fn set_signing_key(&self, kid: &str, signing_jwk: &str) -> Result<bool, StoreError> {
        let changed = self.connection().execute(
            "UPDATE agencies SET signing_jwk = ?2 WHERE kid = ?1",
            params![kid, signing_jwk],
        )?;
        Ok(changed == 1)
    }

    fn replace_credential(
        &self,
        kid: &str,
        credential_hash: &[u8; 32],
    ) -> Result<bool, StoreError> {
        let changed = self.connection().execute(
            "UPDATE agencies SET credential_hash = ?2 WHERE kid = ?1",
            params![kid, &credential_hash[..]],
        )?;
        Ok(changed == 1)
    }

    fn inbox(&self, kid: &str) -> Result<Vec<InboxEntry>, StoreError> {
        let connection = self.connection();
        let mut statement = connection.prepare(
            "SELECT p.id, p.size, p.received, d.acknowledged
             FROM deliveries d JOIN packets p ON p.id = d.packet_id
             WHERE d.kid = ?1 ORDER BY p.received, p.id",
        )?;
        let rows = statement.query_map(params![kid], |row| {
            Ok(InboxEntry {
                packet_id: row.get(0)?,
                size: row.get::<_, i64>(1)? as u64,
                received: row.get::<_, i64>(2)? as u64,
                acknowledged: row.get::<_, Option<i64>>(3)?.map(|at| at as u64),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn packet_for(&self, kid: &str, packet_id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .connection()
            .query_row(
                "SELECT p.body FROM deliveries d JOIN packets p ON p.id = d.packet_id
                 WHERE d.kid = ?1 AND d.packet_id = ?2",
                params![kid, packet_id],
                |row| row.get(0),
            )
            .optional()?)
    }

    fn acknowledge(&self, kid: &str, packet_id: &str, now: u64) -> Result<bool, StoreError> {
        let changed = self.connection().execute(
            "UPDATE deliveries SET acknowledged = COALESCE(acknowledged, ?3)
             WHERE kid = ?1 AND packet_id = ?2",
            params![kid, packet_id, now as i64],
        )?;
        Ok(changed == 1)
    }

    fn expire(&self, acknowledged_before: u64, received_before: u64) -> Result<usize, StoreError> {
        let mut connection = self.connection();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        transaction.execute(
            "DELETE FROM deliveries WHERE acknowledged IS NOT NULL AND acknowledged < ?1",
            params![acknowledged_before as i64],
        )?;
        transaction.execute(
            "DELETE FROM deliveries WHERE acknowledged IS NULL
             AND packet_id IN (SELECT id FROM packets WHERE received < ?1)",
            params![received_before as i64],
        )?;
        let deleted = transaction.execute(
            "DELETE FROM packets WHERE id NOT IN (SELECT packet_id FROM deliveries)",
            [],
        )?;
        transaction.commit()?;
        if deleted > 0 {
            truncate_write_ahead_log(&connection)?;
        }
        Ok(deleted)
    }
}

/// Whether `kid` is an agency's key, current or former.
fn is_agency_key(connection: &Connection, kid: &str) -> Result<bool, StoreError> {
    Ok(connection
        .query_row(
            "SELECT 1 FROM agencies WHERE kid = ?1
             UNION ALL SELECT 1 FROM former_keys WHERE kid = ?1",
            params![kid],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// See [`Store::waiting_bytes`]; inside a transaction, it counts the transaction's own
/// inserts too.
fn waiting_bytes(connection: &Connection, kid: &str) -> Result<u64, StoreError> {
    let bytes: Option<i64> = connection
        .query_row(
            "SELECT bytes FROM waiting WHERE kid = ?1",
            params![kid],
            |row| row.get(0),
        )
        .optional()?;
    Ok(u64::try_from(bytes.unwrap_or(0)).unwrap_or(0))
}

/// Copies everything in the write-ahead log into the database file and empties the log.
///
/// `secure_delete` zeroes a deleted row in the database file, but the log still holds
/// every page as it was last written, the packet's ciphertext included, until a
/// checkpoint has copied the log back and SQLite starts it over: without this, a deleted
/// packet stayed readable in `confidant.sqlite3-wal`. A reader in the middle of a query
/// holds the checkpoint back, so it is tried a few times.
fn truncate_write_ahead_log(connection: &Connection) -> Result<(), StoreError> {
    for _ in 0..50 {
        let busy: i64 =
            connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))?;
        if busy == 0 {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Err(StoreError(
        "the write-ahead log could not be emptied after a deletion; \
         the next deletion tries again"
            .to_owned(),
    ))
}

fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(std::time::Duration::from_secs(10))?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    // Deleted packets are overwritten, not left in free pages.
    connection.pragma_update(None, "secure_delete", "ON")?;
    Ok(connection)
}

/// The writer thread: takes every upload waiting, stores them in one transaction, and
/// answers each once the commit is on disk. It ends when the store is dropped.
fn write_uploads(mut connection: Connection, queue: &mpsc::Receiver<Upload>) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(upload) => batch.push(upload),
                Err(_) => break,
            }
        }
        match store_batch(&mut connection, &batch) {
            Ok(outcomes) => {
                for (upload, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = upload.outcome.send(Ok(outcome));
                }
            }
            Err(failure) => {
                for upload in batch {
                    let _ = upload.outcome.send(Err(StoreError(failure.0.clone())));
                }
            }
        }
    }
}

/// Stores a batch in one transaction: all of it is committed, or none of it.
///
/// Every writing transaction here begins IMMEDIATE, taking the write lock before it reads:
/// a deferred one that read first, then found another connection had committed (the
/// expiry at start-up, an acknowledgment), failed at once with "database is locked"
/// instead of waiting its turn, and the upload got a 503.
fn store_batch(connection: &mut Connection, batch: &[Upload]) -> Result<Vec<Stored>, StoreError> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for upload in batch {
        let digest = Sha256::digest(&upload.body);
        let existing: Option<(Vec<u8>, i64)> = transaction
            .query_row(
                "SELECT sha256, received FROM packets WHERE id = ?1",
                params![upload.packet_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        if let Some((sha256, received)) = existing {
            let receipt = Receipt {
                packet_id: upload.packet_id.clone(),
                received: received as u64,
            };
            outcomes.push(if sha256 == digest.as_slice() {
                Stored::Again(receipt)
            } else {
                Stored::Conflict
            });
            continue;
        }
        let size = upload.body.len() as u64;
        // A key an agency has rotated away from delivers to the agency under its current
        // key, once even if the packet names both.
        let mut recipients: Vec<String> = Vec::with_capacity(upload.recipients.len());
        for kid in &upload.recipients {
            let current: Option<String> = transaction
                .query_row(
                    "SELECT agency FROM former_keys WHERE kid = ?1",
                    params![kid],
                    |row| row.get(0),
                )
                .optional()?;
            let current = current.unwrap_or_else(|| kid.clone());
            if !recipients.contains(&current) {
                recipients.push(current);
            }
        }
        let mut over_quota = false;
        for kid in &recipients {
            let waiting = waiting_bytes(&transaction, kid)?;
            over_quota |= waiting.saturating_add(size) > upload.quota_bytes;
        }
        if over_quota {
            outcomes.push(Stored::OverQuota);
            continue;
        }
        transaction.execute(
            "INSERT INTO packets (id, body, sha256, size, received) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                upload.packet_id,
                upload.body,
                digest.as_slice(),
                upload.body.len() as i64,
                upload.now as i64
            ],
        )?;
        for kid in &recipients {
            transaction.execute(
                "INSERT INTO deliveries (kid, packet_id, size) VALUES (?1, ?2, ?3)",
                params![kid, upload.packet_id, upload.body.len() as i64],
            )?;
        }
        outcomes.push(Stored::New(Receipt {
            packet_id: upload.packet_id.clone(),
            received: upload.now,
        }));
    }
    transaction.commit()?;
    Ok(outcomes)
}

/// The SHA-256 of an agency credential: all the server keeps of it.
pub fn credential_hash(credential: &str) -> [u8; 32] {
    Sha256::digest(credential.as_bytes()).into()
}
