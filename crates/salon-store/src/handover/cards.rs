//! The laptop's side of a handover (引き継ぎ) kept in the encrypted database: its own keys
//! (`salon_handover::LaptopKeys`, made once) and the colleagues' laptops it knows, each card
//! imported only when the fingerprint typed from its owner's screen matches. A card swapped on
//! its way (a USB stick, a shared folder) carries other keys, so another fingerprint: refused.

use rusqlite::{params, OptionalExtension};
use salon_handover::LaptopCard;
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::laptop_keys::laptop_keys;
use crate::rows::stamp;
use crate::vault::Store;

/// A colleague's laptop this one knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct KnownLaptop {
    pub id: i64,
    /// The name its owner gave it (their name, say).
    pub label: String,
    /// Its twenty-four digits, as the owner's screen shows them.
    pub fingerprint: String,
    pub imported_at: String,
}

impl Store {
    /// This laptop's card, named `label`, for a colleague to import; and its fingerprint is
    /// `card.fingerprint()`, shown beside it.
    pub fn laptop_card(&self, label: &str) -> Result<LaptopCard> {
        Ok(laptop_keys(&self.conn)?.card(label))
    }

    /// Imports a colleague's card (the file's text) when `typed`, the fingerprint read from
    /// the colleague's screen, is the card's. Importing a card again (a new name) keeps one.
    pub fn import_laptop_card(&mut self, file: &str, typed: &str) -> Result<KnownLaptop> {
        let card = LaptopCard::from_file(file).map_err(StoreError::Handover)?;
        self.trust_card(&card, typed, true)
    }

