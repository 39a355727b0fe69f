//! Wizard sections as res_pjsip_config_wizard.c of Asterisk 22.10.1 expands them, from a
//! `pjsip_wizard.conf` written the way its sample file teaches.

use asterisk_conf::wizard::{WizardObject, expand};
use asterisk_conf::{Files, read};

const WIZARD: &str = "\
[trunk-defaults](!)
type = wizard
transport = ipv4
endpoint/allow = !all,ulaw

[my-itsp](trunk-defaults)
sends_auth = yes
sends_registrations = yes
remote_hosts = sip1.myitsp.com:5060, sip2.myitsp.com:5060
outbound_auth/username = my_username
outbound_auth/password = my_password
endpoint/context = default
aor/qualify_frequency = 15

[1000]
type = wizard
accepts_auth = yes
accepts_registrations = yes
has_hint = yes
hint_exten = 1000
inbound_auth/username = 1000
inbound_auth/password = s3cret
endpoint/context = internal
aor/max_contacts = 2

[broken]
type = wizard
";

fn expanded() -> asterisk_conf::wizard::Expanded {
    let mut f = Files::new();
    f.add("pjsip_wizard.conf", WIZARD.as_bytes());
    expand(&read(&f, "pjsip_wizard.conf").unwrap())
}

fn get<'a>(objects: &'a [WizardObject], ty: &str, id: &str) -> &'a WizardObject {
    objects
        .iter()
        .find(|o| o.object_type == ty && o.id == id)
        .unwrap_or_else(|| panic!("no {ty} {id}: {objects:#?}"))
}

fn fields(o: &WizardObject) -> Vec<(&str, &str)> {
    o.fields
        .iter()
        .map(|(n, v, _)| (n.as_str(), v.as_str()))
        .collect()
}

#[test]
fn a_trunk_gets_its_auth_aor_endpoint_identify_and_a_registration_per_host() {
    let e = expanded();
    let o = &e.objects;
    assert_eq!(
        fields(get(o, "auth", "my-itsp-oauth")),
        [
            ("username", "my_username"),
            ("password", "my_password"),
            ("auth_type", "userpass")
        ]
    );
    assert_eq!(
        fields(get(o, "aor", "my-itsp")),
        [
            ("qualify_frequency", "15"),
            ("contact", "sip:sip1.myitsp.com:5060"),
            ("contact", "sip:sip2.myitsp.com:5060")
        ]
    );
    assert_eq!(
        fields(get(o, "endpoint", "my-itsp")),
        [
            ("allow", "!all,ulaw"),
            ("context", "default"),
            ("aors", "my-itsp"),
            ("transport", "ipv4"),
            ("outbound_auth", "my-itsp-oauth")
        ]
    );
    assert_eq!(
        fields(get(o, "identify", "my-itsp-identify")),
        [
            ("endpoint", "my-itsp"),
            ("match", "sip1.myitsp.com:5060"),
            ("match", "sip2.myitsp.com:5060")
        ]
    );
    assert_eq!(
        fields(get(o, "registration", "my-itsp-reg-1")),
        [
            ("server_uri", "sip:sip2.myitsp.com:5060"),
            ("client_uri", "sip:my_username@sip2.myitsp.com:5060"),
            ("outbound_auth", "my-itsp-oauth"),
            ("transport", "ipv4")
        ]
    );
    // The template itself makes nothing; auths come before what names them.
    assert!(o.iter().all(|x| x.wizard != "trunk-defaults"));
    assert_eq!(o[0].object_type, "auth");
}

#[test]
fn a_phone_that_registers_gets_no_identify_and_its_hint_stays_in_the_file() {
    let e = expanded();
    let o = &e.objects;
    assert_eq!(
        fields(get(o, "endpoint", "1000")),
        [
            ("context", "internal"),
            ("aors", "1000"),
            ("auth", "1000-iauth")
        ]
    );
    assert_eq!(fields(get(o, "aor", "1000")), [("max_contacts", "2")]);
    assert!(!o.iter().any(|x| x.id == "1000-identify"));
    let hint = e
        .problems
        .iter()
        .find(|p| p.message.contains("hint"))
        .unwrap();
    assert!(!hint.refused && hint.at.line == 20, "{hint:?}");
}

#[test]
fn what_the_wizard_refuses_is_said_and_the_rest_is_still_made() {
    let e = expanded();
    // No remote_hosts and no registrations accepted: no identify, but its aor and endpoint.
    let p = e
        .problems
        .iter()
        .find(|p| p.message.contains("'broken'"))
        .unwrap();
    assert!(p.refused && p.message.contains("remote_hosts"), "{p:?}");
    assert_eq!(p.at.line, 26);
    get(&e.objects, "aor", "broken");
    get(&e.objects, "endpoint", "broken");
}
