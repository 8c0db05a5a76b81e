use super::*;

const PASS: &str = "さくら咲くキャンパス2025";

#[test]
fn passphrase_and_recovery_key_open_the_same_key() {
    let (file, key, recovery) = KeyFile::create(PASS, PASS).unwrap();
    let file = KeyFile::from_json(&file.to_json()).unwrap();
    assert_eq!(*file.unlock(PASS).unwrap().0, *key.0);
    assert_eq!(
        *file.unlock_with_recovery(recovery.display()).unwrap().0,
        *key.0
    );
    // Written down by hand: lower case, spaces, full-width letters.
    let sloppy: String = recovery
        .display()
        .to_lowercase()
        .replace('-', " ")
        .chars()
        .map(|c| if c == 'a' { 'ａ' } else { c })
        .collect();
    assert_eq!(*file.unlock_with_recovery(&sloppy).unwrap().0, *key.0);
}

#[test]
fn the_key_statement_is_written_in_one_buffer_of_its_final_size() {
    let (_, key, _) = KeyFile::create(PASS, PASS).unwrap();
    let statement = key.key_statement();
    assert_eq!(statement.len(), KEY_STATEMENT_LEN);
    assert_eq!(statement.capacity(), KEY_STATEMENT_LEN, "never reallocated");
    let hex = data_encoding::HEXLOWER.encode(key.0.as_ref());
    assert_eq!(statement.as_str(), format!("PRAGMA key = \"x'{hex}'\";"));
}

#[test]
fn kdf_costs_outside_the_supported_range_are_refused_before_deriving() {
    let (file, _, _) = KeyFile::create(PASS, PASS).unwrap();
    let text = String::from_utf8(file.to_json()).unwrap();
    for (field, value) in [
        ("memoryKib", "4194304"),
        ("memoryKib", "1024"),
        ("iterations", "0"),
        ("iterations", "1000000"),
        ("lanes", "64"),
    ] {
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["passphrase"][field] = value.parse::<serde_json::Value>().unwrap();
        let crafted = KeyFile::from_json(v.to_string().as_bytes()).unwrap();
        assert!(
            matches!(crafted.unlock(PASS), Err(StoreError::KdfOutOfRange)),
            "{field} = {value}"
        );
    }
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["passphrase"]["salt"] = "AAAA".into();
    let crafted = KeyFile::from_json(v.to_string().as_bytes()).unwrap();
    assert!(matches!(
        crafted.unlock(PASS),
        Err(StoreError::KdfOutOfRange)
    ));
}

#[test]
fn wrong_secrets_are_refused() {
    let (file, _, _) = KeyFile::create(PASS, PASS).unwrap();
    assert!(matches!(
        file.unlock("さくら咲くキャンパス2024"),
        Err(StoreError::WrongPassphrase)
    ));
    assert!(matches!(
        file.unlock_with_recovery("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"),
        Err(StoreError::WrongRecoveryKey)
    ));
}

#[test]
fn the_key_is_not_in_the_key_file() {
    let (file, key, recovery) = KeyFile::create(PASS, PASS).unwrap();
    let json = String::from_utf8(file.to_json()).unwrap();
    assert!(!json.contains(&data_encoding::HEXLOWER.encode(key.0.as_ref())));
    assert!(!json.contains(&BASE64.encode(key.0.as_ref())));
    assert!(!json.contains(recovery.display()));
    assert!(!json.contains(PASS));
    assert_eq!(file.passphrase.memory_kib, 65536);
    assert_eq!(file.passphrase.iterations, 3);
}

#[test]
fn new_passphrases_are_checked() {
    assert!(matches!(
        KeyFile::create("みじかい", "みじかい"),
        Err(StoreError::PassphraseTooShort(8))
    ));
    // Eight Japanese characters are enough: length is in characters, not bytes.
    assert!(check_new_passphrase("やまのうえのそら", "やまのうえのそら").is_ok());
    assert!(matches!(
        check_new_passphrase("やまのうえのそら", "やまのうえのそと"),
        Err(StoreError::PassphraseMismatch)
    ));
}

#[test]
fn changing_the_passphrase_keeps_key_and_recovery() {
    let (file, key, recovery) = KeyFile::create(PASS, PASS).unwrap();
    let next = "あたらしい合言葉です";
    assert!(matches!(
        file.change_passphrase("ちがう合言葉ですよ", next, next),
        Err(StoreError::WrongPassphrase)
    ));
    let changed = file.change_passphrase(PASS, next, next).unwrap();
    assert!(matches!(
        changed.unlock(PASS),
        Err(StoreError::WrongPassphrase)
    ));
    assert_eq!(*changed.unlock(next).unwrap().0, *key.0);
    assert_eq!(
        *changed.unlock_with_recovery(recovery.display()).unwrap().0,
        *key.0
    );
}

#[test]
fn nfd_and_nfc_spellings_unlock_alike() {
    let nfc = "がっこうのそうだん室";
    let nfd: String = nfc.nfd().collect();
    assert_ne!(nfc, nfd);
    let (file, _, _) = KeyFile::create(nfc, nfc).unwrap();
    assert!(file.unlock(&nfd).is_ok());
}

#[test]
fn a_damaged_key_file_is_reported() {
    assert!(matches!(
        KeyFile::from_json(b"{}"),
        Err(StoreError::KeyFileDamaged(_))
    ));
}
