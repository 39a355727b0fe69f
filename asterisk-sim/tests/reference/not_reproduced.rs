//! The recorded exchanges the simulator does not reproduce, each with the reason. Shared by the
//! simulator's replay and by Conjure's door replay (`backend/tests/door_replay.rs`), which must not
//! count the simulator's own misses against the door.

/// `name -> reason` of exchanges the simulator does not reproduce.
pub const NOT_REPRODUCED: &[(&str, &str)] = &[
    (
        "readonly/geolocation-location-put",
        "res_geolocation is outside Conjure's scope; the simulator only knows res_pjsip",
    ),
    (
        "readonly/geolocation-profile-put",
        "res_geolocation is not simulated",
    ),
    (
        "types/geolocation-profile-get",
        "res_geolocation is not simulated",
    ),
    (
        "types/geolocation-profile-builtin-get",
        "res_geolocation is not simulated",
    ),
    (
        "types/geolocation-profile-delete",
        "res_geolocation is not simulated",
    ),
    (
        "readonly/geolocation-location-get",
        "res_geolocation is not simulated",
    ),
    (
        "errors/geolocation-type-unknown",
        "res_geolocation is not simulated",
    ),
];

/// `name -> reason` of the random recording's exchanges the simulator does not reproduce (7 of 1,190; the
/// "follows" ones differ only because an earlier exchange did).
pub const RANDOM_2_NOT_REPRODUCED: &[(&str, &str)] = &[
    (
        "random-1001/194-update",
        "an auth update that empties the password, leaving an MD5 digest while supported_algorithms_uas also names SHA-512-256, is refused by Asterisk; the simulator's auth check still passes it",
    ),
    (
        "random-1506/173-update",
        "the same auth check as random-1001/194: password emptied, the digest covers MD5 only, SHA-256 is supported: Asterisk refuses, the simulator does not",
    ),
    (
        "random-1506/194-get",
        "follows random-1506/173: the simulator applied the update Asterisk refused",
    ),
    (
        "random-1203/173-invalid",
        "outbound-publish to_uri '127.0.0.1' is not a SIP URI: Asterisk's apply handler refuses the object; the simulator checks to_uri only per field, from the recorded table",
    ),
    (
        "random-1203/208-cleanup",
        "follows random-1203/173: the simulator made the object Asterisk refused",
    ),
    (
        "random-1506/010-invalid",
        "as random-1203/173: outbound-publish to_uri '127.0.0.1' refused by the apply handler, accepted by the simulator",
    ),
    (
        "random-1405/036-invalid",
        "outbound-publish server_uri 'bogus-value' then a valid one in the same PUT: Asterisk checks the URI once every field is set (apply handler), the simulator per field",
    ),
    ("random-1405/216-cleanup", "follows random-1405/036"),
    (
        "random-1405/097-invalid",
        "identify match_header 'bogus-value' then 'X-Ref: //' in the same PUT: Asterisk checks the header once every field is set, the simulator per field",
    ),
    (
        "random-1405/192-probe-id-spelling",
        "follows random-1405/097",
    ),
    ("random-1405/225-cleanup", "follows random-1405/097"),
    (
        "random-1304/093-update",
        "codec_prefs_outgoing_offer with transcode:prevent is accepted for the outgoing offer; the simulator refuses it (its codec_prefs table holds only incoming-offer measurements for that token)",
    ),
    (
        "random-1304/097-list-disallow-order",
        "follows random-1304/093",
    ),
    (
        "random-1304/108-update",
        "endpoint security_mechanisms made only of unknown mechanisms ('bogus-value') is refused on an endpoint; the simulator drops unknown mechanisms as a registration does",
    ),
    (
        "random-1304/118-probe-upper-attr",
        "follows random-1304/108: the simulator applied the update Asterisk refused",
    ),
    ("random-1304/128-list-set_var", "follows random-1304/108"),
    ("random-1304/193-get", "follows random-1304/108"),
    (
        "random-1304/129-create",
        "timers_min_se=100000 with timers_sess_expires=100000 is accepted by Asterisk (the pair is consistent); the simulator refuses timers_min_se above its recorded values",
    ),
    (
        "random-1304/130-list-disallow-order",
        "follows random-1304/129 (the endpoint Asterisk made, with set_var, answers every later PUT with 500)",
    ),
    (
        "random-1506/042-create",
        "with global default_auth_algorithms_uas set to '' earlier, a new auth renders supported_algorithms_uas ''; the simulator's new auths fall back to MD5",
    ),
    ("random-1506/073-get", "follows random-1506/042"),
];

pub const RANDOM_NOT_REPRODUCED: &[(&str, &str)] = &[
    (
        "random-202/060-invalid",
        "a phoneprov PUT that repeats MAC with an empty value fails to copy in Asterisk (500); the simulator skips the empty value",
    ),
    (
        "random-303/066-probe-upper-attr",
        "Asterisk refuses a 200-character device_state_filter (regex or length); the simulator takes any regex that compiles",
    ),
    (
        "random-303/183-probe-duplicate-attr",
        "a boolean set to a value and then to \"\" in one PUT leaves an endpoint Asterisk cannot copy (500); the simulator keeps the last valid value",
    ),
    (
        "random-303/215-cleanup",
        "follows random-303/066-probe-upper-attr (the simulator made the object Asterisk refused)",
    ),
    (
        "random-505/064-probe-upper-attr",
        "Asterisk refuses a pickup_group of 127 characters written back from its own cut rendering; the simulator accepts it",
    ),
    (
        "random-505/099-get",
        "follows random-505/064-probe-upper-attr (pickup_group)",
    ),
    (
        "random-505/176-list-disallow-order",
        "follows random-505/064-probe-upper-attr (pickup_group)",
    ),
];