    /// Keeps a colleague's card when `typed`, read from the colleague's screen, is its
    /// fingerprint: a card from a file, from headquarters' list, or from a package's header.
    /// `rename`: a card already known takes this one's name (a file the colleague wrote);
    /// a name headquarters gives never replaces the one given here.
    pub(super) fn trust_card(
        &mut self,
        card: &LaptopCard,
        typed: &str,
        rename: bool,
    ) -> Result<KnownLaptop> {
        let card = card.clone();
        let fingerprint = card.fingerprint();
        if !fingerprint.matches(typed) {
            return Err(StoreError::FingerprintMismatch);
        }
        if laptop_keys(&self.conn)?.card("").same_keys(&card) {
            return Err(StoreError::OwnCard);
        }
        // A card with other keys behind the same digits is not the colleague's already known.
        let held: Option<String> = self
            .conn
            .query_row(
                "SELECT card FROM known_laptop WHERE fingerprint = ?1",
                [fingerprint.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(held) = held {
            let held = LaptopCard::from_file(&held)
                .map_err(|_| StoreError::Damaged("known laptop card"))?;
            if !held.same_keys(&card) {
                return Err(StoreError::FingerprintMismatch);
            }
        }
        let label = if card.label.is_empty() {
            fingerprint.to_string()
        } else {
            card.label.clone()
        };
        self.conn.execute(
            "INSERT INTO known_laptop (label, card, fingerprint, imported_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (fingerprint) DO UPDATE SET label = CASE WHEN ?5 THEN excluded.label
                                                                  ELSE label END",
            params![
                label,
                card.to_file(),
                fingerprint.to_string(),
                stamp(),
                rename
            ],
        )?;
        let id: i64 = self.conn.query_row(
            "SELECT id FROM known_laptop WHERE fingerprint = ?1",
            [fingerprint.to_string()],
            |r| r.get(0),
        )?;
        self.known_laptops()?
            .into_iter()
            .find(|k| k.id == id)
            .ok_or(StoreError::NotFound("known laptop"))
    }

    /// The colleagues' laptops this one knows, by name.
    pub fn known_laptops(&self) -> Result<Vec<KnownLaptop>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, label, fingerprint, imported_at FROM known_laptop ORDER BY label, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(KnownLaptop {
                id: r.get(0)?,
                label: r.get(1)?,
                fingerprint: r.get(2)?,
                imported_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The known laptops' cards, for opening a package or checking a receipt.
    pub fn known_cards(&self) -> Result<Vec<LaptopCard>> {
        let mut stmt = self.conn.prepare("SELECT card FROM known_laptop")?;
        let texts = stmt.query_map([], |r| r.get::<_, String>(0))?;
        texts
            .map(|t| {
                LaptopCard::from_file(&t?).map_err(|_| StoreError::Damaged("known laptop card"))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::tests::{fresh_store, PASS};
    use crate::Vault;

    #[test]
    fn the_keys_are_made_once_and_kept_across_a_reopen_a_backup_and_new_store_keys() {
        let (dir, store) = fresh_store();
        let card = store.laptop_card("山田 花子").unwrap();
        assert!(card.same_keys(&store.laptop_card("").unwrap()));
        store.close().unwrap();
        let vault = Vault::new(dir.path());
        let store = vault.unlock(PASS).unwrap();
        assert!(card.same_keys(&store.laptop_card("").unwrap()), "reopened");

        let backups = tempfile::tempdir().unwrap();
        let file = backups.path().join("salon.backup");
        store.write_backup(&file, |_, _| {}).unwrap();
        let rotation = vault
            .prepare_rotation(&store, crate::Proof::Passphrase(PASS), PASS, PASS)
            .unwrap();
        let (store, _) = vault.complete_rotation(store, rotation).unwrap();
        assert!(card.same_keys(&store.laptop_card("").unwrap()), "rotated");
        store.close().unwrap();

        let elsewhere = tempfile::tempdir().unwrap();
        let restored = Vault::new(elsewhere.path())
            .restore_backup(&file, crate::backup::RestoreSecret::Passphrase(PASS))
            .unwrap();
        assert!(
            card.same_keys(&restored.laptop_card("").unwrap()),
            "restored"
        );
    }

    #[test]
    fn a_card_is_imported_only_with_its_owners_fingerprint_and_a_swapped_one_is_refused() {
        let (_a_dir, a) = fresh_store();
        let (_b_dir, mut b) = fresh_store();
        let a_card = a.laptop_card("山田 花子").unwrap();
        let shown = a_card.fingerprint().to_string();

        // Someone on the way puts their own keys in a card of the same name: the fingerprint
        // read from 山田さん's screen is not the swapped card's.
        let (_m_dir, mallory) = fresh_store();
        let swapped = mallory.laptop_card("山田 花子").unwrap().to_file();
        assert!(matches!(
            b.import_laptop_card(&swapped, &shown),
            Err(StoreError::FingerprintMismatch)
        ));
        assert!(matches!(
            b.import_laptop_card(&a_card.to_file(), "0000 0000 0000 0000"),
            Err(StoreError::FingerprintMismatch)
        ));
        assert!(matches!(
            b.import_laptop_card("not a card", &shown),
            Err(StoreError::Handover(salon_handover::Refusal::Unreadable))
        ));
        let own = b.laptop_card("B").unwrap();
        assert!(matches!(
            b.import_laptop_card(&own.to_file(), &own.fingerprint().to_string()),
            Err(StoreError::OwnCard)
        ));
        assert!(b.known_laptops().unwrap().is_empty());

        let known = b.import_laptop_card(&a_card.to_file(), &shown).unwrap();
        assert_eq!(
            (known.label.as_str(), known.fingerprint.as_str()),
            ("山田 花子", shown.as_str())
        );
        // Imported again under a new name: still one.
        let renamed = a.laptop_card("山田さん").unwrap().to_file();
        b.import_laptop_card(&renamed, &shown.replace(' ', ""))
            .unwrap();
        let all = b.known_laptops().unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].label, "山田さん");
        assert!(b.known_cards().unwrap()[0].same_keys(&a_card));
    }

    #[test]
    fn a_card_whose_digits_are_known_with_other_keys_is_refused_and_the_known_one_kept() {
        let (_a_dir, a) = fresh_store();
        let (_m_dir, mallory) = fresh_store();
        let (_b_dir, mut b) = fresh_store();
        let a_card = a.laptop_card("山田 花子").unwrap();
        let shown = a_card.fingerprint().to_string();
        // As if a card made to match 山田さん's digits had got in first.
        let ground = mallory.laptop_card("山田 花子").unwrap();
        b.conn
            .execute(
                "INSERT INTO known_laptop (label, card, fingerprint, imported_at)
                 VALUES ('山田 花子', ?1, ?2, '2026-12-01T00:00:00Z')",
                params![ground.to_file(), shown],
            )
            .unwrap();
        assert!(matches!(
            b.import_laptop_card(&a_card.to_file(), &shown),
            Err(StoreError::FingerprintMismatch)
        ));
        assert!(
            b.known_cards().unwrap()[0].same_keys(&ground),
            "nothing changed"
        );
    }
}
